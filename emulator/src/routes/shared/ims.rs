//! Adobe IMS: `POST /ims/token/v3`, the client-credentials grant, checking
//! the client id, the secret (any secret the Management API has not
//! deleted) and the requested scopes.

use std::{collections::HashMap, sync::Arc};

use axum::{body::Bytes, extract::State, http::HeaderMap, response::Response};
use serde_json::json;

use crate::{
    api::Verb, responses::json_response, routes::Routes, settings::scope_list, state::EmulatorState,
};

pub(super) fn routes() -> Routes {
    Routes::new().route(Verb::Post, "/ims/token/v3", token)
}

async fn token(
    State(state): State<Arc<EmulatorState>>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    state.log("POST", "/ims/token/v3", &headers);
    let form: HashMap<String, String> = url::form_urlencoded::parse(&body).into_owned().collect();
    let oauth_error = |error: &str, description: &str| {
        json_response(
            400,
            json!({"error": error, "error_description": description}),
        )
    };
    if form.get("grant_type").map(String::as_str) != Some("client_credentials") {
        return oauth_error(
            "unsupported_grant_type",
            "grant_type must be client_credentials",
        );
    }
    if form.get("client_id") != Some(&state.settings.client_id) {
        return oauth_error("invalid_client", "invalid client_id parameter");
    }
    let secret = form
        .get("client_secret")
        .map(String::as_str)
        .unwrap_or_default();
    if !state.lock().secrets.iter().any(|s| s.value == secret) {
        return oauth_error("invalid_client", "invalid client_secret parameter");
    }
    let requested = scope_list(form.get("scope").map(String::as_str).unwrap_or_default());
    if requested.is_empty() {
        return oauth_error("invalid_scope", "scope is required");
    }
    if let Some(extra) = requested
        .iter()
        .find(|scope| !state.settings.allowed_scopes.contains(scope))
    {
        return oauth_error(
            "invalid_scope",
            &format!("the credential does not have the scope {extra}"),
        );
    }
    if let Some(delay) = state.settings.faults.ims_slow {
        tokio::time::sleep(delay).await;
    }
    let token = state.issue_token(requested);
    json_response(
        200,
        json!({
            "access_token": token,
            "token_type": "bearer",
            "expires_in": state.settings.token_lifetime.as_secs(),
        }),
    )
}
