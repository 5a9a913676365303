//! Works (digital-human talking video): `POST /api/model/v5/works/create` and
//! `POST /api/model/v5/works/inspect`, with the documented input rules checked before sending.

use super::{lenient_f64, lenient_i64};
use crate::XjcClient;
use crate::generated::tables::{
    AUDIO_FORMATS, VIDEO_FORMATS, WORKS_TEXT_MAX_CHARS, WORKS_TITLE_MAX_CHARS,
};
use mediatask_core::{Error, Result};
use serde::{Deserialize, Serialize};

/// Path of works create.
pub const WORKS_CREATE_PATH: &str = "/api/model/v5/works/create";
/// Path of works inspect.
pub const WORKS_INSPECT_PATH: &str = "/api/model/v5/works/inspect";

/// A works job: a talking-avatar video from an avatar video (`videoUrl`) driven either by an
/// audio track (`audioUrl`) or by text (`text`). This is also the exact JSON body sent (absent
/// fields are omitted; the documented `newAudioUrl` "do not pass" field is never sent).
///
/// ```
/// let req: mediatask_xjc::WorksRequest = serde_json::from_value(serde_json::json!({
///     "videoUrl": "https://cdn.example/avatar.mp4",
///     "audioUrl": "https://cdn.example/speech.mp3",
///     "title": "Demo"
/// })).unwrap();
/// assert!(req.validate(false).is_ok());
/// ```
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[non_exhaustive]
pub struct WorksRequest {
    /// The avatar video (mp4/mov, h264, ≤ 500 MB, 360p–4K, 10–300 s). The same URL is treated
    /// as the same digital human. Required when audio-driven.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub video_url: Option<String>,
    /// Driving audio (mp3, m4a, wav…, ≤ 100 MB, 5 s–30 min): audio-driven mode.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub audio_url: Option<String>,
    /// Driving text (≤ 10 000 characters): text-driven mode (or audio-only output without a
    /// video).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
    /// Title (≤ 20 characters; the vendor defaults to "未命名").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// Where the vendor POSTs the completion callback (see [`crate::callback`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub callback_url: Option<String>,
}

impl WorksRequest {
    /// An audio-driven works job.
    pub fn audio_driven(video_url: impl Into<String>, audio_url: impl Into<String>) -> Self {
        WorksRequest {
            video_url: Some(video_url.into()),
            audio_url: Some(audio_url.into()),
            ..Default::default()
        }
    }

    /// A text-driven works job.
    pub fn text_driven(video_url: impl Into<String>, text: impl Into<String>) -> Self {
        WorksRequest {
            video_url: Some(video_url.into()),
            text: Some(text.into()),
            ..Default::default()
        }
    }

    /// Set the title.
    pub fn with_title(mut self, title: impl Into<String>) -> Self {
        self.title = Some(title.into());
        self
    }

    /// Set the callback URL.
    pub fn with_callback_url(mut self, url: impl Into<String>) -> Self {
        self.callback_url = Some(url.into());
        self
    }

    /// Check the documented input rules (nothing is sent when this fails):
    /// exactly one driver (`audioUrl` or `text`), `videoUrl` required with audio, http(s)
    /// URLs, video extension mp4/mov when the URL shows one, text ≤ 10 000 and title ≤ 20
    /// characters. With `strict_audio_formats`, an audio extension outside mp3/m4a/wav is
    /// rejected too.
    pub fn validate(&self, strict_audio_formats: bool) -> Result<()> {
        let audio = non_empty(&self.audio_url);
        let text = self.text.as_deref().filter(|t| !t.trim().is_empty());
        let video = non_empty(&self.video_url);
        match (audio, text) {
            (Some(_), Some(_)) => {
                return Err(invalid(
                    "text",
                    "must not be combined with `audioUrl`: give audioUrl (audio-driven) or text (text-driven)",
                ));
            }
            (None, None) => {
                return Err(invalid(
                    "audioUrl",
                    "or `text` is required (audio-driven or text-driven works)",
                ));
            }
            _ => {}
        }
        if let Some(url) = video {
            check_url("videoUrl", url)?;
            check_extension("videoUrl", url, VIDEO_FORMATS)?;
        } else if audio.is_some() {
            return Err(invalid(
                "videoUrl",
                "is required for audio-driven works (it is the digital human)",
            ));
        }
        if self
            .video_url
            .as_deref()
            .is_some_and(|v| v.trim().is_empty())
        {
            return Err(invalid("videoUrl", "must not be empty"));
        }
        if let Some(url) = audio {
            check_url("audioUrl", url)?;
            if strict_audio_formats {
                check_extension("audioUrl", url, AUDIO_FORMATS)?;
            }
        }
        if let Some(t) = &self.text {
            let n = t.chars().count() as u64;
            if n > WORKS_TEXT_MAX_CHARS {
                return Err(invalid(
                    "text",
                    &format!("must be at most {WORKS_TEXT_MAX_CHARS} characters (got {n})"),
                ));
            }
        }
        if let Some(t) = &self.title {
            let n = t.chars().count() as u64;
            if n > WORKS_TITLE_MAX_CHARS {
                return Err(invalid(
                    "title",
                    &format!("must be at most {WORKS_TITLE_MAX_CHARS} characters (got {n})"),
                ));
            }
        }
        if let Some(url) = non_empty(&self.callback_url) {
            check_url("callbackUrl", url)?;
        }
        Ok(())
    }
}

fn non_empty(v: &Option<String>) -> Option<&str> {
    v.as_deref().filter(|s| !s.trim().is_empty())
}

