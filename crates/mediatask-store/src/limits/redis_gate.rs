//! [`RedisRateGate`] (feature `redis`): the sliding-window log in Redis sorted sets, decided by
//! one atomic Lua script with the server's `TIME` as the one clock.
//!
//! Per gate key two sorted sets: `{prefix}{key}:log` (member = admission id, score = when the
//! entry leaves the window: answer + window, or admission + hold + window while in flight) and
//! `{prefix}{key}:adm` (score = admission time, for spreading). The admission script removes
//! expired entries (`ZREMRANGEBYSCORE`), counts the live ones (`ZCARD`) and, when every limit
//! has a place (and spreading allows), adds the admission (`ZADD`) to each — or returns how
//! long to wait. The release script lowers the entry's score to answer + window (`ZADD XX LT`).
//! Both run with `EVALSHA`, falling back to `EVAL` when the server does not know the script
//! ([`redis::Script`]). Keys expire on their own (`PEXPIRE`) once nothing in them can matter.
//!
//! Needs Redis ≥ 6.2 (`ZADD … LT`) and one server (or primary): the script touches several
//! keys, which Redis Cluster would refuse across slots.

use crate::{StoreError, StoreResult, redact_url};
use async_trait::async_trait;
use mediatask_http::gate::{DEFAULT_POLL_INTERVAL, Wait};
use mediatask_http::{GateDecision, GateError, GatePermit, GateRequest, RateGate};
use redis::aio::MultiplexedConnection;
use std::sync::Arc;
use std::time::Duration;

/// Connect and answer timeouts: a Redis that does not answer within them is unavailable.
const IO_TIMEOUT: Duration = Duration::from_secs(2);

/// The admission script (the rule of `mediatask_http::gate::decide`, in Lua).
const ADMIT_LUA: &str = r#"
-- KEYS: per limit, its log and its admissions.
-- ARGV: id, hold_us, poll_us, then per limit: limit, window_us, burst, burst_window_us.
-- Returns {1, now_us} when admitted, else {0, frees_in_us (-1: only an answer frees a
-- place), retry_in_us}.
local function s(x) return string.format('%d', x) end
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local id, hold, poll = ARGV[1], tonumber(ARGV[2]), tonumber(ARGV[3])
local fits, unknown, frees, retry = true, false, 0, 0
local n = #KEYS / 2
for i = 0, n - 1 do
  local log, adm = KEYS[2 * i + 1], KEYS[2 * i + 2]
  local limit = tonumber(ARGV[4 + 4 * i])
  local window = tonumber(ARGV[5 + 4 * i])
  local burst = tonumber(ARGV[6 + 4 * i])
  local bw = tonumber(ARGV[7 + 4 * i])
  redis.call('ZREMRANGEBYSCORE', log, '-inf', s(now))
  redis.call('ZREMRANGEBYSCORE', adm, '-inf', s(now - window))
  local spread = 0
  if burst < limit and bw < window then
    local from = '(' .. s(now - bw)
    if redis.call('ZCOUNT', adm, from, '+inf') >= burst then
      local oldest = redis.call('ZRANGEBYSCORE', adm, from, '+inf', 'WITHSCORES', 'LIMIT', 0, 1)
      spread = tonumber(oldest[2]) + bw - now
    end
  end
  if redis.call('ZCARD', log) >= limit then
    fits = false
    local first = redis.call('ZRANGE', log, 0, 0, 'WITHSCORES')
    local at = tonumber(first[2])
    if at <= now + window then
      local d = math.max(at - now, spread)
      frees = math.max(frees, d)
      retry = math.max(retry, d)
    else
      unknown = true
      retry = math.max(retry, math.max(math.min(at - now, poll), spread))
    end
  elseif spread > 0 then
    fits = false
    frees = math.max(frees, spread)
    retry = math.max(retry, spread)
  end
end
if not fits then
  if unknown then return {0, -1, retry} end
  return {0, frees, retry}
end
for i = 0, n - 1 do
  local log, adm = KEYS[2 * i + 1], KEYS[2 * i + 2]
  local window = tonumber(ARGV[5 + 4 * i])
  redis.call('ZADD', log, s(now + hold + window), id)
  redis.call('ZADD', adm, s(now), id)
  redis.call('PEXPIRE', log, s(math.floor((hold + window) / 1000) + 1000))
  redis.call('PEXPIRE', adm, s(math.floor(window / 1000) + 1000))
end
return {1, now}
"#;

