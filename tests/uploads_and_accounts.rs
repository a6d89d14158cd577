//! Uploads (type detection, files, streams, no replay of a streamed body),
//! custom models across pages, the credentials check and client-secret
//! rotation, end to end through the emulator.

mod common;

use std::time::Duration;

use adobe_firefly::{CustomModelsQuery, Error, Firefly, ImageFormat, auth::AuthError};
use adobe_firefly_emulator::{Emulator, Faults};
use bytes::Bytes;
use common::EmulatorExt;
use futures::TryStreamExt;

const PNG: &[u8] = b"\x89PNG\r\n\x1a\n-not-really-but-signed";

// Uploads.

#[tokio::test(start_paused = true)]
async fn uploads_detect_and_check_the_image_before_sending() {
    let emulator = Emulator::start().await.unwrap();
    let firefly = emulator.client().unwrap();
    let jpeg = [&[0xff, 0xd8, 0xff, 0xe0][..], b"jpeg"].concat();
    let webp = b"RIFF\x10\0\0\0WEBPVP8 data".to_vec();
    for image in [PNG.to_vec(), jpeg, webp] {
        let uploaded = firefly.upload_image(image).await.unwrap();
        assert_eq!(uploaded.id.len(), 36, "a UUID: {}", uploaded.id);
    }

    let sent_before = emulator.requests().len();
    for (image, problem) in [
        (
            b"GIF89a....".to_vec(),
            "not a JPEG, PNG, WebP, JPEG XL or TIFF",
        ),
        (Vec::new(), "empty"),
        ([PNG, &vec![0u8; 16 * 1024 * 1024]].concat(), "at most"),
    ] {
        let error = firefly.upload_image(image).await.unwrap_err();
        let Error::Validation(validation) = &error else {
            panic!("{error:?}")
        };
        assert_eq!(validation.field(), "image");
        assert!(validation.problem().contains(problem), "{error}");
    }
    assert_eq!(emulator.requests().len(), sent_before, "nothing was sent");
}

#[tokio::test(start_paused = true)]
async fn uploads_from_a_file_and_from_a_stream() {
    let emulator = Emulator::start().await.unwrap();
    let firefly = emulator.client().unwrap();
    let dir = common::scratch("upload");
    let path = dir.join("image.png");
    tokio::fs::write(&path, PNG).await.unwrap();
    firefly.upload_image_file(&path).await.unwrap();

    let chunks = vec![
        Ok(Bytes::from_static(&PNG[..10])),
        Ok(Bytes::from_static(&PNG[10..])),
    ];
    let stream = futures::stream::iter(chunks);
    firefly
        .upload_image_stream(stream, ImageFormat::Png, PNG.len() as u64)
        .await
        .unwrap();

    let wrong = futures::stream::iter(vec![Ok(Bytes::from_static(PNG))]);
    let error = firefly
        .upload_image_stream(wrong, ImageFormat::Jpeg, PNG.len() as u64)
        .await
        .unwrap_err();
    assert!(error.is_validation(), "{error:?}");
    let missing = firefly
        .upload_image_file("/nonexistent/firefly.png")
        .await
        .unwrap_err();
    assert!(matches!(missing, Error::Io { .. }), "{missing:?}");
}

// A streamed body is not replayed after a 401, and the token that
// failed is still dropped for later calls.
#[tokio::test(start_paused = true)]
async fn a_streamed_upload_is_not_replayed_after_a_401() {
    let faults = Faults::none().token_valid_for(Duration::from_secs(10));
    let emulator = Emulator::builder().faults(faults).start().await.unwrap();
    let firefly = emulator.client().unwrap();
    firefly.check_credentials().await.unwrap();
    tokio::time::advance(Duration::from_secs(11)).await;

    let stream = futures::stream::iter(vec![Ok(Bytes::from_static(PNG))]);
    let error = firefly
        .upload_image_stream(stream, ImageFormat::Png, PNG.len() as u64)
        .await
        .unwrap_err();
    assert_eq!(error.status(), Some(401), "{error:?}");
    let uploads = emulator
        .requests()
        .iter()
        .filter(|r| r.path == "/v2/storage/image")
        .count();
    assert_eq!(uploads, 1, "not replayed");
    assert_eq!(firefly.stats().replays_after_401, 0);

    firefly.upload_image(PNG.to_vec()).await.unwrap();
    assert_eq!(emulator.tokens_issued(), 2, "the failed token was dropped");
}

// Custom models.

