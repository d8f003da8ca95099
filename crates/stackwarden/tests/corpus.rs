//! Robustness sweep over ../shared/corpus (1,058 real and deliberately broken templates): no
//! panic, every error names its file, and the run is deterministic. Skipped when the corpus is
//! not beside the repository.

// A skipped test says why on stderr, which the test harness shows.
#![allow(clippy::print_stderr)]

use stackwarden_testkit::cli::*;

#[test]
fn corpus_sweep_has_no_panic_and_every_error_has_a_path() {
    let corpus = repo_root().join("../shared/corpus");
    if !corpus.is_dir() {
        eprintln!("skipped: {} not found", corpus.display());
        return;
    }
    let corpus = corpus.to_string_lossy().into_owned();
    let output = stackwarden(&["check", &corpus, "--format", "json"]);
    assert!(!stderr(&output).contains("panicked"), "{}", stderr(&output));
    assert!(
        matches!(output.status.code(), Some(1 | 2)),
        "exit {:?}",
        output.status.code()
    );
    let report = json(&output);
    assert!(
        report["summary"]["files"].as_u64().is_some_and(|n| n > 900),
        "{}",
        report["summary"]
    );
    for error in report["errors"].as_array().expect("errors") {
        let path = error["path"].as_str().expect("path");
        assert!(
            std::path::Path::new(path).is_file(),
            "error without a real path: {error}"
        );
        assert!(!error["message"].as_str().unwrap_or("").is_empty());
    }
    for finding in report["findings"].as_array().expect("findings") {
        assert!(
            finding["line"].as_u64().is_some_and(|l| l >= 1),
            "{finding}"
        );
    }
    let again = stackwarden(&["check", &corpus, "--format", "json"]);
    assert_eq!(output.stdout, again.stdout, "output must be deterministic");
}
