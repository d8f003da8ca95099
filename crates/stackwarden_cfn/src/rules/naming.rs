use regex::Regex;
use stackwarden_core::{Finding, Node, RuleMeta, Severity, Value};

use crate::context::TemplateContext;

pub(crate) const META: RuleMeta = RuleMeta {
    id: "cfn/naming",
    severity: Severity::Warn,
    summary: "physical name that breaks the [naming] patterns",
    docs: r#"## What it does
Checks explicit physical names against `[naming]` in stackwarden.toml: `BucketName` against
`naming.bucket` (default `{account}-{stage}-*`), `RoleName` against `naming.role` (default
`{function}-execution-role`), and table, function, queue, topic, state machine and event bus names
against `naming.resource` (default `{stage}-*`). `*` and the placeholders `{stack}`, `{purpose}`,
`{function}` stand for kebab-case words; `{stage}` and `{account}` stand for the template's stage and
account when known. In an `Fn::Sub`, each `${...}` counts as a matching word. Generated names (no
name property) are not checked, and neither are the names CDK generates and writes into the
template: `PhysicalName.GENERATE_IF_NEEDED` names (what a construct used across stacks,
accounts or regions gets: the stack name's first 25 characters, the construct's unique id and a
12-character hash, in lower case) and the CDK bootstrap resources' names
(`cdk-hnb659fds-deploy-role-<account>-<region>`).

## Why
Predictable names make IAM scoping (`arn:...:table/prod-*`), dashboards and clean-up possible, and
keep stages from colliding in one account.

Precision: 75% on the classified real-world sample of bench/PRECISION.md, judged under the default
naming policy (12 true, 4 debatable, no false: role names of the `{function}-execution-role` shape
with a `-${AWS::Region}` suffix). A warning for that reason.

## Example
```yaml
Reports:
  Type: AWS::S3::Bucket
  Properties:
    BucketName: ReportsBucket
```

## Fix
`BucketName: !Sub ${AWS::AccountId}-prod-reports` — or omit the name and let CloudFormation
generate one.
"#,
};

/// (resource type, name property, which pattern applies)
const NAMED: &[(&str, &str, Pattern)] = &[
    ("AWS::S3::Bucket", "BucketName", Pattern::Bucket),
    ("AWS::IAM::Role", "RoleName", Pattern::Role),
    ("AWS::DynamoDB::Table", "TableName", Pattern::Resource),
    ("AWS::Lambda::Function", "FunctionName", Pattern::Resource),
    (
        "AWS::Serverless::Function",
        "FunctionName",
        Pattern::Resource,
    ),
    ("AWS::SQS::Queue", "QueueName", Pattern::Resource),
    ("AWS::SNS::Topic", "TopicName", Pattern::Resource),
    (
        "AWS::StepFunctions::StateMachine",
        "StateMachineName",
        Pattern::Resource,
    ),
    ("AWS::Events::EventBus", "Name", Pattern::Resource),
];

#[derive(Clone, Copy, PartialEq, Eq)]
enum Pattern {
    Bucket,
    Role,
    Resource,
}

const WORDS: &str = "[a-z0-9]+(?:-[a-z0-9]+)*";
/// What a `${...}` of an `Fn::Sub` becomes before matching: one neutral kebab word.
const PLACEHOLDER: &str = "x0";

pub(crate) fn check(ctx: &TemplateContext<'_>, out: &mut Vec<Finding>) {
    // A pattern depends on the template (its stage and account), not on the resource: compiled
    // once per template and kind (a regex build per named resource was 4.5% of a corpus run).
    let mut compiled: Vec<((Pattern, bool), Option<Regex>)> = Vec::new();
    for resource in ctx.template.resources() {
        let Some(&(_, property, which)) = NAMED.iter().find(|(t, _, _)| *t == resource.type_name())
        else {
            continue;
        };
        let Some(node) = resource.property(property) else {
            continue;
        };
        let Some((name, templated)) = name_text(node) else {
            continue;
        };
        if !templated && cdk_generated(ctx, &name) {
            continue;
        }
        let pattern = match which {
            Pattern::Bucket => &ctx.config.naming.bucket,
            Pattern::Role => &ctx.config.naming.role,
            Pattern::Resource => &ctx.config.naming.resource,
        };
        let index = match compiled.iter().position(|(k, _)| *k == (which, templated)) {
            Some(index) => index,
            None => {
                compiled.push(((which, templated), compile(ctx, pattern, templated)));
                compiled.len() - 1
            }
        };
        let Some(matcher) = &compiled[index].1 else {
            continue;
        };
        // FIFO queues and topics must end in `.fifo`; the pattern is about the rest.
        let bare = name.strip_suffix(".fifo").unwrap_or(&name);
        if matcher.is_match(bare) {
            continue;
        }
        let key = match which {
            Pattern::Bucket => "naming.bucket",
            Pattern::Role => "naming.role",
            Pattern::Resource => "naming.resource",
        };
        let shown = name.replace(PLACEHOLDER, "${...}");
        out.push(ctx.finding(
            &META,
            resource.id,
            node.span,
            format!("{property} `{shown}` of `{}` does not match {key} `{pattern}`", resource.id),
            format!("rename it to the form `{}` (lower-case kebab-case), or omit {property} and let CloudFormation generate the name", example(ctx, pattern)),
        ));
    }
}

