//! Reading a CDK cloud assembly (`cdk.out/`): the stacks its manifest lists, each stack's
//! template, environment and tags, and the construct metadata that maps a logical id back to the
//! TypeScript line that created it.

use std::cell::RefCell;
use std::collections::HashMap;
use std::path::{Path, PathBuf};

use serde_json::Value as Json;
use stackwarden_core::SourceLocation;

/// Nested assemblies (CDK Stages) deeper than this are not followed.
const MAX_NESTING: usize = 8;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AssemblyError {
    pub path: PathBuf,
    pub message: String,
}

/// One stack of a cloud assembly.
#[derive(Debug, Clone, Default)]
pub struct CdkStack {
    /// The artifact id, which is the stack name unless `stackName` overrides it.
    pub name: String,
    /// What `cdk deploy` and `cdk synth` select the stack by: the manifest's `displayName` (the
    /// construct path, `Prod/Orders` for a stack in a Stage), else the artifact id, as the CDK
    /// CLI's `hierarchicalId` is.
    pub display_name: String,
    pub template_path: PathBuf,
    pub account: Option<String>,
    pub region: Option<String>,
    /// Stack-level tags (`aws:cdk:stack-tags`), applied to every resource at deploy time.
    pub tags: Vec<(String, String)>,
    /// Logical id → the first frame of its creation stack that is user code.
    traces: HashMap<String, Vec<String>>,
    /// The folder the app lives in (the assembly's parent), for matching trace paths.
    pub project_root: PathBuf,
    /// The assembly folder, where `asset.*` folders live.
    pub assembly_dir: PathBuf,
    /// The accounts of every stack of the assembly (its own included): the app's deployment
    /// environments, which CDK writes literally into cross-environment references.
    pub app_accounts: Vec<String>,
}

impl CdkStack {
    /// Where in the project the construct with this logical id was created, when the synth
    /// recorded creation stacks (`CDK_DEBUG=true` or `cdk synth --debug`). A position that does
    /// not fit the file as it is now (a line past its end, a column past the line's end: the file
    /// changed since the synth, or the trace came from transpiled code) is dropped rather than
    /// printed; `sources` reads each file once for all the stacks of an assembly.
    pub fn source_of(&self, logical_id: &str, sources: &SourceFiles) -> Option<SourceLocation> {
        let frames = self.traces.get(logical_id)?;
        let (path, line, column) = frames
            .iter()
            .filter_map(|frame| parse_frame(frame))
            .find_map(|(path, line, column)| {
                if is_library_path(&path) {
                    return None;
                }
                Some((match_by_suffix(&self.project_root, &path)?, line, column))
            })?;
        sources
            .fits(&path, line, column)
            .then_some(SourceLocation { path, line, column })
    }
}

/// The line lengths of the project files that creation stacks point into, each file read once.
#[derive(Debug, Default)]
pub struct SourceFiles {
    /// Path → the length of each line in UTF-16 code units (what V8 counts columns in); `None`
    /// for a file that could not be read as text.
    lines: RefCell<HashMap<PathBuf, Option<Vec<usize>>>>,
}

impl SourceFiles {
    /// Whether 1-based `line`:`column` is inside the file: the column may point just past the
    /// line's last character (where V8 puts a call at the end of a line), not further.
    pub fn fits(&self, path: &Path, line: u32, column: u32) -> bool {
        let mut files = self.lines.borrow_mut();
        let lengths = files.entry(path.to_path_buf()).or_insert_with(|| {
            let text = std::fs::read_to_string(path).ok()?;
            Some(
                text.split('\n')
                    .map(|l| l.strip_suffix('\r').unwrap_or(l).encode_utf16().count())
                    .collect(),
            )
        });
        let Some(lengths) = lengths else {
            return false;
        };
        let (Ok(line), Ok(column)) = (usize::try_from(line), usize::try_from(column)) else {
            return false;
        };
        line >= 1
            && column >= 1
            && lengths
                .get(line - 1)
                .is_some_and(|&length| column <= length + 1)
    }
}

/// Reads every stack of the assembly at `dir`, following nested assemblies.
pub fn read_assembly(dir: &Path) -> Result<Vec<CdkStack>, AssemblyError> {
    let project_root = dir.parent().map(Path::to_path_buf).unwrap_or_default();
    let mut stacks = Vec::new();
    read_into(dir, &project_root, 0, &mut stacks)?;
    stacks.sort_by(|a, b| a.name.cmp(&b.name));
    let mut accounts: Vec<String> = stacks.iter().filter_map(|s| s.account.clone()).collect();
    accounts.sort();
    accounts.dedup();
    for stack in &mut stacks {
        stack.app_accounts = accounts.clone();
    }
    Ok(stacks)
}

