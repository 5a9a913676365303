//! [`Artifact`]: a result file (URL) with its kind and expiry.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// What an artifact contains.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum ArtifactKind {
    /// A video file.
    Video,
    /// An audio file.
    Audio,
    /// An image.
    Image,
    /// A subtitle file (SRT, VTT…).
    Subtitle,
    /// A thumbnail / cover image.
    Thumbnail,
    /// A model package or other archive.
    Package,
    /// A link to a vendor project page.
    Project,
    /// Anything else, named.
    Other(String),
}

/// A result file produced by a task.
///
/// ```
/// use mediatask_core::{Artifact, ArtifactKind};
/// let a = Artifact::new(ArtifactKind::Video, "https://cdn.example/v.mp4");
/// assert!(a.expires_at.is_none());
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Artifact {
    /// What it is.
    pub kind: ArtifactKind,
    /// Where to download it (no auth needed; may be a signed URL: do not log it).
    pub url: String,
    /// When the URL stops working, if the vendor says.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expires_at: Option<DateTime<Utc>>,
    /// Media duration in seconds, when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub duration_secs: Option<f64>,
    /// A label (file name, language, role…).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
}

impl Artifact {
    /// An artifact with no expiry.
    pub fn new(kind: ArtifactKind, url: impl Into<String>) -> Self {
        Artifact {
            kind,
            url: url.into(),
            expires_at: None,
            duration_secs: None,
            label: None,
        }
    }
    /// Set the expiry.
    pub fn with_expiry(mut self, at: Option<DateTime<Utc>>) -> Self {
        self.expires_at = at;
        self
    }
    /// Set the duration.
    pub fn with_duration_secs(mut self, secs: Option<f64>) -> Self {
        self.duration_secs = secs;
        self
    }
    /// Set a label.
    pub fn with_label(mut self, label: impl Into<String>) -> Self {
        self.label = Some(label.into());
        self
    }
    /// True when `expires_at` is in the past relative to `now`.
    pub fn is_expired_at(&self, now: DateTime<Utc>) -> bool {
        self.expires_at.is_some_and(|e| e <= now)
    }
}

/// Results that carry downloadable artifacts implement this, so generic code (CLI downloads)
/// can find them.
pub trait HasArtifacts {
    /// The artifacts of this result.
    fn artifacts(&self) -> Vec<Artifact>;
}
