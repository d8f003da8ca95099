//! Did-you-mean for unknown actions and services.
//!
//! Plain edit distance picks `s3:CreateBucket` for `s3:ReadBucket`; what the writer meant is the
//! same resource with a verb of the same kind. So an action is split into verb and noun
//! (`Read` + `Bucket`), candidates that keep the noun and use a verb of the same family win,
//! and edit distance only breaks ties and handles typos.

use std::cell::RefCell;
use std::collections::HashMap;

use stackwarden_core::config::edit_distance;

use crate::db::{Action, ActionDb, Service};

/// Verb families: a verb in one family suggests the others.
const FAMILIES: &[&[&str]] = &[
    &[
        "Read", "Get", "List", "Describe", "Fetch", "View", "Query", "Lookup", "Search", "Head",
        "Retrieve", "Scan",
    ],
    &[
        "Write", "Put", "Update", "Create", "Set", "Modify", "Add", "Insert", "Upload", "Edit",
        "Change", "Store",
    ],
    &["Delete", "Remove", "Destroy", "Drop", "Erase", "Purge"],
];

/// No real action name is this long; longer text gets no suggestion (and no quadratic work).
const MAX_SUGGESTABLE: usize = 128;

thread_local! {
    /// A misspelt action is usually misspelt everywhere it is pasted; scoring every action of
    /// the service again for each copy would dominate the check of a large policy.
    static MEMO: RefCell<HashMap<String, Option<String>>> = RefCell::new(HashMap::new());
}

/// The most likely real action for an unknown `name` of `service`.
pub fn action(service: Service<'_>, name: &str) -> Option<String> {
    if name.len() > MAX_SUGGESTABLE || name.is_empty() {
        return None;
    }
    let key = format!("{}:{name}", service.prefix());
    if let Some(hit) = MEMO.with(|m| m.borrow().get(&key).cloned()) {
        return hit;
    }
    let guess = best_action(service, name);
    MEMO.with(|m| {
        let mut memo = m.borrow_mut();
        if memo.len() >= 4_096 {
            memo.clear();
        }
        memo.insert(key, guess.clone());
    });
    guess
}

pub(crate) fn clear_memo() {
    MEMO.with(|m| m.borrow_mut().clear());
}

fn best_action(service: Service<'_>, name: &str) -> Option<String> {
    let (verb, noun) = split_verb(name);
    let family = FAMILIES
        .iter()
        .find(|f| f.iter().any(|v| v.eq_ignore_ascii_case(verb)));
    let lower = name.to_ascii_lowercase();
    let score = |a: &Action<'_>| {
        let (candidate_verb, candidate_noun) = split_verb(a.name());
        let same_noun = !noun.is_empty() && candidate_noun.eq_ignore_ascii_case(noun);
        let same_family =
            family.is_some_and(|f| f.iter().any(|v| v.eq_ignore_ascii_case(candidate_verb)));
        let rank = match (same_noun, same_family) {
            (true, true) => 0,
            (true, false) => 1,
            (false, true) => 2,
            (false, false) => 3,
        };
        let distance = edit_distance(&lower, &a.name().to_ascii_lowercase());
        // A plain typo (distance ≤ 2) beats every semantic guess.
        if distance <= 2 {
            (0, 0, distance)
        } else {
            (1, rank, distance)
        }
    };
    let best = service.actions().min_by_key(score)?;
    let (_, _, distance) = score(&best);
    let (_, best_noun) = split_verb(best.name());
    let plausible = distance <= name.len().max(4) / 2 + 2 || best_noun.eq_ignore_ascii_case(noun);
    plausible.then(|| best.full_name())
}

/// The closest service prefix to an unknown one.
pub fn service(db: &ActionDb, prefix: &str) -> Option<String> {
    if prefix.len() > MAX_SUGGESTABLE {
        return None;
    }
    // SDK client names are not IAM prefixes: `bedrock-runtime` is authorised as `bedrock:*`.
    if let Some(service) = prefix
        .split_once('-')
        .and_then(|(head, _)| db.service(head))
    {
        return Some(service.prefix().to_string());
    }
    let lower = prefix.to_ascii_lowercase();
    let (distance, best) = db
        .services()
        .map(|s| (edit_distance(&lower, s.prefix()), s.prefix()))
        .min()?;
    // A typo is one or two characters off. More is another name: `iotevents` (AWS IoT Events,
    // retired, gone from the reference) is not a misspelling of `events`.
    (distance <= 2 && distance <= prefix.len() / 3 + 1).then(|| best.to_string())
}

/// `GetBucketPolicy` → (`Get`, `BucketPolicy`): the first capitalised word is the verb.
fn split_verb(name: &str) -> (&str, &str) {
    let cut = name
        .char_indices()
        .skip(1)
        .find(|(_, c)| c.is_ascii_uppercase())
        .map_or(name.len(), |(i, _)| i);
    name.split_at(cut)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::db::db;

    fn suggest(full: &str) -> Option<String> {
        let (prefix, name) = full.split_once(':')?;
        action(db().service(prefix)?, name)
    }

    #[test]
    fn verbs_of_the_same_family_keep_the_noun() {
        assert_eq!(suggest("s3:ReadBucket").as_deref(), Some("s3:ListBucket"));
        assert_eq!(
            suggest("dynamodb:GetTable").as_deref(),
            Some("dynamodb:DescribeTable")
        );
        assert_eq!(suggest("s3:GetObjekt").as_deref(), Some("s3:GetObject"));
        assert_eq!(
            suggest("sqs:SendMesage").as_deref(),
            Some("sqs:SendMessage")
        );
        assert_eq!(
            suggest("s3:ReplicationTags").as_deref(),
            Some("s3:ReplicateTags")
        );
    }

    #[test]
    fn services_get_a_did_you_mean() {
        assert_eq!(service(db(), "dynamdb").as_deref(), Some("dynamodb"));
        assert_eq!(service(db(), "bedrock-runtime").as_deref(), Some("bedrock"));
        assert_eq!(service(db(), "x".repeat(1000).as_str()), None);
        assert_eq!(service(db(), "lamda").as_deref(), Some("lambda"));
        // A retired service is not a typo of a live one.
        assert_eq!(service(db(), "iotevents"), None);
    }
}
