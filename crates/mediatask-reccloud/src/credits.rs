//! Credit estimator built on the seed's pricing table, kept as data in
//! `spec/vendors/reccloud.json` (generated `PRICING` table) — **prices may change**; check
//! reccloud.com. The table is data, not code: update the spec and rerun `cargo xtask codegen`.
//!
//! Rules (seed): minimum charge 1 minute or 200 characters; speech-to-text 1 credit/minute;
//! video translation 2/minute and video synthesis 6/minute; AI subtitles detect 1/minute,
//! translation 2/minute, video synthesis 1 per 2 minutes; text-to-speech 1 credit per 200
//! words; text-to-video (basic model) 10 credits per job.
//!
//! Rounding is **our assumption** (not documented): durations are rounded up to whole minutes,
//! then to whole billing blocks (e.g. 2-minute blocks), and word counts up to whole 200-word
//! blocks. Words are counted by [`count_words`] (CJK characters count one each).
//!
//! ```
//! use mediatask_reccloud::credits::{estimate_credits, Usage};
//! use mediatask_reccloud::SpeechToTextRequest;
//! use std::time::Duration;
//! let req = SpeechToTextRequest::new("https://example.com/a.mp3");
//! let est = estimate_credits(&req, Usage::from(Duration::from_secs(90))).unwrap();
//! assert_eq!(est.credits, 2);
//! assert!(est.explanation.contains("2 billed minutes"));
//! ```

use crate::generated::tables::PRICING;
use crate::hygiene::invalid;
use mediatask_core::{Error, ErrorKind, Result};
use serde::Serialize;
use std::time::Duration;

/// A priced RecCloud service (one row of the pricing table).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum CreditService {
    /// AI speech-to-text: 1 credit / minute.
    SpeechToText,
    /// AI video translation, translation step (preview): 2 credits / minute.
    VideoTranslation,
    /// AI video translation, video synthesis: 6 credits / minute.
    VideoTranslationSynthesis,
    /// AI subtitles, detect: 1 credit / minute.
    SubtitleDetect,
    /// AI subtitles, translation: 2 credits / minute.
    SubtitleTranslation,
    /// AI subtitles, video synthesis (burn-in): 1 credit / 2 minutes.
    SubtitleSynthesis,
    /// AI text-to-speech: 1 credit / 200 words.
    TextToSpeech,
    /// AI text-to-video (basic model): 10 credits / job.
    TextToVideo,
}

impl CreditService {
    /// Every service.
    pub const ALL: [CreditService; 8] = [
        CreditService::SpeechToText,
        CreditService::VideoTranslation,
        CreditService::VideoTranslationSynthesis,
        CreditService::SubtitleDetect,
        CreditService::SubtitleTranslation,
        CreditService::SubtitleSynthesis,
        CreditService::TextToSpeech,
        CreditService::TextToVideo,
    ];

    /// The service id used in the pricing table.
    pub fn as_str(self) -> &'static str {
        match self {
            CreditService::SpeechToText => "speech_to_text",
            CreditService::VideoTranslation => "video_translation",
            CreditService::VideoTranslationSynthesis => "video_translation_synthesis",
            CreditService::SubtitleDetect => "subtitle_detect",
            CreditService::SubtitleTranslation => "subtitle_translation",
            CreditService::SubtitleSynthesis => "subtitle_synthesis",
            CreditService::TextToSpeech => "text_to_speech",
            CreditService::TextToVideo => "text_to_video",
        }
    }
}

/// How a priced unit is measured.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum PriceUnit {
    /// Media minutes.
    Minute,
    /// Words of input text.
    Words,
    /// Whole jobs.
    Job,
}

/// One parsed row of the pricing table.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Price {
    /// The service.
    pub service: CreditService,
    /// Unit.
    pub unit: PriceUnit,
    /// Credits charged per block.
    pub credits: u64,
    /// Units per block (e.g. 2 minutes, 200 words).
    pub per_units: u64,
    /// Minimum billed units (1 minute, 200 words).
    pub minimum_units: u64,
    /// Label.
    pub label: &'static str,
}

/// The price row of `service`, parsed from the generated table.
pub fn price(service: CreditService) -> Result<Price> {
    let row = PRICING
        .iter()
        .find(|r| r[0] == service.as_str())
        .ok_or_else(|| table_error(&format!("no pricing row for `{}`", service.as_str())))?;
    let unit = match row[1] {
        "minute" => PriceUnit::Minute,
        "words" => PriceUnit::Words,
        "job" => PriceUnit::Job,
        other => return Err(table_error(&format!("unknown price unit `{other}`"))),
    };
    let num = |i: usize| -> Result<u64> {
        row[i]
            .parse::<u64>()
            .ok()
            .filter(|n| *n > 0)
            .ok_or_else(|| {
                table_error(&format!(
                    "bad number `{}` in pricing row `{}`",
                    row[i], row[0]
                ))
            })
    };
    Ok(Price {
        service,
        unit,
        credits: num(2)?,
        per_units: num(3)?,
        minimum_units: num(4)?,
        label: row[5],
    })
}

fn table_error(msg: &str) -> Error {
    Error::new(
        ErrorKind::Unexpected,
        format!("RecCloud pricing table: {msg}"),
    )
    .with_provider(crate::PROVIDER)
}

