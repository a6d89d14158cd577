//! Text that a server wrote, made safe to put in an error, a log line or a
//! terminal.
//!
//! A server's error text is attacker-controlled as far as the SDK is
//! concerned: an IMS that echoes the request form puts the client secret in
//! its `error_description`, a proxy may quote the `Authorization` header, and
//! any of them may send ANSI escapes that repaint the user's terminal or
//! newlines that forge log lines. [`server_text`] is the one place such text
//! is cleaned, for IMS answers and Firefly error bodies alike.

/// The longest server text kept, in characters; the rest is cut off, so a
/// hostile server cannot flood logs through an error message.
pub(crate) const MAX_SERVER_TEXT: usize = 512;

/// What replaces a secret or a token value.
pub(crate) const REDACTED: &str = "[redacted]";

/// Keys whose value is a credential wherever they appear (`key=value`,
/// `"key": "value"`, `key: value`), matched without regard to case.
const SECRET_KEYS: [&str; 6] = [
    "client_secret",
    "access_token",
    "refresh_token",
    "id_token",
    "user_token",
    "password",
];

/// A bearer value shorter than this is taken for prose ("Bearer token is
/// invalid"), not for a credential.
const MIN_BEARER_VALUE: usize = 16;

/// A word starting like a JWT (`eyJ`, base64 of `{"`) at least this long is
/// taken for a token, whatever precedes it: IMS tokens are JWTs.
const MIN_JWT: usize = 20;

/// `text` as the server sent it, minus: every occurrence of each non-empty
/// string in `secrets` (also in its form-encoded spelling), the value of any
/// credential-looking key, bearer values and JWTs, ANSI escape sequences and
/// other control characters; at most [`MAX_SERVER_TEXT`] characters.
///
/// Redaction runs on the whole text before the cut, so a secret can never
/// survive as a prefix; callers bound the input (response bodies are read up
/// to a cap).
pub(crate) fn server_text(text: &str, secrets: &[&str]) -> String {
    let mut out = strip_controls(text);
    for secret in secrets.iter().filter(|s| !s.is_empty()) {
        for spelling in [secret.to_string(), form_encoded(secret)] {
            // A replacement can join its neighbours into a new occurrence
            // (text `xd]abc` + `abc` for the secret `d]abc`); a few rounds
            // settle every realistic case, and the bound keeps a secret
            // that is itself a substring of the marker from looping.
            for _ in 0..4 {
                if !out.contains(&spelling) {
                    break;
                }
                out = out.replace(&spelling, REDACTED);
            }
        }
    }
    out = redact_key_values(&out);
    out = redact_bearer_values(&out);
    out = redact_jwts(&out);
    truncate(out)
}

/// Removes ANSI escape sequences; turns line breaks and tabs into spaces (so
/// one message stays one log line) and every other control or
/// direction-overriding character into a visible `\u{..}` escape.
fn strip_controls(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\u{1b}' => skip_escape_sequence(&mut chars),
            // The 8-bit Control Sequence Introducer acts like `ESC [`.
            '\u{9b}' => skip_csi_body(&mut chars),
            '\n' | '\r' | '\t' => {
                if !out.ends_with(' ') {
                    out.push(' ');
                }
            }
            c if crate::error::unsafe_to_print(c) => {
                out.push_str(&format!("\\u{{{:x}}}", u32::from(c)));
            }
            c => out.push(c),
        }
    }
    out
}

/// Skips what follows an ESC: a CSI (`[` ... final byte), an OSC or other
/// string command (up to BEL or `ESC \`), or a single character.
fn skip_escape_sequence(chars: &mut std::iter::Peekable<std::str::Chars<'_>>) {
    match chars.next() {
        Some('[') => skip_csi_body(chars),
        Some(']' | 'P' | 'X' | '^' | '_') => {
            while let Some(c) = chars.next() {
                if c == '\u{7}' {
                    break;
                }
                if c == '\u{1b}' {
                    // `ESC \` ends the string; consume the backslash too.
                    if chars.peek() == Some(&'\\') {
                        chars.next();
                    }
                    break;
                }
            }
        }
        _ => {}
    }
}

