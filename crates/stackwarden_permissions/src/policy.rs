//! `stackwarden iam policy-for PATH`: the least-privilege policy a handler's code needs, from its
//! SDK calls: actions grouped per resource, never a wildcard action. A resource is the bound
//! template resource when a cloud assembly says which one the input names, else the ARN format
//! of the action's resource type from the action data, with the name filled in when the code
//! writes it literally.

use std::collections::BTreeMap;

use stackwarden_code::calls::HandlerCalls;
use stackwarden_iam::db::db;

use crate::functions::EnvValue;
use crate::needs::needs;
use crate::role::Target;

/// One statement of the policy: the actions on one resource, and what names the resource.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PolicyStatement {
    pub actions: Vec<String>,
    pub resource: String,
    /// `env RECEIPTS_BUCKET`, `'orders'`, or none.
    pub named_by: Option<String>,
    /// The template resource it is (logical id, below it: `bucket/*`), when bound.
    pub bound: Option<(String, bool)>,
}

/// The CDK names of a synthesized function and of the resources its environment names, for
/// `--format cdk` (`receipts.bucketArn`, `archiveOrder.addToRolePolicy`).
#[derive(Debug, Clone, Default)]
pub struct CdkNames {
    pub function: Option<String>,
    /// Logical id → (variable, CloudFormation type).
    pub resources: BTreeMap<String, (String, String)>,
}

/// The function built from a handler in a synthesized `cdk.out`.
#[derive(Debug, Clone, Default)]
pub struct BoundFunction {
    pub stack: String,
    pub environment: BTreeMap<String, EnvValue>,
    pub names: CdkNames,
}

#[derive(Debug, Clone, Default)]
pub struct HandlerPolicy {
    pub statements: Vec<PolicyStatement>,
    pub unresolved: Vec<String>,
}

/// The actions on one resource, and the template resource it is when bound.
type Grouped = (Vec<String>, Option<(String, bool)>);

/// The policy for the calls of one handler, with the environment of its function when known.
pub fn policy_for(calls: &HandlerCalls, environment: &BTreeMap<String, EnvValue>) -> HandlerPolicy {
    let found = needs(calls, environment);
    let mut grouped: BTreeMap<(String, Option<String>), Grouped> = BTreeMap::new();
    for need in &found.needs {
        let resource = match &need.target {
            Target::Resource { id, child: true } => format!("${{{id}.Arn}}/*"),
            Target::Resource { id, child: false } => format!("${{{id}.Arn}}"),
            Target::Name(name) => arn_template(&need.action, Some(name)),
            Target::Unknown => arn_template(&need.action, None),
        };
        let bound = match &need.target {
            Target::Resource { id, child } => Some((id.clone(), *child)),
            _ => None,
        };
        let (actions, _) = grouped
            .entry((resource, need.named_by.clone()))
            .or_insert_with(|| (Vec::new(), bound));
        if !actions.contains(&need.action) {
            actions.push(need.action.clone());
        }
    }
    HandlerPolicy {
        statements: grouped
            .into_iter()
            .map(|((resource, named_by), (mut actions, bound))| {
                actions.sort();
                PolicyStatement {
                    actions,
                    resource,
                    named_by,
                    bound,
                }
            })
            .collect(),
        unresolved: found.unresolved,
    }
}

/// The ARN format of the action's first resource type (`arn:${Partition}:s3:::${BucketName}/
/// ${ObjectName}`), with the first name placeholder filled with `name` when the code wrote one;
/// `*` for actions that take no resource.
fn arn_template(action: &str, name: Option<&str>) -> String {
    let Some(found) = db().action(action) else {
        return "*".to_string();
    };
    // The plainest resource type: the fewest placeholders (`object` rather than an access
    // point's object).
    let Some(first) = found
        .resource_types()
        .min_by_key(|t| t.arn.matches("${").count())
    else {
        return "*".to_string();
    };
    let mut arn = first.arn.to_string();
    if let Some(name) = name {
        if name.starts_with("arn:") {
            return name.to_string();
        }
        // The first placeholder that is not the partition, region or account is the name.
        let mut search = 0;
        while let Some(start) = arn[search..].find("${").map(|i| i + search) {
            let Some(end) = arn[start..].find('}').map(|i| i + start) else {
                break;
            };
            let key = &arn[start + 2..end];
            if matches!(key, "Partition" | "Region" | "Account") {
                search = end + 1;
                continue;
            }
            arn.replace_range(start..=end, name);
            break;
        }
    }
    arn
}

