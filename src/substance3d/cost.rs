//! What a Substance 3D request is expected to cost. Adobe's operation
//! definition does not name the Substance 3D operations: a job counts as
//! 1 operation, except a composite, whose images Firefly generates (1
//! operation per variation, as for Firefly's own images).

use super::types::{
    AssembleRequest, ComposeRequest, ConvertRequest, DescribeRequest, RenderBasicRequest,
    RenderRequest,
};
use crate::cost::{CostEstimate, EstimateCost};

/// Substance 3D's unit is not published: one job, 1 operation.
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

per_job!(
    AssembleRequest,
    ConvertRequest,
    DescribeRequest,
    RenderBasicRequest,
    RenderRequest,
);

/// A composite generates `numVariations` backgrounds (1 when absent).
impl EstimateCost for ComposeRequest {
    fn estimate_cost(&self) -> CostEstimate {
        let variations = self
            .num_variations
            .map_or(1, |n| u32::try_from(n.clamp(1, 4)).unwrap_or(1));
        CostEstimate::images(variations)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_composite_costs_one_operation_per_variation_and_a_render_one() {
        let compose: ComposeRequest = serde_json::from_value(serde_json::json!({
            "sources": [{"space": {"id": "s"}}], "prompt": "a beach", "heroAsset": "chair",
            "numVariations": 3
        }))
        .unwrap();
        assert_eq!(compose.estimate_cost().operations, 3.0);
        let render: RenderBasicRequest = serde_json::from_value(serde_json::json!({
            "sources": [{"space": {"id": "s"}}], "scene": {"modelFile": "chair.glb"}
        }))
        .unwrap();
        assert_eq!(render.estimate_cost().operations, 1.0);
    }
}
