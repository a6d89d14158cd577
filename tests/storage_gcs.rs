//! Google Cloud Storage pre-signed URLs (feature `storage`), checked the way
//! Cloud Storage checks them. No emulator verifies V4 signatures offline, so
//! this file is the verifier: from a throwaway service account's key it
//! rebuilds the canonical request and the string to sign as Google documents
//! them (<https://cloud.google.com/storage/docs/authentication/canonical-requests>,
//! <https://cloud.google.com/storage/docs/authentication/signatures>) and
//! checks the RSA signature with the key's public half.

use std::{
    process::Command,
    sync::LazyLock,
    time::{Duration, SystemTime, UNIX_EPOCH},
};

use adobe_firefly::storage::{Storage, StorageError, StorageKind};
use aws_lc_rs::{
    encoding::AsDer,
    rsa::{KeyPair, KeySize},
    signature::{self, KeyPair as _, UnparsedPublicKey},
};
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
use sha2::{Digest, Sha256};
use url::Url;

const EMAIL: &str = "photoshop-signer@firefly-test.iam.gserviceaccount.com";

/// A service account made for this run: the key JSON a user downloads from
/// the console, and the public key Cloud Storage would check against.
struct ServiceAccount {
    key_json: String,
    public_key: Vec<u8>,
}

static ACCOUNT: LazyLock<ServiceAccount> = LazyLock::new(|| {
    let key = KeyPair::generate(KeySize::Rsa2048).unwrap();
    let pkcs8 = key.as_der().unwrap();
    let body = base64(pkcs8.as_ref());
    let mut pem = String::from("-----BEGIN PRIVATE KEY-----\n");
    for line in body.as_bytes().chunks(64) {
        pem.push_str(std::str::from_utf8(line).unwrap());
        pem.push('\n');
    }
    pem.push_str("-----END PRIVATE KEY-----\n");
    let key_json = serde_json::json!({
        "type": "service_account",
        "project_id": "firefly-test",
        "private_key_id": "5f1e0c6d2b7a49e8a1c3d4e5f60718293a4b5c6d",
        "private_key": pem,
        "client_email": EMAIL,
        "client_id": "104857600000000000000",
        "token_uri": "https://oauth2.googleapis.com/token",
    })
    .to_string();
    ServiceAccount {
        key_json,
        public_key: key.public_key().as_ref().to_vec(),
    }
});

fn gcs() -> Storage {
    Storage::from_url_with(
        "gs://firefly-test/prefix",
        [("google_service_account_key", ACCOUNT.key_json.as_str())],
    )
    .unwrap()
}

/// RFC 3986's unreserved characters stay; everything else is encoded, as
/// the canonical query string wants.
const UNRESERVED: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// Why a URL's signature does not hold, or `Ok` when Cloud Storage would
/// accept it for a request with `method`.
fn verify(url: &Url, method: &str, public_key: &[u8]) -> Result<(), String> {
    let pairs: Vec<(String, String)> = url.query_pairs().into_owned().collect();
    let value = |name: &str| {
        pairs
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
            .ok_or_else(|| format!("no {name}"))
    };
    let signature = hex(value("X-Goog-Signature")?)?;
    let date = value("X-Goog-Date")?;
    let scope = value("X-Goog-Credential")?
        .split_once('/')
        .ok_or("no scope in the credential")?
        .1;
    if value("X-Goog-SignedHeaders")? != "host" {
        return Err("headers other than host are signed".into());
    }

    // The canonical request: every query parameter but the signature, each
    // name and value encoded and the pairs sorted; the one signed header, as
    // the client sends it to the URL's host; and no payload hash.
    let mut query: Vec<(String, String)> = pairs
        .iter()
        .filter(|(k, _)| k != "X-Goog-Signature")
        .map(|(k, v)| {
            (
                utf8_percent_encode(k, UNRESERVED).to_string(),
                utf8_percent_encode(v, UNRESERVED).to_string(),
            )
        })
        .collect();
    query.sort();
    let query: Vec<String> = query.iter().map(|(k, v)| format!("{k}={v}")).collect();
    let host = url.host_str().ok_or("no host")?;
    let canonical_request = format!(
        "{method}\n{path}\n{query}\nhost:{host}\n\nhost\nUNSIGNED-PAYLOAD",
        path = url.path(),
        query = query.join("&"),
    );
    let string_to_sign = format!(
        "GOOG4-RSA-SHA256\n{date}\n{scope}\n{:x}",
        Sha256::digest(canonical_request.as_bytes())
    );
    UnparsedPublicKey::new(&signature::RSA_PKCS1_2048_8192_SHA256, public_key)
        .verify(string_to_sign.as_bytes(), &signature)
        .map_err(|_| format!("the signature does not match:\n{canonical_request}"))
}

