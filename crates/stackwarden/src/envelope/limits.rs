//! The limits the worker sets on itself before it reads its job, and how the parent reads the
//! signal that ends a worker which hit one.
//!
//! Sizes: the bound is 256 MB for parent and child together. The parent stays under
//! 10 MB; the child's whole address space (binary, libraries, heap and the analysis thread's
//! stack, all counted by `RLIMIT_AS`) gets [`ADDRESS_SPACE`], so the resident total stays below
//! the bound by construction. The analysis thread's stack ([`STACK`]) holds brush-parser's
//! recursion for nesting far deeper than any real command (10,000 subshells take about 8 MB).

use super::Cause;

/// Address space of the worker process: within the bound with the parent's 10 MB, and room
/// for a 1 MB command (the size cap: 145 MB resident, with the 64 MB stack reserved besides).
/// An unoptimised (test) build maps a larger binary and allocates more, so it gets twice as
/// much; only the release build is shipped.
pub(crate) const ADDRESS_SPACE: u64 = if cfg!(debug_assertions) {
    480 << 20
} else {
    240 << 20
};
/// CPU seconds before SIGXCPU ends the worker; SIGKILL follows one second later if it does not.
/// The limit is set for the release build, which judges 1 MB of plain commands in 0.3 s; an
/// unoptimised (test) build does the same work 3x slower, so it gets 3 s, keeping what the
/// tests decide the same as what users run.
pub(crate) const CPU_SECONDS: u64 = if cfg!(debug_assertions) { 3 } else { 1 };
/// Stack of the thread that runs the analysis.
pub(crate) const STACK: usize = 64 << 20;

/// Applies the limits to the calling process. Unknown platforms keep only the wall clock.
#[cfg(unix)]
pub(crate) fn apply() -> std::io::Result<()> {
    use rlimit::Resource;
    // No core file: a worker ended by SIGXCPU would otherwise write its whole heap to disk.
    lower(Resource::CORE, 0, 0)?;
    lower(Resource::CPU, CPU_SECONDS, CPU_SECONDS + 1)?;
    lower(Resource::AS, ADDRESS_SPACE, ADDRESS_SPACE)
}

/// Sets a limit no higher than the one already in force (raising a hard limit needs root, and
/// a stricter limit set by the user stays).
#[cfg(unix)]
fn lower(resource: rlimit::Resource, soft: u64, hard: u64) -> std::io::Result<()> {
    let (_, current_hard) = resource.get()?;
    let hard = hard.min(current_hard);
    resource.set(soft.min(hard), hard)
}

#[cfg(not(unix))]
pub(crate) fn apply() -> std::io::Result<()> {
    Ok(())
}

/// What the signal that ended the worker says about the limit it hit.
#[cfg(unix)]
pub(crate) fn signal_meaning(status: &std::process::ExitStatus) -> Option<(Cause, String)> {
    use std::os::unix::process::ExitStatusExt;
    // Numbers are Linux's and the BSDs' alike for these three.
    const SIGKILL: i32 = 9;
    const SIGSEGV: i32 = 11;
    const SIGXCPU: i32 = 24;
    Some(match status.signal()? {
        SIGXCPU => (Cause::Limit, format!("ran out of CPU time ({CPU_SECONDS} s)")),
        SIGKILL => (
            Cause::Limit,
            format!(
                "ran out of CPU time or memory (killed after {} s of CPU or by the system's out-of-memory killer)",
                CPU_SECONDS + 1
            ),
        ),
        SIGSEGV => (
            Cause::Limit,
            format!("ran out of stack or memory ({} MB)", ADDRESS_SPACE >> 20),
        ),
        other => (Cause::Fault, format!("was ended by signal {other}")),
    })
}

#[cfg(not(unix))]
pub(crate) fn signal_meaning(_: &std::process::ExitStatus) -> Option<(Cause, String)> {
    None
}
