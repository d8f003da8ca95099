//! A model of how Claude Code applies `Bash(...)` deny rules to a command line, so the guard
//! can be compared with Claude Code's own rules (the ones `init` writes,
//! [`crate::init::permissions::deny_rules`]) on a corpus of commands: where the guard denies and
//! the rules do not, the hook is the only defence; where the rules deny and the guard does not,
//! one of the two is wrong.
//!
//! What the model does, after Claude Code's permissions documentation (rule syntax, "Compound
//! commands", "Wrappers") and the behaviour reported on its issue tracker:
//! - it splits the line into subcommands at `&&`, `||`, `;`, `|`, `|&`, `&` and newlines outside
//!   quotes, and takes what runs inside `( )`, `$( )`, backticks and `{ }` as subcommands of
//!   their own; each is matched on its own, and one match denies the whole line;
//! - it drops, from the front of each subcommand, `NAME=value` assignments, the shell keywords
//!   that open a body (`if`, `then`, `do`, `else`, `while`, `!`, ...) and the wrappers Claude Code
//!   strips — `timeout`, `time`, `nice`, `nohup`, `stdbuf`, `command`, `builtin`, `noglob`, and
//!   `xargs` without options — with their own options;
//! - it drops redirections (`> out.txt`, `2>&1`, `&>> log`, `< in`);
//! - it matches what is left, its words as written (quotes kept) joined by single spaces,
//!   against each rule: `Bash(cmd)` exactly, `Bash(prefix *)` and the legacy `Bash(prefix:*)` as
//!   the prefix alone or followed by a space and anything, any other `*` as any run of
//!   characters, spaces included; `Bash` and `Bash(*)` match everything. Other tools' rules
//!   (`Read(...)`) are ignored.
//!
//! What it does not capture: quote removal (Claude Code may match `aws s3 'rb'` as
//! `aws s3 rb`; the model does not), substitutions inside double quotes, what variables,
//! aliases and functions expand to, `bash -c` and `eval` strings, here-document bodies (each of
//! their lines is read as a command), wrappers outside the list (`sudo`, `env`, `npx`), a program
//! named by its path (`/usr/local/bin/aws`), Claude Code's prompts for commands it cannot parse
//! (those ask; they never deny), and whatever changed in Claude Code after this was written.

use crate::permission::{glob_matches, normalise, PermissionRule};

/// Whether some `Bash(...)` rule of `rules` denies `command` the way Claude Code matches them.
pub fn prefix_rule_denies(rules: &[String], command: &str) -> bool {
    let patterns: Vec<Option<String>> = rules.iter().filter_map(|r| bash_pattern(r)).collect();
    if patterns.is_empty() {
        return false;
    }
    subcommands(command).iter().any(|sub| {
        patterns.iter().any(|p| match p {
            None => true,
            Some(pattern) => glob_matches(pattern, sub),
        })
    })
}

/// `Some(None)` for a rule that matches every command, `Some(Some(pattern))` for a scoped
/// rule, `None` for another tool's rule.
fn bash_pattern(rule: &str) -> Option<Option<String>> {
    let rule = PermissionRule::parse(rule);
    if rule.tool != "Bash" {
        return None;
    }
    Some(match rule.specifier.map(str::trim) {
        None | Some("") | Some("*") => None,
        Some(spec) => Some(normalise(spec)),
    })
}

/// The subcommands of a line as Claude Code matches them: split, stripped of assignments,
/// wrappers and redirections, words rejoined with single spaces. Empty ones are left out.
pub fn subcommands(command: &str) -> Vec<String> {
    split(command)
        .into_iter()
        .filter_map(|words| {
            let rest = strip_front(&words);
            (!rest.is_empty()).then(|| rest.join(" "))
        })
        .collect()
}

