//! The child side of the envelope (`stackwarden envelope-worker`, hidden): limit itself, read
//! one [`Job`] on stdin, do it on a thread with a large stack, and write the [`Answer`] as the
//! last line on stdout. Anything that goes wrong on the way ends the process without an answer,
//! which the parent turns into a block.

use std::io::{Read, Write};
use std::process::ExitCode;

use super::{limits, Answer, Job, Report};
use crate::commands;

pub(crate) fn run() -> ExitCode {
    if let Err(e) = limits::apply() {
        return fail(&format!("cannot set the resource limits: {e}"));
    }
    let mut request = String::new();
    if let Err(e) = std::io::stdin().read_to_string(&mut request) {
        return fail(&format!("cannot read the job: {e}"));
    }
    let job: Job = match serde_json::from_str(&request) {
        Ok(job) => job,
        Err(e) => return fail(&format!("the job is not one this version understands: {e}")),
    };
    drop(request);
    let work = std::thread::Builder::new()
        .name("analysis".into())
        .stack_size(limits::STACK)
        .spawn(move || execute(job));
    // A panic on the thread has printed its message (stderr); the parent reports it.
    let answer = match work.map(std::thread::JoinHandle::join) {
        Ok(Ok(answer)) => answer,
        Ok(Err(_)) => return ExitCode::from(101),
        Err(e) => return fail(&format!("cannot start the analysis thread: {e}")),
    };
    if write_report(&Report::Answer(answer)).is_err() {
        return fail("cannot write the answer");
    }
    ExitCode::SUCCESS
}

fn execute(job: Job) -> Answer {
    match job {
        Job::Hook { event } => commands::hook::answer(&event),
        Job::Guard { command, cwd, json } => commands::guard::answer(&command, &cwd, json),
    }
}

/// Tells the parent which step starts now, so a breach can name it. Passed to the libraries
/// as their progress callback.
pub(crate) fn phase(what: &'static str) {
    let _ = write_report(&Report::Phase(what.to_string()));
}

fn write_report(report: &Report) -> std::io::Result<()> {
    let mut line = serde_json::to_vec(report).map_err(std::io::Error::other)?;
    line.push(b'\n');
    let mut out = std::io::stdout().lock();
    out.write_all(&line)?;
    out.flush()
}

fn fail(message: &str) -> ExitCode {
    let mut err = std::io::stderr().lock();
    let _ = writeln!(err, "stackwarden envelope-worker: {message}");
    ExitCode::from(3)
}
