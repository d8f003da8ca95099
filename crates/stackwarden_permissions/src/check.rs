//! Runs the permission rules over every function of a CDK cloud assembly.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};

use stackwarden_cfn::cdk::{read_assembly, CdkStack};
use stackwarden_cfn::Template;
use stackwarden_code::calls::handler_calls;
use stackwarden_code::cdk_source::{cdk_source, CdkSource};
use stackwarden_core::config::Config;
use stackwarden_core::{Finding, InputError, Report, RuleFilter, SourceLocation};
use stackwarden_iam::pattern;

use crate::functions::{functions, Function};
use crate::grants::{arn_attribute, grant_for};
use crate::needs::{needs, Need, Needs};
use crate::role::{role_policies, Origin, RolePolicies, Target};
use crate::rules::{missing_permission, unused_permission};

/// What the rules found, and what they could not judge (for `--verbose`).
#[derive(Debug, Default)]
pub struct Outcome {
    pub report: Report,
    /// One line per function not judged, or judged in part, with why.
    pub notes: Vec<String>,
}

/// Actions the Lambda service uses with the function's role on its behalf, by what enables them.
const ALWAYS_USED: &[&str] = &[
    "logs:CreateLogGroup",
    "logs:CreateLogStream",
    "logs:PutLogEvents",
];
const TRACING: &[&str] = &["xray:PutTraceSegments", "xray:PutTelemetryRecords"];
const VPC: &[&str] = &[
    "ec2:CreateNetworkInterface",
    "ec2:DescribeNetworkInterfaces",
    "ec2:DescribeSubnets",
    "ec2:DeleteNetworkInterface",
    "ec2:AssignPrivateIpAddresses",
    "ec2:UnassignPrivateIpAddresses",
];
/// The poller of an event source mapping reads with the function's role (Lambda developer guide,
/// "Execution role permissions" of each event source).
const EVENT_SOURCES: &[(&str, &[&str])] = &[
    (
        ":sqs:",
        &[
            "sqs:ReceiveMessage",
            "sqs:DeleteMessage",
            "sqs:GetQueueAttributes",
            "sqs:ChangeMessageVisibility",
        ],
    ),
    (
        ":dynamodb:",
        &[
            "dynamodb:DescribeStream",
            "dynamodb:GetRecords",
            "dynamodb:GetShardIterator",
            "dynamodb:ListStreams",
        ],
    ),
    (
        ":kinesis:",
        &[
            "kinesis:DescribeStream",
            "kinesis:DescribeStreamSummary",
            "kinesis:GetRecords",
            "kinesis:GetShardIterator",
            "kinesis:ListShards",
            "kinesis:ListStreams",
            "kinesis:SubscribeToShard",
        ],
    ),
];
const DEAD_LETTER: &[&str] = &["sqs:SendMessage", "sns:Publish"];

pub fn check_assembly(dir: &Path, config: &Config, filter: &RuleFilter) -> Outcome {
    let mut outcome = Outcome::default();
    if !filter.enabled(missing_permission::META.id) && !filter.enabled(unused_permission::META.id) {
        return outcome;
    }
    let stacks = match read_assembly(dir) {
        Ok(stacks) => stacks,
        Err(error) => {
            outcome.report.errors.push(InputError {
                path: error.path,
                line: None,
                column: None,
                message: error.message,
            });
            return outcome;
        }
    };
    let sources = SourceCache::default();
    for stack in &stacks {
        let Ok(text) = std::fs::read_to_string(&stack.template_path) else {
            continue; // the template rules report an unreadable template
        };
        let Ok(Some(template)) = Template::parse(&text) else {
            continue;
        };
        check_stack(&template, stack, &sources, config, filter, &mut outcome);
    }
    outcome
}

struct Judged {
    function: Function,
    needs: Option<Needs>,
    policies: Option<RolePolicies>,
}

