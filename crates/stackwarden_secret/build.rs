//! The `secret/*` rules' registry, generated from the files in src/rules/ (see stackwarden_rulegen).

use stackwarden_rulegen::{Metas, Registry};

fn main() {
    stackwarden_rulegen::run(&Registry {
        mod_visibility: "",
        // Each rule's check runs where its input is read (src/check.rs), so these rules are one list.
        tables: &[],
        metas: Some(Metas {
            name: "METAS",
            visibility: "",
            doc: "The metadata of every `secret/*` rule, in id order.",
        }),
        hand_listed: &[],
        helpers: &[],
    });
}
