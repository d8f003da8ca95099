//! Checking one input: which domain crate's rules see which kind of file. Shared by `check`
//! (every input of a walk) and `hook` (the one file the agent has just written), so the edit
//! feedback an agent gets is exactly what CI would say about that file.

use std::path::Path;

use stackwarden_core::config::Config;
use stackwarden_core::discover::{Input, InputKind};
use stackwarden_core::{Report, RuleFilter};

/// Everything a check of one input depends on besides the input itself.
pub(crate) struct Options<'a> {
    pub(crate) config: &'a Config,
    pub(crate) filter: &'a RuleFilter,
    /// `--stage`, overriding every other source of a template's stage.
    pub(crate) stage: Option<&'a str>,
    /// `YYYY-MM-DD`, for runtime deprecation dates.
    pub(crate) today: &'a str,
    /// Every rule id the tool knows, so a suppression naming none is reported.
    pub(crate) known_rules: &'a [&'a str],
}

/// Whether `check` has anything to say about inputs of this kind.
pub(crate) fn is_checked(kind: InputKind) -> bool {
    matches!(
        kind,
        InputKind::TemplateCandidate
            | InputKind::CdkAssembly
            | InputKind::Source
            | InputKind::PackageJson
            | InputKind::ClaudeSettings
            | InputKind::Other
    )
}

/// Every rule that applies to `input`, run once.
pub(crate) fn check_input(input: &Input, options: &Options<'_>) -> Report {
    let path = input.path.as_path();
    let cfn = stackwarden_cfn::Options {
        config: options.config,
        filter: options.filter,
        stage: options.stage,
        today: options.today,
        known_rules: options.known_rules,
    };
    let code = stackwarden_code::Options {
        config: options.config,
        filter: options.filter,
        known_rules: options.known_rules,
    };
    let agent = stackwarden_agent::Options {
        config: options.config,
        filter: options.filter,
        known_rules: options.known_rules,
    };
    let mut report = match input.kind {
        // A cloud assembly is a folder of generated templates: the template rules (including
        // `secret/credentials-in-env`) see them; the raw key scan runs on the source they came from.
        InputKind::CdkAssembly => return stackwarden_cfn::check_assembly(path, &cfn),
        InputKind::Source => stackwarden_code::check_source_file(path, &code),
        InputKind::PackageJson => stackwarden_code::check_package_json(path, &code),
        InputKind::TemplateCandidate => stackwarden_cfn::check_template_file(path, &cfn),
        InputKind::ClaudeSettings => stackwarden_agent::check_settings_file(path, &agent),
        InputKind::Other => Report::default(),
    };
    // Every text file is scanned for access keys, whatever else it is.
    let secrets = stackwarden_secret::check_file(
        path,
        &stackwarden_secret::Options {
            config: options.config,
            filter: options.filter,
            known_rules: options.known_rules,
        },
    );
    merge(&mut report, secrets);
    report
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
pub(crate) fn check_file(path: &Path, options: &Options<'_>) -> Report {
    let input = Input {
        path: path.to_path_buf(),
        kind: stackwarden_core::discover::classify(path),
    };
    check_input(&input, options)
}
