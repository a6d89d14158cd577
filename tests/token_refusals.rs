//! Answers that refuse the token itself: besides a 401, a 431 (header
//! fields too large) or a 400 that the `Authorization` header caused. The
//! token is invalidated and the request replayed once with a fresh one, as
//! after a 401; answers the token did not cause leave it alone.

mod common;

use std::sync::{Arc, Mutex};

use adobe_firefly::{
    CustomModelsQuery, Firefly, RetryPolicy,
    auth::{AccessToken, AuthError, BoxFuture, TokenSource},
};
use common::*;
use serde_json::json;

/// Past this, the scripted server refuses the request's headers, as
/// servers with 8 KiB header buffers do.
const HEADER_LIMIT: usize = 8 * 1024;

/// A token source that first hands out `first`, and `good` once `first`
/// was reported refused; it records what was reported.
#[derive(Debug)]
struct Swapping {
    first: String,
    good: &'static str,
    invalidated: Mutex<Vec<String>>,
}

impl Swapping {
    fn new(first: String) -> Arc<Self> {
        Arc::new(Self {
            first,
            good: "token-good",
            invalidated: Mutex::default(),
        })
    }

    fn invalidated(&self) -> Vec<usize> {
        self.invalidated
            .lock()
            .unwrap()
            .iter()
            .map(String::len)
            .collect()
    }
}

impl TokenSource for Swapping {
    fn token(&self) -> BoxFuture<'_, Result<AccessToken, AuthError>> {
        let refused = self.invalidated.lock().unwrap().contains(&self.first);
        let token = if refused { self.good } else { &self.first };
        let token = AccessToken::new(token);
        Box::pin(async move { Ok(token) })
    }

    fn invalidate(&self, token: &AccessToken) {
        self.invalidated
            .lock()
            .unwrap()
            .push(token.expose_secret().to_owned());
    }
}

/// A server answering `refusal` when the request's headers together pass
/// [`HEADER_LIMIT`], and a running job or an empty page otherwise.
async fn server(refusal: u16) -> FakeServer {
    FakeServer::start(move |request, _| {
        let size: usize = request
            .headers
            .iter()
            .map(|(name, value)| name.len() + value.len())
            .sum();
        if size > HEADER_LIMIT {
            return Reply::Now(text_response(
                refusal,
                "text/html",
                "<html><h1>Request Header Or Cookie Too Large</h1></html>",
            ));
        }
        if request.path == "/v3/custom-models" {
            return Reply::Now(json_response(
                200,
                json!({"custom_models": [], "total_count": 0}),
            ));
        }
        Reply::Now(running())
    })
    .await
}

fn firefly(server: &FakeServer, tokens: Arc<Swapping>) -> Firefly {
    Firefly::builder()
        .client_id(CLIENT_ID)
        .token_source(tokens)
        .api_url(&server.url)
        .retry_policy(RetryPolicy::none())
        .build()
        .unwrap()
}

#[tokio::test(start_paused = true)]
async fn a_431_for_a_huge_token_replaces_it_and_replays_once() {
    let server = server(431).await;
    let tokens = Swapping::new("A".repeat(100 * 1024));
    let firefly = firefly(&server, tokens.clone());
    firefly.job_status(&job(&server)).await.unwrap();
    assert_eq!(tokens.invalidated(), [100 * 1024]);
    assert_eq!(server.count(&format!("/v3/status/{JOB}")), 2);
    assert_eq!(firefly.stats().replays_after_401, 1);
    // The next request goes out with the good token at once.
    firefly.job_status(&job(&server)).await.unwrap();
    assert_eq!(server.count(&format!("/v3/status/{JOB}")), 3);
}

#[tokio::test(start_paused = true)]
async fn a_400_for_a_token_that_is_not_one_replaces_it() {
    let server = server(400).await;
    let tokens = Swapping::new("B".repeat(20 * 1024));
    let firefly = firefly(&server, tokens.clone());
    firefly.job_status(&job(&server)).await.unwrap();
    assert_eq!(tokens.invalidated(), [20 * 1024]);
    assert_eq!(firefly.stats().replays_after_401, 1);
}

/// Firefly's own 400 is about the request, not a good-looking token.
#[tokio::test(start_paused = true)]
async fn a_400_with_a_good_token_leaves_it_alone() {
    let server = FakeServer::start(|_, _| {
        Reply::Now(json_response(
            400,
            json!({"error_code": "validation_error", "message": "bad job id"}),
        ))
    })
    .await;
    let tokens = Swapping::new("token-1".to_owned());
    let firefly = firefly(&server, tokens.clone());
    let error = firefly.job_status(&job(&server)).await.unwrap_err();
    assert_eq!(error.status(), Some(400));
    assert!(tokens.invalidated().is_empty());
    assert_eq!(server.count(&format!("/v3/status/{JOB}")), 1);
}

/// A 431 that a larger `x-user-token` caused is not the token's fault.
#[tokio::test(start_paused = true)]
async fn a_431_for_a_huge_user_token_leaves_the_token_alone() {
    let server = server(431).await;
    let tokens = Swapping::new("token-1".to_owned());
    let firefly = firefly(&server, tokens.clone());
    let query = CustomModelsQuery::new().user_token("U".repeat(20 * 1024));
    let error = firefly.custom_models_page(&query, 0).await.unwrap_err();
    assert_eq!(error.status(), Some(431));
    assert!(tokens.invalidated().is_empty());
    assert_eq!(server.count("/v3/custom-models"), 1);
}

/// A source that cannot mint another token: the 431 comes back as what it
/// is, after the token was reported, with no replay.
#[tokio::test(start_paused = true)]
async fn a_431_with_a_static_token_is_returned_as_a_431() {
    let server = server(431).await;
    let firefly = Firefly::builder()
        .client_id(CLIENT_ID)
        .access_token("C".repeat(100 * 1024))
        .api_url(&server.url)
        .retry_policy(RetryPolicy::none())
        .build()
        .unwrap();
    let error = firefly.job_status(&job(&server)).await.unwrap_err();
    assert_eq!(error.status(), Some(431), "{error:?}");
    assert_eq!(server.count(&format!("/v3/status/{JOB}")), 1);
    assert_eq!(firefly.stats().replays_after_401, 0);
}
