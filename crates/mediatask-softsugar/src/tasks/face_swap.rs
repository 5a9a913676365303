//! `face_swap`: SoftSugar video face swap (algoType 20; vendor marks it internal testing).

use super::common::{Common, TaskOutput};
use crate::Client;
use crate::api::{FaceSwapRequest, ProductKind};
use async_trait::async_trait;
use mediatask_core::{
    CancelOutcome, Capabilities, MediaTask, Result, TaskHandle, TaskInfo, TaskSnapshot,
};

/// SoftSugar video face swap (algoType 20; vendor marks it internal testing).
///
/// ```
/// use mediatask_core::MediaTask;
/// let client = mediatask_softsugar::Client::new(mediatask_softsugar::SoftSugarConfig::new("id", "key")).unwrap();
/// let task = mediatask_softsugar::tasks::FaceSwap::new(client);
/// assert_eq!(task.info().kind, "face_swap");
/// ```
#[derive(Debug, Clone)]
pub struct FaceSwap {
    common: Common,
}

impl FaceSwap {
    /// The task over a shared client.
    pub fn new(client: Client) -> Self {
        let mut capabilities = Capabilities::basic();
        capabilities.cancel = true;
        capabilities.callbacks = true;
        capabilities.result_ttl_secs = Some(crate::generated::tables::RESULT_TTL_SECS);
        capabilities.endpoint_confirmed = true;
        capabilities.notes = "POST /api/2dvh/v1/material/face/swap/create; result: video (pkgPath) + thumbnail, 7 days.";
        FaceSwap {
            common: Common {
                client,
                info: TaskInfo {
                    provider: crate::PROVIDER,
                    kind: "face_swap",
                    description: "SoftSugar video face swap (algoType 20; vendor marks it internal testing)",
                    capabilities,
                },
                product_kind: Some(ProductKind::FaceSwap),
                cancellable: true,
            },
        }
    }
}

#[async_trait]
impl MediaTask for FaceSwap {
    type Request = FaceSwapRequest;
    type Output = TaskOutput;

    fn info(&self) -> &TaskInfo {
        &self.common.info
    }

    async fn submit(&self, request: FaceSwapRequest) -> Result<TaskHandle> {
        request.validate()?;
        let client = self.common.client.clone();
        self.common
            .submit_with(
                Some(20),
                async move { client.create_face_swap(&request).await },
            )
            .await
    }

    async fn poll(&self, handle: &TaskHandle) -> Result<TaskSnapshot> {
        self.common.poll(handle).await
    }

    async fn cancel(&self, handle: &TaskHandle) -> Result<CancelOutcome> {
        self.common.cancel(handle).await
    }

    async fn result(&self, handle: &TaskHandle) -> Result<TaskOutput> {
        self.common.result(handle).await
    }
}