/// Skips CSI parameters and intermediates up to and including the final
/// byte (`@` to `~`).
fn skip_csi_body(chars: &mut std::iter::Peekable<std::str::Chars<'_>>) {
    for c in chars.by_ref() {
        if ('\u{40}'..='\u{7e}').contains(&c) {
            break;
        }
        if !('\u{20}'..='\u{3f}').contains(&c) {
            // Not a CSI after all; drop it as well rather than print half a
            // sequence.
            break;
        }
    }
}

/// How a form body (`application/x-www-form-urlencoded`) spells `value`.
fn form_encoded(value: &str) -> String {
    url::form_urlencoded::byte_serialize(value.as_bytes()).collect()
}

/// Whether `c` may be part of a credential value that is not quoted.
fn is_value_char(c: char) -> bool {
    !(c.is_whitespace()
        || matches!(
            c,
            '&' | '"' | '\'' | ',' | ';' | '}' | ')' | ']' | '<' | '>'
        ))
}

/// `client_secret=abc`, `"access_token": "abc"`, `password: abc` and the
/// like, with the value replaced.
fn redact_key_values(text: &str) -> String {
    let lower = text.to_ascii_lowercase();
    let mut out = String::with_capacity(text.len());
    let mut copied = 0;
    let mut search = 0;
    while let Some((at, key)) = SECRET_KEYS
        .iter()
        .filter_map(|key| lower[search..].find(key).map(|i| (search + i, *key)))
        .min_by_key(|(i, _)| *i)
    {
        let mut cursor = at + key.len();
        let rest = &text[cursor..];
        // An optional closing quote of the key, spaces, then `=` or `:`.
        let after_key = rest.trim_start_matches(['"', '\'']).trim_start();
        let Some(after_separator) = after_key
            .strip_prefix('=')
            .or_else(|| after_key.strip_prefix(':'))
        else {
            search = cursor;
            continue;
        };
        let after_separator = after_separator.trim_start();
        let value_text = after_separator.trim_start_matches(['"', '\'']);
        cursor = text.len() - value_text.len();
        let value_len: usize = value_text
            .chars()
            .take_while(|c| is_value_char(*c))
            .map(char::len_utf8)
            .sum();
        if value_len > 0 {
            out.push_str(&text[copied..cursor]);
            out.push_str(REDACTED);
            copied = cursor + value_len;
        }
        search = cursor + value_len;
    }
    out.push_str(&text[copied..]);
    out
}

/// `Bearer <value>` with the value replaced, when the value is long enough
/// to be a credential.
fn redact_bearer_values(text: &str) -> String {
    const BEARER: &str = "bearer";
    let lower = text.to_ascii_lowercase();
    let mut out = String::with_capacity(text.len());
    let mut copied = 0;
    let mut search = 0;
    while let Some(found) = lower[search..].find(BEARER) {
        let after = search + found + BEARER.len();
        let rest = &text[after..];
        let value_text = rest.trim_start_matches([' ', '\t', ':', '=', '"', '\'']);
        let start = text.len() - value_text.len();
        let value_len: usize = value_text
            .chars()
            .take_while(|c| is_value_char(*c))
            .map(char::len_utf8)
            .sum();
        if start > after && value_len >= MIN_BEARER_VALUE {
            out.push_str(&text[copied..start]);
            out.push_str(REDACTED);
            copied = start + value_len;
        }
        search = start.max(after) + value_len;
    }
    out.push_str(&text[copied..]);
    out
}

/// Words that look like JWTs, replaced.
fn redact_jwts(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut copied = 0;
    let mut search = 0;
    while let Some(found) = text[search..].find("eyJ") {
        let start = search + found;
        let starts_word = text[..start]
            .chars()
            .next_back()
            .is_none_or(|c| !is_jwt_char(c));
        let len: usize = text[start..]
            .chars()
            .take_while(|c| is_jwt_char(*c))
            .map(char::len_utf8)
            .sum();
        if starts_word && len >= MIN_JWT {
            out.push_str(&text[copied..start]);
            out.push_str(REDACTED);
            copied = start + len;
        }
        search = start + len.max(3);
    }
    out.push_str(&text[copied..]);
    out
}