/// The URL with one query parameter's value replaced.
fn with_param(url: &Url, name: &str, new: &str) -> Url {
    let pairs: Vec<(String, String)> = url.query_pairs().into_owned().collect();
    let mut changed = url.clone();
    let mut query = changed.query_pairs_mut();
    query.clear();
    for (k, v) in &pairs {
        query.append_pair(k, if k == name { new } else { v });
    }
    drop(query);
    changed
}

#[tokio::test]
async fn gcs_urls_are_v4_signed_by_the_service_account() {
    let storage = gcs();
    assert_eq!(storage.kind(), StorageKind::Gcs);
    let get_expiry = Duration::from_secs(900);
    let put_expiry = Duration::from_secs(2 * 3600);
    let before = unix_now();
    let get = storage.presign_get("in/a b.png", get_expiry).await.unwrap();
    let put = storage.presign_put("out/x.png", put_expiry).await.unwrap();
    let after = unix_now();

    for (url, expiry, path) in [
        (get.url(), get_expiry, "/firefly-test/prefix/in/a%20b.png"),
        (put.url(), put_expiry, "/firefly-test/prefix/out/x.png"),
    ] {
        assert_eq!(url.scheme(), "https", "{url}");
        assert_eq!(url.host_str(), Some("storage.googleapis.com"), "{url}");
        assert_eq!(url.path(), path);
        let pairs: Vec<(String, String)> = url.query_pairs().into_owned().collect();
        let value = |name: &str| {
            pairs
                .iter()
                .find(|(k, _)| k == name)
                .map(|(_, v)| v.as_str())
                .unwrap_or_else(|| panic!("no {name} in {url}"))
        };
        assert_eq!(value("X-Goog-Algorithm"), "GOOG4-RSA-SHA256");
        let date = value("X-Goog-Date");
        let credential = value("X-Goog-Credential");
        assert_eq!(
            credential,
            format!("{EMAIL}/{}/auto/storage/goog4_request", &date[..8])
        );
        assert_eq!(value("X-Goog-Expires"), expiry.as_secs().to_string());
        assert_eq!(value("X-Goog-SignedHeaders"), "host");
        // Signed when asked, to the second.
        let signed_at = unix_seconds(date);
        assert!(
            (before..=after).contains(&signed_at),
            "{date} not within {before}..={after}"
        );
    }
    let expires = |at: SystemTime| at.duration_since(UNIX_EPOCH).unwrap().as_secs();
    assert!(expires(get.expires_at()).abs_diff(before + 900) <= 2);
    assert!(expires(put.expires_at()).abs_diff(before + 7200) <= 2);

    let key = &ACCOUNT.public_key;
    verify(get.url(), "GET", key).unwrap();
    verify(put.url(), "PUT", key).unwrap();

    // The verifier can say no: a URL is good for its own method only...
    assert!(verify(get.url(), "PUT", key).is_err());
    assert!(verify(put.url(), "GET", key).is_err());
    // ...with its signature as made (one hex digit flipped)...
    let signature = get
        .url()
        .query_pairs()
        .find(|(k, _)| k == "X-Goog-Signature")
        .unwrap()
        .1
        .into_owned();
    assert_eq!(signature.len(), 512, "2048 bits in hex: {signature}");
    let flipped = if signature.starts_with('0') { "1" } else { "0" };
    let tampered = with_param(
        get.url(),
        "X-Goog-Signature",
        &format!("{flipped}{}", &signature[1..]),
    );
    assert!(verify(&tampered, "GET", key).is_err());
    // ...its expiry and object as signed...
    let longer = with_param(get.url(), "X-Goog-Expires", "604800");
    assert!(verify(&longer, "GET", key).is_err());
    let mut other_object = get.url().clone();
    other_object.set_path("/firefly-test/prefix/in/b.png");
    assert!(verify(&other_object, "GET", key).is_err());
    // ...and signed by this account's key, not another's.
    let stranger = KeyPair::generate(KeySize::Rsa2048).unwrap();
    assert!(verify(get.url(), "GET", stranger.public_key().as_ref()).is_err());
    // Untouched, it still holds: the changes above were to copies.
    verify(get.url(), "GET", key).unwrap();
}

#[tokio::test]
async fn gcs_urls_never_show_the_signature_or_the_key() {
    let put = gcs()
        .presign_put("out/x.png", Duration::from_secs(60))
        .await;
    let put = put.unwrap();
    let shown = format!("{put:?}");
    assert!(!shown.contains("X-Goog-Signature"), "{shown}");
    assert!(!shown.contains(EMAIL), "{shown}");
    assert!(shown.contains("/firefly-test/prefix/out/x.png"), "{shown}");
    let storage = format!("{:?}", gcs());
    assert!(!storage.contains("PRIVATE KEY"), "{storage}");
}

