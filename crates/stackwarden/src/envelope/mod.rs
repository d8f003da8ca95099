//! The resource envelope: the guard's and the edit hook's work on untrusted input runs in a
//! child process (this same binary, re-executed as the hidden `envelope-worker` subcommand)
//! under operating-system limits, and the parent only relays the verdict that comes back.
//!
//! Why a process and not a thread: Claude Code lets a tool call through when its hook exits
//! with anything but 2, and a thread cannot contain what the shell parser (brush-parser 0.4, a
//! PEG grammar) does on hostile input — a stack overflow aborts the whole process, an endless
//! loop that allocates takes gigabytes before any timer fires. Pre-checks that guess the
//! parser's failure modes kept missing shapes (fifteen found by fuzzing, more each week). Here
//! the kernel bounds every input, whatever its shape:
//!
//! | limit | value | what the parent says when it is hit |
//! |---|---|---|
//! | address space (`RLIMIT_AS`) | [`limits::ADDRESS_SPACE`] | "ran out of memory" |
//! | CPU time (`RLIMIT_CPU`) | [`limits::CPU_SECONDS`] s, then SIGKILL a second later | "ran out of CPU time" |
//! | stack of the analysis thread | [`limits::STACK`] | "ran out of stack" |
//! | wall clock | [`WALL_CLOCK`], then the parent kills the child | "did not finish within" |
//!
//! Anything but a well-formed answer — a signal, a non-zero exit, a limit, garbage on stdout —
//! is a [`Breach`], which the hook answers with exit 2 and `stackwarden guard` with a deny. The
//! parent never parses the command or the event itself.
//!
//! Every event goes through the child, not only the risky ones. Sorting "plain" commands from
//! risky ones would itself be a parser running unbounded in the parent, and the child costs
//! about one process spawn (measured with `bench/hook.sh`; the figures are in README's
//! performance section), well inside the hook's latency goal.
//!
//! The child reports what it is doing (`{"phase": ...}` lines) before each step that can take
//! long, so a breach names the step: "while fingerprinting the project's sources" reads very
//! differently from "while parsing the command".
//!
//! On platforms without `setrlimit` (Windows) only the wall clock and the stack apply.

mod limits;
pub(crate) mod worker;

use std::io::{BufRead, BufReader, Read, Write};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};

/// How long the child may take, sleeping included (a ledger lock held by a parallel hook).
/// Typical work takes a few milliseconds. An unoptimised (test) build gets three times as long,
/// as it gets three times the CPU ([`limits::CPU_SECONDS`]), and the test suite runs many of
/// them at once on two cores.
pub(crate) const WALL_CLOCK: Duration =
    Duration::from_secs(if cfg!(debug_assertions) { 15 } else { 5 });

/// The hidden subcommand the child runs.
pub(crate) const WORKER_SUBCOMMAND: &str = "envelope-worker";

/// What the child is asked to do: the parent's raw input, unparsed.
#[derive(Debug, Serialize, Deserialize)]
pub(crate) enum Job {
    /// One Claude Code hook event, as read from the hook's stdin.
    Hook { event: String },
    /// `stackwarden guard`: one command line, judged as if run in `cwd`.
    Guard {
        command: String,
        cwd: std::path::PathBuf,
        json: bool,
    },
}

/// The verdict as data: what the parent prints and the exit code it returns.
#[derive(Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct Answer {
    pub(crate) stdout: Option<String>,
    pub(crate) stderr: Vec<String>,
    pub(crate) exit_code: u8,
}

/// One line the child writes on stdout.
#[derive(Debug, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub(crate) enum Report {
    /// The step the child is starting ("parsing and judging the command").
    Phase(String),
    Answer(Answer),
}

/// What kind of thing stopped the child.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Cause {
    /// A limit of the envelope: the input is the likely cause.
    Limit,
    /// The machine refused the worker a process or a thread.
    Start,
    /// Anything else: a crash, an unexpected exit, garbage.
    Fault,
}

/// Why the child gave no answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Breach {
    pub(crate) cause: Cause,
    /// What went wrong, as a clause: "ran out of CPU time (1 s)".
    pub(crate) what: String,
    /// The step the child had reported last, if any.
    pub(crate) phase: Option<String>,
}

impl Breach {
    fn start(what: String) -> Self {
        Self {
            cause: Cause::Start,
            what,
            phase: None,
        }
    }

    fn timed_out(phase: Option<String>) -> Self {
        Self {
            cause: Cause::Limit,
            what: format!("did not finish within {} s", WALL_CLOCK.as_secs()),
            phase,
        }
    }

    /// One sentence for the person or agent whose tool call is blocked.
    pub(crate) fn explain(&self, subject: &str) -> String {
        match &self.phase {
            Some(phase) => format!("the analysis of {subject} {} while {phase}", self.what),
            None => format!("the analysis of {subject} {}", self.what),
        }
    }
}