/// The release script: the entry leaves each log one window after now (never later than it
/// would have).
const RELEASE_LUA: &str = r#"
-- KEYS: the logs. ARGV: id, then each log's window_us.
local function s(x) return string.format('%d', x) end
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
for i = 1, #KEYS do
  redis.call('ZADD', KEYS[i], 'XX', 'LT', s(now + tonumber(ARGV[i + 1])), ARGV[1])
end
return 1
"#;

/// A [`RateGate`] in Redis (see the module docs), for processes on any machine that reach the
/// same server. Cheap to clone; reconnects after a failure.
///
/// ```no_run
/// # async fn demo() -> Result<(), mediatask_store::StoreError> {
/// use mediatask_http::HttpConfig;
/// use std::sync::Arc;
/// let gate = Arc::new(mediatask_store::RedisRateGate::connect("redis://127.0.0.1:6379/").await?);
/// let http = HttpConfig::default().with_shared_gate(gate, "acct-1");
/// # let _ = http;
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct RedisRateGate {
    client: redis::Client,
    connection: Arc<tokio::sync::Mutex<Option<MultiplexedConnection>>>,
    admit: Arc<redis::Script>,
    release: Arc<redis::Script>,
    prefix: String,
    poll: Duration,
    /// The URL without its password, for messages.
    shown_url: String,
    /// The password, scrubbed from any error text.
    password: Option<String>,
}

impl std::fmt::Debug for RedisRateGate {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RedisRateGate")
            .field("url", &self.shown_url)
            .field("prefix", &self.prefix)
            .finish_non_exhaustive()
    }
}

impl RedisRateGate {
    /// A gate for the Redis at `url` (`redis://[user:password@]host[:port][/db]` or
    /// `rediss://…`), connecting on first use. A malformed URL is [`StoreError::Config`].
    ///
    /// ```
    /// let gate = mediatask_store::RedisRateGate::new("redis://:hunter2@127.0.0.1:6379/").unwrap();
    /// assert!(!format!("{gate:?}").contains("hunter2"));
    /// ```
    pub fn new(url: &str) -> StoreResult<Self> {
        let client = redis::Client::open(url).map_err(|e| {
            // the kind only: the parser's message may quote the URL
            StoreError::Config(format!(
                "invalid Redis URL {}: {:?}",
                redact_url(url),
                e.kind()
            ))
        })?;
        let password = client
            .get_connection_info()
            .redis_settings()
            .password()
            .map(str::to_owned);
        Ok(RedisRateGate {
            client,
            connection: Arc::new(tokio::sync::Mutex::new(None)),
            admit: Arc::new(redis::Script::new(ADMIT_LUA)),
            release: Arc::new(redis::Script::new(RELEASE_LUA)),
            prefix: "mediatask:gate:".to_owned(),
            poll: DEFAULT_POLL_INTERVAL,
            shown_url: redact_url(url),
            password,
        })
    }

    /// Like [`RedisRateGate::new`], and check now that the server answers (else
    /// [`StoreError::Unavailable`], without the password).
    ///
    /// ```
    /// # tokio::runtime::Runtime::new().unwrap().block_on(async {
    /// let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    /// let e = mediatask_store::RedisRateGate::connect(&format!("redis://:pw@127.0.0.1:{port}/"))
    ///     .await
    ///     .unwrap_err();
    /// assert!(matches!(e, mediatask_store::StoreError::Unavailable(_)) && !e.to_string().contains("pw@"));
    /// # });
    /// ```
    pub async fn connect(url: &str) -> StoreResult<Self> {
        let gate = Self::new(url)?;
        let mut connection = gate
            .connection()
            .await
            .map_err(|e| StoreError::Unavailable(e.to_string()))?;
        let pong: redis::RedisResult<String> =
            redis::cmd("PING").query_async(&mut connection).await;
        pong.map_err(|e| StoreError::Unavailable(gate.unavailable(&e).to_string()))?;
        Ok(gate)
    }

    /// Set the prefix of every key this gate writes (default `mediatask:gate:`).
    ///
    /// ```
    /// let gate = mediatask_store::RedisRateGate::new("redis://127.0.0.1/").unwrap()
    ///     .with_prefix("myapp:limits:");
    /// # let _ = gate;
    /// ```
    pub fn with_prefix(mut self, prefix: impl Into<String>) -> Self {
        self.prefix = prefix.into();
        self
    }

    /// Set how often a waiter asks again while every place is held by a request in flight.
    ///
    /// ```
    /// let gate = mediatask_store::RedisRateGate::new("redis://127.0.0.1/").unwrap()
    ///     .with_poll_interval(std::time::Duration::from_millis(10));
    /// # let _ = gate;
    /// ```
    pub fn with_poll_interval(mut self, poll: Duration) -> Self {
        self.poll = poll.max(Duration::from_millis(1));
        self
    }

