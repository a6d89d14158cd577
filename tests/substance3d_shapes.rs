//! The exact request of every Substance 3D JSON-body operation: an insta
//! snapshot each, checked against its request schema in Substance 3D's
//! imported spec with undefined fields forbidden; and the space upload's
//! multipart shape.

mod common;

use adobe_firefly::{Api, Firefly, substance3d::types};
use common::*;
use serde_json::{Value, json};

/// IMS, and every operation accepting with 202 and its job.
async fn adobe() -> FakeServer {
    FakeServer::start(|request, _| {
        let host = request.header("host").unwrap_or_default().to_owned();
        Reply::Now(match (request.method.as_str(), request.path.as_str()) {
            ("POST", TOKEN_PATH) => json_response(200, token_body("token-1", 86399)),
            ("POST", "/v1/spaces") => json_response(
                201,
                json!({"id": "sp-1", "url": format!("http://{host}/v1/spaces/sp-1"),
                       "expiry": "2026-12-05T20:00:00Z", "files": [{"name": "chair.glb", "size": 4, "url": "u"}]}),
            ),
            ("POST", _) => with_header(
                json_response(
                    202,
                    json!({"id": "j-1", "status": "not_started",
                           "url": format!("http://{host}/v1/jobs/j-1"), "bugReportUrl": "b"}),
                ),
                "retry-after",
                "2",
            ),
            _ => json_response(404, json!({"error_code": "not_found"})),
        })
    })
    .await
}

fn client(server: &FakeServer) -> Firefly {
    Firefly::builder()
        .client_id(CLIENT_ID)
        .client_secret("secret")
        .api_url(&server.url)
        .base_url(Api::Substance3d, &server.url)
        .ims_url(&server.url)
        .build()
        .unwrap()
}

/// Problems of `body` against `path`'s request schema in Substance 3D's spec,
/// with undefined fields forbidden.
fn problems(path: &str, body: &Value) -> Vec<String> {
    let spec: Value = serde_json::from_str(include_str!(concat!(
        env!("OUT_DIR"),
        "/substance3d_spec.json"
    )))
    .unwrap();
    strict_problems(&spec, "post", path, body)
}

/// Sends one operation, and checks and snapshots what went out.
async fn snapshot_of<F, Fut>(name: &str, path: &str, call: F)
where
    F: FnOnce(Firefly) -> Fut,
    Fut: std::future::Future<
            Output = Result<adobe_firefly::substance3d::Substance3dJob, adobe_firefly::Error>,
        >,
{
    let server = adobe().await;
    let job = call(client(&server)).await.unwrap();
    assert_eq!(job.id, "j-1", "{name}");
    assert_eq!(job.retry_after, Some(std::time::Duration::from_secs(2)));
    let mut sent = server.requests_to(path);
    assert_eq!(sent.len(), 1, "{name}");
    let request = sent.remove(0);
    assert_eq!(request.header("authorization"), Some("Bearer token-1"));
    assert_eq!(request.header("x-api-key"), Some(CLIENT_ID));
    let body: Value = serde_json::from_slice(&request.body).unwrap();
    let found = problems(path, &body);
    assert!(found.is_empty(), "{name}: {found:#?}");
    // A field no schema defines is caught: the check can fail.
    let mut extra = body.clone();
    extra["notInTheSchema"] = json!(1);
    assert!(!problems(path, &extra).is_empty(), "{name}");
    insta::assert_json_snapshot!(name, request.shape());
}

fn sources() -> Value {
    json!([{"space": {"id": "sp-1"}, "mountPoint": "/models"},
           {"url": {"url": "https://storage.example/env.exr", "filename": "env.exr"}}])
}

#[tokio::test]
async fn render_model_request() {
    let body = json!({
        "sources": sources(),
        "scene": {"modelFile": "models/chair.glb", "camera": {"focal": 50.0},
                  "environment": {"file": "env.exr", "exposure": 0.5},
                  "materialOverrides": [{"materialName": "Wood", "roughnessFactor": 0.4}]},
        "size": {"width": 1920, "height": 1080},
        "background": {"backgroundColor": [1.0, 1.0, 1.0, 1.0]},
        "groundPlane": {"shadows": true},
        "autoFraming": {"algorithm": "frustum_fit", "zoomFactor": 0.9},
        "extraOutputs": {"exportMatte": {"includeNodes": ["Chair"]}},
    });
    snapshot_of(
        "substance3d_render_model",
        "/v1/scenes/render-basic",
        |f| async move {
            f.substance3d()
                .render_model(request::<types::RenderBasicRequest>(body))
                .await
        },
    )
    .await;
}

