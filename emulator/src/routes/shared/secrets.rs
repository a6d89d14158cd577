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
    routes::Routes,
    state::{EmulatorState, StoredSecret, new_uuid},
};

/// The secrets of a credential.
const SECRETS: &str = "/console/organizations/{org}/credentials/{credential}/secrets";

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
    State(state): State<Arc<EmulatorState>>,
    Path((org, credential)): Path<(String, String)>,
    method: Method,
    headers: HeaderMap,
) -> Response {
    let path = format!("/console/organizations/{org}/credentials/{credential}/secrets");
    let scope = if method == Method::GET {
        "read_client_secret"
    } else {
        "manage_client_secrets"
    };
    if let Err(refusal) = state
        .admit_with_scope(method.as_str(), &path, &headers, scope)
        .await
    {
        return refusal;
    }
    if org != state.settings.organization_id || credential != state.settings.credential_id {
        return state.error(404, "not_found", "No such organization or credential");
    }
    let mut data = state.lock();
    if method == Method::GET {
        let list: Vec<Value> = data
            .secrets
            .iter()
            .map(|s| json!({"uuid": s.uuid, "created": s.created}))
            .collect();
        return json_response(
            200,
            json!({"client_id": state.settings.client_id, "client_secrets": list}),
        );
    }
    let secret = StoredSecret {
        uuid: new_uuid(),
        value: format!("p8e-{:032x}", fastrand::u128(..)),
        created: httpdate::fmt_http_date(SystemTime::now()),
    };
    let body = json!({"client_secret": secret.value, "uuid": secret.uuid});
    data.secrets.push(secret);
    json_response(200, body)
}

async fn delete_secret(
    State(state): State<Arc<EmulatorState>>,
    Path((org, credential, uuid)): Path<(String, String, String)>,
    headers: HeaderMap,
) -> Response {
    let path = format!("/console/organizations/{org}/credentials/{credential}/secrets/{uuid}");
    if let Err(refusal) = state
        .admit_with_scope("DELETE", &path, &headers, "manage_client_secrets")
        .await
    {
        return refusal;
    }
    let mut data = state.lock();
    let before = data.secrets.len();
    data.secrets.retain(|s| s.uuid != uuid);
    let deleted = data.secrets.len() < before;
    drop(data);
    if deleted
        && org == state.settings.organization_id
        && credential == state.settings.credential_id
    {
        respond(200, "application/json", String::new())
    } else {
        state.error(404, "not_found", "No such secret")
    }
}
