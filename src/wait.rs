//! Waiting for a job: polling with backoff until it finishes, fails or the
//! deadline passes.

use std::time::Duration;

use crate::{Error, wire::JobStatus};

/// How [`Job::wait`](crate::Job::wait) (and each API's `wait_for_job`) polls.
///
/// The first poll comes after `first_poll`; each later pause is `backoff`
/// times longer, up to `max_interval`, and never shorter than 100 ms (so
/// `first_poll(Duration::ZERO)` still backs off). A `Retry-After` from
/// the API wins (read as at most an hour). The wait fails with
/// [`Error::WaitTimeout`] (carrying the job id, so the wait can be resumed)
/// once the next pause would pass `deadline`.
///
/// ```
/// use std::time::Duration;
/// use adobe_firefly::WaitOptions;
///
/// let options = WaitOptions::default().deadline(Duration::from_secs(120));
/// assert_eq!(options.deadline, Duration::from_secs(120));
/// ```
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub struct WaitOptions {
    /// Pause before the first status request. Default 1 s.
    pub first_poll: Duration,
    /// Longest pause between status requests. Default 10 s.
    pub max_interval: Duration,
    /// Growth of the pause after each poll (at least 1). Default 1.5.
    pub backoff: f64,
    /// Longest total wait. Default 15 min.
    pub deadline: Duration,
}

impl Default for WaitOptions {
    fn default() -> Self {
        Self {
            first_poll: Duration::from_secs(1),
            max_interval: Duration::from_secs(10),
            backoff: 1.5,
            deadline: Duration::from_secs(15 * 60),
        }
    }
}

impl WaitOptions {
    /// Pause before the first status request.
    pub fn first_poll(mut self, pause: Duration) -> Self {
        self.first_poll = pause;
        self
    }

    /// Longest pause between status requests.
    pub fn max_interval(mut self, pause: Duration) -> Self {
        self.max_interval = pause;
        self
    }

    /// Growth of the pause after each poll (values below 1 count as 1).
    pub fn backoff(mut self, factor: f64) -> Self {
        self.backoff = factor;
        self
    }

    /// Longest total wait.
    pub fn deadline(mut self, deadline: Duration) -> Self {
        self.deadline = deadline;
        self
    }
}

/// Polls a job of any API until `finished` says it is over, with the
/// options' backoff and deadline: the one waiting loop every API's job
/// handle uses, each with its own reading of a status (`state`: where the
/// job is, for the timeout error; `finished`: its outcome once terminal;
/// `asked_pause`: the wait a status asks for, as Substance 3D's
/// `Retry-After` does, which wins over the backoff).
pub(crate) async fn poll_until_done<S, T, Poll, Fut>(
    job_id: &str,
    options: &WaitOptions,
    mut poll: Poll,
    state: impl Fn(&S) -> Option<JobStatus>,
    finished: impl Fn(S) -> Option<Result<T, Error>>,
    asked_pause: impl Fn(&S) -> Option<Duration>,
    mut on_status: impl FnMut(&S),
) -> Result<T, Error>
where
    Poll: FnMut() -> Fut,
    Fut: std::future::Future<Output = Result<S, Error>>,
{
    let started = tokio::time::Instant::now();
    let mut pause = options.first_poll.max(MIN_POLL_INTERVAL);
    let mut last_status = None;
    let mut last_error = None;
    loop {
        let elapsed = started.elapsed();
        if elapsed.saturating_add(pause) > options.deadline {
            return Err(Error::WaitTimeout {
                job_id: job_id.to_owned(),
                last_status,
                last_error,
                waited: elapsed,
            });
        }
        tokio::time::sleep(pause).await;
        let next = grown(pause, options);
        // A poll that stalls (a status that never answers) still ends at
        // the deadline, not at the HTTP client's timeouts and retries.
        let remaining = options.deadline.saturating_sub(started.elapsed());
        let Ok(polled) = tokio::time::timeout(remaining, poll()).await else {
            return Err(Error::WaitTimeout {
                job_id: job_id.to_owned(),
                last_status,
                last_error: Some("the last status read did not answer in time".into()),
                waited: started.elapsed(),
            });
        };
        match polled {
            Ok(status) => {
                on_status(&status);
                last_error = None;
                if let Some(now) = state(&status) {
                    last_status = Some(now);
                }
                // A pause the status itself asks for (capped: server-given).
                let asked =
                    asked_pause(&status).map(|wait| wait.min(crate::retry::MAX_SERVER_DELAY));
                if let Some(done) = finished(status) {
                    return done;
                }
                pause = asked.unwrap_or(next).max(MIN_POLL_INTERVAL);
            }
            Err(error) if error.is_retryable() => {
                tracing::debug!(job_id, error = %error, "status poll failed; retrying");
                // Server-given, but capped where it is read
                // (`retry::MAX_SERVER_DELAY`); a pause past the deadline
                // ends the wait above, never an overflow.
                pause = error.retry_after().unwrap_or(next).max(MIN_POLL_INTERVAL);
                // Kept even when an earlier poll read a status, so a
                // timeout says the polls were failing, not just the last
                // status seen.
                last_error = Some(error.to_string());
            }
            Err(error) => return Err(error),
        }
    }
}

/// The shortest pause between status requests, whatever the options say: a
/// zero pause would poll in a tight loop.
pub(crate) const MIN_POLL_INTERVAL: Duration = Duration::from_millis(100);

/// The pause after `pause`: `backoff` times longer, within
/// `MIN_POLL_INTERVAL..=max_interval`. Any options are safe here: a NaN
/// factor counts as 1, and a product too large for a `Duration` as
/// `max_interval`, where `Duration::mul_f64` would panic.
fn grown(pause: Duration, options: &WaitOptions) -> Duration {
    let factor = if options.backoff.is_nan() {
        1.0
    } else {
        options.backoff.clamp(1.0, 1e3)
    };
    Duration::try_from_secs_f64(pause.as_secs_f64() * factor)
        .unwrap_or(options.max_interval)
        .min(options.max_interval)
        .max(MIN_POLL_INTERVAL)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn any_backoff_gives_a_pause_within_bounds_without_panicking() {
        for backoff in [f64::NAN, f64::INFINITY, f64::NEG_INFINITY, -1.0, 0.0, 1e300] {
            for pause in [Duration::ZERO, Duration::from_secs(1), Duration::MAX] {
                let options = WaitOptions::default().backoff(backoff);
                let next = grown(pause, &options);
                assert!(
                    (MIN_POLL_INTERVAL..=options.max_interval).contains(&next),
                    "{backoff} x {pause:?} gave {next:?}"
                );
            }
        }
    }
}
