//! Outputs that follow the size of their input, over HTTP: an upscale is
//! its input times `upscaleFactor`, a composite is its background's size.
//! The emulator learns input sizes from uploads (their headers) and from
//! its own output URLs, and refuses inputs whose size it cannot know.

use serde_json::{Value, json};

mod support;

use support::{
    IMAGE_URL,
    client::Client,
    images::{jpeg_header, png_of, png_size, webp_header},
    inputs::KnownInputs,
};

const COMPOSITES: [&str; 2] = [
    "/v3/images/precise-composite",
    "/v3/images/adaptive-composite",
];

fn upscale(source: Value, factor: Option<u32>) -> Value {
    let mut body = json!({"image": {"source": source}, "seeds": [7, 8]});
    if let Some(factor) = factor {
        body["upscaleFactor"] = json!(factor);
    }
    body
}

fn composite(background: Value) -> Value {
    json!({
        "background": {"image": {"source": background}, "fillAreaMask": {"source": {"url": IMAGE_URL}}},
        "object": {"image": {"source": {"url": IMAGE_URL}}},
        "numVariations": 2,
    })
}

/// The outputs' download URLs of a succeeded job, under `key`
/// (`presignedUrl` for upscale, `image.url` otherwise).
fn output_urls(finished: &Value) -> Vec<String> {
    assert_eq!(finished["status"], "succeeded", "{finished}");
    let outputs = finished["result"]["outputs"].as_array().expect("outputs");
    assert!(!outputs.is_empty(), "{finished}");
    outputs
        .iter()
        .map(|output| {
            output["presignedUrl"]
                .as_str()
                .or_else(|| output["image"]["url"].as_str())
                .unwrap_or_else(|| panic!("no URL in {output}"))
                .to_owned()
        })
        .collect()
}

/// The decoded size of every output of a succeeded job.
async fn downloaded_sizes(client: &Client, finished: &Value) -> Vec<(u32, u32)> {
    let mut sizes = Vec::new();
    for url in output_urls(finished) {
        sizes.push(png_size(&client.download(&url).await));
    }
    sizes
}

#[tokio::test]
async fn an_upscale_is_the_uploaded_image_times_the_factor() {
    let client = Client::start().await;
    let id = client.upload("image/png", png_of(300, 200)).await;
    let finished = client
        .run_job(
            "/v3/images/upscale",
            &upscale(json!({"uploadId": id}), Some(3)),
        )
        .await;
    assert_eq!(
        downloaded_sizes(&client, &finished).await,
        [(900, 600), (900, 600)]
    );
    // Without a factor, Firefly's default: 2.
    let finished = client
        .run_job(
            "/v3/images/upscale",
            &upscale(json!({"uploadId": id}), None),
        )
        .await;
    assert_eq!(
        downloaded_sizes(&client, &finished).await,
        [(600, 400), (600, 400)]
    );
}

#[tokio::test]
async fn jpeg_and_webp_uploads_have_their_size_read_too() {
    let client = Client::start().await;
    for (content_type, image) in [
        ("image/jpeg", jpeg_header(320, 240)),
        ("image/webp", webp_header(320, 240)),
    ] {
        let id = client.upload(content_type, image).await;
        let finished = client
            .run_job(
                "/v3/images/upscale",
                &upscale(json!({"uploadId": id}), Some(2)),
            )
            .await;
        let sizes = downloaded_sizes(&client, &finished).await;
        assert_eq!(sizes, [(640, 480), (640, 480)], "{content_type}");
    }
}

#[tokio::test]
async fn an_emulator_output_given_by_url_has_its_own_size() {
    let client = Client::start().await;
    let inputs = KnownInputs::make(&client).await;
    let (width, height) = inputs.output_size;
    let finished = client
        .run_job(
            "/v3/images/upscale",
            &upscale(json!({"url": inputs.output_url}), Some(2)),
        )
        .await;
    let sizes = downloaded_sizes(&client, &finished).await;
    assert_eq!(sizes, [(2 * width, 2 * height); 2]);
}

#[tokio::test]
async fn an_upscale_larger_than_adobes_6k_is_refused_naming_the_factor() {
    let client = Client::start().await;
    let id = client.upload("image/png", png_of(1025, 600)).await;
    let (status, body) = client
        .submit(
            "/v3/images/upscale",
            &upscale(json!({"uploadId": id}), Some(6)),
        )
        .await;
    assert_eq!(status, 400, "{body}");
    assert_eq!(body["error_code"], "validation_error", "{body}");
    assert_eq!(
        body["validation_errors"][0]["loc"],
        json!(["body", "upscaleFactor"])
    );
    assert!(
        body["message"].as_str().unwrap().contains("6150x3600"),
        "{body}"
    );
    // 1024 six times is 6144: the largest accepted.
    let id = client.upload("image/png", png_of(1024, 10)).await;
    let (status, body) = client
        .submit(
            "/v3/images/upscale",
            &upscale(json!({"uploadId": id}), Some(6)),
        )
        .await;
    assert_eq!(status, 202, "{body}");
}