/// Words of each subcommand, as written, with redirections left out.
fn split(command: &str) -> Vec<Vec<String>> {
    let chars: Vec<char> = command.chars().collect();
    let mut parts: Vec<Vec<String>> = Vec::new();
    let mut words: Vec<String> = Vec::new();
    let mut word = String::new();
    // The next word is a redirection's target and is dropped.
    let mut target = false;
    let mut i = 0;
    let end_word = |word: &mut String, words: &mut Vec<String>, target: &mut bool| {
        if word.is_empty() {
            return;
        }
        let w = std::mem::take(word);
        if *target {
            *target = false;
        } else {
            words.push(w);
        }
    };
    let end_part = |words: &mut Vec<String>, parts: &mut Vec<Vec<String>>| {
        if !words.is_empty() {
            parts.push(std::mem::take(words));
        }
    };
    while i < chars.len() {
        let c = chars[i];
        match c {
            '\\' => {
                word.push(c);
                if let Some(&next) = chars.get(i + 1) {
                    if next != '\n' {
                        word.push(next);
                    } else {
                        word.pop();
                    }
                    i += 1;
                }
            }
            '\'' | '"' => {
                // A quoted run stays in the word as written.
                word.push(c);
                i += 1;
                while i < chars.len() && chars[i] != c {
                    if c == '"' && chars[i] == '\\' && i + 1 < chars.len() {
                        word.push(chars[i]);
                        i += 1;
                    }
                    word.push(chars[i]);
                    i += 1;
                }
                if i < chars.len() {
                    word.push(c);
                }
            }
            ' ' | '\t' => end_word(&mut word, &mut words, &mut target),
            '>' | '<' => {
                // `2>`: the digits before the operator name a descriptor, not a word.
                if !word.is_empty() && word.chars().all(|d| d.is_ascii_digit()) {
                    word.clear();
                } else {
                    end_word(&mut word, &mut words, &mut target);
                }
                while matches!(chars.get(i + 1), Some('>' | '<' | '|')) {
                    i += 1;
                }
                if chars.get(i + 1) == Some(&'&') {
                    // `>&2`, `>&-`: a descriptor, no word follows.
                    i += 1;
                    while matches!(chars.get(i + 1), Some(d) if d.is_ascii_digit() || *d == '-') {
                        i += 1;
                    }
                } else {
                    target = true;
                }
            }
            '&' if chars.get(i + 1) == Some(&'>') => {
                // `&>file`, `&>>file`.
                end_word(&mut word, &mut words, &mut target);
                i += 1;
                while chars.get(i + 1) == Some(&'>') {
                    i += 1;
                }
                target = true;
            }
            ';' | '&' | '|' | '\n' | '(' | ')' | '`' => {
                end_word(&mut word, &mut words, &mut target);
                end_part(&mut words, &mut parts);
                target = false;
            }
            '$' if chars.get(i + 1) == Some(&'(') => {
                end_word(&mut word, &mut words, &mut target);
                end_part(&mut words, &mut parts);
                i += 1;
            }
            _ => word.push(c),
        }
        // `{` and `}` group commands only as words of their own.
        if matches!(word.as_str(), "{" | "}")
            && chars
                .get(i + 1)
                .is_none_or(|n| n.is_whitespace() || *n == ';')
        {
            word.clear();
            end_part(&mut words, &mut parts);
        }
        i += 1;
    }
    end_word(&mut word, &mut words, &mut target);
    end_part(&mut words, &mut parts);
    parts
}

/// Keywords that open a body; the command after them is what runs.
const KEYWORDS: &[&str] = &["if", "then", "elif", "else", "do", "while", "until", "!"];

/// The subcommand's words after leading assignments, keywords and wrappers.
fn strip_front(words: &[String]) -> &[String] {
    let mut rest = words;
    loop {
        let Some(first) = rest.first() else {
            return rest;
        };
        let skip = if is_assignment(first) || KEYWORDS.contains(&first.as_str()) {
            1
        } else {
            match wrapper_length(rest) {
                Some(n) => n,
                None => return rest,
            }
        };
        rest = &rest[skip.min(rest.len())..];
    }
}

