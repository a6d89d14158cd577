//! The words the emulator's layers share: which API of Firefly Services a
//! route belongs to, and the HTTP methods routes are served with. It
//! imports nothing of the crate, so the store, the validation and the
//! routes can all use it without importing each other.

/// An API of Firefly Services the emulator imitates: each has its own
/// spec, its own validator built from that spec, and its own family of
/// routes (`routes/<api>/`).
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub(crate) enum Api {
    /// The Firefly API (`https://firefly-api.adobe.io`), with the IMS and
    /// I/O Management operations its spec's overlay adds.
    Firefly,
    /// Photoshop API v2 (`https://photoshop-api.adobe.io`): six job
    /// operations and the status of their jobs.
    Photoshop,
}

impl Api {
    /// Every API the emulator serves, in the order their routes are built.
    pub(crate) const ALL: [Api; 2] = [Api::Firefly, Api::Photoshop];

    /// Where the workspace keeps this API's imported spec, for messages
    /// that send a reader to it.
    pub(crate) fn spec_path(self) -> &'static str {
        match self {
            Api::Firefly => "openapi/firefly/firefly.yaml",
            Api::Photoshop => "openapi/photoshop/photoshop.yaml",
        }
    }
}

/// An HTTP method the emulator serves.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub(crate) enum Verb {
    Get,
    Post,
    Put,
    Delete,
}

impl Verb {
    /// The method as HTTP (and the request log) spells it.
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Verb::Get => "GET",
            Verb::Post => "POST",
            Verb::Put => "PUT",
            Verb::Delete => "DELETE",
        }
    }
}
