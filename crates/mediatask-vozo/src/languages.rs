//! Language codes of Translate & Dub, checked against the generated tables (taken verbatim from
//! the seed's "Source languages" and "Target languages" tables).
//!
//! BCP 47 tags are case-insensitive, so every code is matched regardless of case (`en-us`,
//! `EN-US`, `En-Us` are all `en-US`), and the request body always carries the canonical
//! spelling ([`canonical_source`], [`canonical_target`]) — Vozo's tables spell the language in
//! lowercase and the region in uppercase.
//!
//! * Source: exactly one of the [`SOURCE_LANGUAGES`] codes (BCP 47 with region, plus `auto`).
//! * Target: `lang` or `lang-RR`; only the language part is checked against
//!   [`TARGET_LANGUAGES`] (as Vozo documents), any two-letter region is accepted, listed locale
//!   variants included.

use crate::generated::tables::{SOURCE_LANGUAGES, TARGET_LANGUAGES};

/// The source code `auto` (detect the language).
pub const AUTO: &str = "auto";

/// The canonical source-table code matching `code` case-insensitively, if any.
///
/// ```
/// use mediatask_vozo::languages::source_language;
/// assert_eq!(source_language("en-us"), Some("en-US"));
/// assert_eq!(source_language("EN-us"), Some("en-US"));
/// assert_eq!(source_language("YUE-cn"), Some("yue-CN"));
/// assert_eq!(source_language("Auto"), Some("auto"));
/// assert_eq!(source_language("en"), None);
/// ```
pub fn source_language(code: &str) -> Option<&'static str> {
    split(code)?;
    SOURCE_LANGUAGES
        .iter()
        .map(|row| row[0])
        .find(|candidate| candidate.eq_ignore_ascii_case(code))
}

/// The spelling of a source language sent to Vozo: the table's, for a code the table lists
/// (matched case-insensitively); `None` for a code it does not list.
///
/// ```
/// use mediatask_vozo::languages::canonical_source;
/// assert_eq!(canonical_source("pt-br"), Some("pt-BR"));
/// assert_eq!(canonical_source("xx-YY"), None);
/// ```
pub fn canonical_source(code: &str) -> Option<&'static str> {
    source_language(code)
}

/// The target-table row (code, name, locale variants) of `code`'s language part, if supported
/// (matched case-insensitively).
///
/// ```
/// use mediatask_vozo::languages::target_language;
/// assert_eq!(target_language("zh-CN").map(|r| r[0]), Some("zh"));
/// assert_eq!(target_language("ZH-cn").map(|r| r[0]), Some("zh"));
/// assert_eq!(target_language("en-NZ").map(|r| r[0]), Some("en"));
/// assert!(target_language("xx").is_none());
/// ```
pub fn target_language(code: &str) -> Option<&'static [&'static str; 3]> {
    let (lang, _) = split(code)?;
    TARGET_LANGUAGES
        .iter()
        .find(|row| row[0].eq_ignore_ascii_case(lang))
}

/// The spelling of a target language sent to Vozo: the table's language code, and the region
/// as the table's locale variant spells it (else in uppercase, the BCP 47 canonical case);
/// `None` when the language is not in the target table.
///
/// ```
/// use mediatask_vozo::languages::canonical_target;
/// assert_eq!(canonical_target("ZH").as_deref(), Some("zh"));
/// assert_eq!(canonical_target("zh-cn").as_deref(), Some("zh-CN"));
/// assert_eq!(canonical_target("En-nz").as_deref(), Some("en-NZ"));
/// assert_eq!(canonical_target("xx-YY"), None);
/// ```
pub fn canonical_target(code: &str) -> Option<String> {
    let (_, region) = split(code)?;
    let row = target_language(code)?;
    let Some(region) = region else {
        return Some(row[0].to_owned());
    };
    let listed = row[2].split_whitespace().find(|variant| {
        variant
            .split_once('-')
            .is_some_and(|(_, r)| r.eq_ignore_ascii_case(region))
    });
    Some(match listed {
        Some(variant) => variant.to_owned(),
        None => format!("{}-{}", row[0], region.to_ascii_uppercase()),
    })
}

/// The documented locale variants of a target language code (`en` → `en-US`, `en-GB`…).
pub fn locale_variants(target: &str) -> Vec<&'static str> {
    target_language(target).map_or_else(Vec::new, |row| row[2].split_whitespace().collect())
}

/// Split `lang[-RR]` into its parts: ASCII language of 2–3 letters (any case), optional
/// 2-letter region. `auto` (any case) is its own language with no region. `None` when
/// malformed.
fn split(code: &str) -> Option<(&str, Option<&str>)> {
    let (lang, region) = match code.split_once('-') {
        Some((l, r)) => (l, Some(r)),
        None => (code, None),
    };
    let auto = lang.eq_ignore_ascii_case(AUTO);
    let lang_ok =
        auto || ((2..=3).contains(&lang.len()) && lang.bytes().all(|b| b.is_ascii_alphabetic()));
    let region_ok =
        region.is_none_or(|r| r.len() == 2 && r.bytes().all(|b| b.is_ascii_alphabetic()));
    if !lang_ok || !region_ok || (auto && region.is_some()) {
        return None;
    }
    Some((lang, region))
}

/// Serialise a source language in its canonical spelling ([`canonical_source`]); a code the
/// table does not list is written as given (validation rejects it before anything is sent).
pub(crate) fn serialize_source<S: serde::Serializer>(
    code: &str,
    serializer: S,
) -> std::result::Result<S::Ok, S::Error> {
    serializer.serialize_str(canonical_source(code).unwrap_or(code))
}

/// Serialise a target language in its canonical spelling ([`canonical_target`]); a code the
/// table does not list is written as given (validation rejects it before anything is sent).
pub(crate) fn serialize_target<S: serde::Serializer>(
    code: &str,
    serializer: S,
) -> std::result::Result<S::Ok, S::Error> {
    match canonical_target(code) {
        Some(c) => serializer.serialize_str(&c),
        None => serializer.serialize_str(code),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_source_code_matches_itself_in_any_case() {
        for row in SOURCE_LANGUAGES {
            let code = row[0];
            assert_eq!(source_language(code), Some(code));
            assert_eq!(source_language(&code.to_ascii_lowercase()), Some(code));
            assert_eq!(source_language(&code.to_ascii_uppercase()), Some(code));
        }
    }

    #[test]
    fn every_target_code_and_variant_is_canonical_in_any_case() {
        for row in TARGET_LANGUAGES {
            let code = row[0];
            assert_eq!(
                canonical_target(&code.to_ascii_uppercase()).as_deref(),
                Some(code)
            );
            for variant in row[2].split_whitespace() {
                assert_eq!(canonical_target(variant).as_deref(), Some(variant));
                assert_eq!(
                    canonical_target(&variant.to_ascii_lowercase()).as_deref(),
                    Some(variant)
                );
                assert_eq!(
                    canonical_target(&variant.to_ascii_uppercase()).as_deref(),
                    Some(variant)
                );
            }
        }
    }

    #[test]
    fn malformed_codes_are_rejected() {
        for bad in [
            "", "e", "engl-US", "en-USA", "en-U1", "auto-US", "en_US", "e1-US", "-US",
        ] {
            assert_eq!(source_language(bad), None, "{bad}");
            assert!(target_language(bad).is_none(), "{bad}");
            assert_eq!(canonical_target(bad), None, "{bad}");
        }
    }
}
