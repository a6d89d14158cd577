//! What the store keeps of a Photoshop job: the request it was given and,
//! once its work is done, what came of it.
//!
//! A Photoshop job's work (reading its inputs from the user's storage,
//! writing its outputs there) is done by the routes, over HTTP, when a
//! poll first finds the job done; the store keeps its outcome so that
//! every later poll answers the same, and so that two polls arriving at
//! once do the work once.

use std::sync::Arc;

use serde_json::Value;
use tokio::sync::OnceCell;

use super::{Data, jobs::JobKind, jobs::Jobs};

/// A Photoshop job.
#[derive(Clone, Debug)]
pub(crate) struct PhotoshopJob {
    /// The operation's path, such as `/v2/edit`.
    pub(crate) operation: &'static str,
    /// The request body, as checked against the operation's schema.
    pub(crate) request: Arc<Value>,
    /// What the work came to, set once by the first poll that finds the
    /// job done (the others wait for it).
    pub(crate) outcome: Arc<OnceCell<WorkOutcome>>,
}

impl PhotoshopJob {
    /// A job of `operation` for this request, its work not yet done.
    pub(crate) fn new(operation: &'static str, request: Value) -> Self {
        Self {
            operation,
            request: Arc::new(request),
            outcome: Arc::new(OnceCell::new()),
        }
    }
}

/// What a Photoshop job's work came to.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum WorkOutcome {
    /// Done: the job's `result`, as the routes wrote it.
    Succeeded(Value),
    /// Failed, with one problem per reason (the status's `errorDetails`).
    Failed(Vec<JobProblem>),
}

/// One reason a job failed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct JobProblem {
    pub(crate) code: String,
    pub(crate) message: String,
}

impl JobProblem {
    pub(crate) fn new(code: &str, message: impl Into<String>) -> Self {
        Self {
            code: code.to_owned(),
            message: message.into(),
        }
    }
}

impl JobKind for PhotoshopJob {
    fn table(data: &mut Data) -> &mut Jobs<Self> {
        &mut data.photoshop_jobs
    }
}
