//! What one tool call works with: the client, where results go, how to
//! wait, where progress is reported, and the client's cancellation.

use adobe_firefly::{Firefly, WaitOptions};
use tokio_util::sync::CancellationToken;

use super::progress::Progress;

/// What one call works with.
pub struct Call<'a> {
    pub firefly: &'a Firefly,
    pub output_dir: &'a std::path::Path,
    pub wait: &'a WaitOptions,
    pub progress: Progress,
    pub cancelled: CancellationToken,
}
