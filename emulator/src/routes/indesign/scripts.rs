//! Custom scripts, kept per emulator: uploads (`POST /v3/scripts`, a ZIP
//! file in multipart/form-data), the list a page at a time, details,
//! deletion, the InDesign version each runs on, and runs
//! (`POST /v3/{script_id}/{script_name}`, a job like the others); and the
//! InDesign versions scripts can run on.

use std::sync::Arc;

use axum::{
    body::Bytes,
    extract::{Path, Query, State},
    http::{HeaderMap, StatusCode, header},
    response::{IntoResponse, Response},
};
use serde_json::{Value, json};

use super::{SCOPE, jobs};
use crate::{
    api::{Api, Verb},
    responses::json_response,
    routes::App,
};

/// Scripts per page of the list.
const PAGE_SIZE: usize = 10;

/// `GET /v3/app-versions`.
pub(super) async fn app_versions(State(app): State<Arc<App>>, headers: HeaderMap) -> Response {
    if let Err(refusal) = app
        .admit_to(Api::InDesign, "GET", "/v3/app-versions", &headers, SCOPE)
        .await
    {
        return refusal;
    }
    json_response(
        200,
        json!([
            {"product": "InDesign", "majorAppVersion": "20", "minorAppVersion": "3", "status": "active"},
            {"product": "InDesign", "majorAppVersion": "21", "minorAppVersion": "0", "status": "preview"}
        ]),
    )
}

/// The `page` query parameter.
#[derive(serde::Deserialize)]
pub(super) struct Page {
    page: Option<usize>,
}

/// `GET /v3/scripts`.
pub(super) async fn list(
    State(app): State<Arc<App>>,
    Query(Page { page }): Query<Page>,
    headers: HeaderMap,
) -> Response {
    if let Err(refusal) = app
        .admit_to(Api::InDesign, "GET", "/v3/scripts", &headers, SCOPE)
        .await
    {
        return refusal;
    }
    let page = page.unwrap_or(0);
    let (scripts, more) = app.store.indesign_scripts(|scripts| {
        let on_page: Vec<Value> = scripts
            .values()
            .skip(page.saturating_mul(PAGE_SIZE))
            .take(PAGE_SIZE)
            .cloned()
            .collect();
        (on_page, scripts.len() > (page + 1) * PAGE_SIZE)
    });
    let mut paging = json!({});
    if more {
        paging["nextUrl"] = json!(format!(
            "{}{}/v3/scripts?page={}",
            app.url,
            Api::InDesign.prefix(),
            page + 1
        ));
    }
    json_response(200, json!({"capabilities": scripts, "paging": paging}))
}

/// `POST /v3/scripts`: the ZIP file is the form's file part; the script is
/// named after the file.
pub(super) async fn submit(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    if let Err(refusal) = app
        .admit_to(Api::InDesign, "POST", "/v3/scripts", &headers, SCOPE)
        .await
    {
        return refusal;
    }
    let multipart = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("multipart/form-data"));
    if !multipart {
        return app.error(
            415,
            "invalid_content_type",
            "A script is uploaded as multipart/form-data",
        );
    }
    let Some(name) = file_name(&body) else {
        return app.error(400, "invalid_request", "The form has no ZIP file part");
    };
    if !body
        .windows(4)
        .any(|w| w == b"PK\x03\x04" || w == b"PK\x05\x06")
    {
        return app.error(400, "invalid_zip", "The uploaded file is not a ZIP file");
    }
    let id = format!("{:016x}", fastrand::u64(..));
    let url = format!("{}{}/v3/{id}/{name}", app.url, Api::InDesign.prefix());
    let details = json!({
        "scriptName": name,
        "version": "1.0.0",
        "url": url,
        "appVersionStrategy": "latest_version",
        "createdDate": "2026-01-01T00:00:00Z",
    });
    app.store
        .indesign_scripts(|scripts| scripts.insert(name.clone(), details));
    json_response(
        202,
        json!({"capability": name, "version": "1.0.0", "url": url}),
    )
}

