//! Which files a check skips, and which rules a file is spared: `[files] exclude` (default
//! [`crate::config::DEFAULT_EXCLUDE`]) and `extend-exclude`, `[per-file]` ignores, and content
//! nobody reads as source (a minified or generated bundle: a line thousands of characters long).
//! And how a domain reads the text of a file it checks ([`read_text`]): bounded, UTF-8 only.
//!
//! Globs are matched against the path relative to the folder of stackwarden.toml (or the
//! folder the check runs in, without one), with `/` separators. A glob without `/` matches any
//! single file or folder name on the way (`vendor`, `*.min.js`), as in `.gitignore`; one with
//! `/` matches the whole relative path (`test/**`, `src/generated/*.ts`), `*` staying within one
//! folder and `**` crossing them.

use std::path::{Component, Path, PathBuf};

use globset::{Glob, GlobBuilder, GlobMatcher};

use crate::config::Config;
use crate::finding::InputError;

/// A line this long is not written by hand: the file is a bundle or generated.
const GENERATED_LINE: usize = 5_000;
/// Lines this long on average are a minifier's output wrapped at a width, not code people write
/// (which averages well under 80).
const GENERATED_MEAN_LINE: usize = 200;
/// The module loaders bundlers put at the top of their output, as the bundlers write them:
/// browserify's `browser-pack` prelude (old and current), webpack's runtime bootstrap, Parcel's.
/// The browser builds of the AWS SDK v2 and the Cognito SDK are browserify bundles with short
/// lines, which the line-length tests miss.
const BUNDLER_PRELUDES: &[&str] = &[
    "(function e(t,n,r){function s(o,u){if(!n[o]){if(!t[o])",
    "(function(){function r(e,n,t){function o(i,f){if(!n[i]){if(!e[i])",
    "/******/ (() => { // webpackBootstrap",
    "/******/ (function(modules) { // webpackBootstrap",
    "parcelRequire=function(",
];
/// How much of a source file is read to decide that.
const SNIFF_BYTES: usize = 64 * 1024;

pub(crate) fn compile(glob: &str) -> Result<Glob, globset::Error> {
    GlobBuilder::new(glob).literal_separator(true).build()
}

struct Pattern {
    text: String,
    matcher: GlobMatcher,
    /// Matched against each name of the path rather than the whole path.
    by_name: bool,
}

impl Pattern {
    fn new(text: &str) -> Option<Self> {
        Some(Self {
            text: text.to_string(),
            matcher: compile(text).ok()?.compile_matcher(),
            by_name: !text.contains('/'),
        })
    }

    fn matches(&self, relative: &Path) -> bool {
        if self.by_name {
            relative
                .components()
                .any(|c| matches!(c, Component::Normal(name) if self.matcher.is_match(name)))
        } else {
            self.matcher.is_match(relative)
        }
    }
}

/// A configuration's file rules, compiled once per configuration.
pub struct FileRules {
    exclude: Vec<Pattern>,
    per_file: Vec<(Pattern, Vec<String>)>,
}

impl FileRules {
    pub fn new(config: &Config) -> Self {
        Self {
            exclude: config
                .exclude
                .iter()
                .filter_map(|g| Pattern::new(g))
                .collect(),
            per_file: config
                .per_file
                .iter()
                .filter_map(|(g, rules)| Some((Pattern::new(g)?, rules.clone())))
                .collect(),
        }
    }

    /// Why `relative` is not checked at all: the glob that excludes it.
    pub fn excluded(&self, relative: &Path) -> Option<String> {
        self.exclude
            .iter()
            .find(|p| p.matches(relative))
            .map(|p| format!("excluded by `{}` ([files] exclude)", p.text))
    }

    /// Whether `rule` is ignored for `relative` by a `[per-file]` entry.
    pub fn ignores(&self, relative: &Path, rule: &str) -> bool {
        self.per_file
            .iter()
            .any(|(p, rules)| rules.iter().any(|r| r == rule) && p.matches(relative))
    }
}

/// `a/./b/../c` → `a/c` without touching the file system: the path as the project spells it
/// (symlinks are not the concern). A `..` at the root stays at the root; one above a relative
/// path's start is kept.
pub fn lexical(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for part in path.components() {
        match part {
            Component::CurDir => {}
            Component::ParentDir => match out.components().next_back() {
                Some(Component::Normal(_)) => {
                    out.pop();
                }
                Some(Component::RootDir | Component::Prefix(_)) => {}
                _ => out.push(".."),
            },
            other => out.push(other),
        }
    }
    out
}

