//! Vozo endpoints: one function per endpoint plus the request/response serde types.
//!
//! * [`translate`]: `POST /v1/media/translate`, `GET /v1/media/translate/{task_id}`
//! * [`lipsync`]: `POST /v1/video_generation`, `POST /v1/reusable_lipsync_model_video_generation`,
//!   `GET /v1/video_generation/{task_id}`
//!
//! Every create endpoint answers `{"task_id": "..."}` ([`JobCreated`]).

use mediatask_core::{Error, ErrorKind, Operation, Result};
use serde::{Deserialize, Deserializer};

/// The answer of every create endpoint.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct JobCreated {
    /// The new job's id.
    #[serde(deserialize_with = "string_or_number")]
    pub task_id: String,
}

/// Deserialise a JSON string or number into a `String`.
pub(crate) fn string_or_number<'de, D: Deserializer<'de>>(
    d: D,
) -> std::result::Result<String, D::Error> {
    match serde_json::Value::deserialize(d)? {
        serde_json::Value::String(s) => Ok(s),
        serde_json::Value::Number(n) => Ok(n.to_string()),
        other => Err(serde::de::Error::custom(format!(
            "expected a string or a number, got {other}"
        ))),
    }
}

/// Like [`string_or_number`] for optional fields (`null` and `""` become `None`).
pub(crate) fn opt_string_or_number<'de, D: Deserializer<'de>>(
    d: D,
) -> std::result::Result<Option<String>, D::Error> {
    match Option::<serde_json::Value>::deserialize(d)? {
        None | Some(serde_json::Value::Null) => Ok(None),
        Some(serde_json::Value::String(s)) if s.is_empty() => Ok(None),
        Some(serde_json::Value::String(s)) => Ok(Some(s)),
        Some(serde_json::Value::Number(n)) => Ok(Some(n.to_string())),
        Some(other) => Err(serde::de::Error::custom(format!(
            "expected a string or a number, got {other}"
        ))),
    }
}

/// Check a vendor task id before putting it into a URL path: non-empty, at most 256 bytes, no
/// path, query or escape characters. Prevents a crafted handle from reaching another endpoint.
///
/// ```
/// assert!(mediatask_vozo::api::check_task_id("3f2a-91_x").is_ok());
/// assert!(mediatask_vozo::api::check_task_id("../v1/media").is_err());
/// ```
pub fn check_task_id(task_id: &str) -> Result<()> {
    let ok = !task_id.is_empty()
        && task_id.len() <= 256
        && task_id != "."
        && task_id != ".."
        && task_id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | '~' | ':'));
    if ok {
        Ok(())
    } else {
        Err(Error::new(
            ErrorKind::InvalidRequest,
            "task id must be 1-256 characters of [A-Za-z0-9-_.~:]",
        )
        .with_provider(crate::PROVIDER)
        .with_operation(Operation::Local)
        .with_field("task_id"))
    }
}

/// Declare a string enum of the wire protocol that keeps unknown values (so validation can
/// reject them with a typed error naming the field instead of a generic decode error).
macro_rules! wire_enum {
    ($(#[$meta:meta])* $name:ident { $($(#[$vmeta:meta])* $variant:ident = $wire:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        pub enum $name {
            $($(#[$vmeta])* $variant,)+
            /// A value this SDK does not know; rejected by validation before sending.
            Other(String),
        }

        impl $name {
            /// The wire value.
            pub fn as_str(&self) -> &str {
                match self {
                    $($name::$variant => $wire,)+
                    $name::Other(s) => s.as_str(),
                }
            }
            /// Every documented wire value.
            pub const VALUES: &'static [&'static str] = &[$($wire),+];
            /// True for a documented value.
            pub fn is_known(&self) -> bool {
                !matches!(self, $name::Other(_))
            }
        }

        impl From<&str> for $name {
            fn from(s: &str) -> Self {
                match s {
                    $($wire => $name::$variant,)+
                    other => $name::Other(other.to_owned()),
                }
            }
        }

        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }

        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
                let s = String::deserialize(d)?;
                Ok($name::from(s.as_str()))
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

pub mod lipsync;
pub mod translate;
