//! The imported spec has the operations the SDK calls, by Adobe's operation
//! ids, and the JSON schema users can derive from the request types.

#[test]
fn the_spec_is_openapi_3_0_3_and_documents_every_operation() {
    let spec: serde_json::Value = serde_json::from_str(adobe_firefly::SPEC_JSON).unwrap();
    assert_eq!(spec["openapi"], "3.0.3");
    for (path, method, operation_id) in [
        ("/ims/token/v3", "post", "imsTokenV3"),
        ("/v3/images/generate", "post", "generateImages"),
        ("/v3/images/generate-async", "post", "generateImagesV3Async"),
        ("/v3/status/{jobId}", "get", "jobResultV3"),
        ("/v3/cancel/{jobId}", "put", "cancelJobV4"),
        (
            "/v3/images/generate-similar-async",
            "post",
            "generateSimilarImagesV3Async",
        ),
        (
            "/v3/images/generate-similar",
            "post",
            "generateSimilarImages",
        ),
        ("/v3/images/expand-async", "post", "expandImagesV3Async"),
        ("/v3/images/expand", "post", "expandImage"),
        ("/v3/images/fill-async", "post", "fillImagesV3Async"),
        ("/v3/images/fill", "post", "fillImage"),
        (
            "/v3/images/generate-object-composite-async",
            "post",
            "generateObjectCompositeV3Async",
        ),
        (
            "/v3/images/generate-object-composite",
            "post",
            "generateObjectComposite",
        ),
        ("/v3/videos/generate", "post", "generateVideoV3"),
        ("/v2/storage/image", "post", "storageImageV2"),
        ("/v3/custom-models", "get", "getCustomModels"),
        (
            "/v4/images/generate-async",
            "post",
            "firefly_image_v5_generate_async_v4",
        ),
        ("/v3/images/upscale", "post", "preciseUpsamplerV3Async"),
        ("/v3/images/precise-composite", "post", "preciseComposite"),
        ("/v3/images/adaptive-composite", "post", "adaptiveComposite"),
    ] {
        assert_eq!(
            spec["paths"][path][method]["operationId"], operation_id,
            "{method} {path}"
        );
    }
    // Adobe's 14 current operations and the 5 synchronous ones, deprecated,
    // besides the IMS and Management endpoints.
    let firefly_operations: Vec<(&String, &String)> = spec["paths"]
        .as_object()
        .unwrap()
        .iter()
        .filter(|(path, _)| path.starts_with("/v"))
        .flat_map(|(path, item)| item.as_object().unwrap().keys().map(move |m| (path, m)))
        .collect();
    assert_eq!(firefly_operations.len(), 19, "{firefly_operations:?}");
    for sync in [
        "generate",
        "generate-similar",
        "generate-object-composite",
        "expand",
        "fill",
    ] {
        let path = format!("/v3/images/{sync}");
        assert_eq!(spec["paths"][&path]["post"]["deprecated"], true, "{path}");
    }
    // Every status, across the two payloads of the status body.
    let schemas = &spec["components"]["schemas"];
    let statuses: Vec<&serde_json::Value> = [
        &schemas["JobStatus"]["enum"],
        &schemas["JobSucceededPayload"]["properties"]["status"]["enum"],
    ]
    .into_iter()
    .flat_map(|values| values.as_array().unwrap())
    .collect();
    for status in [
        "pending",
        "running",
        "succeeded",
        "failed",
        "canceled",
        "cancelled",
        "cancel_pending",
        "timeout",
    ] {
        assert!(statuses.iter().any(|s| *s == status), "{status}");
    }
}

#[test]
fn generated_types_derive_json_schema() {
    let schema = schemars::schema_for!(adobe_firefly::types::GenerateImagesRequest);
    insta::assert_json_snapshot!("generate_images_request_schema", schema);
}
