//! The emulator against the spec it reads (`openapi/firefly/firefly.yaml`): it
//! serves exactly the operations of the spec's `paths` (and of Photoshop's
//! spec, whose own tests are in `photoshop_*.rs`), and each generation
//! operation accepts the bodies its own schema documents and refuses the
//! ones it forbids, with 422 and `validation_errors` naming the field.
//!
//! The bodies here are written from the schemas in the spec, independently
//! of the emulator's code, over raw HTTP.

use std::collections::BTreeSet;

use adobe_firefly_emulator::{Emulator, served_routes};
use serde_json::json;

mod support;

use support::{client::Client, inputs::KnownInputs, *};

#[tokio::test]
async fn the_emulator_serves_exactly_the_operations_of_the_spec() {
    let spec = spec();
    // Firefly's operations and Photoshop's, each from its own spec.
    let mut in_spec = spec_operations(&spec);
    in_spec.extend(spec_operations(&photoshop_spec()));
    // Substance 3D's, from its own spec, under the emulator's prefix for it.
    in_spec.extend(substance3d_operations());
    // The Audio/Video API's, under its folder.
    in_spec.extend(audio_video_operations());
    // InDesign's, served under its own folder.
    let indesign: serde_json::Value =
        serde_norway::from_str(include_str!("../openapi/indesign.yaml")).unwrap();
    in_spec.extend(
        spec_operations(&indesign)
            .into_iter()
            .map(|(method, path)| (method, format!("/indesign{path}"))),
    );
    let served: BTreeSet<(String, String)> = served_routes()
        .into_iter()
        .map(|(method, path)| (method.to_owned(), shape(&path)))
        .collect();
    let exceptions: BTreeSet<(String, String)> = NOT_IN_THE_SPEC
        .iter()
        .chain(SUBSTANCE3D_NOT_IN_THE_SPEC)
        .map(|(method, path)| ((*method).to_owned(), (*path).to_owned()))
        .collect();
    let not_served: Vec<_> = in_spec.difference(&served).collect();
    assert!(
        not_served.is_empty(),
        "operations of the spec the emulator does not serve: {not_served:?}"
    );
    let not_in_spec: Vec<_> = served
        .difference(&in_spec)
        .filter(|route| !exceptions.contains(*route))
        .collect();
    assert!(
        not_in_spec.is_empty(),
        "routes of the emulator the spec does not have: {not_in_spec:?}"
    );
    assert!(
        exceptions.is_subset(&served),
        "the emulator no longer serves {exceptions:?}"
    );
    // The generation operations are in both, and there are the eleven of
    // today at least (images five ways, each sync and async, and video).
    assert!(spec_generation_paths(&spec).len() >= 11);

    // And the router answers each of them (here without credentials): not
    // with the emulator's 404 for unknown paths, nor with a 405.
    let emulator = Emulator::start().await.unwrap();
    let http = reqwest::Client::new();
    for (method, path) in &in_spec {
        let url = format!("{}{}", emulator.url(), path.replace("{}", "some-id"));
        let method = reqwest::Method::from_bytes(method.as_bytes()).unwrap();
        let response = http.request(method.clone(), &url).send().await.unwrap();
        let status = response.status().as_u16();
        let body = response.text().await.unwrap();
        assert!(
            status != 405 && !(status == 404 && body.contains("does not serve")),
            "{method} {path}: {status} {body}"
        );
    }
}

/// Routes the emulator serves for Substance 3D that its spec does not
/// have: the job URL a 202 answers with (`url`), which Adobe's spec leaves
/// out because the service hands the URL out rather than documenting a
/// status path; clients poll it as given.
const SUBSTANCE3D_NOT_IN_THE_SPEC: &[(&str, &str)] = &[("GET", "/substance3d/v1/jobs/{}")];

/// The operations of Substance 3D's spec, as the emulator serves them.
fn substance3d_operations() -> BTreeSet<(String, String)> {
    let spec: serde_json::Value =
        serde_norway::from_str(include_str!("../openapi/substance3d.yaml")).unwrap();
    spec_operations(&spec)
        .into_iter()
        .map(|(method, path)| (method, format!("/substance3d{path}")))
        .collect()
}

