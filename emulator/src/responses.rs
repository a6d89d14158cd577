//! Answers in the shapes Adobe's services send: JSON errors (or HTML pages
//! when that fault is on), 429s with `Retry-After`, 422s with
//! `validation_errors`, and a connection cut in the middle of an answer.
//! Nothing here decides what to answer: the routes do, from the store's
//! verdicts.

use std::time::{Duration, SystemTime};

use axum::{
    body::{Body, Bytes},
    http::{HeaderValue, StatusCode, header},
    response::Response,
};
use serde_json::{Value, json};

use crate::faults::RetryAfter;

/// A 429 with this `Retry-After` and error code (each API has its own:
/// Firefly's `rate_limited`, Photoshop's `unauthorized_rate_limited`); an
/// HTML page if `html`.
pub(crate) fn rate_limited(html: bool, code: &str, retry_after: RetryAfter) -> Response {
    let value = match retry_after {
        RetryAfter::Seconds(seconds) => seconds.to_string(),
        RetryAfter::HttpDate(seconds) => {
            httpdate::fmt_http_date(SystemTime::now() + Duration::from_secs(seconds))
        }
    };
    let mut response = error(
        html,
        429,
        code,
        "Too many requests. Please try again later.",
    );
    if let Ok(value) = HeaderValue::from_str(&value) {
        response.headers_mut().insert(header::RETRY_AFTER, value);
    }
    response
}

/// An error in Adobe's JSON shape, or as an HTML page if `html`.
pub(crate) fn error(html: bool, status: u16, code: &str, message: &str) -> Response {
    if html {
        let page = format!("<html><body><h1>{status}</h1><p>{message}</p></body></html>");
        return respond(status, "text/html", page);
    }
    json_response(status, json!({"error_code": code, "message": message}))
}

/// A 422 listing what is wrong with the request.
pub(crate) fn validation_error(problems: Vec<Value>) -> Response {
    json_response(
        422,
        json!({
            "error_code": "validation_error",
            "message": "The request is not valid.",
            "validation_errors": problems,
        }),
    )
}

/// A 400 for a body that validates but names an input Firefly cannot
/// use, with the field (a path in the body) in the message and in
/// `validation_errors`: the shape of upscale's documented 400
/// (`ValidationErrorResponse`), which the composites' (`error_code` and
/// `message`) also allows.
pub(crate) fn bad_input(field: &[&str], msg: &str) -> Response {
    let mut loc = vec!["body"];
    loc.extend_from_slice(field);
    json_response(
        400,
        json!({
            "error_code": "validation_error",
            "message": format!("{}: {msg}", field.join(".")),
            "validation_errors": [{"loc": loc, "msg": msg, "type": "value_error"}],
        }),
    )
}

/// A JSON answer.
pub(crate) fn json_response(status: u16, body: Value) -> Response {
    respond(status, "application/json", body.to_string())
}

/// An answer with this status, type and body.
pub(crate) fn respond(status: u16, content_type: &'static str, body: String) -> Response {
    let mut response = Response::new(Body::from(body));
    *response.status_mut() =
        StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    response
        .headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    response
}

/// A response whose body fails after the headers: the client sees the
/// connection cut in the middle of the answer.
pub(crate) fn cut_connection() -> Response {
    let body = Body::from_stream(futures::stream::iter([
        Ok(Bytes::from_static(b"{\"jobId\":")),
        Err(std::io::Error::other("connection cut by the emulator")),
    ]));
    let mut response = Response::new(body);
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    response
        .headers_mut()
        .insert(header::CONTENT_LENGTH, HeaderValue::from_static("512"));
    response
}
