//! `video_generation`: a video from a prompt, optionally starting from an image. Tencent VOD
//! `CreateAigcVideoTask` (`video_generation`): the model comes from
//! `vendor_options.tencent-vod.model_name`; `duration_secs` and `resolution` are checked against
//! the generated tables of what each model offers (`AIGC_VIDEO_DURATIONS`,
//! `AIGC_VIDEO_RESOLUTIONS` in `mediatask-tencent-vod`), then the request passes
//! `VideoGeneration::validate`.

#[cfg(feature = "tencent-vod")]
use super::common::Mapper;
use super::common::malformed;
use super::{
    Capability, Mode, NoData, Plan, VendorOptionsSet, VendorSupport, check_url, not_offered,
};
use mediatask_core::{DynOutput, Result};
use serde::{Deserialize, Serialize};

/// The common video-generation request.
///
/// ```
/// let req: mediatask::capabilities::VideoGenerationRequest = serde_json::from_value(serde_json::json!({
///     "prompt": "a red fox running through snow", "duration_secs": 5, "resolution": "1080P"
/// })).unwrap();
/// assert_eq!(req.duration_secs, Some(5.0));
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VideoGenerationRequest {
    /// What to show.
    pub prompt: String,
    /// What to avoid.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub negative_prompt: Option<String>,
    /// Length in seconds (a value the vendor's model offers).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub duration_secs: Option<f64>,
    /// Output resolution as the vendor spells it (`720P`, `1080P`, …; case-insensitive).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resolution: Option<String>,
    /// A first frame to start from (http(s) URL of an image).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub image_url: Option<String>,
    /// A name for the result at the vendor.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// Per-vendor options (only the chosen vendor's entry is read).
    #[serde(default, skip_serializing_if = "VendorOptionsSet::is_empty")]
    pub vendor_options: VendorOptionsSet,
}

/// The `video_generation` capability (output: the video artifact).
///
/// ```
/// # #[cfg(feature = "tencent-vod")] {
/// use mediatask::capabilities::{Capability, Mode, VideoGeneration};
/// let req = serde_json::from_value(serde_json::json!({
///     "prompt": "a red fox running through snow", "duration_secs": 10, "resolution": "1080p",
///     "vendor_options": {"tencent-vod": {"model_name": "Kling"}}
/// })).unwrap();
/// let plan = VideoGeneration::plan(&req, "tencent-vod", Mode::Strict).unwrap();
/// assert_eq!(plan.request["OutputConfig"]["Resolution"], "1080P");
/// // Kling offers 5 or 10 seconds
/// let req = serde_json::from_value(serde_json::json!({
///     "prompt": "a red fox", "duration_secs": 7,
///     "vendor_options": {"tencent-vod": {"model_name": "Kling"}}
/// })).unwrap();
/// let err = VideoGeneration::plan(&req, "tencent-vod", Mode::Strict).unwrap_err();
/// assert_eq!(err.field(), Some("duration_secs"));
/// # }
/// ```
#[derive(Debug, Clone, Copy)]
pub struct VideoGeneration;

const VENDORS: &[VendorSupport] = &[
    #[cfg(feature = "tencent-vod")]
    VendorSupport {
        provider: "tencent-vod",
        kind: "video_generation",
        honoured: &[
            "prompt",
            "negative_prompt",
            "duration_secs",
            "resolution",
            "image_url",
            "title",
        ],
        notes: "the model is `vendor_options.tencent-vod.model_name` (required: Kling, Hailuo, Vidu, GV, OS, …); `duration_secs` and `resolution` must be ones the model's table row offers (e.g. Kling 5/10 s, 720P/1080P); `title` is `MediaName` (≤ 64 chars); 1 task at a time by default; result URLs live 7 days",
    },
];

