//! What an access token looks like, for tokens the SDK did not just receive
//! from IMS itself: one read from the fleet's Redis, or one a server refused
//! in a way that may be the token's fault (HTTP 431 or 400).
//!
//! The rule: 1 to [`MAX_TOKEN_LEN`] characters, in dot-separated segments
//! that are each non-empty and made of base64url characters
//! (`A-Z a-z 0-9 - _`). IMS issues JWTs (three base64url segments, about
//! 1 to 2 KiB); the emulator issues `emulator-token-N-HEX`. Anything else
//! (spaces, quotes, control characters, padding, an empty segment, or a
//! value too long for a header line) is not a token, whatever it was meant
//! to be.

/// The longest token accepted (8 KiB): several times a JWT from IMS, and
/// the size of the header buffers common servers and proxies use, so a
/// longer one would be refused by them anyway.
pub(crate) const MAX_TOKEN_LEN: usize = 8 * 1024;

/// Whether `value` has the shape of an access token (see the module docs).
pub(crate) fn looks_like_token(value: &str) -> bool {
    !value.is_empty()
        && value.len() <= MAX_TOKEN_LEN
        && value.split('.').all(|segment| {
            !segment.is_empty()
                && segment
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ims_and_emulator_tokens_pass() {
        // The shape of an IMS access token: header, claims, signature.
        let jwt = format!(
            "eyJhbGciOiJSUzI1NiIsIng1dSI6Imltc19uYTEta2V5LWF0LTEuY2VyIn0.{}.{}",
            "eyJpZCI6IjE3MDAwMDAwMDAwMDBfYWJjIiwidHlwZSI6ImFjY2Vzc190b2tlbiJ9".repeat(12),
            "Qm9ndXNfc2lnbmF0dXJlLV9fLQ".repeat(14)
        );
        assert!(looks_like_token(&jwt));
        assert!(looks_like_token("emulator-token-12-00f3a9c1b2d4e5f6"));
        assert!(looks_like_token("token-1"));
        assert!(looks_like_token(&"a".repeat(MAX_TOKEN_LEN)));
    }

    #[test]
    fn anything_else_fails() {
        for value in [
            "",
            "a b",
            "a\r\nX-Injected: 1",
            "tok\u{1b}[2J",
            "\"quoted\"",
            "a..b",
            ".a",
            "a.",
            "padded==",
            "plus+slash/",
            "tökén",
        ] {
            assert!(!looks_like_token(value), "{value:?}");
        }
        assert!(!looks_like_token(&"a".repeat(MAX_TOKEN_LEN + 1)));
        assert!(!looks_like_token(&"a".repeat(100 * 1024)));
    }
}
