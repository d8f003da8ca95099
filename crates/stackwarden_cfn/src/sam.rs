//! SAM `Globals`: merged into each serverless resource's properties before rules run, the way the
//! SAM translator does it — the resource's own scalar wins, maps merge key by key (the resource's
//! keys win), lists concatenate (globals first).

use stackwarden_core::{Map, Node, Value};

/// Globals sections and the resource type each applies to.
const SECTIONS: &[(&str, &str)] = &[
    ("Function", "AWS::Serverless::Function"),
    ("Api", "AWS::Serverless::Api"),
    ("HttpApi", "AWS::Serverless::HttpApi"),
    ("SimpleTable", "AWS::Serverless::SimpleTable"),
    ("StateMachine", "AWS::Serverless::StateMachine"),
    ("LayerVersion", "AWS::Serverless::LayerVersion"),
];

pub(crate) fn merge_globals(root: &mut Node) {
    let Some(globals) = root.get("Globals").cloned() else {
        return;
    };
    let Value::Map(root_map) = &mut root.value else {
        return;
    };
    let Some(resources) = root_map
        .entries
        .iter_mut()
        .rev()
        .find(|(k, _)| k.name == "Resources")
        .and_then(|(_, v)| match &mut v.value {
            Value::Map(m) => Some(m),
            _ => None,
        })
    else {
        return;
    };
    for (section, type_name) in SECTIONS {
        let Some(defaults) = globals.get(section).and_then(Node::as_map) else {
            continue;
        };
        for (_, resource) in resources.entries.iter_mut() {
            if resource.get("Type").and_then(Node::as_str) != Some(type_name) {
                continue;
            }
            let Value::Map(resource_map) = &mut resource.value else {
                continue;
            };
            let properties = properties_of(resource_map);
            for (key, global) in defaults.iter() {
                match properties
                    .entries
                    .iter_mut()
                    .rev()
                    .find(|(k, _)| k.name == key.name)
                {
                    Some((_, own)) => merge_into(own, global),
                    None => properties.entries.push((key.clone(), global.clone())),
                }
            }
        }
    }
}

/// The resource's `Properties` map, created when missing (a function may get all from Globals).
fn properties_of(resource: &mut Map) -> &mut Map {
    let index = match resource
        .entries
        .iter()
        .rposition(|(k, _)| k.name == "Properties")
    {
        Some(index) => index,
        None => {
            let span = resource
                .entries
                .first()
                .map(|(k, _)| k.span)
                .unwrap_or_default();
            resource.entries.push((
                stackwarden_core::Key {
                    name: "Properties".into(),
                    span,
                },
                Node::new(span, Value::Map(Map::default())),
            ));
            resource.entries.len() - 1
        }
    };
    let node = &mut resource.entries[index].1;
    if !matches!(node.value, Value::Map(_)) {
        node.value = Value::Map(Map::default());
    }
    match &mut node.value {
        Value::Map(map) => map,
        _ => unreachable!("set to a map just above"),
    }
}

fn merge_into(own: &mut Node, global: &Node) {
    match (&mut own.value, &global.value) {
        (Value::Map(own_map), Value::Map(global_map)) => {
            for (key, value) in global_map.iter() {
                match own_map
                    .entries
                    .iter_mut()
                    .rev()
                    .find(|(k, _)| k.name == key.name)
                {
                    Some((_, existing)) => merge_into(existing, value),
                    None => own_map.entries.push((key.clone(), value.clone())),
                }
            }
        }
        (Value::Seq(own_items), Value::Seq(global_items)) => {
            let mut merged = global_items.clone();
            merged.append(own_items);
            *own_items = merged;
        }
        // Scalars and mismatched shapes: the resource's own value wins.
        _ => {}
    }
}
