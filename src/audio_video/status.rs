//! The SDK's reading of an Audio/Video job's status.
//!
//! Adobe's spec gives the status as a `oneOf` of three shapes (in
//! progress, succeeded, failed) whose fields are all optional, so decoding
//! by trial takes every body for the first shape. It is read into one
//! lenient object instead, every field of every shape and none required,
//! and the `status` decides which fields mean something. `build.rs` makes
//! the generated status call answer with this type.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::wire::JobStatus;

/// The state of an Audio/Video job, as `GET /v1/status/{jobId}` reports
/// it: `pending`, `running`, `succeeded` (with [`output`](Self::output)
/// for speech and reframe jobs, [`outputs`](Self::outputs) for dub and
/// transcribe jobs) or `failed` (with [`error_code`](Self::error_code) and
/// [`message`](Self::message)).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[non_exhaustive]
pub struct AudioVideoStatus {
    /// The job's id.
    #[serde(rename = "jobId", default, skip_serializing_if = "Option::is_none")]
    pub job_id: Option<String>,
    /// Where the job is; `None` when the body names no status. A state
    /// Adobe adds later is kept as it is.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<JobStatus>,
    /// The output of a speech or reframe job that succeeded.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub output: Option<OutputLink>,
    /// What a dub or transcribe job produced, as Adobe sends it: one entry
    /// per output (a language's dubbed audio or video, a transcript and
    /// its captions), each with the URL it was written to, or an `error`
    /// for an output that failed. [`output_urls`](Self::output_urls) finds
    /// every URL in it.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub outputs: Vec<Value>,
    /// What went wrong, when the job failed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error_code: Option<String>,
    /// A human-readable explanation, when the job failed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
}

/// Where an output is.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[non_exhaustive]
pub struct OutputLink {
    /// A URL to download the output from, without credentials.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
}

/// The deepest an output entry is searched for URLs: Adobe's entries nest
/// a few levels (a dub's `videoOutput.destination.url`, a transcript's
/// `captions[].destination.url`); a hostile body nested deeper is not
/// walked.
const MAX_DEPTH: usize = 8;

impl AudioVideoStatus {
    /// Every URL the job's outputs can be downloaded from: `output.url`,
    /// then each `url` of the `outputs` entries, entry by entry (within an
    /// entry, by field name), each once. Pre-signed:
    /// download them without credentials
    /// ([`Firefly::download_to_file`](crate::Firefly::download_to_file)).
    pub fn output_urls(&self) -> Vec<&str> {
        let mut urls: Vec<&str> = self
            .output
            .iter()
            .filter_map(|output| output.url.as_deref())
            .collect();
        for entry in &self.outputs {
            collect_urls(entry, 0, &mut urls);
        }
        // A reframe's `output.url` is also the first of its `outputs`.
        let mut seen = std::collections::HashSet::new();
        urls.retain(|url| seen.insert(*url));
        urls
    }

    /// The `error`s of outputs that failed while the job as a whole
    /// succeeded (a dub into one language of several), as Adobe sent each.
    pub fn failed_outputs(&self) -> Vec<&Value> {
        self.outputs
            .iter()
            .filter_map(|entry| entry.get("error"))
            .collect()
    }
}

fn collect_urls<'a>(value: &'a Value, depth: usize, urls: &mut Vec<&'a str>) {
    if depth > MAX_DEPTH {
        return;
    }
    match value {
        Value::Object(map) => {
            for (key, child) in map {
                match (key.as_str(), child) {
                    ("url", Value::String(url)) => urls.push(url),
                    // An output that failed has no URL to collect.
                    ("error", _) => {}
                    _ => collect_urls(child, depth + 1, urls),
                }
            }
        }
        Value::Array(items) => items
            .iter()
            .for_each(|item| collect_urls(item, depth + 1, urls)),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn read(body: Value) -> AudioVideoStatus {
        serde_json::from_value(body).unwrap()
    }

    #[test]
    fn every_shape_decodes_and_the_status_decides() {
        let running = read(json!({"jobId": "j", "status": "running"}));
        assert_eq!(running.status, Some(JobStatus::Running));
        assert!(running.output_urls().is_empty());
        let speech = read(json!({"jobId": "j", "status": "succeeded",
            "output": {"url": "https://out/speech.wav"}}));
        assert_eq!(speech.output_urls(), ["https://out/speech.wav"]);
        let failed = read(json!({"jobId": "j", "status": "failed",
            "error_code": "runtime_error", "message": "Run time error in tts"}));
        assert_eq!(failed.error_code.as_deref(), Some("runtime_error"));
        let unknown = read(json!({"status": "paused"}));
        assert_eq!(
            unknown.status.map(|s| s.to_string()).as_deref(),
            Some("paused")
        );
    }

    #[test]
    fn dub_and_transcript_outputs_give_every_url_but_not_the_failed_ones() {
        let dub = read(json!({"jobId": "j", "status": "succeeded", "outputs": [
            {"localeCode": "fr-FR", "videoOutput": {"mediaType": "video/mp4",
                "destination": {"url": "https://out/fr.mp4"}}},
            {"localeCode": "de-DE", "error": {"error_code": "runtime_error",
                "message": "lip sync failed", "url": "https://not/an/output"}},
            {"localeCode": "en-US", "destination": {"url": "https://out/en.json"},
             "captions": [{"format": "SRT", "destination": {"url": "https://out/en.srt"}}]},
        ]}));
        assert_eq!(
            dub.output_urls(),
            [
                "https://out/fr.mp4",
                "https://out/en.srt",
                "https://out/en.json"
            ]
        );
        assert_eq!(dub.failed_outputs().len(), 1);
    }

    #[test]
    fn a_deeply_nested_body_is_not_walked_to_the_bottom() {
        let mut deep = json!({"url": "https://too/deep"});
        for _ in 0..100 {
            deep = json!({"next": deep});
        }
        let status = read(json!({"status": "succeeded", "outputs": [deep]}));
        assert!(status.output_urls().is_empty());
    }
}
