//! Jobs over HTTP: their statuses from submission to the end, and
//! cancelling them.

use serde_json::json;

mod support;

use support::client::{Client, cancel_url};

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
}
