//! Pre-signed URLs (feature `storage`) without a server: what the SDK
//! signs and refuses, what a URL's `Debug` shows, and how a URL becomes a
//! Photoshop input or output. The signatures themselves are checked by a
//! real S3 server in `storage_s3.rs`, and GCS's as Cloud Storage checks them
//! in `storage_gcs.rs`.

use std::time::Duration;

use adobe_firefly::storage::{MAX_EXPIRY, Storage, StorageError, StorageKind};

const HOUR: Duration = Duration::from_secs(3600);

fn s3() -> Storage {
    Storage::from_url_with(
        "s3://renders/photoshop/run-1",
        [
            ("aws_region", "eu-west-1"),
            ("aws_access_key_id", "AKIDEXAMPLE"),
            (
                "aws_secret_access_key",
                "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
            ),
        ],
    )
    .unwrap()
}

fn azure() -> Storage {
    Storage::from_url_with(
        "az://renders/photoshop",
        [
            ("azure_storage_account_name", "account"),
            ("azure_storage_account_key", "ZmFrZS1rZXktZm9yLXRlc3Rz"),
        ],
    )
    .unwrap()
}

#[tokio::test]
async fn s3_urls_are_sigv4_for_the_object_under_the_prefix() {
    let storage = s3();
    assert_eq!(storage.kind(), StorageKind::S3);
    let get = storage.presign_get("in/a b.png", HOUR).await.unwrap();
    let url = get.url();
    assert_eq!(url.scheme(), "https");
    assert!(url.host_str().unwrap().ends_with(".amazonaws.com"), "{url}");
    assert!(
        url.path().ends_with("/photoshop/run-1/in/a%20b.png"),
        "{url}"
    );
    let query: Vec<(String, String)> = url.query_pairs().into_owned().collect();
    let value = |name: &str| {
        query
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    };
    assert_eq!(value("X-Amz-Algorithm"), Some("AWS4-HMAC-SHA256"));
    assert_eq!(value("X-Amz-Expires"), Some("3600"));
    assert!(value("X-Amz-Signature").is_some_and(|s| s.len() == 64));
    assert!(value("X-Amz-Credential").is_some_and(|c| c.starts_with("AKIDEXAMPLE/")));
    assert_eq!(get.as_str(), url.as_str());

    // GET and PUT of the same object are signed apart.
    let put = storage.presign_put("in/a b.png", HOUR).await.unwrap();
    assert_ne!(put.as_str(), get.as_str());
}

#[tokio::test]
async fn debug_never_shows_the_signature() {
    let put = s3().presign_put("out/x.png", HOUR).await.unwrap();
    let shown = format!("{put:?}");
    let signature = put
        .url()
        .query_pairs()
        .find(|(k, _)| k == "X-Amz-Signature")
        .unwrap()
        .1
        .into_owned();
    assert!(!shown.contains(&signature), "{shown}");
    assert!(!shown.contains("X-Amz-Credential"), "{shown}");
    assert!(
        shown.contains("out/x.png") && shown.contains("PUT"),
        "{shown}"
    );
    let storage = format!("{:?}", s3());
    assert!(
        !storage.contains("wJalrXUtnFEMI") && !storage.contains("AKIDEXAMPLE"),
        "{storage}"
    );
}

#[tokio::test]
async fn bad_paths_expiries_and_urls_are_refused() {
    let storage = s3();
    for path in ["", "a/../b", "a//b"] {
        let error = storage.presign_get(path, HOUR).await.unwrap_err();
        assert!(
            matches!(error, StorageError::InvalidPath { .. }),
            "{path}: {error}"
        );
    }
    for expiry in [
        Duration::ZERO,
        Duration::from_millis(999),
        MAX_EXPIRY + Duration::from_secs(1),
    ] {
        let error = storage.presign_put("x.png", expiry).await.unwrap_err();
        assert!(
            matches!(error, StorageError::Expiry { .. }),
            "{expiry:?}: {error}"
        );
    }
    assert!(storage.presign_put("x.png", MAX_EXPIRY).await.is_ok());
    for url in [
        "file:///tmp/x",
        "memory:///",
        "not a url",
        "https://example.com/bucket",
    ] {
        let error = Storage::from_url(url).unwrap_err();
        assert!(
            matches!(error, StorageError::UnsupportedUrl { .. }),
            "{url}: {error}"
        );
    }
    let error = Storage::from_url_with("s3://b", [("aws_no_such_setting", "1")]).unwrap_err();
    assert!(
        matches!(error, StorageError::UnknownSetting { .. }),
        "{error}"
    );
}

#[tokio::test]
async fn azure_urls_are_sas_urls() {
    let storage = azure();
    assert_eq!(storage.kind(), StorageKind::Azure);
    let put = storage.presign_put("out/x.png", HOUR).await.unwrap();
    let url = put.url();
    assert_eq!(url.host_str(), Some("account.blob.core.windows.net"));
    assert!(
        url.path().ends_with("/renders/photoshop/out/x.png"),
        "{url}"
    );
    assert!(url.query_pairs().any(|(k, _)| k == "sig"), "{url}");
}

#[cfg(feature = "photoshop")]
mod photoshop {
    use adobe_firefly::photoshop::types;
    use serde_json::json;

    use super::*;

    #[tokio::test]
    async fn a_get_url_is_an_input_and_a_put_url_a_destination() {
        let get = s3().presign_get("in.psd", HOUR).await.unwrap();
        let put = s3().presign_put("out.png", HOUR).await.unwrap();
        let (get_url, put_url) = (get.as_str().to_owned(), put.as_str().to_owned());
        let image: types::InputImage = get.into();
        let destination: types::OutputDestination = put.into();
        assert_eq!(
            serde_json::to_value(&image).unwrap(),
            json!({"source": {"url": get_url}})
        );
        // S3 is Photoshop's default: no storage type.
        assert_eq!(
            serde_json::to_value(&destination).unwrap(),
            json!({"url": put_url})
        );

        let put = azure().presign_put("out.png", HOUR).await.unwrap();
        let put_url = put.as_str().to_owned();
        let destination: types::UrlDestination = put.into();
        assert_eq!(
            serde_json::to_value(&destination).unwrap(),
            json!({"url": put_url, "storageType": "azure"})
        );
    }
}
