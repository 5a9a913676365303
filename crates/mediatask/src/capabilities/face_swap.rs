//! `face_swap`: put the face of a photo onto the person in a video. SoftSugar video face swap
//! (`face_swap`, algoType 20: `POST /api/2dvh/v1/material/face/swap/create`; the vendor marks it
//! internal testing), checked by the SoftSugar crate's own `FaceSwapRequest::validate`.

#[cfg(feature = "softsugar")]
use super::common::Mapper;
use super::{
    Capability, Mode, NoData, Plan, VendorOptionsSet, VendorSupport, check_url, not_offered,
};
use mediatask_core::{DynOutput, Result};
use serde::{Deserialize, Serialize};

/// The common face-swap request.
///
/// ```
/// let req: mediatask::capabilities::FaceSwapRequest = serde_json::from_value(serde_json::json!({
///     "video_url": "https://cdn.example/clip.mp4", "face_image_url": "https://cdn.example/face.jpg"
/// })).unwrap();
/// assert!(req.title.is_none());
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FaceSwapRequest {
    /// The video whose person gets the new face (http(s) URL).
    pub video_url: String,
    /// A photo of the face to put in (http(s) URL).
    pub face_image_url: String,
    /// A name for the result at the vendor.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// Per-vendor options (only the chosen vendor's entry is read).
    #[serde(default, skip_serializing_if = "VendorOptionsSet::is_empty")]
    pub vendor_options: VendorOptionsSet,
}

/// The `face_swap` capability (output: the swapped video, and a thumbnail when the vendor
/// renders one).
///
/// ```
/// # #[cfg(feature = "softsugar")] {
/// use mediatask::capabilities::{Capability, FaceSwap, Mode};
/// let req = serde_json::from_value(serde_json::json!({
///     "video_url": "https://cdn.example/clip.mp4", "face_image_url": "https://cdn.example/face.jpg",
///     "title": "swap01"
/// })).unwrap();
/// let plan = FaceSwap::plan(&req, "softsugar", Mode::Strict).unwrap();
/// assert_eq!(plan.request["materialName"], "swap01");
/// # }
/// ```
#[derive(Debug, Clone, Copy)]
pub struct FaceSwap;

const VENDORS: &[VendorSupport] = &[
    #[cfg(feature = "softsugar")]
    VendorSupport {
        provider: "softsugar",
        kind: "face_swap",
        honoured: &["video_url", "face_image_url", "title"],
        notes: "`title` is the `materialName` (default `face_swap`); results (video + thumbnail) live 7 days; the vendor marks face swap internal testing",
    },
];

impl Capability for FaceSwap {
    const NAME: &'static str = "face_swap";
    const FIELDS: &'static [&'static str] = &["video_url", "face_image_url", "title"];
    type Request = FaceSwapRequest;
    type Data = NoData;

    fn vendors() -> &'static [VendorSupport] {
        VENDORS
    }

    fn plan(request: &FaceSwapRequest, provider: &str, mode: Mode) -> Result<Plan> {
        let _ = mode;
        check_url(Self::NAME, "video_url", &request.video_url)?;
        check_url(Self::NAME, "face_image_url", &request.face_image_url)?;
        match provider {
            #[cfg(feature = "softsugar")]
            "softsugar" => softsugar(request, mode),
            other => Err(not_offered(Self::NAME, other, VENDORS)),
        }
    }

    fn data(_provider: &str, _kind: &str, _output: &DynOutput) -> Result<NoData> {
        Ok(NoData {})
    }
}

#[cfg(feature = "softsugar")]
fn softsugar(request: &FaceSwapRequest, mode: Mode) -> Result<Plan> {
    use mediatask_softsugar::api::FaceSwapRequest as SoftRequest;
    let mut m = Mapper::new(FaceSwap::NAME, "softsugar", mode);
    let opts = request
        .vendor_options
        .softsugar()
        .cloned()
        .unwrap_or_default();
    m.unsupported_if(
        opts.video_name.is_some(),
        "vendor_options.softsugar.video_name",
        "face swap names its result with `materialName`: use `title`",
    )?;
    for (set, field) in [
        (
            opts.tts_config.is_some(),
            "vendor_options.softsugar.tts_config",
        ),
        (
            opts.video_format.is_some(),
            "vendor_options.softsugar.video_format",
        ),
        (
            opts.resolution.is_some(),
            "vendor_options.softsugar.resolution",
        ),
        (
            opts.thumbnail_url.is_some(),
            "vendor_options.softsugar.thumbnail_url",
        ),
    ] {
        m.unsupported_if(set, field, "is not a face-swap setting")?;
    }
    let typed = SoftRequest {
        face_photo_url: request.face_image_url.clone(),
        video_url: request.video_url.clone(),
        material_name: request
            .title
            .clone()
            .unwrap_or_else(|| FaceSwap::NAME.to_owned()),
    };
    m.vendor_check(
        typed.validate(),
        &[
            ("facePhotoUrl", "face_image_url"),
            ("videoUrl", "video_url"),
            ("materialName", "title"),
        ],
    )?;
    m.finish("face_swap", &typed)
}

#[cfg(all(test, feature = "softsugar"))]
mod tests {
    use super::*;

    #[test]
    fn a_blank_title_is_refused_by_the_vendor_validation_under_the_common_name() {
        let r: FaceSwapRequest = serde_json::from_value(serde_json::json!({
            "video_url": "https://cdn.example/c.mp4", "face_image_url": "https://cdn.example/f.jpg",
            "title": "  "
        }))
        .unwrap();
        let e = FaceSwap::plan(&r, "softsugar", Mode::Lenient).unwrap_err();
        assert_eq!(e.field(), Some("title"), "{e}");
        assert!(e.to_string().contains("softsugar"), "{e}");
    }
}
