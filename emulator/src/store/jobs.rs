//! Jobs of any API: numbered as they are submitted (the job faults fall on
//! numbers), pending, then running, then done after a number of polls or
//! a time, and cancelled on request. What a finished job made is each
//! API's own record (`R`), kept in that API's table.

use std::{
    collections::HashMap,
    mem::{Discriminant, discriminant},
    time::{Duration, SystemTime},
};

use tokio::time::Instant;

use super::{Data, Store, next};
use crate::faults::Fired;

/// A kind of job the store keeps, one per API, with what a finished job
/// of that API made.
pub(crate) trait JobKind: Clone + Sized {
    /// The table that holds this API's jobs.
    fn table(data: &mut Data) -> &mut Jobs<Self>;
}

/// The jobs of one API, by id.
pub(crate) struct Jobs<R> {
    jobs: HashMap<String, Job<R>>,
}

impl<R> Default for Jobs<R> {
    fn default() -> Self {
        Self {
            jobs: HashMap::new(),
        }
    }
}

/// A submitted job.
struct Job<R> {
    submitted_at: Instant,
    /// When it was submitted, by the wall clock (for APIs whose status
    /// says when, such as Photoshop's `createdTime`).
    created: SystemTime,
    /// When a poll last found it in another state than the poll before
    /// (Photoshop's `modifiedTime`), and that state.
    modified: SystemTime,
    last_seen: Option<Discriminant<JobStatus<R>>>,
    polls: u32,
    state: JobState,
    /// What it made, answered once it succeeds.
    record: R,
}

/// What the client did to a job, or what a fault decided for it.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum JobState {
    Active,
    /// Ends `failed` (`fail_jobs_every`).
    Failing,
    /// Ends `timeout` (`timeout_jobs_every`).
    TimingOut,
    /// Never finishes (`jobs_that_finish`): running until cancelled.
    Held,
    /// Cancelled; the next poll answers `cancel_pending` (`cancel_pending`).
    CancelPending,
    Canceled,
}

/// How fast jobs finish: after a number of polls, or after a time.
#[derive(Clone, Copy, Debug)]
enum Pacing {
    Polls(u32),
    Time(Duration),
}

/// Where a job stands, by polls or by time.
#[derive(Clone, Copy, PartialEq, Debug)]
enum Phase {
    Pending,
    Running(f64),
    Done,
}

/// A job's status, as a poll finds it.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum JobStatus<R> {
    Pending,
    /// Running, this many percent done.
    Running(f64),
    /// Done, with what it made.
    Succeeded(R),
    /// Done, failed (`fail_jobs_every`).
    Failed,
    /// Done, out of time (`timeout_jobs_every`).
    TimedOut,
    /// Cancelled, not yet stopped: the one poll after a cancel when
    /// `cancel_pending` is on.
    CancelPending,
    Cancelled,
}

/// A poll's answer with the job's times: when it was submitted, and when
/// its state last changed (a running job's progress is no change).
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Polled<R> {
    pub(crate) status: JobStatus<R>,
    pub(crate) created: SystemTime,
    pub(crate) modified: SystemTime,
}

/// What a cancel request did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum CancelOutcome {
    Cancelled,
    /// No job has that id.
    Unknown,
    AlreadyCancelled,
    /// The job had finished.
    Completed,
}

impl<R: Clone> Jobs<R> {
    /// A poll of job `id`: counts the poll, answers where the job stands.
    #[cfg(test)]
    fn poll(&mut self, id: &str, pacing: Pacing) -> Option<JobStatus<R>> {
        self.poll_timed(id, pacing).map(|polled| polled.status)
    }

    /// [`Jobs::poll`], with the job's times.
    fn poll_timed(&mut self, id: &str, pacing: Pacing) -> Option<Polled<R>> {
        let job = self.jobs.get_mut(id)?;
        job.polls = job.polls.saturating_add(1);
        let status = job.status(pacing);
        // A running job's progress changes at every poll; its state does not.
        let state = discriminant(&status);
        if job.last_seen.is_some_and(|last| last != state) {
            job.modified = SystemTime::now();
        }
        job.last_seen = Some(state);
        Some(Polled {
            status,
            created: job.created,
            modified: job.modified,
        })
    }
}

