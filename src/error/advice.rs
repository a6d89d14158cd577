//! The advice an error's `Display` adds after what happened: what to do
//! about it.

/// `; 3 attempts` after a download that was tried more than once.
pub(super) fn attempts_made(attempts: u32) -> String {
    if attempts > 1 {
        format!("; {attempts} attempts")
    } else {
        String::new()
    }
}

/// What a job's end means for the user, after Adobe's own words.
pub(super) fn job_end_advice(status: &crate::wire::JobStatus) -> &'static str {
    match status {
        crate::wire::JobStatus::Timeout => {
            " (Firefly timed out on its side, not the wait here; submitting the job again may \
             succeed)"
        }
        _ => "",
    }
}

pub(super) fn storage_advice(status: u16) -> &'static str {
    match status {
        401 | 403 | 404 => {
            "pre-signed output URLs expire about an hour after the job finished; read the job \
             status again for fresh URLs"
        }
        408 | 429 | 500..=599 => "the storage host had a problem; try the download again",
        _ => "the URL is not a downloadable output; read the job status again for its URLs",
    }
}