#[tokio::test]
async fn every_documented_body_is_accepted_by_its_operation() {
    let client = Client::start().await;
    let inputs = KnownInputs::make(&client).await;
    let cases = documented_bodies();
    for case in &cases {
        let (status, body) = client
            .post(case.path, case.model, &inputs.in_body(&case.body))
            .await;
        let expected = match (answers_with_a_job(case.path), answers_with_links(case.path)) {
            (_, true) if case.path.starts_with("/v4/") => 200,
            (true, _) => 202,
            _ => 200,
        };
        assert_eq!(status, expected, "{} {}: {body}", case.path, case.body);
        if answers_with_links(case.path) {
            assert!(body["links"]["result"]["href"].is_string(), "{body}");
            assert!(body["links"]["cancel"]["href"].is_string(), "{body}");
        } else if answers_with_a_job(case.path) {
            assert!(body["jobId"].is_string(), "{body}");
        } else {
            assert!(body["outputs"].is_array(), "{body}");
        }
    }
    // Every generation operation of the spec has its bodies here.
    let covered: BTreeSet<String> = cases.iter().map(|c| c.path.to_owned()).collect();
    assert_eq!(covered, spec_generation_paths(&spec()));
}

#[tokio::test]
async fn fields_the_schema_does_not_name_are_accepted() {
    let client = Client::start().await;
    let inputs = KnownInputs::make(&client).await;
    for case in documented_bodies() {
        let mut body = inputs.in_body(&case.body);
        body["aFieldAdobeMayAddLater"] = json!({"any": ["shape", 1]});
        let (status, answer) = client.post(case.path, case.model, &body).await;
        assert!(
            status == 200 || status == 202,
            "{} {body}: {status} {answer}",
            case.path
        );
    }
}

#[tokio::test]
async fn sync_sizes_stop_at_2688_and_async_sizes_do_not() {
    let client = Client::start().await;
    let image = json!({"source": {"url": IMAGE_URL}});
    let sync_bodies = [
        ("/v3/images/generate", json!({"prompt": "a cat"})),
        ("/v3/images/generate-similar", json!({"image": image})),
        ("/v3/images/expand", json!({"image": image})),
        (
            "/v3/images/generate-object-composite",
            json!({"prompt": "a cat", "image": image}),
        ),
    ];
    for (path, body) in sync_bodies {
        for (width, height, field) in [
            (2689, 1024, "body.size.width"),
            (1024, 2689, "body.size.height"),
        ] {
            let mut body = body.clone();
            body["size"] = json!({"width": width, "height": height});
            let case = case(path, body);
            let answer = client.post(case.path, None, &case.body).await;
            assert_refused(&case, &answer, field);
        }
    }
    let async_bodies = [
        ("/v3/images/generate-async", json!({"prompt": "a cat"})),
        ("/v3/images/generate-similar-async", json!({"image": image})),
        ("/v3/images/expand-async", json!({"image": image})),
        (
            "/v3/images/fill-async",
            json!({"image": image, "mask": {"source": {"url": MASK_URL}}}),
        ),
        (
            "/v3/images/generate-object-composite-async",
            json!({"prompt": "a cat", "image": image}),
        ),
    ];
    for (path, mut body) in async_bodies {
        body["size"] = json!({"width": 2689, "height": 2689});
        let (status, answer) = client.post(path, None, &body).await;
        assert_eq!(status, 202, "{path} {body}: {answer}");
        body["size"] = json!({"width": 4097, "height": 1024});
        let case = case(path, body);
        let answer = client.post(case.path, None, &case.body).await;
        assert_refused(&case, &answer, "body.size.width");
    }
}

