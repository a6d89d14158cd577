//! Open enums: any value Adobe adds later decodes instead of failing the
//! whole response.

use adobe_firefly::types::{ContentClass, JobStatus, JobStatusResponse};
use proptest::prelude::*;

proptest! {
    /// Any string is a job status: known ones by name, others kept verbatim.
    #[test]
    fn every_status_string_decodes(status in ".{0,24}") {
        let body = serde_json::json!({"jobId": "j", "status": status});
        let decoded: JobStatusResponse = serde_json::from_value(body).unwrap();
        let decoded = decoded.status.unwrap();
        prop_assert!(decoded.as_str() == status.as_str() || (decoded == JobStatus::Canceled && status == "cancelled"));
    }

    /// Any string is a content class: known ones by name, others kept.
    #[test]
    fn every_content_class_string_decodes(class in ".{0,24}") {
        let decoded: ContentClass = serde_json::from_value(serde_json::json!(class)).unwrap();
        prop_assert_eq!(decoded.as_str(), class.as_str());
    }
}
