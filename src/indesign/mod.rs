//! The InDesign API (`https://indesign.adobe.io`): data merge, renditions, document information, PDF conversion and custom scripts, on the same credential, token
//! and retries as Firefly: [`Firefly::indesign`](crate::Firefly::indesign) gives
//! the handle (feature `indesign`).

use url::Url;

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
    #[allow(dead_code)]
    raw: generated::Client,
    api_url: Url,
}

impl InDesign {
    pub(crate) fn new(api_url: &Url, http: reqwest::Client, transport: Transport) -> Self {
        Self {
            raw: generated::Client::new_with_client(
                &crate::config::trimmed(api_url),
                http,
                transport,
            ),
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
