//! The Substance 3D API through the SDK against the emulator: every
//! operation from a space or a URL to its finished job, each output
//! downloaded without credentials and read by a reader of its type (PNG,
//! JPEG, glTF/GLB, USDZ), the held read (`?wait=true`), a failed job, a
//! 429 at the emulator, and space uploads refused before sending.

mod common;

use std::time::Duration;

use adobe_firefly::{
    Error, Firefly, WaitOptions,
    substance3d::{Space, Substance3d, Substance3dJob, Substance3dResult, types},
};
use adobe_firefly_emulator::{Emulator, Faults};
use common::EmulatorExt;
use serde_json::{Value, json};

/// A glTF scene with one mesh, one camera and one material, as a client
/// would upload it.
fn chair_gltf() -> Vec<u8> {
    serde_json::to_vec(&json!({
        "asset": {"version": "2.0"},
        "scene": 0,
        "scenes": [{"nodes": [0, 1]}],
        "nodes": [{"name": "Chair", "mesh": 0}, {"name": "Camera", "camera": 0}],
        "meshes": [{"name": "ChairMesh", "primitives": [{"attributes": {}}, {"attributes": {}}]}],
        "cameras": [{"name": "Main", "type": "perspective", "perspective": {"yfov": 0.8, "znear": 0.1}}],
        "materials": [{"name": "Wood"}],
    }))
    .unwrap()
}

fn fast() -> WaitOptions {
    WaitOptions::default()
        .first_poll(Duration::from_millis(50))
        .deadline(Duration::from_secs(60))
}

async fn emulator(builder: adobe_firefly_emulator::EmulatorBuilder) -> (Emulator, Firefly) {
    let emulator = builder.polls_until_done(1).start().await.unwrap();
    let firefly = emulator.client().unwrap();
    (emulator, firefly)
}

async fn space(substance: &Substance3d) -> Space {
    substance
        .create_space_from([("chair.gltf".to_owned(), chair_gltf().into())])
        .await
        .unwrap()
}

fn typed<T: serde::de::DeserializeOwned>(body: Value) -> T {
    serde_json::from_value(body.clone()).unwrap_or_else(|e| panic!("{e}: {body}"))
}

async fn run(substance: &Substance3d, job: Substance3dJob) -> Substance3dResult {
    let done = substance.wait_for_job(&job, &fast()).await.unwrap();
    assert_eq!(done.status, "succeeded");
    done.result.expect("a finished job has its result")
}

async fn download(firefly: &Firefly, url: &str) -> Vec<u8> {
    let folder = tempfile::tempdir().unwrap();
    let path = folder.path().join("out");
    firefly.download_to_file(url, &path).await.unwrap();
    std::fs::read(path).unwrap()
}

fn png_size(bytes: &[u8]) -> (u32, u32) {
    let decoder = png::Decoder::new(std::io::Cursor::new(bytes));
    let mut reader = decoder.read_info().unwrap();
    let mut pixels = vec![0; reader.output_buffer_size().unwrap()];
    let frame = reader.next_frame(&mut pixels).unwrap();
    (frame.width, frame.height)
}

fn jpeg_size(bytes: &[u8]) -> (usize, usize) {
    let mut decoder =
        zune_jpeg::JpegDecoder::new(zune_jpeg::zune_core::bytestream::ZCursor::new(bytes));
    let pixels = decoder.decode().unwrap();
    let (width, height) = decoder.dimensions().unwrap();
    assert!(!pixels.is_empty());
    (width, height)
}

#[tokio::test]
async fn a_model_in_a_space_renders_to_a_png_of_the_size_asked() {
    let (emulator, firefly) = emulator(Emulator::builder()).await;
    let substance = firefly.substance3d();
    let space = space(substance).await;
    assert!(!space.id.is_empty());
    assert!(space.expires_at().is_some(), "{}", space.expiry);
    assert!(!space.is_expired_at(std::time::SystemTime::now()));
    let request: types::RenderBasicRequest = typed(json!({
        "sources": [space.source()],
        "scene": {"modelFile": "chair.gltf"},
        "size": {"width": 64, "height": 48},
        "extraOutputs": {"exportMatte": {"includeNodes": ["Chair"]}},
    }));
    let job = substance.render_model(request).await.unwrap();
    assert_eq!(job.retry_after, Some(Duration::from_secs(1)));
    let Substance3dResult::Render(result) = run(substance, job).await else {
        panic!("a render's result");
    };
    assert_eq!(
        png_size(&download(&firefly, &result.render_url).await),
        (64, 48)
    );
    let matte = result.matte_url.expect("the matte asked for");
    assert_eq!(png_size(&download(&firefly, &matte).await), (64, 48));
    // Downloads carry no credentials: only the API calls had a token.
    for request in emulator.requests() {
        if request.path.starts_with("/storage/") {
            assert!(
                !request.had_authorization && !request.had_api_key,
                "{request:?}"
            );
        }
    }
}

