//! What an `Action` entry stands for: one action, the actions a pattern covers, or nothing the
//! table knows. Shared by the rules so every rule reads patterns the same way.

use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;

use crate::db::{db, Action, ExpandError};
use crate::pattern::has_wildcard;

/// What an entry resolves to; shared, because one entry is resolved by several rules.
pub type Resolved = Rc<Result<Vec<Action<'static>>, ExpandError>>;

/// Entries longer than this are not remembered (no real action is this long).
const MAX_CACHED_ENTRY: usize = 256;
const MAX_CACHE_ENTRIES: usize = 8_192;

thread_local! {
    /// Entries repeat across statements and rules (CDK writes the same grant for every
    /// function), so each thread remembers what it has resolved.
    static CACHE: RefCell<HashMap<Box<str>, Resolved>> = RefCell::new(HashMap::new());
}

/// The actions a literal `Action` entry grants. `Err` for entries the table cannot place
/// (`iam/unknown-action` and `iam/unknown-service` report those).
pub fn actions(entry: &str) -> Resolved {
    if entry.len() > MAX_CACHED_ENTRY {
        return Rc::new(resolve(entry));
    }
    if let Some(hit) = CACHE.with(|c| c.borrow().get(entry).cloned()) {
        return hit;
    }
    let resolved = Rc::new(resolve(entry));
    CACHE.with(|c| {
        let mut cache = c.borrow_mut();
        if cache.len() >= MAX_CACHE_ENTRIES {
            cache.clear();
        }
        cache.insert(entry.into(), Rc::clone(&resolved));
    });
    resolved
}

/// Forgets what this thread has resolved (benchmarks measure the cold path with it).
pub fn clear_cache() {
    CACHE.with(|c| c.borrow_mut().clear());
    crate::suggest::clear_memo();
}

fn resolve(entry: &str) -> Result<Vec<Action<'static>>, ExpandError> {
    if has_wildcard(entry) {
        return db().expand(entry);
    }
    let (prefix, name) = entry.split_once(':').ok_or(ExpandError::NotAnAction)?;
    if prefix.is_empty() || name.is_empty() {
        return Err(ExpandError::NotAnAction);
    }
    let service = db()
        .service(prefix)
        .ok_or_else(|| ExpandError::UnknownService(prefix.to_string()))?;
    Ok(service.action(name).into_iter().collect())
}

/// `*` or `service:*`: every action of a service (or of AWS).
pub fn is_full_wildcard(entry: &str) -> bool {
    entry == "*"
        || entry
            .split_once(':')
            .is_some_and(|(prefix, name)| name == "*" && !prefix.is_empty())
}

/// A list of action names for messages: the first few, then how many more.
pub fn list(names: &[String], max: usize) -> String {
    let shown: Vec<&str> = names.iter().take(max).map(String::as_str).collect();
    match names.len().saturating_sub(max) {
        0 => shown.join(", "),
        more => format!("{} and {more} more", shown.join(", ")),
    }
}
