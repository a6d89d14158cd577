//! What the store keeps of a Firefly job: what it made, for its status to
//! answer once it succeeds.

use super::{Data, files::OutputKind, jobs::JobKind, jobs::Jobs};

/// A Firefly job's result.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct FireflyJob {
    /// Its images or videos, each behind a signed URL of the emulator's
    /// storage.
    pub(crate) outputs: Vec<Output>,
    /// The size the result says its outputs have.
    pub(crate) size: (u32, u32),
    pub(crate) content_class: Option<String>,
    /// The result's `altText`: Image Model 5 writes one when asked to
    /// reason about the prompt for quality.
    pub(crate) alt_text: Option<String>,
    pub(crate) shape: ResultShape,
}

/// How a job's result is written: upscale results differ from the rest.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum ResultShape {
    /// `{size, outputs: [{seed, image|video: {url}}]}`.
    Generated,
    /// `{outputs: [{id, presignedUrl}]}`.
    Upscaled,
}

/// One generated image or video of a result.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Output {
    pub(crate) seed: i64,
    pub(crate) url: String,
    pub(crate) kind: OutputKind,
}

impl JobKind for FireflyJob {
    fn table(data: &mut Data) -> &mut Jobs<Self> {
        &mut data.firefly_jobs
    }
}
