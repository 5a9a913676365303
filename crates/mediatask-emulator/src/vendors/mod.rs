//! One module per emulated vendor: its routes, its auth check and its wire dialect.

pub(crate) mod reccloud;
pub(crate) mod softsugar;
pub(crate) mod tc3;
pub(crate) mod tencent;
pub(crate) mod vozo;
pub(crate) mod xjc;

use crate::state::VendorCtx;
use crate::wire::Dialect;
use axum::Router;
use std::sync::Arc;

/// Compare a presented key with the expected one in constant time (length still leaks).
pub(crate) fn keys_match(presented: &str, expected: &str) -> bool {
    let (a, b) = (presented.as_bytes(), expected.as_bytes());
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |d, (x, y)| d | (x ^ y)) == 0
}

/// The routes and dialect of `vendor`.
pub(crate) fn build(vendor: &str, ctx: Arc<VendorCtx>) -> Option<(Router, Arc<dyn Dialect>)> {
    Some(match vendor {
        tencent::NAME => (tencent::router(ctx), Arc::new(tencent::TencentDialect)),
        softsugar::NAME => (
            softsugar::router(ctx),
            Arc::new(softsugar::SoftSugarDialect),
        ),
        xjc::NAME => (xjc::router(ctx), Arc::new(xjc::XjcDialect)),
        reccloud::NAME => (reccloud::router(ctx), Arc::new(reccloud::RecCloudDialect)),
        vozo::NAME => (vozo::router(ctx), Arc::new(vozo::VozoDialect)),
        _ => return None,
    })
}
