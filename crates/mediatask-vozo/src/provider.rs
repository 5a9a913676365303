//! [`VozoProvider`]: the registry entry of Vozo (kinds `translate_dub`, `lip_sync`,
//! `reusable_lip_sync`), built from JSON configuration by [`provider_from_json`].

use crate::client::VozoClient;
use crate::config::VozoConfig;
use crate::tasks::{LipSync, ReusableLipSync, TranslateDub};
use mediatask_core::{DynMediaTask, MediaTask, Provider, Result, TaskInfo, unknown_kind};
use std::sync::Arc;

/// Every Vozo job kind, sharing one client.
#[derive(Debug, Clone)]
pub struct VozoProvider {
    translate_dub: Arc<TranslateDub>,
    lip_sync: Arc<LipSync>,
    reusable_lip_sync: Arc<ReusableLipSync>,
}

impl VozoProvider {
    /// A provider over `client`.
    pub fn new(client: VozoClient) -> Self {
        VozoProvider {
            translate_dub: Arc::new(TranslateDub::new(client.clone())),
            lip_sync: Arc::new(LipSync::new(client.clone())),
            reusable_lip_sync: Arc::new(ReusableLipSync::new(client)),
        }
    }
}

impl Provider for VozoProvider {
    fn name(&self) -> &'static str {
        crate::PROVIDER
    }

    fn kinds(&self) -> Vec<TaskInfo> {
        vec![
            MediaTask::info(self.translate_dub.as_ref()).clone(),
            MediaTask::info(self.lip_sync.as_ref()).clone(),
            MediaTask::info(self.reusable_lip_sync.as_ref()).clone(),
        ]
    }

    fn task(&self, kind: &str) -> Result<Arc<dyn DynMediaTask>> {
        match kind {
            crate::tasks::TRANSLATE_DUB_KIND => Ok(self.translate_dub.clone()),
            crate::tasks::LIP_SYNC_KIND => Ok(self.lip_sync.clone()),
            crate::tasks::REUSABLE_LIP_SYNC_KIND => Ok(self.reusable_lip_sync.clone()),
            other => Err(unknown_kind(crate::PROVIDER, other, &self.kinds())),
        }
    }
}

/// Build the Vozo provider from a JSON object (`{}` = key from `VOZO_API_KEY`, defaults
/// otherwise; `"base_url"` overrides the host).
///
/// ```
/// let p = mediatask_vozo::provider_from_json(serde_json::json!({"api_key": "k"})).unwrap();
/// let kinds: Vec<_> = p.kinds().iter().map(|k| k.kind).collect();
/// assert_eq!(kinds, ["translate_dub", "lip_sync", "reusable_lip_sync"]);
/// ```
pub fn provider_from_json(config: serde_json::Value) -> Result<Arc<dyn Provider>> {
    provider_from_json_with(config, &|_| {})
}

/// [`provider_from_json`], letting the caller adjust the transport configuration (which JSON
/// cannot carry), e.g. a shared rate gate for every process on the account.
pub fn provider_from_json_with(
    config: serde_json::Value,
    tune_http: &dyn Fn(&mut mediatask_http::HttpConfig),
) -> Result<Arc<dyn Provider>> {
    let mut config = VozoConfig::from_json(config)?;
    tune_http(&mut config.http);
    Ok(Arc::new(VozoProvider::new(VozoClient::new(config)?)))
}