pub(crate) fn invalid(field: &str, msg: &str) -> Error {
    Error::invalid_field(field, msg).with_provider(crate::PROVIDER)
}

/// The URL must be absolute http(s).
pub(crate) fn check_url(field: &str, value: &str) -> Result<()> {
    match url::Url::parse(value) {
        Ok(u) if matches!(u.scheme(), "http" | "https") && u.host_str().is_some() => Ok(()),
        _ => Err(invalid(field, "must be an absolute http(s) URL")),
    }
}

/// When the URL path ends in an extension, it must be one of `allowed` (case-insensitive).
/// A URL without an extension is accepted (the vendor checks the content).
pub(crate) fn check_extension(field: &str, value: &str, allowed: &[[&str; 2]]) -> Result<()> {
    let Ok(u) = url::Url::parse(value) else {
        return Err(invalid(field, "must be an absolute http(s) URL"));
    };
    let last = u.path().rsplit('/').next().unwrap_or_default();
    let Some((_, ext)) = last.rsplit_once('.') else {
        return Ok(());
    };
    let ext = ext.to_ascii_lowercase();
    if allowed.iter().any(|row| row[0] == ext) {
        Ok(())
    } else {
        let names: Vec<&str> = allowed.iter().map(|r| r[0]).collect();
        Err(invalid(
            field,
            &format!(
                "has unsupported format `.{ext}` (supported: {})",
                names.join(", ")
            ),
        ))
    }
}

/// `data` of works create.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct JobIdData {
    #[serde(default)]
    pub(crate) job_id: Option<String>,
}

/// `data` of works inspect.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct WorksDetail {
    /// 1 queued, 2 processing, 3 done, 4 failed.
    #[serde(default, deserialize_with = "lenient_i64")]
    pub status: Option<i64>,
    /// Why the job failed.
    #[serde(default)]
    pub error_message: Option<String>,
    /// The video, when done.
    #[serde(default)]
    pub video_url: Option<String>,
    /// Video duration in seconds.
    #[serde(default, deserialize_with = "lenient_f64")]
    pub duration: Option<f64>,
}

/// The `{"jobId"}` body of the detail/inspect calls.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct JobIdBody<'a> {
    pub(crate) job_id: &'a str,
}

impl XjcClient {
    /// `POST /api/model/v5/works/create`: validate, send, return `(jobId, request id)`.
    /// Never retried once it may have reached the vendor (a lost answer is `OutcomeUnknown`).
    pub async fn works_create(&self, request: &WorksRequest) -> Result<(String, Option<String>)> {
        request.validate(self.config().strict_audio_formats)?;
        self.submit_json(
            "works_create",
            WORKS_CREATE_PATH,
            request,
            |d: &JobIdData| d.job_id.clone(),
        )
        .await
    }

    /// `POST /api/model/v5/works/inspect {"jobId"}`.
    pub async fn works_inspect(&self, job_id: &str) -> Result<(WorksDetail, Option<String>)> {
        self.poll_json("works_inspect", WORKS_INSPECT_PATH, &JobIdBody { job_id })
            .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use mediatask_core::ErrorKind;

    fn field_of(r: &WorksRequest) -> Option<String> {
        r.validate(false).err().map(|e| {
            assert_eq!(e.kind(), ErrorKind::InvalidRequest);
            e.field().unwrap_or_default().to_owned()
        })
    }

    #[test]
    fn limits_are_checked() {
        let ok = WorksRequest::text_driven("https://x/a.mp4", "hi".repeat(5000));
        assert_eq!(field_of(&ok), None);
        let long = WorksRequest::text_driven("https://x/a.mp4", "字".repeat(10_001));
        assert_eq!(field_of(&long).as_deref(), Some("text"));
        let title = WorksRequest::text_driven("https://x/a.mp4", "t").with_title("一".repeat(21));
        assert_eq!(field_of(&title).as_deref(), Some("title"));
        let title20 = WorksRequest::text_driven("https://x/a.mp4", "t").with_title("一".repeat(20));
        assert_eq!(field_of(&title20), None);
    }

    #[test]
    fn formats_and_drivers_are_checked() {
        assert_eq!(
            field_of(&WorksRequest::audio_driven(
                "https://x/a.avi",
                "https://x/s.mp3"
            ))
            .as_deref(),
            Some("videoUrl")
        );
        assert_eq!(
            field_of(&WorksRequest::audio_driven(
                "https://x/a.MOV?sig=1",
                "https://x/s.mp3"
            )),
            None
        );
        assert_eq!(
            field_of(&WorksRequest::audio_driven(
                "https://x/avatar",
                "https://x/s"
            )),
            None
        );
        assert_eq!(
            field_of(&WorksRequest::audio_driven(
                "ftp://x/a.mp4",
                "https://x/s.mp3"
            ))
            .as_deref(),
            Some("videoUrl")
        );
        let both = WorksRequest {
            text: Some("t".into()),
            ..WorksRequest::audio_driven("https://x/a.mp4", "https://x/s.mp3")
        };
        assert_eq!(field_of(&both).as_deref(), Some("text"));
        assert_eq!(
            field_of(&WorksRequest::default()).as_deref(),
            Some("audioUrl")
        );
        let no_video = WorksRequest {
            audio_url: Some("https://x/s.mp3".into()),
            ..Default::default()
        };
        assert_eq!(field_of(&no_video).as_deref(), Some("videoUrl"));
        let strict = WorksRequest::audio_driven("https://x/a.mp4", "https://x/s.ogg");
        assert!(strict.validate(false).is_ok());
        assert_eq!(strict.validate(true).unwrap_err().field(), Some("audioUrl"));
    }
}
