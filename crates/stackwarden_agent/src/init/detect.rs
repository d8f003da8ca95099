//! What `init` can learn about a project without asking: the infrastructure tool (CDK, SAM, plain
//! CloudFormation), the AWS SDK generation, Lambda runtimes, regions, account ids with the stage
//! they belong to, stage names, package scripts and the folder layout. Every fact keeps where it
//! was found, so the generated stackwarden.toml can say so (or say that it guessed).
//!
//! It sees the project as `check` does: the files of the check engine's walk
//! ([`stackwarden_core::discover`]), the cloud assembly through the reader the template rules use
//! ([`stackwarden_cfn::cdk`]), cdk.json through [`CdkJson`] and package.json through the package
//! rules' reader. Read-only and bounded: generated, build and hidden folders are left out, and
//! of the files the walk yields, at most a few thousand are read, none over 1 MB. Every file is read with the parser of its kind
//! (templates with the template loader, TypeScript/JavaScript with oxc, TOML and JSON with
//! theirs): a value counts only when it is a whole value, and its key or variable name tells the
//! stage an account belongs to (`prod: '222222222222'`).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use stackwarden_cfn::cdk::read_assembly;
use stackwarden_cfn::load::{self, Format};
use stackwarden_cfn::{CdkJson, Template};
use stackwarden_code::{is_node_runtime, source_facts};
use stackwarden_core::aws::{is_account_id, is_region, parse_arn};
use stackwarden_core::config::Iac;
use stackwarden_core::discover::{discover, is_cloud_assembly, package_manager, Input, InputKind};
use stackwarden_core::{Node, Value};

const MAX_FILE_BYTES: u64 = 1024 * 1024;
/// Templates and sources read, at most: the first in path order.
const MAX_FILES: usize = 5000;
/// Files nested deeper than this below the root are not read: a project's own settings sit near
/// its root, and deep trees are vendored or generated.
const MAX_DEPTH: usize = 8;
/// Folders of generated output, beyond the walk's own (dependencies, VCS metadata): a build's
/// copy of a template or a bundle of the sources would count every value twice, and the root's
/// cloud assembly is read through its manifest instead.
const GENERATED_DIRS: &[&str] = &[
    "cdk.out",
    "dist",
    "build",
    "coverage",
    ".aws-sam",
    ".stackwarden",
];

/// Words that name a stage when they appear as a key or a stack-name prefix.
const STAGE_WORDS: &[&str] = &[
    "dev",
    "development",
    "test",
    "qa",
    "uat",
    "stage",
    "staging",
    "preprod",
    "sandbox",
    "sbx",
    "int",
    "integration",
    "demo",
    "prod",
    "production",
    "prd",
    "live",
];

/// Stage names that mean production.
pub(crate) const PRODUCTION_WORDS: &[&str] = &["prod", "production", "prd", "live"];

