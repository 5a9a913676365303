//! The SDK never provokes HTTP 429 with the default limits (2 requests per sliding second,
//! 2 parallel tasks): 20 concurrent submits, each polled until it finishes, against a loopback
//! server that records the arrival time of every request, answers 429 itself when its own
//! sliding one-second window already holds 2 requests (like RecCloud), and counts tasks in
//! flight.
//!
//! The main test is deterministic: the client runs on a virtual clock whose sleeper advances
//! time only when nothing else is happening (no request, no new sleeper for a quiet period of
//! real time), and the server stamps arrivals with that same clock. A second, small test
//! does the same in real time.

mod common;

use async_trait::async_trait;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::{Json, Router};
use chrono::{DateTime, TimeZone, Utc};
use mediatask_core::runtime::FixedRandom;
use mediatask_core::{Clock, MediaTask, Runtime, Sleeper, TaskStatus};
use mediatask_reccloud::{RecCloudClient, RecCloudConfig, SpeechToText, SpeechToTextRequest};
use serde_json::{Value, json};
use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio::sync::oneshot;

// ---------- virtual time ----------

/// A clock + sleeper where time jumps to the next wake-up only once the system is quiet.
#[derive(Debug)]
struct VirtualTime {
    base: Instant,
    state: Mutex<VtState>,
    activity: AtomicU64,
}

#[derive(Debug, Default)]
struct VtState {
    offset: Duration,
    sleepers: Vec<(Duration, oneshot::Sender<()>)>,
}

impl VirtualTime {
    fn new() -> Arc<Self> {
        Arc::new(VirtualTime {
            base: Instant::now(),
            state: Mutex::new(VtState::default()),
            activity: AtomicU64::new(0),
        })
    }
    fn touch(&self) {
        self.activity.fetch_add(1, Ordering::SeqCst);
    }
    fn offset(&self) -> Duration {
        self.state.lock().unwrap().offset
    }
    /// Drive time: whenever nothing happened for `quiet` of real time, jump to the earliest
    /// wake-up and wake every sleeper due by then.
    async fn drive(self: Arc<Self>, quiet: Duration, stop: Arc<AtomicU64>) {
        while stop.load(Ordering::SeqCst) == 0 {
            let before = self.activity.load(Ordering::SeqCst);
            tokio::time::sleep(quiet).await;
            if self.activity.load(Ordering::SeqCst) != before {
                continue;
            }
            let mut st = self.state.lock().unwrap();
            let Some(next) = st.sleepers.iter().map(|(w, _)| *w).min() else {
                continue;
            };
            st.offset = st.offset.max(next);
            let now = st.offset;
            let (due, rest): (Vec<_>, Vec<_>) = st.sleepers.drain(..).partition(|(w, _)| *w <= now);
            st.sleepers = rest;
            drop(st);
            self.touch();
            for (_, tx) in due {
                let _ = tx.send(());
            }
        }
    }
}

impl Clock for VirtualTime {
    fn now(&self) -> Instant {
        self.base + self.offset()
    }
    fn now_utc(&self) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap()
            + chrono::Duration::from_std(self.offset()).unwrap()
    }
}

#[async_trait]
impl Sleeper for VirtualTime {
    async fn sleep(&self, d: Duration) {
        if d.is_zero() {
            tokio::task::yield_now().await;
            return;
        }
        let (tx, rx) = oneshot::channel();
        {
            let mut st = self.state.lock().unwrap();
            let wake = st.offset + d;
            st.sleepers.push((wake, tx));
        }
        self.touch();
        let _ = rx.await;
    }
}

// ---------- the loopback "RecCloud" ----------

#[derive(Default)]
struct Hits {
    stamps: Vec<Duration>,
    rejected_429: usize,
    creates: usize,
    polls: HashMap<String, u32>,
    in_flight: usize,
    max_in_flight: usize,
}

#[derive(Clone)]
struct ServerState {
    now: Arc<dyn Fn() -> Duration + Send + Sync>,
    on_hit: Arc<dyn Fn() + Send + Sync>,
    hits: Arc<Mutex<Hits>>,
}

impl ServerState {
    /// Record an arrival; `false` when RecCloud would answer 429 (2 already in the last second).
    fn admit(&self) -> bool {
        (self.on_hit)();
        let now = (self.now)();
        let mut h = self.hits.lock().unwrap();
        let recent = h
            .stamps
            .iter()
            .filter(|t| now.saturating_sub(**t) < Duration::from_secs(1))
            .count();
        h.stamps.push(now);
        if recent >= 2 {
            h.rejected_429 += 1;
            return false;
        }
        true
    }
}

fn too_many() -> (StatusCode, Json<Value>) {
    (
        StatusCode::TOO_MANY_REQUESTS,
        Json(json!({"status": 429, "message": "Too Many Requests"})),
    )
}

async fn create(State(s): State<ServerState>) -> (StatusCode, Json<Value>) {
    if !s.admit() {
        return too_many();
    }
    let mut h = s.hits.lock().unwrap();
    h.creates += 1;
    h.in_flight += 1;
    h.max_in_flight = h.max_in_flight.max(h.in_flight);
    let id = format!("t{}", h.creates);
    (
        StatusCode::OK,
        Json(json!({"status": 200, "message": "success", "data": {"task_id": id}})),
    )
}

async fn query(State(s): State<ServerState>, Path(id): Path<String>) -> (StatusCode, Json<Value>) {
    if !s.admit() {
        return too_many();
    }
    let mut h = s.hits.lock().unwrap();
    let n = {
        let n = h.polls.entry(id.clone()).or_default();
        *n += 1;
        *n
    };
    // first poll: processing; second poll: completed
    let state = if n >= 2 { 1 } else { 4 };
    if n == 2 {
        h.in_flight -= 1;
    }
    let data = json!({"state": state, "task_id": id, "progress": if state == 1 { 100 } else { 50 }, "result": "ok"});
    (
        StatusCode::OK,
        Json(json!({"status": 200, "message": "success", "data": data})),
    )
}

