//! [`Secret`]: a key that never shows in `Debug`, `Display` or logs, compared in constant time.

use subtle::ConstantTimeEq;

/// A secret string (Tencent SignKey, ai-xjc accessKey, the token key).
///
/// ```
/// use mediatask_webhook::Secret;
/// let s = Secret::new("hunter2");
/// assert_eq!(format!("{s:?}"), "Secret(***)");
/// assert!(s.matches("hunter2"));
/// assert!(!s.matches("hunter3"));
/// ```
#[derive(Clone)]
pub struct Secret(String);

impl Secret {
    /// Wrap a secret.
    pub fn new(value: impl Into<String>) -> Self {
        Secret(value.into())
    }
    /// The secret's text (for computing a signature only).
    pub fn expose(&self) -> &str {
        &self.0
    }
    /// Constant-time equality with `candidate` (only the length may leak).
    pub fn matches(&self, candidate: &str) -> bool {
        ct_eq(self.0.as_bytes(), candidate.as_bytes())
    }
}

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Secret(***)")
    }
}

/// Constant-time byte equality (lengths are compared first: a length is not secret).
pub(crate) fn ct_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && bool::from(a.ct_eq(b))
}
