//! The template rules' registry, generated from the files in src/rules/ (see stackwarden_rulegen).

use stackwarden_rulegen::{Metas, Registry, Table};

fn main() {
    stackwarden_rulegen::run(&Registry {
        mod_visibility: "pub(crate)",
        tables: &[Table {
            name: "RULES",
            visibility: "pub",
            rule_type: "TemplateRule",
            check: "check",
            doc: "Every template rule, in id order.",
        }],
        metas: Some(Metas {
            name: "CDK_APP_RULES",
            visibility: "pub",
            doc: "Rules about a CDK app as a whole, checked from its cdk.json (`crate::cdk_app`).",
        }),
        hand_listed: &[],
        helpers: &[],
    });
}