/// A name the CDK wrote rather than the user: a bootstrap resource's, or one of
/// `PhysicalName.GENERATE_IF_NEEDED` (aws-cdk-lib core/lib/private/physical-name-generator:
/// `lower(stackName[..25] + uniqueId[-24..] + sha256(...)[..12])`, where the unique id itself
/// ends in an 8-character hash).
fn cdk_generated(ctx: &TemplateContext<'_>, name: &str) -> bool {
    if !crate::aws_owned::bootstrap_names(name).is_empty() {
        return true;
    }
    let Some(stack) = ctx.stack else {
        return false;
    };
    let prefix: String = stack
        .name
        .chars()
        .take(25)
        .collect::<String>()
        .to_lowercase();
    let Some(rest) = name.strip_prefix(&prefix) else {
        return false;
    };
    const HASHES: usize = 8 + 12;
    (HASHES + 1..=24 + 12).contains(&rest.len())
        && rest
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
        && rest.as_bytes()[rest.len() - HASHES..]
            .iter()
            .all(|b| b.is_ascii_hexdigit())
}

/// The name as text: a literal, or an `Fn::Sub` template with its placeholders neutralised.
fn name_text(node: &Node) -> Option<(String, bool)> {
    if let Some(text) = node.as_str() {
        return Some((text.to_string(), false));
    }
    let intrinsic = node.as_intrinsic().filter(|i| i.name == "Fn::Sub")?;
    let template = match &intrinsic.arg.value {
        Value::Seq(items) => items.first()?.as_str()?,
        _ => intrinsic.arg.as_str()?,
    };
    let mut text = String::new();
    let mut rest = template;
    while let Some(start) = rest.find("${") {
        text.push_str(&rest[..start]);
        let end = rest[start..].find('}')? + start;
        text.push_str(PLACEHOLDER);
        rest = &rest[end + 1..];
    }
    text.push_str(rest);
    Some((text, true))
}

fn compile(ctx: &TemplateContext<'_>, pattern: &str, templated: bool) -> Option<Regex> {
    let stage = ctx.stage.as_ref().map(|s| s.name.to_ascii_lowercase());
    let account = ctx.stack_account().map(str::to_string).or_else(|| {
        stage
            .as_ref()
            .and_then(|s| ctx.config.accounts.get(s).cloned())
    });
    let mut regex = String::from("^");
    let mut rest = pattern;
    while !rest.is_empty() {
        if let Some(after) = rest.strip_prefix('{') {
            let end = after.find('}')?;
            let placeholder = &after[..end];
            let known = match placeholder {
                "stage" => stage.clone(),
                "account" => account.clone(),
                _ => None,
            };
            let alternative = match (placeholder, known) {
                (_, Some(value)) if !templated => regex::escape(&value),
                ("account", _) => format!("(?:[0-9]{{12}}|{PLACEHOLDER})"),
                _ => WORDS.to_string(),
            };
            regex.push_str(&format!("(?:{alternative})"));
            rest = &after[end + 1..];
        } else if let Some(after) = rest.strip_prefix('*') {
            regex.push_str(WORDS);
            rest = after;
        } else {
            let next = rest.find(['{', '*']).unwrap_or(rest.len());
            regex.push_str(&regex::escape(&rest[..next]));
            rest = &rest[next..];
        }
    }
    regex.push('$');
    Regex::new(&regex).ok()
}

/// The pattern with what is known filled in, for the help text.
fn example(ctx: &TemplateContext<'_>, pattern: &str) -> String {
    let mut text = pattern.replace('*', "purpose");
    if let Some(stage) = &ctx.stage {
        text = text.replace("{stage}", &stage.name.to_ascii_lowercase());
        if let Some(account) = ctx
            .stack_account()
            .map(str::to_string)
            .or_else(|| ctx.config.accounts.get(&stage.name).cloned())
        {
            text = text.replace("{account}", &account);
        }
    }
    text
}