async fn serve(state: ServerState) -> String {
    let app = Router::new()
        .route("/api/tasks/audio/recognition", post(create))
        .route("/api/tasks/audio/recognition/{id}", get(query))
        .with_state(state);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        axum::serve(listener, app).await.unwrap();
    });
    format!("http://{addr}")
}

/// Submit, then poll every second (on `sleeper`) until terminal.
async fn submit_and_finish(
    task: Arc<SpeechToText>,
    sleeper: Arc<dyn Sleeper>,
    on_progress: Arc<dyn Fn() + Send + Sync>,
) {
    let h = task
        .submit(SpeechToTextRequest::new("https://h.example/a.mp3"))
        .await
        .expect("submit must not fail (no 429)");
    on_progress();
    loop {
        sleeper.sleep(Duration::from_secs(1)).await;
        let snap = task.poll(&h).await.expect("poll must not fail (no 429)");
        on_progress();
        if snap.status == TaskStatus::Succeeded {
            return;
        }
    }
}

/// No two requests that are 2 apart in arrival order may lie within one second.
fn max_in_any_window(stamps: &[Duration]) -> usize {
    let mut s = stamps.to_vec();
    s.sort();
    (0..s.len())
        .map(|i| {
            s[i..]
                .iter()
                .take_while(|t| **t - s[i] < Duration::from_secs(1))
                .count()
        })
        .max()
        .unwrap_or(0)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn twenty_concurrent_submits_never_exceed_two_per_second_virtual_time() {
    let vt = VirtualTime::new();
    let hits = Arc::new(Mutex::new(Hits::default()));
    let vt_now = vt.clone();
    let vt_hit = vt.clone();
    let base = serve(ServerState {
        now: Arc::new(move || vt_now.offset()),
        on_hit: Arc::new(move || vt_hit.touch()),
        hits: hits.clone(),
    })
    .await;
    let runtime = Runtime {
        clock: vt.clone(),
        sleeper: vt.clone(),
        random: Arc::new(FixedRandom(0.5)),
    };
    // default limits: 2 QPS and 2 parallel tasks
    let config = RecCloudConfig::default()
        .with_api_key(common::KEY)
        .with_base_url(base);
    assert_eq!(
        (config.requests_per_second, config.max_parallel_tasks),
        (2, 2)
    );
    let client = RecCloudClient::with_runtime(config, runtime).unwrap();
    let task = Arc::new(SpeechToText::new(client.clone()));
    let stop = Arc::new(AtomicU64::new(0));
    let driver = tokio::spawn(vt.clone().drive(Duration::from_millis(40), stop.clone()));
    let mut workers = Vec::new();
    for _ in 0..20 {
        let vt2 = vt.clone();
        workers.push(tokio::spawn(submit_and_finish(
            task.clone(),
            vt.clone(),
            Arc::new(move || vt2.touch()),
        )));
    }
    for w in workers {
        w.await.unwrap();
    }
    stop.store(1, Ordering::SeqCst);
    driver.await.unwrap();

    let h = hits.lock().unwrap();
    assert_eq!(h.rejected_429, 0, "the SDK provoked 429");
    assert_eq!(h.creates, 20);
    assert_eq!(h.stamps.len(), 20 + 40, "20 creates + 2 polls each");
    assert_eq!(
        max_in_any_window(&h.stamps),
        2,
        "at most 2 requests in any sliding second"
    );
    assert!(
        h.max_in_flight <= 2,
        "at most 2 parallel tasks, saw {}",
        h.max_in_flight
    );
    assert_eq!(h.max_in_flight, 2, "the pool is actually used");
    assert_eq!(
        client.transport().limiter().tasks_in_flight(),
        0,
        "every slot released"
    );
    // 60 requests at 2 per second need at least ~29 s of (virtual) time
    assert!(
        vt.offset() >= Duration::from_secs(29),
        "virtual time {:?}",
        vt.offset()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn three_concurrent_submits_in_real_time_stay_under_the_limit() {
    let start = Instant::now();
    let hits = Arc::new(Mutex::new(Hits::default()));
    let base = serve(ServerState {
        now: Arc::new(move || start.elapsed()),
        on_hit: Arc::new(|| {}),
        hits: hits.clone(),
    })
    .await;
    // default 2 QPS / 2 tasks; a wider window margin absorbs loopback scheduling jitter on a
    // loaded machine (real time cannot be made deterministic)
    let mut http = mediatask_http::HttpConfig::default();
    http.limits.window_margin = Duration::from_millis(150);
    let config = RecCloudConfig::default()
        .with_api_key(common::KEY)
        .with_base_url(base)
        .with_http(http);
    let client = RecCloudClient::new(config).unwrap();
    let task = Arc::new(SpeechToText::new(client));
    let sleeper: Arc<dyn Sleeper> = Arc::new(mediatask_core::runtime::TokioSleeper);
    let mut workers = Vec::new();
    for _ in 0..3 {
        workers.push(tokio::spawn(submit_and_finish(
            task.clone(),
            sleeper.clone(),
            Arc::new(|| {}),
        )));
    }
    for w in workers {
        w.await.unwrap();
    }
    let h = hits.lock().unwrap();
    assert_eq!(h.rejected_429, 0);
    assert_eq!(h.stamps.len(), 9);
    assert!(max_in_any_window(&h.stamps) <= 2);
    assert!(h.max_in_flight <= 2);
}
