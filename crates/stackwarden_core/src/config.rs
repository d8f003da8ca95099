//! `stackwarden.toml`: what the user writes (strict, unknown keys rejected) and the resolved
//! settings every rule reads (defaults filled in).

use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::aws::is_account_id;
use crate::finding::Severity;

pub const CONFIG_FILE: &str = "stackwarden.toml";

/// A configuration error: which file, where, and what is wrong.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}{}: {message}", path.display(), line.map(|l| format!(":{l}")).unwrap_or_default())]
pub struct ConfigError {
    pub path: PathBuf,
    pub line: Option<u32>,
    pub message: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Iac {
    Cdk,
    Sam,
    Cloudformation,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct ProjectFile {
    name: Option<String>,
    iac: Option<Iac>,
    node_runtime: Option<OneOrMany>,
    default_region: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
enum OneOrMany {
    One(String),
    Many(Vec<String>),
}

#[derive(Debug, Clone, Default, Deserialize)]
struct AccountsFile {
    #[serde(default)]
    trusted: Vec<String>,
    /// Every other key is a stage name mapped to its account id.
    #[serde(flatten)]
    stages: BTreeMap<String, toml::Value>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct StagesFile {
    production: Option<Vec<String>>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct TagsFile {
    required: Option<Vec<String>>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct NamingFile {
    resource: Option<String>,
    bucket: Option<String>,
    role: Option<String>,
}

/// A `[rules]` value. SPEC documents `"error" | "warn" | "off"`; `"info"` is accepted too (the
/// finding is reported and never fails the check).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum RuleLevel {
    Error,
    Warn,
    Info,
    Off,
}

impl RuleLevel {
    pub fn severity(self) -> Option<Severity> {
        match self {
            RuleLevel::Error => Some(Severity::Error),
            RuleLevel::Warn => Some(Severity::Warn),
            RuleLevel::Info => Some(Severity::Info),
            RuleLevel::Off => None,
        }
    }
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct GuardFile {
    #[serde(default)]
    deny: Vec<String>,
    #[serde(default)]
    ask: Vec<String>,
}

/// `[files]`: globs never checked. `exclude` replaces the defaults, `extend-exclude` adds to them.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct FilesFile {
    exclude: Option<Vec<String>>,
    #[serde(default)]
    extend_exclude: Vec<String>,
}

/// One `[per-file]` entry: the rules that do not run on the files a glob matches.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct PerFileEntry {
    #[serde(default)]
    ignore: Vec<String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct ConfigFile {
    #[serde(default)]
    project: ProjectFile,
    #[serde(default)]
    accounts: AccountsFile,
    #[serde(default)]
    stages: StagesFile,
    #[serde(default)]
    tags: TagsFile,
    #[serde(default)]
    naming: NamingFile,
    #[serde(default)]
    rules: BTreeMap<String, RuleLevel>,
    #[serde(default)]
    guard: GuardFile,
    #[serde(default)]
    files: FilesFile,
    #[serde(default, rename = "per-file")]
    per_file: BTreeMap<String, PerFileEntry>,
}

/// The resolved configuration: every key has a value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Config {
    /// The file it came from; `None` for the built-in defaults.
    pub path: Option<PathBuf>,
    pub project_name: Option<String>,
    pub iac: Option<Iac>,
    /// Allowed Lambda runtimes for Node functions.
    pub node_runtimes: Vec<String>,
    pub default_region: Option<String>,
    /// Stage name → account id, in file order of the keys (sorted).
    pub accounts: BTreeMap<String, String>,
    /// Accounts that may appear literally (cross-account principals).
    pub trusted_accounts: Vec<String>,
    pub production_stages: Vec<String>,
    pub required_tags: Vec<String>,
    pub naming: Naming,
    pub rule_levels: BTreeMap<String, RuleLevel>,
    pub guard_deny: Vec<String>,
    pub guard_ask: Vec<String>,
    /// Globs of files never checked: `[files] exclude` (or [`DEFAULT_EXCLUDE`]) plus
    /// `extend-exclude`, relative to the folder of stackwarden.toml.
    pub exclude: Vec<String>,
    /// `[per-file]`: a glob and the rules that do not run on the files it matches.
    pub per_file: Vec<(String, Vec<String>)>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Naming {
    pub resource: String,
    pub bucket: String,
    pub role: String,
}

pub const DEFAULT_NODE_RUNTIMES: &[&str] = &["nodejs22.x", "nodejs24.x"];
pub const DEFAULT_PRODUCTION_STAGES: &[&str] = &["prod", "production"];
pub const DEFAULT_REQUIRED_TAGS: &[&str] = &["Project", "Stage", "Owner", "CostCenter"];
/// Rules that run only when a team asks for them: `[rules]` gives them a level, or `--select`
/// names them by id. Their precision measured on real projects nobody here wrote is below 90%
/// (`bench/precision.sh`, bench/PRECISION.md: true findings over true and false ones), so on by
/// default they would be wrong too often to keep; each one's docs say why. A test keeps every id
/// here a real rule whose docs say it is off by default.
pub const DEFAULT_OFF: &[&str] = &[
    "code/handler-no-rethrow",
    "code/hardcoded-account",
    "code/hardcoded-arn",
    "code/hardcoded-region",
    "code/missing-timeout",
    "code/sdk-aggregated-client",
    "code/swallowed-error",
    "code/wildcard-action",
    "iam/wildcard-privileged",
];

/// Files nobody on the project wrote or reads as source: minified and bundled JavaScript, source
/// maps, vendored folders, and `sam build`'s copies of the templates and code (`.aws-sam/`), whose
/// findings would repeat the sources'. A pattern without `/` matches any file or folder name.
pub const DEFAULT_EXCLUDE: &[&str] = &[
    "*.min.js",
    "*.min.mjs",
    "*.min.cjs",
    "*.bundle.js",
    "*.map",
    "vendor",
    ".aws-sam",
];

impl Default for Config {
    fn default() -> Self {
        Self::from_file(None, ConfigFile::default())
    }
}

impl Config {
    /// Parses and validates a configuration text. `path` is only used in messages.
    pub fn parse(path: &Path, text: &str) -> Result<Self, ConfigError> {
        let file: ConfigFile = toml::from_str(text).map_err(|e| {
            let line = e.span().map(|span| line_of_offset(text, span.start));
            ConfigError {
                path: path.to_path_buf(),
                line,
                message: e.message().trim().to_string(),
            }
        })?;
        let error = |message: String| ConfigError {
            path: path.to_path_buf(),
            line: None,
            message,
        };
        for (stage, value) in &file.accounts.stages {
            match value.as_str() {
                Some(id) if is_account_id(id) => {}
                Some(id) => {
                    return Err(error(format!(
                        "accounts.{stage} = \"{id}\" is not an AWS account id (12 digits, quoted)"
                    )))
                }
                None => {
                    return Err(error(format!(
                        "accounts.{stage} must be a 12-digit account id in quotes, e.g. {stage} = \"123456789012\""
                    )))
                }
            }
        }
        if let Some(id) = file.accounts.trusted.iter().find(|id| !is_account_id(id)) {
            return Err(error(format!(
                "accounts.trusted contains \"{id}\", which is not a 12-digit AWS account id"
            )));
        }
        if let Some(OneOrMany::Many(list)) = &file.project.node_runtime {
            if list.is_empty() {
                return Err(error(
                    "project.node_runtime must name at least one runtime".into(),
                ));
            }
        }
        for (key, pattern) in [
            ("naming.resource", &file.naming.resource),
            ("naming.bucket", &file.naming.bucket),
            ("naming.role", &file.naming.role),
        ] {
            if let Some(pattern) = pattern {
                if let Err(message) = crate::config::validate_name_pattern(pattern) {
                    return Err(error(format!("{key} = \"{pattern}\": {message}")));
                }
            }
        }
        let globs = file
            .files
            .exclude
            .iter()
            .flatten()
            .map(|g| ("files.exclude", g))
            .chain(
                file.files
                    .extend_exclude
                    .iter()
                    .map(|g| ("files.extend-exclude", g)),
            )
            .chain(file.per_file.keys().map(|g| ("per-file", g)));
        for (key, glob) in globs {
            if let Err(e) = crate::files::compile(glob) {
                return Err(error(format!("{key}: \"{glob}\" is not a glob: {e}")));
            }
        }
        Ok(Self::from_file(Some(path.to_path_buf()), file))
    }

    fn from_file(path: Option<PathBuf>, file: ConfigFile) -> Self {
        let strings = |list: &[&str]| list.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        Self {
            path,
            project_name: file.project.name,
            iac: file.project.iac,
            node_runtimes: match file.project.node_runtime {
                Some(OneOrMany::One(one)) => vec![one],
                Some(OneOrMany::Many(many)) => many,
                None => strings(DEFAULT_NODE_RUNTIMES),
            },
            default_region: file.project.default_region,
            accounts: file
                .accounts
                .stages
                .into_iter()
                .filter_map(|(stage, id)| id.as_str().map(|id| (stage, id.to_string())))
                .collect(),
            trusted_accounts: file.accounts.trusted,
            production_stages: file
                .stages
                .production
                .unwrap_or_else(|| strings(DEFAULT_PRODUCTION_STAGES)),
            required_tags: file
                .tags
                .required
                .unwrap_or_else(|| strings(DEFAULT_REQUIRED_TAGS)),
            naming: Naming {
                resource: file.naming.resource.unwrap_or_else(|| "{stage}-*".into()),
                bucket: file
                    .naming
                    .bucket
                    .unwrap_or_else(|| "{account}-{stage}-*".into()),
                role: file
                    .naming
                    .role
                    .unwrap_or_else(|| "{function}-execution-role".into()),
            },
            rule_levels: file.rules,
            guard_deny: file.guard.deny,
            guard_ask: file.guard.ask,
            exclude: file
                .files
                .exclude
                .unwrap_or_else(|| strings(DEFAULT_EXCLUDE))
                .into_iter()
                .chain(file.files.extend_exclude)
                .collect(),
            per_file: file
                .per_file
                .into_iter()
                .map(|(glob, entry)| (glob, entry.ignore))
                .collect(),
        }
    }

    /// Rejects `[rules]` keys and `[per-file]` ignores that name no rule, naming the closest
    /// real one.
    pub fn validate_rule_ids(&self, known: &[&str]) -> Result<(), ConfigError> {
        let rules = self
            .rule_levels
            .keys()
            .map(|id| ("[rules]".to_string(), id));
        let per_file = self.per_file.iter().flat_map(|(glob, ids)| {
            ids.iter()
                .map(move |id| (format!("[per-file] \"{glob}\" ignore:"), id))
        });
        for (section, id) in rules.chain(per_file) {
            if !known.contains(&id.as_str()) {
                let hint = known
                    .iter()
                    .min_by_key(|k| edit_distance(k, id))
                    .map(|k| format!("; did you mean \"{k}\"?"))
                    .unwrap_or_default();
                return Err(ConfigError {
                    path: self.path.clone().unwrap_or_default(),
                    line: None,
                    message: format!("{section} \"{id}\" is not a stackwarden rule{hint} (`stackwarden rules` lists them)"),
                });
            }
        }
        Ok(())
    }

    pub fn is_production_stage(&self, stage: &str) -> bool {
        self.production_stages
            .iter()
            .any(|p| p.eq_ignore_ascii_case(stage))
    }

    /// The stage an account id belongs to, from `[accounts]`.
    pub fn stage_of_account(&self, account: &str) -> Option<&str> {
        self.accounts
            .iter()
            .find(|(_, id)| id.as_str() == account)
            .map(|(stage, _)| stage.as_str())
    }

    /// Accounts that may be written literally: the configured stages' and the trusted ones.
    pub fn is_known_account(&self, account: &str) -> bool {
        self.trusted_accounts.iter().any(|a| a == account)
    }

    /// The severity a rule runs at: the configured level, else its default; `None` when off.
    pub fn severity_for(&self, rule: &str, default: Severity) -> Option<Severity> {
        match self.rule_levels.get(rule) {
            Some(level) => level.severity(),
            None if DEFAULT_OFF.contains(&rule) => None,
            None => Some(default),
        }
    }

    /// Finds the configuration for `start`: the nearest `stackwarden.toml` in it or above it.
    pub fn discover(start: &Path) -> Result<Self, ConfigError> {
        match find_config_file(start) {
            Some(path) => Self::load(&path),
            None => Ok(Self::default()),
        }
    }

    pub fn load(path: &Path) -> Result<Self, ConfigError> {
        let text = std::fs::read_to_string(path).map_err(|e| ConfigError {
            path: path.to_path_buf(),
            line: None,
            message: format!("cannot read the configuration: {e}"),
        })?;
        Self::parse(path, &text)
    }

    /// The project root: the folder holding the config file, when there is one.
    pub fn root(&self) -> Option<&Path> {
        self.path.as_deref().and_then(Path::parent)
    }
}

/// [`find_config_file`] for the many files of one walk: each folder's answer is remembered, so
/// thousands of files ask the filesystem once per folder instead of once per file and ancestor.
#[derive(Debug, Default)]
pub struct ConfigFinder {
    by_folder: std::collections::HashMap<PathBuf, Option<PathBuf>>,
}

impl ConfigFinder {
    /// The nearest `stackwarden.toml` at or above `file`'s folder.
    pub fn for_file(&mut self, file: &Path) -> Option<PathBuf> {
        let folder = std::path::absolute(file).ok()?.parent()?.to_path_buf();
        self.in_folder(&folder)
    }

    fn in_folder(&mut self, folder: &Path) -> Option<PathBuf> {
        if let Some(found) = self.by_folder.get(folder) {
            return found.clone();
        }
        let candidate = folder.join(CONFIG_FILE);
        let found = if candidate.is_file() {
            Some(candidate)
        } else {
            folder.parent().and_then(|parent| self.in_folder(parent))
        };
        self.by_folder.insert(folder.to_path_buf(), found.clone());
        found
    }
}

/// The nearest `stackwarden.toml` at or above `start` (a file's folder when `start` is a file).
pub fn find_config_file(start: &Path) -> Option<PathBuf> {
    let start = if start.is_file() {
        start.parent()?
    } else {
        start
    };
    let absolute = std::path::absolute(start).ok()?;
    absolute
        .ancestors()
        .map(|dir| dir.join(CONFIG_FILE))
        .find(|candidate| candidate.is_file())
}

fn line_of_offset(text: &str, offset: usize) -> u32 {
    let newlines = text.as_bytes()[..offset.min(text.len())]
        .iter()
        .filter(|&&b| b == b'\n')
        .count();
    u32::try_from(newlines + 1).unwrap_or(u32::MAX)
}

const PLACEHOLDERS: &[&str] = &["stage", "account", "stack", "purpose", "function"];

fn validate_name_pattern(pattern: &str) -> Result<(), String> {
    let mut rest = pattern;
    while let Some(open) = rest.find('{') {
        let close = rest[open..]
            .find('}')
            .ok_or_else(|| "a `{` has no closing `}`".to_string())?;
        let name = &rest[open + 1..open + close];
        if !PLACEHOLDERS.contains(&name) {
            return Err(format!(
                "unknown placeholder {{{name}}}; use one of {{stage}} {{account}} {{stack}} {{purpose}} {{function}}"
            ));
        }
        rest = &rest[open + close + 1..];
    }
    Ok(())
}

/// Levenshtein distance, for did-you-mean hints.
pub fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut previous: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut current = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            let substitution = previous[j] + usize::from(ca != *cb);
            current[j + 1] = substitution.min(previous[j + 1] + 1).min(current[j] + 1);
        }
        previous = current;
    }
    previous[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    const FULL: &str = r#"
[project]
name = "Orders"
iac = "cdk"
node_runtime = "nodejs22.x"
default_region = "eu-west-2"

[accounts]
dev = "123456789012"
prod = "123456789013"
trusted = ["123456789014"]

[stages]
production = ["prod"]

[tags]
required = ["Project", "Stage"]

[naming]
resource = "{stage}-*"
bucket = "{account}-{stage}-*"
role = "{function}-execution-role"

[rules]
"code/missing-timeout" = "warn"
"cfn/s3-versioning" = "off"
"cfn/naming" = "info"

[guard]
deny = ["terraform apply"]
ask = []
"#;

    #[test]
    fn every_spec_key_is_read() {
        let config = Config::parse(Path::new("stackwarden.toml"), FULL).expect("valid");
        assert_eq!(config.project_name.as_deref(), Some("Orders"));
        assert_eq!(config.iac, Some(Iac::Cdk));
        assert_eq!(config.node_runtimes, vec!["nodejs22.x"]);
        assert_eq!(config.stage_of_account("123456789013"), Some("prod"));
        assert!(config.is_known_account("123456789014"));
        assert!(config.is_production_stage("PROD"));
        assert!(!config.is_production_stage("production"));
        assert_eq!(config.required_tags, vec!["Project", "Stage"]);
        assert_eq!(
            config.severity_for("cfn/s3-versioning", Severity::Warn),
            None
        );
        assert_eq!(
            config.severity_for("code/missing-timeout", Severity::Error),
            Some(Severity::Warn)
        );
        assert_eq!(
            config.severity_for("cfn/naming", Severity::Warn),
            Some(Severity::Info)
        );
        assert_eq!(config.guard_deny, vec!["terraform apply"]);
    }

    #[test]
    fn defaults_apply_without_a_file() {
        let config = Config::default();
        assert_eq!(config.required_tags, DEFAULT_REQUIRED_TAGS);
        assert!(config.is_production_stage("production"));
        assert_eq!(config.node_runtimes, DEFAULT_NODE_RUNTIMES);
    }

    #[test]
    fn unknown_keys_and_bad_values_name_the_key() {
        let err =
            Config::parse(Path::new("s.toml"), "[project]\nnmae = \"x\"\n").expect_err("rejected");
        assert!(err.message.contains("nmae"), "{err}");
        assert_eq!(err.line, Some(2));

        let err = Config::parse(Path::new("s.toml"), "[rules]\n\"cfn/x\" = \"loud\"\n")
            .expect_err("rejected");
        assert!(
            err.message.contains("loud") || err.message.contains("variant"),
            "{err}"
        );

        let err = Config::parse(Path::new("s.toml"), "[accounts]\nprod = \"12345\"\n")
            .expect_err("rejected");
        assert!(err.message.contains("accounts.prod"), "{err}");

        let err = Config::parse(Path::new("s.toml"), "[accounts]\nprod = 123456789012\n")
            .expect_err("rejected");
        assert!(err.message.contains("in quotes"), "{err}");

        let err = Config::parse(Path::new("s.toml"), "[naming]\nbucket = \"{env}-*\"\n")
            .expect_err("rejected");
        assert!(
            err.message.contains("naming.bucket") && err.message.contains("{env}"),
            "{err}"
        );

        let err = Config::parse(Path::new("s.toml"), "[project]\niac = \"pulumi\"\n")
            .expect_err("rejected");
        assert!(err.message.contains("pulumi"), "{err}");
    }

    #[test]
    fn unknown_rule_ids_get_a_did_you_mean() {
        let config = Config::parse(
            Path::new("s.toml"),
            "[rules]\n\"cfn/s3-encrypt\" = \"off\"\n",
        )
        .expect("parses");
        let err = config
            .validate_rule_ids(&["cfn/s3-encryption", "cfn/naming"])
            .expect_err("rejected");
        assert!(
            err.message.contains("did you mean \"cfn/s3-encryption\""),
            "{err}"
        );
    }

    #[test]
    fn the_finder_agrees_with_the_plain_search_and_remembers_folders() {
        let dir = tempfile::tempdir().expect("tmp");
        let root = dir.path();
        std::fs::create_dir_all(root.join("app/src/deep")).expect("mkdir");
        std::fs::write(root.join("app/stackwarden.toml"), "").expect("write");
        std::fs::write(root.join("app/src/deep/a.ts"), "").expect("write");
        std::fs::write(root.join("top.ts"), "").expect("write");
        let mut finder = ConfigFinder::default();
        for file in ["app/src/deep/a.ts", "app/src/deep/b.ts", "top.ts"] {
            assert_eq!(
                finder.for_file(&root.join(file)),
                find_config_file(root.join(file).parent().expect("parent")),
                "{file}"
            );
        }
        assert_eq!(
            finder.for_file(&root.join("app/src/deep/a.ts")),
            Some(std::path::absolute(root.join("app/stackwarden.toml")).expect("abs"))
        );
        assert!(finder
            .by_folder
            .contains_key(&std::path::absolute(root.join("app/src")).expect("abs")));
    }
}
