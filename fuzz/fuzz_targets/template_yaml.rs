//! Any bytes through the YAML loader (saphyr, then the libyaml fallback): no panic, no hang.
#![no_main]

use libfuzzer_sys::fuzz_target;
use stackwarden_cfn::load::{load, Format};
use std::sync::Once;

/// libyaml-safer's known panics are contained by the loader; let them through, abort on others.
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
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = load(text, Format::Yaml);
    }
});
