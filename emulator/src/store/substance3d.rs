//! What the store keeps of the Substance 3D API: its jobs (the request
//! and, once the work is done, what came of it) and its spaces (upload
//! areas holding files until they expire).

use std::{
    collections::HashMap,
    sync::Arc,
    time::{Duration, SystemTime},
};

use serde_json::Value;
use tokio::sync::OnceCell;

use super::{Data, Store, jobs::JobKind, jobs::Jobs, new_uuid};

/// A Substance 3D job.
#[derive(Clone, Debug)]
pub(crate) struct Substance3dJob {
    /// The operation's path, such as `/v1/scenes/render`.
    pub(crate) operation: &'static str,
    /// The request body, as checked against the operation's schema.
    pub(crate) request: Arc<Value>,
    /// What the work came to, set once by the first poll that finds the
    /// job done: the job's `result`, or why it failed.
    pub(crate) outcome: Arc<OnceCell<Result<Value, String>>>,
}

impl Substance3dJob {
    /// A job of `operation` for this request, its work not yet done.
    pub(crate) fn new(operation: &'static str, request: Value) -> Self {
        Self {
            operation,
            request: Arc::new(request),
            outcome: Arc::new(OnceCell::new()),
        }
    }
}

impl JobKind for Substance3dJob {
    fn table(data: &mut Data) -> &mut Jobs<Self> {
        &mut data.substance3d.jobs
    }
}

/// One file in a space.
#[derive(Clone, Debug)]
pub(crate) struct SpaceFile {
    /// Its path in the space.
    pub(crate) name: String,
    pub(crate) content: Arc<[u8]>,
}

/// A space: files, until it expires.
#[derive(Clone, Debug)]
pub(crate) struct Space {
    pub(crate) files: Vec<SpaceFile>,
    pub(crate) expires: SystemTime,
}

/// Why a space's files are not given.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum SpaceRefusal {
    Unknown,
    Expired,
}

/// The Substance 3D API's tables.
#[derive(Default)]
pub(crate) struct Substance3dData {
    jobs: Jobs<Substance3dJob>,
    spaces: HashMap<String, Space>,
}

impl Store {
    /// Keeps `files` in a new space for `lifetime`; its id and expiry.
    pub(crate) fn create_space(
        &self,
        files: Vec<SpaceFile>,
        lifetime: Duration,
    ) -> (String, SystemTime) {
        let id = new_uuid();
        let expires = SystemTime::now() + lifetime;
        self.lock()
            .substance3d
            .spaces
            .insert(id.clone(), Space { files, expires });
        (id, expires)
    }

    /// The files of space `id`, if it exists and has not expired.
    pub(crate) fn space(&self, id: &str) -> Result<Space, SpaceRefusal> {
        let data = self.lock();
        let space = data
            .substance3d
            .spaces
            .get(id)
            .ok_or(SpaceRefusal::Unknown)?;
        if space.expires <= SystemTime::now() {
            return Err(SpaceRefusal::Expired);
        }
        Ok(space.clone())
    }
}
