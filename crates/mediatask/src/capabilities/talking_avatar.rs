//! `talking_avatar`: a video of an avatar speaking a text or an audio track. ai-xjc `works`
//! (the avatar is a video URL) and SoftSugar `video_synthesis` (the avatar is a model id).

#[cfg(any(feature = "xjc", feature = "softsugar"))]
use super::common::Mapper;
use super::common::{is_bcp47, malformed};
use super::{
    Capability, Mode, NoData, Plan, VendorOptionsSet, VendorSupport, check_url, not_offered,
};
use mediatask_core::{DynOutput, Result};
use serde::{Deserialize, Serialize};

/// Which avatar to animate. Vendors differ: ai-xjc takes a video of the person
/// (`video_url`), SoftSugar an avatar model id (`id`). Both may be given for one avatar (the
/// same person in each vendor's form); each vendor uses the form it takes, and strict mode
/// refuses a request whose form the vendor lacks, naming the form it needs.
///
/// ```
/// let a: mediatask::capabilities::Avatar =
///     serde_json::from_value(serde_json::json!({"id": "1001"})).unwrap();
/// assert!(a.video_url.is_none());
/// ```
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Avatar {
    /// A video of the avatar (ai-xjc: the same URL is the same digital human).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub video_url: Option<String>,
    /// The vendor's avatar id (SoftSugar: the numeric avatar model id).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
}

/// The common talking-avatar request: an avatar and exactly one driver, `text` or
/// `audio_url`.
///
/// ```
/// let req: mediatask::capabilities::TalkingAvatarRequest = serde_json::from_value(serde_json::json!({
///     "avatar": {"video_url": "https://cdn.example/me.mp4"}, "audio_url": "https://cdn.example/s.mp3"
/// })).unwrap();
/// assert!(req.text.is_none());
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TalkingAvatarRequest {
    /// The avatar.
    pub avatar: Avatar,
    /// Text to speak (text-driven).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
    /// Audio to lip-sync (audio-driven).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub audio_url: Option<String>,
    /// The voice speaking `text`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub voice_id: Option<String>,
    /// The language of `text` (BCP 47).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub language: Option<String>,
    /// A title for the video.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// Per-vendor options (only the chosen vendor's entry is read).
    #[serde(default, skip_serializing_if = "VendorOptionsSet::is_empty")]
    pub vendor_options: VendorOptionsSet,
}

/// The `talking_avatar` capability (output: the video artifact).
///
/// ```
/// # #[cfg(feature = "softsugar")] {
/// use mediatask::capabilities::{Capability, Mode, TalkingAvatar};
/// let req = serde_json::from_value(serde_json::json!({"avatar": {"id": "1001"}, "audio_url": "https://cdn.example/s.mp3"})).unwrap();
/// let plan = TalkingAvatar::plan(&req, "softsugar", Mode::Strict).unwrap();
/// assert!(plan.warnings.is_empty());
/// # }
/// ```
#[derive(Debug, Clone, Copy)]
pub struct TalkingAvatar;

const VENDORS: &[VendorSupport] = &[
    #[cfg(feature = "softsugar")]
    VendorSupport {
        provider: "softsugar",
        kind: "video_synthesis",
        honoured: &[
            "avatar.id",
            "text",
            "audio_url",
            "voice_id",
            "language",
            "title",
        ],
        notes: "avatar by numeric model id (`avatar` may also carry the `video_url` form for other vendors); `text` needs a voice (`voice_id` → `tts_config.qid`, or `vendor_options.softsugar.tts_config`); create path unconfirmed",
    },
    #[cfg(feature = "xjc")]
    VendorSupport {
        provider: "xjc",
        kind: "works",
        honoured: &["avatar.video_url", "text", "audio_url", "title"],
        notes: "avatar as a video URL, mp4/mov (`avatar` may also carry the `id` form for other vendors); text is spoken in the avatar's own voice, so `voice_id` and `language` are refused; `title` ≤ 20 chars",
    },
];

