//! The APIs whose specs are imported, and where each one's files are: the
//! imported spec and our overlay under `openapi/<api>/`, Adobe's files in
//! the shared reference folder beside the repository.

use std::fmt;

/// Every Firefly Services API with a published spec, by its folder name.
pub const APIS: &[&str] = &[
    "firefly",
    "photoshop",
    "audio-video",
    "indesign",
    "substance3d",
];

/// One API, by the name of its folders.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Api(&'static str);

impl Api {
    /// Firefly, whose spec every test of the importer uses.
    #[cfg(test)]
    pub const FIREFLY: Api = Api("firefly");

    /// Photoshop, whose committed spec the tests also check.
    #[cfg(test)]
    pub const PHOTOSHOP: Api = Api("photoshop");

    /// InDesign, Audio/Video and Substance 3D, whose committed specs the
    /// tests also check.
    #[cfg(test)]
    pub const INDESIGN: Api = Api("indesign");
    #[cfg(test)]
    pub const AUDIO_VIDEO: Api = Api("audio-video");
    #[cfg(test)]
    pub const SUBSTANCE3D: Api = Api("substance3d");

    /// The API called `name`; the error lists the names there are.
    pub fn named(name: &str) -> Result<Api, String> {
        APIS.iter()
            .find(|known| **known == name)
            .map(|known| Api(known))
            .ok_or_else(|| format!("no API called `{name}`; the APIs are {}", APIS.join(", ")))
    }

    /// The imported spec, relative to the repository root.
    pub fn spec_path(self) -> String {
        format!("openapi/{0}/{0}.yaml", self.0)
    }

    /// Our overlay, relative to the repository root.
    pub fn overlay_path(self) -> String {
        format!("openapi/{}/overlay.yaml", self.0)
    }

    /// Where Adobe's files are kept beside a clone, relative to its root.
    pub fn reference_dir(self) -> String {
        format!("../shared/reference/specs/{}", self.0)
    }

    /// The command that writes the spec from Adobe's files.
    pub fn import_command(self) -> String {
        format!(
            "cargo xtask spec import {} {}",
            self.0,
            self.reference_dir()
        )
    }
}

impl fmt::Display for Api {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_give_paths_and_unknown_names_list_the_known_ones() {
        let api = Api::named("photoshop").unwrap();
        assert_eq!(api.spec_path(), "openapi/photoshop/photoshop.yaml");
        assert_eq!(api.overlay_path(), "openapi/photoshop/overlay.yaml");
        assert_eq!(
            api.import_command(),
            "cargo xtask spec import photoshop ../shared/reference/specs/photoshop"
        );
        let err = Api::named("lightroom").unwrap_err();
        assert!(err.contains("firefly, photoshop"), "{err}");
    }
}
