//! The project's `[guard] deny` / `ask` patterns from stackwarden.toml. A pattern is a command
//! prefix, word by word, with `*` and `?` globs inside words (`terraform apply`, `aws ssm put-*`,
//! `npm run deploy:*`). It is matched against every resolved simple command, after wrappers and
//! launchers are peeled, so it is bypassed no more easily than the built-in rules.

use crate::decision::{Decision, PROJECT_PATTERN};
use crate::engine::{basename, describe};
use crate::tools::glob_match;
use crate::walk::Walker;
use crate::words::Arg;

pub(crate) fn check(walker: &mut Walker<'_, '_>, argv: &[Arg]) {
    let config = walker.ctx.config;
    let lists = [
        (&config.guard_deny, Decision::Deny, "deny"),
        (&config.guard_ask, Decision::Ask, "ask"),
    ];
    for (patterns, decision, list) in lists {
        for pattern in patterns.iter() {
            if matches(pattern, argv) {
                let seen = describe(argv);
                walker.push(
                    decision,
                    PROJECT_PATTERN,
                    &seen,
                    format!("`{seen}` matches `{pattern}` in the [guard] {list} list of stackwarden.toml. Follow the project's documented process for this command, or ask a person."),
                );
            }
        }
    }
}

fn matches(pattern: &str, argv: &[Arg]) -> bool {
    let words: Vec<&str> = pattern.split_whitespace().collect();
    if words.is_empty() || words.len() > argv.len() {
        return false;
    }
    words.iter().zip(argv).enumerate().all(|(i, (word, arg))| {
        let text = if i == 0 {
            basename(&arg.text)
        } else {
            arg.text.as_str()
        };
        // A word only known at run time matches nothing but a bare `*`.
        if arg.literal {
            glob_match(word, text)
        } else {
            *word == "*"
        }
    })
}

#[cfg(test)]
mod tests {
    use super::matches;
    use crate::words::Arg;

    fn argv(words: &[&str]) -> Vec<Arg> {
        words.iter().map(|w| Arg::lit(*w)).collect()
    }

    #[test]
    fn prefix_globs() {
        assert!(matches(
            "terraform apply",
            &argv(&["/usr/bin/terraform", "apply", "-auto-approve"])
        ));
        assert!(matches(
            "aws ssm put-*",
            &argv(&["aws", "ssm", "put-parameter"])
        ));
        assert!(!matches("terraform apply", &argv(&["terraform", "plan"])));
        assert!(!matches("terraform apply", &argv(&["terraform"])));
    }
}