impl Capability for VideoGeneration {
    const NAME: &'static str = "video_generation";
    const FIELDS: &'static [&'static str] = &[
        "prompt",
        "negative_prompt",
        "duration_secs",
        "resolution",
        "image_url",
        "title",
    ];
    type Request = VideoGenerationRequest;
    type Data = NoData;

    fn vendors() -> &'static [VendorSupport] {
        VENDORS
    }

    fn plan(request: &VideoGenerationRequest, provider: &str, mode: Mode) -> Result<Plan> {
        let _ = mode;
        if let Some(d) = request.duration_secs
            && !(d.is_finite() && d > 0.0)
        {
            return Err(malformed(
                Self::NAME,
                "duration_secs",
                "must be a positive number of seconds",
            ));
        }
        if let Some(u) = &request.image_url {
            check_url(Self::NAME, "image_url", u)?;
        }
        match provider {
            #[cfg(feature = "tencent-vod")]
            "tencent-vod" => tencent(request, mode),
            other => Err(not_offered(Self::NAME, other, VENDORS)),
        }
    }

    fn data(_provider: &str, _kind: &str, _output: &DynOutput) -> Result<NoData> {
        Ok(NoData {})
    }
}

/// The Tencent options both AIGC capabilities share: the required model, and a refusal of the
/// voice-clone-only options.
#[cfg(feature = "tencent-vod")]
pub(super) fn tencent_model(
    m: &mut Mapper,
    opts: &super::TencentVodOptions,
) -> Result<(String, Option<String>)> {
    for (set, field) in [
        (
            opts.prompt_audio_url.is_some(),
            "vendor_options.tencent-vod.prompt_audio_url",
        ),
        (
            opts.prompt_text.is_some(),
            "vendor_options.tencent-vod.prompt_text",
        ),
    ] {
        m.unsupported_if(set, field, "is a voice-clone setting")?;
    }
    match opts.model_name.as_deref().map(str::trim) {
        Some(name) if !name.is_empty() => Ok((name.to_owned(), opts.model_version.clone())),
        _ => Err(m.refuse(
            "vendor_options.tencent-vod.model_name",
            "Tencent needs the model to run (`ModelName`, e.g. Kling, Hailuo, GG)",
        )),
    }
}

