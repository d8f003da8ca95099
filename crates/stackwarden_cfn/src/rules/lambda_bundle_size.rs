use std::path::{Path, PathBuf};

use stackwarden_core::{Finding, Node, RuleMeta, Severity};

use crate::context::TemplateContext;

pub(crate) const META: RuleMeta = RuleMeta {
    id: "cfn/lambda-bundle-size",
    severity: Severity::Warn,
    summary: "Lambda deployment package over 1 MB",
    docs: r#"## What it does
Measures the code of each Lambda function: the CDK asset folder or zip the synth output points at
(`aws:asset:path` metadata), a SAM `CodeUri` that is a local path, or inline `Code.ZipFile`. Warns
when it is over 1 MB.

## Why
Cold-start time grows with the package: every byte is downloaded and every module evaluated on
the first invocation. A Node handler bundled with esbuild and the SDK left external is usually a
few hundred kilobytes.

Precision: not measured (1 finding in the sweep of bench/PRECISION.md, false: the function is built
by esbuild from a `src/` folder that also holds a 1 MB package-lock.json). A warning.

## Example
A `lambda.Code.fromAsset('.')` that ships the whole project, node_modules included.

## Fix
Bundle with `NodejsFunction` (esbuild), `minify: true`, `externalModules: ['@aws-sdk/*']` (the
Node.js runtime provides SDK v3), and move large shared dependencies into a layer.
"#,
};

const LIMIT: u64 = 1024 * 1024;
/// Bounds the walk of an asset folder (a mistaken `fromAsset('/')` must not scan the disk).
const MAX_FILES: usize = 50_000;

pub(crate) fn check(ctx: &TemplateContext<'_>, out: &mut Vec<Finding>) {
    let base = match ctx.stack {
        Some(stack) => stack.assembly_dir.clone(),
        None => ctx.path.parent().map(Path::to_path_buf).unwrap_or_default(),
    };
    for resource in ctx.template.resources() {
        let (span, what, size) = match resource.type_name() {
            "AWS::Lambda::Function" | "AWS::Serverless::Function" => {
                let asset = resource
                    .metadata()
                    .and_then(|m| m.get("aws:asset:path"))
                    .and_then(Node::as_str)
                    .map(|p| base.join(p));
                let code_uri = resource
                    .property("CodeUri")
                    .and_then(Node::as_str)
                    .filter(|uri| !uri.starts_with("s3://"))
                    .map(|p| base.join(p));
                if let Some(path) = asset.or(code_uri) {
                    let Some(size) = size_of(&path) else { continue };
                    let span = resource.property_span(if resource.property("CodeUri").is_some() {
                        "CodeUri"
                    } else {
                        "Code"
                    });
                    (span, display(&path), size)
                } else if let Some(inline) =
                    resource.property("Code").and_then(|c| c.get("ZipFile"))
                {
                    let Some(text) = inline.as_str() else {
                        continue;
                    };
                    (
                        inline.span,
                        "inline Code.ZipFile".to_string(),
                        text.len() as u64,
                    )
                } else {
                    continue;
                }
            }
            _ => continue,
        };
        if size <= LIMIT {
            continue;
        }
        out.push(ctx.finding(
            &META,
            resource.id,
            span,
            format!("function `{}` ships {:.1} MB of code ({what}), over the 1 MB budget", resource.id, size as f64 / 1_048_576.0),
            "bundle with NodejsFunction (esbuild) and `minify: true`, keep `@aws-sdk/*` external (the runtime provides SDK v3), and move large dependencies into a layer".into(),
        ));
    }
}

fn display(path: &Path) -> String {
    path.display().to_string()
}

/// Bytes in a file, or in every file under a folder (bounded); `None` when it does not exist.
fn size_of(path: &Path) -> Option<u64> {
    let metadata = std::fs::metadata(path).ok()?;
    if metadata.is_file() {
        return Some(metadata.len());
    }
    let mut total = 0;
    let mut pending: Vec<PathBuf> = vec![path.to_path_buf()];
    let mut seen = 0;
    while let Some(dir) = pending.pop() {
        for entry in std::fs::read_dir(&dir).ok()?.flatten() {
            seen += 1;
            if seen > MAX_FILES {
                return Some(total);
            }
            match entry.file_type() {
                Ok(t) if t.is_dir() => pending.push(entry.path()),
                Ok(t) if t.is_file() => total += entry.metadata().map(|m| m.len()).unwrap_or(0),
                _ => {}
            }
        }
    }
    Some(total)
}
