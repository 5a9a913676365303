//! Input hygiene for source URLs, applied before anything is sent:
//!
//! * `\u0026` fix-up: some tools and editors turn `&` into the JSON escape text `\u0026` inside
//!   signed URLs (e.g. `Expires=1679986124\u0026OSSAccessKeyId=…`), and the storage then answers
//!   AccessDenied, which RecCloud reports as state `-3` (download failed). The seed's FAQ says to
//!   replace `\u0026` back with `&`; the SDK does it for you and logs (without the URL) that it did.
//! * documented limits: a valid `http(s)` URL of at most 512 characters, and an `extension`
//!   whenever the URL path has none.

use crate::generated::tables::MAX_URL_CHARS;
use mediatask_core::{Error, Result};

/// Replace every literal `\u0026` (any hex case) with `&`. Returns the fixed URL and how many
/// occurrences were replaced.
///
/// ```
/// let (url, n) = mediatask_reccloud::hygiene::fix_ampersand_escapes(
///     r"https://b.example/a.mp4?Expires=1679986124\u0026OSSAccessKeyId=AK",
/// );
/// assert_eq!(url, "https://b.example/a.mp4?Expires=1679986124&OSSAccessKeyId=AK");
/// assert_eq!(n, 1);
/// ```
pub fn fix_ampersand_escapes(url: &str) -> (String, usize) {
    const NEEDLE: &[u8] = b"\\u0026";
    let bytes = url.as_bytes();
    let mut out = String::with_capacity(url.len());
    let mut replaced = 0;
    let mut copied_up_to = 0;
    let mut i = 0;
    while i + NEEDLE.len() <= bytes.len() {
        // the needle is ASCII, so a match always starts and ends on char boundaries
        if bytes[i..i + NEEDLE.len()].eq_ignore_ascii_case(NEEDLE) {
            out.push_str(&url[copied_up_to..i]);
            out.push('&');
            i += NEEDLE.len();
            copied_up_to = i;
            replaced += 1;
        } else {
            i += 1;
        }
    }
    out.push_str(&url[copied_up_to..]);
    (out, replaced)
}

/// The file extension of a URL's path (after the last `/`, without query or fragment), if any.
///
/// ```
/// use mediatask_reccloud::hygiene::url_extension;
/// assert_eq!(url_extension("https://h/a/b.MP4?x=1"), Some("MP4"));
/// assert_eq!(url_extension("https://h/a/download?id=3"), None);
/// ```
pub fn url_extension(url: &str) -> Option<&str> {
    let after_scheme = url.split_once("://").map_or(url, |(_, r)| r);
    let path_start = after_scheme.find('/')?;
    let path = &after_scheme[path_start..];
    let path = path.split(['?', '#']).next().unwrap_or(path);
    let last = path.rsplit('/').next().unwrap_or(path);
    let (stem, ext) = last.rsplit_once('.')?;
    let valid = !stem.is_empty()
        && (1..=5).contains(&ext.len())
        && ext.chars().all(|c| c.is_ascii_alphanumeric());
    valid.then_some(ext)
}

/// Fix up and validate a source URL field: `\u0026` replaced, non-empty `http(s)://` URL
/// without whitespace, at most 512 characters. Returns the URL to send.
pub fn clean_source_url(field: &str, url: &str) -> Result<String> {
    let (fixed, replaced) = fix_ampersand_escapes(url.trim());
    if replaced > 0 {
        tracing::warn!(
            provider = crate::PROVIDER,
            field,
            replaced,
            "replaced `\\u0026` with `&` in a source URL (AccessDenied / state -3 otherwise)"
        );
    }
    if fixed.is_empty() {
        return Err(invalid(field, "is required"));
    }
    let lower = fixed.to_ascii_lowercase();
    if !(lower.starts_with("http://") || lower.starts_with("https://")) {
        return Err(invalid(field, "must be an http:// or https:// URL"));
    }
    if fixed.chars().any(char::is_whitespace) {
        return Err(invalid(
            field,
            "must not contain whitespace (percent-encode it)",
        ));
    }
    let chars = fixed.chars().count();
    if chars as u64 > MAX_URL_CHARS {
        return Err(invalid(
            field,
            &format!("is {chars} characters long; RecCloud accepts at most {MAX_URL_CHARS}"),
        ));
    }
    Ok(fixed)
}

/// Validate the `extension` rule: required when the URL path has no extension. Returns the
/// extension to send (leading dot stripped), or `None` when the URL has one and none was given.
pub fn check_extension(url: &str, extension: Option<&str>) -> Result<Option<String>> {
    match extension.map(str::trim).filter(|e| !e.is_empty()) {
        Some(ext) => {
            let ext = ext.trim_start_matches('.');
            if ext.is_empty() || ext.len() > 10 || !ext.chars().all(|c| c.is_ascii_alphanumeric()) {
                return Err(invalid(
                    "extension",
                    "must be a short alphanumeric file extension such as `mp3`",
                ));
            }
            Ok(Some(ext.to_owned()))
        }
        None if url_extension(url).is_none() => Err(invalid(
            "extension",
            "is required because the URL path has no file extension (e.g. `mp4`)",
        )),
        None => Ok(None),
    }
}

pub(crate) fn invalid(field: &str, message: &str) -> Error {
    Error::invalid_field(field, message).with_provider(crate::PROVIDER)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fixes_every_escape_and_keeps_other_text() {
        let (u, n) = fix_ampersand_escapes(r"https://h/a.mp4?a=1\u0026b=2\U0026c=3&d=4");
        assert_eq!(u, "https://h/a.mp4?a=1&b=2&c=3&d=4");
        assert_eq!(n, 2);
        let (u, n) = fix_ampersand_escapes("https://h/é.mp4?x=\\u00");
        assert_eq!(u, "https://h/é.mp4?x=\\u00");
        assert_eq!(n, 0);
    }

    #[test]
    fn url_limits() {
        assert!(clean_source_url("url", "").is_err());
        assert!(clean_source_url("url", "ftp://h/a.mp4").is_err());
        assert!(clean_source_url("url", "https://h/a b.mp4").is_err());
        let long = format!("https://h/{}.mp4", "a".repeat(499));
        assert_eq!(long.len(), 513);
        assert_eq!(
            clean_source_url("url", &long).unwrap_err().field(),
            Some("url")
        );
        let ok = format!("https://h/{}.mp4", "a".repeat(498));
        assert_eq!(clean_source_url("url", &ok).unwrap(), ok);
    }

    #[test]
    fn extension_rule() {
        assert_eq!(check_extension("https://h/a.mp3", None).unwrap(), None);
        assert_eq!(
            check_extension("https://h/dl?id=1", Some(".MP3"))
                .unwrap()
                .as_deref(),
            Some("MP3")
        );
        let e = check_extension("https://h/dl?id=1.mp3", None).unwrap_err();
        assert_eq!(e.field(), Some("extension"));
        assert!(check_extension("https://h/a.mp3", Some("m p3")).is_err());
    }
}