#[tokio::test(start_paused = true)]
async fn custom_models_stream_across_pages() {
    let emulator = Emulator::builder().custom_models(7).start().await.unwrap();
    let firefly = emulator.client().unwrap();
    let models: Vec<_> = firefly
        .custom_models(CustomModelsQuery::new().page_size(3))
        .try_collect()
        .await
        .unwrap();
    assert_eq!(models.len(), 7);
    let ids: Vec<_> = models.iter().map(|m| m.asset_id.clone().unwrap()).collect();
    assert_eq!(ids[0], "urn:aaid:sc:US:emulator-model-0000");
    assert_eq!(ids[6], "urn:aaid:sc:US:emulator-model-0006");
    assert!(
        models[0]
            .created_date
            .as_ref()
            .is_some_and(|d| d.is_number())
            && models[0]
                .modified_date
                .as_ref()
                .is_some_and(|d| d.is_string()),
        "both date forms decode"
    );
    let pages = emulator
        .requests()
        .iter()
        .filter(|r| r.path == "/v3/custom-models")
        .count();
    assert_eq!(pages, 3);

    let none = Emulator::builder().custom_models(0).start().await.unwrap();
    let empty: Vec<_> = none
        .client()
        .unwrap()
        .custom_models(CustomModelsQuery::new())
        .try_collect()
        .await
        .unwrap();
    assert!(empty.is_empty());
}

// The credentials check.

#[tokio::test(start_paused = true)]
async fn the_credentials_check_tells_good_from_bad() {
    let emulator = Emulator::start().await.unwrap();
    emulator
        .client()
        .unwrap()
        .check_credentials()
        .await
        .unwrap();

    let wrong_secret = emulator
        .client_builder()
        .client_secret("nope")
        .build()
        .unwrap();
    let error = wrong_secret.check_credentials().await.unwrap_err();
    assert!(
        matches!(error, Error::Auth(AuthError::Permanent { .. })),
        "{error:?}"
    );

    let token = {
        let probe = emulator.client().unwrap();
        probe.check_credentials().await.unwrap();
        emulator.tokens_issued()
    };
    assert!(token >= 1);
    let wrong_key = Firefly::builder()
        .client_id("someone-else")
        .client_secret(emulator.client_secret())
        .api_url(emulator.url())
        .ims_url(emulator.url())
        .build()
        .unwrap();
    let error = wrong_key.check_credentials().await.unwrap_err();
    assert!(error.is_auth(), "{error:?}");
}

// Client-secret rotation through the I/O Management API.

#[tokio::test(start_paused = true)]
async fn a_client_secret_can_be_rotated() {
    use adobe_firefly::secrets::SecretsManager;
    let emulator = Emulator::start().await.unwrap();
    let (org, credential) = (
        emulator.organization_id().to_owned(),
        emulator.credential_id().to_owned(),
    );
    let manager = SecretsManager::builder()
        .client_id(emulator.client_id())
        .client_secret(emulator.client_secret())
        .ims_url(emulator.url())
        .management_url(emulator.url())
        .build()
        .unwrap();

    let before = manager.list(&org, &credential).await.unwrap();
    assert_eq!(before.len(), 1);
    let fresh = manager.create(&org, &credential).await.unwrap();
    assert!(
        !format!("{fresh:?}").contains(fresh.expose_secret()),
        "the new secret is redacted"
    );
    assert_eq!(manager.list(&org, &credential).await.unwrap().len(), 2);

    // The new secret works; after deleting the old one, only the new one does.
    let rotated = emulator
        .client_builder()
        .client_secret(fresh.expose_secret())
        .build()
        .unwrap();
    rotated.check_credentials().await.unwrap();
    manager
        .delete(&org, &credential, &before[0].uuid)
        .await
        .unwrap();
    let after: Vec<_> = manager
        .list(&org, &credential)
        .await
        .unwrap()
        .into_iter()
        .map(|s| s.uuid)
        .collect();
    assert_eq!(after, [fresh.uuid().to_owned()]);
    let stale = emulator.client().unwrap();
    let error = stale.check_credentials().await.unwrap_err();
    assert_eq!(error.error_code(), Some("invalid_client"));

    let error = manager
        .delete(&org, &credential, &before[0].uuid)
        .await
        .unwrap_err();
    assert!(error.is_not_found(), "{error:?}");
    let error = manager
        .list("someone-elses-org", &credential)
        .await
        .unwrap_err();
    assert!(error.is_not_found(), "{error:?}");
    let error = manager
        .delete(&org, &credential, "../../jobs")
        .await
        .unwrap_err();
    assert!(error.is_validation(), "{error:?}");
}

#[tokio::test(start_paused = true)]
async fn secret_rotation_needs_the_management_scopes() {
    use adobe_firefly::secrets::SecretsManager;
    let emulator = Emulator::builder()
        .allowed_scopes("openid,AdobeID,firefly_api,ff_apis")
        .start()
        .await
        .unwrap();
    let manager = SecretsManager::builder()
        .client_id(emulator.client_id())
        .client_secret(emulator.client_secret())
        .ims_url(emulator.url())
        .management_url(emulator.url())
        .build()
        .unwrap();
    let error = manager
        .list(emulator.organization_id(), emulator.credential_id())
        .await
        .unwrap_err();
    assert_eq!(error.error_code(), Some("invalid_scope"), "{error:?}");
}
