//! The token manager honours the system proxy settings. This test changes
//! the process environment, so it lives alone in its own test binary.

mod common;

use adobe_firefly::auth::{ImsTokenManager, TokenPolicy};
use common::*;

#[tokio::test]
async fn ims_requests_go_through_the_configured_proxy() {
    let proxy =
        FakeServer::start(|_, _| Reply::Now(json_response(200, token_body("via-proxy", 86399))))
            .await;
    let ims =
        FakeServer::start(|_, _| Reply::Now(json_response(200, token_body("direct", 86399)))).await;
    // SAFETY: this binary runs only this test, and the variables are set
    // before any client reads them.
    unsafe {
        std::env::remove_var("NO_PROXY");
        std::env::remove_var("no_proxy");
        std::env::set_var("HTTP_PROXY", &proxy.url);
    }
    let manager = ImsTokenManager::builder()
        .ims_url(&ims.url)
        .client_id(CLIENT_ID)
        .client_secret("secret")
        .scopes("openid")
        .policy(TokenPolicy::default())
        .build()
        .unwrap();
    assert_eq!(manager.token().await.unwrap().expose_secret(), "via-proxy");
    let seen = proxy.requests_to(TOKEN_PATH);
    assert_eq!(seen.len(), 1);
    assert_eq!(
        seen[0].header("host"),
        ims.url.strip_prefix("http://"),
        "the proxy was asked for IMS"
    );
    assert_eq!(ims.requests().len(), 0);
}
