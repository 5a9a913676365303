//! The emulator's non-task endpoints with a plain HTTP client: SoftSugar restart, delete,
//! phase cost, bills, catalogues and warming query; ai-xjc balance and bill list — auth
//! checked, refusals in the vendor envelope, pages that add up.

use mediatask_emulator::{Emulator, EmulatorConfig, FaultRule, Timing, softsugar_sign, xjc_sign};
use serde_json::{Value, json};
use std::collections::BTreeSet;
use std::time::Duration;

async fn start() -> Emulator {
    Emulator::start(EmulatorConfig::default().with_timing(Timing {
        step: Duration::from_millis(40),
        queued_steps: 1,
        running_steps: 3,
    }))
    .await
    .expect("emulator starts")
}

fn http() -> reqwest::Client {
    reqwest::Client::builder()
        .timeout(Duration::from_secs(5))
        .build()
        .unwrap()
}

/// A SoftSugar bearer token from the emulator.
async fn softsugar_token(emu: &Emulator, http: &reqwest::Client) -> String {
    let c = &emu.config().credentials;
    let ts = chrono::Utc::now().timestamp().to_string();
    let sign = softsugar_sign(&c.softsugar_app_id, &ts, &c.softsugar_app_key);
    let body: Value = http
        .post(format!(
            "{}/api/uc/v1/access/api/token",
            emu.base_url("softsugar").unwrap()
        ))
        .json(&json!({"appId": c.softsugar_app_id, "timestamp": ts, "sign": sign, "grantType": "sign"}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    body["data"]["accessToken"].as_str().unwrap().to_owned()
}

/// Call SoftSugar with (or without) a token; returns (HTTP status, body).
async fn ss(
    emu: &Emulator,
    http: &reqwest::Client,
    method: reqwest::Method,
    path: &str,
    token: Option<&str>,
    body: Option<Value>,
) -> (u16, Value) {
    let mut req = http.request(
        method,
        format!("{}{path}", emu.base_url("softsugar").unwrap()),
    );
    if let Some(t) = token {
        req = req.bearer_auth(t);
    }
    if let Some(b) = body {
        req = req.json(&b);
    }
    let resp = req.send().await.unwrap();
    let status = resp.status().as_u16();
    (status, resp.json().await.unwrap())
}

async fn create_face_swap(emu: &Emulator, http: &reqwest::Client, token: &str) -> i64 {
    let (_, created) = ss(
        emu,
        http,
        reqwest::Method::POST,
        "/api/2dvh/v1/material/face/swap/create",
        Some(token),
        Some(json!({"facePhotoUrl": "https://e/f.png", "videoUrl": "https://e/v.mp4", "materialName": "t"})),
    )
    .await;
    created["data"].as_i64().unwrap()
}

async fn status_of(emu: &Emulator, http: &reqwest::Client, token: &str, id: i64) -> Option<i64> {
    let (_, info) = ss(
        emu,
        http,
        reqwest::Method::POST,
        "/api/2dvh/v1/task/info",
        Some(token),
        Some(json!({"ids": [id]})),
    )
    .await;
    info["data"][0]["status"].as_i64()
}

#[tokio::test]
async fn softsugar_restart_delete_and_phase_cost() {
    let emu = start().await;
    let http = http();
    let token = softsugar_token(&emu, &http).await;
    use reqwest::Method as M;

    // every new endpoint checks the token
    for (m, path) in [
        (M::GET, "/api/2dvh/v1/task/restart?id=1"),
        (M::DELETE, "/api/2dvh/v1/task/del/1"),
        (M::GET, "/api/2dvh/v1/task/phase/cost?id=1"),
        (M::POST, "/api/assist/bill/list"),
        (M::POST, "/api/2dvh/v1/material/appearance/list"),
        (M::GET, "/api/2dvh/v1/material/file/warming/query?fileIds=a"),
    ] {
        let (status, body) = ss(&emu, &http, m, path, None, Some(json!({}))).await;
        assert_eq!((status, body["code"].clone()), (401, json!(401)), "{path}");
    }

    // a task that fails, then is restarted under the same id and succeeds
    emu.inject(FaultRule::parse("softsugar:fail=9:submit:1").unwrap())
        .unwrap();
    let id = create_face_swap(&emu, &http, &token).await;
    let (_, early) = ss(
        &emu,
        &http,
        M::GET,
        &format!("/api/2dvh/v1/task/restart?id={id}"),
        Some(&token),
        None,
    )
    .await;
    assert_eq!(early["code"], 10006, "a task that has not failed: {early}");
    let (_, running_delete) = ss(
        &emu,
        &http,
        M::DELETE,
        &format!("/api/2dvh/v1/task/del/{id}"),
        Some(&token),
        None,
    )
    .await;
    assert_eq!(running_delete["code"], 10007, "{running_delete}");
    tokio::time::sleep(Duration::from_millis(250)).await;
    assert_eq!(status_of(&emu, &http, &token, id).await, Some(9));
    let (_, restarted) = ss(
        &emu,
        &http,
        M::GET,
        &format!("/api/2dvh/v1/task/restart?id={id}"),
        Some(&token),
        None,
    )
    .await;
    assert_eq!(restarted["data"], json!(id), "{restarted}");
    assert_ne!(status_of(&emu, &http, &token, id).await, Some(9));
    tokio::time::sleep(Duration::from_millis(250)).await;
    assert_eq!(status_of(&emu, &http, &token, id).await, Some(5));

    // phase cost: face swap has none; unknown ids are refused
    let (_, none) = ss(
        &emu,
        &http,
        M::GET,
        &format!("/api/2dvh/v1/task/phase/cost?id={id}"),
        Some(&token),
        None,
    )
    .await;
    assert_eq!(none["data"], json!([]));
    let (_, unknown) = ss(
        &emu,
        &http,
        M::GET,
        "/api/2dvh/v1/task/phase/cost?id=1",
        Some(&token),
        None,
    )
    .await;
    assert_eq!(unknown["code"], 10004);

    // delete by query and by path; gone afterwards
    let (_, deleted) = ss(
        &emu,
        &http,
        M::DELETE,
        &format!("/api/2dvh/v1/task/del?id={id}"),
        Some(&token),
        None,
    )
    .await;
    assert_eq!(
        (deleted["code"].clone(), deleted["data"].clone()),
        (json!(0), Value::Null)
    );
    assert_eq!(status_of(&emu, &http, &token, id).await, None);
    let (_, again) = ss(
        &emu,
        &http,
        M::DELETE,
        &format!("/api/2dvh/v1/task/del/{id}"),
        Some(&token),
        None,
    )
    .await;
    assert_eq!(again["code"], 10004);
}

#[tokio::test]
async fn softsugar_catalogue_pages_add_up_and_bills_are_checked() {
    let emu = start().await;
    let http = http();
    let token = softsugar_token(&emu, &http).await;
    use reqwest::Method as M;

    let mut ids = BTreeSet::new();
    let mut records = 0;
    for page in 1..=4 {
        let (_, body) = ss(
            &emu,
            &http,
            M::POST,
            "/api/2dvh/v1/material/appearance/list",
            Some(&token),
            Some(json!({"pageNo": page, "pageSize": 7})),
        )
        .await;
        let p = &body["data"]["pagination"];
        assert_eq!(p["numberPages"], 4, "{body}");
        records = p["numberRecords"].as_u64().unwrap();
        for item in body["data"]["result"].as_array().unwrap() {
            assert!(ids.insert(item["id"].as_i64().unwrap()), "{item}");
            let ext: Value = serde_json::from_str(item["extendParam"].as_str().unwrap()).unwrap();
            assert!(ext["faceFeatureId"].is_string(), "{item}");
            assert!(item["pkgUrl"].as_str().unwrap().contains("Signature="));
        }
    }
    assert_eq!(ids.len() as u64, records);
    let (_, by_ids) = ss(
        &emu,
        &http,
        M::POST,
        "/api/2dvh/v3/material/tts",
        Some(&token),
        Some(json!({"ids": [3_310_001, 42]})),
    )
    .await;
    let found = by_ids["data"].as_array().unwrap();
    assert_eq!(found.len(), 1, "{by_ids}");
    assert_eq!(found[0]["extendParam"]["qid"], "EAdUVf:emu-voice-02");

    // bills: validated like the vendor, paged, totals per page
    let (_, bad) = ss(
        &emu,
        &http,
        M::POST,
        "/api/assist/bill/list",
        Some(&token),
        Some(json!({"owner": 142, "algoGroup": 14, "algoType": 14, "billStartTime": "2024-01-01", "billEndTime": "2100-01-01 00:00:00"})),
    )
    .await;
    assert_eq!(bad["code"], 10002, "{bad}");
    let (_, bills) = ss(
        &emu,
        &http,
        M::POST,
        "/api/assist/bill/list",
        Some(&token),
        Some(json!({"owner": 142, "algoGroup": "14", "algoType": "14", "billStartTime": "2000-01-01 00:00:00",
            "billEndTime": "2100-01-01 00:00:00", "pageNo": 1, "pageSize": 4})),
    )
    .await;
    let data = &bills["data"];
    assert_eq!(data["pagination"]["numberRecords"], 30, "{bills}");
    assert_eq!(data["result"].as_array().unwrap().len(), 4);
    let seconds: f64 = data["result"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["billingValue"].as_f64().unwrap())
        .sum();
    assert_eq!(data["usedSum"], json!(format!("{:.2}", seconds / 60.0)));
    let (_, voice) = ss(
        &emu,
        &http,
        M::POST,
        "/api/assist/bill/voice/list",
        Some(&token),
        Some(json!({"owner": 142, "algoType": 30, "billStartTime": "2000-01-01 00:00:00",
            "billEndTime": "2100-01-01 00:00:00", "algoSubType1": "PAAS_WS", "algoSubType2": "", "statRange": 1})),
    )
    .await;
    let v = &voice["data"];
    assert_eq!(v["pagination"]["numberRecords"], 40, "{voice}");
    assert!(
        v["result"]
            .as_array()
            .unwrap()
            .iter()
            .all(|r| r["algoSubType1"] == "PAAS_WS" && r["algoSubType2"] == "ASR5")
    );
    let (_, bad_range) = ss(
        &emu,
        &http,
        M::POST,
        "/api/assist/bill/voice/list",
        Some(&token),
        Some(
            json!({"owner": 142, "algoType": 31, "billStartTime": "2000-01-01 00:00:00",
            "billEndTime": "2100-01-01 00:00:00", "statRange": 3}),
        ),
    )
    .await;
    assert_eq!(bad_range["code"], 10002);

    // warming query: files of warming tasks, unknown ids left out
    let (_, created) = ss(
        &emu,
        &http,
        M::POST,
        "/api/2dvh/v1/material/file/warming",
        Some(&token),
        Some(json!({"materialName": "w", "param": "[{\"fileId\":\"f-9\",\"fileUrl\":\"https://e/bg.png\"}]"})),
    )
    .await;
    let task = created["data"].as_i64().unwrap();
    let (_, files) = ss(
        &emu,
        &http,
        M::GET,
        "/api/2dvh/v1/material/file/warming/query?fileIds=f-9,nope",
        Some(&token),
        None,
    )
    .await;
    assert_eq!(files["data"].as_array().unwrap().len(), 1, "{files}");
    assert_eq!(files["data"][0]["taskId"], task);
    assert_eq!(files["data"][0]["fileUrl"], "https://e/bg.png");
}

#[tokio::test]
async fn xjc_balance_and_bill_pages() {
    let emu = start().await;
    let http = http();
    let base = emu.base_url("xjc").unwrap().to_owned();
    let c = emu.config().credentials.clone();
    let ts = chrono::Utc::now().timestamp_millis().to_string();
    let sign = xjc_sign(&c.xjc_access_key, &ts, &c.xjc_secret_key);
    let tok: Value = http
        .get(format!("{base}/api/model/v5/oauth/token"))
        .query(&[
            ("accessKey", c.xjc_access_key.as_str()),
            ("timestamp", ts.as_str()),
            ("sign", sign.as_str()),
        ])
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let token = tok["data"]["token"].as_str().unwrap().to_owned();
    let get = |path: String, token: Option<String>| {
        let http = http.clone();
        async move {
            let mut req = http.get(path);
            if let Some(t) = token {
                req = req.header("authorization-token", t);
            }
            req.send().await.unwrap().json::<Value>().await.unwrap()
        }
    };
    let unauth = get(
        format!("{base}/api/model/v5/user/bill/list?pn=1&ds=5"),
        None,
    )
    .await;
    assert_eq!(unauth["code"], 20002);
    let missing = get(
        format!("{base}/api/model/v5/user/bill/list?pn=1&ds=0"),
        Some(token.clone()),
    )
    .await;
    assert_eq!(missing["code"], 20004);
    let mut seen = 0;
    let mut total = 0;
    for pn in 1..=4 {
        let page = get(
            format!("{base}/api/model/v5/user/bill/list?pn={pn}&ds=5"),
            Some(token.clone()),
        )
        .await;
        total = page["data"]["total"].as_u64().unwrap();
        seen += page["data"]["list"].as_array().unwrap().len() as u64;
    }
    assert_eq!((seen, total), (17, 17));
    let fees: i64 = get(
        format!("{base}/api/model/v5/user/bill/list?pn=1&ds=100"),
        Some(token.clone()),
    )
    .await["data"]["list"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| b["fee"].as_i64().unwrap())
        .sum();
    let balance = get(
        format!("{base}/api/model/v5/user/balance"),
        Some(token.clone()),
    )
    .await;
    assert_eq!(balance["data"]["balance"], 5000 - fees, "{balance}");
    assert_eq!(balance["data"]["voiceLiteTotalQuantity"], 10);
}
