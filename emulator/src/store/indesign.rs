//! What the store keeps for the InDesign API: each job's operation, its
//! checked request and, once its work is done, the status body it ended
//! with; and the custom scripts uploaded to this emulator, by name.

use std::{collections::BTreeMap, sync::Arc};

use serde_json::Value;
use tokio::sync::OnceCell;

use super::{Data, Store, jobs::JobKind, jobs::Jobs};

/// An InDesign job.
#[derive(Clone, Debug)]
pub(crate) struct InDesignJob {
    /// The operation's path, such as `/v3/create-rendition`.
    pub(crate) operation: String,
    /// The request body, as checked against the operation's schema.
    pub(crate) request: Arc<Value>,
    /// The finished status's fields (`status`, `data`, `outputs`,
    /// `errors`), set once by the first poll that finds the job done.
    pub(crate) outcome: Arc<OnceCell<Value>>,
}

impl InDesignJob {
    /// A job of `operation` for this request, its work not yet done.
    pub(crate) fn new(operation: String, request: Value) -> Self {
        Self {
            operation,
            request: Arc::new(request),
            outcome: Arc::new(OnceCell::new()),
        }
    }
}

impl JobKind for InDesignJob {
    fn table(data: &mut Data) -> &mut Jobs<Self> {
        &mut data.indesign_jobs
    }
}

/// The uploaded custom scripts, by name: each one's details as
/// `GET /v3/scripts/{name}` answers them.
pub(crate) type Scripts = BTreeMap<String, Value>;

impl Store {
    /// Runs `change` on the uploaded custom scripts, under the store's lock.
    pub(crate) fn indesign_scripts<T>(&self, change: impl FnOnce(&mut Scripts) -> T) -> T {
        change(&mut self.lock().indesign_scripts)
    }
}

impl Store {
    /// Whether the InDesign job numbered `n` ends `partial_success`
    /// (`partial_success_every`).
    pub(crate) fn indesign_partial_success(&self, n: u64) -> bool {
        self.settings.faults.partial_success(n)
    }
}
