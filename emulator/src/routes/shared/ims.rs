//! Adobe IMS: `POST /ims/token/v3`, the client-credentials grant, checking
//! the client id, the secret (any secret the Management API has not
//! deleted) and the requested scopes.

use std::{collections::HashMap, sync::Arc};

use axum::{body::Bytes, extract::State, http::HeaderMap, response::Response};
use serde_json::json;

use crate::{
    api::Verb,
    responses::json_response,
    routes::{App, Routes},
    settings::scope_list,
    store::GrantRefusal,
};

pub(super) fn routes() -> Routes {
    Routes::new().route(Verb::Post, "/ims/token/v3", token)
}

async fn token(State(app): State<Arc<App>>, headers: HeaderMap, body: Bytes) -> Response {
    app.log("POST", "/ims/token/v3", &headers);
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
    let field = |name: &str| form.get(name).map(String::as_str);
    let requested = scope_list(field("scope").unwrap_or_default());
    let granted = app.store.grant(
        field("client_id"),
        field("client_secret").unwrap_or_default(),
        &requested,
    );
    match granted {
        Ok(()) => {}
        Err(GrantRefusal::UnknownClient) => {
            return oauth_error("invalid_client", "invalid client_id parameter");
        }
        Err(GrantRefusal::WrongSecret) => {
            return oauth_error("invalid_client", "invalid client_secret parameter");
        }
        Err(GrantRefusal::NoScope) => return oauth_error("invalid_scope", "scope is required"),
        Err(GrantRefusal::ScopeNotAllowed(extra)) => {
            return oauth_error(
                "invalid_scope",
                &format!("the credential does not have the scope {extra}"),
            );
        }
    }
    let settings = &app.store.settings;
    if let Some(delay) = settings.faults.ims_slow {
        tokio::time::sleep(delay).await;
    }
    let lifetime = settings.token_lifetime.as_secs();
    let token = app.store.issue_token(requested);
    json_response(
        200,
        json!({
            "access_token": token,
            "token_type": "bearer",
            "expires_in": lifetime,
        }),
    )
}
