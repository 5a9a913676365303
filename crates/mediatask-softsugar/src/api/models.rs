//! Public material endpoints: avatar models, TTS voice models (QID and legacy), video
//! templates and live-streaming scripts — each as a paged list and a by-ids lookup, plus a
//! stream over all pages.

use super::embedded::EmbeddedJson;
use super::{Page, PageRequest, lenient};
use crate::Client;
use futures::stream::BoxStream;
use mediatask_core::{Operation, Result};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

/// A public avatar model.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AvatarModel {
    /// Model id.
    pub id: i64,
    /// Name.
    #[serde(default)]
    pub material_name: Option<String>,
    /// Thumbnail URL.
    #[serde(default)]
    pub thumbnail_url: Option<String>,
    /// Model package URL.
    #[serde(default)]
    pub pkg_url: Option<String>,
    /// Raw `extendParam` (JSON text); see [`AvatarModel::extend`].
    #[serde(default)]
    pub extend_param: EmbeddedJson,
    /// Notes.
    #[serde(default)]
    pub desc: Option<String>,
    /// `yyyy-MM-dd HH:mm:ss`.
    #[serde(default)]
    pub create_time: Option<String>,
    /// `yyyy-MM-dd HH:mm:ss`.
    #[serde(default)]
    pub update_time: Option<String>,
}

/// Decoded avatar `extendParam`.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AvatarExtend {
    /// Face feature id (the `ffid` used by video synthesis and live streaming).
    #[serde(default)]
    pub face_feature_id: Option<String>,
    /// 0 unknown, 1 female, 2 male.
    #[serde(default, deserialize_with = "lenient::opt_i64")]
    pub gender: Option<i64>,
    /// 1 normal, 2 fast, 3 static/dynamic, 4 motion-edit digital human.
    #[serde(default, deserialize_with = "lenient::opt_i64")]
    pub avatar_type: Option<i64>,
}

impl AvatarModel {
    /// Decode `extendParam`.
    pub fn extend(&self) -> Result<Option<AvatarExtend>> {
        self.extend_param.decode("extendParam")
    }
}

/// A public TTS voice model (QID or legacy; `extendParam` differs).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct VoiceModel {
    /// Model id.
    pub id: i64,
    /// Raw `extendParam` (JSON text or, in the examples, an object).
    #[serde(default)]
    pub extend_param: EmbeddedJson,
    /// Name.
    #[serde(default)]
    pub material_name: Option<String>,
    /// Thumbnail URL.
    #[serde(default)]
    pub thumbnail_url: Option<String>,
    /// Notes.
    #[serde(default)]
    pub desc: Option<String>,
    /// `yyyy-MM-dd HH:mm:ss`.
    #[serde(default)]
    pub create_time: Option<String>,
    /// `yyyy-MM-dd HH:mm:ss`.
    #[serde(default)]
    pub update_time: Option<String>,
}

/// Decoded QID voice `extendParam`.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct VoiceExtend {
    /// Voice QID.
    #[serde(default)]
    pub qid: Option<String>,
    /// Voice name.
    #[serde(default)]
    pub voice_name: Option<String>,
    /// Languages.
    #[serde(default, deserialize_with = "lenient::string_list")]
    pub languages: Vec<String>,
    /// Speech rate.
    #[serde(default, deserialize_with = "lenient::opt_f64")]
    pub speed_ratio: Option<f64>,
    /// Pitch.
    #[serde(default, deserialize_with = "lenient::opt_f64")]
    pub pitch_offset: Option<f64>,
    /// Volume.
    #[serde(default, deserialize_with = "lenient::opt_i64")]
    pub volume: Option<i64>,
    /// Preview URL.
    #[serde(default)]
    pub sample_url: Option<String>,
    /// 0 unknown, 1 female, 2 male.
    #[serde(default, deserialize_with = "lenient::opt_i64")]
    pub gender: Option<i64>,
}

