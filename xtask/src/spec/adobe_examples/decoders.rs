//! What each of Adobe's schemas decodes into: the SDK's public type, read
//! without losing a field, or a check of the parts the SDK keeps.

use adobe_firefly::types;
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::{Value, json};

/// How the examples of one of our schemas are decoded.
#[derive(Clone, Copy)]
pub(super) enum Decoder {
    /// Into the SDK's public type: an error says what did not decode.
    Sdk(fn(Value) -> Result<(), String>),
    /// The schema has no public type: the SDK reads these bodies privately
    /// (accepted jobs become `types::JobAccepted` through the generated
    /// types; error bodies are read field by field, leniently, into
    /// `adobe_firefly::ApiError`). The generated types come from our spec,
    /// so the spec check of step 1 stands in for them.
    SpecOnly,
}

/// A decoder into the public `types::$name`, which has our schema's name.
macro_rules! sdk {
    ($name:ident) => {
        (stringify!($name), Decoder::Sdk(lossless::<types::$name>))
    };
}

/// Our schema name → its decoder. An example of a schema missing here fails
/// the test: a schema Adobe starts giving examples for needs an entry.
pub(super) const DECODERS: &[(&str, Decoder)] = &[
    // Requests the SDK sends.
    sdk!(Image5Request),
    sdk!(Image5Options),
    sdk!(UpscaleRequest),
    sdk!(GenerateVideoRequest),
    sdk!(VideoSize),
    // Answers the SDK reads into public types. `JobResponse` is replaced by
    // the hand-written `JobStatusResponse` (build.rs), and so its
    // `OutputFile` by the hand-written one of the same name.
    ("JobResponse", Decoder::Sdk(job_status)),
    sdk!(OutputFile),
    ("ValidationErrorResponse", Decoder::Sdk(validation_error)),
    ("ContentPolicyError", Decoder::Sdk(content_policy_error)),
    // Answers with no public type.
    ("ApiError", Decoder::SpecOnly),
    ("GenericApiError", Decoder::SpecOnly),
    ("JobLinksAccepted", Decoder::SpecOnly),
    ("UpscaleAccepted", Decoder::SpecOnly),
    ("CompositeJobAccepted", Decoder::SpecOnly),
];

/// Decodes `value` as `T` and fails if encoding it again drops a field.
fn lossless<T: DeserializeOwned + Serialize>(value: Value) -> Result<(), String> {
    let decoded: T = serde_json::from_value(value.clone()).map_err(|e| e.to_string())?;
    let again = serde_json::to_value(&decoded).map_err(|e| e.to_string())?;
    let mut lost = Vec::new();
    compare(&value, &again, "", &mut lost);
    match lost.is_empty() {
        true => Ok(()),
        false => Err(format!("decoded, but lost {}", lost.join(", "))),
    }
}

/// Records in `lost` what of `sent` is not in `kept`. Extra fields in
/// `kept` (defaults) are fine, and so is leaving out a null, `[]` or `{}`;
/// numbers compare by value (`0` and `0.0` are equal).
fn compare(sent: &Value, kept: &Value, at: &str, lost: &mut Vec<String>) {
    match (sent, kept) {
        (Value::Object(sent), Value::Object(kept)) => {
            for (key, value) in sent {
                let here = format!("{at}/{key}");
                match kept.get(key) {
                    Some(kept) => compare(value, kept, &here, lost),
                    None if value.is_null() || value == &json!([]) || value == &json!({}) => {}
                    None => lost.push(format!("`{here}`")),
                }
            }
        }
        (Value::Array(sent), Value::Array(kept)) if sent.len() == kept.len() => {
            for (i, (sent, kept)) in sent.iter().zip(kept).enumerate() {
                compare(sent, kept, &format!("{at}/{i}"), lost);
            }
        }
        (Value::Number(a), Value::Number(b)) if a.as_f64() == b.as_f64() => {}
        _ if sent == kept => {}
        _ => lost.push(format!("`{at}` ({sent} became {kept})")),
    }
}

/// A status body: the lenient type reads anything, so also check that it
/// read what a waiter needs: a known status and, once succeeded, a URL for
/// every output.
fn job_status(value: Value) -> Result<(), String> {
    lossless::<types::JobStatusResponse>(value.clone())?;
    let status: types::JobStatusResponse =
        serde_json::from_value(value).map_err(|e| e.to_string())?;
    match &status.status {
        None => Err("no status".into()),
        Some(types::JobStatus::Unknown(other)) => Err(format!("unknown status `{other}`")),
        Some(types::JobStatus::Succeeded) => {
            let outputs = status.result.map(|r| r.outputs).unwrap_or_default();
            match outputs.iter().position(|output| output.url().is_none()) {
                _ if outputs.is_empty() => Err("succeeded with no outputs".into()),
                Some(i) => Err(format!("output {i} has no URL")),
                None => Ok(()),
            }
        }
        Some(_) => Ok(()),
    }
}

/// A 422 body: the SDK reads each of its `validation_errors` into
/// `types::ValidationErrorDetail`.
fn validation_error(value: Value) -> Result<(), String> {
    let details = value["validation_errors"].as_array().cloned();
    for (i, detail) in details.into_iter().flatten().enumerate() {
        lossless::<types::ValidationErrorDetail>(detail)
            .map_err(|e| format!("validation_errors/{i}: {e}"))?;
    }
    Ok(())
}

/// A 451 body: the SDK explains its `error_code` as a
/// `types::ContentPolicyErrorCode`, which must know every code Adobe shows.
fn content_policy_error(value: Value) -> Result<(), String> {
    let code: types::ContentPolicyErrorCode =
        serde_json::from_value(value["error_code"].clone()).map_err(|e| e.to_string())?;
    match code {
        types::ContentPolicyErrorCode::Unknown(code) => Err(format!(
            "error_code `{code}` is not one `types::ContentPolicyErrorCode` knows"
        )),
        _ => Ok(()),
    }
}
