//! Any bytes as the hook's stdin, through the event decoding Claude Code's JSON goes through:
//! malformed input must be an error value, never a panic. (The full hook writes a ledger, so
//! only decoding is fuzzed here; the guard has its own target.)
#![no_main]

use libfuzzer_sys::fuzz_target;
use stackwarden_agent::protocol::HookEvent;

fuzz_target!(|data: &[u8]| {
    if let Ok(event) = serde_json::from_slice::<HookEvent>(data) {
        let _ = format!("{event:?}");
    }
});
