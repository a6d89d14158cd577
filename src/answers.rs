//! Reading what a server answered: its headers, its body up to a cap, and
//! Adobe's error bodies (each API's shape) into an [`ApiError`]. Shared by
//! the transport, decoding, downloads and IMS; it depends on none of them.

use reqwest::{Response, header::HeaderMap};

use crate::{Api, error::ApiError};

/// The header Adobe puts its request id in.
pub(crate) const REQUEST_ID: &str = "x-request-id";
/// Error bodies (Firefly's and the storage host's) are read up to this
/// size; the rest is not needed to explain the error, so the connection is
/// closed rather than drained.
pub(crate) const MAX_ERROR_BODY: usize = 64 * 1024;

pub(crate) fn header(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned)
}

/// Reads whatever Firefly or Adobe's gateway said about an error: Adobe's
/// `{error_code, message, validation_errors}`, FastAPI's `{detail}`, the
/// custom-models `{reason, message}`, or any other body as an excerpt. Each
/// field is read on its own, so one odd field does not hide the others.
pub(crate) fn api_error(
    api: Api,
    operation: &'static str,
    status: u16,
    headers: &HeaderMap,
    body: &[u8],
) -> ApiError {
    api_error_hiding(api, operation, status, headers, body, &[])
}

/// [`api_error`], also scrubbing each of `secrets` from what the server
/// wrote.
pub(crate) fn api_error_hiding(
    api: Api,
    operation: &'static str,
    status: u16,
    headers: &HeaderMap,
    body: &[u8],
    secrets: &[&str],
) -> ApiError {
    // Everything here ends up in messages, logs and terminals: each text is
    // cleaned of control characters and anything credential-like.
    let clean = |text: &str| crate::redact::server_text(text, secrets);
    let mut error = ApiError {
        api: api.name(),
        operation,
        status,
        error_code: None,
        message: None,
        validation_errors: Vec::new(),
        request_id: header(headers, REQUEST_ID).map(|id| clean(&id)),
        retry_after: crate::retry::retry_after(headers),
        access_error: header(headers, "x-access-error").map(|e| clean(&e)),
        body_excerpt: None,
        retry_safe: false,
    };
    match serde_json::from_slice::<serde_json::Value>(body) {
        Ok(serde_json::Value::Object(fields)) => {
            let text = |name: &str| fields.get(name).and_then(|v| v.as_str()).map(clean);
            error.error_code = match fields.get("error_code") {
                Some(serde_json::Value::String(code)) => Some(clean(code)),
                Some(serde_json::Value::Number(code)) => Some(code.to_string()),
                _ => None,
            };
            error.message = text("message")
                .or_else(|| text("reason"))
                .or_else(|| text("detail"));
            let details = fields
                .get("validation_errors")
                .or_else(|| fields.get("detail"))
                .and_then(|v| v.as_array());
            error.validation_errors = details
                .into_iter()
                .flatten()
                .filter_map(validation_detail)
                .collect();
            // Photoshop lists its problems as `errors: [{error_code,
            // message}]`: kept as details with the code as their type.
            let listed = fields.get("errors").and_then(|v| v.as_array());
            for item in listed.into_iter().flatten() {
                let text = |name: &str| item.get(name).and_then(|v| v.as_str()).map(clean);
                if let Some(msg) = text("message") {
                    error
                        .validation_errors
                        .push(crate::wire::ValidationErrorDetail {
                            msg: Some(msg),
                            type_: text("error_code"),
                            ..Default::default()
                        });
                }
            }
        }
        _ if body.is_empty() => {}
        _ => {
            let text = clean(&String::from_utf8_lossy(body));
            error.body_excerpt = Some(text.trim().chars().take(200).collect());
        }
    }
    error
}

