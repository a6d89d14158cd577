//! [`Store`]: what the emulator remembers between requests, as plain Rust
//! with no HTTP in it: the issued tokens and the credential's secrets
//! (`credentials`), which request is admitted and which fault falls on it
//! (`admission`), jobs of every API (`jobs`, with each API's record:
//! `firefly`, `photoshop`), uploads and stored outputs (`files`), the fault
//! counters and the request log.
//!
//! Its methods say what happened in typed results (a [`Refusal`], a
//! [`JobStatus`], a [`FileRefusal`], ...); the routes turn those into
//! answers in each API's shapes, so a handler is glue between HTTP and
//! the store.

mod admission; // faults, tokens, API key, scope and quota: admit or refuse
mod audio_video; // what the store keeps of an Audio/Video job
mod credentials; // tokens, the client-credentials grant, client secrets
mod files; // uploads and stored outputs behind signed names
mod firefly; // what the store keeps of a Firefly job
mod indesign; // what the store keeps of an InDesign job, and the custom scripts
mod jobs; // jobs of any API: numbering, faults, phases, cancelling
mod photoshop; // what the store keeps of a Photoshop job
mod substance3d; // what the store keeps of Substance 3D: jobs and spaces

pub(crate) use admission::{Credentials, Refusal};
pub(crate) use audio_video::AudioVideoJob;
pub(crate) use credentials::GrantRefusal;
pub(crate) use files::{FileRefusal, OutputInfo, OutputKind, OutputSize, SignedFile, UploadSize};
pub(crate) use firefly::{FireflyJob, Output, ResultShape};
pub(crate) use indesign::InDesignJob;
pub(crate) use jobs::{CancelOutcome, JobStatus, Polled};
pub(crate) use photoshop::{JobProblem, PhotoshopJob, WorkOutcome};
pub(crate) use substance3d::{SpaceFile, SpaceRefusal, Substance3dJob};

use std::{
    collections::{HashMap, VecDeque},
    sync::{
        Mutex, MutexGuard, PoisonError,
        atomic::{AtomicU64, Ordering},
    },
};

use tokio::time::Instant;

use crate::{
    faults::{FaultCounters, FaultsServed, Fired},
    settings::EmulatorBuilder,
};
use credentials::{IssuedToken, Secret};
use files::Files;
use jobs::Jobs;

/// One request the emulator received, for tests to inspect.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct ReceivedRequest {
    /// The method.
    pub method: String,
    /// The path, without the query.
    pub path: String,
    /// Whether it had an `Authorization` header.
    pub had_authorization: bool,
    /// Whether it had an `x-api-key` header.
    pub had_api_key: bool,
    /// When it arrived.
    pub received_at: std::time::Instant,
}

/// Everything a running emulator remembers, shared by every API's routes.
pub(crate) struct Store {
    /// The settings it was started with; read-only.
    pub(crate) settings: EmulatorBuilder,
    /// API requests so far: the request faults count them.
    api_requests: AtomicU64,
    /// Jobs submitted so far, of every API: the job faults count them.
    jobs_submitted: AtomicU64,
    /// Job submissions that `content_policy_every` may refuse, so far.
    content_checked: AtomicU64,
    tokens_issued: AtomicU64,
    faults_fired: FaultCounters,
    data: Mutex<Data>,
}

/// The mutable part of the store, behind one lock never held across
/// `.await` (the store has no `.await` at all).
pub(crate) struct Data {
    tokens: HashMap<String, IssuedToken>,
    secrets: Vec<Secret>,
    /// One table of jobs per API, each with its own record.
    firefly_jobs: Jobs<FireflyJob>,
    photoshop_jobs: Jobs<PhotoshopJob>,
    /// Substance 3D's jobs and spaces.
    substance3d: substance3d::Substance3dData,
    audio_video_jobs: Jobs<AudioVideoJob>,
    indesign_jobs: Jobs<InDesignJob>,
    indesign_scripts: indesign::Scripts,
    files: Files,
    /// When the client id's recent requests arrived, for the quota.
    recent_requests: HashMap<String, VecDeque<Instant>>,
    log: Vec<ReceivedRequest>,
}

impl Store {
    /// A fresh store: no tokens, no jobs, no files, and the configured
    /// client secret as the credential's only secret.
    pub(crate) fn new(settings: EmulatorBuilder) -> Self {
        let first_secret = Secret::first(settings.client_secret.clone());
        Self {
            settings,
            api_requests: AtomicU64::new(0),
            jobs_submitted: AtomicU64::new(0),
            content_checked: AtomicU64::new(0),
            tokens_issued: AtomicU64::new(0),
            faults_fired: FaultCounters::default(),
            data: Mutex::new(Data {
                tokens: HashMap::new(),
                secrets: vec![first_secret],
                firefly_jobs: Jobs::default(),
                photoshop_jobs: Jobs::default(),
                substance3d: Default::default(),
                audio_video_jobs: Jobs::default(),
                indesign_jobs: Jobs::default(),
                indesign_scripts: indesign::Scripts::new(),
                files: Files::default(),
                recent_requests: HashMap::new(),
                log: Vec::new(),
            }),
        }
    }

    /// The data. A panic while the lock was held leaves nothing half
    /// written that later requests could trip on, so a poisoned lock is
    /// taken as it is rather than failing every request after it.
    fn lock(&self) -> MutexGuard<'_, Data> {
        self.data.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Records a request in the log.
    pub(crate) fn log(&self, method: &str, path: &str, had_authorization: bool, had_api_key: bool) {
        self.lock().log.push(ReceivedRequest {
            method: method.to_owned(),
            path: path.to_owned(),
            had_authorization,
            had_api_key,
            received_at: std::time::Instant::now(),
        });
    }

    /// Every request received so far, in order.
    pub(crate) fn requests(&self) -> Vec<ReceivedRequest> {
        self.lock().log.clone()
    }

    /// How many times each fault has fired so far.
    pub(crate) fn faults_served(&self) -> FaultsServed {
        self.faults_fired.served()
    }

    /// Counts a fault that fired.
    fn record(&self, fired: Fired) {
        self.faults_fired.record(fired);
    }

    /// The ids of the jobs a client cancelled, of every API (Photoshop's
    /// jobs cannot be cancelled).
    pub(crate) fn canceled_jobs(&self) -> Vec<String> {
        self.lock().firefly_jobs.cancelled_ids()
    }
}

/// The next value of a counter, counting from 1.
fn next(counter: &AtomicU64) -> u64 {
    counter.fetch_add(1, Ordering::Relaxed) + 1
}

/// A random version-4 UUID.
fn new_uuid() -> String {
    let random = fastrand::u128(..);
    format!(
        "{:08x}-{:04x}-4{:03x}-{:04x}-{:012x}",
        (random >> 96) as u32,
        (random >> 80) as u16,
        (random >> 68) as u16 & 0x0fff,
        ((random >> 52) as u16 & 0x3fff) | 0x8000,
        random as u64 & 0xffff_ffff_ffff,
    )
}
