//! The session's end. A client that closes stdin with jobs in flight has
//! paid for them: every call still running is cancelled at once (its job
//! cancelled at Firefly, within the cancel deadline), each job id is logged
//! at warn, and the jobs that were not settled are recorded in the output
//! folder's journal (`.firefly-journal.jsonl`, state `interrupted`), where
//! the next run and `firefly image gallery` find them.

use std::{
    collections::BTreeMap,
    path::Path,
    pin::Pin,
    sync::Mutex,
    task::{Context, Poll},
    time::Duration,
};

use tokio::{
    io::{AsyncRead, ReadBuf},
    sync::Notify,
    time::Instant,
};
use tokio_util::sync::CancellationToken;

use crate::journal::Journal;

/// The calls in flight and the jobs they submitted.
#[derive(Default)]
pub struct Session {
    /// Cancelled when stdin ends: every call stops.
    closed: CancellationToken,
    state: Mutex<State>,
    /// Told whenever a call ends.
    changed: Notify,
}

#[derive(Default)]
struct State {
    calls: usize,
    /// By job id: the jobs submitted and not settled.
    jobs: BTreeMap<String, Job>,
}

/// A job submitted by a call.
#[derive(Clone, Debug)]
pub struct Job {
    pub tool: String,
    /// The request's identity in the journal.
    pub key: String,
    pub prompt: Option<String>,
    /// What became of it once the session closed; `None` while its call
    /// still runs.
    pub outcome: Option<String>,
    /// How the user reads the job again (`` `firefly job status ID` ``),
    /// when something can.
    pub read_again: Option<String>,
}

/// How a call left its job.
pub enum Ending {
    /// Finished, failed, or answered to a client still there: nothing to
    /// record.
    Settled,
    /// Cancelled with the call; why the cancel failed, if it did.
    Cancelled(Result<(), String>),
    /// It succeeded but some outputs could not be saved.
    Unsaved,
}

impl Ending {
    /// The outcome in the audit log's words, given whether the call's
    /// answer was an error.
    pub fn audit_word(&self, answered_with_error: bool) -> &'static str {
        match self {
            Self::Cancelled(_) => "cancelled",
            Self::Unsaved => "unsaved",
            Self::Settled if answered_with_error => "failed",
            Self::Settled => "succeeded",
        }
    }
}

impl Session {
    /// `stdin`, which closes the session when it ends (or fails).
    pub fn watch<R>(&self, stdin: R) -> Watched<R> {
        Watched {
            inner: stdin,
            closed: self.closed.clone(),
        }
    }

    /// Whether stdin has ended.
    pub fn is_closed(&self) -> bool {
        self.closed.is_cancelled()
    }

    /// Closes the session (stdin ended, or serving stopped otherwise).
    pub fn close(&self) {
        self.closed.cancel();
    }

    /// A call starts: its cancellation fires when the client cancels it
    /// (`client`) or the session closes. The call counts as running until
    /// the guard is dropped.
    pub fn call(&self, client: CancellationToken) -> CallGuard<'_> {
        self.lock().calls += 1;
        let cancelled = self.closed.child_token();
        let linked = cancelled.clone();
        // Ends with the call at the latest: the guard cancels `cancelled`.
        tokio::spawn(async move {
            tokio::select! {
                () = client.cancelled() => linked.cancel(),
                () = linked.cancelled() => {}
            }
        });
        CallGuard {
            session: self,
            cancelled,
        }
    }

    /// A call submitted `job_id`, which `read_again` reads again.
    pub fn submitted(
        &self,
        job_id: &str,
        tool: &str,
        key: &str,
        prompt: Option<&str>,
        read_again: Option<String>,
    ) {
        let job = Job {
            tool: tool.to_owned(),
            key: key.to_owned(),
            prompt: prompt.map(str::to_owned),
            outcome: None,
            read_again,
        };
        self.lock().jobs.insert(job_id.to_owned(), job);
    }

    /// A call is done with `job_id`: forgotten, unless the session closed
    /// and the job was not settled.
    pub fn ended(&self, job_id: &str, ending: Ending) {
        let read_again = self
            .lock()
            .jobs
            .get(job_id)
            .and_then(|job| job.read_again.clone());
        let shows = |what: &str| match &read_again {
            Some(command) => format!("{command} {what}"),
            None => format!("its id is {job_id}"),
        };
        let outcome = match ending {
            _ if !self.is_closed() => None,
            Ending::Settled => None,
            Ending::Cancelled(Ok(())) => {
                tracing::warn!(job_id, "the client went away; the job was cancelled");
                Some("the MCP client went away during the call; the job was cancelled".to_owned())
            }
            Ending::Cancelled(Err(reason)) => {
                tracing::warn!(job_id, %reason, "the client went away; the job could not be cancelled");
                Some(format!(
                    "the MCP client went away during the call, and the job could not be \
                     cancelled ({reason}): it may still finish; {}",
                    shows("shows it and its outputs' URLs")
                ))
            }
            Ending::Unsaved => Some(format!(
                "the MCP client went away during the call; the job succeeded, but not all of its \
                 outputs were saved: {}",
                shows("gives their URLs")
            )),
        };
        let mut state = self.lock();
        match outcome {
            Some(outcome) => {
                if let Some(job) = state.jobs.get_mut(job_id) {
                    job.outcome = Some(outcome);
                }
            }
            None => {
                state.jobs.remove(job_id);
            }
        }
    }

    /// Waits until every call has ended, or `limit` has passed, and
    /// returns the jobs left unsettled, by job id.
    pub async fn settle(&self, limit: Duration) -> BTreeMap<String, Job> {
        let deadline = Instant::now() + limit;
        loop {
            // Registered before the count is read, so no ending is missed.
            let changed = self.changed.notified();
            if self.lock().calls == 0 {
                break;
            }
            if tokio::time::timeout_at(deadline, changed).await.is_err() {
                tracing::warn!("calls still running at the deadline are abandoned");
                break;
            }
        }
        self.lock().jobs.clone()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// Records the jobs the session left in `dir`'s journal, logging each.
pub fn record(dir: &Path, jobs: &BTreeMap<String, Job>) {
    if jobs.is_empty() {
        return;
    }
    let journal = match Journal::open(dir) {
        Ok(journal) => journal,
        Err(error) => {
            for job_id in jobs.keys() {
                tracing::warn!(job_id, %error, "cannot record the job in the journal");
            }
            return;
        }
    };
    for (job_id, job) in jobs {
        let problem = job.outcome.clone().unwrap_or_else(|| {
            let shows = match &job.read_again {
                Some(command) => format!("{command} shows the job and its outputs' URLs"),
                None => format!("its id is {job_id}"),
            };
            format!(
                "the MCP client went away and the server stopped before the call ended; {shows}"
            )
        });
        let recorded =
            journal.interrupted(&job.key, &job.tool, job.prompt.as_deref(), job_id, &problem);
        match recorded {
            Ok(()) => tracing::warn!(
                job_id, tool = %job.tool, journal = %dir.join(crate::journal::FILE_NAME).display(),
                "a job of a call the client left is recorded in the journal"
            ),
            Err(error) => tracing::warn!(job_id, %error, "cannot record the job in the journal"),
        }
    }
}

/// A running call: its cancellation, and its place in the count.
pub struct CallGuard<'a> {
    session: &'a Session,
    pub cancelled: CancellationToken,
}

