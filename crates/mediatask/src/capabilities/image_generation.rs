//! `image_generation`: images from a prompt, optionally guided by a reference image. Tencent
//! VOD `CreateAigcImageTask` (`image_generation`): the model comes from
//! `vendor_options.tencent-vod.model_name` (and `model_version`); `resolution` is checked against
//! the generated table of what each model version offers (`AIGC_IMAGE_RESOLUTIONS` in
//! `mediatask-tencent-vod`), then the request passes `ImageGeneration::validate`.

#[cfg(feature = "tencent-vod")]
use super::common::Mapper;
use super::{
    Capability, Mode, NoData, Plan, VendorOptionsSet, VendorSupport, check_url, not_offered,
};
use mediatask_core::{DynOutput, Result};
use serde::{Deserialize, Serialize};

/// The common image-generation request.
///
/// ```
/// let req: mediatask::capabilities::ImageGenerationRequest = serde_json::from_value(serde_json::json!({
///     "prompt": "a watercolor fox", "resolution": "2K"
/// })).unwrap();
/// assert_eq!(req.resolution.as_deref(), Some("2K"));
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ImageGenerationRequest {
    /// What to draw.
    pub prompt: String,
    /// What to avoid.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub negative_prompt: Option<String>,
    /// Output resolution as the vendor spells it (`1K`, `2K`, `1080p`, …; case-insensitive).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resolution: Option<String>,
    /// A reference image (http(s) URL).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub image_url: Option<String>,
    /// A name for the result at the vendor.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// Per-vendor options (only the chosen vendor's entry is read).
    #[serde(default, skip_serializing_if = "VendorOptionsSet::is_empty")]
    pub vendor_options: VendorOptionsSet,
}

/// The `image_generation` capability (output: the image artifacts).
///
/// ```
/// # #[cfg(feature = "tencent-vod")] {
/// use mediatask::capabilities::{Capability, ImageGeneration, Mode};
/// let req = serde_json::from_value(serde_json::json!({
///     "prompt": "a watercolor fox", "resolution": "2k",
///     "vendor_options": {"tencent-vod": {"model_name": "GG", "model_version": "2.5"}}
/// })).unwrap();
/// let plan = ImageGeneration::plan(&req, "tencent-vod", Mode::Strict).unwrap();
/// assert_eq!(plan.request["OutputConfig"]["Resolution"], "2K");
/// # }
/// ```
#[derive(Debug, Clone, Copy)]
pub struct ImageGeneration;

const VENDORS: &[VendorSupport] = &[
    #[cfg(feature = "tencent-vod")]
    VendorSupport {
        provider: "tencent-vod",
        kind: "image_generation",
        honoured: &[
            "prompt",
            "negative_prompt",
            "resolution",
            "image_url",
            "title",
        ],
        notes: "the model is `vendor_options.tencent-vod.model_name` (required: GG, Kling, SI, Vidu, Hunyuan, …); `resolution` must be one the table row of that model *and* `model_version` offers (e.g. GG 2.5: 1K/2K/4K); `title` is `MediaName` (≤ 64 chars); 1 task at a time by default; result URLs live 7 days",
    },
];

impl Capability for ImageGeneration {
    const NAME: &'static str = "image_generation";
    const FIELDS: &'static [&'static str] = &[
        "prompt",
        "negative_prompt",
        "resolution",
        "image_url",
        "title",
    ];
    type Request = ImageGenerationRequest;
    type Data = NoData;

    fn vendors() -> &'static [VendorSupport] {
        VENDORS
    }

    fn plan(request: &ImageGenerationRequest, provider: &str, mode: Mode) -> Result<Plan> {
        let _ = mode;
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

#[cfg(feature = "tencent-vod")]
fn tencent(request: &ImageGenerationRequest, mode: Mode) -> Result<Plan> {
    use mediatask_tencent_vod::generated::tables::AIGC_IMAGE_RESOLUTIONS;
    use mediatask_tencent_vod::{
        ImageGeneration as Task, ImageGenerationRequest as TencentRequest,
    };
    let mut m = Mapper::new(ImageGeneration::NAME, "tencent-vod", mode);
    let opts = request
        .vendor_options
        .tencent_vod()
        .cloned()
        .unwrap_or_default();
    let (model, version) = super::video_generation::tencent_model(&mut m, &opts)?;
    let mut output = serde_json::Map::new();
    if let Some(r) = &request.resolution {
        match &version {
            None => m.unsupported(
                "resolution",
                &format!(
                    "Tencent's image resolutions depend on the model version: set `vendor_options.tencent-vod.model_version` for `{model}` (its default is used)"
                ),
            )?,
            Some(version) => {
                let resolutions: Vec<&str> = AIGC_IMAGE_RESOLUTIONS
                    .iter()
                    .filter(|[m, v, _]| *m == model && v == version)
                    .map(|[_, _, r]| *r)
                    .collect();
                match resolutions.iter().find(|v| v.eq_ignore_ascii_case(r.trim())) {
                    Some(spelled) => {
                        output.insert("Resolution".into(), (*spelled).into());
                    }
                    None if resolutions.is_empty() => m.unsupported(
                        "resolution",
                        &format!("Tencent's table lists no resolution choice for `{model}` {version} (its default is used)"),
                    )?,
                    None => m.unsupported(
                        "resolution",
                        &format!(
                            "`{model}` {version} offers {}, not `{r}` (its default is used)",
                            resolutions.join(", ")
                        ),
                    )?,
                }
            }
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
        body["FileInfos"] = serde_json::json!([{"Type": "Url", "Url": u}]);
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
    m.finish("image_generation", &typed)
}

#[cfg(all(test, feature = "tencent-vod"))]
mod tests {
    use super::*;

    #[test]
    fn a_resolution_needs_a_version_that_offers_it() {
        let mut json = serde_json::json!({
            "prompt": "a fox", "resolution": "4K",
            "vendor_options": {"tencent-vod": {"model_name": "Kling"}}
        });
        let r: ImageGenerationRequest = serde_json::from_value(json.clone()).unwrap();
        let e = ImageGeneration::plan(&r, "tencent-vod", Mode::Strict).unwrap_err();
        assert_eq!(e.field(), Some("resolution"));
        assert!(e.to_string().contains("model_version"), "{e}");
        json["vendor_options"]["tencent-vod"]["model_version"] = "2.1".into();
        let r: ImageGenerationRequest = serde_json::from_value(json.clone()).unwrap();
        let e = ImageGeneration::plan(&r, "tencent-vod", Mode::Strict).unwrap_err();
        assert!(e.to_string().contains("1k, 2k"), "{e}");
        json["vendor_options"]["tencent-vod"]["model_version"] = "3.0-Omni".into();
        let r: ImageGenerationRequest = serde_json::from_value(json).unwrap();
        let plan = ImageGeneration::plan(&r, "tencent-vod", Mode::Strict).unwrap();
        assert_eq!(plan.request["OutputConfig"]["Resolution"], "4k");
    }
}
