//! Pre-signed URLs for your own storage (feature `storage`): Amazon S3,
//! Azure Blob Storage and Google Cloud Storage, signed by
//! [`object_store`]'s signers with credentials from the usual environment.
//!
//! Photoshop reads its inputs from pre-signed GET URLs and writes its
//! outputs to pre-signed PUT URLs. A URL made wrong (signed for the wrong
//! method, expired, or an Azure URL without its storage type) fails the
//! job with 403 "Unable to upload the outputs". Here a GET URL can only
//! become an input ([`PresignedGet`] converts into Photoshop's input types)
//! and a PUT URL only an output destination ([`PresignedPut`], which marks
//! Azure's as `storageType: azure`).
//!
//! ```no_run
//! # #[cfg(feature = "photoshop")]
//! # async fn demo(firefly: adobe_firefly::Firefly) -> Result<(), Box<dyn std::error::Error>> {
//! use std::time::Duration;
//! use adobe_firefly::{photoshop::types, storage::Storage};
//!
//! // Credentials from AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_REGION...
//! let storage = Storage::from_url("s3://my-bucket/photoshop")?;
//! let hour = Duration::from_secs(3600);
//! let input = storage.presign_get("in/portrait.jpg", hour).await?;
//! let output = storage.presign_put("out/portrait.png", hour).await?;
//!
//! let request = types::EditRequest {
//!     image: input.into(),
//!     outputs: vec![types::LightroomPngOutput {
//!         destination: output.into(),
//!         media_type: types::LightroomPngOutputMediaType::ImagePng,
//!         compression: None,
//!     }
//!     .into()],
//!     edits: Some(serde_json::from_value(serde_json::json!({"autoTone": true}))?),
//! };
//! let job = firefly.photoshop().edit(request).await?;
//! # let _ = job; Ok(()) }
//! ```

#[cfg(feature = "photoshop")]
mod photoshop;

use std::{
    fmt,
    sync::Arc,
    time::{Duration, SystemTime},
};

use object_store::{
    Attribute, Attributes, ObjectStore, ObjectStoreScheme, PutOptions, PutPayload,
    aws::AmazonS3Builder,
    azure::MicrosoftAzureBuilder,
    gcp::{GoogleCloudStorageBuilder, GoogleConfigKey},
    path::Path,
    signer::{Method, Signer},
};
use url::Url;

/// The longest a pre-signed URL may live: 7 days, the limit of S3's and
/// Google Cloud Storage's signatures.
pub const MAX_EXPIRY: Duration = Duration::from_secs(7 * 24 * 60 * 60);

/// Which cloud a [`Storage`] signs for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum StorageKind {
    /// Amazon S3, or storage that speaks its API (`s3://bucket/prefix`).
    S3,
    /// Azure Blob Storage (`az://container/prefix`, `abfs://`,
    /// `https://account.blob.core.windows.net/container`).
    Azure,
    /// Google Cloud Storage (`gs://bucket/prefix`).
    Gcs,
}

/// A bucket (or container) and a prefix in it, and the credentials to
/// sign URLs for objects under that prefix. Signing sends nothing, unless
/// the credentials must first be fetched (an instance role, a web
/// identity token).
///
/// Cheap to clone.
#[derive(Clone)]
pub struct Storage {
    signer: Arc<dyn Signer>,
    store: Arc<dyn ObjectStore>,
    kind: StorageKind,
    prefix: Path,
}

impl Storage {
    /// Storage at `url` (`s3://bucket/prefix`, `gs://bucket/prefix`,
    /// `az://container/prefix`, or a provider's https URL), with
    /// credentials and settings from the environment, as `object_store`
    /// reads them: `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`,
    /// `AWS_SESSION_TOKEN`, `AWS_REGION`, `AWS_ENDPOINT`...;
    /// `AZURE_STORAGE_ACCOUNT_NAME`, `AZURE_STORAGE_ACCOUNT_KEY`...;
    /// `GOOGLE_SERVICE_ACCOUNT` (a key file with the private key that signs),
    /// `GOOGLE_SERVICE_ACCOUNT_KEY` (that file's JSON) or
    /// `GOOGLE_APPLICATION_CREDENTIALS`.
    ///
    /// Google Cloud Storage without any of these (nor gcloud's
    /// `application_default_credentials.json`) is refused with
    /// [`StorageError::MissingCredentials`] rather than left to ask the
    /// Compute Engine metadata server at signing time.
    pub fn from_url(url: &str) -> Result<Self, StorageError> {
        Self::from_url_with(url, std::iter::empty::<(&str, &str)>())
    }