/// The script's name: the file part's `filename`, without `.zip`.
fn file_name(body: &[u8]) -> Option<String> {
    let text = String::from_utf8_lossy(&body[..body.len().min(8192)]).into_owned();
    let start = text.find("filename=\"")? + "filename=\"".len();
    let name = &text[start..start + text[start..].find('"')?];
    let name = name.strip_suffix(".zip").unwrap_or(name);
    let clean = !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'));
    clean.then(|| name.to_owned())
}

/// The details of `name`, or the 404.
fn known(app: &App, name: &str) -> Result<Value, Response> {
    app.store
        .indesign_scripts(|scripts| scripts.get(name).cloned())
        .ok_or_else(|| app.error(404, "script_not_found", "No script with this name."))
}

/// `GET /v3/scripts/{script_name}`.
pub(super) async fn details(
    State(app): State<Arc<App>>,
    Path(name): Path<String>,
    headers: HeaderMap,
) -> Response {
    let path = format!("/v3/scripts/{name}");
    if let Err(refusal) = app
        .admit_to(Api::InDesign, "GET", &path, &headers, SCOPE)
        .await
    {
        return refusal;
    }
    match known(&app, &name) {
        Ok(details) => json_response(200, details),
        Err(refusal) => refusal,
    }
}

/// `DELETE /v3/scripts/{script_name}`.
pub(super) async fn delete(
    State(app): State<Arc<App>>,
    Path(name): Path<String>,
    headers: HeaderMap,
) -> Response {
    let path = format!("/v3/scripts/{name}");
    if let Err(refusal) = app
        .admit_to(Api::InDesign, "DELETE", &path, &headers, SCOPE)
        .await
    {
        return refusal;
    }
    match app.store.indesign_scripts(|scripts| scripts.remove(&name)) {
        Some(_) => StatusCode::NO_CONTENT.into_response(),
        None => app.error(404, "script_not_found", "No script with this name."),
    }
}

/// `PUT /v3/scripts/{script_name}/app-version`.
pub(super) async fn app_version(
    State(app): State<Arc<App>>,
    Path(name): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    const SPEC_PATH: &str = "/v3/scripts/{script_name}/app-version";
    let path = format!("/v3/scripts/{name}/app-version");
    if let Err(refusal) = app
        .admit_to(Api::InDesign, "PUT", &path, &headers, SCOPE)
        .await
    {
        return refusal;
    }
    let validator = app.validators.of(Api::InDesign);
    let request = match app.json_body(&headers, &body, |value| {
        validator.body(Verb::Put, SPEC_PATH, value)
    }) {
        Ok(request) => request,
        Err(refusal) => return refusal,
    };
    if let Err(refusal) = known(&app, &name) {
        return refusal;
    }
    app.store.indesign_scripts(|scripts| {
        if let Some(Value::Object(details)) = scripts.get_mut(&name) {
            details.remove("majorAppVersion");
            details.remove("minorAppVersion");
            if let Value::Object(chosen) = request {
                details.extend(chosen);
            }
        }
    });
    json_response(
        200,
        json!({"message": "The script's InDesign version was updated."}),
    )
}

/// `POST /v3/{script_id}/{script_name}`: a job, for a script uploaded here.
pub(super) async fn run(
    State(app): State<Arc<App>>,
    Path((id, name)): Path<(String, String)>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let operation = format!("/v3/{id}/{name}");
    let uploaded = app.store.indesign_scripts(|scripts| {
        scripts
            .get(&name)
            .and_then(|details| details["url"].as_str())
            .is_some_and(|url| url.ends_with(&operation))
    });
    if !uploaded {
        app.log(
            "POST",
            &format!("{}{operation}", Api::InDesign.prefix()),
            &headers,
        );
        return app.error(404, "script_not_found", "No script with this id and name.");
    }
    jobs::submit(
        app,
        operation,
        "/v3/{script_id}/{script_name}",
        headers,
        body,
    )
    .await
}
