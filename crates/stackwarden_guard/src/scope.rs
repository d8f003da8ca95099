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
    /// The command line changed the environment in a way only known at run time
    /// (`export $(cat .env | xargs)`, `declare -x "$name=…"`): every variable not set after
    /// that has an unknown value, the inherited `AWS_PROFILE` included.
    environment_unknown: bool,
}

/// Asked of [`crate::tools::Invocation::lookup`] as `"{RUN_TIME_VALUE}NAME"`: `Some("")` when
/// the variable `NAME` has a value only known at run time (set from a command's output, by
/// `read` from a pipe, or any variable after an `export $(…)` made the environment unknown),
/// `None` when its value is known (a plain `lookup("NAME")` then gives it) or it is unset.
/// A plain lookup gives `None` for such a variable too, so use this to tell "unknown" from
/// "unset" ([`crate::tools::Invocation::run_time_value`]).
pub(crate) const RUN_TIME_VALUE: &str = "run-time value of ";

/// The origin recorded for a variable whose value comes from outside the command line's text
/// (input read at run time, an environment changed at run time): it counts as a command's
/// output, so a command name made of it is asked about whatever it says.
pub(crate) fn run_time_origin(what: &str) -> String {
    format!("$({what})")
}

impl crate::tools::Invocation<'_> {
    /// Whether the variable `name` has a value only known at run time (see [`RUN_TIME_VALUE`]).
    pub(crate) fn run_time_value(&self, name: &str) -> bool {
        (self.lookup)(&format!("{RUN_TIME_VALUE}{name}")).is_some()
    }
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
            environment_unknown: false,
        }
    }

    /// `export $(…)`: see [`Scope::environment_unknown`].
    pub(crate) fn set_environment_unknown(&mut self) {
        self.environment_unknown = true;
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
        self.environment_unknown = false;
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
            None if self.environment_unknown => {
                Some(Var::Unknown(run_time_origin("an export built at run time")))
            }
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
