//! One handle for a job of any API: its id, its status, waiting for it, and
//! cancelling it where the API can. What differs between APIs (where the
//! status is read, its shape, what a finished job gives) is a small adapter
//! per API: [`JobApi`], implemented next to each API's front door.

use std::fmt;

use futures::future::BoxFuture;

use crate::{Api, Error, Firefly, WaitOptions, wait::poll_until_done, wire::JobStatus};

mod firefly;

/// A job an API accepted: read its status, wait for it, cancel it where the
/// API has a way to.
///
/// Made by [`Firefly::track`] (or [`Photoshop::track`], feature
/// `photoshop`), or by [`Job::new`] from any API's front door and the
/// reference its operation answered with. Cheap to clone.
///
/// [`Photoshop::track`]: crate::photoshop::Photoshop::track
///
/// ```no_run
/// # async fn demo(firefly: adobe_firefly::Firefly) -> Result<(), adobe_firefly::Error> {
/// use adobe_firefly::WaitOptions;
///
/// let job = firefly.track(firefly.job("urn:ff:jobs:...")?);
/// println!("{} job {}", job.api().name(), job.id());
/// let result = job.wait(&WaitOptions::default()).await?;
/// # let _ = result; Ok(()) }
/// ```
#[derive(Clone)]
pub struct Job<A: JobApi> {
    api: A,
    reference: A::Reference,
}

impl<A: JobApi> Job<A> {
    /// A handle for the job `reference` names, on the API `api` reaches.
    pub fn new(api: A, reference: A::Reference) -> Self {
        Self { api, reference }
    }

    /// Which API runs the job.
    pub fn api(&self) -> Api {
        A::API
    }

    /// The job's id.
    pub fn id(&self) -> &str {
        A::job_id(&self.reference)
    }

    /// What the API answered when it accepted the job (its id and links).
    pub fn reference(&self) -> &A::Reference {
        &self.reference
    }

    /// The job's current status, in the API's own shape.
    ///
    /// A job id that [`Firefly::check_job_id`] refuses is an
    /// [`Error::Validation`]; nothing is sent.
    pub async fn status(&self) -> Result<A::Status, Error> {
        status(&self.api, &self.reference).await
    }

    /// Polls the job until it finishes, with the options' backoff and
    /// deadline, and returns what it made. The first read waits at least as
    /// long as the API asked when it accepted the job (Substance 3D's
    /// `Retry-After`).
    ///
    /// A job that ends in a failed state is an [`Error::JobFailed`] with the
    /// API's error code and message; running out of time is an
    /// [`Error::WaitTimeout`] naming the job, so the wait can be resumed. A
    /// poll failing in a way retrying cannot fix ends the wait at once with
    /// that error; retryable failures (429, 503, cut connections) are polled
    /// through until the deadline, honouring `Retry-After`.
    pub async fn wait(&self, options: &WaitOptions) -> Result<A::Output, Error> {
        wait(&self.api, &self.reference, options, |_| {}).await
    }

    /// [`Job::wait`], calling `on_status` with every status read (for
    /// progress display).
    pub async fn wait_with(
        &self,
        options: &WaitOptions,
        on_status: impl FnMut(&A::Status),
    ) -> Result<A::Output, Error> {
        wait(&self.api, &self.reference, options, on_status).await
    }
}

impl<A: CancelJob> Job<A> {
    /// Asks the API to cancel the job. Only APIs that have a way to cancel
    /// (Firefly) offer this.
    ///
    /// A job id that [`Firefly::check_job_id`] refuses is an
    /// [`Error::Validation`]; nothing is sent.
    pub async fn cancel(&self) -> Result<(), Error> {
        Firefly::check_job_id(A::job_id(&self.reference))?;
        self.api.request_cancel(&self.reference).await
    }
}

impl<A: JobApi> fmt::Debug for Job<A> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Job")
            .field("api", &A::API)
            .field("reference", &self.reference)
            .finish_non_exhaustive()
    }
}

/// An API whose jobs a [`Job`] can follow: how it names a job, where it
/// reads a status and what the status means. Implemented by the SDK for
/// each API's front door ([`Firefly`], and
/// [`Photoshop`](crate::photoshop::Photoshop) with feature `photoshop`);
/// it cannot be implemented elsewhere.
pub trait JobApi: Clone + Send + Sync + sealed::Sealed {
    /// What the API answers when it accepts a job.
    type Reference: Clone + fmt::Debug + Send + Sync;
    /// One reading of a job's status, in the API's own shape.
    type Status: Send;
    /// What a job that succeeded gives.
    type Output: Send;
    /// The API.
    const API: Api;

    /// The id of the job `reference` names.
    fn job_id(reference: &Self::Reference) -> &str;

    /// Reads the job's status once (the id is already checked).
    fn read_status<'a>(
        &'a self,
        reference: &'a Self::Reference,
    ) -> BoxFuture<'a, Result<Self::Status, Error>>;

    /// Where the job is, in the SDK's vocabulary, if the status says.
    fn state(status: &Self::Status) -> Option<JobStatus>;

    /// The outcome of a terminal status; `None` while the job goes on.
    fn outcome(job_id: &str, status: Self::Status) -> Option<Result<Self::Output, Error>>;

    /// How long the API asked to wait before the next read, when a
    /// status it answered says (Substance 3D's `Retry-After`).
    fn retry_after(_status: &Self::Status) -> Option<std::time::Duration> {
        None
    }

    /// How long the API asked to wait before the first read, when its
    /// answer to the submission said (Substance 3D's `Retry-After`, capped
    /// where it was read).
    fn first_retry_after(_reference: &Self::Reference) -> Option<std::time::Duration> {
        None
    }
}

/// An API that can cancel its jobs ([`Firefly`]).
pub trait CancelJob: JobApi {
    /// Asks the API to cancel the job (the id is already checked).
    fn request_cancel<'a>(
        &'a self,
        reference: &'a Self::Reference,
    ) -> BoxFuture<'a, Result<(), Error>>;
}

/// Only the SDK's front doors are [`JobApi`]s: the trait's methods are
/// called with ids the handle has checked.
mod sealed {
    pub trait Sealed {}
}
pub(crate) use sealed::Sealed;

/// [`Job::status`], for front doors that keep their own `job_status`.
pub(crate) async fn status<A: JobApi>(
    api: &A,
    reference: &A::Reference,
) -> Result<A::Status, Error> {
    Firefly::check_job_id(A::job_id(reference))?;
    api.read_status(reference).await
}

/// [`Job::wait_with`], for front doors that keep their own `wait_for_job`.
pub(crate) async fn wait<A: JobApi>(
    api: &A,
    reference: &A::Reference,
    options: &WaitOptions,
    on_status: impl FnMut(&A::Status),
) -> Result<A::Output, Error> {
    let job_id = A::job_id(reference);
    Firefly::check_job_id(job_id)?;
    // The first read waits as the submission's answer asked, when it asked
    // for longer than the options' first poll; capped as every server-given
    // delay is, since the reference is plain data anyone can fill in.
    let asked_first;
    let asked =
        A::first_retry_after(reference).map(|asked| asked.min(crate::retry::MAX_SERVER_DELAY));
    let options = match asked {
        Some(asked) if asked > options.first_poll => {
            asked_first = options.clone().first_poll(asked);
            &asked_first
        }
        _ => options,
    };
    poll_until_done(
        job_id,
        options,
        || api.read_status(reference),
        A::state,
        |status| A::outcome(job_id, status),
        A::retry_after,
        on_status,
    )
    .await
}