/// Decoded legacy voice `extendParam`.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LegacyVoiceExtend {
    /// Vendor id.
    #[serde(default, deserialize_with = "lenient::opt_i64")]
    pub vendor_id: Option<i64>,
    /// Voice id.
    #[serde(default)]
    pub voice_id: Option<String>,
    /// Voice name.
    #[serde(default)]
    pub voice_name: Option<String>,
    /// Language.
    #[serde(default)]
    pub language: Option<String>,
    /// Speech rate.
    #[serde(default, deserialize_with = "lenient::opt_f64")]
    pub speed_ratio: Option<f64>,
    /// Pitch.
    #[serde(default, deserialize_with = "lenient::opt_f64")]
    pub pitch_offset: Option<f64>,
    /// Volume.
    #[serde(default, deserialize_with = "lenient::opt_i64")]
    pub volume: Option<i64>,
}

impl VoiceModel {
    /// Decode a QID voice `extendParam`.
    pub fn extend(&self) -> Result<Option<VoiceExtend>> {
        self.extend_param.decode("extendParam")
    }
    /// Decode a legacy voice `extendParam`.
    pub fn legacy_extend(&self) -> Result<Option<LegacyVoiceExtend>> {
        self.extend_param.decode("extendParam")
    }
}

/// A public video template or live-streaming script (a downloadable package).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MaterialPackage {
    /// Id.
    pub id: i64,
    /// Name.
    #[serde(default)]
    pub material_name: Option<String>,
    /// Thumbnail URL.
    #[serde(default)]
    pub thumbnail_url: Option<String>,
    /// Template / script package URL.
    #[serde(default)]
    pub pkg_url: Option<String>,
    /// Example video URL (templates; empty for scripts).
    #[serde(default)]
    pub extend_url: Option<String>,
    /// Notes.
    #[serde(default)]
    pub desc: Option<String>,
    /// `yyyy-MM-dd HH:mm:ss`.
    #[serde(default)]
    pub create_time: Option<String>,
    /// `yyyy-MM-dd HH:mm:ss`.
    #[serde(default)]
    pub update_time: Option<String>,
}

/// One public catalogue: a paged list endpoint and a by-ids endpoint (`(action, path)` each).
struct Catalog {
    list: (&'static str, &'static str),
    by_ids: (&'static str, &'static str),
}

const AVATAR_MODELS: Catalog = Catalog {
    list: ("AppearanceList", "/api/2dvh/v1/material/appearance/list"),
    by_ids: ("Appearance", "/api/2dvh/v1/material/appearance"),
};
const TTS_VOICES: Catalog = Catalog {
    list: ("TtsV3List", "/api/2dvh/v3/material/tts/list"),
    by_ids: ("TtsV3", "/api/2dvh/v3/material/tts"),
};
const LEGACY_TTS_VOICES: Catalog = Catalog {
    list: ("TtsList", "/api/2dvh/v1/material/tts/list"),
    by_ids: ("Tts", "/api/2dvh/v1/material/tts"),
};
const VIDEO_TEMPLATES: Catalog = Catalog {
    list: (
        "VideoTemplateList",
        "/api/2dvh/v1/material/video/template/list",
    ),
    by_ids: ("VideoTemplate", "/api/2dvh/v1/material/video/template"),
};
const LIVE_SCRIPTS: Catalog = Catalog {
    list: ("LiveScriptList", "/api/2dvh/v1/material/live/script/list"),
    by_ids: ("LiveScript", "/api/2dvh/v1/material/live/script"),
};

impl Client {
    async fn list_catalog<T: DeserializeOwned>(
        &self,
        catalog: &Catalog,
        page: &PageRequest,
    ) -> Result<Page<T>> {
        let (action, path) = catalog.list;
        self.post_query(action, path, page).await
    }

    fn stream_catalog<T>(
        &self,
        catalog: &Catalog,
        template: PageRequest,
    ) -> BoxStream<'static, Result<T>>
    where
        T: DeserializeOwned + Send + 'static,
    {
        let (action, path) = catalog.list;
        self.stream_paged(
            template,
            |p| p,
            move |client, page| async move { client.post_query(action, path, &page).await },
        )
    }

    async fn catalog_by_ids<T: DeserializeOwned>(
        &self,
        catalog: &Catalog,
        ids: &[i64],
    ) -> Result<Vec<T>> {
        let (action, path) = catalog.by_ids;
        Ok(self.post_ids(action, path, ids, Operation::Query).await?.0)
    }

