//! The Substance 3D job adapter against scripted servers on 127.0.0.1:
//! every status shape decoded (bodies written here from Adobe's schemas),
//! `Retry-After` honoured on a 429 and on a running job, and capped when
//! it asks for a year, a job URL on another host refused before any token
//! goes there, and hostile answers (an HTML error page, a huge body, a
//! status that never answers) ending in typed errors within the deadline.

mod common;

use std::time::Duration;

use adobe_firefly::{
    Api, ConfigError, Error, Firefly, RetryPolicy, WaitOptions,
    substance3d::{Substance3dJob, Substance3dOperation as Op, Substance3dResult},
};
use common::*;
use serde_json::{Value, json};

const JOB: &str = "/v1/jobs/j-1";

fn substance_client(server: &FakeServer, retries: bool) -> Firefly {
    let builder = Firefly::builder()
        .client_id(CLIENT_ID)
        .client_secret("secret")
        .api_url(&server.url)
        .base_url(Api::Substance3d, &server.url)
        .ims_url(&server.url);
    let builder = if retries {
        builder
    } else {
        builder.retry_policy(RetryPolicy::none())
    };
    builder.build().unwrap()
}

/// IMS, and the job URL answering `job(request number)`.
async fn server(job: impl Fn(usize) -> Reply + Send + Sync + 'static) -> FakeServer {
    FakeServer::start(move |request, earlier| {
        if request.path == TOKEN_PATH {
            return Reply::Now(json_response(200, token_body("token-1", 86399)));
        }
        if request.path == JOB {
            return job(earlier);
        }
        Reply::Now(json_response(404, json!({"error_code": "not_found"})))
    })
    .await
}

fn reference(server: &FakeServer, operation: Op) -> Substance3dJob {
    Substance3dJob::new("j-1", format!("{}{JOB}", server.url), operation)
}

fn space() -> Value {
    json!({"id": "sp-1", "url": "https://s3d.adobe.io/v1/spaces/sp-1",
           "expiry": "2026-12-05T20:00:00Z",
           "files": [{"name": "out.glb", "size": 1024, "url": "https://storage.example/out.glb"}]})
}

fn succeeded(result: Value) -> Reply {
    Reply::Now(json_response(
        200,
        json!({"id": "j-1", "status": "succeeded", "url": "x", "bugReportUrl": "b", "result": result}),
    ))
}

fn running(retry_after: &str) -> Reply {
    Reply::Now(with_header(
        json_response(
            200,
            json!({"id": "j-1", "status": "running", "url": "x", "bugReportUrl": "b"}),
        ),
        "retry-after",
        retry_after,
    ))
}

#[tokio::test]
async fn every_status_shape_decodes() {
    let results = [
        (
            Op::Render,
            json!({"renderUrl": "https://storage.example/r.png", "warnings": null,
            "outputSpace": space(), "matteUrl": "https://storage.example/m.png",
            "objectMasks": [{"name": "Chair", "fileName": "mask_chair.png"}],
            "materialIds": {"fileName": "ids.png", "ids": [{"name": "Wood", "color": "AAAA"}]}}),
        ),
        (
            Op::RenderBasic,
            json!({"renderUrl": "https://storage.example/r.png", "warnings": [
            {"context": "camera", "message": "no camera; framed automatically"}], "outputSpace": space()}),
        ),
        (
            Op::Compose,
            json!({"outputSpace": space(), "promptHasDeniedWords": false,
            "promptHasBlockedArtists": false, "warnings": [], "outputs": [{"seed": 1, "lightingSeed": 2,
            "image": {"url": "https://storage.example/i.jpg"}, "backgroundImage": {"url": "https://storage.example/b.jpg"},
            "maskImage": {"url": "https://storage.example/m.png"}}]}),
        ),
        (
            Op::Assemble,
            json!({"sceneUrl": "https://storage.example/room.glb", "outputSpace": space()}),
        ),
        (Op::Convert, json!({"outputSpace": space()})),
        (
            Op::Describe,
            json!({"stats": {"metersPerSceneUnit": 0.01, "sceneUpAxis": "Y",
            "numVertices": 8, "numEquivalentTriangles": 12, "numPoints": 0, "numLines": 0,
            "numTriangles": 12, "numQuads": 0, "numExtraPolygons": 0, "numFaces": 12,
            "numMeshes": 1, "numSubMeshes": 1, "numTextures": 0, "cameraNames": null,
            "materialNames": ["Wood"], "nodesHierarchy": {"name": "/", "type": "Xform",
            "children": [{"name": "Cube", "type": "Mesh", "worldSpaceBoundingBox": {"min": [0,0,0], "max": [1,1,1]}}]}}}),
        ),
    ];
    for (operation, result) in results {
        let body = result.clone();
        let server = server(move |_| succeeded(body.clone())).await;
        let firefly = substance_client(&server, true);
        let status = firefly
            .substance3d()
            .job_status(&reference(&server, operation))
            .await
            .unwrap_or_else(|e| panic!("{operation:?}: {e}"));
        assert_eq!(status.status, "succeeded");
        let result = status.result.expect("decoded");
        let urls = result.output_urls();
        match (operation, &result) {
            (Op::Render | Op::RenderBasic, Substance3dResult::Render(render)) => {
                assert_eq!(urls[0], "https://storage.example/r.png");
                assert_eq!(render.output_space.id, "sp-1");
            }
            (Op::Compose, Substance3dResult::Compose(compose)) => {
                assert_eq!(compose.outputs[0].lighting_seed, 2);
                assert_eq!(urls, ["https://storage.example/i.jpg"]);
            }
            (Op::Assemble, Substance3dResult::Assemble(_)) => {
                assert_eq!(urls, ["https://storage.example/room.glb"]);
            }
            (Op::Convert, Substance3dResult::Convert(_)) => {
                assert_eq!(urls, ["https://storage.example/out.glb"]);
            }
            (Op::Describe, Substance3dResult::Describe(describe)) => {
                assert_eq!(describe.stats.num_triangles, 12);
                assert!(urls.is_empty());
            }
            other => panic!("{other:?}"),
        }
    }
    // The other states, and a failure with its error.
    for (word, terminal) in [("not_started", false), ("running", false), ("failed", true)] {
        let server = server(move |_| {
            Reply::Now(json_response(
                200,
                json!({"id": "j-1", "status": word,
                "url": "x", "bugReportUrl": "b", "error": "no camera in the scene"}),
            ))
        })
        .await;
        let status = substance_client(&server, true)
            .substance3d()
            .job_status(&reference(&server, Op::Render))
            .await
            .unwrap();
        assert_eq!(status.state().is_terminal(), terminal, "{word}");
        assert_eq!(status.error.as_deref(), Some("no camera in the scene"));
    }
}

