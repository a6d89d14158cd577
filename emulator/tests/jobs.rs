//! Jobs over HTTP: their statuses from submission to the end, cancelling
//! them, and the faults that change how they end (`content_policy_every`,
//! `timeout_jobs_every`, `cancel_pending`).

use adobe_firefly_emulator::{Emulator, Faults};
use serde_json::{Value, json};

mod support;

use support::{
    client::{Client, cancel_url},
    images::png_of,
};

/// A client of an emulator with these faults, in their text form (so the
/// form is exercised as `FIREFLY_EMULATOR_FAULTS` gives it).
async fn with_faults(faults: &str) -> Client {
    let faults = Faults::parse(faults).expect("the faults parse");
    Client::start_with(Emulator::builder().faults(faults)).await
}

#[tokio::test]
async fn a_cancelled_job_says_cancelled_as_adobe_spells_it() {
    let client = Client::start().await;
    let (status, accepted) = client
        .submit("/v3/images/generate-async", &json!({"prompt": "a cat"}))
        .await;
    assert_eq!(status, 202, "{accepted}");
    let (status, body) = client.put(&cancel_url(&accepted)).await;
    assert_eq!(status, 200, "{body}");
    let seen = client.poll_to_the_end(&accepted).await;
    let statuses: Vec<_> = seen.iter().map(|body| body["status"].clone()).collect();
    assert_eq!(statuses, [json!("cancelled")], "{seen:?}");
    assert_eq!(seen[0]["jobId"], accepted["jobId"]);
    // Cancelling again is refused: the job is over.
    let (status, body) = client.put(&cancel_url(&accepted)).await;
    assert_eq!(status, 409, "{body}");
    assert_eq!(client.emulator.faults_served().cancel_pending_answers, 0);
}

#[tokio::test]
async fn with_cancel_pending_the_poll_after_a_cancel_answers_cancel_pending() {
    let client = with_faults("cancel_pending").await;
    let (status, accepted) = client
        .submit("/v4/images/generate-async", &json!({"prompt": "a cat"}))
        .await;
    assert_eq!(status, 200, "{accepted}");
    let (status, body) = client.put(&cancel_url(&accepted)).await;
    assert_eq!(status, 200, "{body}");
    // A second cancel while it is pending is refused like one after it.
    let (status, body) = client.put(&cancel_url(&accepted)).await;
    assert_eq!(status, 409, "{body}");
    let seen = client.poll_to_the_end(&accepted).await;
    let statuses: Vec<_> = seen.iter().map(|body| body["status"].clone()).collect();
    assert_eq!(
        statuses,
        [json!("cancel_pending"), json!("cancelled")],
        "{seen:?}"
    );
    // And it stays cancelled.
    let seen = client.poll_to_the_end(&accepted).await;
    assert_eq!(seen[0]["status"], "cancelled");
    let job_id = seen[0]["jobId"].as_str().unwrap().to_owned();
    assert_eq!(client.emulator.canceled_jobs(), [job_id]);
    assert_eq!(client.emulator.faults_served().cancel_pending_answers, 1);
}

#[tokio::test]
async fn timeout_jobs_every_ends_the_picked_jobs_with_timeout() {
    let client = with_faults("timeout_jobs_every=2").await;
    let mut finals = Vec::new();
    for prompt in ["one", "two", "three", "four"] {
        let finished = client
            .run_job("/v3/images/generate-async", &json!({"prompt": prompt}))
            .await;
        finals.push(finished);
    }
    let statuses: Vec<_> = finals.iter().map(|body| body["status"].clone()).collect();
    assert_eq!(
        statuses,
        ["succeeded", "timeout", "succeeded", "timeout"].map(Value::from),
        "{finals:?}"
    );
    for timed_out in [&finals[1], &finals[3]] {
        assert!(timed_out["error_code"].is_string(), "{timed_out}");
        assert!(timed_out["message"].is_string(), "{timed_out}");
        assert!(timed_out.get("result").is_none(), "{timed_out}");
    }
    assert_eq!(client.emulator.faults_served().timed_out_jobs, 2);
}

#[tokio::test]
async fn content_policy_every_refuses_the_submissions_that_can_be_refused() {
    let client = with_faults("content_policy_every=2").await;
    let background = client.upload("image/png", png_of(64, 64)).await;
    let composite = json!({
        "background": {"image": {"source": {"uploadId": background}},
                       "fillAreaMask": {"source": {"uploadId": background}}},
        "object": {"image": {"source": {"uploadId": background}}},
    });
    let image5 = ("/v4/images/generate-async", json!({"prompt": "a cat"}));
    // v3 text to image lists no 451 in the spec: never refused, not counted.
    let v3 = ("/v3/images/generate-async", json!({"prompt": "a cat"}));
    let precise = ("/v3/images/precise-composite", composite.clone());
    let adaptive = ("/v3/images/adaptive-composite", composite);
    let submissions = [
        (&image5, false),
        (&v3, false),
        (&v3, false),
        (&image5, true),
        (&precise, false),
        (&v3, false),
        (&adaptive, true),
        (&precise, false),
        (&precise, true),
    ];
    for (n, ((path, body), refused)) in submissions.into_iter().enumerate() {
        let (status, answer) = client.submit(path, body).await;
        if refused {
            assert_eq!(status, 451, "submission {n} to {path}: {answer}");
            // The prompt is blamed when there is one; the composites have
            // none, so their input images are.
            let code = if body["prompt"].is_string() {
                "prompt_unsafe"
            } else {
                "input_media_unsafe"
            };
            assert_eq!(answer["error_code"], code, "{answer}");
            assert!(answer["message"].is_string(), "{answer}");
        } else {
            assert!(
                status == 200 || status == 202,
                "submission {n} to {path}: {status} {answer}"
            );
        }
    }
    assert_eq!(client.emulator.faults_served().content_policy_refusals, 3);
}

#[tokio::test]
async fn a_submission_refused_for_its_body_is_not_counted_by_content_policy() {
    let client = with_faults("content_policy_every=1").await;
    // Invalid (422) and with an unknown input (400): refused before the
    // content check, which would refuse everything else.
    let (status, body) = client
        .submit("/v4/images/generate-async", &json!({"prompt": ""}))
        .await;
    assert_eq!(status, 422, "{body}");
    let unknown = json!({"uploadId": "never-uploaded"});
    let (status, body) = client
        .submit(
            "/v3/images/precise-composite",
            &json!({
                "background": {"image": {"source": unknown}, "fillAreaMask": {"source": unknown}},
                "object": {"image": {"source": unknown}},
            }),
        )
        .await;
    assert_eq!(status, 400, "{body}");
    assert_eq!(client.emulator.faults_served().content_policy_refusals, 0);
    let (status, body) = client
        .submit("/v4/images/generate-async", &json!({"prompt": "a cat"}))
        .await;
    assert_eq!(status, 451, "{body}");
}
