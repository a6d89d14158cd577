//! What the InDesign routes refuse, over real HTTP, with bodies written
//! from the spec's schemas: a body its schema forbids (422 naming the
//! field), a script upload that is not multipart, an unknown job or
//! script (404); and a job submitted and polled to its end.

use serde_json::{Value, json};

mod support;

use support::client::Client;

const DOC: &str = "http://127.0.0.1:9/doc.indd";

fn assets() -> Value {
    json!([{"source": {"url": DOC}, "destination": "doc.indd"}])
}

async fn client() -> Client {
    Client::photoshop(adobe_firefly_emulator::Emulator::builder()).await
}

#[tokio::test]
async fn bodies_the_schemas_forbid_are_refused_naming_the_field() {
    let client = client().await;
    for (path, body, field) in [
        (
            "/indesign/v3/create-rendition",
            json!({"assets": assets(), "params": {"targetDocuments": ["doc.indd"]}}),
            "outputMediaType",
        ),
        (
            "/indesign/v3/create-rendition",
            json!({"assets": assets(), "params": {"targetDocuments": ["doc.indd"],
                   "outputMediaType": "image/png", "resolution": 5000}}),
            "resolution",
        ),
        (
            "/indesign/v3/convert-pdf-to-indesign",
            json!({"assets": assets(), "params": {"targetDocuments": ["a.pdf", "b.pdf"],
                   "outputMediaType": "application/x-indesign"}}),
            "targetDocuments",
        ),
        (
            "/indesign/v3/merge-data",
            json!({"assets": assets(), "params": {"targetDocument": "doc.indd"}}),
            "dataSource",
        ),
        (
            "/indesign/v3/document-info",
            json!({"params": {"targetDocument": "doc.indd"}}),
            "assets",
        ),
    ] {
        let (status, answer) = client.post(path, None, &body).await;
        assert!(status == 422 || status == 400, "{path}: {status} {answer}");
        assert!(answer.to_string().contains(field), "{path}: {answer}");
    }
}

#[tokio::test]
async fn unknown_jobs_and_scripts_are_404_and_a_script_is_multipart() {
    let client = client().await;
    let url = client.emulator.url();
    let (status, _) = client.get(&format!("{url}/indesign/v3/status/nope")).await;
    assert_eq!(status, 404);
    let (status, _) = client.get(&format!("{url}/indesign/v3/scripts/nope")).await;
    assert_eq!(status, 404);
    let body = json!({"assets": assets()});
    let (status, _) = client.post("/indesign/v3/abc/nope", None, &body).await;
    assert_eq!(status, 404);
    let (status, answer) = client.post("/indesign/v3/scripts", None, &json!({})).await;
    assert_eq!(status, 415, "{answer}");
}

#[tokio::test]
async fn a_job_is_accepted_and_polled_to_its_end() {
    let client = client().await;
    let body = json!({"assets": assets(), "params": {"targetDocument": "doc.indd"}});
    let (status, accepted) = client.post("/indesign/v3/document-info", None, &body).await;
    assert_eq!(status, 202, "{accepted}");
    let status_url = accepted["statusUrl"].as_str().unwrap().to_owned();
    assert!(status_url.contains("/indesign/v3/status/"), "{status_url}");
    let mut seen = Vec::new();
    for _ in 0..50 {
        let (code, answer) = client.get(&status_url).await;
        assert_eq!(code, 200);
        let word = answer["status"].as_str().unwrap().to_owned();
        seen.push(word.clone());
        if word == "failed" || word == "succeeded" {
            break;
        }
    }
    // The input at port 9 cannot be read: the job fails naming it.
    assert_eq!(seen.last().map(String::as_str), Some("failed"), "{seen:?}");
    assert_eq!(seen[0], "not_started");
}
