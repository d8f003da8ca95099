//! Shell builtins that change the shell for the commands after them: `cd`, `export` and the
//! other declaration builtins, `unset`, `alias`/`unalias`, `set --` and `shift` (the positional
//! parameters). They run nothing themselves, except that an alias's value is judged where it is
//! defined, like a function's body: the guard cannot know whether the alias is used later.

use crate::engine::describe;
use crate::scope::Scope;
use crate::walk::Walker;
use crate::words::{Arg, Var};
use crate::wrappers;

/// Applies the builtin `name` to `outer` (the shell's own state); `false` when `name` is none.
pub(crate) fn apply(
    walker: &mut Walker<'_, '_>,
    name: &str,
    argv: &[Arg],
    outer: &mut Scope,
    depth: usize,
) -> bool {
    let args = argv.get(1..).unwrap_or_default();
    match name {
        "cd" | "pushd" => {
            if let Some(dir) = args.first().and_then(Arg::known) {
                outer.change_dir(dir);
            }
        }
        "export" | "declare" | "typeset" | "local" | "readonly" => {
            for arg in args {
                if let Some((name, value)) = wrappers::assignment(&arg.text) {
                    let value = if arg.literal {
                        Var::Known(value)
                    } else {
                        Var::Unknown(value)
                    };
                    crate::credentials::check_export(walker, &name, &value, &describe(argv));
                    outer.set(&name, value);
                }
            }
        }
        "unset" => {
            for arg in args
                .iter()
                .filter_map(Arg::known)
                .filter(|a| !a.starts_with('-'))
            {
                outer.unset(arg);
            }
        }
        "alias" => alias(walker, args, outer, depth),
        "unalias" => {
            for arg in args.iter().filter_map(Arg::known) {
                if arg == "-a" {
                    outer.clear_aliases();
                } else {
                    outer.remove_alias(arg);
                }
            }
        }
        "set" => set(args, outer),
        "shift" => {
            let n = args.first().map_or(Some(1), |a| a.known()?.parse().ok());
            match n {
                Some(n) => outer.shift(n),
                None => outer.set_positional(None),
            }
        }
        _ => return false,
    }
    true
}

/// `alias name='value' …`; `alias name` alone prints it.
fn alias(walker: &mut Walker<'_, '_>, args: &[Arg], outer: &mut Scope, depth: usize) {
    for arg in args {
        let Some((name, value)) = arg.text.split_once('=') else {
            continue;
        };
        if !arg.literal {
            // The value is built at run time (`alias d="$CMD"`): using it is asked about.
            outer.set_alias(name, None);
            continue;
        }
        walker.defined_script(value, outer, depth);
        outer.set_alias(name, Some(value.to_string()));
    }
}

/// `set -- a b c` / `set a b` sets the positional parameters; `set -euo pipefail` only options.
fn set(args: &[Arg], outer: &mut Scope) {
    let mut i = 0;
    // `set --` alone empties them; `set -e` alone leaves them.
    let mut ended = false;
    while let Some(arg) = args.get(i) {
        match arg.known() {
            Some("--") => {
                i += 1;
                ended = true;
                break;
            }
            // `-o name` / `+o name` take the option's name.
            Some("-o" | "+o") => i += 2,
            Some(option) if option.starts_with(['-', '+']) => i += 1,
            Some(_) => break,
            // A word built at run time may be an option or a parameter: neither is known.
            None => {
                outer.set_positional(None);
                return;
            }
        }
    }
    let rest = args.get(i..).unwrap_or_default();
    if ended || !rest.is_empty() {
        let values = rest
            .iter()
            .map(|a| {
                if a.literal {
                    Var::Known(a.text.clone())
                } else {
                    Var::Unknown(a.text.clone())
                }
            })
            .collect();
        outer.set_positional(Some(values));
    }
}
