//! What a source file tells about its project, for `stackwarden init`: which AWS SDK it loads,
//! which Lambda runtimes it names, and the string values it writes with the name each is bound to
//! (`prod: '222222222222'`, `const region = 'eu-west-2'`), so that accounts can be matched to
//! stages. Read from the syntax tree, like the rules: a comment or a module specifier that merely
//! looks like an account id is not one.

use std::path::Path;

use oxc::allocator::Allocator;
use oxc::ast::ast::{AssignmentTarget, BindingPattern, Expression};
use oxc::ast::AstKind;
use stackwarden_core::config::Config;

use crate::check::{analyse, parse_clean};
use crate::context::{module_loads, SourceContext};
use crate::literals::value_literals;
use crate::sdk::{is_sdk_v2, is_sdk_v3};

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SourceFacts {
    /// Loads `aws-sdk` (v2) or one of its clients.
    pub sdk_v2: bool,
    /// Loads an `@aws-sdk/*` (v3) package.
    pub sdk_v3: bool,
    /// Node.js runtimes named (`Runtime.NODEJS_22_X`, `'nodejs20.x'`), as runtime ids, in order.
    pub runtimes: Vec<String>,
    /// String values, each with the property or variable name it is the value of.
    pub values: Vec<NamedValue>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NamedValue {
    /// `prod` for `{ prod: '...' }`, `PROD_ACCOUNT` for `const PROD_ACCOUNT = '...'`.
    pub name: Option<String>,
    pub value: String,
}

/// The facts of one file, or `None` when it does not parse (init then learns nothing from it).
pub fn source_facts(path: &Path, text: &str) -> Option<SourceFacts> {
    let allocator = Allocator::default();
    let program = parse_clean(&allocator, path, text)?;
    let semantic = analyse(&program);
    let config = Config::default();
    let ctx = SourceContext::new(path, text, &semantic, &config);
    let mut facts = SourceFacts::default();
    for (module, _) in module_loads(&ctx) {
        facts.sdk_v2 |= is_sdk_v2(module);
        facts.sdk_v3 |= is_sdk_v3(module);
    }
    for node in ctx.nodes() {
        if let AstKind::StaticMemberExpression(member) = node.kind() {
            let is_runtime_enum = matches!(
                member.object.get_inner_expression(),
                Expression::Identifier(i) if i.name == "Runtime"
            ) || matches!(
                member.object.get_inner_expression(),
                Expression::StaticMemberExpression(m) if m.property.name == "Runtime"
            );
            if let Some(runtime) = is_runtime_enum
                .then(|| node_runtime_of_enum(member.property.name.as_str()))
                .flatten()
            {
                facts.runtimes.push(runtime);
            }
        }
    }
    for literal in value_literals(&ctx) {
        if literal.templated {
            continue;
        }
        if is_node_runtime(&literal.text) {
            facts.runtimes.push(literal.text.clone());
        }
        facts.values.push(NamedValue {
            name: bound_name(&ctx, literal.node),
            value: literal.text,
        });
    }
    Some(facts)
}

/// `NODEJS_22_X` → `nodejs22.x`.
fn node_runtime_of_enum(member: &str) -> Option<String> {
    let version = member.strip_prefix("NODEJS_")?.strip_suffix("_X")?;
    (!version.is_empty() && version.bytes().all(|b| b.is_ascii_digit()))
        .then(|| format!("nodejs{version}.x"))
}

/// `nodejs20.x`, the form CloudFormation and the CDK's `Runtime.NODEJS_20_X` both mean.
pub fn is_node_runtime(text: &str) -> bool {
    text.strip_prefix("nodejs")
        .and_then(|rest| rest.strip_suffix(".x"))
        .is_some_and(|v| !v.is_empty() && v.bytes().all(|b| b.is_ascii_digit()))
}

/// The name a literal is the value of: an object property, a variable, a class field or the
/// property assigned to.
fn bound_name(ctx: &SourceContext<'_, '_>, id: oxc::syntax::node::NodeId) -> Option<String> {
    match ctx.parent_kind(id) {
        AstKind::ObjectProperty(p) => p.key.static_name().map(|k| k.to_string()),
        AstKind::PropertyDefinition(p) => p.key.static_name().map(|k| k.to_string()),
        AstKind::VariableDeclarator(d) => match &d.id {
            BindingPattern::BindingIdentifier(ident) => Some(ident.name.to_string()),
            _ => None,
        },
        AstKind::AssignmentExpression(a) => match &a.left {
            AssignmentTarget::AssignmentTargetIdentifier(ident) => Some(ident.name.to_string()),
            AssignmentTarget::StaticMemberExpression(m) => Some(m.property.name.to_string()),
            _ => None,
        },
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn facts(text: &str) -> SourceFacts {
        source_facts(Path::new("lib/config.ts"), text).expect("parses")
    }

    #[test]
    fn names_values_by_property_and_variable() {
        let f = facts(
            "export const ACCOUNTS = { dev: '111111111111', 'prod': '222222222222' };\n\
             const PROD_ACCOUNT = '333333333333';\n\
             // account 444444444444 in a comment is not a value\n\
             config.region = 'eu-west-1';\n",
        );
        let named: Vec<(Option<&str>, &str)> = f
            .values
            .iter()
            .map(|v| (v.name.as_deref(), v.value.as_str()))
            .collect();
        assert_eq!(
            named,
            [
                (Some("dev"), "111111111111"),
                (Some("prod"), "222222222222"),
                (Some("PROD_ACCOUNT"), "333333333333"),
                (Some("region"), "eu-west-1"),
            ]
        );
    }

    #[test]
    fn sdk_generations_and_runtimes() {
        let f = facts(
            "import { S3Client } from '@aws-sdk/client-s3';\n\
             const AWS = require('aws-sdk');\n\
             new lambda.Function(this, 'F', { runtime: lambda.Runtime.NODEJS_22_X });\n\
             new Function(this, 'G', { runtime: Runtime.NODEJS_20_X });\n\
             const legacy = { Runtime: 'nodejs18.x' };\n",
        );
        assert!(f.sdk_v2 && f.sdk_v3);
        assert_eq!(f.runtimes, ["nodejs22.x", "nodejs20.x", "nodejs18.x"]);
    }

    #[test]
    fn a_module_name_in_a_string_is_not_a_load() {
        let f = facts("const note = \"we moved off 'aws-sdk' last year\";\n");
        assert!(!f.sdk_v2);
    }

    #[test]
    fn unparsable_source_gives_nothing() {
        assert!(source_facts(Path::new("x.ts"), "const = ;").is_none());
    }
}