/// The values of `table` (`[model, value]` rows) offered by `model`.
#[cfg(feature = "tencent-vod")]
fn offered<'a>(table: &'a [[&'a str; 2]], model: &str) -> Vec<&'a str> {
    table
        .iter()
        .filter(|[m, _]| *m == model)
        .map(|[_, v]| *v)
        .collect()
}

#[cfg(feature = "tencent-vod")]
fn tencent(request: &VideoGenerationRequest, mode: Mode) -> Result<Plan> {
    use mediatask_tencent_vod::generated::tables::{AIGC_VIDEO_DURATIONS, AIGC_VIDEO_RESOLUTIONS};
    use mediatask_tencent_vod::{
        VideoGeneration as Task, VideoGenerationRequest as TencentRequest,
    };
    let mut m = Mapper::new(VideoGeneration::NAME, "tencent-vod", mode);
    let opts = request
        .vendor_options
        .tencent_vod()
        .cloned()
        .unwrap_or_default();
    let (model, version) = tencent_model(&mut m, &opts)?;
    let mut output = serde_json::Map::new();
    if let Some(d) = request.duration_secs {
        let durations = offered(AIGC_VIDEO_DURATIONS, &model);
        if durations
            .iter()
            .any(|v| v.parse::<f64>().is_ok_and(|x| x == d))
        {
            output.insert("Duration".into(), d.into());
        } else if durations.is_empty() {
            m.unsupported(
                "duration_secs",
                &format!("Tencent's table lists no duration choice for model `{model}` (its default is used)"),
            )?;
        } else {
            m.unsupported(
                "duration_secs",
                &format!(
                    "model `{model}` offers {} seconds, not {d} (its default is used)",
                    durations.join(", ")
                ),
            )?;
        }
    }
    if let Some(r) = &request.resolution {
        let resolutions = offered(AIGC_VIDEO_RESOLUTIONS, &model);
        match resolutions.iter().find(|v| v.eq_ignore_ascii_case(r.trim())) {
            Some(spelled) => {
                output.insert("Resolution".into(), (*spelled).into());
            }
            None if resolutions.is_empty() => m.unsupported(
                "resolution",
                &format!("Tencent's table lists no resolution choice for model `{model}` (its default is used)"),
            )?,
            None => m.unsupported(
                "resolution",
                &format!(
                    "model `{model}` offers {}, not `{r}` (its default is used)",
                    resolutions.join(", ")
                ),
            )?,
        }
    }
    if let Some(t) = &request.title {
        output.insert("MediaName".into(), t.clone().into());
    }
    if let Some(a) = &opts.aspect_ratio {
        output.insert("AspectRatio".into(), a.clone().into());
    }
    let mut body = serde_json::json!({ "ModelName": model, "Prompt": request.prompt });
    if let Some(v) = version {
        body["ModelVersion"] = v.into();
    }
    if let Some(n) = &request.negative_prompt {
        body["NegativePrompt"] = n.clone().into();
    }
    if let Some(u) = &request.image_url {
        body["FileInfos"] = serde_json::json!([{"Type": "Url", "Category": "Image", "Url": u}]);
    }
    if !output.is_empty() {
        body["OutputConfig"] = serde_json::Value::Object(output);
    }
    if let Some(id) = opts.sub_app_id {
        body["SubAppId"] = id.into();
    }
    if let Some(c) = &opts.session_context {
        body["SessionContext"] = c.clone().into();
    }
    if let Some(p) = opts.tasks_priority {
        body["TasksPriority"] = p.into();
    }
    let typed: TencentRequest = serde_json::from_value(body)?;
    m.vendor_check(
        Task::validate(&typed),
        &[
            ("ModelName", "vendor_options.tencent-vod.model_name"),
            ("Prompt", "prompt"),
            ("FileInfos", "image_url"),
            ("OutputConfig.MediaName", "title"),
            (
                "SessionContext",
                "vendor_options.tencent-vod.session_context",
            ),
            ("TasksPriority", "vendor_options.tencent-vod.tasks_priority"),
        ],
    )?;
    m.finish("video_generation", &typed)
}

#[cfg(all(test, feature = "tencent-vod"))]
mod tests {
    use super::*;

    fn req(json: serde_json::Value) -> VideoGenerationRequest {
        serde_json::from_value(json).unwrap()
    }

    #[test]
    fn a_resolution_the_model_lacks_is_refused_strictly_and_dropped_leniently() {
        let r = req(serde_json::json!({
            "prompt": "a fox", "resolution": "4K",
            "vendor_options": {"tencent-vod": {"model_name": "Hailuo"}}
        }));
        let e = VideoGeneration::plan(&r, "tencent-vod", Mode::Strict).unwrap_err();
        assert_eq!(e.field(), Some("resolution"));
        assert!(e.to_string().contains("768P"), "names what it offers: {e}");
        let plan = VideoGeneration::plan(&r, "tencent-vod", Mode::Lenient).unwrap();
        assert_eq!(plan.warnings.len(), 1);
        assert!(
            plan.request.get("OutputConfig").is_none(),
            "{}",
            plan.request
        );
    }

    #[test]
    fn the_model_is_required_and_voice_options_are_refused() {
        let r = req(serde_json::json!({"prompt": "a fox"}));
        let e = VideoGeneration::plan(&r, "tencent-vod", Mode::Lenient).unwrap_err();
        assert_eq!(e.field(), Some("vendor_options.tencent-vod.model_name"));
        let r = req(serde_json::json!({
            "prompt": "a fox",
            "vendor_options": {"tencent-vod": {"model_name": "Vidu", "prompt_text": "hi"}}
        }));
        let e = VideoGeneration::plan(&r, "tencent-vod", Mode::Strict).unwrap_err();
        assert_eq!(e.field(), Some("vendor_options.tencent-vod.prompt_text"));
    }
}
