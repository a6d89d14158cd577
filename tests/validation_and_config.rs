//! Validation before sending (the field is named and nothing is sent) and
//! configuration from the environment and the builder.

mod common;

use adobe_firefly::{
    ConfigError, Error, Firefly, FireflyBuilder,
    types::{
        GenerateImagesRequest, ImageModelVersion, ImageReference, InputSource, Size,
        StructureOptions, StyleOptions,
    },
};
use common::*;

// Validation happens before anything is sent.

#[tokio::test(start_paused = true)]
async fn invalid_requests_are_rejected_before_sending() {
    let server = server_with(|_, _| running()).await;
    let firefly = client(&server);
    let cases: Vec<(adobe_firefly::types::builder::GenerateImagesRequest, &str)> = vec![
        (
            GenerateImagesRequest::builder().prompt("x".repeat(1025)),
            "prompt",
        ),
        (GenerateImagesRequest::builder().prompt(""), "prompt"),
        (
            GenerateImagesRequest::builder()
                .prompt("cat")
                .num_variations(5),
            "numVariations",
        ),
        (
            GenerateImagesRequest::builder()
                .prompt("cat")
                .num_variations(0),
            "numVariations",
        ),
        (
            GenerateImagesRequest::builder()
                .prompt("cat")
                .seeds(vec![1, 1]),
            "seeds",
        ),
        (
            GenerateImagesRequest::builder()
                .prompt("cat")
                .num_variations(2)
                .seeds(vec![1]),
            "seeds",
        ),
        (
            GenerateImagesRequest::builder().prompt("cat").size(Size {
                width: 5000,
                height: 10,
            }),
            "size.width",
        ),
        (
            GenerateImagesRequest::builder()
                .prompt("cat")
                .visual_intensity(11),
            "visualIntensity",
        ),
        (
            GenerateImagesRequest::builder().negative_prompt("no prompt".to_owned()),
            "prompt",
        ),
        (
            GenerateImagesRequest::builder()
                .prompt("cat")
                .negative_prompt("x".repeat(1025)),
            "negativePrompt",
        ),
        (
            GenerateImagesRequest::builder()
                .prompt("cat")
                .style(StyleOptions {
                    presets: vec![],
                    strength: Some(0),
                    image_reference: None,
                }),
            "style.strength",
        ),
        (
            GenerateImagesRequest::builder()
                .prompt("cat")
                .style(StyleOptions {
                    presets: vec!["painting".into(), "painting".into()],
                    strength: None,
                    image_reference: None,
                }),
            "style.presets",
        ),
        (
            GenerateImagesRequest::builder()
                .prompt("cat")
                .structure(StructureOptions {
                    strength: Some(101),
                    image_reference: None,
                }),
            "structure.strength",
        ),
        (
            GenerateImagesRequest::builder()
                .prompt("cat")
                .structure(StructureOptions {
                    strength: None,
                    image_reference: Some(ImageReference {
                        source: Some(InputSource {
                            upload_id: None,
                            url: Some("u".repeat(2084)),
                        }),
                    }),
                }),
            "structure.imageReference.source.url",
        ),
        (
            GenerateImagesRequest::builder()
                .prompt("cat")
                .custom_model_id("urn:aaid:sc:x".to_owned()),
            "customModelId",
        ),
    ];
    for (request, field) in cases {
        let error = firefly.generate_images(request).await.unwrap_err();
        let Error::Validation(validation) = &error else {
            panic!("{field}: {error:?}")
        };
        assert_eq!(validation.field(), field, "{error}");
        assert!(error.is_validation());
    }
    let custom = GenerateImagesRequest::builder().prompt("cat");
    let error = firefly
        .generate_images_with_model(custom, ImageModelVersion::Image4Custom)
        .await
        .unwrap_err();
    assert!(
        matches!(&error, Error::Validation(v) if v.field() == "customModelId"),
        "{error:?}"
    );
    assert!(server.requests().is_empty(), "nothing was sent");
}

// Configuration.

fn lookup(vars: &'static [(&'static str, &'static str)]) -> impl Fn(&str) -> Option<String> {
    move |name| {
        vars.iter()
            .find(|(k, _)| *k == name)
            .map(|(_, v)| v.to_string())
    }
}

#[test]
fn missing_environment_variables_are_named() {
    let error = FireflyBuilder::from_env_with(lookup(&[])).unwrap_err();
    assert!(matches!(
        error,
        ConfigError::MissingVariable {
            name: "FIREFLY_SERVICES_CLIENT_ID",
            ..
        }
    ));
    assert!(error.to_string().contains("FIREFLY_SERVICES_CLIENT_ID"));

    let error =
        FireflyBuilder::from_env_with(lookup(&[("FIREFLY_SERVICES_CLIENT_ID", "id")])).unwrap_err();
    assert!(matches!(
        error,
        ConfigError::MissingVariable {
            name: "FIREFLY_SERVICES_CLIENT_SECRET",
            ..
        }
    ));
    assert!(
        error.to_string().contains("FIREFLY_SERVICES_ACCESS_TOKEN"),
        "{error}"
    );

    let error =
        FireflyBuilder::from_env_with(lookup(&[("FIREFLY_SERVICES_CLIENT_ID", "  ")])).unwrap_err();
    assert!(
        matches!(
            error,
            ConfigError::MissingVariable {
                name: "FIREFLY_SERVICES_CLIENT_ID",
                ..
            }
        ),
        "empty counts as missing"
    );
}

#[test]
fn environment_variables_configure_the_client() {
    let firefly = FireflyBuilder::from_env_with(lookup(&[
        ("FIREFLY_SERVICES_CLIENT_ID", "id"),
        ("FIREFLY_SERVICES_ACCESS_TOKEN", "token"),
        ("FIREFLY_SERVICES_API_URL", "http://127.0.0.1:1"),
    ]))
    .unwrap()
    .build()
    .unwrap();
    assert_eq!(firefly.api_url(), "http://127.0.0.1:1/");

    let error = FireflyBuilder::from_env_with(lookup(&[
        ("FIREFLY_SERVICES_CLIENT_ID", "id"),
        ("FIREFLY_SERVICES_CLIENT_SECRET", "s"),
        ("FIREFLY_SERVICES_IMS_URL", "http://ims.example.com"),
    ]))
    .unwrap()
    .build()
    .unwrap_err();
    assert!(
        matches!(error, Error::Config(ConfigError::InsecureUrl { .. })),
        "{error:?}"
    );
}

#[test]
fn the_builder_names_what_is_missing() {
    let error = Firefly::builder().client_secret("s").build().unwrap_err();
    assert!(error.to_string().contains("client id"), "{error}");
    let error = Firefly::builder().client_id("id").build().unwrap_err();
    assert!(error.to_string().contains("client_secret"), "{error}");
    let error = Firefly::builder()
        .client_id("id")
        .access_token("t")
        .api_url("http://firefly.example.com")
        .build()
        .unwrap_err();
    assert!(matches!(
        error,
        Error::Config(ConfigError::InsecureUrl { .. })
    ));
}
