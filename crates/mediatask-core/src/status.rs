//! Task status: the normalised [`TaskStatus`], the raw [`VendorStatus`] it came from, and the
//! [`TaskFailure`] details of a failed task.

use serde::{Deserialize, Serialize};

/// Normalised status of a remote task. Vendor codes map here through generated tables; a code
/// nobody mapped becomes [`TaskStatus::Unknown`] and the raw value stays in [`VendorStatus`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum TaskStatus {
    /// Accepted, waiting for a worker.
    Queued,
    /// Being processed.
    Running,
    /// Finished; the result is available.
    Succeeded,
    /// Finished with an error.
    Failed,
    /// Cancelled (by the caller or the vendor).
    Cancelled,
    /// A vendor status nobody mapped yet.
    Unknown,
}

impl TaskStatus {
    /// Succeeded, Failed and Cancelled are terminal.
    ///
    /// ```
    /// use mediatask_core::TaskStatus;
    /// assert!(TaskStatus::Failed.is_terminal());
    /// assert!(!TaskStatus::Running.is_terminal());
    /// ```
    pub fn is_terminal(self) -> bool {
        matches!(
            self,
            TaskStatus::Succeeded | TaskStatus::Failed | TaskStatus::Cancelled
        )
    }

    /// Stable snake_case name.
    pub fn as_str(self) -> &'static str {
        match self {
            TaskStatus::Queued => "queued",
            TaskStatus::Running => "running",
            TaskStatus::Succeeded => "succeeded",
            TaskStatus::Failed => "failed",
            TaskStatus::Cancelled => "cancelled",
            TaskStatus::Unknown => "unknown",
        }
    }
}

impl std::fmt::Display for TaskStatus {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The vendor's raw status, kept verbatim next to the normalised one.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct VendorStatus {
    /// The raw code as text (`"5"`, `"PROCESSING"`, `"-3"`).
    pub code: String,
    /// The vendor's human text for it, if any (`state_detail`, stage name…).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
}

impl VendorStatus {
    /// A raw status with no text.
    pub fn new(code: impl Into<String>) -> Self {
        VendorStatus {
            code: code.into(),
            text: None,
        }
    }

    /// A raw status with the vendor's text.
    pub fn with_text(code: impl Into<String>, text: impl Into<String>) -> Self {
        VendorStatus {
            code: code.into(),
            text: Some(text.into()),
        }
    }
}

/// Why a task failed: the vendor's code and message, plus our classification.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TaskFailure {
    /// The vendor's error code for the task (e.g. `-3`, `10012`, `InvalidParameter.VoilationContent`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
    /// A message for humans: the vendor's text, or our explanation of the code.
    pub message: String,
    /// Our classification of the failure.
    pub kind: crate::ErrorKind,
}

impl TaskFailure {
    /// A failure with a code.
    pub fn new(code: Option<String>, message: impl Into<String>, kind: crate::ErrorKind) -> Self {
        TaskFailure {
            code,
            message: message.into(),
            kind,
        }
    }
}
