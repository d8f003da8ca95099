//! The code rules' registry, generated from the files in src/rules/ (see stackwarden_rulegen).

use stackwarden_rulegen::{Registry, Table};

fn main() {
    stackwarden_rulegen::run(&Registry {
        mod_visibility: "",
        tables: &[
            Table {
                name: "RULES",
                visibility: "pub(crate)",
                rule_type: "SourceRule",
                check: "check",
                doc: "Every source rule, in id order.",
            },
            Table {
                name: "PACKAGE_RULES",
                visibility: "pub(crate)",
                rule_type: "PackageRule",
                check: "check_package",
                doc: "Rules over package.json dependencies, in id order.",
            },
        ],
        metas: None,
        hand_listed: &[],
        // The checks of two stackwarden_iam rules over CDK source, listed by hand in `IAM_RULES`.
        helpers: &["iam_actions"],
    });
}