/// What to do about a command the guard could not judge within its limits.
pub(crate) const SIMPLER_COMMAND: &str =
    "Write it more simply (split it up, close every $( and heredoc).";

/// Runs `job` in the envelope and returns the child's answer, or why there is none.
pub(crate) fn run(job: &Job) -> Result<Answer, Breach> {
    let breach = Breach::start;
    let request = serde_json::to_vec(job).map_err(|e| breach(format!("could not start ({e})")))?;
    let exe = std::env::current_exe().map_err(|e| {
        breach(format!(
            "could not start: this program's path is unknown ({e})"
        ))
    })?;
    let mut child = Command::new(exe)
        .arg(WORKER_SUBCOMMAND)
        // One malloc arena: a second thread's arena reserves 64 MB of address space up front,
        // which the address-space limit would count as used.
        .env("MALLOC_ARENA_MAX", "1")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| breach(format!("could not start ({e})")))?;
    let deadline = Instant::now() + WALL_CLOCK;
    let events = match collect(&mut child, request) {
        Ok(events) => events,
        Err(e) => {
            let _ = child.kill();
            let _ = child.wait();
            return Err(breach(format!(
                "could not start: no thread to read the worker's answer ({e})"
            )));
        }
    };
    let mut phase = None;
    let mut answer = None;
    let mut garbage = false;
    let mut stderr = String::new();
    let (mut stdout_open, mut stderr_open) = (true, true);
    while stdout_open || stderr_open {
        let left = deadline.saturating_duration_since(Instant::now());
        match events.recv_timeout(left) {
            Ok(Event::Line(line)) => match serde_json::from_str::<Report>(&line) {
                Ok(Report::Phase(p)) => phase = Some(p),
                Ok(Report::Answer(a)) if answer.is_none() => answer = Some(a),
                _ => garbage = true,
            },
            Ok(Event::StdoutClosed) => stdout_open = false,
            Ok(Event::Stderr(text)) => {
                stderr = text;
                stderr_open = false;
            }
            Err(gone) => {
                // Past the deadline, or the readers died: end the child, whatever it is doing.
                let _ = child.kill();
                let _ = child.wait();
                return Err(match gone {
                    mpsc::RecvTimeoutError::Timeout => Breach::timed_out(phase),
                    mpsc::RecvTimeoutError::Disconnected => Breach {
                        cause: Cause::Fault,
                        what: "could not be read (the parent lost its pipes to the worker)".into(),
                        phase,
                    },
                });
            }
        }
    }
    let Some(status) = wait_until(&mut child, deadline) else {
        return Err(Breach::timed_out(phase));
    };
    match answer {
        Some(answer) if status.success() && !garbage => Ok(answer),
        _ => {
            let (cause, what) = failure(&status, &stderr, garbage);
            Err(Breach { cause, what, phase })
        }
    }
}

enum Event {
    Line(String),
    StdoutClosed,
    Stderr(String),
}

/// Feeds the request to the child and reads its stdout (line by line) and stderr (whole) on
/// threads of their own, so a child that stalls cannot stall the parent past its deadline.
/// Threads are started with `Builder::spawn`, which reports a refusal (a full process table, a
/// `ulimit -u`) instead of panicking: a panic here would exit 101, which lets the tool call run.
fn collect(child: &mut Child, request: Vec<u8>) -> std::io::Result<mpsc::Receiver<Event>> {
    let (sender, receiver) = mpsc::channel();
    let spawn = |name: &str, work: Box<dyn FnOnce() + Send>| {
        std::thread::Builder::new()
            .name(name.to_string())
            .spawn(work)
            .map(drop)
    };
    if let Some(mut stdin) = child.stdin.take() {
        // A child that dies before reading makes this write fail; its exit status says why.
        spawn(
            "envelope-stdin",
            Box::new(move || {
                let _ = stdin.write_all(&request);
            }),
        )?;
    }
    let stdout = child.stdout.take();
    let stdout_sender = sender.clone();
    spawn(
        "envelope-stdout",
        Box::new(move || {
            if let Some(stdout) = stdout {
                for line in BufReader::new(stdout).lines() {
                    let Ok(line) = line else { break };
                    if stdout_sender.send(Event::Line(line)).is_err() {
                        return;
                    }
                }
            }
            let _ = stdout_sender.send(Event::StdoutClosed);
        }),
    )?;
    let stderr = child.stderr.take();
    spawn(
        "envelope-stderr",
        Box::new(move || {
            let mut bytes = Vec::new();
            if let Some(mut stderr) = stderr {
                // Bounded: a child printing without end must not grow the parent.
                let _ = (&mut stderr).take(64 * 1024).read_to_end(&mut bytes);
                let _ = std::io::copy(&mut stderr, &mut std::io::sink());
            }
            // Lossy: the runtime's message must survive a stray byte before it.
            let text = String::from_utf8_lossy(&bytes).into_owned();
            let _ = sender.send(Event::Stderr(text));
        }),
    )?;
    Ok(receiver)
}