impl<R: Clone> Job<R> {
    /// Where the job stands now; a pending cancel is answered once.
    fn status(&mut self, pacing: Pacing) -> JobStatus<R> {
        let job = self;
        let phase = job.phase(pacing);
        match (job.state, phase) {
            (JobState::Canceled, _) => JobStatus::Cancelled,
            (JobState::CancelPending, _) => {
                job.state = JobState::Canceled;
                JobStatus::CancelPending
            }
            (_, Phase::Pending) => JobStatus::Pending,
            (_, Phase::Running(progress)) => JobStatus::Running(progress),
            (JobState::Held, Phase::Done) => JobStatus::Running(99.0),
            (JobState::Failing, Phase::Done) => JobStatus::Failed,
            (JobState::TimingOut, Phase::Done) => JobStatus::TimedOut,
            (JobState::Active, Phase::Done) => JobStatus::Succeeded(job.record.clone()),
        }
    }
}

impl<R> Jobs<R> {
    /// Cancels job `id`, unless it is unknown, cancelled or done; with
    /// `pending`, its next poll answers `cancel_pending`.
    fn cancel(&mut self, id: &str, pacing: Pacing, pending: bool) -> CancelOutcome {
        match self.jobs.get_mut(id) {
            None => CancelOutcome::Unknown,
            Some(job) if matches!(job.state, JobState::Canceled | JobState::CancelPending) => {
                CancelOutcome::AlreadyCancelled
            }
            Some(job) if job.state != JobState::Held && job.phase(pacing) == Phase::Done => {
                CancelOutcome::Completed
            }
            Some(job) => {
                job.state = if pending {
                    JobState::CancelPending
                } else {
                    JobState::Canceled
                };
                CancelOutcome::Cancelled
            }
        }
    }

    /// The ids of the jobs a client cancelled.
    pub(super) fn cancelled_ids(&self) -> Vec<String> {
        self.jobs
            .iter()
            .filter(|(_, job)| matches!(job.state, JobState::Canceled | JobState::CancelPending))
            .map(|(id, _)| id.clone())
            .collect()
    }
}

impl<R> Job<R> {
    /// Where the job stands, after the polls counted so far or the time
    /// elapsed.
    fn phase(&self, pacing: Pacing) -> Phase {
        match pacing {
            Pacing::Time(duration) => {
                let elapsed = self.submitted_at.elapsed();
                if elapsed >= duration {
                    Phase::Done
                } else if elapsed < duration / 10 {
                    Phase::Pending
                } else {
                    Phase::Running(100.0 * elapsed.as_secs_f64() / duration.as_secs_f64())
                }
            }
            Pacing::Polls(done_after) => {
                if self.polls > done_after {
                    Phase::Done
                } else if self.polls <= 1 {
                    Phase::Pending
                } else {
                    Phase::Running(100.0 * f64::from(self.polls) / (f64::from(done_after) + 1.0))
                }
            }
        }
    }
}

impl Store {
    /// How fast jobs finish, as the settings say.
    fn pacing(&self) -> Pacing {
        match self.settings.job_duration {
            Some(duration) => Pacing::Time(duration),
            None => Pacing::Polls(self.settings.polls_until_done),
        }
    }

    /// Whether a submission that can be refused for content is
    /// (`content_policy_every`, counted over such submissions only).
    pub(crate) fn refuses_content(&self) -> bool {
        let n = next(&self.content_checked);
        let refused = self.settings.faults.refuses_content(n);
        if refused {
            self.record(Fired::ContentPolicy);
        }
        refused
    }

    /// Submits a job that will have made `record`: numbers it among the
    /// jobs of every API, lets the job faults decide how it ends, and
    /// keeps it under the id `id_for(number)` (each API writes its ids).
    pub(crate) fn submit_job<K: JobKind>(
        &self,
        id_for: impl FnOnce(u64) -> String,
        record: K,
    ) -> String {
        let n = next(&self.jobs_submitted);
        let faults = &self.settings.faults;
        let held = self
            .settings
            .jobs_that_finish
            .is_some_and(|count| n > count);
        let state = if held {
            JobState::Held
        } else if faults.fails_job(n) {
            JobState::Failing
        } else if faults.times_out_job(n) {
            JobState::TimingOut
        } else {
            JobState::Active
        };
        let id = id_for(n);
        let now = SystemTime::now();
        let job = Job {
            submitted_at: Instant::now(),
            created: now,
            modified: now,
            last_seen: None,
            polls: 0,
            state,
            record,
        };
        K::table(&mut self.lock()).jobs.insert(id.clone(), job);
        id
    }

