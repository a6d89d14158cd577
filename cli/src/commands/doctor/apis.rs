//! The API checks: one request per API that spends nothing (the status of
//! a job that does not exist), and what its answer means: reachable (404
//! for the unknown job), not entitled, wrong scopes, rate limited,
//! unreachable.

use adobe_firefly::{
    Error, Firefly,
    audio_video::AudioVideoJob,
    auth::AuthError,
    config::env,
    indesign::InDesignJob,
    photoshop::PhotoshopJob,
    substance3d::{Substance3dJob, Substance3dOperation},
};

use super::Check;

/// The job id asked about: valid by the SDK's rules, never a real job's.
const UNKNOWN_JOB: &str = "adobe-firefly-credentials-check";

/// Adobe's authentication guide's scope string for Firefly.
const FIREFLY_SCOPE_STRING: &str =
    "openid,AdobeID,session,additional_info,read_organizations,firefly_api,ff_apis";

/// The scopes Adobe's Photoshop API examples ask for.
const PHOTOSHOP_SCOPE_STRING: &str = "openid,AdobeID,read_organizations";

/// An API the CLI uses.
#[derive(Clone, Copy, Debug)]
pub enum Target {
    Firefly,
    Photoshop,
    AudioVideo,
    InDesign,
    Substance3d,
}

/// Every API the CLI uses, in the order they are checked.
pub const APIS: &[Target] = &[
    Target::Firefly,
    Target::Photoshop,
    Target::AudioVideo,
    Target::InDesign,
    Target::Substance3d,
];

impl Target {
    pub fn name(self) -> &'static str {
        match self {
            Target::Firefly => "Firefly API",
            Target::Photoshop => "Photoshop API",
            Target::AudioVideo => "Audio/Video API",
            Target::InDesign => "InDesign API",
            Target::Substance3d => "Substance 3D API",
        }
    }

    /// The variable holding its URL.
    fn url_variable(self) -> &'static str {
        match self {
            Target::Firefly => env::API_URL,
            Target::Photoshop => env::PHOTOSHOP_URL,
            Target::AudioVideo => env::AUDIO_VIDEO_URL,
            Target::InDesign => env::INDESIGN_URL,
            Target::Substance3d => env::SUBSTANCE3D_URL,
        }
    }

    /// What to set the scopes to.
    fn scopes_fix(self) -> String {
        // Adobe publishes example scopes for Firefly and Photoshop only; the
        // others' are the ones the Developer Console lists.
        let example = match self {
            Target::Firefly => Some(FIREFLY_SCOPE_STRING),
            Target::Photoshop => Some(PHOTOSHOP_SCOPE_STRING),
            Target::AudioVideo | Target::InDesign | Target::Substance3d => None,
        };
        let such_as = example
            .map(|scopes| format!(", such as {scopes}"))
            .unwrap_or_default();
        format!(
            "add the API's scopes to {}: the ones the Developer Console lists for the \
             credential{such_as}",
            env::SCOPES
        )
    }
}

/// Asks `api` about a job that does not exist.
pub async fn check(firefly: &Firefly, api: Target) -> Check {
    let answer = match api {
        Target::Firefly => firefly.check_credentials().await,
        Target::Photoshop => firefly
            .photoshop()
            .job_status(&PhotoshopJob::new(UNKNOWN_JOB))
            .await
            .map(drop),
        Target::AudioVideo => firefly
            .audio_video()
            .job_status(&AudioVideoJob::new(UNKNOWN_JOB))
            .await
            .map(drop),
        Target::InDesign => firefly
            .indesign()
            .job_status(&InDesignJob::new(UNKNOWN_JOB))
            .await
            .map(drop),
        Target::Substance3d => {
            let substance = firefly.substance3d();
            // A job's state is read at the URL the service gave; this one
            // is where the service keeps its jobs.
            let url = format!(
                "{}/v1/jobs/{UNKNOWN_JOB}",
                substance.api_url().trim_end_matches('/')
            );
            let job = Substance3dJob::new(UNKNOWN_JOB, url, Substance3dOperation::RenderBasic);
            substance.job_status(&job).await.map(drop)
        }
    };
    match answer {
        Ok(()) => Check::pass(api.name(), "reachable; the credentials are accepted"),
        Err(error) => verdict(api, &error),
    }
}

/// What an error answered to the check means.
fn verdict(api: Target, error: &Error) -> Check {
    let name = api.name();
    let status = error.status();
    let code = error.error_code();
    let access = match error {
        Error::Api(details) => details.access_error(),
        _ => None,
    };
    let said = |what: &str| match (status, code) {
        (Some(status), Some(code)) => format!("{what} (HTTP {status} `{code}`)"),
        (Some(status), None) => format!("{what} (HTTP {status})"),
        _ => what.to_owned(),
    };
    if error.is_not_found() {
        return Check::pass(
            name,
            "reachable; the credentials are accepted (404 for the unknown job)",
        );
    }
    if status == Some(403) && [access, code].contains(&Some("user_non_entitled")) {
        return Check::fail(
            name,
            said("not entitled: the organization has no access to this API"),
            "in the Admin Console, add the API's product profile to the credential's project \
             (Developer Console: the project's credential, Add to project > API)",
        );
    }
    let scope_code = code.is_some_and(|c| c == "invalid_ims_scope" || c == "10007");
    if status == Some(403) && (access == Some("invalid_ims_scope") || scope_code) {
        return Check::fail(
            name,
            said("wrong scopes: the token lacks this API's scope"),
            api.scopes_fix(),
        );
    }
    if status == Some(401) || matches!(error, Error::Auth(AuthError::AuthRejected { .. })) {
        return Check::fail(
            name,
            said("the token was refused: wrong scopes, or an expired token"),
            format!(
                "{}; with {}, get a new token or set {} so tokens are renewed",
                api.scopes_fix(),
                env::ACCESS_TOKEN,
                env::CLIENT_SECRET
            ),
        );
    }
    if status == Some(403) && code.is_some_and(|c| c == "403000" || c == "403003") {
        return Check::fail(
            name,
            said("the API key was refused"),
            format!("{} must be the credential's Client ID", env::CLIENT_ID),
        );
    }
    if access == Some("quota_exhausted") {
        return Check::fail(
            name,
            said("the organization's quota is used up"),
            "wait for the quota to renew, or ask the Adobe account manager for more",
        );
    }
    if error.is_rate_limited() {
        let wait = error
            .retry_after()
            .map(|wait| format!("wait {} s and ", wait.as_secs().max(1)))
            .unwrap_or_default();
        return Check::fail(
            name,
            said("rate limited"),
            format!(
                "{wait}run again; the organization's quota (4 requests a minute by default) \
                 is shared by everything using it"
            ),
        );
    }
    if matches!(error, Error::Transport { .. }) {
        return Check::fail(
            name,
            format!("unreachable: {error}"),
            format!(
                "check {} and that this machine reaches the host (proxy, firewall, DNS)",
                api.url_variable()
            ),
        );
    }
    Check::fail(
        name,
        error.to_string(),
        "see the message; try again later if it is the server's",
    )
}