#[tokio::test]
async fn shapes_the_schemas_forbid_are_refused_naming_the_field() {
    let client = Client::start().await;
    let image = json!({"source": {"url": IMAGE_URL}});
    let long_prompt = "x".repeat(1025);
    let cases = [
        // A required field missing.
        (
            case("/v3/images/fill", json!({"image": image})),
            "body.image.mask",
        ),
        (
            case(
                "/v3/images/fill",
                json!({"image": {"mask": {"url": MASK_URL}}}),
            ),
            "body.image.source",
        ),
        (
            case("/v3/images/fill-async", json!({"image": image})),
            "body.mask",
        ),
        (
            case(
                "/v3/images/fill-async",
                json!({"image": image, "mask": {"invert": true}}),
            ),
            "body.mask.source",
        ),
        (
            case("/v3/images/generate", json!({"negativePrompt": "a dog"})),
            "body.prompt",
        ),
        (case("/v3/images/generate-async", json!({})), "body.prompt"),
        (case("/v3/images/generate-similar", json!({})), "body.image"),
        (
            case(
                "/v3/images/generate-object-composite",
                json!({"image": image}),
            ),
            "body.prompt",
        ),
        (
            case(
                "/v3/images/generate-object-composite-async",
                json!({"prompt": "a cat"}),
            ),
            "body.image",
        ),
        (
            case(
                "/v3/videos/generate",
                json!({"image": {"conditions": [{"source": {"url": IMAGE_URL}}]}}),
            ),
            "body.image.conditions.0.placement",
        ),
        // A wrong type.
        (
            case(
                "/v3/images/generate",
                json!({"prompt": "a cat", "numVariations": "two"}),
            ),
            "body.numVariations",
        ),
        (
            case("/v3/images/generate-async", json!({"prompt": 42})),
            "body.prompt",
        ),
        (
            case(
                "/v3/images/fill",
                json!({"image": {"source": {"url": IMAGE_URL}, "mask": "mask.png"}}),
            ),
            "body.image.mask",
        ),
        (
            case(
                "/v3/images/expand",
                json!({"image": {"source": {"uploadId": 7}}}),
            ),
            "body.image.source.uploadId",
        ),
        (
            case(
                "/v3/images/generate-similar-async",
                json!({"image": image, "seeds": ["1"]}),
            ),
            "body.seeds.0",
        ),
        (
            case(
                "/v3/videos/generate",
                json!({"sizes": {"width": 1920, "height": 1080}}),
            ),
            "body.sizes",
        ),
        // Too long, too many, out of range.
        (
            case("/v3/images/generate", json!({"prompt": long_prompt})),
            "body.prompt",
        ),
        (
            case("/v3/images/generate-async", json!({"prompt": long_prompt})),
            "body.prompt",
        ),
        (
            case(
                "/v3/images/expand",
                json!({"image": image, "prompt": long_prompt}),
            ),
            "body.prompt",
        ),
        (
            case(
                "/v3/images/fill-async",
                json!({"image": image, "mask": {"source": {"url": MASK_URL}}, "prompt": long_prompt}),
            ),
            "body.prompt",
        ),
        (
            case(
                "/v3/images/generate-object-composite",
                json!({"image": image, "prompt": long_prompt}),
            ),
            "body.prompt",
        ),
        (
            case(
                "/v3/images/generate",
                json!({"prompt": "a cat", "negativePrompt": long_prompt}),
            ),
            "body.negativePrompt",
        ),
        (
            case("/v3/images/generate", json!({"prompt": ""})),
            "body.prompt",
        ),
        (
            case(
                "/v3/images/generate-async",
                json!({"prompt": "a cat", "numVariations": 5}),
            ),
            "body.numVariations",
        ),
        (
            case(
                "/v3/images/generate",
                json!({"prompt": "a cat", "visualIntensity": 1}),
            ),
            "body.visualIntensity",
        ),
        (
            case(
                "/v3/images/generate-async",
                json!({"prompt": "a cat", "style": {"strength": 0}}),
            ),
            "body.style.strength",
        ),
        (
            case(
                "/v3/images/generate-async",
                json!({"prompt": "a cat", "seeds": [1, 1]}),
            ),
            "body.seeds",
        ),
        (
            case("/v3/videos/generate", json!({"seeds": [1, 2]})),
            "body.seeds",
        ),
        (
            case(
                "/v3/images/upscale",
                json!({"image": {"source": {"url": IMAGE_URL}}, "seeds": [1], "upscaleFactor": 5}),
            ),
            "body.upscaleFactor",
        ),
        (
            case(
                "/v3/images/upscale",
                json!({"image": {"source": {"url": IMAGE_URL}}}),
            ),
            "body.seeds",
        ),
        (
            case(
                "/v3/images/precise-composite",
                json!({
                    "background": {"image": {"source": {"url": IMAGE_URL}},
                                   "fillAreaMask": {"source": {"url": IMAGE_URL}}},
                    "object": {"image": {"source": {"url": IMAGE_URL}}},
                    "numVariations": 4,
                }),
            ),
            "body.numVariations",
        ),
        (
            case(
                "/v4/images/generate-async",
                json!({"prompt": "a cat", "aspectRatio": "2:1"}),
            ),
            "body.aspectRatio",
        ),
        // An edit keeps its reference's shape: a rule of Adobe's guide that
        // no schema says.
        (
            case(
                "/v4/images/generate-async",
                json!({"prompt": "at night", "aspectRatio": "16:9",
                       "referenceBlobs": [{"source": {"url": IMAGE_URL}}]}),
            ),
            "body.aspectRatio",
        ),
        (
            case("/v3/videos/generate", json!({"bitRateFactor": 64})),
            "body.bitRateFactor",
        ),
        (
            case(
                "/v3/videos/generate",
                json!({"sizes": [{"width": 8193, "height": 1080}]}),
            ),
            "body.sizes.0.width",
        ),
        (
            case(
                "/v3/videos/generate",
                json!({"image": {"conditions": [{"source": {"url": IMAGE_URL}, "placement": {"position": 1.5}}]}}),
            ),
            "body.image.conditions.0.placement.position",
        ),
        // A value outside an enum.
        (
            case(
                "/v3/images/generate",
                json!({"prompt": "a cat", "contentClass": "vector"}),
            ),
            "body.contentClass",
        ),
        (
            case(
                "/v3/images/generate-async",
                json!({"prompt": "a cat", "upsamplerType": "creative"}),
            ),
            "body.upsamplerType",
        ),
        (
            case(
                "/v3/images/expand",
                json!({"image": image, "placement": {"alignment": {"horizontal": "middle"}}}),
            ),
            "body.placement.alignment.horizontal",
        ),
        (
            case(
                "/v3/images/generate-object-composite-async",
                json!({"prompt": "a cat", "image": image, "placement": {"alignment": {"vertical": "left"}}}),
            ),
            "body.placement.alignment.vertical",
        ),
        (
            case(
                "/v3/videos/generate",
                json!({"videoSettings": {"cameraMotion": "camera spin"}}),
            ),
            "body.videoSettings.cameraMotion",
        ),
    ];
    for (case, field) in &cases {
        let answer = client.post(case.path, case.model, &case.body).await;
        assert_refused(case, &answer, field);
    }
}