/// The child's exit status, killing it at `deadline` (its pipes are closed, so it is exiting
/// or has closed them on purpose).
fn wait_until(child: &mut Child, deadline: Instant) -> Option<std::process::ExitStatus> {
    loop {
        match child.try_wait() {
            Ok(Some(status)) => return Some(status),
            Ok(None) if Instant::now() < deadline => std::thread::sleep(Duration::from_millis(1)),
            _ => {
                let _ = child.kill();
                let _ = child.wait();
                return None;
            }
        }
    }
}

/// Which limit or failure ended a child that gave no answer, from its exit status and what it
/// printed on stderr (Rust's runtime names a stack overflow and a failed allocation there).
fn failure(status: &std::process::ExitStatus, stderr: &str, garbage: bool) -> (Cause, String) {
    if stderr.contains("has overflowed its stack") {
        return (
            Cause::Limit,
            format!("ran out of stack ({} MB)", limits::STACK >> 20),
        );
    }
    if stderr.contains("memory allocation of") {
        let what = format!("ran out of memory ({} MB)", limits::ADDRESS_SPACE >> 20);
        return (Cause::Limit, what);
    }
    if let Some(meaning) = limits::signal_meaning(status) {
        return meaning;
    }
    if garbage {
        return (
            Cause::Fault,
            "answered with something that is not a verdict".into(),
        );
    }
    let last = stderr.lines().rev().find(|l| !l.trim().is_empty());
    let what = match (status.code(), last) {
        (Some(0), _) => "ended without a verdict".to_string(),
        (Some(code), Some(line)) => format!("failed (exit code {code}: {})", line.trim()),
        (Some(code), None) => format!("failed (exit code {code})"),
        (None, _) => "was ended by the operating system".to_string(),
    };
    (Cause::Fault, what)
}

#[cfg(all(test, unix))]
mod tests {
    use std::os::unix::process::ExitStatusExt;
    use std::process::ExitStatus;

    use super::*;

    fn exited(code: i32) -> ExitStatus {
        ExitStatus::from_raw(code << 8)
    }

    fn signalled(signal: i32) -> ExitStatus {
        ExitStatus::from_raw(signal)
    }

    #[test]
    fn each_way_a_worker_ends_without_an_answer_is_named() {
        let overflow = "\nthread 'analysis' has overflowed its stack\nfatal runtime error: stack overflow, aborting\n";
        assert_eq!(
            failure(&signalled(6), overflow, false).1,
            "ran out of stack (64 MB)"
        );
        let oom = "memory allocation of 4194304 bytes failed\n";
        assert_eq!(
            failure(&signalled(6), oom, false).1,
            format!("ran out of memory ({} MB)", limits::ADDRESS_SPACE >> 20)
        );
        assert_eq!(
            failure(&signalled(24), "", false).1,
            format!("ran out of CPU time ({} s)", limits::CPU_SECONDS)
        );
        assert!(failure(&signalled(9), "", false)
            .1
            .starts_with("ran out of CPU time or memory"));
        assert_eq!(
            failure(&signalled(15), "", false).1,
            "was ended by signal 15"
        );
        assert_eq!(
            failure(
                &exited(3),
                "stackwarden envelope-worker: cannot read the job\n",
                false
            )
            .1,
            "failed (exit code 3: stackwarden envelope-worker: cannot read the job)"
        );
        assert_eq!(failure(&exited(101), "", false).1, "failed (exit code 101)");
        assert_eq!(failure(&exited(0), "", false).1, "ended without a verdict");
        assert_eq!(
            failure(&exited(0), "", true).1,
            "answered with something that is not a verdict"
        );
    }

    #[test]
    fn a_breach_says_what_was_hit_and_during_which_step() {
        let breach = Breach {
            cause: Cause::Limit,
            what: "ran out of memory (224 MB)".into(),
            phase: Some("fingerprinting the project's sources".into()),
        };
        assert_eq!(
            breach.explain("this tool call"),
            "the analysis of this tool call ran out of memory (224 MB) while fingerprinting the project's sources"
        );
        assert_eq!(breach.cause, Cause::Limit);
        let crash = Breach {
            cause: Cause::Fault,
            what: "failed (exit code 101)".into(),
            phase: None,
        };
        assert_eq!(
            crash.explain("the command"),
            "the analysis of the command failed (exit code 101)"
        );
        assert_eq!(crash.cause, Cause::Fault);
    }
}
