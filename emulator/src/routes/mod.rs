//! The HTTP surface: one family of routes per API (`firefly`,
//! `photoshop`, and `audio_video`, `indesign`, `substance3d` each under its
//! own folder), the routes every API shares (`shared`: IMS, the
//! Management API's secrets, downloads), and the 404 for everything else.
//! Handlers are glue: they read a request, ask the store (through [`App`])
//! and write what it says in their API's shapes.

mod app; // the handlers' shared state; admission and JSON bodies
mod audio_video; // the Audio/Video API, under /audio-video
mod firefly; // the Firefly API
mod indesign; // the InDesign API, under /indesign
mod photoshop; // Photoshop API v2
mod shared; // IMS, client secrets, the emulator's storage
mod substance3d; // the Substance 3D API, under /substance3d

pub(crate) use app::App;
pub(crate) use photoshop::storage_client;
use photoshop::{TransferFailure, fetch_input};

use std::sync::Arc;

use axum::{
    Router,
    extract::State,
    handler::Handler,
    response::Response,
    routing::{MethodFilter, on},
};

use crate::api::{Api, Verb};

/// The axum filter of a method.
fn method_filter(verb: Verb) -> MethodFilter {
    match verb {
        Verb::Get => MethodFilter::GET,
        Verb::Post => MethodFilter::POST,
        Verb::Put => MethodFilter::PUT,
        Verb::Delete => MethodFilter::DELETE,
    }
}

/// The routes of one API family, still waiting for the state, with the
/// method and path of each: the router and the list of what it serves are
/// built by the same calls, so they cannot disagree.
pub(super) struct Routes {
    router: Router<Arc<App>>,
    served: Vec<(Verb, String)>,
}

impl Routes {
    fn new() -> Self {
        Self {
            router: Router::new(),
            served: Vec::new(),
        }
    }

    /// Serves `method path` with `handler`.
    fn route<H, T>(mut self, method: Verb, path: &'static str, handler: H) -> Self
    where
        H: Handler<T, Arc<App>>,
        T: 'static,
    {
        self.router = self.router.route(path, on(method_filter(method), handler));
        self.served.push((method, path.to_owned()));
        self
    }

    fn merge(mut self, other: Routes) -> Self {
        self.router = self.router.merge(other.router);
        self.served.extend(other.served);
        self
    }

    /// `other`'s routes under `prefix` (none when it is empty).
    fn nest(mut self, prefix: &'static str, other: Routes) -> Self {
        if prefix.is_empty() {
            return self.merge(other);
        }
        if !other.served.is_empty() {
            self.router = self.router.nest(prefix, other.router);
        }
        self.served.extend(
            other
                .served
                .into_iter()
                .map(|(verb, path)| (verb, format!("{prefix}{path}"))),
        );
        self
    }
}

/// Every route: the shared ones, then each API's family.
fn all() -> Routes {
    Api::ALL.into_iter().fold(shared::routes(), |routes, api| {
        routes.nest(api.prefix(), family(api))
    })
}

/// The routes of `api`.
fn family(api: Api) -> Routes {
    match api {
        Api::Firefly => firefly::routes(),
        Api::Photoshop => photoshop::routes(),
        Api::AudioVideo => audio_video::routes(),
        Api::InDesign => indesign::routes(),
        Api::Substance3d => substance3d::routes(),
    }
}

/// Every route the emulator serves.
pub(crate) fn router(app: Arc<App>) -> Router {
    all().router.fallback(not_found).with_state(app)
}

/// The method and path template of every route, in registration order,
/// with its API's prefix.
pub(crate) fn served() -> Vec<(Verb, String)> {
    all().served
}

/// The operations of `api` whose requests are checked against its spec
/// (method and path): Firefly's generation operations (bodies and
/// `x-model-version` headers), Photoshop's six job operations.
pub(crate) fn validated_operations(api: Api) -> Vec<(Verb, &'static str)> {
    match api {
        Api::Firefly => firefly::validated_operations(),
        Api::Photoshop => photoshop::validated_operations(),
        Api::AudioVideo => audio_video::validated_operations(),
        Api::InDesign => indesign::validated_operations(),
        Api::Substance3d => substance3d::validated_operations(),
    }
}

async fn not_found(State(app): State<Arc<App>>) -> Response {
    app.error(404, "not_found", "The emulator does not serve this path.")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::validation::SpecValidator;

    #[test]
    fn the_embedded_spec_describes_every_generation_operation() {
        let operations = validated_operations(Api::Firefly);
        assert!(operations.len() >= 11, "{operations:?}");
        SpecValidator::new(Api::Firefly, &operations).unwrap();
    }

    #[test]
    fn photoshops_spec_describes_its_six_operations() {
        let operations = validated_operations(Api::Photoshop);
        assert_eq!(operations.len(), 6, "{operations:?}");
        SpecValidator::new(Api::Photoshop, &operations).unwrap();
    }

    #[test]
    fn only_the_operations_whose_spec_lists_a_451_can_be_refused_for_content() {
        let validator =
            SpecValidator::new(Api::Firefly, &validated_operations(Api::Firefly)).unwrap();
        assert!(validator.documents_status(Verb::Post, "/v4/images/generate-async", 451));
        assert!(!validator.documents_status(Verb::Post, "/v3/images/generate-async", 451));
    }
}