/// One entry of `validation_errors` (or FastAPI's `detail`), read leniently:
/// a missing `msg` or `type` does not drop the field location.
fn validation_detail(item: &serde_json::Value) -> Option<crate::wire::ValidationErrorDetail> {
    if let Ok(detail) = serde_json::from_value(item.clone()) {
        return Some(detail);
    }
    let fields = item.as_object()?;
    let mut filled = serde_json::Map::new();
    filled.insert(
        "loc".into(),
        fields
            .get("loc")
            .filter(|loc| loc.is_array())
            .cloned()
            .unwrap_or_else(|| serde_json::json!([])),
    );
    for key in ["msg", "type"] {
        let text = fields.get(key).and_then(|v| v.as_str()).unwrap_or_default();
        filled.insert(key.into(), text.into());
    }
    serde_json::from_value(serde_json::Value::Object(filled)).ok()
}

/// A body read up to a cap.
pub(crate) struct Capped {
    /// At most the cap's worth of bytes.
    pub(crate) body: Vec<u8>,
    /// Whether the body went on past the cap.
    pub(crate) cut: bool,
}

/// Reads at most `cap` bytes of the body. A longer body is not read further:
/// the response is dropped unfinished, which makes the HTTP client close the
/// connection instead of draining a body of any size into the pool.
pub(crate) async fn read_capped(mut response: Response, cap: usize) -> reqwest::Result<Capped> {
    // A server's length never sizes the buffer beyond the cap.
    let announced = response.content_length().unwrap_or(0);
    let mut body = Vec::with_capacity(usize::try_from(announced).unwrap_or(cap).min(cap));
    while let Some(chunk) = response.chunk().await? {
        let room = cap - body.len();
        if chunk.len() > room {
            body.extend_from_slice(&chunk[..room]);
            return Ok(Capped { body, cut: true });
        }
        body.extend_from_slice(&chunk);
    }
    Ok(Capped { body, cut: false })
}

#[cfg(test)]
mod tests {
    use super::*;

    proptest::proptest! {
        #[test]
        fn any_error_body_is_read_without_panicking(body in proptest::collection::vec(proptest::num::u8::ANY, 0..512), status in 400u16..600) {
            let error = api_error(Api::Firefly, "op", status, &HeaderMap::new(), &body);
            proptest::prop_assert_eq!(error.status, status);
            let _ = error.to_string();
        }

        #[test]
        fn any_json_error_body_keeps_its_error_code(value in crate::test_support::any_json(), code in "[a-z_0-9]{1,20}") {
            let mut body = match value {
                serde_json::Value::Object(map) => map,
                other => [("other".to_owned(), other)].into_iter().collect(),
            };
            body.insert("error_code".into(), serde_json::Value::from(code.clone()));
            let bytes = serde_json::to_vec(&body).unwrap();
            let error = api_error(Api::Firefly, "op", 422, &HeaderMap::new(), &bytes);
            proptest::prop_assert_eq!(error.error_code.as_deref(), Some(code.as_str()));
        }
    }

    #[test]
    fn photoshops_list_of_errors_is_kept() {
        let body = br#"{"error_code":"validation_error","message":"m","errors":[{"error_code":"400401","message":"The value of outputs.0.href is not a valid URL."}]}"#;
        let error = api_error(Api::Photoshop, "edit", 400, &HeaderMap::new(), body);
        assert_eq!(error.validation_errors.len(), 1);
        let detail = &error.validation_errors[0];
        assert_eq!(detail.type_.as_deref(), Some("400401"));
        assert!(
            error
                .to_string()
                .contains("outputs.0.href is not a valid URL")
        );
    }

    #[test]
    fn an_odd_field_does_not_hide_the_error_code() {
        let body =
            br#"{"error_code":"validation_error","message":"m","validation_errors":"not a list"}"#;
        let error = api_error(Api::Firefly, "op", 422, &HeaderMap::new(), body);
        assert_eq!(error.error_code.as_deref(), Some("validation_error"));
        assert_eq!(error.message.as_deref(), Some("m"));
        let numeric = api_error(
            Api::Firefly,
            "op",
            400,
            &HeaderMap::new(),
            br#"{"error_code":10075}"#,
        );
        assert_eq!(numeric.error_code.as_deref(), Some("10075"));
        let fastapi = api_error(
            Api::Firefly,
            "op",
            422,
            &HeaderMap::new(),
            br#"{"detail":[{"loc":["path","jobId"],"msg":"bad"}]}"#,
        );
        assert_eq!(fastapi.validation_errors.len(), 1);
    }
}
