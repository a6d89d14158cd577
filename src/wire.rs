//! Wire types written by hand, which the generated code uses in place of
//! its own (see `build.rs`), so this module depends on nothing of the
//! crate:
//! - the enums Firefly sends back, kept open: a value Adobe adds later
//!   decodes as `Unknown(..)` instead of failing the whole response;
//! - one problem of a 422 body, read by the errors as well as the types;
//! - a newly created client secret, whose value never shows in `Debug`.
//!
//! [`crate::types`] and [`crate::secrets`] re-export them.

use std::fmt;

use secrecy::{ExposeSecret, SecretString};
use serde::{Deserialize, Serialize};

/// Declares an enum whose unknown wire values are kept rather than rejected.
macro_rules! open_enum {
    (
        $(#[$meta:meta])*
        pub enum $name:ident {
            $( $(#[$vmeta:meta])* $variant:ident = $wire:literal $(| $alias:literal)* ),+ $(,)?
        }
    ) => {
        $(#[$meta])*
        #[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        #[derive(serde::Serialize, serde::Deserialize, schemars::JsonSchema)]
        #[non_exhaustive]
        pub enum $name {
            $(
                $(#[$vmeta])*
                #[serde(rename = $wire $(, alias = $alias)*)]
                $variant,
            )+
            /// A value this version of the SDK does not know, kept verbatim.
            #[serde(untagged)]
            Unknown(String),
        }

        impl $name {
            /// The value as Firefly spells it.
            pub fn as_str(&self) -> &str {
                match self {
                    $( Self::$variant => $wire, )+
                    Self::Unknown(other) => other,
                }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl std::str::FromStr for $name {
            type Err = std::convert::Infallible;

            fn from_str(value: &str) -> Result<Self, Self::Err> {
                Ok(match value {
                    $( $wire $(| $alias)* => Self::$variant, )+
                    other => Self::Unknown(other.to_owned()),
                })
            }
        }
    };
}

open_enum! {
    /// The state of an asynchronous job.
    ///
    /// Adobe spells the cancelled state `cancelled` since 2026 and `canceled`
    /// before; both decode as [`JobStatus::Canceled`], which is written
    /// `cancelled`.
    pub enum JobStatus {
        /// Accepted, not started.
        Pending = "pending",
        /// Being processed.
        Running = "running",
        /// Finished; the status response carries the result.
        Succeeded = "succeeded",
        /// Finished without a result; the status response says why.
        Failed = "failed",
        /// Cancelled on request.
        Canceled = "cancelled" | "canceled",
        /// A cancellation was requested and has not taken effect yet.
        CancelPending = "cancel_pending",
        /// Firefly gave up on the job.
        Timeout = "timeout",
    }
}

impl JobStatus {
    /// Whether the job will not change state any more.
    ///
    /// Unknown states count as not terminal, so a waiter keeps polling until
    /// its deadline rather than stopping on a state it cannot interpret.
    pub fn is_terminal(&self) -> bool {
        matches!(
            self,
            Self::Succeeded | Self::Failed | Self::Canceled | Self::Timeout
        )
    }
}

open_enum! {
    /// Whether an image should look like a photograph or like art.
    pub enum ContentClass {
        /// Photographic.
        Photo = "photo",
        /// Fine art, illustration.
        Art = "art",
    }
}

open_enum! {
    /// Why Firefly refused content (HTTP 451): the rule Adobe's content
    /// policy says was broken. Read it with [`crate::ApiError::content_policy`].
    pub enum ContentPolicyErrorCode {
        /// The request breaks a legal restriction.
        LegalError = "legal_error",
        /// The prompt asks for content the policy does not allow.
        PromptUnsafe = "prompt_unsafe",
        /// The prompt names a person, brand or other entity that is refused.
        PromptEntityDenied = "prompt_entity_denied",
        /// An input image is refused.
        ImageUnsafe = "image_unsafe",
        /// An input video is refused.
        VideoUnsafe = "video_unsafe",
        /// The reference image is refused.
        ReferenceImageUnsafeError = "reference_image_unsafe_error",
        /// An input file is refused.
        InputMediaUnsafe = "input_media_unsafe",
    }
}

impl ContentPolicyErrorCode {
    /// A sentence saying what was refused and what to change.
    pub fn explanation(&self) -> &'static str {
        match self {
            Self::LegalError => "Adobe refused the request for legal reasons",
            Self::PromptUnsafe => {
                "Adobe's content policy refused the prompt; reword it and try again"
            }
            Self::PromptEntityDenied => {
                "the prompt names a person, brand or entity Adobe does not allow; remove it"
            }
            Self::ImageUnsafe => "Adobe's content policy refused an input image; use another",
            Self::VideoUnsafe => "Adobe's content policy refused an input video; use another",
            Self::ReferenceImageUnsafeError => {
                "Adobe's content policy refused the reference image; use another"
            }
            Self::InputMediaUnsafe => "Adobe's content policy refused an input file; use another",
            Self::Unknown(_) => "Adobe's content policy refused the request",
        }
    }
}

/// One problem with a request, as a 422 body lists it.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct ValidationErrorDetail {
    /// Details of the problem, such as the values an enum accepts.
    #[serde(default, skip_serializing_if = "serde_json::Map::is_empty")]
    pub ctx: serde_json::Map<String, serde_json::Value>,
    /// Where the problem is, as a path such as `["body", "prompt"]`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub loc: Vec<ValidationErrorLocation>,
    /// What is wrong.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub msg: Option<String>,
    /// The kind of problem, such as `type_error.enum`.
    #[serde(rename = "type", skip_serializing_if = "Option::is_none")]
    pub type_: Option<String>,
}

/// One element of a [`ValidationErrorDetail`]'s `loc`: a field name or an
/// array index.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(untagged)]
pub enum ValidationErrorLocation {
    /// A field name.
    String(String),
    /// An index in an array.
    Integer(i64),
}

impl fmt::Display for ValidationErrorLocation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::String(name) => f.write_str(name),
            Self::Integer(index) => write!(f, "{index}"),
        }
    }
}

/// A client secret just generated. Its value never appears in `Debug`.
#[derive(Clone, Deserialize)]
pub struct NewClientSecret {
    #[serde(rename = "client_secret")]
    secret: SecretString,
    uuid: String,
}

impl NewClientSecret {
    /// The id to delete it by later.
    pub fn uuid(&self) -> &str {
        &self.uuid
    }

    /// The secret itself. Store it in your secret store; never log it.
    pub fn expose_secret(&self) -> &str {
        self.secret.expose_secret()
    }
}

impl fmt::Debug for NewClientSecret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("NewClientSecret")
            .field("uuid", &self.uuid)
            .field("secret", &"[redacted]")
            .finish()
    }
}