#[tokio::test]
async fn a_scene_renders_from_a_url_source() {
    let (emulator, firefly) = emulator(Emulator::builder()).await;
    let substance = firefly.substance3d();
    // The scene at a URL: the output of an earlier job in the emulator's storage.
    let convert: types::ConvertRequest = typed(json!({
        "sources": [space(substance).await.source()], "format": "gltf"
    }));
    let Substance3dResult::Convert(converted) =
        run(substance, substance.convert_model(convert).await.unwrap()).await
    else {
        panic!("a conversion's result");
    };
    let files = converted.output_space.files.unwrap();
    let url = &files[0].url;
    assert!(url.starts_with(emulator.url()), "{url}");
    let request: types::RenderRequest = typed(json!({
        "sources": [{"url": {"url": url, "filename": "scene.gltf"}}],
        "scene": {"baseFile": {"file": "scene.gltf"}},
        "size": {"width": 32, "height": 32},
    }));
    let Substance3dResult::Render(result) =
        run(substance, substance.render_scene(request).await.unwrap()).await
    else {
        panic!("a render's result");
    };
    assert_eq!(
        png_size(&download(&firefly, &result.render_url).await),
        (32, 32)
    );
}

#[tokio::test]
async fn a_composite_gives_jpeg_images_per_variation() {
    let (_emulator, firefly) = emulator(Emulator::builder()).await;
    let substance = firefly.substance3d();
    let request: types::ComposeRequest = typed(json!({
        "sources": [space(substance).await.source()],
        "sceneFile": "chair.gltf",
        "heroAsset": "Chair",
        "prompt": "a chair on a beach at dusk",
        "numVariations": 2,
        "seeds": [7, 8],
        "size": {"width": 40, "height": 30},
    }));
    let Substance3dResult::Compose(result) =
        run(substance, substance.compose_scene(request).await.unwrap()).await
    else {
        panic!("a composite's result");
    };
    assert_eq!(result.outputs.len(), 2);
    assert_eq!(result.outputs[1].seed, 8);
    for output in &result.outputs {
        assert_eq!(
            jpeg_size(&download(&firefly, &output.image.url).await),
            (40, 30)
        );
        assert_eq!(
            jpeg_size(&download(&firefly, &output.background_image.url).await),
            (40, 30)
        );
        assert_eq!(
            png_size(&download(&firefly, &output.mask_image.url).await),
            (40, 30)
        );
    }
}

#[tokio::test]
async fn conversions_and_assemblies_write_files_of_the_format_asked() {
    let (_emulator, firefly) = emulator(Emulator::builder()).await;
    let substance = firefly.substance3d();
    let source = space(substance).await.source();
    for (format, magic) in [
        ("glb", &b"glTF"[..]),
        ("usdz", b"PK\x03\x04"),
        ("usda", b"#usda 1.0"),
        ("usdc", b"PXR-USDC"),
        ("fbx", b"Kaydara FBX Binary"),
        ("obj", b"# Wavefront OBJ"),
    ] {
        let request: types::ConvertRequest = typed(json!({"sources": [source], "format": format}));
        let result = run(substance, substance.convert_model(request).await.unwrap()).await;
        let urls = result.output_urls();
        assert_eq!(urls.len(), 1, "{format}");
        let file = download(&firefly, urls[0]).await;
        assert!(file.starts_with(magic), "{format}");
    }
    let request: types::AssembleRequest = typed(json!({
        "sources": [source],
        "scene": {"baseFile": {"file": "chair.gltf"}},
        "encoding": "gltf",
        "fileBaseName": "room",
    }));
    let Substance3dResult::Assemble(result) =
        run(substance, substance.assemble_scene(request).await.unwrap()).await
    else {
        panic!("an assembly's result");
    };
    let scene: Value =
        serde_json::from_slice(&download(&firefly, &result.scene_url).await).unwrap();
    assert_eq!(scene["asset"]["version"], "2.0");
    assert_eq!(result.output_space.files.unwrap()[0].name, "room.gltf");
}

#[tokio::test]
async fn a_description_reads_the_scene() {
    let (_emulator, firefly) = emulator(Emulator::builder()).await;
    let substance = firefly.substance3d();
    let request: types::DescribeRequest = typed(json!({
        "sources": [space(substance).await.source()], "sceneFile": "chair.gltf"
    }));
    let Substance3dResult::Describe(result) =
        run(substance, substance.describe_scene(request).await.unwrap()).await
    else {
        panic!("a description's result");
    };
    let stats = result.stats;
    assert_eq!(stats.num_meshes, 1);
    assert_eq!(stats.num_sub_meshes, 2);
    assert_eq!(stats.camera_names, Some(vec!["Main".to_owned()]));
    assert_eq!(stats.material_names, Some(vec!["Wood".to_owned()]));
    let children = stats.nodes_hierarchy.children.unwrap();
    assert_eq!(children[0].name, "Chair");
    assert_eq!(children[0].type_, "Mesh");
}

