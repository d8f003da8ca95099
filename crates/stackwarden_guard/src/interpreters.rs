//! Interpreter one-liners (`python3 -c`, `node -e`, `perl -e`, `ruby -e`, `deno eval`,
//! `bun -e`): the guard cannot judge a program, so one that can reach AWS — it loads an AWS SDK
//! or runs other commands — is asked about (`guard/unresolved`). Which words count is a list
//! of module and function names; the code is not parsed.

use crate::walk::Walker;
use crate::words::Arg;

/// Names through which a program reaches AWS or runs commands.
const REACHES_OUT: &[&str] = &[
    // AWS SDKs (`@aws-sdk/client-s3`, `aws-sdk`). A tool's name alone is no call: a string
    // that mentions `cdk deploy` runs nothing; a call goes through the runners below.
    "boto3",
    "botocore",
    "aiobotocore",
    "sdk",
    // Running other programs.
    "subprocess",
    "system",
    "popen",
    "spawn",
    "spawnSync",
    "exec",
    "execSync",
    "execFile",
    "execFileSync",
    "child_process",
    "Command",
    "qx",
    "fork",
];

/// The flags that take the program's text, per interpreter.
fn code_flags(name: &str) -> &'static [&'static str] {
    let name = name.trim_end_matches(|c: char| c.is_ascii_digit() || c == '.');
    match name {
        "python" | "pypy" => &["-c"],
        "node" | "nodejs" | "bun" => &["-e", "--eval", "-p", "--print"],
        "perl" | "ruby" => &["-e", "-E"],
        "deno" => &["eval"],
        "php" => &["-r"],
        _ => &[],
    }
}

pub(crate) fn check(walker: &mut Walker<'_, '_>, name: &str, argv: &[Arg], seen: &str) {
    let flags = code_flags(name);
    if flags.is_empty() {
        return;
    }
    let Some(at) = argv
        .iter()
        .position(|a| a.literal && flags.contains(&a.text.as_str()))
    else {
        return;
    };
    let Some(code) = argv.get(at + 1) else { return };
    let reaches_out = code
        .text
        .split(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .any(|word| REACHES_OUT.contains(&word))
        || code.text.contains('`');
    // Code wholly from a variable or a command's output is a program nobody can read here;
    // code with a `$` in it (perl's `$/`, a `$line`) is still mostly readable.
    let unknown =
        !code.literal && (code.from_output || code.text.trim_matches(['"', '\'']).starts_with('$'));
    if reaches_out || unknown {
        walker.unseen(
            seen,
            "an interpreter runs a program that can reach AWS or run commands",
        );
    }
}
