//! A first `stackwarden.toml` from what detection found: every key of the SPEC, each commented
//! with what it means and where its value came from; values `init` had to guess say "guess".

use std::fmt::Write as _;

use stackwarden_core::config::{
    Iac, DEFAULT_NODE_RUNTIMES, DEFAULT_PRODUCTION_STAGES, DEFAULT_REQUIRED_TAGS,
};

use super::detect::{unassigned_accounts, Detection, PRODUCTION_WORDS};

pub fn render(d: &Detection) -> String {
    let mut out = String::new();
    out.push_str("# stackwarden configuration, written by `stackwarden init` from what it found in this project.\n");
    out.push_str("# Values marked \"guess\" were not found: check them. CLAUDE.md and .claude/settings.json are\n");
    out.push_str("# rendered from this file; after editing it run `stackwarden init` again.\n\n");

    out.push_str("[project]\n");
    line(
        &mut out,
        &format!("name = {}", quote(&d.name.value)),
        &format!("from {}", d.name.source),
    );
    let (iac, iac_note) = match &d.iac {
        Some(found) => (found.value, format!("found {}", found.source)),
        None => (
            Iac::Cdk,
            "guess: no cdk.json, SAM template or CloudFormation template found".to_string(),
        ),
    };
    let iac_name = match iac {
        Iac::Cdk => "cdk",
        Iac::Sam => "sam",
        Iac::Cloudformation => "cloudformation",
    };
    line(
        &mut out,
        &format!("iac = \"{iac_name}\""),
        &format!("cdk | sam | cloudformation; {iac_note}"),
    );
    let (runtimes, runtime_note) = runtimes(d);
    let runtime_value = match runtimes.as_slice() {
        [one] => quote(one),
        many => list(many),
    };
    line(
        &mut out,
        &format!("node_runtime = {runtime_value}"),
        &format!("allowed Lambda runtimes (a list is allowed too); {runtime_note}"),
    );
    match d.main_region() {
        Some((region, source)) => {
            let others: Vec<&str> = d
                .regions
                .keys()
                .map(String::as_str)
                .filter(|r| *r != region)
                .collect();
            let note = if others.is_empty() {
                format!("found in {source}")
            } else {
                format!("found in {source}; also seen: {}", others.join(", "))
            };
            line(
                &mut out,
                &format!("default_region = {}", quote(region)),
                &note,
            );
        }
        None => {
            out.push_str("# default_region = \"us-east-1\"  # guess: no region found; set it\n")
        }
    }

    out.push_str("\n[accounts]                  # stage -> account id; production stages are listed in [stages]\n");
    for (stage, found) in &d.accounts {
        line(
            &mut out,
            &format!("{} = {}", key(stage), quote(&found.value)),
            &format!("found in {}", found.source),
        );
    }
    if d.accounts.is_empty() {
        out.push_str("# dev = \"111111111111\"      # guess: no account ids found; map each stage to its account\n");
    }
    out.push_str("trusted = []                # other accounts that may appear literally (cross-account principals)\n");
    for other in unassigned_accounts(d) {
        let _ = writeln!(
            out,
            "# also seen: \"{}\" in {} (a stage's account? put it above; a partner's? add it to trusted)",
            other.value, other.source
        );
    }

    out.push_str("\n[stages]\n");
    let production: Vec<String> = d
        .stages
        .iter()
        .filter(|s| PRODUCTION_WORDS.contains(&s.as_str()))
        .cloned()
        .collect();
    if production.is_empty() {
        let defaults: Vec<String> = DEFAULT_PRODUCTION_STAGES
            .iter()
            .map(|s| s.to_string())
            .collect();
        line(
            &mut out,
            &format!("production = {}", list(&defaults)),
            "a deploy/stack/profile resolving to these is production; guess: no production stage found",
        );
    } else {
        let others: Vec<&str> = d
            .stages
            .iter()
            .map(String::as_str)
            .filter(|s| !production.iter().any(|p| p == s))
            .collect();
        let note = if others.is_empty() {
            "a deploy/stack/profile resolving to these is production".to_string()
        } else {
            format!(
                "a deploy/stack/profile resolving to these is production; other stages seen: {}",
                others.join(", ")
            )
        };
        line(
            &mut out,
            &format!("production = {}", list(&production)),
            &note,
        );
    }

    out.push_str("\n[tags]\n");
    let tags: Vec<String> = DEFAULT_REQUIRED_TAGS
        .iter()
        .map(|s| s.to_string())
        .collect();
    line(
        &mut out,
        &format!("required = {}", list(&tags)),
        "every taggable resource carries these; guess: the default set",
    );

    out.push_str("\n[naming]                    # patterns for physical names; {stage} {account} {stack} {purpose} {function}\n");
    line(
        &mut out,
        "resource = \"{stage}-*\"",
        "kebab-case after the stage prefix (default)",
    );
    line(&mut out, "bucket = \"{account}-{stage}-*\"", "default");
    line(&mut out, "role = \"{function}-execution-role\"", "default");

    out.push_str("\n[rules]                     # severity per rule: \"error\" | \"warn\" | \"off\" (`stackwarden rules` lists them)\n");
    out.push_str("# \"code/missing-timeout\" = \"warn\"\n");

    out.push_str("\n[guard]\n");
    line(
        &mut out,
        "deny = []",
        "extra command patterns to deny (same matching as the built-ins)",
    );
    line(&mut out, "ask = []", "extra command patterns to ask about");

    out.push_str("\n[files]\n");
    line(
        &mut out,
        "extend-exclude = []",
        "globs never checked, added to the defaults (minified and bundled JS, *.map, vendor/); `exclude` replaces them",
    );

    out.push_str(
        "\n[per-file]                  # rules that do not run on the files a glob matches\n",
    );
    out.push_str("# \"test/**\" = { ignore = [\"code/missing-timeout\"] }\n");
    out
}