    /// `POST /api/2dvh/v1/material/appearance/list`.
    pub async fn list_avatar_models(&self, page: &PageRequest) -> Result<Page<AvatarModel>> {
        self.list_catalog(&AVATAR_MODELS, page).await
    }
    /// Every public avatar model, page by page.
    pub fn stream_avatar_models(
        &self,
        template: PageRequest,
    ) -> BoxStream<'static, Result<AvatarModel>> {
        self.stream_catalog(&AVATAR_MODELS, template)
    }
    /// `POST /api/2dvh/v1/material/appearance` `{"ids": […]}`.
    pub async fn avatar_models(&self, ids: &[i64]) -> Result<Vec<AvatarModel>> {
        self.catalog_by_ids(&AVATAR_MODELS, ids).await
    }

    /// `POST /api/2dvh/v3/material/tts/list` (QID voices).
    pub async fn list_tts_voices(&self, page: &PageRequest) -> Result<Page<VoiceModel>> {
        self.list_catalog(&TTS_VOICES, page).await
    }
    /// Every public QID voice, page by page.
    pub fn stream_tts_voices(
        &self,
        template: PageRequest,
    ) -> BoxStream<'static, Result<VoiceModel>> {
        self.stream_catalog(&TTS_VOICES, template)
    }
    /// `POST /api/2dvh/v3/material/tts` `{"ids": […]}` (QID voices).
    pub async fn tts_voices(&self, ids: &[i64]) -> Result<Vec<VoiceModel>> {
        self.catalog_by_ids(&TTS_VOICES, ids).await
    }

    /// `POST /api/2dvh/v1/material/tts/list` (legacy voices).
    pub async fn list_legacy_tts_voices(&self, page: &PageRequest) -> Result<Page<VoiceModel>> {
        self.list_catalog(&LEGACY_TTS_VOICES, page).await
    }
    /// Every public legacy voice, page by page.
    pub fn stream_legacy_tts_voices(
        &self,
        template: PageRequest,
    ) -> BoxStream<'static, Result<VoiceModel>> {
        self.stream_catalog(&LEGACY_TTS_VOICES, template)
    }
    /// `POST /api/2dvh/v1/material/tts` `{"ids": […]}` (legacy voices).
    pub async fn legacy_tts_voices(&self, ids: &[i64]) -> Result<Vec<VoiceModel>> {
        self.catalog_by_ids(&LEGACY_TTS_VOICES, ids).await
    }

    /// `POST /api/2dvh/v1/material/video/template/list`.
    pub async fn list_video_templates(&self, page: &PageRequest) -> Result<Page<MaterialPackage>> {
        self.list_catalog(&VIDEO_TEMPLATES, page).await
    }
    /// Every public video template, page by page.
    pub fn stream_video_templates(
        &self,
        template: PageRequest,
    ) -> BoxStream<'static, Result<MaterialPackage>> {
        self.stream_catalog(&VIDEO_TEMPLATES, template)
    }
    /// `POST /api/2dvh/v1/material/video/template` `{"ids": […]}`.
    pub async fn video_templates(&self, ids: &[i64]) -> Result<Vec<MaterialPackage>> {
        self.catalog_by_ids(&VIDEO_TEMPLATES, ids).await
    }

    /// `POST /api/2dvh/v1/material/live/script/list`.
    pub async fn list_live_scripts(&self, page: &PageRequest) -> Result<Page<MaterialPackage>> {
        self.list_catalog(&LIVE_SCRIPTS, page).await
    }
    /// Every public live-streaming script, page by page.
    pub fn stream_live_scripts(
        &self,
        template: PageRequest,
    ) -> BoxStream<'static, Result<MaterialPackage>> {
        self.stream_catalog(&LIVE_SCRIPTS, template)
    }
    /// `POST /api/2dvh/v1/material/live/script` `{"ids": […]}`.
    pub async fn live_scripts(&self, ids: &[i64]) -> Result<Vec<MaterialPackage>> {
        self.catalog_by_ids(&LIVE_SCRIPTS, ids).await
    }
}