fn read_into(
    dir: &Path,
    project_root: &Path,
    depth: usize,
    stacks: &mut Vec<CdkStack>,
) -> Result<(), AssemblyError> {
    let manifest_path = dir.join("manifest.json");
    let manifest = read_json(&manifest_path)?;
    let Some(artifacts) = manifest.get("artifacts").and_then(Json::as_object) else {
        return Ok(());
    };
    for (id, artifact) in artifacts {
        match artifact.get("type").and_then(Json::as_str) {
            Some("aws:cloudformation:stack") => {
                stacks.push(read_stack(dir, project_root, id, artifact)?);
            }
            Some("cdk:cloud-assembly") if depth < MAX_NESTING => {
                if let Some(nested) = artifact
                    .pointer("/properties/directoryName")
                    .and_then(Json::as_str)
                {
                    read_into(&dir.join(nested), project_root, depth + 1, stacks)?;
                }
            }
            _ => {}
        }
    }
    Ok(())
}

fn read_stack(
    dir: &Path,
    project_root: &Path,
    id: &str,
    artifact: &Json,
) -> Result<CdkStack, AssemblyError> {
    let properties = artifact.get("properties");
    let template_file = properties
        .and_then(|p| p.get("templateFile"))
        .and_then(Json::as_str)
        .ok_or_else(|| AssemblyError {
            path: dir.join("manifest.json"),
            message: format!("stack artifact \"{id}\" has no properties.templateFile"),
        })?;
    let name = properties
        .and_then(|p| p.get("stackName"))
        .and_then(Json::as_str)
        .unwrap_or(id)
        .to_string();
    let display_name = artifact
        .get("displayName")
        .and_then(Json::as_str)
        .unwrap_or(id)
        .to_string();
    let (account, region) = artifact
        .get("environment")
        .and_then(Json::as_str)
        .and_then(|env| env.strip_prefix("aws://"))
        .and_then(|env| env.split_once('/'))
        .map(|(account, region)| (concrete(account), concrete(region)))
        .unwrap_or_default();

    // Metadata is inline in older assemblies and in `<stack>.metadata.json` in newer ones.
    let external;
    let metadata = match artifact
        .get("additionalMetadataFile")
        .and_then(Json::as_str)
    {
        Some(file) => {
            external = read_json(&dir.join(file))?;
            Some(&external)
        }
        None => artifact.get("metadata"),
    };
    let mut tags = Vec::new();
    let mut traces = HashMap::new();
    for entries in metadata
        .and_then(Json::as_object)
        .into_iter()
        .flat_map(|m| m.values())
    {
        let entries = entries.as_array().map(Vec::as_slice).unwrap_or_default();
        let logical_id = entries
            .iter()
            .find(|e| e.get("type").and_then(Json::as_str) == Some("aws:cdk:logicalId"))
            .and_then(|e| e.get("data"))
            .and_then(Json::as_str);
        for entry in entries {
            match entry.get("type").and_then(Json::as_str) {
                Some("aws:cdk:stack-tags") => tags.extend(stack_tags(entry.get("data"))),
                Some("aws:cdk:creationStack") => {
                    if let (Some(logical_id), Some(frames)) =
                        (logical_id, entry.get("data").and_then(Json::as_array))
                    {
                        let frames = frames
                            .iter()
                            .filter_map(Json::as_str)
                            .map(str::to_string)
                            .collect();
                        traces.insert(logical_id.to_string(), frames);
                    }
                }
                _ => {}
            }
        }
    }
    if tags.is_empty() {
        if let Some(map) = properties
            .and_then(|p| p.get("tags"))
            .and_then(Json::as_object)
        {
            tags.extend(
                map.iter()
                    .filter_map(|(k, v)| Some((k.clone(), v.as_str()?.to_string()))),
            );
        }
    }
    Ok(CdkStack {
        name,
        display_name,
        template_path: dir.join(template_file),
        account,
        region,
        tags,
        traces,
        project_root: project_root.to_path_buf(),
        assembly_dir: dir.to_path_buf(),
        app_accounts: Vec::new(),
    })
}

/// `unknown-account` / `unknown-region` stand for environment-agnostic stacks.
fn concrete(value: &str) -> Option<String> {
    (!value.starts_with("unknown-") && !value.is_empty()).then(|| value.to_string())
}

fn stack_tags(data: Option<&Json>) -> Vec<(String, String)> {
    data.and_then(Json::as_array)
        .into_iter()
        .flatten()
        .filter_map(|tag| {
            let key = tag.get("key").or_else(|| tag.get("Key"))?.as_str()?;
            let value = tag.get("value").or_else(|| tag.get("Value"))?.as_str()?;
            Some((key.to_string(), value.to_string()))
        })
        .collect()
}

fn read_json(path: &Path) -> Result<Json, AssemblyError> {
    let text = std::fs::read_to_string(path).map_err(|e| AssemblyError {
        path: path.to_path_buf(),
        message: format!("cannot read: {e}"),
    })?;
    serde_json::from_str(&text).map_err(|e| AssemblyError {
        path: path.to_path_buf(),
        message: format!("line {}: {e}", e.line()),
    })
}