#[tokio::test(start_paused = true)]
async fn a_429_and_a_running_job_are_waited_as_retry_after_asks() {
    let server = server(|n| match n {
        0 => Reply::Now(with_header(
            json_response(
                429,
                json!({"error_code": "too_many_requests", "message": "slow down"}),
            ),
            "retry-after",
            "7",
        )),
        1 => running("3"),
        _ => succeeded(json!({"outputSpace": space()})),
    })
    .await;
    // No retries in the transport: the 429 reaches the wait loop.
    let firefly = substance_client(&server, false);
    let options = WaitOptions::default()
        .first_poll(Duration::from_millis(100))
        .max_interval(Duration::from_millis(500))
        .deadline(Duration::from_secs(60));
    let done = firefly
        .substance3d()
        .wait_for_job(&reference(&server, Op::Convert), &options)
        .await
        .unwrap();
    assert_eq!(done.status, "succeeded");
    let reads = server.requests_to(JOB);
    assert_eq!(reads.len(), 3);
    assert!(reads[1].at - reads[0].at >= Duration::from_secs(7));
    // Longer than the options' max interval: the status asked for it.
    assert!(reads[2].at - reads[1].at >= Duration::from_secs(3));
    assert!(reads[2].at - reads[1].at < Duration::from_secs(4));
}

#[tokio::test(start_paused = true)]
async fn a_retry_after_of_a_year_is_read_as_an_hour() {
    let server = server(|n| match n {
        0 => running("31536000"),
        _ => succeeded(json!({"outputSpace": space()})),
    })
    .await;
    let firefly = substance_client(&server, true);
    let options = WaitOptions::default().deadline(Duration::from_secs(3 * 3600));
    firefly
        .substance3d()
        .wait_for_job(&reference(&server, Op::Convert), &options)
        .await
        .unwrap();
    let reads = server.requests_to(JOB);
    let gap = reads[1].at - reads[0].at;
    assert!(
        gap >= Duration::from_secs(3600) && gap < Duration::from_secs(3700),
        "{gap:?}"
    );
}

#[tokio::test(start_paused = true)]
async fn a_status_that_never_answers_ends_at_the_wait_deadline() {
    let server = server(|_| Reply::Never).await;
    let firefly = substance_client(&server, true);
    let started = tokio::time::Instant::now();
    let options = WaitOptions::default().deadline(Duration::from_secs(30));
    let error = firefly
        .substance3d()
        .wait_for_job(&reference(&server, Op::Render), &options)
        .await
        .unwrap_err();
    let Error::WaitTimeout { job_id, .. } = &error else {
        panic!("{error:?}");
    };
    assert_eq!(job_id, "j-1");
    assert!(
        started.elapsed() <= Duration::from_secs(31),
        "{:?}",
        started.elapsed()
    );
}

