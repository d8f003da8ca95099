//! The check engine: which domain crate's rules see which kind of file. Shared by `check` (every
//! input of a walk) and the edit hook (the one file the agent has just written, [`crate::edit`]),
//! so the edit feedback an agent gets is exactly what CI would say about that file. The hook
//! calls it directly: the layers point one way (see the crate docs).

use std::path::Path;

use stackwarden_core::config::Config;
use stackwarden_core::discover::{Input, InputKind};
use stackwarden_core::{InputError, Report, RuleFilter};

/// Everything a check of one input depends on besides the input itself: the one options type
/// every domain crate takes, passed on as it is.
pub use stackwarden_core::Options;

/// Every rule that applies to `input`, run once, with what rendering its findings needs: the
/// source lines they point at and, for a cloud assembly, the file that creates its app. Every
/// text file is also scanned for access keys; a template or source file is read once for all of
/// it.
pub fn check_input(input: &Input, options: &Options<'_>) -> Report {
    let (mut report, text) = check_input_text(input, options);
    attach_excerpts(&mut report, &input.path, text.as_deref());
    if input.kind == InputKind::CdkAssembly {
        attach_app_entry(&mut report, &input.path);
    }
    report
}

/// The app entry of the cloud assembly at `assembly`, from the cdk.json of the project it was
/// synthesized from (the assembly's parent folder); none for an app whose command names no
/// JavaScript or TypeScript file.
fn attach_app_entry(report: &mut Report, assembly: &Path) {
    let Some(project) = assembly.parent() else {
        return;
    };
    let entry = stackwarden_cfn::CdkJson::read(project)
        .and_then(|cdk_json| cdk_json.app_entry().map(|entry| project.join(entry)));
    if let Some(entry) = entry {
        report.app_entries.insert(assembly.to_path_buf(), entry);
    }
}

/// The report, and the text of the input when the rules read it as text.
fn check_input_text(input: &Input, options: &Options<'_>) -> (Report, Option<String>) {
    let path = input.path.as_path();
    let mut report = match input.kind {
        // A cloud assembly is a folder of generated templates: the template rules (including
        // `secret/credentials-in-env`) see them; the raw key scan runs on the source they came from.
        // The permission rules read the handlers the assembly's functions were built from.
        InputKind::CdkAssembly => {
            let mut report = stackwarden_cfn::check_assembly(path, options);
            let permissions =
                stackwarden_permissions::check_assembly(path, options.config, options.filter);
            report.findings.extend(permissions.report.findings);
            report.errors.extend(permissions.report.errors);
            if options.verbose {
                report.notes.extend(permissions.notes);
            }
            return (report, None);
        }
        InputKind::TemplateCandidate => {
            return with_text(path, stackwarden_cfn::read_text(path), options, |text| {
                stackwarden_cfn::check_template_source(path, text, options)
            })
        }
        InputKind::Source if !stackwarden_code::is_skipped(path) => {
            return with_text(path, stackwarden_code::read_source(path), options, |text| {
                let mut report = Report::default();
                stackwarden_code::check_source_text(path, text, options, &mut report);
                report
            })
        }
        InputKind::Source | InputKind::Other => Report::default(),
        InputKind::PackageJson => stackwarden_code::check_package_json(path, options),
        InputKind::ClaudeSettings => crate::check_settings_file(path, options),
    };
    merge(&mut report, stackwarden_secret::check_file(path, options));
    (report, None)
}

/// Runs `check` and the key scan on text read once. When the rules cannot read the file (not
/// UTF-8, over their size cap) the key scan still reads it its own way: lossily, up to its cap.
fn with_text(
    path: &Path,
    read: Result<String, InputError>,
    options: &Options<'_>,
    check: impl FnOnce(&str) -> Report,
) -> (Report, Option<String>) {
    match read {
        Ok(text) => {
            let mut report = check(&text);
            merge(
                &mut report,
                stackwarden_secret::check_text(path, &text, options),
            );
            (report, Some(text))
        }
        Err(error) => {
            let mut report = Report {
                errors: vec![error],
                ..Report::default()
            };
            merge(&mut report, stackwarden_secret::check_file(path, options));
            (report, None)
        }
    }
}

/// Keeps the lines the findings point at: from `text` for the input itself, read once per other
/// file (the templates of a cloud assembly, a package.json). A file that cannot be read again
/// gets frames without source, as before.
pub fn attach_excerpts(report: &mut Report, input: &Path, text: Option<&str>) {
    let mut paths: Vec<&Path> = report.findings.iter().map(|f| f.path.as_path()).collect();
    paths.sort();
    paths.dedup();
    let mut excerpts = stackwarden_core::Excerpts::default();
    for path in paths {
        let read;
        let text = match text {
            Some(text) if path == input => text,
            _ => match std::fs::read_to_string(path) {
                Ok(t) => {
                    read = t;
                    &read
                }
                Err(_) => continue,
            },
        };
        let masked = stackwarden_secret::mask_text(text);
        excerpts.take(path, &masked, &report.findings, |line| {
            stackwarden_secret::mask_line(line).into_owned()
        });
    }
    report.excerpts.extend(excerpts);
}

