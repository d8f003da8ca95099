//! The `iam/*` rules' registry, generated from the files in src/rules/ (see stackwarden_rulegen).

use stackwarden_rulegen::{Metas, Registry, Table};

fn main() {
    stackwarden_rulegen::run(&Registry {
        // stackwarden_cfn and stackwarden_code name these rules' `META`s and helpers.
        mod_visibility: "pub",
        tables: &[Table {
            name: "RULES",
            visibility: "pub",
            rule_type: "PolicyRule",
            check: "check",
            doc: "Every rule that judges one policy, in id order.",
        }],
        metas: Some(Metas {
            name: "TEMPLATE_RULES",
            visibility: "pub",
            doc: "Rules checked across policies or on the template; listed for `rules` and `explain`.",
        }),
        hand_listed: &[],
        helpers: &[],
    });
}
