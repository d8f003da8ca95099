//! Running the template rules over one template file or one CDK cloud assembly: rule selection,
//! configured severities, `Metadata` suppressions, and the CDK stack and source location of each
//! finding.

use std::path::Path;

use stackwarden_core::suppression::{self, Problem, Scope, Suppression};
use stackwarden_core::{InputError, LineIndex, Node, Report};

use crate::cdk::{self, CdkStack};
use crate::context::{resolve_stage, TemplateContext};
use crate::load::MAX_FILE_BYTES;
use crate::rules::RULES;
use crate::template::Template;

/// The options every domain takes (stackwarden_core's), re-exported where this crate's callers
/// look for them.
pub use stackwarden_core::Options;

/// Reads and checks one file; a file that is not a template yields an empty report.
pub fn check_template_file(path: &Path, options: &Options<'_>) -> Report {
    let mut report = Report::default();
    let text = match read_text(path) {
        Ok(text) => text,
        Err(error) => {
            report.errors.push(error);
            return report;
        }
    };
    check_template_text(path, &text, None, options, &mut report);
    report
}

/// Checks template text already in memory (the edit hook's file, a fuzzer's input); `path` is
/// only used in findings. Text that is not a template yields an empty report.
pub fn check_template_source(path: &Path, text: &str, options: &Options<'_>) -> Report {
    let mut report = Report::default();
    check_template_text(path, text, None, options, &mut report);
    report
}

/// Checks every stack of a CDK cloud assembly.
pub fn check_assembly(dir: &Path, options: &Options<'_>) -> Report {
    let mut report = Report::default();
    let stacks = match cdk::read_assembly(dir) {
        Ok(stacks) => stacks,
        Err(error) => {
            report.errors.push(InputError {
                path: error.path,
                line: None,
                column: None,
                message: error.message,
            });
            return report;
        }
    };
    // Creation stacks of every stack point into the same few source files: read each once.
    let sources = cdk::SourceFiles::default();
    for stack in &stacks {
        match read_text(&stack.template_path) {
            Ok(text) => check_template_text(
                &stack.template_path,
                &text,
                Some((stack, &sources)),
                options,
                &mut report,
            ),
            Err(error) => report.errors.push(error),
        }
    }
    report
}

fn check_template_text(
    path: &Path,
    text: &str,
    stack: Option<(&CdkStack, &cdk::SourceFiles)>,
    options: &Options<'_>,
    report: &mut Report,
) {
    let (stack, sources) = match stack {
        Some((stack, sources)) => (Some(stack), Some(sources)),
        None => (None, None),
    };
    if path.file_name().is_some_and(|name| name == "cdk.json") {
        // Never a template; the app it describes may have no synth output, or a stale one.
        return crate::cdk_app::check(path, text, options, report);
    }
    let template = match Template::parse(text) {
        Ok(Some(template)) => template,
        Ok(None) if (stack.is_some() || is_template_name(path)) && is_empty_document(text) => {
            // Like a truncated template: CloudFormation rejects it, and a silent pass would
            // hide that the file lost its content.
            report.errors.push(InputError {
                path: path.to_path_buf(),
                line: Some(1),
                column: Some(1),
                message: "the template is empty (CloudFormation rejects it): write its `Resources`, or delete the file".into(),
            });
            return;
        }
        Ok(None) => return check_policy_document(path, text, options, report),
        Err(error) => {
            let at = LineIndex::new(text).position(text, error.span.start as usize);
            report
                .errors
                .push(InputError::at(path.to_path_buf(), Some(at), error.message));
            return;
        }
    };
    report.files += 1;
    // The model speaks in byte offsets; findings and errors in lines and columns.
    let lines = LineIndex::new(text);
    // Duplicate keys are not here: `cfn/duplicate-key` reports them as findings.
    for warning in &template.warnings {
        let at = lines.position(text, warning.span.start as usize);
        report.errors.push(InputError::at(
            path.to_path_buf(),
            Some(at),
            warning.message.clone(),
        ));
    }
    let context_stage = stack.and_then(|s| cdk_context_stage(&s.project_root));
    let stage = resolve_stage(
        options.config,
        options.stage,
        context_stage.as_deref(),
        stack.map(|s| s.name.as_str()),
        &template,
        stack.map(|s| s.tags.as_slice()).unwrap_or_default(),
    );
    let ctx = TemplateContext {
        path,
        text,
        lines: &lines,
        template: &template,
        config: options.config,
        stack,
        stage,
        today: options.today,
    };
    let mut findings = Vec::new();
    for rule in RULES.iter().filter(|r| options.filter.enabled(r.meta.id)) {
        (rule.check)(&ctx, &mut findings);
    }
    crate::policies::check(&ctx, options.filter, &mut findings);
    stackwarden_core::rule::configure(&mut findings, options.config, options.filter);
    let about_suppressions = suppression::apply(
        &mut findings,
        suppressions(&ctx),
        path,
        options,
        checks,
        describe,
    );
    findings.extend(about_suppressions);
    if let (Some(stack), Some(sources)) = (stack, sources) {
        for finding in &mut findings {
            finding.stack = Some(stack.name.clone());
            finding.source = finding
                .resource
                .as_deref()
                .and_then(|id| stack.source_of(id, sources));
        }
    }
    report.findings.extend(findings);
}

/// Named as templates are by convention: SAM's `template.yaml`, CDK's `X.template.json`, the
/// `.template` extension. Other YAML/JSON files that are empty are not templates, just empty.
fn is_template_name(path: &Path) -> bool {
    let Some(name) = path
        .file_name()
        .map(|n| n.to_string_lossy().to_ascii_lowercase())
    else {
        return false;
    };
    let stem = [".yaml", ".yml", ".json"]
        .iter()
        .find_map(|ext| name.strip_suffix(ext))
        .unwrap_or(&name);
    stem == "template" || stem.ends_with(".template") || name.ends_with(".template")
}