    /// Like [`from_url`](Self::from_url), with settings that override the
    /// environment's, named as `object_store` names them (`aws_endpoint`,
    /// `aws_access_key_id`, `aws_allow_http`, `azure_storage_account_key`,
    /// `google_service_account_key`...). For S3-compatible servers and
    /// credentials kept elsewhere than in the environment.
    ///
    /// ```
    /// use adobe_firefly::storage::{Storage, StorageKind};
    ///
    /// let storage = Storage::from_url_with(
    ///     "s3://renders/photoshop",
    ///     [
    ///         ("aws_endpoint", "https://minio.example.com"),
    ///         ("aws_region", "us-east-1"),
    ///         ("aws_access_key_id", "AKIDEXAMPLE"),
    ///         ("aws_secret_access_key", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"),
    ///     ],
    /// )?;
    /// assert_eq!(storage.kind(), StorageKind::S3);
    /// # Ok::<(), adobe_firefly::storage::StorageError>(())
    /// ```
    pub fn from_url_with<I, K, V>(url: &str, settings: I) -> Result<Self, StorageError>
    where
        I: IntoIterator<Item = (K, V)>,
        K: AsRef<str>,
        V: Into<String>,
    {
        if !cfg!(any(
            feature = "rustls",
            feature = "rustls-ring",
            feature = "native-tls"
        )) {
            return Err(StorageError::Unusable {
                reason: "signing needs one of the SDK's TLS features (rustls, rustls-ring or \
                         native-tls), which bring the signing crypto and the https client \
                         credentials may be fetched with"
                    .into(),
            });
        }
        let parsed = Url::parse(url.trim()).map_err(|_| StorageError::UnsupportedUrl {
            scheme: String::new(),
        })?;
        let unsupported = || StorageError::UnsupportedUrl {
            scheme: parsed.scheme().to_owned(),
        };
        let (scheme, prefix) = ObjectStoreScheme::parse(&parsed).map_err(|_| unsupported())?;
        let settings: Vec<(String, String)> = settings
            .into_iter()
            .map(|(key, value)| (key.as_ref().to_ascii_lowercase(), value.into()))
            .collect();
        // One client per cloud, which both signs URLs and writes objects.
        fn both<T: Signer + ObjectStore>(store: T) -> (Arc<dyn Signer>, Arc<dyn ObjectStore>) {
            let store = Arc::new(store);
            (store.clone(), store)
        }
        let (kind, (signer, store)) = match scheme {
            ObjectStoreScheme::AmazonS3 => {
                let mut builder = AmazonS3Builder::from_env().with_url(url.trim());
                for (key, value) in settings {
                    builder = builder.with_config(setting(&key)?, value);
                }
                (StorageKind::S3, both(builder.build().map_err(unusable)?))
            }
            ObjectStoreScheme::MicrosoftAzure => {
                let mut builder = MicrosoftAzureBuilder::from_env().with_url(url.trim());
                for (key, value) in settings {
                    builder = builder.with_config(setting(&key)?, value);
                }
                (StorageKind::Azure, both(builder.build().map_err(unusable)?))
            }
            ObjectStoreScheme::GoogleCloudStorage => {
                let mut builder = GoogleCloudStorageBuilder::from_env().with_url(url.trim());
                for (key, value) in settings {
                    builder = builder.with_config(setting(&key)?, value);
                }
                if !google_key_given(&builder) {
                    return Err(StorageError::MissingCredentials {
                        kind: StorageKind::Gcs,
                        missing: "a Google Cloud Storage service account key: \
                                  GOOGLE_SERVICE_ACCOUNT (its file), GOOGLE_SERVICE_ACCOUNT_KEY \
                                  or the setting `google_service_account_key` (its JSON), or \
                                  GOOGLE_APPLICATION_CREDENTIALS"
                            .into(),
                    });
                }
                (StorageKind::Gcs, both(builder.build().map_err(unusable)?))
            }
            _ => return Err(unsupported()),
        };
        Ok(Self {
            signer,
            store,
            kind,
            prefix,
        })
    }

    /// Which cloud this is.
    pub fn kind(&self) -> StorageKind {
        self.kind
    }

    /// A URL that lets its holder read the object at `path` (under the
    /// prefix) for `expiry` (1 second to [`MAX_EXPIRY`]): a Photoshop input.
    pub async fn presign_get(
        &self,
        path: &str,
        expiry: Duration,
    ) -> Result<PresignedGet, StorageError> {
        self.presign(Method::GET, path, expiry)
            .await
            .map(PresignedGet)
    }

