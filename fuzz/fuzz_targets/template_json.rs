//! Any bytes through the JSON loader: no panic, no hang.
#![no_main]

use libfuzzer_sys::fuzz_target;
use stackwarden_cfn::load::{load, Format};

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = load(text, Format::Json);
    }
});
