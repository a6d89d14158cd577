//! Custom models: `GET /v3/custom-models`, paginated with `start` and
//! `limit` like Firefly's.

use std::sync::Arc;

use axum::{
    extract::{Query, State},
    http::HeaderMap,
    response::Response,
};
use serde_json::{Value, json};

use super::SCOPE;
use crate::{
    api::Verb,
    responses::json_response,
    routes::{App, Routes},
};

pub(super) fn routes() -> Routes {
    Routes::new().route(Verb::Get, "/v3/custom-models", custom_models)
}

#[derive(serde::Deserialize)]
struct CustomModelsParams {
    start: Option<String>,
    limit: Option<String>,
}

async fn custom_models(
    State(app): State<Arc<App>>,
    Query(params): Query<CustomModelsParams>,
    headers: HeaderMap,
) -> Response {
    if let Err(refusal) = app.admit("GET", "/v3/custom-models", &headers, SCOPE).await {
        return refusal;
    }
    let reason =
        |message: &str| json_response(400, json!({"reason": "bad_request", "message": message}));
    let Ok(start) = params.start.as_deref().unwrap_or("0").parse::<usize>() else {
        return reason("start must be a number");
    };
    let limit = match params.limit.as_deref().map(str::parse::<usize>) {
        None => 50,
        Some(Ok(limit)) if (1..=50).contains(&limit) => limit,
        Some(_) => return reason("limit must be between 1 and 50"),
    };
    let total = app.store.settings.custom_models as usize;
    let end = (start + limit).min(total);
    let models: Vec<Value> = (start.min(end)..end)
        .map(|i| {
            json!({
                "assetId": format!("urn:aaid:sc:US:emulator-model-{i:04}"),
                "assetName": format!("emulator-model-{i:04}"),
                "displayName": format!("Emulator model {i}"),
                "version": "1",
                "size": 1024 * (i as u64 + 1),
                "etag": format!("\"{i}\""),
                "trainingMode": if i % 2 == 0 { "subject" } else { "style" },
                "mediaType": "application/vnd.adobe.models+json",
                "createdDate": 1_700_000_000_000u64 + i as u64,
                "modifiedDate": "2025-01-01T00:00:00Z",
                "publishedState": "published",
                "baseModel": {"name": "image3", "version": "3"},
                "samplePrompt": "a photo of emulator-concept",
                "conceptId": format!("emulator-concept-{i}"),
            })
        })
        .collect();
    let page = |from: usize| json!({"href": format!("{}/v3/custom-models?start={from}&limit={limit}", app.url), "rel": "page", "templated": false});
    let mut links = json!({"page": page(start)});
    if end < total {
        links["next"] = page(end);
    }
    json_response(
        200,
        json!({"custom_models": models, "_links": links, "total_count": total}),
    )
}
