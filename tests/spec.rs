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
        ("/v3/cancel/{jobId}", "put", "cancelJobV3"),
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
    ] {
        assert_eq!(
            spec["paths"][path][method]["operationId"], operation_id,
            "{method} {path}"
        );
    }
    assert_eq!(
        spec["paths"]["/v3/images/generate"]["post"]["deprecated"],
        true
    );
    let statuses = &spec["components"]["schemas"]["JobStatus"]["enum"];
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
        assert!(
            statuses.as_array().unwrap().iter().any(|s| s == status),
            "{status}"
        );
    }
}

#[test]
fn generated_types_derive_json_schema() {
    let schema = schemars::schema_for!(adobe_firefly::types::GenerateImagesRequest);
    insta::assert_json_snapshot!("generate_images_request_schema", schema);
}
