//! `spec check`: is the committed `openapi/<api>/<api>.yaml` what a fresh import
//! writes? When not, say where: the first differing lines, and the first
//! differing places in the document as JSON paths.

use std::fs;
use std::path::Path;

use serde_json::Value;

use super::{Api, diff, import};

/// Fails with a readable report when the committed document is stale.
pub fn check(root: &Path, api: Api, dir: &Path) -> Result<(), String> {
    let fresh = import(root, api, dir)?.yaml;
    let path = root.join(api.spec_path());
    let committed =
        fs::read_to_string(&path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    compare(api, &committed, &fresh)
}

/// Compares the committed text with a fresh import.
pub fn compare(api: Api, committed: &str, fresh: &str) -> Result<(), String> {
    if committed == fresh {
        return Ok(());
    }
    let mut report = format!(
        "{} is not what `{}` writes now; rerun it (and review the diff).",
        api.spec_path(),
        api.import_command()
    );
    let (old, new): (Vec<&str>, Vec<&str>) = (committed.lines().collect(), fresh.lines().collect());
    if let Some(first) = (0..old.len().max(new.len())).find(|&i| old.get(i) != new.get(i)) {
        report.push_str(&format!(
            "\nFirst differing lines, from line {}:",
            first + 1
        ));
        for i in first..(first + 3).min(old.len().max(new.len())) {
            let show =
                |line: Option<&&str>| line.map_or("(end of file)".to_string(), |l| l.to_string());
            report.push_str(&format!(
                "\n  committed: {}\n  imported:  {}",
                show(old.get(i)),
                show(new.get(i))
            ));
        }
    }
    let parse = |text: &str| serde_norway::from_str::<Value>(text);
    match (parse(committed), parse(fresh)) {
        (Ok(a), Ok(b)) => {
            let places = diff::differences(&a, &b, 10);
            if places.is_empty() {
                report.push_str("\nThe documents are equal; only the header (the inputs' SHA-256) or the formatting differs.");
            } else {
                report.push_str("\nFirst differing places (committed <> imported):");
                for place in places {
                    report.push_str(&format!("\n  {place}"));
                }
            }
        }
        (Err(e), _) => report.push_str(&format!("\nThe committed file is not YAML: {e}")),
        (_, Err(e)) => report.push_str(&format!("\nThe import is not YAML: {e}")),
    }
    Err(report)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;

    #[test]
    fn compare_names_lines_and_paths() {
        let a = "# h1\nx:\n  maxLength: 1024\n";
        let b = "# h2\nx:\n  maxLength: 1000\n";
        let err = compare(Api::FIREFLY, a, b).unwrap_err();
        assert!(err.contains("from line 1"), "{err}");
        assert!(err.contains("$.x.maxLength: 1024 <> 1000"), "{err}");
        assert!(
            compare(Api::FIREFLY, "# h1\nx: 1\n", "# h2\nx: 1\n")
                .unwrap_err()
                .contains("only the header")
        );
        compare(Api::FIREFLY, a, a).unwrap();
    }

    fn repo_root() -> PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .parent()
            .unwrap()
            .to_path_buf()
    }

    /// Adobe's files for `api` live outside the repository (or where
    /// `<API>_ADOBE_SPECS` says, such as `FIREFLY_ADOBE_SPECS`); tests that
    /// need them are skipped (with a message) where they are absent.
    fn adobe_dir(api: Api) -> Option<PathBuf> {
        let variable = format!(
            "{}_ADOBE_SPECS",
            api.to_string().to_uppercase().replace('-', "_")
        );
        let dir = std::env::var_os(&variable)
            .map(PathBuf::from)
            .unwrap_or_else(|| repo_root().join(api.reference_dir()));
        if dir.is_dir() {
            Some(dir)
        } else {
            eprintln!(
                "skipped: no Adobe files at {} (set {variable})",
                dir.display()
            );
            None
        }
    }

    #[test]
    fn the_committed_document_is_current() {
        let Some(dir) = adobe_dir(Api::FIREFLY) else {
            return;
        };
        check(&repo_root(), Api::FIREFLY, &dir).unwrap();
    }

    #[test]
    fn the_committed_photoshop_document_is_current() {
        let Some(dir) = adobe_dir(Api::PHOTOSHOP) else {
            return;
        };
        check(&repo_root(), Api::PHOTOSHOP, &dir).unwrap();
    }

    #[test]
    fn the_committed_indesign_audio_video_and_substance3d_documents_are_current() {
        for api in [Api::INDESIGN, Api::AUDIO_VIDEO, Api::SUBSTANCE3D] {
            let Some(dir) = adobe_dir(api) else {
                continue;
            };
            check(&repo_root(), api, &dir).unwrap_or_else(|e| panic!("{api}: {e}"));
        }
    }

    /// The check's error for `api` on a copy of Adobe's files in which
    /// `edit` changed `file`.
    fn check_error_after(
        api: Api,
        dir: &Path,
        file: &str,
        edit: impl FnOnce(&mut Value),
    ) -> String {
        let copy = tempfile::tempdir().unwrap();
        for entry in fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            fs::copy(&path, copy.path().join(path.file_name().unwrap())).unwrap();
        }
        let file = copy.path().join(file);
        let mut doc: Value = serde_json::from_str(&fs::read_to_string(&file).unwrap()).unwrap();
        edit(&mut doc);
        fs::write(&file, serde_json::to_string_pretty(&doc).unwrap()).unwrap();
        check(&repo_root(), api, copy.path()).unwrap_err()
    }

    #[test]
    fn a_changed_enum_in_adobes_file_fails_the_check_naming_the_path() {
        let Some(dir) = adobe_dir(Api::FIREFLY) else {
            return;
        };
        let err = check_error_after(Api::FIREFLY, &dir, "firefly-api.json", |doc| {
            let values = doc
                .pointer_mut("/components/schemas/AspectRatio/enum")
                .and_then(Value::as_array_mut)
                .expect("Image Model 5's aspect ratios are an enum");
            assert_eq!(values.pop(), Some(Value::from("auto")));
        });
        assert!(
            err.contains("$.components.schemas.AspectRatio.enum"),
            "{err}"
        );
    }

    #[test]
    fn a_changed_limit_in_adobes_files_fails_the_check_naming_the_path() {
        let Some(dir) = adobe_dir(Api::FIREFLY) else {
            return;
        };
        let err = check_error_after(Api::FIREFLY, &dir, "FFApiOpenApi3.json", |doc| {
            let limit = doc
                .pointer_mut(
                    "/components/schemas/GenerateImagesRequest/properties/prompt/maxLength",
                )
                .expect("the sync prompt has a maxLength");
            assert_eq!(*limit, 1024);
            *limit = 1000.into();
        });
        assert!(
            err.contains("$.components.schemas.GenerateImagesSyncRequest.properties.prompt.maxLength: 1024 <> 1000"),
            "{err}"
        );
    }

    #[test]
    fn a_changed_enum_in_adobes_photoshop_file_fails_the_check_naming_the_path() {
        let Some(dir) = adobe_dir(Api::PHOTOSHOP) else {
            return;
        };
        let err = check_error_after(Api::PHOTOSHOP, &dir, "photoshopv2-api.json", |doc| {
            let values = doc
                .pointer_mut("/components/schemas/AutoCropAspectRatio/enum")
                .and_then(Value::as_array_mut)
                .expect("auto-crop's aspect ratios are an enum");
            assert_eq!(values.pop(), Some(Value::from("21:9")));
        });
        assert!(
            err.contains("$.components.schemas.AutoCropAspectRatio.enum"),
            "{err}"
        );
    }

    #[test]
    fn a_changed_copy_of_a_repeated_layer_enum_fails_the_photoshop_import() {
        let Some(dir) = adobe_dir(Api::PHOTOSHOP) else {
            return;
        };
        // Adobe repeats the transform modes in every layer schema; the
        // overlay names them once, which holds only while every copy is
        // the same.
        let err = check_error_after(Api::PHOTOSHOP, &dir, "photoshopv2-api.json", |doc| {
            let values = doc
                .pointer_mut("/components/schemas/EditLayer/allOf/1/properties/transformMode/enum")
                .and_then(Value::as_array_mut)
                .expect("an edited layer's transform modes are an enum");
            values.push(Value::from("stretch"));
        });
        assert!(
            err.contains("LayerTransformMode") && err.contains("nodes that differ"),
            "{err}"
        );
    }

    #[test]
    fn a_changed_enum_in_adobes_indesign_file_fails_the_check_naming_the_path() {
        let Some(dir) = adobe_dir(Api::INDESIGN) else {
            return;
        };
        let err = check_error_after(Api::INDESIGN, &dir, "indesignapi.json", |doc| {
            let values = doc
                .pointer_mut("/components/schemas/AppVersionInfo/properties/status/enum")
                .and_then(Value::as_array_mut)
                .expect("a version's status is an enum");
            assert_eq!(values.pop(), Some(Value::from("preview")));
        });
        assert!(
            err.contains("$.components.schemas.AppVersionInfo.properties.status.enum"),
            "{err}"
        );
    }
}