fn check_stack(
    template: &Template,
    stack: &CdkStack,
    sources: &SourceCache,
    config: &Config,
    filter: &RuleFilter,
    outcome: &mut Outcome,
) {
    let mut judged = Vec::new();
    for function in functions(template, Some(stack), &sources.positions) {
        let label = format!("{}: function `{}`", stack.name, function.path);
        let needs = match &function.handler {
            Ok(path) => match handler_calls(path, config) {
                Ok(calls) => Some(needs(&calls, &function.environment)),
                Err(error) => {
                    outcome.notes.push(format!(
                        "{label}: not judged: {}: {}",
                        error.path.display(),
                        error.message
                    ));
                    None
                }
            },
            Err(why) => {
                outcome.notes.push(format!(
                    "{label}: not judged: the handler is not known: {why}"
                ));
                None
            }
        };
        let policies = match &function.role {
            Some(role) => Some(role_policies(template, role)),
            None => {
                outcome.notes.push(format!(
                    "{label}: not judged: its role is not a resource of this template"
                ));
                None
            }
        };
        if let (Some(needs), Some(_)) = (&needs, &policies) {
            let mut actions: Vec<&str> = needs.needs.iter().map(|n| n.action.as_str()).collect();
            actions.sort_unstable();
            actions.dedup();
            outcome.notes.push(format!(
                "{label}: judged: {} calls needing {}",
                needs.needs.len(),
                if actions.is_empty() {
                    "no action".to_string()
                } else {
                    actions.join(", ")
                }
            ));
        }
        if let Some(needs) = &needs {
            for line in &needs.unresolved {
                outcome.notes.push(format!("{label}: in part: {line}"));
            }
        }
        if let Some(policies) = &policies {
            for arn in &policies.unresolved {
                outcome.notes.push(format!(
                    "{label}: missing permissions not judged: managed policy {arn} is not embedded"
                ));
            }
        }
        judged.push(Judged {
            function,
            needs,
            policies,
        });
    }

    if filter.enabled(missing_permission::META.id) {
        if let Some(severity) = stackwarden_core::rule::level(
            missing_permission::META.id,
            missing_permission::META.severity,
            config,
            filter,
        ) {
            for j in &judged {
                let (Some(needs), Some(policies)) = (&j.needs, &j.policies) else {
                    continue;
                };
                if !policies.unresolved.is_empty() {
                    continue;
                }
                let mut seen = BTreeSet::new();
                for need in &needs.needs {
                    if allowed(policies, need) {
                        continue;
                    }
                    if !seen.insert((
                        need.path.clone(),
                        need.line,
                        need.action.clone(),
                        format!("{:?}", need.target),
                    )) {
                        continue;
                    }
                    outcome
                        .report
                        .findings
                        .push(missing_finding(template, stack, sources, j, need, severity));
                }
            }
        }
    }
    if filter.enabled(unused_permission::META.id) {
        if let Some(severity) = stackwarden_core::rule::level(
            unused_permission::META.id,
            unused_permission::META.severity,
            config,
            filter,
        ) {
            unused(template, stack, sources, &judged, severity, outcome);
        }
    }
}

fn allowed(policies: &RolePolicies, need: &Need) -> bool {
    let denied = policies.statements.iter().any(|s| {
        !s.allow
            && !s.conditional
            && s.allows_action(&need.action)
            && s.resources.contains(&crate::role::Res::Any)
    });
    !denied
        && policies
            .statements
            .iter()
            .any(|s| s.allow && s.allows_action(&need.action) && s.may_cover(&need.target))
}

fn describe_target(template: &Template, need: &Need) -> String {
    let named = need
        .named_by
        .as_deref()
        .map(|n| format!(" ({n})"))
        .unwrap_or_default();
    match &need.target {
        Target::Resource { id, child } => {
            let type_name = template.resource(id).map_or("", |r| r.type_name());
            let kind = type_name
                .rsplit("::")
                .next()
                .unwrap_or("resource")
                .to_ascii_lowercase();
            let below = if *child {
                if type_name == "AWS::S3::Bucket" {
                    "the objects of "
                } else {
                    "the indexes of "
                }
            } else {
                ""
            };
            format!("{below}the {kind} `{id}`{named}")
        }
        Target::Name(name) => format!("`{name}`{named}"),
        Target::Unknown => format!("any resource{named}"),
    }
}