/// A value and the file (relative to the project root) it was found in.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Found<T> {
    pub value: T,
    pub source: String,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Detection {
    pub iac: Option<Found<Iac>>,
    /// package.json `name`, else the folder's name.
    pub name: Found<String>,
    pub sdk_v2: bool,
    pub sdk_v3: bool,
    /// Lambda runtimes seen, first sighting kept, in the order found.
    pub runtimes: Vec<Found<String>>,
    /// Region → how many times seen, and where first.
    pub regions: BTreeMap<String, (usize, String)>,
    /// Stage → account id, where the stage could be told.
    pub accounts: BTreeMap<String, Found<String>>,
    /// Account ids seen without a stage.
    pub other_accounts: Vec<Found<String>>,
    /// Stage names seen (stack-name prefixes, samconfig environments, account keys).
    pub stages: Vec<String>,
    /// package.json scripts: name → command.
    pub scripts: BTreeMap<String, String>,
    /// `npm`, `pnpm` or `yarn`, from the lock file.
    pub runner: &'static str,
    /// Folders and files that exist, with their role (for CLAUDE.md).
    pub structure: Vec<(String, &'static str)>,
    /// SAM templates (Serverless transform), relative paths.
    pub sam_templates: Vec<String>,
    /// CDK stacks the cloud assembly (`cdk.out/manifest.json`) holds, by name.
    pub stacks: Vec<String>,
}

impl Detection {
    /// The region seen most often (ties: alphabetical), with where it was first seen.
    pub fn main_region(&self) -> Option<(&str, &str)> {
        self.regions
            .iter()
            .max_by(|a, b| a.1 .0.cmp(&b.1 .0).then(b.0.cmp(a.0)))
            .map(|(region, (_, source))| (region.as_str(), source.as_str()))
    }
}

/// Looks at the project under `root`.
pub fn detect(root: &Path) -> Detection {
    let mut d = Detection {
        runner: "npm",
        name: Found {
            value: root
                .canonicalize()
                .ok()
                .and_then(|p| p.file_name().map(|n| n.to_string_lossy().into_owned()))
                .unwrap_or_else(|| "project".into()),
            source: "the folder name".into(),
        },
        ..Detection::default()
    };
    read_package_json(root, &mut d);
    d.runner = package_manager(root);
    if root.join("cdk.json").is_file() {
        // A cdk.json says CDK even when it does not parse.
        d.iac.get_or_insert(Found {
            value: Iac::Cdk,
            source: "cdk.json".into(),
        });
        if let Some(cdk_json) = CdkJson::read(root) {
            note_node(&mut d, &cdk_json.root, "cdk.json");
        }
    }
    read_cdk_out(root, &mut d);
    read_samconfig(root, &mut d);
    // A folder the walk cannot read is simply not seen: detection guesses what it does not find.
    let (inputs, _) = discover(&[root.to_path_buf()]);
    for input in inputs
        .iter()
        .filter(|input| is_project_file(root, input))
        .take(MAX_FILES)
    {
        let path = input.path.as_path();
        let relative = relative(root, path);
        let Some(text) = read(path) else { continue };
        match input.kind {
            InputKind::TemplateCandidate => {
                let Ok(Some(template)) = Template::parse(&text) else {
                    continue;
                };
                let iac = if template.is_sam() {
                    d.sam_templates.push(relative.clone());
                    Iac::Sam
                } else {
                    Iac::Cloudformation
                };
                d.iac.get_or_insert(Found {
                    value: iac,
                    source: relative.clone(),
                });
                note_node(&mut d, &template.root, &relative);
            }
            InputKind::Source => {
                let Some(facts) = source_facts(path, &text) else {
                    continue;
                };
                d.sdk_v2 |= facts.sdk_v2;
                d.sdk_v3 |= facts.sdk_v3;
                for runtime in &facts.runtimes {
                    add_runtime(&mut d, runtime, &relative);
                }
                for value in &facts.values {
                    note_value(&mut d, value.name.as_deref(), &value.value, &relative);
                }
            }
            _ => {}
        }
    }
    for (dir, role) in STRUCTURE {
        if root.join(dir.trim_end_matches('/')).exists() {
            d.structure.push(((*dir).to_string(), role));
        }
    }
    let account_stages: Vec<String> = d.accounts.keys().cloned().collect();
    for stage in account_stages {
        add_stage(&mut d, &stage);
    }
    d
}

/// Whether the walk's `input` is a template or source the project wrote, to be read for values:
/// not in a generated folder or too deep, and not one of the files read on their own above
/// (package.json, cdk.json) or that hold no settings (lock files, tsconfig.json).
fn is_project_file(root: &Path, input: &Input) -> bool {
    let inside = input.path.strip_prefix(root).unwrap_or(&input.path);
    let folders = inside.parent().map(Path::components).into_iter().flatten();
    // Hidden files and folders (`.serverless/`, `.aws-sam/`, `.github/`, `.projenrc.ts`) are
    // tools' output and configuration, not the project's own templates and code: what they
    // hold (a deployed copy's runtime, a region) is not what the project says.
    let hidden = inside
        .components()
        .filter_map(|c| c.as_os_str().to_str())
        .any(|name| name.starts_with('.') && name != "." && name != "..");
    if hidden
        || inside.components().count() > MAX_DEPTH
        || folders
            .filter_map(|c| c.as_os_str().to_str())
            .any(|name| GENERATED_DIRS.contains(&name))
    {
        return false;
    }
    match input.kind {
        InputKind::TemplateCandidate => {
            let name = inside.to_string_lossy();
            name != "cdk.json"
                && !name.ends_with("package-lock.json")
                && !name.ends_with("tsconfig.json")
        }
        InputKind::Source => !stackwarden_code::is_skipped(&input.path),
        _ => false,
    }
}

const STRUCTURE: &[(&str, &str)] = &[
    ("bin/", "the CDK app entry point"),
    ("lib/", "stacks and constructs"),
    ("src/", "Lambda handlers and application code"),
    ("lambda/", "Lambda handlers"),
    ("functions/", "Lambda handlers"),
    ("test/", "tests"),
    ("tests/", "tests"),
    ("template.yaml", "SAM/CloudFormation template"),
    ("template.yml", "SAM/CloudFormation template"),
    ("samconfig.toml", "SAM deploy settings per environment"),
    ("cdk.json", "CDK app settings and context"),
    ("cdk.out/", "synth output: generated, never edit by hand"),
    ("scripts/", "helper scripts"),
];

fn read(path: &Path) -> Option<String> {
    let size = std::fs::metadata(path).ok()?.len();
    if size > MAX_FILE_BYTES {
        return None;
    }
    std::fs::read_to_string(path).ok()
}

fn relative(root: &Path, path: &Path) -> String {
    path.strip_prefix(root)
        .unwrap_or(path)
        .to_string_lossy()
        .replace('\\', "/")
}

/// package.json at the root, through the package rules' reader: the name, the dependencies that
/// name the infrastructure tool and SDK, and the scripts.
fn read_package_json(root: &Path, d: &mut Detection) {
    let Ok(package) = stackwarden_code::read_package_json(&root.join("package.json")) else {
        return;
    };
    if let Some(name) = package.name.filter(|name| !name.trim().is_empty()) {
        d.name = Found {
            value: name,
            source: "package.json".into(),
        };
    }
    // An optional dependency is one the package works without: it does not say what the
    // project is built on.
    for dependency in package
        .dependencies
        .iter()
        .filter(|dep| dep.section != "optionalDependencies")
    {
        let name = dependency.name.as_str();
        if name == "aws-cdk-lib" || name == "aws-cdk" {
            d.iac.get_or_insert(Found {
                value: Iac::Cdk,
                source: format!("package.json ({name})"),
            });
        }
        if name == "aws-sdk" {
            d.sdk_v2 = true;
        }
        if name.starts_with("@aws-sdk/") {
            d.sdk_v3 = true;
        }
    }
    d.scripts.extend(package.scripts);
}

/// The root's cloud assembly (`cdk.out/`), read as the template rules read it: stack
/// environments (`aws://ACCOUNT/REGION`) by the name `cdk deploy` selects the stack by, and the
/// runtimes of the functions in the stacks' templates.
fn read_cdk_out(root: &Path, d: &mut Detection) {
    let out = root.join("cdk.out");
    if !is_cloud_assembly(&out) {
        return;
    }
    // An assembly that cannot be read is `check`'s to report; detection goes on without it.
    let Ok(mut stacks) = read_assembly(&out) else {
        return;
    };
    stacks.sort_by(|a, b| a.display_name.cmp(&b.display_name));
    for stack in &stacks {
        let name = &stack.display_name;
        d.stacks.push(name.clone());
        let stage = stage_word(name);
        if let Some(stage) = &stage {
            add_stage(d, stage);
        }
        let source = relative(root, &stack.assembly_dir.join("manifest.json"));
        if let Some(region) = stack.region.as_deref().filter(|r| is_region(r)) {
            add_region(d, region, &source);
        }
        if let Some(account) = stack.account.as_deref().filter(|a| is_account_id(a)) {
            add_account(d, stage, account, &source);
        }
    }
    let mut templates: Vec<&PathBuf> = stacks.iter().map(|s| &s.template_path).collect();
    templates.sort();
    templates.dedup();
    for path in templates {
        let Some(loaded) = read(path).and_then(|text| load::load(&text, Format::Json).ok()) else {
            continue;
        };
        // Only runtimes: the synthesized ids and ARNs of CDK's own bootstrap resources say nothing
        // about the project's accounts (the manifest's environments do).
        let source = relative(root, path);
        visit_strings(&loaded.root, None, &mut |_, value| {
            if is_node_runtime(value) {
                add_runtime(d, value, &source);
            }
        });
    }
}

/// samconfig.toml: one table per environment (`[prod.deploy.parameters]`) with region and profile.
fn read_samconfig(root: &Path, d: &mut Detection) {
    let Some(text) = read(&root.join("samconfig.toml")) else {
        return;
    };
    d.iac.get_or_insert(Found {
        value: Iac::Sam,
        source: "samconfig.toml".into(),
    });
    let Ok(table) = text.parse::<toml::Table>() else {
        return;
    };
    for (env, value) in &table {
        let Some(commands) = value.as_table() else {
            continue;
        };
        let env_stage = (env != "default").then_some(env.as_str());
        if let Some(stage) = env_stage {
            add_stage(d, stage);
        }
        visit_toml(commands, &mut |name, value| {
            note_value_for_stage(d, name, env_stage, value, "samconfig.toml");
        });
    }
}

/// Every string of a TOML table with the key it sits under; SAM's `parameter_overrides`
/// (`"Stage=prod AccountId=111111111111"`, or a list of such pairs) split into its pairs.
fn visit_toml(table: &toml::Table, f: &mut impl FnMut(Option<&str>, &str)) {
    for (key, value) in table {
        visit_toml_value(key, value, f);
    }
}

fn visit_toml_value(key: &str, value: &toml::Value, f: &mut impl FnMut(Option<&str>, &str)) {
    match value {
        toml::Value::String(text) if key == "parameter_overrides" => {
            for (name, value) in parameter_overrides(text) {
                f(Some(name), value);
            }
        }
        toml::Value::String(text) => f(Some(key), text),
        toml::Value::Array(items) => {
            for item in items {
                visit_toml_value(key, item, f);
            }
        }
        toml::Value::Table(table) => visit_toml(table, f),
        _ => {}
    }
}

/// `Key=Value` pairs separated by spaces, values optionally in double quotes (SAM CLI's format).
fn parameter_overrides(text: &str) -> Vec<(&str, &str)> {
    text.split_whitespace()
        .filter_map(|pair| pair.split_once('='))
        .map(|(name, value)| (name, value.trim_matches('"')))
        .collect()
}

/// Every string of a template or JSON document with the mapping key it sits under (list items
/// and intrinsic arguments inherit their key).
fn visit_strings(node: &Node, key: Option<&str>, f: &mut impl FnMut(Option<&str>, &str)) {
    match &node.value {
        Value::String(text) => f(key, text),
        Value::Seq(items) => {
            for item in items {
                visit_strings(item, key, f);
            }
        }
        Value::Map(map) => {
            for (k, v) in map.iter() {
                visit_strings(v, Some(&k.name), f);
            }
        }
        Value::Intrinsic(intrinsic) => visit_strings(&intrinsic.arg, key, f),
        Value::Null | Value::Bool(_) | Value::Number(_) => {}
    }
}

/// Regions, runtimes and accounts among a document's string values.
fn note_node(d: &mut Detection, node: &Node, source: &str) {
    visit_strings(node, None, &mut |name, value| {
        note_value(d, name, value, source)
    });
}

/// What one whole value is: a region, a Node.js runtime, an account id (of the stage its name
/// says, if it says one) or an ARN naming an account and region.
fn note_value(d: &mut Detection, name: Option<&str>, value: &str, source: &str) {
    note_value_for_stage(d, name, None, value, source);
}

fn note_value_for_stage(
    d: &mut Detection,
    name: Option<&str>,
    stage: Option<&str>,
    value: &str,
    source: &str,
) {
    if is_region(value) {
        add_region(d, value, source);
    } else if is_node_runtime(value) {
        add_runtime(d, value, source);
    } else if is_account_id(value) {
        let stage = name
            .and_then(stage_word)
            .or_else(|| stage.and_then(stage_word));
        add_account(d, stage, value, source);
    } else if let Some(arn) = parse_arn(value) {
        if is_region(arn.region) {
            add_region(d, arn.region, source);
        }
        if is_account_id(arn.account) {
            add_account(d, None, arn.account, source);
        }
    }
}

/// The stage a key or stack name names: `prod`, `devAccount` → dev, `prod-orders` → prod.
pub(crate) fn stage_word(text: &str) -> Option<String> {
    let lower = text.to_ascii_lowercase();
    let trimmed = lower
        .trim_end_matches("accountid")
        .trim_end_matches("account")
        .trim_end_matches(['_', '-']);
    let first = trimmed
        .split(|c: char| !c.is_ascii_alphanumeric())
        .find(|w| !w.is_empty())?;
    STAGE_WORDS.contains(&first).then(|| first.to_string())
}

fn add_stage(d: &mut Detection, stage: &str) {
    if !d.stages.iter().any(|s| s == stage) {
        d.stages.push(stage.to_string());
    }
}

fn add_region(d: &mut Detection, region: &str, source: &str) {
    let entry = d
        .regions
        .entry(region.to_string())
        .or_insert((0, source.to_string()));
    entry.0 += 1;
}

fn add_runtime(d: &mut Detection, runtime: &str, source: &str) {
    if !d.runtimes.iter().any(|r| r.value == runtime) {
        d.runtimes.push(Found {
            value: runtime.to_string(),
            source: source.to_string(),
        });
    }
}

fn add_account(d: &mut Detection, stage: Option<String>, account: &str, source: &str) {
    // An all-zero id is a placeholder, not an account.
    if account.bytes().all(|b| b == b'0') {
        return;
    }
    let found = Found {
        value: account.to_string(),
        source: source.to_string(),
    };
    match stage {
        Some(stage) => {
            d.accounts.entry(stage).or_insert(found);
        }
        None => {
            if !d.accounts.values().any(|f| f.value == account)
                && !d.other_accounts.iter().any(|f| f.value == account)
            {
                d.other_accounts.push(found);
            }
        }
    }
}

/// Accounts seen without a stage that later turned out to have one are not "other".
pub(crate) fn unassigned_accounts(d: &Detection) -> Vec<&Found<String>> {
    d.other_accounts
        .iter()
        .filter(|f| !d.accounts.values().any(|a| a.value == f.value))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(root: &Path, name: &str, text: &str) {
        let path = root.join(name);
        std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
        std::fs::write(path, text).expect("write");
    }

    #[test]
    fn stage_words_come_from_keys_and_stack_names() {
        assert_eq!(stage_word("prod-orders").as_deref(), Some("prod"));
        assert_eq!(stage_word("devAccount").as_deref(), Some("dev"));
        assert_eq!(stage_word("staging_account_id").as_deref(), Some("staging"));
        assert_eq!(stage_word("orders").as_deref(), None);
    }

    #[test]
    fn detects_a_cdk_app() {
        let dir = tempfile::tempdir().expect("tmp");
        let root = dir.path();
        write(
            root,
            "cdk.json",
            r#"{"app": "npx tsx bin/app.ts", "context": {"accounts": {"dev": "111111111111"}}}"#,
        );
        write(
            root,
            "package.json",
            r#"{"name": "shop", "scripts": {"test": "vitest run", "deploy": "cdk deploy"}, "dependencies": {"aws-cdk-lib": "2.0.0", "@aws-sdk/client-s3": "3.0.0"}}"#,
        );
        write(
            root,
            "lib/config.ts",
            "export const ACCOUNTS = { dev: '111111111111', prod: '222222222222' };\nconst fn = { runtime: Runtime.NODEJS_22_X };\nconst region = 'eu-west-1';\n",
        );
        write(
            root,
            "node_modules/x/index.js",
            "const region = 'us-east-1';",
        );
        write(root, "pnpm-lock.yaml", "");
        let d = detect(root);
        assert_eq!(d.iac.as_ref().map(|f| f.value), Some(Iac::Cdk));
        assert_eq!(d.name.value, "shop");
        assert!(d.sdk_v3 && !d.sdk_v2);
        assert_eq!(d.runtimes[0].value, "nodejs22.x");
        assert_eq!(d.main_region(), Some(("eu-west-1", "lib/config.ts")));
        assert_eq!(d.accounts["dev"].value, "111111111111");
        assert_eq!(d.accounts["dev"].source, "cdk.json");
        assert_eq!(d.accounts["prod"].value, "222222222222");
        assert_eq!(d.runner, "pnpm");
        assert!(d.scripts.contains_key("test"));
        assert!(d.structure.iter().any(|(dir, _)| dir == "lib/"));
    }

    #[test]
    fn detects_a_sam_app() {
        let dir = tempfile::tempdir().expect("tmp");
        let root = dir.path();
        write(
            root,
            "template.yaml",
            "AWSTemplateFormatVersion: '2010-09-09'\nTransform: AWS::Serverless-2016-10-31\nGlobals:\n  Function:\n    Runtime: nodejs20.x\nResources:\n  Fn:\n    Type: AWS::Serverless::Function\n    Properties:\n      Role: arn:aws:iam::333333333333:role/x\n",
        );
        write(
            root,
            "samconfig.toml",
            "version = 0.1\n[default.deploy.parameters]\nstack_name = \"app\"\nregion = \"us-west-2\"\n[prod.deploy.parameters]\nstack_name = \"app-prod\"\nregion = \"us-west-2\"\n",
        );
        let d = detect(root);
        assert_eq!(d.iac.as_ref().map(|f| f.value), Some(Iac::Sam));
        assert_eq!(d.sam_templates, vec!["template.yaml"]);
        assert_eq!(d.runtimes[0].value, "nodejs20.x");
        assert_eq!(d.main_region().map(|r| r.0), Some("us-west-2"));
        assert!(d.stages.contains(&"prod".to_string()));
        assert_eq!(unassigned_accounts(&d)[0].value, "333333333333");
    }

    #[test]
    fn plain_cloudformation_is_told_apart() {
        let dir = tempfile::tempdir().expect("tmp");
        write(
            dir.path(),
            "infra/bucket.yaml",
            "AWSTemplateFormatVersion: '2010-09-09'\nResources:\n  B:\n    Type: AWS::S3::Bucket\n",
        );
        let d = detect(dir.path());
        assert_eq!(d.iac.as_ref().map(|f| f.value), Some(Iac::Cloudformation));
        assert_eq!(
            d.iac.as_ref().map(|f| f.source.as_str()),
            Some("infra/bucket.yaml")
        );
    }

    #[test]
    fn only_whole_values_count_and_comments_say_nothing() {
        let dir = tempfile::tempdir().expect("tmp");
        let root = dir.path();
        write(
            root,
            "lib/stack.ts",
            "// the old prod account was 999999999999, in us-east-1\n\
             const endpoint = 'https://sqs.ap-south-1.amazonaws.com';\n\
             const prodAccount = '222222222222';\n\
             const topic = 'arn:aws:sns:eu-central-1:333333333333:alerts';\n",
        );
        let d = detect(root);
        assert_eq!(d.accounts["prod"].value, "222222222222");
        assert_eq!(d.accounts["prod"].source, "lib/stack.ts");
        let others: Vec<&str> = d.other_accounts.iter().map(|f| f.value.as_str()).collect();
        assert_eq!(others, ["333333333333"]);
        let regions: Vec<&str> = d.regions.keys().map(String::as_str).collect();
        assert_eq!(regions, ["eu-central-1"]);
    }

    #[test]
    fn samconfig_parameter_overrides_and_environments_name_accounts() {
        let dir = tempfile::tempdir().expect("tmp");
        write(
            dir.path(),
            "samconfig.toml",
            "version = 0.1\n[staging.deploy.parameters]\nregion = \"eu-west-1\"\nparameter_overrides = \"Stage=staging AccountId=\\\"444444444444\\\"\"\n[prod.deploy.parameters]\nparameter_overrides = [\"ProdAccountId=555555555555\"]\n",
        );
        let d = detect(dir.path());
        assert_eq!(d.accounts["staging"].value, "444444444444");
        assert_eq!(d.accounts["prod"].value, "555555555555");
        assert_eq!(d.main_region().map(|r| r.0), Some("eu-west-1"));
        let mut stages = d.stages.clone();
        stages.sort();
        assert_eq!(stages, ["prod", "staging"]);
    }

    #[test]
    fn the_cloud_assembly_is_read_like_check_reads_it_stages_included() {
        let dir = tempfile::tempdir().expect("tmp");
        let root = dir.path();
        write(root, "cdk.json", r#"{"app": "npx tsx bin/app.ts"}"#);
        write(
            root,
            "cdk.out/manifest.json",
            r#"{"artifacts": {
                "dev-orders": {"type": "aws:cloudformation:stack", "environment": "aws://111111111111/eu-west-2",
                               "properties": {"templateFile": "dev-orders.template.json"}},
                "assembly-Prod": {"type": "cdk:cloud-assembly", "properties": {"directoryName": "assembly-Prod"}}
            }}"#,
        );
        write(
            root,
            "cdk.out/dev-orders.template.json",
            r#"{"Resources": {"Fn": {"Type": "AWS::Lambda::Function", "Properties": {"Runtime": "nodejs22.x"}}}}"#,
        );
        write(
            root,
            "cdk.out/assembly-Prod/manifest.json",
            r#"{"artifacts": {
                "ProdOrders1A2B3C4D": {"type": "aws:cloudformation:stack", "displayName": "Prod/Orders",
                               "environment": "aws://222222222222/eu-west-2",
                               "properties": {"templateFile": "ProdOrders.template.json", "stackName": "Prod-Orders"}}
            }}"#,
        );
        write(
            root,
            "cdk.out/assembly-Prod/ProdOrders.template.json",
            r#"{"Resources": {"Fn": {"Type": "AWS::Lambda::Function", "Properties": {"Runtime": "nodejs20.x"}}}}"#,
        );
        let d = detect(root);
        // The names `cdk deploy` selects the stacks by, the Stage's stack by its construct path.
        assert_eq!(d.stacks, ["Prod/Orders", "dev-orders"]);
        assert_eq!(d.accounts["dev"].value, "111111111111");
        assert_eq!(d.accounts["dev"].source, "cdk.out/manifest.json");
        assert_eq!(d.accounts["prod"].value, "222222222222");
        assert_eq!(
            d.accounts["prod"].source,
            "cdk.out/assembly-Prod/manifest.json"
        );
        assert_eq!(
            d.main_region(),
            Some(("eu-west-2", "cdk.out/assembly-Prod/manifest.json"))
        );
        let runtimes: Vec<(&str, &str)> = d
            .runtimes
            .iter()
            .map(|r| (r.value.as_str(), r.source.as_str()))
            .collect();
        assert_eq!(
            runtimes,
            [
                (
                    "nodejs20.x",
                    "cdk.out/assembly-Prod/ProdOrders.template.json"
                ),
                ("nodejs22.x", "cdk.out/dev-orders.template.json")
            ]
        );
    }

    #[test]
    fn generated_folders_and_optional_dependencies_say_nothing() {
        let dir = tempfile::tempdir().expect("tmp");
        let root = dir.path();
        let template = "AWSTemplateFormatVersion: '2010-09-09'\nTransform: AWS::Serverless-2016-10-31\nResources:\n  Fn:\n    Type: AWS::Serverless::Function\n    Properties:\n      Runtime: nodejs20.x\n";
        // SAM's build copy and a bundle: generated from the project, not written in it.
        write(root, ".aws-sam/build/template.yaml", template);
        write(root, "dist/index.js", "const region = 'us-east-1';\n");
        // Found in review: the Serverless Framework's deployed copy, in a hidden folder that
        // the project does not gitignore, named a runtime and a region the project never wrote.
        write(
            root,
            ".serverless/cloudformation-template-update-stack.json",
            r#"{"AWSTemplateFormatVersion": "2010-09-09", "Resources": {"F": {"Type": "AWS::Lambda::Function", "Properties": {"Runtime": "nodejs16.x", "Environment": {"Variables": {"REGION": "ap-southeast-2"}}}}}}"#,
        );
        write(
            root,
            ".serverless/handler.js",
            "const region = 'eu-central-1';\n",
        );
        write(
            root,
            "package.json",
            r#"{"name": "tools", "optionalDependencies": {"aws-sdk": "2.0.0", "aws-cdk-lib": "2.0.0"}}"#,
        );
        let d = detect(root);
        assert_eq!(d.iac, None);
        assert!(d.sam_templates.is_empty() && d.runtimes.is_empty() && d.regions.is_empty());
        assert!(!d.sdk_v2);
        assert_eq!(d.name.value, "tools");
    }

    #[test]
    fn a_broken_source_file_is_skipped_and_the_rest_still_read() {
        let dir = tempfile::tempdir().expect("tmp");
        write(dir.path(), "src/broken.ts", "const = ;");
        write(
            dir.path(),
            "src/ok.ts",
            "import { S3Client } from '@aws-sdk/client-s3';\n",
        );
        let d = detect(dir.path());
        assert!(d.sdk_v3);
    }
}