/// `path` relative to `root` (the folder of stackwarden.toml; the path as given without one),
/// for the globs above and the test-folder check. Only when one of the two is relative and the
/// other absolute are both taken from the working folder.
pub fn relative_to_root(path: &Path, root: Option<&Path>) -> PathBuf {
    let plain = |p: &Path| p.strip_prefix(".").unwrap_or(p).to_path_buf();
    let Some(root) = root else {
        return plain(path);
    };
    if let Ok(relative) = path.strip_prefix(root) {
        return relative.to_path_buf();
    }
    if path.is_absolute() != root.is_absolute() {
        if let Ok(cwd) = std::env::current_dir() {
            if let Ok(relative) = cwd.join(path).strip_prefix(cwd.join(root)) {
                return relative.to_path_buf();
            }
        }
    }
    plain(path)
}

/// Reads a file as UTF-8 text, refusing one over `max_bytes` before reading it. Each domain has
/// its own cap and its own reason for it, so `too_large` words that error from the file's size
/// in bytes. Text that is not UTF-8 is an error at the line of its first bad byte.
pub fn read_text(
    path: &Path,
    max_bytes: u64,
    too_large: impl FnOnce(u64) -> String,
) -> Result<String, InputError> {
    let error = |line: Option<u32>, message: String| InputError {
        path: path.to_path_buf(),
        line,
        column: None,
        message,
    };
    let size = std::fs::metadata(path)
        .map_err(|e| error(None, format!("cannot read: {e}")))?
        .len();
    if size > max_bytes {
        return Err(error(None, too_large(size)));
    }
    let bytes = std::fs::read(path).map_err(|e| error(None, format!("cannot read: {e}")))?;
    String::from_utf8(bytes).map_err(|e| {
        let valid = e.utf8_error().valid_up_to();
        let line = e.as_bytes()[..valid]
            .iter()
            .filter(|&&b| b == b'\n')
            .count()
            + 1;
        error(
            Some(u32::try_from(line).unwrap_or(u32::MAX)),
            format!("not valid UTF-8 (byte {valid}); save the file as UTF-8"),
        )
    })
}

/// Why a source file is not read as source, from its first 64 KB: a line of [`GENERATED_LINE`]
/// or more characters (minified bundles put whole libraries on one line), lines of
/// [`GENERATED_MEAN_LINE`] characters on average, or a bundler's module loader. A compiler's
/// inline source map (`//# sourceMappingURL=data:...`, one long line at the end of ordinary
/// compiled TypeScript) is not a sign of either.
pub fn generated_source(path: &Path) -> Option<String> {
    use std::io::Read;
    let mut head = Vec::new();
    std::fs::File::open(path)
        .ok()?
        .take(SNIFF_BYTES as u64)
        .read_to_end(&mut head)
        .ok()?;
    generated_text(&head)
}

fn generated_text(head: &[u8]) -> Option<String> {
    let lines: Vec<&[u8]> = head
        .split(|b| *b == b'\n')
        .filter(|line| !is_source_map_comment(line))
        .collect();
    let longest = lines.iter().map(|l| l.len()).max()?;
    if longest >= GENERATED_LINE {
        return Some(format!(
            "minified or generated (a line of {longest}+ characters)"
        ));
    }
    let written: Vec<&&[u8]> = lines.iter().filter(|l| !l.is_empty()).collect();
    // A few long lines are a table or a template literal; a minifier's output is all long lines.
    if written.len() >= 10 {
        let mean = written.iter().map(|l| l.len()).sum::<usize>() / written.len();
        if mean >= GENERATED_MEAN_LINE {
            return Some(format!("minified (lines of {mean} characters on average)"));
        }
    }
    let start = &head[..head.len().min(4096)];
    BUNDLER_PRELUDES
        .iter()
        .find(|prelude| {
            start
                .windows(prelude.len())
                .any(|window| window == prelude.as_bytes())
        })
        .map(|_| "a bundle (a bundler's module loader at its top)".to_string())
}

