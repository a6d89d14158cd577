//! The front door: [`Firefly`], and the job calls every operation shares
//! (status, cancel, a reference from an id). Configuration is in
//! `builder.rs`; the job handle and waiting in `job/`.

use std::fmt;

use percent_encoding::percent_decode_str;
use url::Url;

use crate::{
    Error, ValidationError,
    decode::{outcome, settle},
    generated::firefly as generated,
    transport::{ClientStats, Transport, recorded},
    types::{JobAccepted, JobStatusResponse},
};

/// A Firefly client.
///
/// Cheap to clone: clones share the HTTP connection pool and the token cache,
/// so create one and clone it into tasks.
///
/// ```no_run
/// # async fn demo() -> Result<(), adobe_firefly::Error> {
/// use adobe_firefly::{Firefly, WaitOptions, types::GenerateImagesRequest};
///
/// let firefly = Firefly::from_env()?;
/// let job = firefly
///     .generate_images(GenerateImagesRequest::builder().prompt("a cat coding"))
///     .await?;
/// let result = firefly.wait_for_job(&job, &WaitOptions::default()).await?;
/// for output in &result.outputs {
///     println!("{:?}", output.image.as_ref().map(|image| &image.url));
/// }
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct Firefly {
    pub(crate) raw: generated::Client,
    pub(crate) http: reqwest::Client,
    /// For pre-signed storage URLs: no credentials, ever.
    pub(crate) storage_http: reqwest::Client,
    /// Limits for every download.
    pub(crate) download_timeouts: crate::download::timeouts::DownloadTimeouts,
    pub(crate) transport: Transport,
    pub(crate) api_url: Url,
    /// Whether sizes outside Adobe's lists are refused before sending.
    pub(crate) sizes: crate::validate::SizePolicy,
    /// The Photoshop API, on the same credential.
    #[cfg(feature = "photoshop")]
    pub(crate) photoshop: crate::photoshop::Photoshop,
    /// The Audio/Video API, on the same credential.
    #[cfg(feature = "audio-video")]
    pub(crate) audio_video: crate::audio_video::AudioVideo,
    /// The InDesign API, on the same credential.
    #[cfg(feature = "indesign")]
    pub(crate) indesign: crate::indesign::InDesign,
    /// The Substance 3D API, on the same credential.
    #[cfg(feature = "substance3d")]
    pub(crate) substance3d: crate::substance3d::Substance3d,
}

impl Firefly {
    /// The current state of a job, read from the `statusUrl` Firefly gave.
    ///
    /// A job id that [`Firefly::check_job_id`] refuses is an
    /// [`Error::Validation`]; nothing is sent.
    pub async fn job_status(&self, job: &JobAccepted) -> Result<JobStatusResponse, Error> {
        Self::check_job_id(&job.job_id)?;
        let client = self.client_for(&job.status_url, "/v3/status/");
        let call = client.job_result_v3().job_id(job.job_id.as_str());
        outcome("jobResultV3", call.send()).await
    }

    /// Asks Firefly to cancel a job, at the `cancelUrl` Firefly gave.
    ///
    /// A job id that [`Firefly::check_job_id`] refuses is an
    /// [`Error::Validation`]; nothing is sent.
    pub async fn cancel_job(&self, job: &JobAccepted) -> Result<(), Error> {
        Self::check_job_id(&job.job_id)?;
        let client = self.client_for(&job.cancel_url, "/v3/cancel/");
        let call = client.cancel_job_v4().job_id(job.job_id.as_str());
        let (result, record) = recorded(call.send()).await;
        // Only an answer Firefly gave, not one the SDK gave up on, is read.
        let answered = record.as_ref().is_none_or(|r| r.failure.is_none());
        match result {
            // Adobe may answer the cancel 200 with an empty body.
            Err(progenitor_client::Error::InvalidResponsePayload(body, _))
                if answered && body.iter().all(u8::is_ascii_whitespace) =>
            {
                Ok(())
            }
            result => settle("cancelJobV4", result, record).await.map(drop),
        }
    }

    /// The base URL requests go to.
    pub fn api_url(&self) -> &str {
        self.api_url.as_str()
    }

    /// What this client (and its clones) has sent so far: requests,
    /// retries, replays after a 401.
    pub fn stats(&self) -> ClientStats {
        self.transport.stats()
    }

    /// A handle for a job known by its id (from an earlier run, a log, a
    /// journal), to read its status, wait for it or cancel it.
    ///
    /// The id is refused, with [`Error::Validation`], when
    /// [`Firefly::check_job_id`] refuses it.
    ///
    /// ```no_run
    /// # async fn demo(firefly: adobe_firefly::Firefly) -> Result<(), adobe_firefly::Error> {
    /// let job = firefly.job("urn:ff:jobs:...")?;
    /// let status = firefly.job_status(&job).await?;
    /// # Ok(()) }
    /// ```
    pub fn job(&self, job_id: impl Into<String>) -> Result<JobAccepted, Error> {
        let job_id = job_id.into();
        Self::check_job_id(&job_id)?;
        let url = |action: &str| {
            let mut url = self.api_url.clone();
            if let Ok(mut segments) = url.path_segments_mut() {
                // Pushed as one segment: `/`, `?`, `#` and `%` in the id
                // are escaped.
                segments.pop_if_empty().extend(["v3", action, &job_id]);
            }
            url.to_string()
        };
        Ok(JobAccepted {
            status_url: url("status"),
            cancel_url: url("cancel"),
            job_id,
        })
    }