/// The runtimes to allow: those found that are current, else the default; and the note saying so.
fn runtimes(d: &Detection) -> (Vec<String>, String) {
    let found: Vec<&str> = d.runtimes.iter().map(|r| r.value.as_str()).collect();
    let current: Vec<String> = found
        .iter()
        .filter(|r| DEFAULT_NODE_RUNTIMES.contains(r))
        .map(|r| r.to_string())
        .collect();
    let old: Vec<&str> = found
        .iter()
        .copied()
        .filter(|r| !DEFAULT_NODE_RUNTIMES.contains(r))
        .collect();
    let old_note = if old.is_empty() {
        String::new()
    } else {
        format!(
            "; also found {} (outdated, left out: upgrade those functions)",
            old.join(", ")
        )
    };
    if current.is_empty() {
        (
            vec![DEFAULT_NODE_RUNTIMES[0].to_string()],
            format!("guess: no current Node.js runtime found{old_note}"),
        )
    } else {
        let source = d
            .runtimes
            .iter()
            .find(|r| r.value == current[0])
            .map(|r| r.source.as_str())
            .unwrap_or("the project");
        (current, format!("found in {source}{old_note}"))
    }
}

/// `key = value  # note`, the comments aligned where the key is short.
fn line(out: &mut String, assignment: &str, note: &str) {
    let _ = writeln!(out, "{assignment:<27} # {note}");
}

/// A TOML basic string.
fn quote(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() => {
                let _ = write!(out, "\\u{:04X}", u32::from(c));
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fn list(items: &[String]) -> String {
    let quoted: Vec<String> = items.iter().map(|i| quote(i)).collect();
    format!("[{}]", quoted.join(", "))
}

/// A bare key when TOML allows one, else a quoted key.
fn key(name: &str) -> String {
    if !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
    {
        name.to_string()
    } else {
        quote(name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::init::detect::Found;
    use stackwarden_core::config::Config;
    use std::path::Path;

    #[test]
    fn renders_a_config_that_parses_and_says_where_values_came_from() {
        let mut d = Detection {
            name: Found {
                value: "shop \"east\"".into(),
                source: "package.json".into(),
            },
            iac: Some(Found {
                value: Iac::Cdk,
                source: "cdk.json".into(),
            }),
            stages: vec!["dev".into(), "prod".into()],
            runtimes: vec![
                Found {
                    value: "nodejs18.x".into(),
                    source: "cdk.out/a.template.json".into(),
                },
                Found {
                    value: "nodejs22.x".into(),
                    source: "cdk.out/b.template.json".into(),
                },
            ],
            ..Detection::default()
        };
        d.accounts.insert(
            "dev".into(),
            Found {
                value: "111111111111".into(),
                source: "cdk.out/manifest.json".into(),
            },
        );
        d.regions
            .insert("eu-west-2".into(), (3, "cdk.out/manifest.json".into()));
        let text = render(&d);
        let config = Config::parse(Path::new("stackwarden.toml"), &text)
            .unwrap_or_else(|e| panic!("{e}\n{text}"));
        assert_eq!(config.project_name.as_deref(), Some("shop \"east\""));
        assert_eq!(config.node_runtimes, vec!["nodejs22.x"]);
        assert_eq!(config.default_region.as_deref(), Some("eu-west-2"));
        assert_eq!(config.accounts["dev"], "111111111111");
        assert_eq!(config.production_stages, vec!["prod"]);
        assert!(text.contains("also found nodejs18.x (outdated"), "{text}");
        assert!(
            text.contains("# guess: the default set") || text.contains("guess: the default set")
        );
        for key in [
            "[project]",
            "[accounts]",
            "[stages]",
            "[tags]",
            "[naming]",
            "[rules]",
            "[guard]",
            "[files]",
            "[per-file]",
            "trusted",
            "bucket",
            "role",
            "deny",
            "ask",
        ] {
            assert!(text.contains(key), "{key} missing:\n{text}");
        }
    }

    #[test]
    fn an_empty_project_gets_marked_guesses() {
        let text = render(&Detection {
            name: Found {
                value: "x".into(),
                source: "the folder name".into(),
            },
            ..Detection::default()
        });
        let config = Config::parse(Path::new("stackwarden.toml"), &text).expect("parses");
        assert_eq!(config.iac, Some(Iac::Cdk));
        assert_eq!(config.production_stages, DEFAULT_PRODUCTION_STAGES);
        assert!(text.contains("guess: no cdk.json"), "{text}");
        assert!(text.contains("# default_region"), "{text}");
    }
}
