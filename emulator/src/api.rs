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
    /// The Audio/Video API (`https://audio-video-api.adobe.io`), served
    /// under `/audio-video`.
    AudioVideo,
    /// The InDesign API (`https://indesign.adobe.io`), served under
    /// `/indesign`.
    InDesign,
    /// The Substance 3D API (`https://s3d.adobe.io`), served under
    /// `/substance3d`.
    Substance3d,
}

impl Api {
    /// Every API the emulator serves, in the order their routes are built.
    pub(crate) const ALL: [Api; 5] = [
        Api::Firefly,
        Api::Photoshop,
        Api::AudioVideo,
        Api::InDesign,
        Api::Substance3d,
    ];

    /// Where the API's routes are mounted on the emulator's origin: at the
    /// root for Firefly and Photoshop (their paths do not meet), under a
    /// folder of their own for the others, whose paths would meet Firefly's
    /// (InDesign's `/v3/status/{id}` is Firefly's `/v3/status/{jobId}`).
    pub(crate) fn prefix(self) -> &'static str {
        match self {
            Api::Firefly | Api::Photoshop => "",
            Api::AudioVideo => "/audio-video",
            Api::InDesign => "/indesign",
            Api::Substance3d => "/substance3d",
        }
    }

    /// Where the workspace keeps this API's imported spec, for messages
    /// that send a reader to it.
    pub(crate) fn spec_path(self) -> &'static str {
        match self {
            Api::Firefly => "openapi/firefly/firefly.yaml",
            Api::Photoshop => "openapi/photoshop/photoshop.yaml",
            Api::AudioVideo => "openapi/audio-video/audio-video.yaml",
            Api::InDesign => "openapi/indesign/indesign.yaml",
            Api::Substance3d => "openapi/substance3d/substance3d.yaml",
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