/// The CDK source of an assembly's stacks, each file read and parsed once: what constructs
/// and statements say, and whether creation-trace positions still fit the files.
#[derive(Default)]
struct SourceCache {
    files: std::cell::RefCell<HashMap<PathBuf, Option<std::rc::Rc<CdkSource>>>>,
    positions: stackwarden_cfn::cdk::SourceFiles,
}

impl SourceCache {
    /// Where `logical_id` of `stack` was created in the CDK source.
    fn location(&self, stack: &CdkStack, logical_id: &str) -> Option<SourceLocation> {
        stack.source_of(logical_id, &self.positions)
    }

    fn get(&self, path: &Path) -> Option<std::rc::Rc<CdkSource>> {
        self.files
            .borrow_mut()
            .entry(path.to_path_buf())
            .or_insert_with(|| cdk_source(path).map(std::rc::Rc::new))
            .clone()
    }

    fn variable(&self, location: &SourceLocation) -> Option<String> {
        self.get(&location.path)?
            .construct_at(location.line)?
            .variable
            .clone()
    }
}

fn missing_finding(
    template: &Template,
    stack: &CdkStack,
    sources: &SourceCache,
    judged: &Judged,
    need: &Need,
    severity: stackwarden_core::Severity,
) -> Finding {
    let function = &judged.function;
    let target = describe_target(template, need);
    let function_variable = function
        .variable
        .clone()
        .unwrap_or_else(|| "fn".to_string());
    let (help, suggestion) = match &need.target {
        Target::Resource { id, child } => {
            let type_name = template.resource(id).map_or("", |r| r.type_name());
            let location = sources.location(stack, id);
            let variable = location
                .as_ref()
                .and_then(|l| sources.variable(l))
                .unwrap_or_else(|| lower_first(id));
            let place = location
                .as_ref()
                .map(|l| format!(" in {}", l.path.display()))
                .unwrap_or_default();
            match grant_for(type_name, &need.action) {
                Some(grant) => {
                    let code = format!("{variable}.{grant}({function_variable});");
                    (format!("add `{code}`{place}"), Some(code))
                }
                None => {
                    let resource = if *child {
                        format!("`${{{variable}.{}}}/*`", arn_attribute(type_name))
                    } else {
                        format!("{variable}.{}", arn_attribute(type_name))
                    };
                    let code = format!(
                        "{function_variable}.addToRolePolicy(new iam.PolicyStatement({{ actions: ['{}'], resources: [{resource}] }}));",
                        need.action
                    );
                    (format!("add `{code}`{place}"), Some(code))
                }
            }
        }
        _ => {
            let code = format!(
                "{function_variable}.addToRolePolicy(new iam.PolicyStatement({{ actions: ['{}'], resources: ['<the ARN it acts on>'] }}));",
                need.action
            );
            (format!("add a statement for it: `{code}`"), None)
        }
    };
    Finding {
        rule: &missing_permission::META,
        severity,
        message: format!(
            "`{}` needs `{}` on {target}, which the role of function `{}` does not allow: the call fails with AccessDenied at run time",
            need.call, need.action, function.path
        ),
        path: need.path.clone(),
        line: need.line,
        column: need.column,
        resource: Some(function.id.clone()),
        stack: Some(stack.name.clone()),
        source: function.source.clone(),
        help,
        suggestion,
        end_line: None,
        end_column: None,
        cause: None,
    }
}

fn lower_first(text: &str) -> String {
    let mut chars = text.chars();
    chars
        .next()
        .map(|c| c.to_ascii_lowercase().to_string() + chars.as_str())
        .unwrap_or_default()
}