#[tokio::test]
async fn render_scene_request() {
    let body = json!({
        "sources": sources(),
        "scene": {"baseFile": {"file": "models/room.usdz"},
                  "models": {"imports": [{"file": "models/chair.glb",
                      "transform": {"trs": {"translation": [0.0, 0.0, 1.0], "rotation": {"euler": [0.0, 90.0, 0.0]}, "scale": [1.0, 1.0, 1.0]}}}]},
                  "metersPerUnit": 0.01},
        "cameraName": "Main",
        "size": {"width": 512, "height": 512},
    });
    snapshot_of(
        "substance3d_render_scene",
        "/v1/scenes/render",
        |f| async move {
            f.substance3d()
                .render_scene(request::<types::RenderRequest>(body))
                .await
        },
    )
    .await;
}

#[tokio::test]
async fn compose_request() {
    let body = json!({
        "sources": sources(),
        "sceneFile": "models/chair.glb",
        "heroAsset": "Chair",
        "prompt": "a chair on a beach at dusk",
        "contentClass": "photo",
        "modelVersion": "image4_ultra",
        "numVariations": 2,
        "seeds": [1, 2],
        "lightingSeeds": [3, 4],
        "size": {"width": 2688, "height": 1536},
    });
    snapshot_of(
        "substance3d_compose",
        "/v1/composites/compose",
        |f| async move {
            f.substance3d()
                .compose_scene(request::<types::ComposeRequest>(body))
                .await
        },
    )
    .await;
}

#[tokio::test]
async fn assemble_request() {
    let body = json!({
        "sources": sources(),
        "scene": {"baseFile": {"file": "models/room.usdz"},
                  "materials": [{"materialName": "Red", "nodeList": ["Chair"],
                                 "material": {"solidColor": {"color": [1.0, 0.0, 0.0]}}}]},
        "encoding": "glb",
        "fileBaseName": "room",
    });
    snapshot_of(
        "substance3d_assemble",
        "/v1/scenes/assemble",
        |f| async move {
            f.substance3d()
                .assemble_scene(request::<types::AssembleRequest>(body))
                .await
        },
    )
    .await;
}

#[tokio::test]
async fn convert_request() {
    let body =
        json!({"sources": sources(), "format": "usdz", "modelEntrypoint": "models/chair.glb"});
    snapshot_of(
        "substance3d_convert",
        "/v1/scenes/convert",
        |f| async move {
            f.substance3d()
                .convert_model(request::<types::ConvertRequest>(body))
                .await
        },
    )
    .await;
}

#[tokio::test]
async fn describe_request() {
    let body = json!({"sources": sources(), "sceneFile": "models/chair.glb"});
    snapshot_of(
        "substance3d_describe",
        "/v1/scenes/describe",
        |f| async move {
            f.substance3d()
                .describe_scene(request::<types::DescribeRequest>(body))
                .await
        },
    )
    .await;
}

#[tokio::test]
async fn a_space_is_one_multipart_request_with_each_file_as_a_part() {
    let server = adobe().await;
    let space = client(&server)
        .substance3d()
        .create_space_from([
            ("chair.glb".to_owned(), bytes::Bytes::from_static(b"glTF")),
            (
                "textures/wood.png".to_owned(),
                bytes::Bytes::from_static(b"\x89PNG"),
            ),
        ])
        .await
        .unwrap();
    assert_eq!(space.id, "sp-1");
    let sent = server.requests_to("/v1/spaces");
    assert_eq!(sent.len(), 1);
    let request = &sent[0];
    assert_eq!(request.header("authorization"), Some("Bearer token-1"));
    let content_type = request.header("content-type").unwrap();
    assert!(
        content_type.starts_with("multipart/form-data; boundary="),
        "{content_type}"
    );
    let body = String::from_utf8_lossy(&request.body);
    assert!(
        body.contains("name=\"chair.glb\"; filename=\"chair.glb\""),
        "{body}"
    );
    assert!(body.contains("filename=\"textures/wood.png\""), "{body}");
    // A name that leaves the space is refused unsent.
    let error = client(&server)
        .substance3d()
        .create_space_from([("../x".to_owned(), bytes::Bytes::from_static(b"x"))])
        .await
        .unwrap_err();
    assert!(
        matches!(error, adobe_firefly::Error::Validation(_)),
        "{error:?}"
    );
    assert_eq!(server.requests_to("/v1/spaces").len(), 1);
}