/// `new Role (/abs/lib/stacks/x.ts:27:23)` or `at /abs/x.ts:27:23` → (path, line, column).
fn parse_frame(frame: &str) -> Option<(String, u32, u32)> {
    let location = match (frame.rfind('('), frame.ends_with(')')) {
        (Some(open), true) => &frame[open + 1..frame.len() - 1],
        _ => frame.trim().trim_start_matches("at ").trim(),
    };
    let location = location.strip_prefix("file://").unwrap_or(location);
    let (rest, column) = location.rsplit_once(':')?;
    let (path, line) = rest.rsplit_once(':')?;
    Some((path.to_string(), line.parse().ok()?, column.parse().ok()?))
}

/// Frames inside dependencies, node itself, or the CDK's own elisions are not the user's code.
fn is_library_path(path: &str) -> bool {
    path.contains("node_modules") || path.starts_with("node:") || !path.contains(['/', '\\'])
}

/// Trace paths are absolute on the machine that ran the synth; find the same file in this
/// project by the longest path suffix that exists under `root`.
fn match_by_suffix(root: &Path, trace_path: &str) -> Option<PathBuf> {
    let parts: Vec<&str> = trace_path
        .split(['/', '\\'])
        .filter(|p| !p.is_empty())
        .collect();
    (0..parts.len()).find_map(|start| {
        let candidate = parts[start..]
            .iter()
            .fold(root.to_path_buf(), |path, part| path.join(part));
        candidate.is_file().then_some(candidate)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_must_fit_the_file() {
        let dir = tempfile::tempdir().expect("tmp");
        let path = dir.path().join("example-stack.ts");
        // 43 characters on line 1; line 2 holds a character outside the BMP (2 UTF-16 units).
        std::fs::write(
            &path,
            "import { Stack } from 'aws-cdk-lib'; // 43!\r\nconst s = '\u{1F600}';\n",
        )
        .expect("write");
        let sources = SourceFiles::default();
        assert_eq!("import { Stack } from 'aws-cdk-lib'; // 43!".len(), 43);
        assert!(sources.fits(&path, 1, 1));
        assert!(sources.fits(&path, 1, 44));
        assert!(!sources.fits(&path, 1, 45));
        assert!(!sources.fits(&path, 1, 1250));
        // 14 characters, 15 UTF-16 units: V8's column just past the end is 16.
        assert!(sources.fits(&path, 2, 16));
        assert!(!sources.fits(&path, 2, 17));
        assert!(!sources.fits(&path, 4, 1));
        assert!(!sources.fits(&path, 0, 1));
        assert!(!sources.fits(&path, 1, 0));
        assert!(!sources.fits(&dir.path().join("missing.ts"), 1, 1));
    }

    #[test]
    fn stacks_of_stages_are_read_with_the_name_cdk_deploy_selects_them_by() {
        let dir = tempfile::tempdir().expect("tmp");
        let out = dir.path().join("cdk.out");
        std::fs::create_dir_all(out.join("assembly-Prod")).expect("mkdir");
        std::fs::write(
            out.join("manifest.json"),
            r#"{"artifacts": {
                "dev-orders": {"type": "aws:cloudformation:stack", "environment": "aws://111111111111/eu-west-2",
                               "properties": {"templateFile": "dev-orders.template.json"}},
                "assembly-Prod": {"type": "cdk:cloud-assembly", "properties": {"directoryName": "assembly-Prod"}}
            }}"#,
        )
        .expect("write");
        std::fs::write(
            out.join("assembly-Prod/manifest.json"),
            r#"{"artifacts": {
                "ProdOrdersStack1A2B3C4D": {"type": "aws:cloudformation:stack", "displayName": "Prod/Orders",
                               "environment": "aws://unknown-account/unknown-region",
                               "properties": {"templateFile": "ProdOrders.template.json", "stackName": "Prod-Orders"}}
            }}"#,
        )
        .expect("write");
        let stacks = read_assembly(&out).expect("assembly");
        let names: Vec<(&str, &str)> = stacks
            .iter()
            .map(|s| (s.name.as_str(), s.display_name.as_str()))
            .collect();
        assert_eq!(
            names,
            [("Prod-Orders", "Prod/Orders"), ("dev-orders", "dev-orders")]
        );
        assert_eq!(
            stacks[0].template_path,
            out.join("assembly-Prod/ProdOrders.template.json")
        );
        assert_eq!(stacks[0].account, None);
        assert_eq!(stacks[1].region.as_deref(), Some("eu-west-2"));
    }

    #[test]
    fn frames_parse_in_both_shapes() {
        assert_eq!(
            parse_frame("new ReportsStack (/work/app/lib/stacks/reports-stack.ts:20:20)"),
            Some(("/work/app/lib/stacks/reports-stack.ts".into(), 20, 20))
        );
        assert_eq!(
            parse_frame("at /x/bin/app.ts:3:1"),
            Some(("/x/bin/app.ts".into(), 3, 1))
        );
        assert_eq!(parse_frame("...new Bucket2 in aws-cdk-lib..."), None);
        assert!(is_library_path(
            "/x/node_modules/aws-cdk-lib/aws-s3/lib/bucket.js"
        ));
    }
}