    /// A URL that lets its holder write the object at `path` (under the
    /// prefix) with one PUT for `expiry` (1 second to [`MAX_EXPIRY`]): a
    /// Photoshop output's destination.
    pub async fn presign_put(
        &self,
        path: &str,
        expiry: Duration,
    ) -> Result<PresignedPut, StorageError> {
        self.presign(Method::PUT, path, expiry)
            .await
            .map(PresignedPut)
    }

    /// Writes `bytes` to the object at `path` (under the prefix) with the
    /// storage's own credentials, replacing an object already there; its
    /// `Content-Type` is `content_type`. For inputs of your own that
    /// Photoshop should read: put them, then give it a
    /// [`presign_get`](Self::presign_get) URL of the same path.
    pub async fn put(
        &self,
        path: &str,
        bytes: Vec<u8>,
        content_type: &str,
    ) -> Result<(), StorageError> {
        let full = self.full_path(path)?;
        let mut attributes = Attributes::new();
        attributes.insert(Attribute::ContentType, content_type.to_owned().into());
        let options = PutOptions {
            attributes,
            ..PutOptions::default()
        };
        self.store
            .put_opts(&full, PutPayload::from(bytes), options)
            .await
            .map_err(|e| StorageError::Upload {
                reason: e.to_string(),
            })?;
        Ok(())
    }

    /// `path` under the prefix; an empty path or one with `..` or empty
    /// segments is refused.
    fn full_path(&self, path: &str) -> Result<Path, StorageError> {
        let relative = Path::parse(path).map_err(|_| StorageError::InvalidPath {
            path: path.to_owned(),
        })?;
        if relative.as_ref().is_empty() {
            return Err(StorageError::InvalidPath {
                path: path.to_owned(),
            });
        }
        Ok(self.prefix.parts().chain(relative.parts()).collect())
    }

    async fn presign(
        &self,
        method: Method,
        path: &str,
        expiry: Duration,
    ) -> Result<Presigned, StorageError> {
        if expiry < Duration::from_secs(1) || expiry > MAX_EXPIRY {
            return Err(StorageError::Expiry { expiry });
        }
        let full = self.full_path(path)?;
        let expires_at = SystemTime::now() + expiry;
        let url = self
            .signer
            .signed_url(method, &full, expiry)
            .await
            .map_err(|e| StorageError::Signing {
                reason: e.to_string(),
            })?;
        Ok(Presigned {
            url,
            kind: self.kind,
            expires_at,
        })
    }
}

impl fmt::Debug for Storage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Storage")
            .field("kind", &self.kind)
            .field("prefix", &self.prefix.as_ref())
            .finish_non_exhaustive()
    }
}

/// A setting's name as `object_store`'s builder of that cloud reads it.
fn setting<K: std::str::FromStr>(key: &str) -> Result<K, StorageError> {
    key.parse().map_err(|_| StorageError::UnknownSetting {
        name: key.to_owned(),
    })
}

/// Whether the builder has a key, key file or application credentials to
/// sign with, from the settings, the environment or gcloud's usual file.
/// Without one, `object_store` would ask the Compute Engine metadata
/// server (169.254.169.254) for an identity when the first URL is signed:
/// off Google Cloud that is a wait of retries ending in an error that does
/// not say what was missing.
fn google_key_given(builder: &GoogleCloudStorageBuilder) -> bool {
    let given = [
        GoogleConfigKey::ServiceAccount,
        GoogleConfigKey::ServiceAccountKey,
        GoogleConfigKey::ApplicationCredentials,
    ]
    .iter()
    .any(|key| {
        builder
            .get_config_value(key)
            .is_some_and(|value| !value.trim().is_empty())
    });
    // Where `object_store` looks for gcloud's application default
    // credentials when none are named.
    let (home, file) = if cfg!(windows) {
        ("APPDATA", "gcloud/application_default_credentials.json")
    } else {
        (
            "HOME",
            ".config/gcloud/application_default_credentials.json",
        )
    };
    given
        || std::env::var_os(home)
            .is_some_and(|home| std::path::Path::new(&home).join(file).exists())
}

fn unusable(error: object_store::Error) -> StorageError {
    StorageError::Unusable {
        reason: error.to_string(),
    }
}

/// A pre-signed URL and what it is for.
#[derive(Clone)]
struct Presigned {
    url: Url,
    kind: StorageKind,
    expires_at: SystemTime,
}

