//! Account endpoints: balance, one bill page, and the all-pages stream.

mod common;

use common::*;
use futures::TryStreamExt;
use httpmock::prelude::*;
use mediatask_core::ErrorKind;
use serde_json::json;

#[tokio::test]
async fn balance_documented_example() {
    let e = env().await;
    let _t = default_token(&e.server).await;
    let m = e
        .server
        .mock_async(|when, then| {
            when.method(GET)
                .path("/api/model/v5/user/balance")
                .header("authorization-token", TOKEN);
            then.status(200).json_body(ok(json!({
                "balance": 1200, "voiceLiteUsedQuantity": 1, "voiceLiteTotalQuantity": 5,
                "voiceProUsedQuantity": 0, "voiceProTotalQuantity": 2
            })));
        })
        .await;
    let b = e.client.balance().await.unwrap();
    assert_eq!(b.balance, Some(1200));
    assert_eq!(
        (b.voice_lite_used_quantity, b.voice_lite_total_quantity),
        (Some(1), Some(5))
    );
    assert_eq!(
        (b.voice_pro_used_quantity, b.voice_pro_total_quantity),
        (Some(0), Some(2))
    );
    m.assert_hits_async(1).await;
}

async fn page<'a>(
    server: &'a httpmock::MockServer,
    pn: &str,
    ds: &str,
    data: serde_json::Value,
) -> httpmock::Mock<'a> {
    let (pn, ds) = (pn.to_owned(), ds.to_owned());
    server
        .mock_async(move |when, then| {
            when.method(GET)
                .path("/api/model/v5/user/bill/list")
                .query_param("pn", pn)
                .query_param("ds", ds)
                .header("authorization-token", TOKEN);
            then.status(200).json_body(ok(data));
        })
        .await
}

#[tokio::test]
async fn bill_list_documented_example() {
    let e = env().await;
    let _t = default_token(&e.server).await;
    let m = page(
        &e.server,
        "0",
        "0",
        json!({"total": 0, "list": [{"type": "", "time": "", "duration": 0, "fee": 0}]}),
    )
    .await;
    let p = e.client.bill_list(0, 0).await.unwrap();
    assert_eq!(p.total, Some(0));
    assert_eq!(p.list.len(), 1);
    assert_eq!(p.list[0].fee, Some(0));
    m.assert_hits_async(1).await;
}

fn items(from: i64, n: i64) -> serde_json::Value {
    (from..from + n)
        .map(|i| json!({"type": "works", "time": format!("2026-01-01 00:00:{i:02}"), "duration": i, "fee": i * 10}))
        .collect()
}

#[tokio::test]
async fn bill_items_walks_every_page_and_stops_at_total() {
    let e = env().await;
    let _t = default_token(&e.server).await;
    let p1 = page(
        &e.server,
        "1",
        "2",
        json!({"total": 5, "list": items(0, 2)}),
    )
    .await;
    let p2 = page(
        &e.server,
        "2",
        "2",
        json!({"total": 5, "list": items(2, 2)}),
    )
    .await;
    let p3 = page(
        &e.server,
        "3",
        "2",
        json!({"total": 5, "list": items(4, 1)}),
    )
    .await;
    let p4 = page(&e.server, "4", "2", json!({"total": 5, "list": []})).await;
    let all: Vec<_> = e.client.bill_items(1, 2).try_collect().await.unwrap();
    assert_eq!(all.len(), 5);
    assert_eq!(all[4].fee, Some(40));
    for (m, n) in [(&p1, 1), (&p2, 1), (&p3, 1), (&p4, 0)] {
        m.assert_hits_async(n).await;
    }
}

#[tokio::test]
async fn bill_items_stops_on_an_empty_page_even_if_total_lies() {
    let e = env().await;
    let _t = default_token(&e.server).await;
    let _p1 = page(
        &e.server,
        "1",
        "2",
        json!({"total": 100, "list": items(0, 2)}),
    )
    .await;
    let p2 = page(&e.server, "2", "2", json!({"total": 100, "list": []})).await;
    let all: Vec<_> = e.client.bill_items(1, 2).try_collect().await.unwrap();
    assert_eq!(all.len(), 2);
    p2.assert_hits_async(1).await;
}

#[tokio::test]
async fn bill_items_surfaces_errors() {
    let e = env().await;
    let _t = default_token(&e.server).await;
    let _p1 = page(
        &e.server,
        "1",
        "2",
        json!({"total": 4, "list": items(0, 2)}),
    )
    .await;
    let _p2 = e
        .server
        .mock_async(|when, then| {
            when.method(GET)
                .path("/api/model/v5/user/bill/list")
                .query_param("pn", "2");
            then.status(200)
                .json_body(json!({"code": 20027, "msg": "API权限不足", "data": null}));
        })
        .await;
    let err = e
        .client
        .bill_items(1, 2)
        .try_collect::<Vec<_>>()
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::PermissionDenied);
}
