//! A CloudFormation or SAM template: the loaded document and typed access to its resources.

use stackwarden_core::{Node, Span};

use crate::load::{self, DuplicateKey, Format, LoadError, LoadWarning};
use crate::sam;

/// The SAM transform's name; a template that declares it is a SAM template.
pub const SAM_TRANSFORM: &str = "AWS::Serverless-2016-10-31";

#[derive(Debug)]
pub struct Template {
    pub root: Node,
    pub format: Format,
    /// What the loader tolerated but CloudFormation would reject (a second YAML document).
    pub warnings: Vec<LoadWarning>,
    /// Keys written twice in one mapping, for `cfn/duplicate-key`; `root` holds the last value.
    pub duplicates: Vec<DuplicateKey>,
}

/// One entry of `Resources`.
#[derive(Debug, Clone, Copy)]
pub struct Resource<'a> {
    pub id: &'a str,
    pub id_span: Span,
    pub node: &'a Node,
}

impl<'a> Resource<'a> {
    pub fn type_name(&self) -> &'a str {
        self.node.get("Type").and_then(Node::as_str).unwrap_or("")
    }

    /// Where `Type:` is written: findings about a missing property point here.
    pub fn type_span(&self) -> Span {
        self.node
            .as_map()
            .and_then(|m| m.entry("Type"))
            .map_or(self.id_span, |(k, _)| k.span)
    }

    pub fn properties(&self) -> Option<&'a Node> {
        self.node.get("Properties")
    }

    pub fn property(&self, key: &str) -> Option<&'a Node> {
        self.properties().and_then(|p| p.get(key))
    }

    /// The property's key position, else the `Type:` line. A property merged in from SAM
    /// `Globals` is written elsewhere; findings about this resource then point at its `Type:`.
    pub fn property_span(&self, key: &str) -> Span {
        self.properties()
            .and_then(Node::as_map)
            .and_then(|m| m.entry(key))
            .map(|(k, _)| k.span)
            .filter(|span| span.start >= self.id_span.start)
            .unwrap_or_else(|| self.type_span())
    }

    pub fn metadata(&self) -> Option<&'a Node> {
        self.node.get("Metadata")
    }

    /// The construct path CDK records in `Metadata: {aws:cdk:path: ...}`.
    pub fn cdk_path(&self) -> Option<&'a str> {
        self.metadata()
            .and_then(|m| m.get("aws:cdk:path"))
            .and_then(Node::as_str)
    }
}

impl Template {
    /// Parses `text` when it is a template. `Ok(None)` for YAML/JSON that is not a template (a
    /// config file, a package.json); an error only when the text looks like a template and does
    /// not parse, so broken templates are reported and unrelated files stay silent.
    pub fn parse(text: &str) -> Result<Option<Template>, LoadError> {
        if !mentions_template_keys(text) {
            return Ok(None);
        }
        let mut format = load::sniff_format(text);
        let mut loaded = load::load(text, format);
        if format == Format::Json && loaded.is_err() {
            // `{Resources: {...}}` is YAML flow style, not JSON: read it as YAML before giving up
            // (and report the JSON error if that fails too).
            if let Ok(yaml) = load::load(text, Format::Yaml) {
                format = Format::Yaml;
                loaded = Ok(yaml);
            }
        }
        let loaded = match loaded {
            Ok(loaded) => loaded,
            Err(err) if looks_like_template(text) => return Err(err),
            Err(_) => return Ok(None),
        };
        if !is_template(&loaded.root) {
            return Ok(None);
        }
        let mut template = Template {
            root: loaded.root,
            format,
            warnings: loaded.warnings,
            duplicates: loaded.duplicates,
        };
        if template.is_sam() {
            sam::merge_globals(&mut template.root);
        }
        Ok(Some(template))
    }

    pub fn resources(&self) -> impl Iterator<Item = Resource<'_>> {
        self.root
            .get("Resources")
            .and_then(Node::as_map)
            .into_iter()
            .flat_map(|m| m.iter())
            .map(|(key, node)| Resource {
                id: &key.name,
                id_span: key.span,
                node,
            })
    }

    pub fn resource(&self, id: &str) -> Option<Resource<'_>> {
        self.resources().find(|r| r.id == id)
    }

    pub fn is_sam(&self) -> bool {
        self.root.get("Transform").is_some_and(|t| {
            t.one_or_many()
                .iter()
                .any(|n| n.as_str() == Some(SAM_TRANSFORM))
        })
    }

    /// A parameter's `Default`, for stage detection (`Stage` parameter).
    pub fn parameter_default(&self, name: &str) -> Option<&Node> {
        self.root.path(&["Parameters", name, "Default"])
    }

    /// What a property value is when the stack is deployed with its parameters' defaults: the
    /// value itself when written literally, the parameter's `Default` for a `Ref` to a parameter.
    /// `None` when something else decides it (a condition, an import, a parameter with no default),
    /// which rules leave alone rather than guess.
    pub fn default_value<'a>(&'a self, node: &'a Node) -> Option<DefaultValue<'a>> {
        let Some(intrinsic) = node.as_intrinsic() else {
            return Some(DefaultValue {
                node,
                parameter: None,
            });
        };
        if intrinsic.name != "Ref" {
            return None;
        }
        let name = intrinsic.arg.as_str()?;
        Some(DefaultValue {
            node: self.parameter_default(name)?,
            parameter: Some(name),
        })
    }
}

/// A property's value under default parameters, and the parameter it came from, if any.
#[derive(Debug, Clone, Copy)]
pub struct DefaultValue<'a> {
    pub node: &'a Node,
    pub parameter: Option<&'a str>,
}

impl DefaultValue<'_> {
    /// `" (the default of parameter `P`)"`, for messages; empty for a literal value.
    pub fn origin(&self) -> String {
        self.parameter
            .map(|p| format!(" (the default of parameter `{p}`)"))
            .unwrap_or_default()
    }
}

/// Cheap pre-check before parsing: every template names one of these keys.
fn mentions_template_keys(text: &str) -> bool {
    text.contains("Resources") || text.contains("AWSTemplateFormatVersion")
}

/// For a file that does not parse: does it still look like a template (so the parse error is
/// worth reporting)? `AWSTemplateFormatVersion` anywhere, a quoted `"Resources"` key, or
/// `Resources:` opening a line or a flow mapping.
fn looks_like_template(text: &str) -> bool {
    text.contains("AWSTemplateFormatVersion")
        || text.contains("\"Resources\"")
        || text.lines().any(|line| {
            let line = line.trim_start().trim_start_matches('{').trim_start();
            line.starts_with("Resources:")
        })
}

fn is_template(root: &Node) -> bool {
    root.get("Resources").is_some_and(|r| r.as_map().is_some())
        || root.get("AWSTemplateFormatVersion").is_some()
}