    /// Whether `job_id` can be sent as a job id: it goes into request paths
    /// (`/v3/status/{jobId}`) as one segment, percent-encoded, and must stay
    /// one there. Refused: an empty id, `.` and `..`, an id holding `/` or
    /// `\`, spaces or control characters, and any id that percent-decoding
    /// (once or more, as a proxy or server might) turns into one of those,
    /// such as `%2e%2e`. Firefly's ids (`urn:ff:jobs:...`) pass.
    ///
    /// ```
    /// use adobe_firefly::Firefly;
    ///
    /// assert!(Firefly::check_job_id("urn:ff:jobs:abc").is_ok());
    /// assert!(Firefly::check_job_id("%2e%2e").is_err());
    /// ```
    pub fn check_job_id(job_id: &str) -> Result<(), Error> {
        let refused = |problem: &str| Err(ValidationError::new("jobId", problem).into());
        if job_id.trim().is_empty() {
            return refused("is empty");
        }
        let mut text = std::borrow::Cow::Borrowed(job_id);
        // Each round that changes the text shortens it, so this ends.
        loop {
            if matches!(&*text, "." | "..") {
                return refused(
                    "is `.` or `..` (or percent-encodes one), which a URL reads as a step \
                     between folders, not as a name",
                );
            }
            if text.contains(['/', '\\']) {
                return refused(
                    "contains `/` or `\\` (or percent-encodes one), which would split the \
                     request path",
                );
            }
            if text.chars().any(|c| c.is_whitespace() || c.is_control()) {
                return refused("contains spaces or control characters");
            }
            let decoded = percent_decode_str(&text).decode_utf8_lossy().into_owned();
            if decoded == *text {
                return Ok(());
            }
            text = std::borrow::Cow::Owned(decoded);
        }
    }

    /// A generated client for the origin of a URL Firefly returned, when
    /// credentials may go there; otherwise the configured one.
    fn client_for(&self, returned_url: &str, path_prefix: &str) -> generated::Client {
        let origin = returned_url
            .find(path_prefix)
            .map(|at| &returned_url[..at])
            .and_then(|base| Url::parse(base).ok().map(|url| (base, url)));
        match origin {
            Some((base, url)) if self.transport.trusts(&url) && base != self.raw.baseurl => {
                generated::Client::new_with_client(base, self.http.clone(), self.transport.clone())
            }
            Some(_) => self.raw.clone(),
            None => {
                tracing::warn!(
                    url_prefix = path_prefix,
                    "Firefly returned a job URL of an unknown shape; using the configured API URL"
                );
                self.raw.clone()
            }
        }
    }
}

#[cfg(feature = "photoshop")]
impl Firefly {
    /// The Photoshop API v2 on this client's credential: the same token
    /// (one IMS token serves every API on the default scopes), retries and
    /// HTTP connections; its own base URL
    /// ([`FireflyBuilder::photoshop_url`](crate::FireflyBuilder::photoshop_url)),
    /// to which alone its credentials go.
    pub fn photoshop(&self) -> &crate::photoshop::Photoshop {
        &self.photoshop
    }
}

#[cfg(feature = "audio-video")]
impl Firefly {
    /// The Audio/Video API on this client's credential: the same token,
    /// retries and connections; its own base URL and budget
    /// ([`FireflyBuilder::base_url`](crate::FireflyBuilder::base_url) with
    /// [`Api::AudioVideo`](crate::Api::AudioVideo)), to which alone its
    /// credentials go.
    pub fn audio_video(&self) -> &crate::audio_video::AudioVideo {
        &self.audio_video
    }
}

#[cfg(feature = "indesign")]
impl Firefly {
    /// The InDesign API on this client's credential: the same token,
    /// retries and connections; its own base URL and budget
    /// ([`FireflyBuilder::base_url`](crate::FireflyBuilder::base_url) with
    /// [`Api::InDesign`](crate::Api::InDesign)), to which alone its
    /// credentials go.
    pub fn indesign(&self) -> &crate::indesign::InDesign {
        &self.indesign
    }
}

#[cfg(feature = "substance3d")]
impl Firefly {
    /// The Substance 3D API on this client's credential: the same token,
    /// retries and connections; its own base URL and budget
    /// ([`FireflyBuilder::base_url`](crate::FireflyBuilder::base_url) with
    /// [`Api::Substance3d`](crate::Api::Substance3d)), to which alone its
    /// credentials go.
    pub fn substance3d(&self) -> &crate::substance3d::Substance3d {
        &self.substance3d
    }
}

impl fmt::Debug for Firefly {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Firefly")
            .field("api_url", &self.api_url.as_str())
            .field("transport", &self.transport)
            .finish_non_exhaustive()
    }
}
