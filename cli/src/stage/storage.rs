//! Staging through the SDK's `storage` feature: `object_store`, with
//! credentials and settings from the environment as it reads them
//! (`AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`, `AWS_REGION`,
//! `AWS_ENDPOINT_URL`, `AWS_ALLOW_HTTP`, ...).

use std::{
    fs::OpenOptions,
    io::{self, Read},
    path::{Path, PathBuf},
    time::Duration,
};

use adobe_firefly::storage::Storage;
use sha2::{Digest, Sha256};

use super::Staged;
use crate::{error::CliError, parse::StoredFile, terminal::terminal_safe};

/// The largest file `--stage` uploads: it is read into memory and sent in
/// one PUT. Photoshop takes larger documents (up to 5 GB), staged by the
/// user's own tools.
const MAX_STAGED: u64 = 1 << 30;

/// How long Photoshop may read a staged input: long enough for a job that
/// waits in Adobe's queue, as long as Adobe keeps a hosted output.
const READABLE_FOR: Duration = Duration::from_secs(3600);

/// The environment variables of which at least one must be set for each
/// cloud: without any, `object_store` would look for an instance's
/// credentials on the network, and wait for them, instead of failing.
const AWS: &[&str] = &[
    "AWS_ACCESS_KEY_ID",
    "AWS_SECRET_ACCESS_KEY",
    "AWS_WEB_IDENTITY_TOKEN_FILE",
    "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
    "AWS_CONTAINER_CREDENTIALS_FULL_URI",
    "AWS_METADATA_ENDPOINT",
];
const AZURE: &[&str] = &[
    "AZURE_STORAGE_ACCOUNT_KEY",
    "AZURE_STORAGE_ACCESS_KEY",
    "AZURE_STORAGE_MASTER_KEY",
    "AZURE_STORAGE_CLIENT_SECRET",
    "AZURE_CLIENT_SECRET",
    "AZURE_FEDERATED_TOKEN_FILE",
    "AZURE_MSI_ENDPOINT",
    "AZURE_USE_AZURE_CLI",
];
const GOOGLE: &[&str] = &[
    "GOOGLE_SERVICE_ACCOUNT",
    "GOOGLE_SERVICE_ACCOUNT_PATH",
    "GOOGLE_SERVICE_ACCOUNT_KEY",
    "GOOGLE_APPLICATION_CREDENTIALS",
];

/// Files read and named, their URLs signed and in the request; nothing
/// written yet.
pub struct Staging {
    storage: Storage,
    stage: String,
    uploads: Vec<Upload>,
}

struct Upload {
    file: PathBuf,
    name: String,
    bytes: Vec<u8>,
    content_type: &'static str,
}

impl Staging {
    /// Writes every file to its object (a file given twice, or two files
    /// with the same bytes, once). A failure names the file and the
    /// object; nothing has been submitted then.
    pub async fn upload(self) -> Result<Vec<Staged>, CliError> {
        let mut staged = Vec::new();
        for upload in self.uploads {
            let object = format!("{}/{}", self.stage.trim_end_matches('/'), upload.name);
            self.storage
                .put(&upload.name, upload.bytes, upload.content_type)
                .await
                .map_err(|error| {
                    CliError::Stage(format!(
                        "cannot stage {} as {}: {error}; nothing was submitted",
                        terminal_safe(&upload.file.display().to_string()),
                        terminal_safe(&object)
                    ))
                })?;
            staged.push(Staged {
                file: upload.file,
                object,
            });
        }
        Ok(staged)
    }
}

/// See [`super::prepare`].
pub async fn staged(
    local: Vec<&mut StoredFile>,
    stage: &str,
) -> Result<Option<super::Staging>, CliError> {
    let refused = |problem: String| CliError::Usage(format!("--stage {stage}: {problem}"));
    check_credentials(stage).map_err(refused)?;
    let storage = Storage::from_url(stage).map_err(|error| refused(error.to_string()))?;
    let mut uploads: Vec<Upload> = Vec::new();
    for file in local {
        let StoredFile::Local(path) = file else {
            continue;
        };
        let bytes = read(path)?;
        let name = object_name(path, &bytes);
        let url = storage
            .presign_get(&name, READABLE_FOR)
            .await
            .map_err(|error| refused(error.to_string()))?;
        if !uploads.iter().any(|upload| upload.name == name) {
            uploads.push(Upload {
                file: path.clone(),
                content_type: content_type(&name),
                name,
                bytes,
            });
        }
        *file = StoredFile::Url(url.as_str().to_owned());
    }
    Ok(Some(Staging {
        storage,
        stage: stage.to_owned(),
        uploads,
    }))
}

