//! Language codes of Translate & Dub, checked against the generated tables (taken verbatim from
//! the seed's "Source languages" and "Target languages" tables).
//!
//! * Source: exactly one of the [`SOURCE_LANGUAGES`]
//!   codes (BCP 47 with region, plus `auto`); the region is compared case-insensitively.
//! * Target: `lang` or `lang-RR`; only the language part is checked against
//!   [`TARGET_LANGUAGES`] (as Vozo documents), any
//!   two-letter region is accepted, listed locale variants included.

use crate::generated::tables::{SOURCE_LANGUAGES, TARGET_LANGUAGES};

/// The source code `auto` (detect the language).
pub const AUTO: &str = "auto";

/// The canonical source-table code matching `code`, if any.
///
/// ```
/// use mediatask_vozo::languages::source_language;
/// assert_eq!(source_language("en-us"), Some("en-US"));
/// assert_eq!(source_language("auto"), Some("auto"));
/// assert_eq!(source_language("en"), None);
/// ```
pub fn source_language(code: &str) -> Option<&'static str> {
    let (lang, region) = split(code)?;
    SOURCE_LANGUAGES.iter().map(|row| row[0]).find(|candidate| {
        let Some((c_lang, c_region)) = split(candidate) else {
            return false;
        };
        c_lang == lang
            && c_region.map(str::to_ascii_lowercase) == region.map(str::to_ascii_lowercase)
    })
}

/// The target-table row (code, name, locale variants) of `code`'s language part, if supported.
///
/// ```
/// use mediatask_vozo::languages::target_language;
/// assert_eq!(target_language("zh-CN").map(|r| r[0]), Some("zh"));
/// assert_eq!(target_language("en-NZ").map(|r| r[0]), Some("en"));
/// assert!(target_language("xx").is_none());
/// ```
pub fn target_language(code: &str) -> Option<&'static [&'static str; 3]> {
    let (lang, _) = split(code)?;
    TARGET_LANGUAGES.iter().find(|row| row[0] == lang)
}

/// The documented locale variants of a target language code (`en` → `en-US`, `en-GB`…).
pub fn locale_variants(target: &str) -> Vec<&'static str> {
    target_language(target).map_or_else(Vec::new, |row| row[2].split_whitespace().collect())
}

/// Split `lang[-RR]` into its parts: lowercase ASCII language of 2–3 letters, optional 2-letter
/// region. `auto` is its own language with no region. `None` when malformed.
fn split(code: &str) -> Option<(&str, Option<&str>)> {
    let (lang, region) = match code.split_once('-') {
        Some((l, r)) => (l, Some(r)),
        None => (code, None),
    };
    let lang_ok = lang == AUTO
        || ((2..=3).contains(&lang.len()) && lang.bytes().all(|b| b.is_ascii_lowercase()));
    let region_ok =
        region.is_none_or(|r| r.len() == 2 && r.bytes().all(|b| b.is_ascii_alphabetic()));
    if !lang_ok || !region_ok || (lang == AUTO && region.is_some()) {
        return None;
    }
    Some((lang, region))
}
