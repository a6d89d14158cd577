//! The InDesign API (`https://indesign.adobe.io`): data merge, renditions,
//! link remapping, document information, PDF conversion and custom scripts,
//! on the same credential, token and retries as Firefly:
//! [`Firefly::indesign`](crate::Firefly::indesign) gives the handle (feature
//! `indesign`).
//!
//! Every job operation answers with an [`InDesignJob`], which
//! [`InDesign::wait_for_job`] polls at `GET /v3/status/{id}` until the job
//! ends: `succeeded` is [`JobOutcome::Succeeded`], `partial_success` is
//! [`JobOutcome::PartialSuccess`] (the result and what failed), `failed` is
//! [`Error::JobFailed`](crate::Error::JobFailed). A result too large to send
//! inline comes as a `dataURL`: a `data:` URL is decoded to bytes, a
//! pre-signed URL is fetched, bounded and without credentials, by
//! [`Firefly::indesign_result_data`](crate::Firefly::indesign_result_data).
//! Requests are checked against the limits of Adobe's schemas before
//! anything is sent. Inputs and outputs live in storage you provide
//! (pre-signed GET URLs for inputs, PUT URLs for outputs).
//!
//! ```no_run
//! # async fn demo(firefly: adobe_firefly::Firefly) -> Result<(), adobe_firefly::Error> {
//! use adobe_firefly::{WaitOptions, indesign::types::RenditionRequest};
//!
//! let indesign = firefly.indesign();
//! let request: RenditionRequest = serde_json::from_value(serde_json::json!({
//!     "assets": [{"source": {"url": "https://bucket.s3.amazonaws.com/doc.indd?sig=..."},
//!                 "destination": "doc.indd"}],
//!     "params": {"targetDocuments": ["doc.indd"], "outputMediaType": "application/pdf"},
//!     "outputs": [{"source": "doc.pdf",
//!                  "destination": {"url": "https://bucket.s3.amazonaws.com/doc.pdf?sig=..."}}]
//! })).expect("a request Adobe's schema accepts");
//! let job = indesign.create_rendition(request).await?;
//! let outcome = indesign.wait_for_job(&job, &WaitOptions::default()).await?;
//! println!("{:?}", outcome.result().outputs);
//! # Ok(()) }
//! ```

mod cost;
mod job;
mod operations;
mod result_data;
mod scripts;

use url::Url;

pub use job::{InDesignJob, JobOutcome, JobResult};
pub use operations::InDesignRequest;
pub use result_data::{MAX_RESULT_DATA, ResultData};
pub use scripts::{MAX_SCRIPT_BYTES, ScriptUpload};

use crate::{generated::indesign as generated, transport::Transport};

/// The request and response types of the InDesign API, generated from
/// `openapi/indesign/indesign.yaml`.
pub mod types {
    pub use crate::generated::indesign::types::*;
}

/// The InDesign API, on a [`Firefly`](crate::Firefly) client's credential.
///
/// Cheap to clone; clones share the connection pool and the token.
#[derive(Clone)]
pub struct InDesign {
    raw: generated::Client,
    /// For the hand-built multipart upload of a script.
    http: reqwest::Client,
    transport: Transport,
    api_url: Url,
}

impl InDesign {
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
}

impl std::fmt::Debug for InDesign {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("InDesign")
            .field("api_url", &self.api_url.as_str())
            .finish_non_exhaustive()
    }
}
