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
        // A relative link is relative to the API, as a browser would read it.
        let absolute = |link: &str| self.api_url.join(link).ok();
        let result = absolute(result)
            .ok_or_else(|| unreadable(operation, "its `result` link is not a URL"))?;
        let job_id = last_segment(&result).ok_or_else(|| {
            unreadable(
                operation,
                "its `result` link does not end in `status/` and a job id (one path \
                 segment without spaces or control characters, not `.` or `..`)",
            )
        })?;
        let made = self.job(job_id)?;
        Ok(JobAccepted {
            status_url: result.to_string(),
            cancel_url: cancel
                .and_then(absolute)
                .map_or(made.cancel_url, |url| url.to_string()),
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
        let made = self.job(job_id).map_err(|_| {
            unreadable(
                operation,
                "its `jobId` cannot be sent back as one path segment (it is `.` or `..`, or \
                 holds `/`, `\\`, spaces or control characters)",
            )
        })?;
        Ok(JobAccepted {
            status_url: answer.status_url.unwrap_or(made.status_url),
            cancel_url: answer.cancel_url.unwrap_or(made.cancel_url),
            job_id: made.job_id,
        })
    }
}

/// The job id in a status link (`.../status/{jobId}`, the last non-empty
/// segment, percent-decoded), when [`Firefly::check_job_id`] takes it: it
/// is printed, and sent back as one path segment.
fn last_segment(url: &Url) -> Option<String> {
    let mut segments = url.path_segments()?.filter(|s| !s.is_empty()).rev();
    let (segment, before) = (segments.next()?, segments.next()?);
    if before != "status" {
        return None;
    }
    let decoded = percent_decode_str(segment).decode_utf8().ok()?;
    Firefly::check_job_id(&decoded).ok()?;
    Some(decoded.into_owned())
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
            ("https://h/v3/status/a%2Fb", None),
            ("https://h/v3/status/a%5Cb", None),
            ("https://h/v3/status/%252e%252e", None),
            ("https://h/v3/status/a%20b", None),
            ("https://h/v3/status/%1B%5B2J", None),
            ("https://h/v3/status/%2e%2e", None),
            ("https://h/", None),
            ("https://h/v3/other/job-1", None),
            ("https://h/v3/status/%FF", None),
        ];
        for (link, expected) in cases {
            let url = Url::parse(link).unwrap();
            assert_eq!(last_segment(&url).as_deref(), expected, "{link}");
        }
    }
}