/// What the Lambda service itself uses the function's role for.
fn service_used(template: &Template, function: &Function) -> Vec<&'static str> {
    let mut used: Vec<&'static str> = ALWAYS_USED.to_vec();
    let resource = template.resource(&function.id);
    let property = |key: &str| resource.and_then(|r| r.property(key));
    if property("TracingConfig").is_some() {
        used.extend(TRACING);
    }
    if property("VpcConfig").is_some() {
        used.extend(VPC);
    }
    if property("DeadLetterConfig").is_some() {
        used.extend(DEAD_LETTER);
    }
    for mapping in template.resources() {
        if mapping.type_name() != "AWS::Lambda::EventSourceMapping" {
            continue;
        }
        let for_this = mapping
            .property("FunctionName")
            .and_then(crate::role::ref_target)
            .as_deref()
            == Some(function.id.as_str());
        if !for_this {
            continue;
        }
        let source = mapping.property("EventSourceArn");
        let source_type = source
            .and_then(crate::role::ref_target)
            .and_then(|id| template.resource(&id).map(|r| r.type_name().to_string()))
            .unwrap_or_else(|| source.map(crate::role::flatten).unwrap_or_default());
        for (marker, actions) in EVENT_SOURCES {
            let service = marker.trim_matches(':');
            if source_type.contains(marker)
                || source_type
                    .to_ascii_lowercase()
                    .starts_with(&format!("aws::{service}::"))
            {
                used.extend(*actions);
            }
        }
    }
    used
}

/// Actions authorised on requests that are not SDK commands: SigV4-signed HTTP calls (AppSync's
/// GraphQL endpoint, an IAM-authorised API Gateway or function URL, OpenSearch) and IAM database
/// authentication. The code's SDK calls cannot show them, so they are never called unused.
const NOT_SDK_ACTIONS: &[&str] = &[
    "appsync:GraphQL",
    "execute-api:Invoke",
    "lambda:InvokeFunctionUrl",
    "es:ESHttp*",
    "aoss:APIAccessAll",
    "neptune-db:*",
    "rds-db:connect",
    "dsql:DbConnect*",
    "elasticache:Connect",
    "memorydb:Connect",
    "kafka-cluster:*",
];

/// One role of the stack, as the unused-permission rule sees it.
struct RoleUse<'j> {
    role: &'j str,
    users: Vec<&'j Judged>,
    /// Every function using the role is resolved in full.
    resolved: bool,
    /// The actions its code and the Lambda service use.
    used: Vec<String>,
    /// The actions its template policies allow by name.
    granted: Vec<String>,
    /// The CDK variables of its functions and of the role itself (`archiveOrder`, `this.role`).
    variables: Vec<String>,
}