/// The variable that tells this test binary, run again by the test below
/// with an environment of its choosing, which case to check.
const CHILD: &str = "FIREFLY_STORAGE_GCS_CHILD";
/// The public key of the parent's account, in hex: the child's own
/// `ACCOUNT` would be another key.
const CHILD_KEY: &str = "FIREFLY_STORAGE_GCS_PUBLIC_KEY";

/// `from_url` reads GOOGLE_* variables and gcloud's file under `HOME`, so
/// the cases that depend on them run in a copy of this binary with an
/// environment made here (setting variables in a threaded test is unsound),
/// whatever the machine's own is.
#[test]
fn gcs_credentials_come_from_the_environment_or_are_missing() {
    if let Ok(case) = std::env::var(CHILD) {
        return child(&case);
    }
    let home = tempfile::tempdir().unwrap();
    for (case, extra) in [
        ("none", None),
        (
            "key-in-env",
            Some(("GOOGLE_SERVICE_ACCOUNT_KEY", &ACCOUNT.key_json)),
        ),
    ] {
        let mut command = Command::new(std::env::current_exe().unwrap());
        command
            .args([
                "gcs_credentials_come_from_the_environment_or_are_missing",
                "--exact",
                "--nocapture",
                "--test-threads=1",
            ])
            .env_clear()
            .env("HOME", home.path())
            .env(CHILD, case)
            .env(CHILD_KEY, to_hex(&ACCOUNT.public_key));
        if let Some((name, value)) = extra {
            command.env(name, value);
        }
        let output = command.output().unwrap();
        let stdout = String::from_utf8_lossy(&output.stdout);
        assert!(
            output.status.success() && stdout.contains("1 passed"),
            "case {case}:\n{stdout}\n{}",
            String::from_utf8_lossy(&output.stderr)
        );
    }
}

fn child(case: &str) {
    match case {
        "none" => {
            let error = Storage::from_url("gs://firefly-test/prefix").unwrap_err();
            let StorageError::MissingCredentials { kind, missing, .. } = &error else {
                panic!("{error:?}");
            };
            assert_eq!(*kind, StorageKind::Gcs);
            let message = error.to_string();
            for named in [
                "GOOGLE_SERVICE_ACCOUNT",
                "GOOGLE_SERVICE_ACCOUNT_KEY",
                "google_service_account_key",
                "GOOGLE_APPLICATION_CREDENTIALS",
            ] {
                assert!(
                    missing.contains(named) && message.contains(named),
                    "{message}"
                );
            }
        }
        "key-in-env" => {
            let storage = Storage::from_url("gs://firefly-test/prefix").unwrap();
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .unwrap();
            let get = runtime
                .block_on(storage.presign_get("in.png", Duration::from_secs(60)))
                .unwrap();
            let public_key = hex(&std::env::var(CHILD_KEY).unwrap()).unwrap();
            verify(get.url(), "GET", &public_key).unwrap();
        }
        other => panic!("no case {other}"),
    }
}

fn unix_now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs()
}

/// Seconds since 1970 of an `X-Goog-Date` (`YYYYMMDD'T'HHMMSS'Z'`), by the
/// civil-from-days arithmetic of the proleptic Gregorian calendar.
fn unix_seconds(date: &str) -> u64 {
    assert!(
        date.len() == 16 && &date[8..9] == "T" && date.ends_with('Z'),
        "{date}"
    );
    let n = |at: std::ops::Range<usize>| date[at].parse::<i64>().unwrap();
    let (year, month, day) = (n(0..4), n(4..6), n(6..8));
    let year = if month <= 2 { year - 1 } else { year };
    let era = year.div_euclid(400);
    let year_of_era = year - era * 400;
    let day_of_year = (153 * ((month + 9) % 12) + 2) / 5 + day - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    let days = era * 146_097 + day_of_era - 719_468;
    u64::try_from(days * 86_400 + n(9..11) * 3600 + n(11..13) * 60 + n(13..15)).unwrap()
}

fn hex(text: &str) -> Result<Vec<u8>, String> {
    if !text.len().is_multiple_of(2) {
        return Err(format!("odd hex length {}", text.len()));
    }
    (0..text.len())
        .step_by(2)
        .map(|at| u8::from_str_radix(&text[at..at + 2], 16).map_err(|e| format!("{text}: {e}")))
        .collect()
}

fn to_hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Standard base64 with padding, for the key's PEM.
fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let word = chunk
            .iter()
            .enumerate()
            .fold(0u32, |word, (i, &b)| word | u32::from(b) << (16 - 8 * i));
        for i in 0..4 {
            out.push(if i <= chunk.len() {
                char::from(ALPHABET[(word >> (18 - 6 * i) & 63) as usize])
            } else {
                '='
            });
        }
    }
    out
}