#[tokio::test]
async fn composites_are_the_size_of_their_background() {
    let client = Client::start().await;
    let inputs = KnownInputs::make(&client).await;
    let id = client.upload("image/png", png_of(300, 200)).await;
    for path in COMPOSITES {
        let finished = client
            .run_job(path, &composite(json!({"uploadId": id})))
            .await;
        assert_eq!(
            finished["result"]["size"],
            json!({"width": 300, "height": 200}),
            "{path}: {finished}"
        );
        let sizes = downloaded_sizes(&client, &finished).await;
        assert_eq!(sizes, [(300, 200), (300, 200)], "{path}");

        let finished = client
            .run_job(path, &composite(json!({"url": inputs.output_url})))
            .await;
        let (width, height) = inputs.output_size;
        assert_eq!(
            finished["result"]["size"],
            json!({"width": width, "height": height}),
            "{path}: {finished}"
        );
    }
}

/// Asserts a 400 in Adobe's shape whose message and `validation_errors`
/// name `field` (dotted, within the body).
fn assert_unknown_input(path: &str, (status, body): &(u16, Value), field: &str) {
    assert_eq!(*status, 400, "{path}: {body}");
    assert_eq!(body["error_code"], "validation_error", "{path}: {body}");
    let message = body["message"].as_str().expect("a message");
    assert!(message.starts_with(&format!("{field}: ")), "{path}: {body}");
    let mut loc = vec!["body"];
    loc.extend(field.split('.'));
    assert_eq!(body["validation_errors"][0]["loc"], json!(loc), "{path}");
}

#[tokio::test]
async fn inputs_of_unknown_size_are_refused_naming_the_field() {
    let client = Client::start().await;
    // Accepted by the upload endpoint (its first bytes are a PNG's) but
    // with no size to read.
    let headless = client
        .upload("image/png", b"\x89PNG\r\n\x1a\n0123".to_vec())
        .await;
    let unknown = [
        json!({"uploadId": "6c8c4b4e-8a39-4c36-9a33-5d8f0e2b1a77"}),
        json!({"uploadId": headless}),
        json!({"url": IMAGE_URL}),
        json!({"url": format!("{}/storage/no-such-file.png?X-Signature=1", client.emulator.url())}),
    ];
    for source in &unknown {
        let path = "/v3/images/upscale";
        let answer = client.submit(path, &upscale(source.clone(), None)).await;
        assert_unknown_input(path, &answer, "image.source");
        for path in COMPOSITES {
            let answer = client.submit(path, &composite(source.clone())).await;
            assert_unknown_input(path, &answer, "background.image.source");
        }
    }
    // None of them became a job.
    let (status, body) = client
        .get(&format!(
            "{}/v3/status/urn:ff:jobs:emulator:00000001",
            client.emulator.url()
        ))
        .await;
    assert_eq!(status, 404, "{body}");
}

#[tokio::test]
async fn image5_has_its_shape_at_its_megapixels_and_an_edit_its_references_size() {
    let client = Client::start().await;
    let size_of = |finished: &Value| {
        let size = &finished["result"]["size"];
        (
            size["width"].as_u64().unwrap(),
            size["height"].as_u64().unwrap(),
        )
    };
    for (body, expected) in [
        (json!({"prompt": "a"}), (1552, 1552)),
        (
            json!({"prompt": "a", "aspectRatio": "16:9", "resolutionLevel": "1MP"}),
            (1328, 752),
        ),
        (
            json!({"prompt": "a", "aspectRatio": "3:4", "resolutionLevel": "4MP"}),
            (1728, 2304),
        ),
    ] {
        let finished = client.run_job("/v4/images/generate-async", &body).await;
        assert_eq!(size_of(&finished), expected, "{body}");
    }
    let id = client.upload("image/png", png_of(320, 200)).await;
    let edit = json!({"prompt": "night", "referenceBlobs": [{"source": {"uploadId": id}}]});
    let finished = client.run_job("/v4/images/generate-async", &edit).await;
    assert_eq!(size_of(&finished), (320, 200));
}
