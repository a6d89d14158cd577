//! The Firefly API's family of routes (`https://firefly-api.adobe.io`):
//! generation, synchronous (`sync`) and as jobs (`jobs`), with what they
//! share (`generation`) and the sizes of their inputs (`inputs`); uploads
//! (`storage`, judged by `upload_check`) and custom models (`models`).
//! Every request body is checked against Firefly's own spec.

mod generation; // what the generation endpoints share: checks, sizes, outputs, results
mod inputs; // the sizes of input images, which upscales and composites follow
mod jobs; // job submissions, `/v3/status`, `/v3/cancel`
mod models; // `/v3/custom-models`, paginated
mod storage; // `/v2/storage/image`: uploads
mod sync; // the synchronous image endpoints
mod upload_check; // what an upload must be: its type, its size, its header

use super::Routes;
use crate::api::Verb;

/// The scope a token needs for every Firefly request.
const SCOPE: &str = "firefly_api";

/// Every route of the Firefly API.
pub(super) fn routes() -> Routes {
    Routes::new()
        .merge(jobs::routes())
        .merge(sync::routes())
        .merge(storage::routes())
        .merge(models::routes())
}

/// The operations whose requests are checked against Firefly's spec
/// (method and path): the generation operations' bodies and
/// `x-model-version` headers.
pub(super) fn validated_operations() -> Vec<(Verb, &'static str)> {
    let synchronous = sync::OPERATIONS.iter();
    let with_a_job = jobs::OPERATIONS.iter().map(|job| &job.operation);
    synchronous
        .chain(with_a_job)
        .map(|operation| (generation::METHOD, operation.path))
        .collect()
}
