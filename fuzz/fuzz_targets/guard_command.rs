//! Any text as a shell command through the guard (parse, resolve launchers/scripts, decide), in
//! an in-memory project: no panic, no hang, nothing written.
#![no_main]

use std::collections::BTreeMap;

use libfuzzer_sys::fuzz_target;
use stackwarden_core::config::Config;
use stackwarden_guard::{AwsConfig, Context, MemoryFiles, NoDiffs};

#[path = "known_panics.rs"]
mod known_panics;

fuzz_target!(|data: &[u8]| {
    known_panics::contain();
    let Ok(command) = std::str::from_utf8(data) else {
        return;
    };
    let config = Config::parse(
        std::path::Path::new("stackwarden.toml"),
        "[accounts]\ndev = \"111111111111\"\nprod = \"222222222222\"\n",
    )
    .expect("static config");
    let files = MemoryFiles::default()
        .with("/proj/package.json", r#"{"scripts":{"deploy":"cdk deploy --all","nuke":"npm run deploy && aws s3 rb s3://x"}}"#)
        .with("/proj/Makefile", "deploy:\n\tnpx cdk deploy prod-orders\n");
    let ctx = Context {
        config: &config,
        env: BTreeMap::new(),
        cwd: "/proj".into(),
        aws_config: AwsConfig::parse("[profile prod]\nsso_account_id = 222222222222\n"),
        files: &files,
        diffs: &NoDiffs,
    };
    let _ = stackwarden_guard::judge(command, &ctx);
});
