//! Everything the guard knows about the world comes in through here: the configuration, the
//! environment of the process that would run the command, the AWS config file's text, the
//! project's files (package.json, Makefile, samconfig.toml, cdk.out/manifest.json, scripts) and
//! the recorded diffs. The guard itself never reads the environment or the home folder.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use stackwarden_core::config::Config;

use crate::cdk::DiffKey;
use crate::profiles::AwsConfig;

/// Read access to project files. A trait so tests (and fuzzing) run on an in-memory tree.
pub trait ProjectFiles {
    /// The text of the file, or `None` when it does not exist or cannot be read as UTF-8.
    fn read(&self, path: &Path) -> Option<String>;

    /// Whether the path exists at all (a file [`ProjectFiles::read`] refuses may still run).
    fn exists(&self, path: &Path) -> bool {
        self.read(path).is_some()
    }
}

/// Reads files from disk, capped in size so a huge file cannot stall a hook.
#[derive(Debug, Clone, Copy, Default)]
pub struct DiskFiles;

/// Larger files are not package.json/Makefile material; skipping them bounds the work.
const MAX_FILE_BYTES: u64 = 1 << 20;

impl ProjectFiles for DiskFiles {
    fn read(&self, path: &Path) -> Option<String> {
        let meta = std::fs::metadata(path).ok()?;
        if !meta.is_file() || meta.len() > MAX_FILE_BYTES {
            return None;
        }
        std::fs::read_to_string(path).ok()
    }

    fn exists(&self, path: &Path) -> bool {
        std::fs::symlink_metadata(path).is_ok()
    }
}

/// An in-memory file tree (absolute paths → text).
#[derive(Debug, Clone, Default)]
pub struct MemoryFiles(pub BTreeMap<PathBuf, String>);

impl MemoryFiles {
    pub fn with(mut self, path: impl Into<PathBuf>, text: impl Into<String>) -> Self {
        self.0.insert(path.into(), text.into());
        self
    }
}

impl ProjectFiles for MemoryFiles {
    fn read(&self, path: &Path) -> Option<String> {
        self.0.get(path).cloned()
    }
}

/// The recorded `cdk diff` runs, as the ledger knows them.
pub trait DiffHistory {
    /// Whether a successful diff covering `deploy` was recorded since the sources last changed.
    /// An `Err` (ledger unreadable) counts as "no": the deploy is denied, never waved through.
    fn has_covering_diff(&self, deploy: &DiffKey) -> Result<bool, String>;
}

/// No ledger: no diff was ever recorded.
#[derive(Debug, Clone, Copy, Default)]
pub struct NoDiffs;

impl DiffHistory for NoDiffs {
    fn has_covering_diff(&self, _deploy: &DiffKey) -> Result<bool, String> {
        Ok(false)
    }
}

/// The inputs of one judgement.
pub struct Context<'a> {
    pub config: &'a Config,
    /// The environment the command would inherit (the hook's own environment).
    pub env: BTreeMap<String, String>,
    /// The folder the command runs in.
    pub cwd: PathBuf,
    /// The parsed `~/.aws/config` (or `$AWS_CONFIG_FILE`), empty when there is none.
    pub aws_config: AwsConfig,
    pub files: &'a dyn ProjectFiles,
    pub diffs: &'a dyn DiffHistory,
}

impl<'a> Context<'a> {
    /// A context with no environment, no AWS config, no files and no diffs.
    pub fn bare(config: &'a Config, cwd: impl Into<PathBuf>) -> Self {
        Self {
            config,
            env: BTreeMap::new(),
            cwd: cwd.into(),
            aws_config: AwsConfig::default(),
            files: &MemoryFilesEmpty,
            diffs: &NoDiffs,
        }
    }
}

struct MemoryFilesEmpty;

impl ProjectFiles for MemoryFilesEmpty {
    fn read(&self, _path: &Path) -> Option<String> {
        None
    }
}
