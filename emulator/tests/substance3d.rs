//! Substance 3D at the emulator over raw HTTP, independently of the SDK:
//! a space from a multipart body written here by hand, a job's URL
//! answering `Retry-After` while it runs, `?wait=true` on a submission
//! answering the finished job, bodies the schema forbids refused with
//! 422, and a job reading an expired space failing.

use std::time::Duration;

use adobe_firefly_emulator::{Emulator, EmulatorBuilder};
use serde_json::{Value, json};

struct S3d {
    emulator: Emulator,
    http: reqwest::Client,
    token: String,
}

impl S3d {
    async fn start(builder: EmulatorBuilder) -> Self {
        let emulator = builder.start().await.unwrap();
        let token = emulator.issue_token("openid,AdobeID,read_organizations");
        Self {
            emulator,
            http: reqwest::Client::new(),
            token,
        }
    }

    fn request(&self, method: reqwest::Method, url: &str) -> reqwest::RequestBuilder {
        self.http
            .request(method, url)
            .bearer_auth(&self.token)
            .header("x-api-key", self.emulator.client_id())
    }

    async fn answer(response: reqwest::Response) -> (u16, Option<String>, Value) {
        let status = response.status().as_u16();
        let retry_after = response
            .headers()
            .get("retry-after")
            .map(|v| v.to_str().unwrap().to_owned());
        let body = response.json().await.unwrap_or(Value::Null);
        (status, retry_after, body)
    }

    async fn post(&self, path: &str, body: &Value) -> (u16, Option<String>, Value) {
        let url = format!("{}{path}", self.emulator.substance3d_url());
        Self::answer(
            self.request(reqwest::Method::POST, &url)
                .json(body)
                .send()
                .await
                .unwrap(),
        )
        .await
    }

    async fn get(&self, url: &str) -> (u16, Option<String>, Value) {
        Self::answer(
            self.request(reqwest::Method::GET, url)
                .send()
                .await
                .unwrap(),
        )
        .await
    }

    /// A space holding `chair.gltf`, from a multipart body written out.
    async fn space(&self) -> Value {
        let boundary = "emulator-test-boundary";
        let body = format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"chair.gltf\"; \
             filename=\"chair.gltf\"\r\nContent-Type: application/octet-stream\r\n\r\n\
             {{\"asset\": {{\"version\": \"2.0\"}}}}\r\n--{boundary}--\r\n"
        );
        let url = format!("{}/v1/spaces", self.emulator.substance3d_url());
        let (status, _, space) = Self::answer(
            self.request(reqwest::Method::POST, &url)
                .header(
                    "content-type",
                    format!("multipart/form-data; boundary={boundary}"),
                )
                .body(body)
                .send()
                .await
                .unwrap(),
        )
        .await;
        assert_eq!(status, 201, "{space}");
        space
    }
}

#[tokio::test]
async fn a_job_answers_retry_after_while_it_runs_then_its_result() {
    let s3d = S3d::start(Emulator::builder().polls_until_done(2)).await;
    let space = s3d.space().await;
    assert_eq!(space["files"][0]["name"], "chair.gltf");
    assert!(space["expiry"].as_str().unwrap().ends_with('Z'));
    let body = json!({"sources": [{"space": {"id": space["id"]}}], "scene": {"modelFile": "chair.gltf"},
                      "size": {"width": 20, "height": 16}});
    let (status, retry_after, job) = s3d.post("/v1/scenes/render-basic", &body).await;
    assert_eq!((status, retry_after.as_deref()), (202, Some("1")), "{job}");
    assert_eq!(job["status"], "not_started");
    let url = job["url"].as_str().unwrap();
    let (status, retry_after, polled) = s3d.get(url).await;
    assert_eq!(
        (status, retry_after.as_deref()),
        (200, Some("1")),
        "{polled}"
    );
    assert_ne!(polled["status"], "succeeded");
    let mut done = polled;
    let mut retry_after = retry_after;
    for _ in 0..10 {
        if done["status"] == "succeeded" {
            break;
        }
        (_, retry_after, done) = s3d.get(url).await;
    }
    assert_eq!(done["status"], "succeeded", "{done}");
    assert_eq!(retry_after, None, "no Retry-After once done");
    assert!(
        done["result"]["renderUrl"]
            .as_str()
            .unwrap()
            .contains("/storage/")
    );
}

#[tokio::test]
async fn wait_true_answers_the_finished_job() {
    let s3d = S3d::start(Emulator::builder().polls_until_done(3)).await;
    let space = s3d.space().await;
    let body = json!({"sources": [{"space": {"id": space["id"]}}]});
    let (status, _, job) = s3d.post("/v1/scenes/describe?wait=true", &body).await;
    assert_eq!(status, 202);
    assert_eq!(job["status"], "succeeded", "{job}");
    assert_eq!(job["result"]["stats"]["sceneUpAxis"], "Y");
}

#[tokio::test]
async fn a_body_the_schema_forbids_is_refused() {
    let s3d = S3d::start(Emulator::builder()).await;
    for (path, body) in [
        (
            "/v1/scenes/convert",
            json!({"sources": [{"space": {"id": "s"}}], "format": "blend"}),
        ),
        ("/v1/scenes/describe", json!({"sources": []})),
        (
            "/v1/composites/compose",
            json!({"sources": [{"space": {"id": "s"}}], "prompt": "x",
                                          "heroAsset": "h", "numVariations": 9}),
        ),
        (
            "/v1/scenes/render",
            json!({"sources": [{"space": {"id": "s"}}], "scene": {}, "extra": 1}),
        ),
    ] {
        let (status, _, answer) = s3d.post(path, &body).await;
        assert_eq!(status, 422, "{path}: {answer}");
    }
    assert!(
        s3d.emulator
            .requests()
            .iter()
            .all(|r| r.path.starts_with("/substance3d"))
    );
}

#[tokio::test]
async fn a_job_reading_an_expired_space_fails() {
    let s3d = S3d::start(
        Emulator::builder()
            .polls_until_done(1)
            .url_lifetime(Duration::from_millis(1)),
    )
    .await;
    let space = s3d.space().await;
    tokio::time::sleep(Duration::from_millis(20)).await;
    let body = json!({"sources": [{"space": {"id": space["id"]}}]});
    let (_, _, job) = s3d.post("/v1/scenes/describe?wait=true", &body).await;
    assert_eq!(job["status"], "failed", "{job}");
    assert!(job["error"].as_str().unwrap().contains("expired"), "{job}");
}
