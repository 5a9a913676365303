//! Row types of the tables generated from `spec/vendors/*.json` by `cargo xtask codegen`.

use crate::{ErrorKind, TaskStatus};

/// One vendor status code and its normalised status.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StatusEntry {
    /// The vendor code as text.
    pub code: &'static str,
    /// Normalised status.
    pub status: TaskStatus,
    /// The documented meaning.
    pub meaning: &'static str,
}

/// One vendor error code and how the SDK treats it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ErrorCodeEntry {
    /// The vendor code as text.
    pub code: &'static str,
    /// Classification.
    pub kind: ErrorKind,
    /// Whether a retry (with backoff) may succeed.
    pub retryable: bool,
    /// English explanation (what happened, what to do).
    pub message: &'static str,
    /// The vendor's own message (often Chinese), verbatim from the docs.
    pub vendor_message: &'static str,
}

/// Find a row by code in a table sorted by code (generated tables are sorted).
///
/// ```
/// use mediatask_core::spec::{lookup_status, StatusEntry};
/// use mediatask_core::TaskStatus;
/// static T: &[StatusEntry] = &[
///     StatusEntry { code: "1", status: TaskStatus::Queued, meaning: "queued" },
///     StatusEntry { code: "3", status: TaskStatus::Succeeded, meaning: "done" },
/// ];
/// assert_eq!(lookup_status(T, "3").unwrap().status, TaskStatus::Succeeded);
/// assert!(lookup_status(T, "9").is_none());
/// ```
pub fn lookup_status(table: &'static [StatusEntry], code: &str) -> Option<&'static StatusEntry> {
    table
        .binary_search_by(|e| e.code.cmp(code))
        .ok()
        .map(|i| &table[i])
}

/// Find an error row by code in a sorted table.
pub fn lookup_error(
    table: &'static [ErrorCodeEntry],
    code: &str,
) -> Option<&'static ErrorCodeEntry> {
    table
        .binary_search_by(|e| e.code.cmp(code))
        .ok()
        .map(|i| &table[i])
}

impl ErrorCodeEntry {
    /// Build an [`crate::Error`] from this row, keeping the vendor code. `vendor_message` is what
    /// the vendor sent in this answer (kept as [`crate::Error::vendor_message`]); the row's
    /// documented message is kept apart as [`crate::Error::code_meaning`], so nobody mistakes
    /// our table's text for the vendor's words.
    ///
    /// ```
    /// use mediatask_core::ErrorKind;
    /// use mediatask_core::spec::ErrorCodeEntry;
    /// let row = ErrorCodeEntry {
    ///     code: "20005", kind: ErrorKind::QuotaExhausted, retryable: false,
    ///     message: "insufficient credits", vendor_message: "积分不足",
    /// };
    /// let quiet = row.to_error(None);
    /// assert_eq!((quiet.vendor_message(), quiet.code_meaning()), (None, Some("积分不足")));
    /// let said = row.to_error(Some("余额不足"));
    /// assert_eq!(said.vendor_message(), Some("余额不足"));
    /// ```
    pub fn to_error(&self, vendor_message: Option<&str>) -> crate::Error {
        let retry = if self.retryable {
            crate::Retryability::TRANSIENT
        } else {
            crate::Retryability::Permanent
        };
        let mut e = crate::Error::new(self.kind, self.message)
            .with_retry(retry)
            .with_vendor_code(self.code);
        if let Some(m) = vendor_message.filter(|m| !m.trim().is_empty()) {
            e = e.with_vendor_message(m);
        }
        if !self.vendor_message.is_empty() {
            e = e.with_code_meaning(self.vendor_message);
        }
        e
    }
}
