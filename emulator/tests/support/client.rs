//! A client that talks raw HTTP to a started emulator: generation requests,
//! uploads, job status and cancel, downloads. No SDK code, so the tests
//! check the emulator's answers, not a client's reading of them.

use adobe_firefly_emulator::{Emulator, EmulatorBuilder};
use serde_json::Value;

use super::required_model;

/// Status polls a test makes before deciding a job never finishes. Jobs
/// finish after `polls_until_done` polls (2 by default), so this is only
/// reached when the emulator is wrong.
const MAX_POLLS: usize = 50;

/// A started emulator and a valid token for it.
pub struct Client {
    pub emulator: Emulator,
    pub http: reqwest::Client,
    pub token: String,
}

impl Client {
    /// An emulator with the default settings.
    pub async fn start() -> Self {
        Self::start_with(Emulator::builder()).await
    }

    /// An emulator with these settings, and a token with the scopes
    /// Adobe's Photoshop guides ask IMS for.
    pub async fn photoshop(builder: EmulatorBuilder) -> Self {
        let mut client = Self::start_with(builder).await;
        client.token = client
            .emulator
            .issue_token("openid,AdobeID,read_organizations");
        client
    }

    /// An emulator with these settings.
    pub async fn start_with(builder: EmulatorBuilder) -> Self {
        let emulator = builder.start().await.expect("the emulator starts");
        let token = emulator.issue_token("openid,firefly_api");
        Self {
            emulator,
            http: reqwest::Client::new(),
            token,
        }
    }

    /// `POST path` with credentials, a JSON body and maybe an
    /// `x-model-version`; the status and the JSON answer.
    pub async fn post(&self, path: &str, model: Option<&str>, body: &Value) -> (u16, Value) {
        let mut request = self
            .http
            .post(format!("{}{path}", self.emulator.url()))
            .bearer_auth(&self.token)
            .header("x-api-key", self.emulator.client_id())
            .json(body);
        if let Some(model) = model {
            request = request.header("x-model-version", model);
        }
        answer(request).await
    }

    /// [`Client::post`] with the `x-model-version` the operation requires.
    pub async fn submit(&self, path: &str, body: &Value) -> (u16, Value) {
        self.post(path, required_model(path), body).await
    }

    /// `POST /v2/storage/image` with this body and type; the upload id.
    pub async fn upload(&self, content_type: &str, image: Vec<u8>) -> String {
        let request = self
            .http
            .post(format!("{}/v2/storage/image", self.emulator.url()))
            .bearer_auth(&self.token)
            .header("x-api-key", self.emulator.client_id())
            .header("content-type", content_type)
            .body(image);
        let (status, body) = answer(request).await;
        assert_eq!(status, 200, "the upload is accepted: {body}");
        body["images"][0]["id"]
            .as_str()
            .expect("an upload id")
            .to_owned()
    }

    /// `GET url` (a status URL) with credentials.
    pub async fn get(&self, url: &str) -> (u16, Value) {
        let request = self
            .http
            .get(url)
            .bearer_auth(&self.token)
            .header("x-api-key", self.emulator.client_id());
        answer(request).await
    }

    /// `PUT url` (a cancel URL) with credentials.
    pub async fn put(&self, url: &str) -> (u16, Value) {
        let request = self
            .http
            .put(url)
            .bearer_auth(&self.token)
            .header("x-api-key", self.emulator.client_id());
        answer(request).await
    }

    /// Polls the job until its status is final; every status body seen,
    /// in order, the final one last.
    pub async fn poll_to_the_end(&self, accepted: &Value) -> Vec<Value> {
        let url = status_url(accepted);
        let mut seen = Vec::new();
        for _ in 0..MAX_POLLS {
            let (status, body) = self.get(&url).await;
            assert_eq!(status, 200, "{url}: {body}");
            let finished = !matches!(
                body["status"].as_str(),
                Some("pending" | "running" | "cancel_pending")
            );
            seen.push(body);
            if finished {
                return seen;
            }
        }
        panic!("{url} did not finish in {MAX_POLLS} polls: {seen:?}");
    }

    /// Submits a job that must be accepted and polls it until it is final;
    /// the final status body.
    pub async fn run_job(&self, path: &str, body: &Value) -> Value {
        let (status, accepted) = self.submit(path, body).await;
        assert!(
            status == 200 || status == 202,
            "{path}: {status} {accepted}"
        );
        let mut seen = self.poll_to_the_end(&accepted).await;
        seen.pop().expect("at least one status")
    }

    /// `GET url` without credentials, as a pre-signed URL is fetched; the
    /// bytes, which must have been served with 200.
    pub async fn download(&self, url: &str) -> Vec<u8> {
        let response = self.http.get(url).send().await.expect("the download");
        assert_eq!(response.status().as_u16(), 200, "{url}");
        response.bytes().await.expect("the body").to_vec()
    }
}

/// The status URL of an accepted job, whichever shape its answer has:
/// `statusUrl` (v3) or `links.result.href` (Image Model 5, upscale).
pub fn status_url(accepted: &Value) -> String {
    accepted["statusUrl"]
        .as_str()
        .or_else(|| accepted["links"]["result"]["href"].as_str())
        .unwrap_or_else(|| panic!("no status URL in {accepted}"))
        .to_owned()
}

/// The cancel URL of an accepted job, whichever shape its answer has.
pub fn cancel_url(accepted: &Value) -> String {
    accepted["cancelUrl"]
        .as_str()
        .or_else(|| accepted["links"]["cancel"]["href"].as_str())
        .unwrap_or_else(|| panic!("no cancel URL in {accepted}"))
        .to_owned()
}

/// The status and JSON body of a request's answer (`null` for a body that
/// is not JSON).
async fn answer(request: reqwest::RequestBuilder) -> (u16, Value) {
    let response = request.send().await.expect("the emulator answers");
    let status = response.status().as_u16();
    let body = response.json().await.unwrap_or(Value::Null);
    (status, body)
}
