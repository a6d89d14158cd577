//! The HTTP surface: one module per API family, each registering its own
//! routes, and the 404 for everything else.

mod generation;
mod ims;
mod jobs;
mod models;
mod secrets;
mod storage;
mod sync;

use std::sync::Arc;

use axum::{Router, extract::State, response::Response};

use crate::state::EmulatorState;

/// The routes of one API family, still waiting for the state.
type Routes = Router<Arc<EmulatorState>>;

/// Every route the emulator serves.
pub(crate) fn router(state: Arc<EmulatorState>) -> Router {
    Router::new()
        .merge(ims::routes())
        .merge(jobs::routes())
        .merge(sync::routes())
        .merge(storage::routes())
        .merge(models::routes())
        .merge(secrets::routes())
        .fallback(not_found)
        .with_state(state)
}

async fn not_found(State(state): State<Arc<EmulatorState>>) -> Response {
    state.error(404, "not_found", "The emulator does not serve this path.")
}