impl Capability for TalkingAvatar {
    const NAME: &'static str = "talking_avatar";
    const FIELDS: &'static [&'static str] = &[
        "avatar.video_url",
        "avatar.id",
        "text",
        "audio_url",
        "voice_id",
        "language",
        "title",
    ];
    type Request = TalkingAvatarRequest;
    type Data = NoData;

    fn vendors() -> &'static [VendorSupport] {
        VENDORS
    }

    fn plan(request: &TalkingAvatarRequest, provider: &str, mode: Mode) -> Result<Plan> {
        let _ = mode;
        let text = request.text.as_deref().filter(|t| !t.trim().is_empty());
        match (text, &request.audio_url) {
            (Some(_), Some(_)) => {
                return Err(malformed(
                    Self::NAME,
                    "text",
                    "must not be combined with `audio_url`: give one driver",
                ));
            }
            (None, None) => {
                return Err(malformed(
                    Self::NAME,
                    "text",
                    "or `audio_url` is required (the driver)",
                ));
            }
            _ => {}
        }
        if request.avatar.video_url.is_none() && request.avatar.id.is_none() {
            return Err(malformed(Self::NAME, "avatar", "needs `video_url` or `id`"));
        }
        for (field, url) in [
            ("avatar.video_url", &request.avatar.video_url),
            ("audio_url", &request.audio_url),
        ] {
            if let Some(u) = url {
                check_url(Self::NAME, field, u)?;
            }
        }
        if let Some(l) = &request.language
            && !is_bcp47(l)
        {
            return Err(malformed(Self::NAME, "language", "must be a BCP 47 tag"));
        }
        match provider {
            #[cfg(feature = "xjc")]
            "xjc" => xjc(request, mode),
            #[cfg(feature = "softsugar")]
            "softsugar" => softsugar(request, mode),
            other => Err(not_offered(Self::NAME, other, VENDORS)),
        }
    }

    fn data(_provider: &str, _kind: &str, _output: &DynOutput) -> Result<NoData> {
        Ok(NoData {})
    }
}

#[cfg(feature = "xjc")]
fn xjc(request: &TalkingAvatarRequest, mode: Mode) -> Result<Plan> {
    use mediatask_xjc::WorksRequest;
    let mut m = Mapper::new(TalkingAvatar::NAME, "xjc", mode);
    let opts = request.vendor_options.xjc().cloned().unwrap_or_default();
    let Some(video_url) = &request.avatar.video_url else {
        return Err(m.refuse(
            "avatar.video_url",
            "ai-xjc needs the avatar as a video URL (it has no avatar ids)",
        ));
    };
    m.unsupported_if(
        request.voice_id.is_some(),
        "voice_id",
        "ai-xjc speaks the text in the avatar's own voice",
    )?;
    m.unsupported_if(
        request.language.is_some(),
        "language",
        "ai-xjc works have no language setting",
    )?;
    m.unsupported_if(
        opts.title.is_some() && request.title.is_some(),
        "title",
        "`vendor_options.xjc.title` names the video instead",
    )?;
    for (set, field) in [
        (opts.edition.is_some(), "vendor_options.xjc.edition"),
        (opts.speaker_id.is_some(), "vendor_options.xjc.speaker_id"),
        (opts.pitch_ratio.is_some(), "vendor_options.xjc.pitch_ratio"),
        (
            opts.volume_ratio.is_some(),
            "vendor_options.xjc.volume_ratio",
        ),
        (
            opts.cross_language.is_some(),
            "vendor_options.xjc.cross_language",
        ),
    ] {
        m.unsupported_if(set, field, "is not a works setting")?;
    }
    let mut typed = match (&request.text, &request.audio_url) {
        (_, Some(audio)) => WorksRequest::audio_driven(video_url.clone(), audio.clone()),
        (text, None) => {
            WorksRequest::text_driven(video_url.clone(), text.clone().unwrap_or_default())
        }
    };
    if let Some(t) = opts.title.as_ref().or(request.title.as_ref()) {
        typed = typed.with_title(t.clone());
    }
    if let Some(url) = &opts.callback_url {
        typed = typed.with_callback_url(url.clone());
    }
    let title_field = if opts.title.is_some() {
        "vendor_options.xjc.title"
    } else {
        "title"
    };
    m.vendor_check(
        typed.validate(false),
        &[
            ("videoUrl", "avatar.video_url"),
            ("audioUrl", "audio_url"),
            ("text", "text"),
            ("title", title_field),
            ("callbackUrl", "vendor_options.xjc.callback_url"),
        ],
    )?;
    m.finish("works", &typed)
}

