//! Photoshop API v2 (`https://photoshop-api.adobe.io`), on the same
//! credential, token and retries as Firefly:
//! [`Firefly::photoshop`](crate::Firefly::photoshop) gives the handle.
//!
//! Every operation is asynchronous: it answers with a [`PhotoshopJob`],
//! which [`Photoshop::wait_for_job`] polls until the job succeeds (its
//! status, with the outputs, comes back) or fails ([`Error::JobFailed`](crate::Error::JobFailed) with
//! Adobe's `errorCode` and message). Requests are checked against the
//! limits of Adobe's schemas before anything is sent. Inputs and outputs
//! live in storage you provide: pre-signed URLs (GET for inputs, PUT for
//! outputs), Creative Cloud paths, or inline content; see
//! [`types::FileInput`] and the output types. Every URL must be on one of
//! the storage domains Photoshop accepts ([`STORAGE_HOSTS`]), or the
//! request is refused before it is sent. The `storage` feature signs such
//! URLs for S3, Azure and GCS. Outputs Adobe hosts (`validityPeriod`) are
//! listed with a URL in the job's `result.outputs`: download them with
//! [`Firefly::download_to_file`](crate::Firefly::download_to_file), which
//! sends no credentials, bounds every read and wait, and refuses unsafe
//! redirects, as it does for pre-signed URLs to your own storage.
//!
//! ```no_run
//! # async fn demo(firefly: adobe_firefly::Firefly) -> Result<(), adobe_firefly::Error> {
//! use adobe_firefly::{WaitOptions, photoshop::types::GenerateManifestRequest};
//!
//! let photoshop = firefly.photoshop();
//! let request: GenerateManifestRequest = serde_json::from_value(serde_json::json!({
//!     "image": {"source": {"url": "https://bucket.s3.amazonaws.com/in.psd?sig=..."}}
//! })).expect("a request Adobe's schema accepts");
//! let job = photoshop.generate_manifest(request).await?;
//! let done = photoshop.wait_for_job(&job, &WaitOptions::default()).await?;
//! println!("{:?}", done.result);
//! # Ok(()) }
//! ```

mod job;
mod operations;
pub(crate) mod storage_hosts;

use url::Url;

pub use job::PhotoshopJob;
pub use operations::PhotoshopRequest;
pub use storage_hosts::{STORAGE_HOSTS, StorageHostError, StorageHostProblem, is_storage_host};

use crate::{generated::photoshop as generated, transport::Transport};

/// The request and response types of Photoshop API v2, generated from
/// `openapi/photoshop/photoshop.yaml`. All of them are public: a request
/// can hold any of them (layers, adjustments, inputs, outputs), so each is
/// needed to build one.
pub mod types {
    pub use crate::generated::photoshop::types::*;
}

/// The Photoshop API v2, on a [`Firefly`](crate::Firefly) client's credential.
///
/// Cheap to clone; clones share the connection pool and the token.
#[derive(Clone)]
pub struct Photoshop {
    raw: generated::Client,
    api_url: Url,
    storage: storage_hosts::StoragePolicy,
}

impl Photoshop {
    /// `any_storage_host`: send storage URLs outside [`STORAGE_HOSTS`].
    pub(crate) fn new(
        api_url: &Url,
        http: reqwest::Client,
        transport: Transport,
        any_storage_host: bool,
    ) -> Self {
        Self {
            raw: generated::Client::new_with_client(
                &crate::config::trimmed(api_url),
                http,
                transport,
            ),
            api_url: api_url.clone(),
            storage: storage_hosts::StoragePolicy::new(api_url, any_storage_host),
        }
    }

    /// The base URL requests go to.
    pub fn api_url(&self) -> &str {
        self.api_url.as_str()
    }
}

impl std::fmt::Debug for Photoshop {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Photoshop")
            .field("api_url", &self.api_url.as_str())
            .finish_non_exhaustive()
    }
}