impl Presigned {
    /// Scheme, host and path: the query holds the signature.
    fn shown(&self) -> String {
        let mut shown = self.url.clone();
        shown.set_query(None);
        shown.set_fragment(None);
        shown.to_string()
    }
}

/// The accessors both kinds of pre-signed URL share.
macro_rules! presigned {
    ($(#[$doc:meta])* $name:ident, $method:literal) => {
        $(#[$doc])*
        ///
        /// Its `Debug` shows the URL without its query, which holds the
        /// signature; [`as_str`](Self::as_str) gives the whole URL.
        #[derive(Clone)]
        pub struct $name(Presigned);

        impl $name {
            /// The whole URL, signature included: hand it only to the
            /// service that should read or write the object.
            pub fn as_str(&self) -> &str {
                self.0.url.as_str()
            }

            /// The whole URL, signature included.
            pub fn url(&self) -> &Url {
                &self.0.url
            }

            /// When the URL stops working (about: the signature counts
            /// from the moment of signing).
            pub fn expires_at(&self) -> SystemTime {
                self.0.expires_at
            }

            /// The cloud it is on.
            pub fn kind(&self) -> StorageKind {
                self.0.kind
            }
        }

        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.debug_struct(stringify!($name))
                    .field("method", &$method)
                    .field("url", &self.0.shown())
                    .field("signature", &"[redacted]")
                    .field("kind", &self.0.kind)
                    .field("expires_at", &self.0.expires_at)
                    .finish()
            }
        }
    };
}

presigned!(
    /// A URL to read one object with a GET: a Photoshop input
    /// (it converts into `UrlInput`, `FileInput` and `ImageSource`).
    PresignedGet,
    "GET"
);
presigned!(
    /// A URL to write one object with a PUT: a Photoshop output's
    /// destination (it converts into `UrlDestination` and
    /// `OutputDestination`, with `storageType: azure` for Azure).
    PresignedPut,
    "PUT"
);

/// Why storage could not be set up or a URL could not be signed.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum StorageError {
    /// The URL is not one of S3's, Azure's or Google Cloud Storage's.
    #[error(
        "not a storage URL this SDK signs for (scheme `{}`): use s3://bucket/prefix, \
         az://container/prefix or gs://bucket/prefix",
        crate::error::printable::Printable(scheme)
    )]
    #[non_exhaustive]
    UnsupportedUrl {
        /// The URL's scheme, when it parsed.
        scheme: String,
    },
    /// A setting name `object_store` does not know for that cloud.
    #[error(
        "unknown storage setting `{}`",
        crate::error::printable::Printable(name)
    )]
    #[non_exhaustive]
    UnknownSetting {
        /// The name given.
        name: String,
    },
    /// The settings do not make usable storage (a missing bucket or
    /// region, a malformed endpoint).
    #[error(
        "storage settings not usable: {}",
        crate::error::printable::Printable(reason)
    )]
    #[non_exhaustive]
    Unusable {
        /// What `object_store` said.
        reason: String,
    },
    /// The object path is empty or not a valid object path (`..`, empty
    /// segments).
    #[error("not an object path: `{}`", crate::error::printable::Printable(path))]
    #[non_exhaustive]
    InvalidPath {
        /// The path given.
        path: String,
    },
    /// The expiry is under a second or over [`MAX_EXPIRY`].
    #[error("a pre-signed URL lives 1 second to 7 days, not {expiry:?}")]
    #[non_exhaustive]
    Expiry {
        /// The expiry asked for.
        expiry: Duration,
    },
    /// No credentials to sign with were given or found where the SDK looks
    /// without sending anything (Google Cloud Storage without a service
    /// account key).
    #[error("no credentials to sign URLs with: missing {missing}")]
    #[non_exhaustive]
    MissingCredentials {
        /// The cloud the storage is on.
        kind: StorageKind,
        /// What is missing, and the settings and variables that give it.
        missing: String,
    },
    /// An object could not be written (refused by the storage, no
    /// credentials, the storage unreachable).
    #[error(
        "cannot write the object: {}",
        crate::error::printable::Printable(reason)
    )]
    #[non_exhaustive]
    Upload {
        /// What `object_store` said.
        reason: String,
    },
    /// The URL could not be signed (no credentials, or credentials that
    /// cannot sign, such as a GCS token without a private key).
    #[error("cannot sign the URL: {}", crate::error::printable::Printable(reason))]
    #[non_exhaustive]
    Signing {
        /// What `object_store` said.
        reason: String,
    },
}