#[tokio::test]
async fn a_file_the_request_names_but_no_source_holds_fails_the_job() {
    let (_emulator, firefly) = emulator(Emulator::builder()).await;
    let substance = firefly.substance3d();
    let request: types::RenderBasicRequest = typed(json!({
        "sources": [space(substance).await.source()],
        "scene": {"modelFile": "table.glb"},
    }));
    let job = substance.render_model(request).await.unwrap();
    let error = substance.wait_for_job(&job, &fast()).await.unwrap_err();
    let Error::JobFailed {
        message, job_id, ..
    } = error
    else {
        panic!("{error:?}");
    };
    assert_eq!(job_id, job.id);
    assert!(message.unwrap().contains("table.glb"));
}

#[tokio::test]
async fn an_injected_failure_is_job_failed() {
    let (emulator, firefly) =
        emulator(Emulator::builder().faults(Faults::none().fail_jobs_every(1))).await;
    let substance = firefly.substance3d();
    let request: types::DescribeRequest =
        typed(json!({"sources": [space(substance).await.source()]}));
    let job = substance.describe_scene(request).await.unwrap();
    let error = substance.track(job).wait(&fast()).await.unwrap_err();
    assert!(matches!(error, Error::JobFailed { .. }), "{error:?}");
    assert_eq!(emulator.faults_served().failed_jobs, 1);
}

#[tokio::test]
async fn a_held_read_answers_once_the_job_is_done() {
    let (emulator, firefly) = emulator(Emulator::builder().polls_until_done(3)).await;
    let substance = firefly.substance3d();
    let request: types::DescribeRequest =
        typed(json!({"sources": [space(substance).await.source()]}));
    let job = substance.describe_scene(request).await.unwrap();
    let done = substance
        .wait_on_server(&job, Duration::from_secs(20), &fast())
        .await
        .unwrap();
    assert_eq!(done.status, "succeeded");
    let reads = emulator
        .requests()
        .into_iter()
        .filter(|request| request.path.contains("/v1/jobs/"))
        .count();
    assert_eq!(reads, 1, "one held read, no polling");
}

#[tokio::test]
async fn a_429_at_the_emulator_is_waited_out() {
    // Every second request is a 429 (with Retry-After: 1); the transport
    // retries them, and every operation still finishes.
    let (emulator, firefly) =
        emulator(Emulator::builder().faults(Faults::none().rate_limit_every(2))).await;
    let substance = firefly.substance3d();
    let request: types::DescribeRequest =
        typed(json!({"sources": [space(substance).await.source()]}));
    let job = substance.describe_scene(request).await.unwrap();
    run(substance, job).await;
    assert!(emulator.faults_served().rate_limits >= 1);
    assert!(substance.stats().retries >= 1);
}

#[tokio::test]
async fn a_fifo_or_a_directory_is_refused_before_anything_is_sent() {
    let (emulator, firefly) = emulator(Emulator::builder()).await;
    let folder = tempfile::tempdir().unwrap();
    let fifo = folder.path().join("pipe.glb");
    let made = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap();
    assert!(made.success());
    for path in [fifo.as_path(), folder.path()] {
        let error = firefly
            .substance3d()
            .create_space([path])
            .await
            .unwrap_err();
        assert!(matches!(error, Error::Io { .. }), "{path:?}: {error:?}");
        assert!(error.to_string().contains("not a regular file"), "{error}");
    }
    assert!(
        emulator
            .requests()
            .iter()
            .all(|r| !r.path.ends_with("/v1/spaces")),
        "nothing sent"
    );
    // A regular file goes.
    let file = folder.path().join("chair.gltf");
    std::fs::write(&file, chair_gltf()).unwrap();
    let space = firefly.substance3d().create_space([&file]).await.unwrap();
    assert_eq!(space.files[0].name, "chair.gltf");
    assert_eq!(space.files[0].size, chair_gltf().len() as i64);
}

#[tokio::test]
async fn a_request_over_the_spec_limits_is_refused_before_sending() {
    let (emulator, firefly) = emulator(Emulator::builder()).await;
    let request: types::ComposeRequest = typed(json!({
        "sources": [{"space": {"id": "s"}}], "prompt": "a beach", "heroAsset": "Chair",
        "numVariations": 5,
    }));
    let error = firefly
        .substance3d()
        .compose_scene(request)
        .await
        .unwrap_err();
    assert!(matches!(error, Error::Validation(_)), "{error:?}");
    assert!(error.to_string().contains("numVariations"), "{error}");
    assert!(
        emulator
            .requests()
            .iter()
            .all(|r| !r.path.contains("compose"))
    );
}