/// What is being billed: media duration or input text.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Usage<'a> {
    /// Media duration.
    Media(Duration),
    /// Input text.
    Text(&'a str),
}

impl From<Duration> for Usage<'_> {
    fn from(d: Duration) -> Self {
        Usage::Media(d)
    }
}

impl<'a> From<&'a str> for Usage<'a> {
    fn from(t: &'a str) -> Self {
        Usage::Text(t)
    }
}

/// An estimate: the number of credits and how it was computed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct CreditEstimate {
    /// The priced service.
    pub service: CreditService,
    /// Estimated credits.
    pub credits: u64,
    /// Units billed after minimum and rounding (minutes, words or jobs).
    pub billed_units: u64,
    /// A one-line explanation of the computation.
    pub explanation: String,
}

/// A request that maps to a priced service.
pub trait Billable {
    /// The service the request is billed under.
    fn credit_service(&self) -> CreditService;
}

/// Estimate the credits of `request` for the given media duration or text.
pub fn estimate_credits<'a, R: Billable + ?Sized>(
    request: &R,
    usage: impl Into<Usage<'a>>,
) -> Result<CreditEstimate> {
    estimate_service(request.credit_service(), usage)
}

/// Estimate the credits of one service for the given media duration or text.
///
/// ```
/// use mediatask_reccloud::credits::{estimate_service, CreditService};
/// let est = estimate_service(CreditService::TextToSpeech, "word ".repeat(450).as_str()).unwrap();
/// assert_eq!(est.credits, 3); // 450 words -> 3 blocks of 200
/// ```
pub fn estimate_service<'a>(
    service: CreditService,
    usage: impl Into<Usage<'a>>,
) -> Result<CreditEstimate> {
    let p = price(service)?;
    let usage = usage.into();
    let note = "prices from RecCloud's published table, which may change";
    match (p.unit, usage) {
        (PriceUnit::Minute, Usage::Media(d)) => {
            let secs = d.as_secs() + u64::from(d.subsec_nanos() > 0);
            let minutes = secs.div_ceil(60).max(p.minimum_units);
            let blocks = minutes.div_ceil(p.per_units);
            let credits = blocks * p.credits;
            let rate = if p.per_units == 1 {
                format!("{} credit(s) per minute", p.credits)
            } else {
                format!(
                    "{} credit(s) per {} minutes (blocks rounded up)",
                    p.credits, p.per_units
                )
            };
            Ok(CreditEstimate {
                service,
                credits,
                billed_units: minutes,
                explanation: format!(
                    "{}: {:.1} s of media -> {minutes} billed minutes (rounded up, minimum {}) at {rate} = {credits} credits; {note}",
                    p.label,
                    d.as_secs_f64(),
                    p.minimum_units
                ),
            })
        }
        (PriceUnit::Words, Usage::Text(text)) => {
            let words = count_words(text);
            let billed = words.max(p.minimum_units);
            let blocks = billed.div_ceil(p.per_units);
            let credits = blocks * p.credits;
            Ok(CreditEstimate {
                service,
                credits,
                billed_units: billed,
                explanation: format!(
                    "{}: {words} words -> {billed} billed (minimum {}) at {} credit(s) per {} words, blocks rounded up = {credits} credits; {note}",
                    p.label, p.minimum_units, p.credits, p.per_units
                ),
            })
        }
        (PriceUnit::Job, _) => Ok(CreditEstimate {
            service,
            credits: p.credits,
            billed_units: 1,
            explanation: format!("{}: flat {} credits per job; {note}", p.label, p.credits),
        }),
        (PriceUnit::Minute, Usage::Text(_)) => Err(invalid(
            "usage",
            &format!(
                "{} is billed per media minute: pass the media duration",
                p.label
            ),
        )),
        (PriceUnit::Words, Usage::Media(_)) => Err(invalid(
            "usage",
            &format!("{} is billed per 200 words: pass the input text", p.label),
        )),
    }
}

/// Count billable words: each CJK ideograph, kana or hangul character counts as one word;
/// any other run of non-whitespace characters counts as one word. (RecCloud's page says both
/// "200 characters" and "200 words"; this rule is our assumption.)
///
/// ```
/// use mediatask_reccloud::credits::count_words;
/// assert_eq!(count_words("Hello, big world"), 3);
/// assert_eq!(count_words("你好世界 ok"), 5);
/// ```
pub fn count_words(text: &str) -> u64 {
    let mut count = 0u64;
    let mut in_word = false;
    for c in text.chars() {
        if is_cjk(c) {
            count += 1;
            in_word = false;
        } else if c.is_whitespace() {
            in_word = false;
        } else if !in_word {
            count += 1;
            in_word = true;
        }
    }
    count
}

fn is_cjk(c: char) -> bool {
    matches!(c as u32,
        0x3040..=0x30FF      // hiragana, katakana
        | 0x3400..=0x4DBF    // CJK ext A
        | 0x4E00..=0x9FFF    // CJK unified
        | 0xAC00..=0xD7AF    // hangul syllables
        | 0xF900..=0xFAFF    // CJK compatibility
        | 0x20000..=0x2FA1F) // CJK ext B+
}