    fn unavailable(&self, e: &redis::RedisError) -> GateError {
        let mut detail = format!("{} ({e})", self.shown_url);
        if let Some(password) = self.password.as_deref().filter(|p| !p.is_empty()) {
            detail = detail.replace(password, "***");
        }
        GateError::unavailable("redis", detail)
    }

    /// The shared connection, (re)connecting when there is none.
    async fn connection(&self) -> Result<MultiplexedConnection, GateError> {
        let mut slot = self.connection.lock().await;
        if let Some(connection) = slot.as_ref() {
            return Ok(connection.clone());
        }
        let config = redis::AsyncConnectionConfig::new()
            .set_connection_timeout(Some(IO_TIMEOUT))
            .set_response_timeout(Some(IO_TIMEOUT));
        let connection = self
            .client
            .get_multiplexed_async_connection_with_config(&config)
            .await
            .map_err(|e| self.unavailable(&e))?;
        *slot = Some(connection.clone());
        Ok(connection)
    }

    /// Forget the connection after a failure (the next call reconnects).
    async fn reset(&self) {
        *self.connection.lock().await = None;
    }

    fn log_key(&self, key: &str) -> String {
        format!("{}{key}:log", self.prefix)
    }

    fn admissions_key(&self, key: &str) -> String {
        format!("{}{key}:adm", self.prefix)
    }
}

/// Microseconds as the script's integer argument.
fn micros(d: Duration) -> i64 {
    i64::try_from(d.as_micros()).unwrap_or(i64::MAX)
}

#[async_trait]
impl RateGate for RedisRateGate {
    fn name(&self) -> &str {
        "redis"
    }

    async fn try_admit(&self, request: &GateRequest) -> Result<GateDecision, GateError> {
        let mut keys: Vec<&str> = request.limits.iter().map(|l| l.key.as_str()).collect();
        keys.sort_unstable();
        if keys.iter().any(|k| k.is_empty()) || keys.windows(2).any(|w| w[0] == w[1]) {
            return Err(GateError::Invalid(
                "rate limit keys must be non-empty and distinct".into(),
            ));
        }
        let id = ulid::Ulid::new().to_string();
        let mut invocation = self.admit.prepare_invoke();
        invocation
            .arg(&id)
            .arg(request.hold_us())
            .arg(micros(self.poll));
        for limit in &request.limits {
            invocation
                .key(self.log_key(&limit.key))
                .key(self.admissions_key(&limit.key))
                .arg(limit.limit.max(1))
                .arg(limit.window_us())
                .arg(limit.burst.max(1))
                .arg(limit.burst_window_us());
        }
        let mut connection = self.connection().await?;
        let answer: Vec<i64> = match invocation.invoke_async(&mut connection).await {
            Ok(answer) => answer,
            Err(e) => {
                self.reset().await;
                return Err(self.unavailable(&e));
            }
        };
        let us = |v: i64| Duration::from_micros(u64::try_from(v).unwrap_or(0));
        match answer.as_slice() {
            [1, ..] => Ok(GateDecision::Admitted(self.permit(request, id))),
            [0, frees, retry] => Ok(GateDecision::Wait(Wait {
                frees_in: (*frees >= 0).then(|| us(*frees)),
                retry_in: us(*retry),
            })),
            other => Err(GateError::unavailable(
                "redis",
                format!("unexpected answer from the admission script: {other:?}"),
            )),
        }
    }
}

impl RedisRateGate {
    /// A permit whose release records the answer. If that never lands, the place frees when
    /// its hold runs out.
    fn permit(&self, request: &GateRequest, id: String) -> GatePermit {
        let logs: Vec<(String, i64)> = request
            .limits
            .iter()
            .map(|l| (self.log_key(&l.key), l.window_us()))
            .collect();
        let gate = self.clone();
        GatePermit::new(move || async move {
            let mut invocation = gate.release.prepare_invoke();
            invocation.arg(&id);
            for (log, _) in &logs {
                invocation.key(log);
            }
            for (_, window_us) in &logs {
                invocation.arg(*window_us);
            }
            let result = match gate.connection().await {
                Ok(mut connection) => invocation
                    .invoke_async::<i64>(&mut connection)
                    .await
                    .map_err(|e| gate.unavailable(&e)),
                Err(e) => Err(e),
            };
            if let Err(e) = result {
                gate.reset().await;
                tracing::warn!(error = %e,
                    "could not record an answer in the Redis rate gate; its place frees when its hold runs out");
            }
        })
    }
}
