//! What the store keeps of an Audio/Video job: its operation, the request
//! it was given and, once its work is done, what came of it (the same
//! [`WorkOutcome`] as a Photoshop job's: done once, by the first poll that
//! finds the job done, while other polls wait).

use std::sync::Arc;

use serde_json::Value;
use tokio::sync::OnceCell;

use super::{Data, WorkOutcome, jobs::JobKind, jobs::Jobs};

/// An Audio/Video job.
#[derive(Clone, Debug)]
pub(crate) struct AudioVideoJob {
    /// The operation's path, such as `/v1/dub`.
    pub(crate) operation: &'static str,
    /// The request body, as checked against the operation's schema.
    pub(crate) request: Arc<Value>,
    /// What the work came to: `Succeeded` holds the status's fields
    /// (`output`, `outputs`).
    pub(crate) outcome: Arc<OnceCell<WorkOutcome>>,
}

impl AudioVideoJob {
    /// A job of `operation` for this request, its work not yet done.
    pub(crate) fn new(operation: &'static str, request: Value) -> Self {
        Self {
            operation,
            request: Arc::new(request),
            outcome: Arc::new(OnceCell::new()),
        }
    }
}

impl JobKind for AudioVideoJob {
    fn table(data: &mut Data) -> &mut Jobs<Self> {
        &mut data.audio_video_jobs
    }
}