impl Drop for CallGuard<'_> {
    fn drop(&mut self) {
        self.cancelled.cancel();
        self.session.lock().calls -= 1;
        self.session.changed.notify_waiters();
    }
}

/// Stdin, telling the session when it ends.
pub struct Watched<R> {
    inner: R,
    closed: CancellationToken,
}

impl<R: AsyncRead + Unpin> AsyncRead for Watched<R> {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<std::io::Result<()>> {
        let before = buf.filled().len();
        let polled = Pin::new(&mut self.inner).poll_read(cx, buf);
        let ended = match &polled {
            Poll::Ready(Ok(())) => buf.filled().len() == before && buf.remaining() > 0,
            Poll::Ready(Err(_)) => true,
            Poll::Pending => false,
        };
        if ended && !self.closed.is_cancelled() {
            tracing::info!("stdin ended: the client went away");
            self.closed.cancel();
        }
        polled
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(start_paused = true)]
    async fn jobs_of_calls_the_closing_session_cut_short_are_kept() {
        let session = Session::default();
        let client = CancellationToken::new();
        let call = session.call(client.clone());
        session.submitted("job-1", "generate_images", "k1", Some("a cat"), None);
        let other = session.call(CancellationToken::new());
        session.submitted("job-2", "generate_images", "k2", None, None);
        // Settled before the session closed: forgotten.
        session.ended("job-2", Ending::Settled);
        drop(other);
        session.close();
        assert!(call.cancelled.is_cancelled());
        session.ended("job-1", Ending::Cancelled(Err("no answer".into())));
        drop(call);
        let left = session.settle(Duration::from_secs(20)).await;
        assert_eq!(left.keys().collect::<Vec<_>>(), ["job-1"]);
        assert!(
            left["job-1"]
                .outcome
                .as_deref()
                .unwrap()
                .contains("no answer")
        );
    }

    #[test]
    fn a_job_left_behind_is_recorded_with_what_reads_it_for_its_own_api() {
        let session = Session::default();
        let read = "`firefly audio status av-1`".to_owned();
        session.submitted("av-1", "speech", "k1", None, Some(read));
        session.submitted("id-1", "indesign_merge", "k2", None, None);
        session.close();
        session.ended("av-1", Ending::Unsaved);
        session.ended("id-1", Ending::Cancelled(Err("no cancel".into())));
        let jobs = session.lock().jobs.clone();
        let audio = jobs["av-1"].outcome.as_deref().unwrap();
        assert!(
            audio.contains("`firefly audio status av-1` gives their URLs"),
            "{audio}"
        );
        assert!(!audio.contains("firefly job status"), "{audio}");
        let indesign = jobs["id-1"].outcome.as_deref().unwrap();
        assert!(indesign.ends_with("its id is id-1"), "{indesign}");
    }

    #[tokio::test(start_paused = true)]
    async fn settling_waits_for_running_calls_no_longer_than_the_limit() {
        let session = Session::default();
        let _stuck = session.call(CancellationToken::new());
        session.submitted("job-1", "upscale_image", "k", None, None);
        let started = Instant::now();
        let left = session.settle(Duration::from_secs(20)).await;
        assert_eq!(started.elapsed(), Duration::from_secs(20));
        assert_eq!(left["job-1"].outcome, None);
    }

    #[tokio::test]
    async fn a_call_cancelled_by_the_client_is_cancelled_without_closing_the_session() {
        let session = Session::default();
        let client = CancellationToken::new();
        let call = session.call(client.clone());
        client.cancel();
        tokio::time::timeout(Duration::from_secs(10), call.cancelled.cancelled())
            .await
            .expect("the call is cancelled");
        assert!(!session.is_closed());
    }
}
