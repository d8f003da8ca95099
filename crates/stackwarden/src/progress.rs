//! A progress line on standard error for long scans on a terminal: `checking 1200/5000 files`.
//! Silent in pipes, in CI (`CI` set) and for short runs, so logs and machine output stay clean.

use std::io::{IsTerminal, Write};
use std::sync::atomic::{AtomicUsize, Ordering};

/// Below this many inputs a scan is over before a progress line helps.
const MIN_INPUTS: usize = 500;
const EVERY: usize = 100;

pub(crate) struct Progress {
    total: usize,
    done: AtomicUsize,
    enabled: bool,
}

impl Progress {
    pub(crate) fn new(total: usize) -> Self {
        let enabled = total >= MIN_INPUTS
            && std::io::stderr().is_terminal()
            && std::env::var_os("CI").is_none();
        Self {
            total,
            done: AtomicUsize::new(0),
            enabled,
        }
    }

    pub(crate) fn tick(&self) {
        let done = self.done.fetch_add(1, Ordering::Relaxed) + 1;
        if self.enabled && done.is_multiple_of(EVERY) {
            let mut err = std::io::stderr().lock();
            let _ = write!(err, "\rchecking {done}/{} files", self.total);
            let _ = err.flush();
        }
    }

    pub(crate) fn finish(&self) {
        if self.enabled {
            let mut err = std::io::stderr().lock();
            // Clear the line so the report starts clean.
            let _ = write!(err, "\r{}\r", " ".repeat(40));
            let _ = err.flush();
        }
    }
}
