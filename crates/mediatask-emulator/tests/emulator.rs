//! End-to-end checks of the emulator with a plain HTTP client: lifecycle, auth, faults,
//! counters and result files.

use mediatask_emulator::{Emulator, EmulatorConfig, FaultRule, Timing, xjc_sign};
use serde_json::{Value, json};
use std::time::Duration;

async fn start() -> Emulator {
    Emulator::start(EmulatorConfig::default().with_timing(Timing {
        step: Duration::from_millis(50),
        queued_steps: 1,
        running_steps: 3,
    }))
    .await
    .expect("emulator starts")
}

fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .timeout(Duration::from_secs(5))
        .build()
        .unwrap()
}

#[tokio::test]
async fn reccloud_task_runs_to_completion_and_serves_its_file() {
    let emu = start().await;
    let base = emu.base_url("reccloud").unwrap().to_owned();
    let key = emu.config().credentials.reccloud_api_key.clone();
    let http = client();

    let bad = http
        .post(format!("{base}/api/tasks/audio/recognition"))
        .header("X-API-KEY", "wrong")
        .json(&json!({"url": "https://example.com/a.mp3", "type": 4}))
        .send()
        .await
        .unwrap();
    assert_eq!(bad.status(), 401);

    let created: Value = http
        .post(format!("{base}/api/tasks/audio/recognition"))
        .header("X-API-KEY", &key)
        .json(&json!({"url": "https://example.com/a.mp3", "type": 4}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(created["status"], 200);
    let id = created["data"]["task_id"].as_str().unwrap().to_owned();

    let mut states = Vec::new();
    let data = loop {
        let v: Value = http
            .get(format!("{base}/api/tasks/audio/recognition/{id}"))
            .header("X-API-KEY", &key)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let state = v["data"]["state"].as_i64().unwrap();
        if states.last() != Some(&state) {
            states.push(state);
        }
        if state == 1 {
            break v["data"].clone();
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    };
    assert_eq!(states.first(), Some(&0));
    assert!(states.contains(&4) || states.contains(&2), "{states:?}");
    assert_eq!(data["result"][0]["speaker"], "Speaker 1");

    let unknown = http
        .get(format!("{base}/api/tasks/audio/recognition/nope"))
        .header("X-API-KEY", &key)
        .send()
        .await
        .unwrap();
    assert_eq!(unknown.status(), 404);
    let stats = emu.stats("reccloud").unwrap();
    assert_eq!(stats.jobs_created, 1);
    assert_eq!(stats.auth_failures, 1);
}

#[tokio::test]
async fn dropped_answer_still_creates_exactly_one_job() {
    let emu = start().await;
    emu.inject(FaultRule::parse("vozo:drop:submit").unwrap())
        .unwrap();
    let base = emu.base_url("vozo").unwrap().to_owned();
    let key = emu.config().credentials.vozo_api_key.clone();
    let body = json!({"media_type": "video", "media_url": "https://e.com/v.mp4",
        "source_language": "auto", "target_language": "en", "export_type": "video"});
    let sent = client()
        .post(format!("{base}/v1/media/translate"))
        .bearer_auth(&key)
        .json(&body)
        .send()
        .await;
    let outcome = match sent {
        Err(e) => format!("send error: {e}"),
        Ok(r) => match r.bytes().await {
            Err(e) => format!("body error: {e}"),
            Ok(b) => panic!("the answer should be lost, got {b:?}"),
        },
    };
    eprintln!("{outcome}");
    let stats = emu.stats("vozo").unwrap();
    assert_eq!(stats.jobs_created, 1);
    assert_eq!(stats.faults_fired["drop"], 1);
}

#[tokio::test]
async fn throttling_and_server_errors_use_vendor_envelopes() {
    let emu = start().await;
    emu.inject(FaultRule::parse("reccloud:429=3:any:1").unwrap())
        .unwrap();
    emu.inject(FaultRule::parse("reccloud:5xx=503:any:1:1").unwrap())
        .unwrap();
    let base = emu.base_url("reccloud").unwrap().to_owned();
    let key = emu.config().credentials.reccloud_api_key.clone();
    let http = client();
    let first = http
        .get(format!("{base}/api/tasks/audio/recognition/x"))
        .header("X-API-KEY", &key)
        .send()
        .await
        .unwrap();
    assert_eq!(first.status(), 429);
    assert_eq!(first.headers()["retry-after"], "3");
    let second = http
        .get(format!("{base}/api/tasks/audio/recognition/x"))
        .header("X-API-KEY", &key)
        .send()
        .await
        .unwrap();
    assert_eq!(second.status(), 503);
    let v: Value = second.json().await.unwrap();
    assert_eq!(v["status"], 503);
    let third = http
        .get(format!("{base}/api/tasks/audio/recognition/x"))
        .header("X-API-KEY", &key)
        .send()
        .await
        .unwrap();
    assert_eq!(third.status(), 404);
    assert_eq!(emu.stats("reccloud").unwrap().jobs_created, 0);
}

#[tokio::test]
async fn xjc_tokens_are_issued_checked_and_expired() {
    let emu = start().await;
    let base = emu.base_url("xjc").unwrap().to_owned();
    let creds = emu.config().credentials.clone();
    let http = client();
    let ts = chrono::Utc::now().timestamp_millis().to_string();
    let sign = xjc_sign(&creds.xjc_access_key, &ts, &creds.xjc_secret_key);
    let bad: Value = http
        .get(format!("{base}/api/model/v5/oauth/token"))
        .query(&[
            ("accessKey", creds.xjc_access_key.as_str()),
            ("timestamp", ts.as_str()),
            ("sign", "00"),
        ])
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(bad["code"], 20003);
    let old = (chrono::Utc::now().timestamp_millis() - 600_000).to_string();
    let old_sign = xjc_sign(&creds.xjc_access_key, &old, &creds.xjc_secret_key);
    let stale: Value = http
        .get(format!("{base}/api/model/v5/oauth/token"))
        .query(&[
            ("accessKey", creds.xjc_access_key.as_str()),
            ("timestamp", old.as_str()),
            ("sign", old_sign.as_str()),
        ])
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        stale["code"], 20003,
        "a timestamp older than 3 minutes is refused"
    );
    let tok: Value = http
        .get(format!("{base}/api/model/v5/oauth/token"))
        .query(&[
            ("accessKey", creds.xjc_access_key.as_str()),
            ("timestamp", ts.as_str()),
            ("sign", sign.as_str()),
        ])
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(tok["code"], 0);
    let token = tok["data"]["token"].as_str().unwrap().to_owned();
    assert!(tok["data"]["expiresIn"].as_i64().unwrap() > chrono::Utc::now().timestamp_millis());

    let created: Value = http
        .post(format!("{base}/api/model/v5/works/create"))
        .header("authorization-token", &token)
        .json(&json!({"audioUrl": "https://e.com/a.wav", "videoUrl": "https://e.com/v.mp4", "title": "t"}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(created["code"], 0, "{created}");
    let job = created["data"]["jobId"].as_str().unwrap().to_owned();

    emu.inject(FaultRule::parse("xjc:expire-token:poll").unwrap())
        .unwrap();
    let expired: Value = http
        .post(format!("{base}/api/model/v5/works/inspect"))
        .header("authorization-token", &token)
        .json(&json!({"jobId": job}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(expired["code"], 20002);
    let again: Value = http
        .post(format!("{base}/api/model/v5/works/inspect"))
        .header("authorization-token", &token)
        .json(&json!({"jobId": job}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(again["code"], 20002, "an expired token stays expired");
    let stats = emu.stats("xjc").unwrap();
    assert_eq!(stats.tokens_issued, 1);
    assert_eq!(stats.auth_failures, 4);
}

#[tokio::test]
async fn result_urls_expire_and_malformed_bodies_are_served() {
    let emu = start().await;
    let base = emu.base_url("vozo").unwrap().to_owned();
    let key = emu.config().credentials.vozo_api_key.clone();
    let http = client();
    let created: Value = http
        .post(format!("{base}/v1/video_generation"))
        .bearer_auth(&key)
        .json(
            &json!({"reference_file_url": "https://e.com/v.mp4", "audio_url": "https://e.com/a.wav",
            "model": "standard_v1", "reference_file_type": "video"}),
        )
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let id = created["task_id"].as_str().unwrap().to_owned();
    tokio::time::sleep(Duration::from_millis(250)).await;
    let done: Value = http
        .get(format!("{base}/v1/video_generation/{id}"))
        .bearer_auth(&key)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(done["status"], "done");
    let url = done["video_url"].as_str().unwrap();
    let file = http.get(url).send().await.unwrap();
    assert_eq!(file.status(), 200);
    assert_eq!(&file.bytes().await.unwrap()[4..8], b"ftyp");

    emu.inject(FaultRule::parse("vozo:expire-urls:poll").unwrap())
        .unwrap();
    let expired: Value = http
        .get(format!("{base}/v1/video_generation/{id}"))
        .bearer_auth(&key)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let gone = http
        .get(expired["video_url"].as_str().unwrap())
        .send()
        .await
        .unwrap();
    assert_eq!(gone.status(), 403);
    assert!(gone.text().await.unwrap().contains("AccessDenied"));

    emu.inject(FaultRule::parse("vozo:html:poll").unwrap())
        .unwrap();
    let html = http
        .get(format!("{base}/v1/video_generation/{id}"))
        .bearer_auth(&key)
        .send()
        .await
        .unwrap();
    assert!(html.text().await.unwrap().contains("<html>"));
    emu.inject(FaultRule::parse("vozo:truncated:poll").unwrap())
        .unwrap();
    let truncated = http
        .get(format!("{base}/v1/video_generation/{id}"))
        .bearer_auth(&key)
        .send()
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap();
    assert!(serde_json::from_slice::<Value>(&truncated).is_err());
    let stats = emu.stats("vozo").unwrap();
    assert_eq!((stats.downloads, stats.expired_downloads), (1, 1));
}

#[tokio::test]
async fn vendor_rate_limit_is_enforced_and_measured() {
    let emu = Emulator::start(EmulatorConfig::default().with_rate_limit("reccloud", 3))
        .await
        .unwrap();
    let base = emu.base_url("reccloud").unwrap().to_owned();
    let key = emu.config().credentials.reccloud_api_key.clone();
    let http = client();
    let mut codes = Vec::new();
    for _ in 0..5 {
        let r = http
            .get(format!("{base}/api/tasks/audio/recognition/x"))
            .header("X-API-KEY", &key)
            .send()
            .await
            .unwrap();
        codes.push(r.status().as_u16());
    }
    assert_eq!(codes, [404, 404, 404, 429, 429]);
    let stats = emu.stats("reccloud").unwrap();
    assert_eq!(stats.throttled, 2);
    assert_eq!(stats.max_requests_in_one_second, 5);
}