#[cfg(feature = "softsugar")]
fn softsugar(request: &TalkingAvatarRequest, mode: Mode) -> Result<Plan> {
    let mut m = Mapper::new(TalkingAvatar::NAME, "softsugar", mode);
    let opts = request
        .vendor_options
        .softsugar()
        .cloned()
        .unwrap_or_default();
    let Some(id) = &request.avatar.id else {
        return Err(m.refuse(
            "avatar.id",
            "SoftSugar needs an avatar model id (it cannot animate a video URL)",
        ));
    };
    let Ok(id) = id.trim().parse::<i64>() else {
        return Err(m.refuse("avatar.id", "SoftSugar avatar model ids are numbers"));
    };
    m.unsupported_if(
        opts.video_name.is_some() && request.title.is_some(),
        "title",
        "`vendor_options.softsugar.video_name` names the video instead",
    )?;
    let mut param = serde_json::json!({ "digital_role": {"id": id} });
    if let Some(f) = &opts.video_format {
        param["video_format"] = f.clone().into();
    }
    if let Some(r) = opts.resolution {
        param["resolution"] = serde_json::json!(r);
    }
    let mut tts = opts.tts_config.clone();
    let speaks_text = request.text.is_some();
    if speaks_text && (request.voice_id.is_some() || request.language.is_some()) {
        let mut config = serde_json::to_value(tts.unwrap_or_default())?;
        if let Some(v) = &request.voice_id {
            config["qid"] = v.clone().into();
        }
        if let Some(l) = &request.language {
            config["language"] = l.clone().into();
        }
        tts = Some(serde_json::from_value(config)?);
    }
    if !speaks_text {
        // audio-driven: the voice settings have nothing to apply to
        m.unsupported_if(
            request.voice_id.is_some(),
            "voice_id",
            "an audio-driven video has no synthesised voice",
        )?;
        m.unsupported_if(
            request.language.is_some(),
            "language",
            "an audio-driven video has no synthesised voice",
        )?;
        m.unsupported_if(
            tts.is_some(),
            "vendor_options.softsugar.tts_config",
            "an audio-driven video has no synthesised voice",
        )?;
        return softsugar_finish(m, request, opts, param, None);
    }
    softsugar_finish(m, request, opts, param, tts)
}

#[cfg(feature = "softsugar")]
fn softsugar_finish(
    m: Mapper,
    request: &TalkingAvatarRequest,
    opts: super::SoftSugarOptions,
    mut param: serde_json::Value,
    tts: Option<mediatask_softsugar::api::video::TtsConfig>,
) -> Result<Plan> {
    use mediatask_softsugar::api::VideoSynthesisRequest;
    match (&request.text, &request.audio_url) {
        (Some(text), _) => {
            param["tts_query"] = serde_json::json!({ "content": text });
            if let Some(t) = tts {
                param["tts_config"] = serde_json::to_value(t)?;
            }
        }
        (None, Some(audio)) => param["audios"] = serde_json::json!([{ "url": audio }]),
        (None, None) => {}
    }
    let name = opts
        .video_name
        .clone()
        .or_else(|| request.title.clone())
        .unwrap_or_else(|| "talking_avatar".to_owned());
    let mut body = serde_json::json!({ "videoName": name, "param": param });
    if let Some(t) = &opts.thumbnail_url {
        body["thumbnailUrl"] = t.clone().into();
    }
    let typed: VideoSynthesisRequest = serde_json::from_value(body)?;
    m.vendor_check(
        typed.validate(),
        &[
            ("videoName", "title"),
            ("param.digital_role", "avatar.id"),
            ("param.tts_query", "text"),
            ("param.tts_config", "voice_id"),
            (
                "param.video_format",
                "vendor_options.softsugar.video_format",
            ),
            ("param.resolution", "vendor_options.softsugar.resolution"),
            (
                "param.tts_config.pitch_offset",
                "vendor_options.softsugar.tts_config",
            ),
            (
                "param.tts_config.speed_ratio",
                "vendor_options.softsugar.tts_config",
            ),
            (
                "param.tts_config.volume",
                "vendor_options.softsugar.tts_config",
            ),
        ],
    )?;
    m.finish("video_synthesis", &typed)
}
