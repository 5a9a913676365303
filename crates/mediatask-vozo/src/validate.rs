//! Local validation of every request before anything is sent. Each rejection is an
//! [`ErrorKind::InvalidRequest`](mediatask_core::ErrorKind::InvalidRequest) naming the field
//! (`Error::field()`), so a bad request never costs a job.

use crate::api::lipsync::{LipSyncRequest, ReusableLipSyncRequest};
use crate::api::translate::{ExportType, MediaType, OcrTextBox, TranslateDubRequest};
use crate::languages;
use mediatask_core::{Error, Result};

fn invalid(field: &str, message: impl Into<String>) -> Error {
    Error::invalid_field(field, message).with_provider(crate::PROVIDER)
}

/// Require an absolute `http(s)://host/...` URL.
fn public_url(field: &str, value: &str) -> Result<()> {
    match url::Url::parse(value) {
        Ok(u)
            if matches!(u.scheme(), "http" | "https")
                && u.host_str().is_some_and(|h| !h.is_empty()) =>
        {
            Ok(())
        }
        _ => Err(invalid(
            field,
            "must be an absolute http(s) URL Vozo can download from",
        )),
    }
}

fn known<T: std::fmt::Display>(
    field: &str,
    is_known: bool,
    value: &T,
    allowed: &[&str],
) -> Result<()> {
    if is_known {
        Ok(())
    } else {
        Err(invalid(
            field,
            format!("`{value}` is not one of: {}", allowed.join(", ")),
        ))
    }
}

/// Validate a Translate & Dub request. `speaker_number_max` is the configured upper bound of
/// `speaker_number.max`.
///
/// ```
/// use mediatask_vozo::api::translate::*;
/// let req = TranslateDubRequest::new(MediaType::Audio, "https://cdn.example/a.mp3", "auto", "fr")
///     .with_export_type(ExportType::Video);
/// let err = mediatask_vozo::validate::translate_dub(&req, 50).unwrap_err();
/// assert_eq!(err.field(), Some("export_type"));
/// ```
pub fn translate_dub(req: &TranslateDubRequest, speaker_number_max: u32) -> Result<()> {
    known(
        "media_type",
        req.media_type.is_known(),
        &req.media_type,
        MediaType::VALUES,
    )?;
    public_url("media_url", &req.media_url)?;
    if languages::source_language(&req.source_language).is_none() {
        return Err(invalid(
            "source_language",
            format!(
                "`{}` is not a supported source language (use `auto` or a code such as `en-US` from the source table)",
                req.source_language
            ),
        ));
    }
    if languages::target_language(&req.target_language).is_none() {
        return Err(invalid(
            "target_language",
            format!(
                "`{}` is not a supported target language (use `lang` or `lang-RR` with a language from the target table, e.g. `zh` or `zh-CN`)",
                req.target_language
            ),
        ));
    }
    known(
        "export_type",
        req.export_type.is_known(),
        &req.export_type,
        ExportType::VALUES,
    )?;
    if req.media_type == MediaType::Audio
        && matches!(req.export_type, ExportType::Video | ExportType::All)
    {
        return Err(invalid(
            "export_type",
            format!(
                "cannot be `{}` for audio input (use `auto` or `audio`)",
                req.export_type
            ),
        ));
    }
    if let Some(url) = &req.subtitle_url {
        public_url("subtitle_url", url)?;
    }
    if let Some(usage) = &req.subtitle_usage_type {
        known(
            "subtitle_usage_type",
            usage.is_known(),
            usage,
            crate::api::translate::SubtitleUsageType::VALUES,
        )?;
    }
    if let Some(ocr) = &req.ocr_text_box {
        if req.subtitle_url.is_some() {
            return Err(invalid(
                "ocr_text_box",
                "cannot be combined with `subtitle_url` (they are mutually exclusive)",
            ));
        }
        if req.media_type != MediaType::Video {
            return Err(invalid(
                "ocr_text_box",
                "is only allowed when `media_type` is `video`",
            ));
        }
        ocr_box(ocr)?;
    }
    if let Some(speakers) = &req.speaker_number {
        if speakers.min < 1 {
            return Err(invalid("speaker_number.min", "must be at least 1"));
        }
        if speakers.max < speakers.min {
            return Err(invalid(
                "speaker_number.max",
                format!("must be ≥ min ({})", speakers.min),
            ));
        }
        if speakers.max > speaker_number_max {
            return Err(invalid(
                "speaker_number.max",
                format!("must be at most {speaker_number_max} (configurable `speaker_number_max`)"),
            ));
        }
    }
    if let Some(ids) = &req.glossary_ids
        && ids.iter().any(|id| id.trim().is_empty())
    {
        return Err(invalid("glossary_ids", "must not contain empty ids"));
    }
    if let Some(mode) = &req.project_mode {
        known(
            "project_mode",
            mode.is_known(),
            mode,
            crate::api::translate::ProjectMode::VALUES,
        )?;
    }
    if let Some(url) = &req.callback_url {
        public_url("callback_url", url)?;
    }
    Ok(())
}

/// Every value finite and in 0–1, a non-empty box that stays inside the frame.
fn ocr_box(b: &OcrTextBox) -> Result<()> {
    for (name, v) in [
        ("x", b.x),
        ("y", b.y),
        ("width", b.width),
        ("height", b.height),
    ] {
        if !v.is_finite() || !(0.0..=1.0).contains(&v) {
            return Err(invalid(
                &format!("ocr_text_box.{name}"),
                format!("must be between 0 and 1, got {v}"),
            ));
        }
    }
    if b.width <= 0.0 || b.height <= 0.0 {
        return Err(invalid(
            "ocr_text_box",
            "width and height must be greater than 0",
        ));
    }
    if b.x + b.width > 1.0 + 1e-9 || b.y + b.height > 1.0 + 1e-9 {
        return Err(invalid(
            "ocr_text_box",
            "the box must stay inside the frame (x + width ≤ 1, y + height ≤ 1)",
        ));
    }
    Ok(())
}

/// Validate a LipSync request.
///
/// ```
/// use mediatask_vozo::api::lipsync::*;
/// let req = LipSyncRequest::new("https://cdn.example/f.png", ReferenceFileType::Image,
///     "https://cdn.example/v.wav", LipSyncModel::from("turbo_v9"));
/// assert_eq!(mediatask_vozo::validate::lip_sync(&req).unwrap_err().field(), Some("model"));
/// ```
pub fn lip_sync(req: &LipSyncRequest) -> Result<()> {
    public_url("reference_file_url", &req.reference_file_url)?;
    public_url("audio_url", &req.audio_url)?;
    known(
        "model",
        req.model.is_known(),
        &req.model,
        crate::api::lipsync::LipSyncModel::VALUES,
    )?;
    known(
        "reference_file_type",
        req.reference_file_type.is_known(),
        &req.reference_file_type,
        crate::api::lipsync::ReferenceFileType::VALUES,
    )?;
    if let Some(url) = &req.callback_url {
        public_url("callback_url", url)?;
    }
    Ok(())
}

/// Validate a reusable-model LipSync request.
pub fn reusable_lip_sync(req: &ReusableLipSyncRequest) -> Result<()> {
    if req.model_id.trim().is_empty() || req.model_id.chars().any(char::is_control) {
        return Err(invalid("model_id", "must be a non-empty model id"));
    }
    public_url("audio_url", &req.audio_url)?;
    if let Some(url) = &req.callback_url {
        public_url("callback_url", url)?;
    }
    Ok(())
}