fn unused(
    template: &Template,
    stack: &CdkStack,
    sources: &SourceCache,
    judged: &[Judged],
    severity: stackwarden_core::Severity,
    outcome: &mut Outcome,
) {
    let mut by_role: BTreeMap<&str, Vec<&Judged>> = BTreeMap::new();
    for j in judged {
        if let Some(role) = &j.function.role {
            by_role.entry(role.as_str()).or_default().push(j);
        }
    }
    let mut roles: Vec<RoleUse<'_>> = Vec::new();
    let mut files: Vec<PathBuf> = Vec::new();
    let add = |location: Option<SourceLocation>, files: &mut Vec<PathBuf>| {
        if let Some(l) = location {
            if !files.contains(&l.path) {
                files.push(l.path);
            }
        }
    };
    for (role, users) in by_role {
        let resolved = users
            .iter()
            .all(|j| j.needs.as_ref().is_some_and(|n| n.unresolved.is_empty()));
        let mut used: Vec<String> = Vec::new();
        for j in &users {
            used.extend(
                j.needs
                    .iter()
                    .flat_map(|n| n.needs.iter().map(|n| n.action.clone())),
            );
            used.extend(
                service_used(template, &j.function)
                    .into_iter()
                    .map(str::to_string),
            );
        }
        let granted: Vec<String> = users
            .first()
            .and_then(|j| j.policies.as_ref())
            .map(|p| {
                p.statements
                    .iter()
                    .filter(|s| s.allow && matches!(s.origin, Origin::Template(_)))
                    .flat_map(|s| s.actions.iter().map(|(a, _)| a.clone()))
                    .collect()
            })
            .unwrap_or_default();
        // The CDK source files the role's statements may be written in: where the functions,
        // the role and its policies are created.
        add(sources.location(stack, role), &mut files);
        for j in &users {
            add(j.function.source.clone(), &mut files);
            for statement in j.policies.iter().flat_map(|p| &p.statements) {
                if let Origin::Template(id) = &statement.origin {
                    add(sources.location(stack, id), &mut files);
                }
            }
        }
        let mut variables: Vec<String> = users
            .iter()
            .filter_map(|j| j.function.variable.clone())
            .collect();
        variables.extend(
            sources
                .location(stack, role)
                .and_then(|l| sources.variable(&l)),
        );
        roles.push(RoleUse {
            role,
            users,
            resolved,
            used,
            granted,
            variables,
        });
    }
    let mut reported = BTreeSet::new();
    for file in &files {
        let Some(source) = sources.get(file) else {
            continue;
        };
        for statement in &source.statements {
            let literal: Vec<&String> = statement
                .actions
                .iter()
                .filter(|a| !pattern::has_wildcard(a))
                .collect();
            if statement.deny || literal.is_empty() {
                continue;
            }
            // Written for the roles it is added to (`archiveOrder.addToRolePolicy(s)`, a
            // function's `initialPolicy`), whose policies hold every action it lists. A statement
            // shared by several roles is judged against all their code: removing an action must
            // not break any of them; one of them not resolved, and it is not judged. Added in a
            // way not traced (an inline PolicyDocument): the one role that holds all its actions,
            // if only one does.
            let holds = |r: &&RoleUse<'_>| {
                statement
                    .actions
                    .iter()
                    .all(|a| r.granted.iter().any(|g| g.eq_ignore_ascii_case(a)))
            };
            let holders: Vec<&RoleUse<'_>> = if statement.attached_to.is_empty() {
                let all: Vec<&RoleUse<'_>> = roles.iter().filter(holds).collect();
                if all.len() == 1 {
                    all
                } else {
                    Vec::new()
                }
            } else if statement
                .attached_to
                .iter()
                .all(|a| roles.iter().any(|r| r.variables.contains(a)))
            {
                roles
                    .iter()
                    .filter(|r| {
                        r.variables
                            .iter()
                            .any(|v| statement.attached_to.contains(v))
                    })
                    .filter(holds)
                    .collect()
            } else {
                // Also added to a principal that runs no function of this stack (a role handed
                // to a custom resource, a user): what that one uses is not known.
                Vec::new()
            };
            if holders.is_empty() || holders.iter().any(|r| !r.resolved) {
                continue;
            }
            let names: Vec<String> = holders
                .iter()
                .flat_map(|r| r.users.iter().map(|j| format!("`{}`", j.function.path)))
                .collect();
            for action in literal {
                let used = holders
                    .iter()
                    .any(|r| r.used.iter().any(|u| u.eq_ignore_ascii_case(action)));
                if used || NOT_SDK_ACTIONS.iter().any(|p| pattern::matches(p, action)) {
                    continue;
                }
                if !reported.insert((file.clone(), statement.line, action.to_ascii_lowercase())) {
                    continue;
                }
                let handler = holders
                    .first()
                    .and_then(|r| r.users.first())
                    .and_then(|j| j.function.handler.as_ref().ok())
                    .map_or_else(|| "HANDLER".to_string(), |p| p.display().to_string());
                outcome.report.findings.push(Finding {
                    rule: &unused_permission::META,
                    severity,
                    message: format!(
                        "`{action}` is granted to {} by this statement, but none of its code's SDK calls needs it",
                        names.join(", ")
                    ),
                    path: file.clone(),
                    line: statement.line,
                    column: statement.column,
                    resource: holders.first().map(|r| r.role.to_string()),
                    stack: Some(stack.name.clone()),
                    source: None,
                    help: format!(
                        "remove `{action}` from the statement's actions (`stackwarden iam policy-for {handler}` prints what the handler needs)"
                    ),
                    suggestion: None,
                    end_line: None,
                    end_column: None,
                    cause: None,
                });
            }
        }
    }
}
