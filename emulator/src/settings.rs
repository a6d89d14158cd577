//! [`EmulatorBuilder`]: the emulator's settings, their defaults and the
//! environment they can come from. Starting a server with them is
//! `server`'s work, so the settings stay plain data every layer can read.

use std::{fmt, time::Duration};

use crate::faults::Faults;

/// Environment variable holding the faults to inject (see [`Faults`]).
pub const FAULTS_ENV: &str = "FIREFLY_EMULATOR_FAULTS";

/// Scopes an emulated credential may ask for unless configured otherwise.
const DEFAULT_ALLOWED_SCOPES: &str = "openid,AdobeID,session,additional_info,read_organizations,\
firefly_api,ff_apis,firefly_enterprise,additional_info.projectedProductContext,\
additional_info.roles,adobeio_api,read_client_secret,manage_client_secrets";

/// The scopes in a comma-separated list.
pub(crate) fn scope_list(scopes: &str) -> Vec<String> {
    scopes
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect()
}

/// Settings for an [`Emulator`](crate::Emulator).
#[derive(Clone)]
pub struct EmulatorBuilder {
    pub(crate) client_id: String,
    pub(crate) client_secret: String,
    pub(crate) allowed_scopes: Vec<String>,
    pub(crate) organization_id: String,
    pub(crate) credential_id: String,
    pub(crate) token_lifetime: Duration,
    pub(crate) polls_until_done: u32,
    pub(crate) job_duration: Option<Duration>,
    pub(crate) jobs_that_finish: Option<u64>,
    pub(crate) max_image_side: u32,
    pub(crate) url_lifetime: Duration,
    pub(crate) custom_models: u32,
    pub(crate) port: u16,
    pub(crate) faults: Faults,
}

impl fmt::Debug for EmulatorBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("EmulatorBuilder")
            .field("client_id", &self.client_id)
            .field("client_secret", &"[redacted]")
            .field("allowed_scopes", &self.allowed_scopes)
            .field("token_lifetime", &self.token_lifetime)
            .field("polls_until_done", &self.polls_until_done)
            .field("job_duration", &self.job_duration)
            .field("jobs_that_finish", &self.jobs_that_finish)
            .field("faults", &self.faults)
            .finish_non_exhaustive()
    }
}

impl Default for EmulatorBuilder {
    fn default() -> Self {
        Self {
            client_id: "emulator-client-id".into(),
            client_secret: "emulator-client-secret".into(),
            allowed_scopes: scope_list(DEFAULT_ALLOWED_SCOPES),
            organization_id: "EMULATORORG0000000000000@AdobeOrg".into(),
            credential_id: "emulator-credential".into(),
            token_lifetime: Duration::from_secs(86399),
            polls_until_done: 2,
            job_duration: None,
            jobs_that_finish: None,
            max_image_side: 1024,
            url_lifetime: Duration::from_secs(3600),
            custom_models: 3,
            port: 0,
            faults: Faults::none(),
        }
    }
}

impl EmulatorBuilder {
    /// Defaults plus the faults in `FIREFLY_EMULATOR_FAULTS`, if set.
    pub fn from_env() -> Result<Self, String> {
        let faults = match std::env::var(FAULTS_ENV) {
            Ok(spec) => Faults::parse(&spec).map_err(|e| format!("{FAULTS_ENV}: {e}"))?,
            Err(_) => Faults::none(),
        };
        Ok(Self::default().faults(faults))
    }

    /// The credentials IMS accepts.
    pub fn credentials(
        mut self,
        client_id: impl Into<String>,
        client_secret: impl Into<String>,
    ) -> Self {
        self.client_id = client_id.into();
        self.client_secret = client_secret.into();
        self
    }

    /// The scopes the credential may ask for, comma-separated, like a
    /// Developer Console credential's (default: Firefly's and the I/O
    /// Management API's). A token request for another scope gets 400
    /// `invalid_scope`. Firefly calls need a token with `firefly_api`,
    /// Photoshop calls one with `read_organizations`.
    pub fn allowed_scopes(mut self, scopes: &str) -> Self {
        self.allowed_scopes = scope_list(scopes);
        self
    }

    /// The organization and credential ids the Management API knows.
    pub fn credential(
        mut self,
        organization_id: impl Into<String>,
        credential_id: impl Into<String>,
    ) -> Self {
        self.organization_id = organization_id.into();
        self.credential_id = credential_id.into();
        self
    }

    /// The `expires_in` IMS announces (default 86399 s, like Adobe).
    pub fn token_lifetime(mut self, lifetime: Duration) -> Self {
        self.token_lifetime = lifetime.max(Duration::from_secs(1));
        self
    }

    /// Status requests before a job succeeds (default 2: the first poll
    /// sees `pending`, the second `running`, the third `succeeded`).
    pub fn polls_until_done(mut self, polls: u32) -> Self {
        self.polls_until_done = polls;
        self
    }

    /// Make jobs take this long instead of a number of polls: `pending`
    /// for the first tenth, then `running` with a progress percentage, then
    /// done. Lets polling strategies be compared by their request counts.
    pub fn job_duration(mut self, duration: Duration) -> Self {
        self.job_duration = Some(duration);
        self
    }

    /// Only the first `count` jobs submitted ever finish; later ones stay
    /// `running` until they are cancelled. Lets a test see a client while
    /// it waits, without depending on how fast the machine is.
    pub fn jobs_that_finish(mut self, count: u64) -> Self {
        self.jobs_that_finish = Some(count);
        self
    }

    /// Longest side of the rendered PNGs (default 1024); larger requested
    /// sizes keep their aspect ratio. The job result reports the requested size.
    /// Upscaled images are rendered at their full size whatever this says
    /// (at most 6144 a side, Adobe's documented limit), since the image is
    /// the only place an upscale result gives its size.
    pub fn max_image_side(mut self, pixels: u32) -> Self {
        self.max_image_side = pixels.max(1);
        self
    }

    /// How long image URLs stay valid (default 1 h, like Adobe's).
    pub fn url_lifetime(mut self, lifetime: Duration) -> Self {
        self.url_lifetime = lifetime;
        self
    }

    /// How many custom models the organization has (default 3).
    pub fn custom_models(mut self, count: u32) -> Self {
        self.custom_models = count;
        self
    }

    /// The port to listen on (default 0: one the OS picks).
    pub fn port(mut self, port: u16) -> Self {
        self.port = port;
        self
    }

    /// Faults to inject.
    pub fn faults(mut self, faults: Faults) -> Self {
        self.faults = faults;
        self
    }
}