/// Adds the key scan's report of a file to the other rules' report of the same file: one file,
/// counted once, and one read error (the scanner's) only when the other rules had none.
fn merge(report: &mut Report, secrets: Report) {
    report.findings.extend(secrets.findings);
    if report.errors.is_empty() {
        report.errors.extend(secrets.errors);
    }
    report.files = report.files.max(secrets.files);
}

/// One file as the edit hook sees it: classified by name like the walk does, with the
/// project's configuration.
pub fn check_file(path: &Path, options: &Options<'_>) -> Report {
    let input = Input {
        path: path.to_path_buf(),
        kind: stackwarden_core::discover::classify(path),
    };
    // The edit hook answers with one line per finding: no code frames, no fingerprints, so no
    // excerpts (masking the file again would only cost the hook time).
    check_input_text(&input, options).0
}

/// `iam/missing-permission` for a handler or stack file the agent has just written, when the
/// project has a synthesized `cdk.out` beside its configuration (or above the file): the
/// findings on the edited file itself (a handler) or created by it (a stack), so the missing
/// grant is reported when the call is written. The handler is read as it is now; a stack's
/// grants are those of the last synth.
pub fn missing_permissions_for_edit(
    path: &Path,
    config: &Config,
) -> Vec<stackwarden_core::Finding> {
    let is_code = matches!(
        path.extension().and_then(|e| e.to_str()),
        Some("ts" | "mts" | "cts" | "js" | "mjs" | "cjs")
    );
    if !is_code || stackwarden_code::is_skipped(path) {
        return Vec::new();
    }
    let assembly = config
        .root()
        .map(|r| r.join("cdk.out"))
        .filter(|a| a.join("manifest.json").is_file())
        .or_else(|| {
            path.ancestors()
                .skip(1)
                .map(|d| d.join("cdk.out"))
                .find(|a| a.join("manifest.json").is_file())
        });
    let Some(assembly) = assembly else {
        return Vec::new();
    };
    let filter = RuleFilter {
        select: vec!["iam/missing-permission".to_string()],
        ignore: Vec::new(),
    };
    let same = |other: &Path| {
        other == path
            || other
                .canonicalize()
                .ok()
                .is_some_and(|o| path.canonicalize().ok().as_ref() == Some(&o))
    };
    stackwarden_permissions::check_assembly(&assembly, config, &filter)
        .report
        .findings
        .into_iter()
        .filter(|f| same(&f.path) || f.source.as_ref().is_some_and(|s| same(&s.path)))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check_assembly_of(app: &str) -> Report {
        let dir = tempfile::tempdir().expect("tmp");
        let out = dir.path().join("cdk.out");
        std::fs::create_dir_all(&out).expect("mkdir");
        std::fs::write(dir.path().join("cdk.json"), app).expect("write");
        std::fs::write(
            out.join("manifest.json"),
            r#"{"artifacts": {"dev-shop": {"type": "aws:cloudformation:stack",
                "properties": {"templateFile": "dev-shop.template.json"}}}}"#,
        )
        .expect("write");
        std::fs::write(out.join("dev-shop.template.json"), r#"{"Resources": {}}"#).expect("write");
        let config = Config::default();
        let filter = RuleFilter::default();
        let mut report = check_input(
            &Input {
                path: out.clone(),
                kind: InputKind::CdkAssembly,
            },
            &Options {
                config: &config,
                filter: &filter,
                stage: None,
                today: "2026-01-01",
                known_rules: &[],
                verbose: false,
            },
        );
        // Relative to the project, so the temporary folder's name does not matter.
        report.app_entries = std::mem::take(&mut report.app_entries)
            .into_iter()
            .map(|(assembly, entry)| {
                let inside = |p: &Path| p.strip_prefix(dir.path()).expect("inside").to_path_buf();
                (inside(&assembly), inside(&entry))
            })
            .collect();
        report
    }

    #[test]
    fn a_cloud_assembly_report_names_the_file_that_creates_its_app() {
        let report = check_assembly_of(r#"{"app": "npx ts-node --prefer-ts-exts bin/shop.ts"}"#);
        assert_eq!(report.files, 1);
        assert_eq!(
            report.app_entries.into_iter().collect::<Vec<_>>(),
            [("cdk.out".into(), "bin/shop.ts".into())]
        );
        // A Python app has no JavaScript entry to name.
        assert!(check_assembly_of(r#"{"app": "python3 app.py"}"#)
            .app_entries
            .is_empty());
    }
}
