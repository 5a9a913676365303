//! Validation of documented request limits, run before anything is sent (a typed
//! `Error::invalid_field`; nothing reaches Tencent). Lengths are counted in Unicode characters,
//! as Tencent's docs say "characters".

use crate::generated::tables;
use mediatask_core::{Error, Result};

/// Lowest `TasksPriority`.
pub const MIN_TASKS_PRIORITY: i64 = -10;
/// Highest `TasksPriority`.
pub const MAX_TASKS_PRIORITY: i64 = 10;
/// Shortest `VoiceId`.
pub const MIN_VOICE_ID_CHARS: usize = 8;
/// Longest `VoiceId`.
pub const MAX_VOICE_ID_CHARS: usize = 256;

/// The typed error for a request `field` breaking a documented limit (nothing is sent).
pub(crate) fn invalid(field: &str, msg: impl Into<String>) -> Error {
    Error::invalid_field(field, msg).with_provider(crate::PROVIDER)
}

/// `OutputConfig.MediaName` must have at most 64 characters.
pub(crate) fn output_media_name(media_name: Option<&str>) -> Result<()> {
    max_chars(
        "OutputConfig.MediaName",
        media_name,
        tables::MAX_MEDIA_NAME_CHARS,
    )
}

fn chars(s: &str) -> usize {
    s.chars().count()
}

/// `field` must have at most `max` characters.
pub fn max_chars(field: &str, value: Option<&str>, max: u64) -> Result<()> {
    match value {
        Some(v) if chars(v) as u64 > max => Err(invalid(
            field,
            format!("must be at most {max} characters (got {})", chars(v)),
        )),
        _ => Ok(()),
    }
}

/// `field` must be present and non-blank.
pub fn required(field: &str, value: &str) -> Result<()> {
    if value.trim().is_empty() {
        Err(invalid(field, "is required"))
    } else {
        Ok(())
    }
}

/// SessionId ≤ 50, SessionContext ≤ 1000, TasksPriority in −10..=10.
pub fn common(
    session_id: Option<&str>,
    session_context: Option<&str>,
    priority: Option<i64>,
) -> Result<()> {
    max_chars("SessionId", session_id, tables::MAX_SESSION_ID_CHARS)?;
    max_chars(
        "SessionContext",
        session_context,
        tables::MAX_SESSION_CONTEXT_CHARS,
    )?;
    if let Some(p) = priority
        && !(MIN_TASKS_PRIORITY..=MAX_TASKS_PRIORITY).contains(&p)
    {
        return Err(invalid(
            "TasksPriority",
            format!("must be between {MIN_TASKS_PRIORITY} and {MAX_TASKS_PRIORITY} (got {p})"),
        ));
    }
    Ok(())
}

/// Tencent's `VoiceId` rules: 8–256 characters, first a letter, only `[A-Za-z0-9_-]`, not
/// ending in `-` or `_`.
///
/// ```
/// use mediatask_tencent_vod::validate::voice_id;
/// assert!(voice_id("maigua111").is_ok());
/// assert!(voice_id("1abcdefgh").is_err());
/// assert!(voice_id("abcdefgh-").is_err());
/// assert!(voice_id("short").is_err());
/// ```
pub fn voice_id(id: &str) -> Result<()> {
    let bad = |msg: &str| Err(invalid("VoiceId", msg));
    let n = chars(id);
    if !(MIN_VOICE_ID_CHARS..=MAX_VOICE_ID_CHARS).contains(&n) {
        return bad(&format!(
            "must be {MIN_VOICE_ID_CHARS}–{MAX_VOICE_ID_CHARS} characters (got {n})"
        ));
    }
    if !id.chars().next().is_some_and(|c| c.is_ascii_alphabetic()) {
        return bad("must start with an ASCII letter");
    }
    if let Some(c) = id
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || *c == '-' || *c == '_'))
    {
        return bad(&format!(
            "may contain only letters, digits, `-` and `_` (found {c:?})"
        ));
    }
    if id.ends_with('-') || id.ends_with('_') {
        return bad("must not end with `-` or `_`");
    }
    Ok(())
}

/// A `{Type, FileId, Url, Base64}` input must carry the field its `Type` names.
pub fn file_ref(
    field: &str,
    kind: Option<&str>,
    file_id: Option<&str>,
    url: Option<&str>,
    base64: Option<&str>,
) -> Result<()> {
    let present = |v: Option<&str>| v.is_some_and(|s| !s.trim().is_empty());
    let err = |msg: String| Err(invalid(field, msg));
    match kind {
        Some("File") if !present(file_id) => err("has `Type` = `File` but no `FileId`".into()),
        Some("Url") if !present(url) => err("has `Type` = `Url` but no `Url`".into()),
        Some("Base64") if !present(base64) => err("has `Type` = `Base64` but no `Base64`".into()),
        Some("Base64") if base64.is_some_and(|b| b.trim_start().starts_with("data:")) => {
            err("`Base64` must not start with a `data:` prefix".into())
        }
        Some("File" | "Url" | "Base64") | None => Ok(()),
        Some(other) => err(format!(
            "has unknown `Type` `{other}` (expected File, Url or Base64)"
        )),
    }
}