    /// A poll of job `id` of kind `K`; `None` if there is no such job.
    /// The fault behind a `failed`, `timeout` or `cancel_pending` status
    /// counts as served each time it is answered.
    pub(crate) fn poll_job<K: JobKind>(&self, id: &str) -> Option<JobStatus<K>> {
        self.poll_job_timed(id).map(|polled| polled.status)
    }

    /// [`Store::poll_job`], with the job's times.
    pub(crate) fn poll_job_timed<K: JobKind>(&self, id: &str) -> Option<Polled<K>> {
        let pacing = self.pacing();
        let polled = K::table(&mut self.lock()).poll_timed(id, pacing)?;
        match polled.status {
            JobStatus::CancelPending => self.record(Fired::CancelPending),
            JobStatus::Failed => self.record(Fired::FailedJob),
            JobStatus::TimedOut => self.record(Fired::TimedOutJob),
            _ => {}
        }
        Some(polled)
    }

    /// Cancels job `id` of kind `K`.
    pub(crate) fn cancel_job<K: JobKind>(&self, id: &str) -> CancelOutcome {
        let pacing = self.pacing();
        let pending = self.settings.faults.cancel_pending;
        K::table(&mut self.lock()).cancel(id, pacing, pending)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table_with(id: &str, state: JobState) -> Jobs<&'static str> {
        let mut jobs = Jobs::default();
        jobs.jobs.insert(
            id.into(),
            Job {
                submitted_at: Instant::now(),
                created: SystemTime::now(),
                modified: SystemTime::now(),
                last_seen: None,
                polls: 0,
                state,
                record: "made",
            },
        );
        jobs
    }

    #[test]
    fn a_job_is_pending_then_running_then_done_by_polls() {
        let mut jobs = table_with("a", JobState::Active);
        let pacing = Pacing::Polls(2);
        assert_eq!(jobs.poll("a", pacing), Some(JobStatus::Pending));
        assert!(matches!(
            jobs.poll("a", pacing),
            Some(JobStatus::Running(_))
        ));
        assert_eq!(jobs.poll("a", pacing), Some(JobStatus::Succeeded("made")));
        assert_eq!(jobs.poll("b", pacing), None);
    }

    #[test]
    fn a_failing_job_fails_when_done_and_a_done_job_cannot_be_cancelled() {
        let mut jobs = table_with("a", JobState::Failing);
        let pacing = Pacing::Polls(0);
        assert_eq!(jobs.poll("a", pacing), Some(JobStatus::Failed));
        assert_eq!(jobs.cancel("a", pacing, false), CancelOutcome::Completed);
        assert_eq!(jobs.cancel("b", pacing, false), CancelOutcome::Unknown);
    }

    #[test]
    fn a_held_job_runs_until_it_is_cancelled() {
        let mut jobs = table_with("a", JobState::Held);
        let pacing = Pacing::Polls(0);
        for _ in 0..5 {
            assert!(matches!(
                jobs.poll("a", pacing),
                Some(JobStatus::Running(_))
            ));
        }
        assert_eq!(jobs.cancel("a", pacing, false), CancelOutcome::Cancelled);
        assert_eq!(jobs.poll("a", pacing), Some(JobStatus::Cancelled));
    }

    #[test]
    fn a_pending_cancel_is_answered_once_then_the_job_is_cancelled() {
        let mut jobs = table_with("a", JobState::Active);
        let pacing = Pacing::Polls(5);
        assert_eq!(jobs.cancel("a", pacing, true), CancelOutcome::Cancelled);
        assert_eq!(
            jobs.cancel("a", pacing, true),
            CancelOutcome::AlreadyCancelled
        );
        assert_eq!(jobs.poll("a", pacing), Some(JobStatus::CancelPending));
        assert_eq!(jobs.poll("a", pacing), Some(JobStatus::Cancelled));
        assert_eq!(jobs.cancelled_ids(), ["a"]);
    }
}
