//! Any text that parses as a template through every template rule: the rules must not panic on
//! shapes CloudFormation would reject (a Properties list, a numeric Type, odd intrinsics).
#![no_main]

use std::path::Path;

use libfuzzer_sys::fuzz_target;
use stackwarden_cfn::{check_template_source, Options};
use stackwarden_core::config::Config;
use stackwarden_core::RuleFilter;

#[path = "known_panics.rs"]
mod known_panics;

fuzz_target!(|data: &[u8]| {
    known_panics::contain();
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let config = Config::default();
    let filter = RuleFilter::default();
    let options = Options {
        config: &config,
        filter: &filter,
        stage: Some("prod"),
        today: "2026-11-25",
        known_rules: &[],
        verbose: false,
    };
    let _ = check_template_source(Path::new("fuzz.yaml"), text, &options);
});
