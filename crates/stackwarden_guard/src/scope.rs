//! The shell state a command runs with, as far as the command line itself changes it: variables
//! assigned or exported earlier (`export AWS_PROFILE=prod; cdk deploy`), `unset`, `env -i`, and
//! the folder after `cd`. Subshells and pipeline members get a copy, so what they change does not
//! leak out, exactly as in the shell.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::words::Var;

#[derive(Debug, Clone)]
pub(crate) struct Scope {
    /// Variables set (Some) or unset (None) by the command line; they shadow the environment.
    vars: BTreeMap<String, Option<Var>>,
    /// `env -i`: the inherited environment is gone for this command.
    cleared: bool,
    pub(crate) cwd: PathBuf,
}

impl Scope {
    pub(crate) fn new(cwd: &Path) -> Self {
        Self {
            vars: BTreeMap::new(),
            cleared: false,
            cwd: cwd.to_path_buf(),
        }
    }

    pub(crate) fn set(&mut self, name: &str, value: Var) {
        self.vars.insert(name.to_string(), Some(value));
    }

    pub(crate) fn unset(&mut self, name: &str) {
        self.vars.insert(name.to_string(), None);
    }

    pub(crate) fn clear_environment(&mut self) {
        self.cleared = true;
        self.vars.clear();
    }

    /// The value the command would see for `name`.
    pub(crate) fn get(&self, name: &str, env: &BTreeMap<String, String>) -> Option<Var> {
        match self.vars.get(name) {
            Some(value) => value.clone(),
            None if self.cleared => None,
            None => env.get(name).map(|v| Var::Known(v.clone())),
        }
    }

    /// `cd DIR`: follow it when DIR is known, so package.json and Makefile lookups use the
    /// folder the later commands really run in.
    pub(crate) fn change_dir(&mut self, dir: &str) {
        let target = Path::new(dir);
        let joined = if target.is_absolute() {
            target.to_path_buf()
        } else {
            self.cwd.join(target)
        };
        self.cwd = normalize(&joined);
    }
}

/// Removes `.` and `..` without touching the file system (the folder may not exist here).
pub(crate) fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for part in path.components() {
        match part {
            std::path::Component::ParentDir => {
                out.pop();
            }
            std::path::Component::CurDir => {}
            other => out.push(other),
        }
    }
    out
}
