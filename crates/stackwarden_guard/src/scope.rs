//! The shell state a command runs with, as far as the command line itself changes it: variables
//! and arrays assigned or exported earlier (`export AWS_PROFILE=prod; cdk deploy`), `unset`,
//! `env -i`, the folder after `cd`, the positional parameters (`set -- …`, a function's
//! arguments), aliases and functions. Subshells and pipeline members get a copy, so what they
//! change does not leak out, exactly as in the shell.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::rc::Rc;

use brush_parser::ast::FunctionBody;

use crate::words::Var;

#[derive(Debug, Clone)]
pub(crate) struct Scope {
    /// Variables set (Some) or unset (None) by the command line; they shadow the environment.
    vars: BTreeMap<String, Option<Var>>,
    /// `env -i`: the inherited environment is gone for this command.
    cleared: bool,
    pub(crate) cwd: PathBuf,
    /// `$1`, `$2`, …: `None` when the guard does not know them (the command line's own, which
    /// the shell that runs it may have been given).
    positional: Option<Vec<Var>>,
    /// `alias name=value`: the value, or `None` when it is built at run time.
    aliases: BTreeMap<String, Option<String>>,
    /// Functions defined so far, run with their arguments where they are called.
    functions: BTreeMap<String, Rc<FunctionBody>>,
}

impl Scope {
    pub(crate) fn new(cwd: &Path) -> Self {
        Self {
            vars: BTreeMap::new(),
            cleared: false,
            cwd: cwd.to_path_buf(),
            positional: None,
            aliases: BTreeMap::new(),
            functions: BTreeMap::new(),
        }
    }

    /// `set -- a b`, a function's or a script's arguments.
    pub(crate) fn set_positional(&mut self, values: Option<Vec<Var>>) {
        self.positional = values;
    }

    pub(crate) fn positional(&self) -> Option<&[Var]> {
        self.positional.as_deref()
    }

    /// `shift N`.
    pub(crate) fn shift(&mut self, n: usize) {
        if let Some(values) = &mut self.positional {
            values.drain(..n.min(values.len()));
        }
    }

    pub(crate) fn set_alias(&mut self, name: &str, value: Option<String>) {
        self.aliases.insert(name.to_string(), value);
    }

    /// `unalias NAME`; `unalias -a` is [`Scope::clear_aliases`].
    pub(crate) fn remove_alias(&mut self, name: &str) -> Option<Option<String>> {
        self.aliases.remove(name)
    }

    pub(crate) fn clear_aliases(&mut self) {
        self.aliases.clear();
    }

    pub(crate) fn alias(&self, name: &str) -> Option<&Option<String>> {
        self.aliases.get(name)
    }

    pub(crate) fn define_function(&mut self, name: &str, body: FunctionBody) {
        self.functions.insert(name.to_string(), Rc::new(body));
    }

    pub(crate) fn function(&self, name: &str) -> Option<Rc<FunctionBody>> {
        self.functions.get(name).cloned()
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

    /// The value the command would see for `name` (`@`, `#` and digits name the positional
    /// parameters).
    pub(crate) fn get(&self, name: &str, env: &BTreeMap<String, String>) -> Option<Var> {
        match name {
            "@" | "*" => return self.positional.clone().map(Var::List),
            "#" => {
                return self
                    .positional
                    .as_ref()
                    .map(|p| Var::Known(p.len().to_string()))
            }
            _ if name.bytes().all(|b| b.is_ascii_digit()) => {
                let n: usize = name.parse().ok()?;
                let values = self.positional.as_ref()?;
                // `$0` is the shell's name; past the last parameter a word is empty.
                return n
                    .checked_sub(1)
                    .map(|i| values.get(i).cloned().unwrap_or(Var::Known(String::new())));
            }
            _ => {}
        }
        match self.vars.get(name) {
            Some(value) => value.clone(),
            None if self.cleared => None,
            None => env.get(name).map(|v| Var::Known(v.clone())),
        }
    }

    /// The names of the variables a command sees (set on the line or inherited), for tools that
    /// read every variable with a prefix (`TF_VAR_*`).
    pub(crate) fn variable_names(&self, env: &BTreeMap<String, String>) -> Vec<String> {
        let inherited = env.keys().filter(|_| !self.cleared);
        let mut names: Vec<String> = inherited.chain(self.vars.keys()).cloned().collect();
        names.sort();
        names.dedup();
        names.retain(|name| self.get(name, env).is_some());
        names
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