/// At least one credential variable of the stage's cloud is set.
fn check_credentials(stage: &str) -> Result<(), String> {
    let scheme = stage.split(':').next().unwrap_or_default();
    let (cloud, names) = match scheme.to_ascii_lowercase().as_str() {
        "s3" | "s3a" => ("AWS", AWS),
        "gs" => ("Google Cloud", GOOGLE),
        _ => ("Azure", AZURE),
    };
    let set = |name: &&str| std::env::var_os(name).is_some_and(|value| !value.is_empty());
    if names.iter().any(set) {
        return Ok(());
    }
    let hint = match cloud {
        "AWS" => "set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (with AWS_REGION, and \
             AWS_ENDPOINT_URL for S3-compatible storage), or AWS_WEB_IDENTITY_TOKEN_FILE, or \
             AWS_METADATA_ENDPOINT=http://169.254.169.254 for an EC2 instance's role"
            .to_owned(),
        _ => format!("set one of {}", names.join(", ")),
    };
    Err(format!("no {cloud} credentials in the environment: {hint}"))
}

/// The file's bytes: a regular file only (a FIFO or a device is refused
/// without blocking, a link is not followed), at most [`MAX_STAGED`].
fn read(path: &Path) -> Result<Vec<u8>, CliError> {
    let failed = |source: io::Error| CliError::InputFile {
        path: path.to_owned(),
        source,
    };
    let file = crate::files::open_regular(path, OpenOptions::new().read(true)).map_err(failed)?;
    let mut bytes = Vec::new();
    file.take(MAX_STAGED + 1)
        .read_to_end(&mut bytes)
        .map_err(failed)?;
    if bytes.len() as u64 > MAX_STAGED {
        return Err(failed(io::Error::new(
            io::ErrorKind::InvalidData,
            "it is larger than 1 GiB, the most --stage uploads: upload it yourself and give \
             its pre-signed https URL",
        )));
    }
    Ok(bytes)
}

/// The SHA-256 of the bytes, in hex, and the file's extension (lowercase,
/// when it is a plain one).
fn object_name(path: &Path, bytes: &[u8]) -> String {
    let digest = Sha256::digest(bytes);
    let mut name: String = digest.iter().map(|byte| format!("{byte:02x}")).collect();
    let extension = path
        .extension()
        .and_then(|extension| extension.to_str())
        .filter(|extension| {
            (1..=8).contains(&extension.len())
                && extension.chars().all(|c| c.is_ascii_alphanumeric())
        });
    if let Some(extension) = extension {
        name.push('.');
        name.push_str(&extension.to_ascii_lowercase());
    }
    name
}

/// The object's `Content-Type`, from its extension.
fn content_type(name: &str) -> &'static str {
    match name.rsplit_once('.').map(|(_, extension)| extension) {
        Some("png") => "image/png",
        Some("jpg" | "jpeg") => "image/jpeg",
        Some("tif" | "tiff") => "image/tiff",
        Some("webp") => "image/webp",
        Some("psd" | "psb") => "image/vnd.adobe.photoshop",
        Some("dng") => "image/x-adobe-dng",
        _ => "application/octet-stream",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_object_is_named_by_its_bytes_and_extension() {
        let name = object_name(Path::new("/photos/Cat.PNG"), b"abc");
        assert_eq!(
            name,
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad.png"
        );
        assert_eq!(content_type(&name), "image/png");
        // Same bytes, same name, wherever the file is; other bytes, another.
        assert_eq!(object_name(Path::new("elsewhere/cat.png"), b"abc"), name);
        assert_ne!(object_name(Path::new("/photos/Cat.PNG"), b"abd"), name);
        // An odd extension is left out.
        let odd = object_name(Path::new("x.p n g"), b"abc");
        assert!(!odd.contains('.'), "{odd}");
        assert_eq!(content_type(&odd), "application/octet-stream");
    }
}
