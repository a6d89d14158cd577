//! What an Audio/Video job is estimated to cost. Adobe's "automation
//! operation definition" does not name the Audio/Video operations, so each
//! job counts as 1 operation ([`BillingUnit::Jobs`](crate::cost::BillingUnit::Jobs)),
//! as Photoshop's do; the estimate says so.

use super::types::{DubRequest, ReframeRequest, SpeechRequest, TranscribeRequest};
use crate::{EstimateCost, cost::CostEstimate};

/// One job, 1 operation.
macro_rules! per_job {
    ($($request:ty),+ $(,)?) => {
        $(
            impl EstimateCost for $request {
                fn estimate_cost(&self) -> CostEstimate {
                    CostEstimate::jobs(1)
                }
            }
        )+
    };
}

per_job!(SpeechRequest, ReframeRequest, TranscribeRequest, DubRequest);

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cost::BillingUnit;

    #[test]
    fn an_audio_video_job_counts_as_one_operation() {
        let dub: DubRequest = serde_json::from_value(serde_json::json!({
            "video": {"source": {"url": "https://in/v.mp4"}, "mediaType": "video/mp4"},
            "targetLocaleCodes": ["fr-FR", "de-DE"],
        }))
        .unwrap();
        let estimate = dub.estimate_cost();
        assert_eq!(estimate.operations, 1.0);
        assert_eq!(estimate.unit, BillingUnit::Jobs(1));
    }
}
