//! Starting and stopping: [`EmulatorBuilder::start`] builds the store,
//! each API's validator and the routes, and serves them; [`Emulator`] is
//! the running server's handle, reading the store for tests.

use std::{fmt, sync::Arc};

use crate::{
    api::Api,
    faults::FaultsServed,
    routes::{self, App},
    settings::{EmulatorBuilder, scope_list},
    store::{ReceivedRequest, Store},
    validation::Validators,
};

impl EmulatorBuilder {
    /// Binds 127.0.0.1 and starts serving on the current Tokio runtime.
    ///
    /// Fails, before binding, if an API's embedded spec does not describe
    /// an operation the emulator checks against it (no entry in its
    /// `paths`, or no JSON request body schema): the error names the
    /// operation.
    pub async fn start(self) -> std::io::Result<Emulator> {
        // An operation the spec does not describe is an error here, before any
        // request: the emulator would not know what to accept.
        let validators =
            Validators::new(routes::validated_operations).map_err(std::io::Error::other)?;
        let storage = routes::storage_client().map_err(std::io::Error::other)?;
        let listener = tokio::net::TcpListener::bind(("127.0.0.1", self.port)).await?;
        let url = format!("http://{}", listener.local_addr()?);
        let app = Arc::new(App {
            store: Store::new(self),
            validators,
            url: url.clone(),
            storage,
        });
        let router = routes::router(app.clone());
        let server = tokio::spawn(async move {
            if let Err(error) = axum::serve(listener, router).await {
                tracing::error!(%error, "the emulator stopped");
            }
        });
        Ok(Emulator { url, app, server })
    }
}

/// A running emulator. Stops when dropped.
pub struct Emulator {
    url: String,
    app: Arc<App>,
    server: tokio::task::JoinHandle<()>,
}

impl Emulator {
    /// Starts an emulator with the default settings (no faults).
    pub async fn start() -> std::io::Result<Self> {
        EmulatorBuilder::default().start().await
    }

    /// Settings for an emulator.
    pub fn builder() -> EmulatorBuilder {
        EmulatorBuilder::default()
    }

    /// The base URL of IMS, Firefly and Photoshop, such as
    /// `http://127.0.0.1:41234`.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// The base URL of the Audio/Video API, such as
    /// `http://127.0.0.1:41234/audio-video`.
    pub fn audio_video_url(&self) -> String {
        format!("{}{}", self.url, Api::AudioVideo.prefix())
    }

    /// The base URL of the InDesign API, such as
    /// `http://127.0.0.1:41234/indesign`.
    pub fn indesign_url(&self) -> String {
        format!("{}{}", self.url, Api::InDesign.prefix())
    }

    /// The base URL of the Substance 3D API, such as
    /// `http://127.0.0.1:41234/substance3d`.
    pub fn substance3d_url(&self) -> String {
        format!("{}{}", self.url, Api::Substance3d.prefix())
    }

    /// The client id IMS accepts (also the expected `x-api-key`).
    pub fn client_id(&self) -> &str {
        &self.app.store.settings.client_id
    }

    /// The client secret IMS accepts.
    pub fn client_secret(&self) -> &str {
        &self.app.store.settings.client_secret
    }

    /// The organization id the Management API knows.
    pub fn organization_id(&self) -> &str {
        &self.app.store.settings.organization_id
    }

    /// The credential id the Management API knows.
    pub fn credential_id(&self) -> &str {
        &self.app.store.settings.credential_id
    }

    /// The environment variables that point the SDK (or anything reading
    /// Adobe's variable names) at this emulator.
    pub fn env_vars(&self) -> Vec<(&'static str, String)> {
        vec![
            ("FIREFLY_SERVICES_CLIENT_ID", self.client_id().to_owned()),
            (
                "FIREFLY_SERVICES_CLIENT_SECRET",
                self.client_secret().to_owned(),
            ),
            ("FIREFLY_SERVICES_API_URL", self.url.clone()),
            // Photoshop's routes are served on the same origin, the other
            // APIs' under a folder each.
            ("FIREFLY_SERVICES_PHOTOSHOP_URL", self.url.clone()),
            ("FIREFLY_SERVICES_AUDIO_VIDEO_URL", self.audio_video_url()),
            ("FIREFLY_SERVICES_INDESIGN_URL", self.indesign_url()),
            ("FIREFLY_SERVICES_SUBSTANCE3D_URL", self.substance3d_url()),
            ("FIREFLY_SERVICES_IMS_URL", self.url.clone()),
        ]
    }

    /// Every request received so far, in order, each with the path it was
    /// sent to (under the API's folder for Audio/Video, InDesign and
    /// Substance 3D, such as `/indesign/v3/status/{id}`).
    pub fn requests(&self) -> Vec<ReceivedRequest> {
        self.app.store.requests()
    }

    /// A token as IMS would issue it for these comma-separated scopes, for
    /// tests that talk to the emulator without the SDK.
    pub fn issue_token(&self, scopes: &str) -> String {
        self.app.store.issue_token(scope_list(scopes))
    }

    /// Revokes every token issued so far, as an administrator would: Firefly
    /// answers 401 to them from now on; tokens issued later are valid.
    pub fn revoke_tokens(&self) {
        self.app.store.revoke_tokens();
    }

    /// How many tokens IMS has issued.
    pub fn tokens_issued(&self) -> u64 {
        self.app.store.tokens_issued()
    }

    /// The ids of the jobs cancelled so far (through `PUT /v3/cancel`),
    /// sorted, so a test can check that a client cancelled its job.
    pub fn canceled_jobs(&self) -> Vec<String> {
        let mut ids = self.app.store.canceled_jobs();
        ids.sort();
        ids
    }

    /// How many times each injected fault has fired so far, so a test can
    /// check that the faults it configured did happen.
    pub fn faults_served(&self) -> FaultsServed {
        self.app.store.faults_served()
    }
}

/// The method and path template of every route the emulator serves, such
/// as `("GET", "/v3/status/{job_id}")`, for comparing them with a spec.
/// Path parameter names are the emulator's own; the paths are those of the
/// Firefly API, Photoshop API v2, IMS, the Management API and the download
/// URLs (`/storage/{file}`), and those of the Audio/Video, InDesign and
/// Substance 3D APIs under their folders (`/indesign/v3/status/{id}`).
pub fn served_routes() -> Vec<(&'static str, String)> {
    routes::served()
        .into_iter()
        .map(|(method, path)| (method.as_str(), path))
        .collect()
}

impl Drop for Emulator {
    fn drop(&mut self) {
        self.server.abort();
    }
}

impl fmt::Debug for Emulator {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Emulator")
            .field("url", &self.url)
            .field("client_id", &self.app.store.settings.client_id)
            .field("faults", &self.app.store.settings.faults)
            .finish_non_exhaustive()
    }
}
