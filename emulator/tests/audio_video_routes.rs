//! The Audio/Video routes over raw HTTP (no SDK code): bodies the spec
//! forbids are refused with 422 naming the field, as are an unknown voice
//! and a dub with neither languages nor transcripts; a token without the
//! scope, an unknown job; and a job whose input cannot be read fails with
//! the API's `{error_code, message}`.

use serde_json::{Value, json};

mod support;

use support::client::Client;

const PREFIX: &str = "/audio-video";

/// The refusal of a body that fits none of its `oneOf` shapes.
const ONE_OF: &str = "value_error.oneOf";

async fn client() -> Client {
    let mut client = Client::start().await;
    client.token = client.emulator.issue_token("openid,AdobeID,ff_apis");
    client
}

#[tokio::test]
async fn bodies_the_spec_or_its_prose_forbid_are_refused_naming_the_field() {
    let client = client().await;
    let video = json!({"source": {"url": "http://127.0.0.1:9/in.mp4"}, "mediaType": "video/mp4"});
    let refused: Vec<(&str, Value, &str)> = vec![
        ("/v1/reframe", json!({"video": video}), "outputConfig"),
        (
            "/v1/reframe",
            json!({"video": video, "outputConfig": {"aspectRatios": ["9:16"]}, "sceneEditDetection": "yes"}),
            "sceneEditDetection",
        ),
        // A request of one of several shapes that fits none is refused
        // as such: the validator cannot tell which shape was meant.
        (
            "/v1/transcribe",
            json!({"audio": {"mediaType": "audio/wav"}}),
            ONE_OF,
        ),
        (
            "/v1/dub",
            json!({"video": {"source": {"url": "http://127.0.0.1:9/in.mp4"}, "mediaType": "video/avi"},
                   "targetLocaleCodes": ["fr-FR"]}),
            ONE_OF,
        ),
        (
            "/v1/generate-speech",
            json!({"voiceId": "v-emulator-ava", "output": {"mediaType": "audio/wav"},
                   "script": {"localeCode": "xx-XX", "mediaType": "text/plain", "text": "Hi"}}),
            "localeCode",
        ),
        (
            "/v1/generate-speech",
            json!({"voiceId": "no-such-voice", "output": {"mediaType": "audio/wav"},
                   "script": {"localeCode": "en-US", "mediaType": "text/plain", "text": "Hi"}}),
            "voiceId",
        ),
        ("/v1/dub", json!({"video": video}), "target locale codes"),
    ];
    for (path, body, field) in refused {
        let (status, answer) = client.post(&format!("{PREFIX}{path}"), None, &body).await;
        assert_eq!(status, 422, "{path} {body}: {answer}");
        assert_eq!(answer["error_code"], "validation_error", "{answer}");
        // The field is named where the refusal says where (`loc`), or in
        // the message of a rule the schema cannot state.
        let named = answer["validation_errors"]
            .as_array()
            .into_iter()
            .flatten()
            .any(|problem| problem["loc"].to_string().contains(field) || problem["type"] == field)
            || answer["message"]
                .as_str()
                .is_some_and(|m| m.contains(field));
        assert!(named, "{path}: {field} in {answer}");
    }
}

#[tokio::test]
async fn a_token_without_the_scope_and_an_unknown_job_are_refused() {
    let mut client = client().await;
    let (status, answer) = client
        .get(&format!(
            "{}{PREFIX}/v1/status/no-such-job",
            client.emulator.url()
        ))
        .await;
    assert_eq!(status, 404, "{answer}");
    client.token = client.emulator.issue_token("openid,firefly_api");
    let (status, answer) = client
        .get(&format!("{}{PREFIX}/v1/voices", client.emulator.url()))
        .await;
    assert_eq!(status, 403, "{answer}");
}

#[tokio::test]
async fn a_job_whose_input_cannot_be_read_fails_in_the_apis_shape() {
    let client = client().await;
    let body = json!({
        "video": {"source": {"url": "http://127.0.0.1:9/in.mp4"}, "mediaType": "video/mp4"},
        "outputConfig": {"aspectRatios": ["9:16"]},
    });
    let (status, accepted) = client
        .post(&format!("{PREFIX}/v1/reframe"), None, &body)
        .await;
    assert_eq!(status, 202, "{accepted}");
    let status_url = accepted["statusUrl"].as_str().unwrap();
    assert!(
        status_url.contains("/audio-video/v1/status/"),
        "{status_url}"
    );
    let last = client.poll_to_the_end(&accepted).await.pop().unwrap();
    assert_eq!(last["status"], "failed", "{last}");
    assert_eq!(last["error_code"], "resource_not_found", "{last}");
    assert_eq!(last["jobId"], accepted["jobId"]);
}
