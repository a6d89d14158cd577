//! Photoshop jobs when things go wrong, over real HTTP: the emulator's
//! faults (429 with `Retry-After`, failed and timed-out jobs) fall on
//! Photoshop's routes as on Firefly's, and a job fails with
//! `errorDetails` when its storage refuses an upload (Adobe's "Unable to
//! upload the outputs", its users' most common failure), when an input
//! cannot be read, or when it asks what the emulator does not emulate.

use adobe_firefly_emulator::{Emulator, Faults, RetryAfter};
use serde_json::{Value, json};

mod support;

use support::{
    client::Client,
    images::png_of,
    photoshop::{answer_schema, assert_valid, status_schema},
    storage::Storage,
};

/// Runs a job that must end `failed`; its `errorDetails`, each checked.
async fn failed(client: &Client, path: &str, body: &Value) -> Vec<Value> {
    let (status, accepted) = client.submit(path, body).await;
    assert_eq!(status, 202, "{path}: {accepted}");
    let last = client.poll_to_the_end(&accepted).await.pop().unwrap();
    assert_valid(&status_schema(), path, &last);
    assert_eq!(last["status"], "failed", "{last}");
    assert!(last.get("result").is_none(), "{last}");
    let details = last["errorDetails"]
        .as_array()
        .expect("errorDetails")
        .clone();
    assert!(!details.is_empty(), "{last}");
    for detail in &details {
        assert!(detail["errorCode"].is_string() && detail["message"].is_string());
    }
    details
}

fn edit(input: &str, output: &str) -> Value {
    json!({
        "image": {"source": {"url": input}},
        "outputs": [{"destination": {"url": output}, "mediaType": "image/png"}],
    })
}

fn message(detail: &Value) -> &str {
    detail["message"].as_str().unwrap_or_default()
}

#[tokio::test]
async fn a_refused_upload_fails_the_job_unable_to_upload_the_outputs() {
    let client = Client::photoshop(Emulator::builder()).await;
    let storage = Storage::start().await;
    let input = storage.input("in.png", png_of(16, 16));
    let body = json!({
        "image": {"source": {"url": input}},
        "outputs": [
            {"destination": {"url": storage.output("fine.png")}, "mediaType": "image/png"},
            {"destination": {"url": storage.refusing("denied.png")}, "mediaType": "image/png"},
        ],
    });
    let details = failed(&client, "/v2/edit", &body).await;
    assert_eq!(details.len(), 1, "{details:?}");
    assert_eq!(details[0]["errorCode"], "403");
    let text = message(&details[0]);
    assert!(text.contains("Unable to upload the outputs"), "{text}");
    assert!(text.contains("outputs[1]"), "{text}");
    assert!(
        !text.contains("X-Amz-Signature"),
        "no signature shown: {text}"
    );
    assert_eq!(
        storage.uploads_to("/refuse/denied.png").len(),
        1,
        "it was tried"
    );
    storage.uploaded("fine.png");
}

#[tokio::test]
async fn inputs_that_cannot_be_read_fail_the_job_naming_them() {
    let client = Client::photoshop(Emulator::builder()).await;
    let storage = Storage::start().await;
    let out = storage.output("never.png");
    let missing = format!("{}/in/missing.png", storage.url);
    let details = failed(&client, "/v2/edit", &edit(&missing, &out)).await;
    assert_eq!(details[0]["errorCode"], "404");
    let text = message(&details[0]);
    assert!(
        text.contains("Unable to read the input at image.source.url"),
        "{text}"
    );

    let not_an_image = storage.input("notes.txt", b"plain text".to_vec());
    let details = failed(&client, "/v2/edit", &edit(&not_an_image, &out)).await;
    assert!(message(&details[0]).contains("not an image"), "{details:?}");

    // Plain HTTP off loopback is never sent anywhere.
    let remote = "http://storage.example.com/in.png";
    let details = failed(&client, "/v2/edit", &edit(remote, &out)).await;
    assert!(message(&details[0]).contains("loopback"), "{details:?}");

    let cloud = json!({
        "image": {"source": {"creativeCloudPath": "/files/in.psd"}},
        "outputs": [{"destination": {"url": out}, "mediaType": "image/png"}],
    });
    let details = failed(&client, "/v2/create-composite", &cloud).await;
    assert!(
        message(&details[0]).contains("creativeCloudPath"),
        "{details:?}"
    );
    assert!(storage.uploads_to("/out/never.png").is_empty());
}

#[tokio::test]
async fn outputs_the_emulator_does_not_write_fail_the_job() {
    let client = Client::photoshop(Emulator::builder()).await;
    let storage = Storage::start().await;
    let body = json!({
        "image": {"source": {"url": storage.input("in.png", png_of(8, 8))}},
        "outputs": [
            {"destination": {"url": storage.output("doc")}, "mediaType": "document/vnd.adobe.cpsd+dcx"},
            {"destination": {"creativeCloudPath": "/out.png"}, "mediaType": "image/png"},
        ],
    });
    let details = failed(&client, "/v2/create-composite", &body).await;
    assert!(
        message(&details[0]).contains("cloud documents"),
        "{details:?}"
    );
    assert!(
        message(&details[1]).contains("Creative Cloud"),
        "{details:?}"
    );
}

#[tokio::test]
async fn injected_failures_and_timeouts_end_photoshop_jobs_failed() {
    let faults = Faults::none().fail_jobs_every(2).timeout_jobs_every(3);
    let client = Client::photoshop(Emulator::builder().faults(faults)).await;
    let storage = Storage::start().await;
    let body = edit(
        &storage.input("in.png", png_of(8, 8)),
        &storage.output("o.png"),
    );
    let (status, accepted) = client.submit("/v2/edit", &body).await;
    assert_eq!(status, 202);
    let first = client.poll_to_the_end(&accepted).await.pop().unwrap();
    assert_eq!(first["status"], "succeeded", "job 1: {first}");
    let details = failed(&client, "/v2/edit", &body).await;
    assert_eq!(details[0]["errorCode"], "500", "job 2: {details:?}");
    let details = failed(&client, "/v2/edit", &body).await;
    assert_eq!(details[0]["errorCode"], "504", "job 3: {details:?}");
    // Only the job that succeeded did any work.
    assert_eq!(
        storage.uploads_to("/out/o.png").len(),
        1,
        "{:?}",
        storage.paths()
    );
    let served = client.emulator.faults_served();
    assert!(served.failed_jobs >= 1 && served.timed_out_jobs >= 1);
}

#[tokio::test]
async fn rate_limits_answer_429_with_retry_after_in_photoshops_shape() {
    let faults = Faults::none()
        .rate_limit_every(1)
        .retry_after(RetryAfter::Seconds(7));
    let client = Client::photoshop(Emulator::builder().faults(faults)).await;
    let response = client
        .http
        .post(format!("{}/v2/edit", client.emulator.url()))
        .bearer_auth(&client.token)
        .header("x-api-key", client.emulator.client_id())
        .json(&edit(
            "http://127.0.0.1:9/in.png",
            "http://127.0.0.1:9/o.png",
        ))
        .send()
        .await
        .expect("an answer");
    assert_eq!(response.status().as_u16(), 429);
    assert_eq!(response.headers()["retry-after"], "7");
    let answer: Value = response.json().await.expect("a JSON error");
    assert_eq!(answer["error_code"], "unauthorized_rate_limited");
    assert_valid(&answer_schema("post", "/v2/edit", 429), "429", &answer);
    assert_eq!(client.emulator.faults_served().rate_limits, 1);
}