fn is_assignment(word: &str) -> bool {
    let Some((name, _)) = word.split_once('=') else {
        return false;
    };
    let mut chars = name.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// How many words a wrapper Claude Code strips takes (itself, its options and their values),
/// or `None` when `words` does not start with one.
fn wrapper_length(words: &[String]) -> Option<usize> {
    let name = words.first()?.as_str();
    // Options of each wrapper that take a separate value.
    let valued: &[&str] = match name {
        "timeout" => &["-s", "-k", "--signal", "--kill-after"],
        "nice" => &["-n", "--adjustment"],
        "stdbuf" => &["-i", "-o", "-e", "--input", "--output", "--error"],
        "time" | "nohup" | "command" | "builtin" | "noglob" => &[],
        // Only a bare `xargs` is stripped: its options change what runs.
        "xargs" => {
            return match words.get(1) {
                Some(next) if next.starts_with('-') => None,
                _ => Some(1),
            }
        }
        _ => return None,
    };
    let mut n = 1;
    while let Some(word) = words.get(n) {
        if !word.starts_with('-') || word == "-" {
            break;
        }
        n += if valued.contains(&word.as_str()) {
            2
        } else {
            1
        };
        if word == "--" {
            break;
        }
    }
    // `timeout` takes a duration before the command.
    if name == "timeout" && words.get(n).is_some() {
        n += 1;
    }
    Some(n)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rules(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn compound_commands_are_matched_part_by_part() {
        assert_eq!(
            subcommands("cd app && aws s3 rb s3://x --force; echo done | tee log"),
            vec!["cd app", "aws s3 rb s3://x --force", "echo done", "tee log"]
        );
        assert_eq!(
            subcommands(
                "(cd a; cdk destroy --all) || echo $(aws s3 rm s3://b) `terraform destroy`"
            ),
            vec![
                "cd a",
                "cdk destroy --all",
                "echo",
                "aws s3 rm s3://b",
                "terraform destroy"
            ]
        );
        assert_eq!(
            subcommands("for b in a c; do aws s3 rb \"s3://$b\"; done"),
            vec!["for b in a c", "aws s3 rb \"s3://$b\"", "done"]
        );
        assert_eq!(subcommands("{ cdk destroy; }"), vec!["cdk destroy"]);
        assert_eq!(subcommands("echo 'a && b'"), vec!["echo 'a && b'"]);
    }

    #[test]
    fn assignments_wrappers_and_redirections_are_stripped() {
        assert_eq!(
            subcommands("AWS_PROFILE=prod timeout -s KILL 30 nice -n 5 nohup cdk destroy --force > out.txt 2>&1"),
            vec!["cdk destroy --force"]
        );
        assert_eq!(
            subcommands("stdbuf -oL aws s3 rm s3://b &>> log"),
            vec!["aws s3 rm s3://b"]
        );
        assert_eq!(subcommands("xargs aws s3 rb"), vec!["aws s3 rb"]);
        assert_eq!(
            subcommands("xargs -n1 aws s3 rb"),
            vec!["xargs -n1 aws s3 rb"]
        );
        assert_eq!(
            subcommands("sudo aws s3 rb s3://b"),
            vec!["sudo aws s3 rb s3://b"]
        );
    }

    #[test]
    fn rules_match_like_claude_code() {
        let deny = rules(&[
            "Bash(aws s3 rb *)",
            "Bash(cdk destroy:*)",
            "Bash(cat *.aws/credentials*)",
            "Bash(printenv AWS_SECRET_ACCESS_KEY)",
            "Read(~/.aws/credentials)",
        ]);
        for hit in [
            "aws s3 rb s3://x --force",
            "aws s3 rb",
            "cdk destroy",
            "cdk destroy --all",
            "npm test && cdk destroy --force",
            "cat ~/.aws/credentials",
            "cat $HOME/.aws/credentials | grep key",
            "printenv AWS_SECRET_ACCESS_KEY",
            "AWS_PROFILE=dev timeout 60 aws s3 rb s3://x",
        ] {
            assert!(prefix_rule_denies(&deny, hit), "{hit} should be denied");
        }
        for miss in [
            "aws s3 ls",
            "aws s3 rbx",
            "cdk destroyer",
            "npx cdk destroy",
            "aws s3 'rb' s3://x",
            "bash -c 'aws s3 rb s3://x'",
            "printenv AWS_SECRET_ACCESS_KEY_ID",
            "echo 'aws s3 rb s3://x'",
        ] {
            assert!(!prefix_rule_denies(&deny, miss), "{miss} should pass");
        }
        assert!(prefix_rule_denies(&rules(&["Bash"]), "ls"));
        assert!(prefix_rule_denies(&rules(&["Bash(*)"]), "ls"));
        assert!(!prefix_rule_denies(
            &rules(&["Read(~/.aws/credentials)"]),
            "ls"
        ));
        assert!(!prefix_rule_denies(&[], "cdk destroy"));
    }
}
