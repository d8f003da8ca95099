//! Any bytes through the YAML loader (saphyr, then the libyaml fallback): no panic, no hang.
#![no_main]

use libfuzzer_sys::fuzz_target;
use stackwarden_cfn::load::{load, Format};

#[path = "known_panics.rs"]
mod known_panics;

fuzz_target!(|data: &[u8]| {
    known_panics::contain();
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = load(text, Format::Yaml);
    }
});