#[tokio::test]
async fn what_one_operation_forbids_another_may_accept() {
    let client = Client::start().await;
    let image = json!({"source": {"url": IMAGE_URL}});
    // Video prompts have no length limit in the spec; image prompts do.
    let long_prompt = "x".repeat(1025);
    let (status, body) = client
        .post(
            "/v3/videos/generate",
            Some("video1_standard"),
            &json!({"prompt": long_prompt}),
        )
        .await;
    assert_eq!(status, 202, "{body}");
    // Sync fill has no `size`: it is an unknown field there, not a too-large size.
    let (status, body) = client
        .post(
            "/v3/images/fill",
            None,
            &json!({"image": {"source": {"url": IMAGE_URL}, "mask": {"url": MASK_URL}}, "size": {"width": 9999, "height": 9999}}),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    // The async mask's shape is not the sync one's: `{"source": ...}` has no
    // `url` or `uploadId`, which the sync schema does not require.
    let (status, body) = client
        .post(
            "/v3/images/expand",
            None,
            &json!({"image": {"source": {"url": IMAGE_URL}, "mask": {"source": {"url": MASK_URL}}}}),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    // Async expand's `mask` needs its `source`.
    let case = case(
        "/v3/images/expand-async",
        json!({"image": image, "mask": {"url": MASK_URL}}),
    );
    let answer = client.post(case.path, None, &case.body).await;
    assert_refused(&case, &answer, "body.mask.source");
}

/// The Audio/Video API's operations, from its own spec, with the folder
/// the emulator serves it under.
fn audio_video_operations() -> BTreeSet<(String, String)> {
    let spec: serde_json::Value =
        serde_norway::from_str(include_str!("../openapi/audio-video.yaml")).unwrap();
    let operations = spec_operations(&spec);
    assert_eq!(operations.len(), 6, "{operations:?}");
    operations
        .into_iter()
        .map(|(method, path)| (method, format!("/audio-video{path}")))
        .collect()
}
