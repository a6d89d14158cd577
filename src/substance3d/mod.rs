//! The Substance 3D API (`https://s3d.adobe.io`): scene render, compose,
//! assemble, convert and describe, and upload spaces, on the same
//! credential, token and retries as Firefly:
//! [`Firefly::substance3d`](crate::Firefly::substance3d) gives the handle
//! (feature `substance3d`).
//!
//! Every operation is a job: it answers 202 with the job's id, state and
//! the `url` to poll, which [`Substance3d::wait_for_job`] follows (the
//! spec has no status path of its own), honouring `Retry-After` (capped at
//! an hour) within the wait's deadline. Credentials go to that URL only
//! when it is on the configured Substance 3D origin; any other host is
//! refused with [`ConfigError::UntrustedHost`](crate::ConfigError::UntrustedHost)
//! before anything is sent. [`Substance3d::wait_on_server`] asks the job's
//! URL to answer only once the job is done (`?wait=true`), within a
//! deadline, and polls after it. Inputs are read from URLs or from
//! [`Space`]s ([`Substance3d::create_space`]), which expire. Output URLs
//! (renders, scenes) download through
//! [`Firefly::download_to_file`](crate::Firefly::download_to_file), which
//! sends no credentials.
//!
//! ```no_run
//! # async fn demo(firefly: adobe_firefly::Firefly) -> Result<(), adobe_firefly::Error> {
//! use adobe_firefly::{WaitOptions, substance3d::types::RenderBasicRequest};
//!
//! let substance = firefly.substance3d();
//! let space = substance.create_space(["chair.glb"]).await?;
//! let request: RenderBasicRequest = serde_json::from_value(serde_json::json!({
//!     "sources": [space.source()],
//!     "scene": {"modelFile": "chair.glb"}
//! })).expect("a request Adobe's schema accepts");
//! let job = substance.render_model(request).await?;
//! let done = substance.wait_for_job(&job, &WaitOptions::default()).await?;
//! println!("{:?}", done.result);
//! # Ok(()) }
//! ```

mod cost;
mod job;
mod operations;
mod spaces;

use url::Url;

pub use job::{Substance3dJob, Substance3dJobStatus, Substance3dOperation, Substance3dResult};
pub use operations::Substance3dRequest;
pub use spaces::{MAX_SPACE_FILE_BYTES, Space};

use crate::{generated::substance3d as generated, transport::Transport};

/// The request and response types of the Substance 3D API, generated from
/// `openapi/substance3d/substance3d.yaml`.
pub mod types {
    pub use crate::generated::substance3d::types::*;
}

/// The Substance 3D API, on a [`Firefly`](crate::Firefly) client's credential.
///
/// Cheap to clone; clones share the connection pool and the token.
#[derive(Clone)]
pub struct Substance3d {
    raw: generated::Client,
    /// For the requests built by hand (spaces, job URLs), through the same
    /// transport as the generated ones.
    http: reqwest::Client,
    transport: Transport,
    api_url: Url,
}

impl Substance3d {
    pub(crate) fn new(api_url: &Url, http: reqwest::Client, transport: Transport) -> Self {
        Self {
            raw: generated::Client::new_with_client(
                &crate::config::trimmed(api_url),
                http.clone(),
                transport.clone(),
            ),
            http,
            transport,
            api_url: api_url.clone(),
        }
    }

    /// The base URL requests go to.
    pub fn api_url(&self) -> &str {
        self.api_url.as_str()
    }

    /// What this API's transport has sent so far: requests, retries,
    /// replays after a 401.
    pub fn stats(&self) -> crate::ClientStats {
        self.transport.stats()
    }
}

impl std::fmt::Debug for Substance3d {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Substance3d")
            .field("api_url", &self.api_url.as_str())
            .finish_non_exhaustive()
    }
}
