//! A time budget around work on untrusted input. The shell parser can take close to a minute on
//! some 50-byte commands (unclosed `$(` with heredocs, found by fuzzing); neither the hook nor
//! `stackwarden guard` may hang on them, and neither may turn a panic into a silent allow.

use std::sync::mpsc::{self, RecvTimeoutError};
use std::time::Duration;

/// How long judging one command or one hook event may take (typical: a few milliseconds).
pub(crate) const JUDGE_BUDGET: Duration = Duration::from_secs(5);

/// Why the work gave no answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Overrun {
    Panicked,
    TimedOut,
}

impl Overrun {
    /// Why `what` got no answer, for the message that says it is blocked.
    pub(crate) fn explain(self, what: &str) -> String {
        match self {
            Overrun::TimedOut => format!(
                "could not analyse {what} within {} s",
                JUDGE_BUDGET.as_secs()
            ),
            Overrun::Panicked => format!("internal error while judging {what}"),
        }
    }
}

/// What to do about a command the guard could not judge in time.
pub(crate) const SIMPLER_COMMAND: &str =
    "Write it more simply (split it up, close every $( and heredoc).";

/// Runs `work` on its own thread and waits at most `budget` for it. On a timeout the thread is
/// left running; the caller is expected to answer and exit, which ends it.
pub(crate) fn within<T: Send + 'static>(
    budget: Duration,
    work: impl FnOnce() -> T + Send + 'static,
) -> Result<T, Overrun> {
    let (sender, receiver) = mpsc::channel();
    std::thread::spawn(move || {
        let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(work));
        let _ = sender.send(outcome);
    });
    match receiver.recv_timeout(budget) {
        Ok(Ok(value)) => Ok(value),
        Ok(Err(_)) | Err(RecvTimeoutError::Disconnected) => Err(Overrun::Panicked),
        Err(RecvTimeoutError::Timeout) => Err(Overrun::TimedOut),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn answers_in_time_pass_through() {
        assert_eq!(within(JUDGE_BUDGET, || 7), Ok(7));
    }

    #[test]
    fn a_panic_is_reported_not_propagated() {
        let result: Result<(), _> = within(JUDGE_BUDGET, || panic!("boom"));
        assert_eq!(result, Err(Overrun::Panicked));
    }

    #[test]
    fn slow_work_times_out() {
        let result = within(Duration::from_millis(10), || {
            std::thread::sleep(Duration::from_secs(2));
        });
        assert_eq!(result, Err(Overrun::TimedOut));
    }
}
