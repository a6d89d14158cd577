//! No committed snapshot carries a credential: tokens and secrets are
//! replaced by placeholders before anything is written.

use std::fs;

/// Secret values the tests send; none may reach a snapshot.
const TEST_SECRETS: &[&str] = &[
    "s3cr&t",
    "SENTINEL",
    "token-1",
    "emulator-token-",
    "p8e-new",
    "client-secret",
];

#[test]
fn snapshots_hold_no_credentials() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/snapshots");
    let mut checked = 0;
    for entry in fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        let text = fs::read_to_string(&path).unwrap();
        for secret in TEST_SECRETS {
            assert!(
                !text.contains(secret),
                "{} contains {secret}",
                path.display()
            );
        }
        for (at, _) in text.match_indices("\"authorization\": ") {
            let value = &text[at + 17..].lines().next().unwrap_or_default();
            assert!(
                value.starts_with("\"Bearer [token]\"") || value.starts_with("\"[credentials]\""),
                "{}: authorization {value}",
                path.display()
            );
        }
        for (at, _) in text.match_indices("\"client_secret\": ") {
            let value = &text[at + 17..].lines().next().unwrap_or_default();
            assert!(
                value.starts_with("\"[secret]\""),
                "{}: client_secret {value}",
                path.display()
            );
        }
        checked += 1;
    }
    assert!(checked >= 15, "only {checked} snapshots found");
}