/// Nothing but white space and comments (an empty YAML document) or `null`, read as YAML, which
/// JSON is a part of. Not `{}`: CDK writes that for a stack with no resources, which `cdk deploy`
/// skips, so it is no mistake.
fn is_empty_document(text: &str) -> bool {
    crate::load::load(text, crate::load::Format::Yaml)
        .is_ok_and(|loaded| loaded.root.value == stackwarden_core::Value::Null)
}

/// `Metadata: {stackwarden: {ignore: [{rule: ..., reason: ...}]}}` on each resource; an entry
/// that is a plain string names its rule and gives no reason.
fn suppressions(ctx: &TemplateContext<'_>) -> Vec<Suppression> {
    let mut found = Vec::new();
    for resource in ctx.template.resources() {
        let Some(entries) = resource
            .metadata()
            .and_then(|m| m.path(&["stackwarden", "ignore"]))
        else {
            continue;
        };
        for entry in entries.one_or_many() {
            let (rule, reason) = match entry.as_str() {
                Some(rule) => (Some(rule.to_string()), None),
                None => (
                    entry.get("rule").and_then(Node::as_str).map(str::to_string),
                    entry
                        .get("reason")
                        .and_then(Node::as_str)
                        .map(str::trim)
                        .filter(|r| !r.is_empty())
                        .map(str::to_string),
                ),
            };
            found.push(Suppression::new(
                rule.into_iter().collect(),
                reason,
                Scope::Resource(resource.id.to_string()),
                ctx.location(entry.span),
            ));
        }
    }
    found
}

/// Whether the rules run over a template check `id`: the template rules and the IAM rules of
/// its policies. Another domain's rule named in `Metadata` (the permission rules judge a
/// function's role from its code) is not this pass's to call unused.
fn checks(id: &str) -> bool {
    RULES.iter().any(|r| r.meta.id == id) || stackwarden_iam::all_metas().any(|m| m.id == id)
}

/// The message and help about a `Metadata` entry: said of its resource, fixed in the entry.
fn describe(entry: &Suppression, problem: Problem<'_>) -> (String, String) {
    let resource = match &entry.scope {
        Scope::Resource(id) => id.as_str(),
        // Template entries are always written on a resource.
        Scope::Lines { .. } => "",
    };
    match problem {
        Problem::NoRule => (
            format!("suppression on `{resource}` names no rule"),
            "write each entry as {rule: RULE_ID, reason: \"why this is acceptable\"}".to_string(),
        ),
        Problem::NoReason { rules } => (
            format!(
                "suppression of {rules} on `{resource}` gives no reason, so it suppresses nothing"
            ),
            format!("add reason: \"why {rules} does not apply here\" to the entry"),
        ),
        Problem::UnknownRule { rule } => (
            format!("suppression on `{resource}` names {rule}, which is not a stackwarden rule"),
            "fix the rule id (`stackwarden rules` lists them) or delete the entry".to_string(),
        ),
        Problem::Unused { rules } => (
            format!("suppression of {rules} on `{resource}` suppresses nothing"),
            "delete the entry: the rule no longer fires on this resource".to_string(),
        ),
    }
}

/// `context.stage` in the app's cdk.json (what `-c stage=...` overrides at synth time).
fn cdk_context_stage(project_root: &Path) -> Option<String> {
    crate::cdk_app::CdkJson::read(project_root)?
        .root
        .path(&["context", "stage"])?
        .as_str()
        .map(str::to_string)
}

/// Reads a template as UTF-8 text, refusing one over the loader's cap before reading it.
pub fn read_text(path: &Path) -> Result<String, InputError> {
    stackwarden_core::files::read_text(path, MAX_FILE_BYTES as u64, |size| {
        format!(
            "file is {:.1} MB; stackwarden reads at most {} MB (CloudFormation accepts templates up to 1 MB)",
            size as f64 / 1_048_576.0,
            MAX_FILE_BYTES / 1_048_576
        )
    })
}

/// For a `.json` file named on the command line that yielded nothing to check: the error when
/// its text is not JSON (with the parser's line and column), since naming a file asks for it to
/// be checked and plain text cannot be. A YAML template in a `.json` file is a template
/// (CloudFormation reads either format whatever the name), and valid JSON that is neither a
/// template nor a policy document is simply not ours. A walked `.json` file is never judged
/// this way: JSON with comments (`tsconfig.json`), Git LFS pointers and test data are routine
/// in a project and none of stackwarden's business.
pub fn named_json_error(path: &Path) -> Option<InputError> {
    if !path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("json"))
    {
        return None;
    }
    let text = match read_text(path) {
        Ok(text) => text,
        Err(error) => return Some(error),
    };
    let error = crate::load::load(&text, crate::load::Format::Json).err()?;
    if matches!(Template::parse(&text), Ok(Some(_))) {
        return None;
    }
    let at = LineIndex::new(&text).position(&text, error.span.start as usize);
    Some(InputError::at(
        path.to_path_buf(),
        Some(at),
        format!(
            "not JSON ({}); a .json file named on the command line must hold a CloudFormation template or an IAM policy document",
            error.message
        ),
    ))
}

/// A standalone IAM policy document: a JSON file whose root has `Version` and `Statement`.
fn check_policy_document(path: &Path, text: &str, options: &Options<'_>, report: &mut Report) {
    if !path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("json"))
    {
        return;
    }
    match crate::policies::check_policy_text(path, text, options.config, options.filter, false) {
        Ok(Some(findings)) => {
            report.files += 1;
            report.findings.extend(findings);
        }
        Ok(None) => {}
        Err(error) => report.errors.push(error),
    }
}