#[tokio::test]
async fn a_job_url_on_another_host_gets_no_token() {
    let elsewhere = FakeServer::start(|_, _| Reply::Now(json_response(200, json!({})))).await;
    let api = FakeServer::start({
        let url = format!("{}{JOB}", elsewhere.url);
        move |request, _| {
            Reply::Now(match request.path.as_str() {
                TOKEN_PATH => json_response(200, token_body("token-1", 86399)),
                _ => json_response(
                    202,
                    json!({"id": "j-1", "status": "not_started", "url": url, "bugReportUrl": "b"}),
                ),
            })
        }
    })
    .await;
    let firefly = substance_client(&api, true);
    let request: adobe_firefly::substance3d::types::DescribeRequest =
        serde_json::from_value(json!({"sources": [{"space": {"id": "s"}}]})).unwrap();
    let job = firefly.substance3d().describe_scene(request).await.unwrap();
    assert!(job.url.starts_with(&elsewhere.url));
    let error = firefly.substance3d().job_status(&job).await.unwrap_err();
    assert!(
        matches!(error, Error::Config(ConfigError::UntrustedHost { .. })),
        "{error:?}"
    );
    let error = firefly
        .substance3d()
        .wait_for_job(&job, &WaitOptions::default().first_poll(Duration::ZERO))
        .await
        .unwrap_err();
    assert!(matches!(error, Error::Config(_)), "{error:?}");
    assert!(
        elsewhere.requests().is_empty(),
        "nothing went to the other host"
    );
}

#[tokio::test]
async fn an_html_error_page_is_an_api_error() {
    let server = server(|_| {
        Reply::Now(text_response(
            404,
            "text/html",
            "<html><body><h1>404 Not Found</h1><script>x</script></body></html>",
        ))
    })
    .await;
    let error = substance_client(&server, true)
        .substance3d()
        .job_status(&reference(&server, Op::Render))
        .await
        .unwrap_err();
    let Error::Api(api) = &error else {
        panic!("{error:?}");
    };
    assert_eq!(api.status(), 404);
    assert!(!error.to_string().contains("<script>"), "{error}");
}

#[tokio::test]
async fn a_huge_status_body_is_refused_without_reading_it_all() {
    let bodies = LazyBodies::default();
    let server = server({
        let bodies = bodies.clone();
        move |_| {
            Reply::Now(streamed_response(
                200,
                "application/json",
                bodies.body(b"{\"id\": \"", b'a', 1 << 30),
            ))
        }
    })
    .await;
    let error = substance_client(&server, true)
        .substance3d()
        .job_status(&reference(&server, Op::Render))
        .await
        .unwrap_err();
    assert!(matches!(error, Error::Decode { .. }), "{error:?}");
    assert!(error.to_string().contains("larger than"), "{error}");
    bodies.finished().await;
    assert!(bodies.sent() < 64 << 20, "{} bytes sent", bodies.sent());
}

#[tokio::test(start_paused = true)]
async fn the_first_poll_waits_as_the_submission_asked() {
    let server = FakeServer::start(|request, _| {
        let host = request.header("host").unwrap_or_default().to_owned();
        Reply::Now(match (request.method.as_str(), request.path.as_str()) {
            ("POST", TOKEN_PATH) => json_response(200, token_body("token-1", 86399)),
            ("POST", _) => with_header(
                json_response(
                    202,
                    json!({"id": "j-1", "status": "not_started",
                           "url": format!("http://{host}{JOB}"), "bugReportUrl": "b"}),
                ),
                "retry-after",
                "5",
            ),
            _ => json_response(
                200,
                json!({"id": "j-1", "status": "succeeded", "url": "x", "bugReportUrl": "b",
                       "result": {"outputSpace": space()}}),
            ),
        })
    })
    .await;
    let firefly = substance_client(&server, true);
    let request: adobe_firefly::substance3d::types::ConvertRequest =
        serde_json::from_value(json!({"sources": [{"space": {"id": "s"}}], "format": "glb"}))
            .unwrap();
    let job = firefly.substance3d().convert_model(request).await.unwrap();
    assert_eq!(job.retry_after, Some(Duration::from_secs(5)));
    let options = WaitOptions::default().first_poll(Duration::from_millis(100));
    firefly
        .substance3d()
        .wait_for_job(&job, &options)
        .await
        .unwrap();
    let submitted = server.requests_to("/v1/scenes/convert")[0].at;
    let polled = server.requests_to(JOB)[0].at;
    assert!(
        polled - submitted >= Duration::from_secs(5),
        "{:?}",
        polled - submitted
    );
    // The shared job handle waits the same way.
    let tracked = tokio::time::Instant::now();
    firefly
        .substance3d()
        .track(job)
        .wait(&options)
        .await
        .unwrap();
    let polled = server.requests_to(JOB)[1].at;
    assert!(
        polled - tracked >= Duration::from_secs(5),
        "{:?}",
        polled - tracked
    );
}
