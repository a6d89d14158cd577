//! The Substance 3D API (`https://s3d.adobe.io`): scene render, compose, assemble, convert and describe, and upload spaces, on the same credential, token
//! and retries as Firefly: [`Firefly::substance3d`](crate::Firefly::substance3d) gives
//! the handle (feature `substance3d`).

use url::Url;

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
    #[allow(dead_code)]
    raw: generated::Client,
    api_url: Url,
}

impl Substance3d {
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

impl std::fmt::Debug for Substance3d {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Substance3d")
            .field("api_url", &self.api_url.as_str())
            .finish_non_exhaustive()
    }
}