impl HandlerPolicy {
    /// An IAM policy document.
    pub fn to_json(&self) -> serde_json::Value {
        serde_json::json!({
            "Version": "2012-10-17",
            "Statement": self.statements.iter().map(|s| serde_json::json!({
                "Effect": "Allow",
                "Action": s.actions,
                "Resource": s.resource,
            })).collect::<Vec<_>>(),
        })
    }

    /// CDK statements to add to the function's role.
    /// CDK statements to add to the function's role, with the CDK variables of the function and
    /// the bound resources where the synthesized app says which they are.
    pub fn to_cdk(&self, names: &CdkNames) -> String {
        let mut out = String::new();
        let function = names.function.as_deref().unwrap_or("fn");
        for s in &self.statements {
            if let Some(named_by) = &s.named_by {
                out.push_str(&format!("// resource named by {named_by}\n"));
            }
            let actions: Vec<String> = s.actions.iter().map(|a| format!("'{a}'")).collect();
            let resource = match s
                .bound
                .as_ref()
                .and_then(|(id, child)| Some((names.resources.get(id)?, *child)))
            {
                Some(((variable, type_name), false)) => {
                    format!("{variable}.{}", crate::grants::arn_attribute(type_name))
                }
                Some(((variable, type_name), true)) => {
                    format!(
                        "`${{{variable}.{}}}/*`",
                        crate::grants::arn_attribute(type_name)
                    )
                }
                None => format!("'{}'", s.resource),
            };
            out.push_str(&format!(
                "{function}.addToRolePolicy(new iam.PolicyStatement({{ actions: [{}], resources: [{resource}] }}));\n",
                actions.join(", "),
            ));
        }
        out
    }
}

/// The function built from `handler` in the nearest synthesized `cdk.out` above it: its stack,
/// its environment (so that the policy names the resources its variables are bound to) and the
/// CDK names of it and of those resources.
pub fn environment_for(handler: &std::path::Path) -> Option<BoundFunction> {
    let wanted = handler.canonicalize().ok()?;
    let assembly = wanted
        .ancestors()
        .skip(1)
        .map(|d| d.join("cdk.out"))
        .find(|a| a.join("manifest.json").is_file())?;
    let positions = stackwarden_cfn::cdk::SourceFiles::default();
    for stack in stackwarden_cfn::cdk::read_assembly(&assembly).ok()? {
        let Ok(text) = std::fs::read_to_string(&stack.template_path) else {
            continue;
        };
        let Ok(Some(template)) = stackwarden_cfn::Template::parse(&text) else {
            continue;
        };
        for function in crate::functions::functions(&template, Some(&stack), &positions) {
            let same = function
                .handler
                .as_ref()
                .ok()
                .and_then(|p| p.canonicalize().ok())
                .is_some_and(|p| p == wanted);
            if !same {
                continue;
            }
            let mut names = CdkNames {
                function: function.variable.clone(),
                ..CdkNames::default()
            };
            for value in function.environment.values() {
                let EnvValue::Resource(id) = value else {
                    continue;
                };
                let variable = stack.source_of(id, &positions).and_then(|l| {
                    stackwarden_code::cdk_source::cdk_source(&l.path)?
                        .construct_at(l.line)?
                        .variable
                        .clone()
                });
                if let (Some(variable), Some(resource)) = (variable, template.resource(id)) {
                    names
                        .resources
                        .insert(id.clone(), (variable, resource.type_name().to_string()));
                }
            }
            return Some(BoundFunction {
                stack: stack.name.clone(),
                environment: function.environment,
                names,
            });
        }
    }
    None
}
