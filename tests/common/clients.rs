//! Clients and servers the SDK's tests share: a `Firefly` pointed at a
//! scripted server, an IMS that hands out numbered tokens, a token manager.

use std::time::Duration;

use adobe_firefly::{
    Firefly, RetryPolicy,
    auth::{ImsTokenManager, TokenPolicy},
};
use serde_json::json;

use super::{CLIENT_ID, FakeServer, Reply, TOKEN_PATH, json_response, token_body};

/// The client secret the token-manager tests use.
pub const SECRET: &str = "client-secret";

pub fn client(server: &FakeServer) -> Firefly {
    Firefly::builder()
        .client_id(CLIENT_ID)
        .client_secret("secret")
        .api_url(&server.url)
        .ims_url(&server.url)
        .build()
        .unwrap()
}

pub fn without_retries(server: &FakeServer) -> Firefly {
    Firefly::builder()
        .client_id(CLIENT_ID)
        .client_secret("secret")
        .api_url(&server.url)
        .ims_url(&server.url)
        .retry_policy(RetryPolicy::none())
        .build()
        .unwrap()
}

/// IMS issues token-1, token-2, ...; Firefly's status endpoint answers with
/// `firefly(bearer token, earlier status calls)`.
pub async fn server_with(
    firefly: impl Fn(&str, usize) -> axum::response::Response + Send + Sync + 'static,
) -> FakeServer {
    FakeServer::start(move |request, earlier| {
        if request.path == TOKEN_PATH {
            return Reply::Now(json_response(
                200,
                token_body(&format!("token-{}", earlier + 1), 86399),
            ));
        }
        let bearer = request
            .header("authorization")
            .unwrap_or_default()
            .trim_start_matches("Bearer ");
        Reply::Now(firefly(bearer, earlier))
    })
    .await
}

pub fn manager(server: &FakeServer, policy: TokenPolicy) -> ImsTokenManager {
    ImsTokenManager::builder()
        .ims_url(&server.url)
        .client_id(CLIENT_ID)
        .client_secret(SECRET)
        .scopes("openid,AdobeID,firefly_api,ff_apis")
        .policy(policy)
        .build()
        .unwrap()
}

/// A deterministic refresh point: half of the lifetime.
pub fn half_life() -> TokenPolicy {
    TokenPolicy::default().refresh_window(0.5, 0.5)
}

/// An IMS that hands out `token-1`, `token-2`, ... with the given lifetime and
/// latency.
pub async fn ims(lifetime: u64, latency: Duration) -> FakeServer {
    FakeServer::start(move |_, earlier| {
        Reply::After(
            latency,
            json_response(200, token_body(&format!("token-{}", earlier + 1), lifetime)),
        )
    })
    .await
}

/// An IMS that answers the first `ok` requests and then fails with `status`.
pub async fn ims_failing_after(ok: usize, status: u16, lifetime: u64) -> FakeServer {
    FakeServer::start(move |_, earlier| {
        if earlier < ok {
            Reply::Now(json_response(
                200,
                token_body(&format!("token-{}", earlier + 1), lifetime),
            ))
        } else {
            Reply::Now(json_response(status, json!({"error": "server_error"})))
        }
    })
    .await
}
