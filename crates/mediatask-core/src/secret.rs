//! [`Secret`]: a credential that never prints. Debug and Display show `***`; the value is zeroed
//! on drop (via `secrecy`) and read only through [`Secret::expose`].

use secrecy::{ExposeSecret, SecretString};
use std::fmt;

/// A secret string (API key, secret key, token). Prints as `***`.
///
/// ```
/// use mediatask_core::Secret;
/// let key = Secret::new("sk-live-123");
/// assert_eq!(format!("{key:?} {key}"), "*** ***");
/// assert_eq!(key.expose(), "sk-live-123");
/// ```
#[derive(Clone)]
pub struct Secret(SecretString);

impl Secret {
    /// Wrap a value.
    pub fn new(value: impl Into<String>) -> Self {
        Secret(SecretString::from(value.into()))
    }

    /// Read the value. Call only where the secret is actually used (signing, headers).
    pub fn expose(&self) -> &str {
        self.0.expose_secret()
    }

    /// Read an environment variable into a secret; `None` when unset or empty.
    pub fn from_env(name: &str) -> Option<Self> {
        std::env::var(name)
            .ok()
            .filter(|v| !v.is_empty())
            .map(Secret::new)
    }

    /// True when the secret is the empty string.
    pub fn is_empty(&self) -> bool {
        self.expose().is_empty()
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("***")
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("***")
    }
}

impl PartialEq for Secret {
    fn eq(&self, other: &Self) -> bool {
        constant_time_eq(self.expose().as_bytes(), other.expose().as_bytes())
    }
}

impl From<String> for Secret {
    fn from(s: String) -> Self {
        Secret::new(s)
    }
}

impl From<&str> for Secret {
    fn from(s: &str) -> Self {
        Secret::new(s)
    }
}

impl<'de> serde::Deserialize<'de> for Secret {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        String::deserialize(d).map(Secret::new)
    }
}

/// Replace the contents of every double-quoted string in `text` with `***`.
///
/// Parser messages (serde_json's `invalid type: string "…", expected u64`) quote the value they
/// choked on, which may be a token or a signed URL; run them through this before they reach an
/// error message or a log.
///
/// ```
/// let s = mediatask_core::secret::redact_quoted(r#"invalid type: string "sk-123", expected u64"#);
/// assert_eq!(s, r#"invalid type: string "***", expected u64"#);
/// ```
pub fn redact_quoted(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut inside = false;
    let mut escaped = false;
    for c in text.chars() {
        if inside {
            match c {
                '\\' if !escaped => escaped = true,
                '"' if !escaped => {
                    inside = false;
                    out.push_str("***\"");
                }
                _ => escaped = false,
            }
        } else {
            out.push(c);
            if c == '"' {
                inside = true;
            }
        }
    }
    if inside {
        out.push_str("***");
    }
    out
}

/// Compare two byte strings in time independent of where they differ (length still leaks).
///
/// ```
/// assert!(mediatask_core::secret::constant_time_eq(b"abc", b"abc"));
/// assert!(!mediatask_core::secret::constant_time_eq(b"abc", b"abd"));
/// ```
pub fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    let mut diff = 0u8;
    for (x, y) in a.iter().zip(b) {
        diff |= x ^ y;
    }
    std::hint::black_box(diff) == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn never_prints() {
        let s = Secret::new("hunter2");
        assert!(!format!("{s:?}{s}{s:#?}").contains("hunter2"));
        #[derive(Debug)]
        #[allow(dead_code)]
        struct Cfg {
            key: Secret,
        }
        assert!(!format!("{:?}", Cfg { key: s.clone() }).contains("hunter2"));
    }

    #[test]
    fn deserializes_from_string() {
        let s: Secret = serde_json::from_str("\"abc\"").unwrap();
        assert_eq!(s.expose(), "abc");
    }
}
