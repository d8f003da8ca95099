//! The Lambda functions of a synthesized stack: each one's role, environment, and handler file.
//!
//! The handler file is found through the function's creation trace (`aws:cdk:creationStack`,
//! kept by `cdk synth` with `CDK_DEBUG=true`): the CDK source line that created it, where
//! `entry` (NodejsFunction) or `code: Code.fromAsset(dir)` plus `handler` name the file.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use stackwarden_cfn::cdk::CdkStack;
use stackwarden_cfn::Template;
use stackwarden_code::cdk_source::{cdk_source, SourcePath};
use stackwarden_core::files::lexical;
use stackwarden_core::{Node, SourceLocation};

use crate::role::ref_target;

/// Extensions tried for a handler module, TypeScript first.
const EXTENSIONS: &[&str] = &["ts", "mts", "js", "mjs", "cjs"];

#[derive(Debug, Clone)]
pub struct Function {
    pub id: String,
    /// The construct path (`dev-orders/ProcessOrder/Resource`) or the logical id.
    pub path: String,
    pub role: Option<String>,
    /// Environment variables and what each holds.
    pub environment: BTreeMap<String, EnvValue>,
    /// The handler module, or why it is not known.
    pub handler: Result<PathBuf, String>,
    /// Where in CDK source the function is created.
    pub source: Option<SourceLocation>,
    /// The variable the CDK source assigns the function to (`processOrder`).
    pub variable: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EnvValue {
    /// A resource of the template (`Ref X`, `Fn::GetAtt [X, ...]`, or one built from it).
    Resource(String),
    Literal(String),
    Unknown,
}

/// `positions`: the project files creation traces point into, read once for all the stacks of an
/// assembly.
pub fn functions(
    template: &Template,
    stack: Option<&CdkStack>,
    positions: &stackwarden_cfn::cdk::SourceFiles,
) -> Vec<Function> {
    let mut out = Vec::new();
    for resource in template.resources() {
        if resource.type_name() != "AWS::Lambda::Function" {
            continue;
        }
        let role = resource.property("Role").and_then(ref_target);
        let mut environment = BTreeMap::new();
        if let Some(variables) = resource
            .property("Environment")
            .and_then(|e| e.get("Variables"))
            .and_then(Node::as_map)
        {
            for (key, value) in variables.iter() {
                environment.insert(key.name.to_string(), env_value(template, value));
            }
        }
        let source = stack.and_then(|s| s.source_of(resource.id, positions));
        let path = resource
            .cdk_path()
            .map_or(resource.id, |p| p.trim_end_matches("/Resource"))
            .to_string();
        let (handler, variable) = match (&source, stack) {
            (Some(location), Some(stack)) => handler_from_source(
                location,
                &stack.project_root,
                resource.property("Handler").and_then(Node::as_str),
                &path,
            ),
            (None, Some(_)) => (
                Err(
                    "the synth kept no creation trace for it (run `cdk synth` with CDK_DEBUG=true)"
                        .to_string(),
                ),
                None,
            ),
            (_, None) => (
                Err(
                    "not a CDK stack: the handler of a template's function is not traced"
                        .to_string(),
                ),
                None,
            ),
        };
        out.push(Function {
            id: resource.id.to_string(),
            path,
            role,
            environment,
            handler,
            source,
            variable,
        });
    }
    out
}

fn env_value(template: &Template, value: &Node) -> EnvValue {
    if let Some(text) = value.as_scalar() {
        return EnvValue::Literal(text.to_string());
    }
    if let Some(id) = ref_target(value) {
        return if template.resource(&id).is_some() {
            EnvValue::Resource(id)
        } else {
            EnvValue::Unknown
        };
    }
    // A queue URL or ARN built with Fn::Join/Fn::Sub from exactly one resource.
    let mut ids = Vec::new();
    value.walk(&mut |n| {
        if let Some(id) = ref_target(n) {
            if template.resource(&id).is_some() && !ids.contains(&id) {
                ids.push(id);
            }
        }
    });
    match ids.as_slice() {
        [one] => EnvValue::Resource(one.clone()),
        _ => EnvValue::Unknown,
    }
}

fn handler_from_source(
    location: &SourceLocation,
    root: &Path,
    handler: Option<&str>,
    construct_path: &str,
) -> (Result<PathBuf, String>, Option<String>) {
    let where_ = format!("{}:{}", location.path.display(), location.line);
    let Some(source) = cdk_source(&location.path) else {
        return (Err(format!("{where_} cannot be read or parsed")), None);
    };
    let Some(construct) = source.construct_at(location.line) else {
        return (
            Err(format!(
                "no `new ...` on {where_}, where the creation trace points"
            )),
            None,
        );
    };
    // A function the CDK adds for the construct on that line (a log-retention or custom-resource
    // provider) shares its trace but not its id: its code is the CDK's, not the project's.
    if let Some(id) = &construct.id {
        let own = construct_path.rsplit('/').next() == Some(id.as_str());
        if !own {
            return (
                Err(format!(
                    "created by the CDK for the construct `{id}` on {where_}; its code is the CDK's own"
                )),
                None,
            );
        }
    }
    let variable = construct.variable.clone();
    let resolve = |p: &SourcePath| match p {
        SourcePath::AppRelative(text) => root.join(text),
        SourcePath::Absolute(path) => path.clone(),
    };
    if let Some(entry) = &construct.entry {
        let path = resolve(entry);
        return match existing(&path) {
            Some(p) => (Ok(p), variable),
            None => (
                Err(format!("its entry {} does not exist", path.display())),
                variable,
            ),
        };
    }
    if let Some(asset) = &construct.asset {
        let dir = resolve(asset);
        let Some(module) = construct
            .handler
            .as_deref()
            .or(handler)
            .and_then(|h| h.rsplit_once('.'))
            .map(|(m, _)| m.to_string())
        else {
            return (
                Err(format!(
                    "{where_}: the handler is not a literal `file.export`"
                )),
                variable,
            );
        };
        let base = dir.join(&module);
        return match EXTENSIONS
            .iter()
            .map(|e| lexical(&PathBuf::from(format!("{}.{e}", base.display()))))
            .find(|p| p.is_file())
        {
            Some(p) => (Ok(p), variable),
            None => (
                Err(format!("no {module}.ts/.js in {}", dir.display())),
                variable,
            ),
        };
    }
    (
        Err(format!(
            "{where_} names neither a literal `entry` nor `Code.fromAsset(dir)`"
        )),
        variable,
    )
}

/// The file itself, or with a TypeScript/JavaScript extension.
fn existing(path: &Path) -> Option<PathBuf> {
    let path = &lexical(path);
    if path.is_file() {
        return Some(path.to_path_buf());
    }
    EXTENSIONS
        .iter()
        .map(|e| PathBuf::from(format!("{}.{e}", path.display())))
        .find(|p| p.is_file())
}
