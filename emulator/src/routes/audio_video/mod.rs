//! The Audio/Video API's family of routes, mounted under its prefix
//! ([`Api::prefix`](crate::api::Api::prefix)).

use super::Routes;
use crate::api::Verb;

/// Every route of The Audio/Video API.
pub(super) fn routes() -> Routes {
    Routes::new()
}

/// The operations whose request bodies are checked against its spec.
pub(super) fn validated_operations() -> Vec<(Verb, &'static str)> {
    Vec::new()
}
