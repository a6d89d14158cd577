//! The one job handle, from each shape Firefly answers a submission with:
//! `{jobId, statusUrl, cancelUrl}` (v3), `{links: {result, cancel}}` (Image
//! Model 5, upscale), or the composites' `{jobId, statusUrl?, cancelUrl?}`.

use percent_encoding::percent_decode_str;
use url::Url;

use crate::{Error, Firefly, generated::firefly::types::CompositeJobAccepted, types::JobAccepted};

impl Firefly {
    /// The handle of a job answered with links. The job id is the last path
    /// segment of the `result` link (`.../v3/status/{jobId}`), which is
    /// where its status is read; a missing `cancel` link is made from the
    /// id, as [`Firefly::job`] does.
    pub(super) fn accepted_from_links(
        &self,
        operation: &'static str,
        result: Option<&str>,
        cancel: Option<&str>,
    ) -> Result<JobAccepted, Error> {
        let result = result.ok_or_else(|| unreadable(operation, "it has no `result` link"))?;
        let job_id = last_segment(result).ok_or_else(|| {
            unreadable(
                operation,
                "its `result` link is not a URL ending in a job id",
            )
        })?;
        let made = self.job(job_id);
        Ok(JobAccepted {
            status_url: result.to_owned(),
            cancel_url: cancel.map_or(made.cancel_url, str::to_owned),
            job_id: made.job_id,
        })
    }

    /// The handle of a composite job: the id is required, the URLs are made
    /// from it when Firefly leaves them out.
    pub(super) fn accepted_composite(
        &self,
        operation: &'static str,
        answer: CompositeJobAccepted,
    ) -> Result<JobAccepted, Error> {
        let job_id = answer
            .job_id
            .filter(|id| !id.trim().is_empty())
            .ok_or_else(|| unreadable(operation, "it has no `jobId`"))?;
        let made = self.job(job_id);
        Ok(JobAccepted {
            status_url: answer.status_url.unwrap_or(made.status_url),
            cancel_url: answer.cancel_url.unwrap_or(made.cancel_url),
            job_id: made.job_id,
        })
    }
}

/// The last non-empty path segment of a URL, percent-decoded.
fn last_segment(link: &str) -> Option<String> {
    let url = Url::parse(link).ok()?;
    let segment = url.path_segments()?.rev().find(|s| !s.is_empty())?;
    let decoded = percent_decode_str(segment).decode_utf8().ok()?;
    (!decoded.trim().is_empty()).then(|| decoded.into_owned())
}

fn unreadable(operation: &'static str, why: &str) -> Error {
    Error::Decode {
        operation,
        status: None,
        detail: format!("the job was accepted but {why}"),
        request_id: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_job_id_is_the_last_segment_of_the_result_link() {
        let cases = [
            (
                "https://firefly-api.adobe.io/v3/status/job-abc123",
                Some("job-abc123"),
            ),
            (
                "https://firefly-api.adobe.io/v3/status/urn:ff:jobs:x:1/",
                Some("urn:ff:jobs:x:1"),
            ),
            ("https://h/v3/status/a%2Fb%20c", Some("a/b c")),
            ("https://h/", None),
            ("not a url", None),
            ("https://h/v3/status/%FF", None),
        ];
        for (link, expected) in cases {
            assert_eq!(last_segment(link).as_deref(), expected, "{link}");
        }
    }
}
