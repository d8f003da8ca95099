//! Any text that parses as a template through every template rule: the rules must not panic on
//! shapes CloudFormation would reject (a Properties list, a numeric Type, odd intrinsics).
#![no_main]

use std::path::Path;
use std::sync::Once;

use libfuzzer_sys::fuzz_target;
use stackwarden_cfn::{check_template_source, Options};
use stackwarden_core::config::Config;
use stackwarden_core::RuleFilter;

/// libyaml-safer's known panics are contained by the loader (see libyaml_events.rs); libFuzzer's
/// hook would abort on them anyway, so they are let through here and every other panic aborts.
fn contain_known_panics() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        std::panic::set_hook(Box::new(|info| {
            if !info
                .location()
                .is_some_and(|l| l.file().contains("libyaml-safer"))
            {
                eprintln!("{info}");
                std::process::abort();
            }
        }));
    });
}

fuzz_target!(|data: &[u8]| {
    contain_known_panics();
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
    };
    let _ = check_template_source(Path::new("fuzz.yaml"), text, &options);
});
