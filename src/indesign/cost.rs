//! [`EstimateCost`] for the InDesign requests. Adobe's billing page does
//! not name the InDesign operations, so each job counts as one operation
//! and the estimate says so ([`BillingUnit::Jobs`](crate::cost::BillingUnit::Jobs)).

use super::types::{
    ConvertPdfRequest, DocumentInfoRequest, JobRequestWithOutputs, MergeDataRequest,
    MergeDataTagsRequest, RemapLinksRequest, RenditionRequest,
};
use crate::cost::{CostEstimate, EstimateCost};

macro_rules! one_job {
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

one_job!(
    MergeDataRequest,
    MergeDataTagsRequest,
    RemapLinksRequest,
    RenditionRequest,
    DocumentInfoRequest,
    ConvertPdfRequest,
    JobRequestWithOutputs,
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_indesign_job_counts_as_one_operation() {
        let request: RenditionRequest = serde_json::from_value(serde_json::json!({
            "assets": [{"source": {"url": "https://s/doc.indd"}, "destination": "doc.indd"}],
            "params": {"targetDocuments": ["doc.indd"], "outputMediaType": "image/png"}
        }))
        .unwrap();
        assert_eq!(request.estimate_cost(), CostEstimate::jobs(1));
    }
}