fn is_source_map_comment(line: &[u8]) -> bool {
    let line = line.trim_ascii_start();
    line.starts_with(b"//# sourceMappingURL=") || line.starts_with(b"//@ sourceMappingURL=")
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn paths_are_normalized_as_written() {
        let lexical = |p: &str| lexical(Path::new(p));
        assert_eq!(lexical("lib/../src/./x.ts"), PathBuf::from("src/x.ts"));
        assert_eq!(lexical("../a/../../b"), PathBuf::from("../../b"));
        assert_eq!(lexical("/../etc"), PathBuf::from("/etc"));
        assert_eq!(
            lexical("/work/p/.claude/../.claude/settings.json"),
            PathBuf::from("/work/p/.claude/settings.json")
        );
    }

    fn rules(exclude: &[&str], per_file: &[(&str, &[&str])]) -> FileRules {
        let config = Config {
            exclude: exclude.iter().map(|s| s.to_string()).collect(),
            per_file: per_file
                .iter()
                .map(|(g, r)| (g.to_string(), r.iter().map(|s| s.to_string()).collect()))
                .collect(),
            ..Config::default()
        };
        FileRules::new(&config)
    }

    #[test]
    fn read_text_caps_the_size_and_requires_utf8() {
        let dir = tempfile::tempdir().unwrap();
        let text = dir.path().join("ok.txt");
        std::fs::write(&text, "one\ntwo\n").unwrap();
        assert_eq!(
            read_text(&text, 8, |_| unreachable!()).unwrap(),
            "one\ntwo\n"
        );
        let error = read_text(&text, 7, |size| format!("{size} bytes is too many")).unwrap_err();
        assert_eq!(
            (error.line, error.message.as_str()),
            (None, "8 bytes is too many")
        );
        let latin1 = dir.path().join("latin1.txt");
        std::fs::write(&latin1, b"one\ntwo\ncaf\xe9\n").unwrap();
        let error = read_text(&latin1, 1024, |_| unreachable!()).unwrap_err();
        assert_eq!(error.line, Some(3));
        assert_eq!(
            error.message,
            "not valid UTF-8 (byte 11); save the file as UTF-8"
        );
        let missing = read_text(&dir.path().join("missing"), 1024, |_| unreachable!());
        assert!(missing.unwrap_err().message.starts_with("cannot read: "));
    }

    #[test]
    fn names_match_anywhere_and_paths_match_whole() {
        let rules = rules(
            &["*.min.js", "vendor", "src/generated/*.ts"],
            &[("test/**", &["code/missing-timeout"])],
        );
        assert!(rules
            .excluded(Path::new("web/static/jquery.min.js"))
            .is_some());
        assert!(rules.excluded(Path::new("lib/vendor/x.js")).is_some());
        assert!(rules.excluded(Path::new("src/generated/api.ts")).is_some());
        assert!(rules
            .excluded(Path::new("src/generated/deep/api.ts"))
            .is_none());
        assert!(rules.excluded(Path::new("src/vendors.ts")).is_none());
        assert!(rules.ignores(Path::new("test/unit/a.test.ts"), "code/missing-timeout"));
        assert!(!rules.ignores(Path::new("test/unit/a.test.ts"), "code/sdk-v2"));
        assert!(!rules.ignores(Path::new("src/a.ts"), "code/missing-timeout"));
    }

    #[test]
    fn the_defaults_skip_bundles_and_vendored_code() {
        let rules = FileRules::new(&Config::default());
        assert!(rules.excluded(Path::new("public/mermaid.min.js")).is_some());
        assert!(rules.excluded(Path::new("vendor/aws-sdk.js")).is_some());
        assert!(rules
            .excluded(Path::new("app/.aws-sam/build/template.yaml"))
            .is_some());
        assert!(rules.excluded(Path::new("src/handler.ts")).is_none());
    }

    #[test]
    fn bundles_are_known_by_their_lines_or_their_loader_and_compiled_code_is_not() {
        let handwritten = "import { S3Client } from '@aws-sdk/client-s3';\n\nexport const handler = async () => {\n  return 1;\n};\n".repeat(20);
        assert_eq!(generated_text(handwritten.as_bytes()), None);
        // Compiled TypeScript ends with an inline source map: one long line, not a bundle.
        let compiled = format!(
            "\"use strict\";\nObject.defineProperty(exports, \"__esModule\", {{ value: true }});\n//# sourceMappingURL=data:application/json;base64,{}\n",
            "A".repeat(9_000)
        );
        assert_eq!(generated_text(compiled.as_bytes()), None);
        let one_line = format!("!function(e){{{}}}", "x;".repeat(3_000));
        assert!(generated_text(one_line.as_bytes())
            .is_some_and(|why| why == "minified or generated (a line of 6014+ characters)"));
        let wrapped = format!(
            "{}\n",
            "var a=function(b){return b+1},c=[1,2,3].map(a);".repeat(5)
        )
        .repeat(12);
        assert!(generated_text(wrapped.as_bytes()).is_some_and(|why| why.contains("on average")));
        // The browser build of the AWS SDK v2: a browserify bundle of short lines.
        let browserify = "// AWS SDK for JavaScript v2.97.0\n(function e(t,n,r){function s(o,u){if(!n[o]){if(!t[o]){var a=typeof require==\"function\"&&require;}}}})\n";
        assert!(generated_text(browserify.as_bytes())
            .is_some_and(|why| why.contains("bundler's module loader")));
    }
}
