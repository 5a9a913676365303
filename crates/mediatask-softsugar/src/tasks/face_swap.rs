//! `face_swap`: SoftSugar video face swap (algoType 20; vendor marks it internal testing).

use super::common::{Common, KindSpec, media_task_via_common};
use crate::Client;
use crate::api::{FaceSwapRequest, ProductKind};

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
        FaceSwap {
            common: Common::new(
                client,
                KindSpec {
                    kind: "face_swap",
                    description: "SoftSugar video face swap (algoType 20; vendor marks it internal testing)",
                    notes: "POST /api/2dvh/v1/material/face/swap/create; result: video (pkgPath) + thumbnail, 7 days.",
                    cancellable: true,
                    endpoint_confirmed: true,
                    product_kind: Some(ProductKind::FaceSwap),
                },
            ),
        }
    }
}

media_task_via_common!(FaceSwap, FaceSwapRequest, algo_type: Some(20), create: create_face_swap);
