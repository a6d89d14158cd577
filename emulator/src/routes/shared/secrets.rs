//! The Adobe I/O Management API's secret rotation for the emulated
//! credential: list, create and delete client secrets
//! (`/console/organizations/{org}/credentials/{credential}/secrets`). IMS
//! accepts every secret not deleted.

use std::{sync::Arc, time::SystemTime};

use axum::{
    extract::{Path, State},
    http::{HeaderMap, Method},
    response::Response,
};
use serde_json::{Value, json};

use crate::{
    api::Verb,
    responses::{json_response, respond},
    routes::{App, Routes},
};

/// The secrets of a credential.
const SECRETS: &str = "/console/organizations/{org}/credentials/{credential}/secrets";

/// The scope that lets a token read the secrets.
const READ: &str = "read_client_secret";

/// The scope that lets a token create and delete secrets.
const MANAGE: &str = "manage_client_secrets";

pub(super) fn routes() -> Routes {
    Routes::new()
        .route(Verb::Get, SECRETS, secrets)
        .route(Verb::Post, SECRETS, secrets)
        .route(
            Verb::Delete,
            "/console/organizations/{org}/credentials/{credential}/secrets/{uuid}",
            delete_secret,
        )
}

/// The Management API's secrets of the emulated credential.
async fn secrets(
    State(app): State<Arc<App>>,
    Path((org, credential)): Path<(String, String)>,
    method: Method,
    headers: HeaderMap,
) -> Response {
    let path = format!("/console/organizations/{org}/credentials/{credential}/secrets");
    let scope = if method == Method::GET { READ } else { MANAGE };
    if let Err(refusal) = app.admit(method.as_str(), &path, &headers, scope).await {
        return refusal;
    }
    let no_such_credential = || app.error(404, "not_found", "No such organization or credential");
    if method == Method::GET {
        let Ok(secrets) = app.store.secrets(&org, &credential) else {
            return no_such_credential();
        };
        let list: Vec<Value> = secrets
            .iter()
            .map(|s| json!({"uuid": s.uuid, "created": s.created}))
            .collect();
        return json_response(
            200,
            json!({"client_id": app.store.settings.client_id, "client_secrets": list}),
        );
    }
    let created = httpdate::fmt_http_date(SystemTime::now());
    match app.store.create_secret(&org, &credential, created) {
        Ok(secret) => json_response(
            200,
            json!({"client_secret": secret.value, "uuid": secret.uuid}),
        ),
        Err(_) => no_such_credential(),
    }
}

async fn delete_secret(
    State(app): State<Arc<App>>,
    Path((org, credential, uuid)): Path<(String, String, String)>,
    headers: HeaderMap,
) -> Response {
    let path = format!("/console/organizations/{org}/credentials/{credential}/secrets/{uuid}");
    if let Err(refusal) = app.admit("DELETE", &path, &headers, MANAGE).await {
        return refusal;
    }
    match app.store.delete_secret(&org, &credential, &uuid) {
        Ok(()) => respond(200, "application/json", String::new()),
        Err(_) => app.error(404, "not_found", "No such secret"),
    }
}