/// Characters of base64url and the dots between a JWT's parts.
fn is_jwt_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | '=' | '+' | '/')
}

/// At most [`MAX_SERVER_TEXT`] characters, marking a cut with an ellipsis.
fn truncate(text: String) -> String {
    match text.char_indices().nth(MAX_SERVER_TEXT) {
        Some((cut, _)) => format!("{}…", &text[..cut]),
        None => text,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_secret_is_removed_raw_and_form_encoded() {
        let secret = "p+ss/word=42&x";
        let echoed = format!(
            "bad request: grant_type=client_credentials&client_secret={}&x={secret}",
            form_encoded(secret)
        );
        let clean = server_text(&echoed, &[secret]);
        assert!(!clean.contains(secret), "{clean}");
        assert!(!clean.contains(&form_encoded(secret)), "{clean}");
        assert!(clean.contains("grant_type=client_credentials"), "{clean}");
    }

    #[test]
    fn credential_values_are_removed_whatever_the_secret_list_says() {
        for text in [
            "client_secret=unknown-secret-1",
            r#"{"access_token": "unknown-secret-1"}"#,
            "Access_Token : 'unknown-secret-1'",
            "Authorization: Bearer unknown-secret-1-and-more",
            "refresh_token=unknown-secret-1&scope=openid",
        ] {
            let clean = server_text(text, &[]);
            assert!(!clean.contains("unknown-secret-1"), "{text} -> {clean}");
            assert!(clean.contains(REDACTED), "{text} -> {clean}");
        }
    }

    #[test]
    fn jwts_are_removed_and_prose_is_kept() {
        let jwt = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl";
        let clean = server_text(&format!("token {jwt} expired"), &[]);
        assert_eq!(clean, format!("token {REDACTED} expired"));
        for prose in [
            "Oauth token is not valid",
            "Bearer token is invalid",
            "the access_token field is missing",
            "invalid client_secret parameter",
        ] {
            assert_eq!(server_text(prose, &[]), prose);
        }
    }

    #[test]
    fn terminal_escapes_and_control_characters_are_neutralised() {
        let clean = server_text(
            "\u{1b}[31mred\u{1b}[0m\nINFO forged line\r\u{1b}]0;title\u{7}\u{0}\u{202e}x",
            &[],
        );
        assert!(!clean.chars().any(|c| c.is_control()), "{clean:?}");
        assert!(!clean.contains('\u{202e}'), "{clean:?}");
        assert!(clean.starts_with("red INFO forged line"), "{clean:?}");
        assert!(clean.contains("\\u{0}"), "{clean:?}");
    }

    #[test]
    fn long_text_is_cut_after_redaction() {
        let secret = "s3cr3t-value";
        let text = format!(
            "{}{secret}{}",
            "a".repeat(MAX_SERVER_TEXT - 3),
            "b".repeat(10_000)
        );
        let clean = server_text(&text, &[secret]);
        assert!(!clean.contains("s3c"), "a prefix of the secret survived");
        assert!(clean.chars().count() <= MAX_SERVER_TEXT + 1);
    }

    proptest::proptest! {
        /// Whatever surrounds it, a listed secret never survives, and the
        /// output is bounded and free of control characters.
        #[test]
        fn a_listed_secret_never_survives(
            before in "\\PC{0,80}",
            after in "\\PC{0,80}",
            secret in "[!-~]{8,40}",
        ) {
            let clean = server_text(&format!("{before}{secret}{after}"), &[&secret]);
            proptest::prop_assert!(!clean.contains(&secret), "{}", clean);
            proptest::prop_assert!(clean.chars().count() <= MAX_SERVER_TEXT + 1);
            proptest::prop_assert!(!clean.chars().any(char::is_control));
        }

        #[test]
        fn any_text_is_cleaned_without_panicking(text in proptest::collection::vec(proptest::char::any(), 0..600)) {
            let text: String = text.into_iter().collect();
            let clean = server_text(&text, &["x"]);
            proptest::prop_assert!(!clean.chars().any(char::is_control));
        }
    }
}
