//! [`EmulatorConfig`]: where the emulator listens, how fast its tasks move, which credentials it
//! accepts and which limits it enforces like the real vendors.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::net::{IpAddr, Ipv4Addr};
use std::time::Duration;

/// The five emulated vendors, by provider name.
pub const VENDORS: [&str; 5] = ["tencent-vod", "softsugar", "xjc", "reccloud", "vozo"];

/// How fast emulated tasks move through their vendor's status sequence.
///
/// A task spends `queued_steps` steps queued, then `running_steps` steps running (progress
/// grows each step), then reaches its terminal state. One step lasts `step`.
///
/// ```
/// use mediatask_emulator::Timing;
/// use std::time::Duration;
/// let t = Timing::fast();
/// assert!(t.total() < Duration::from_secs(2));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Timing {
    /// Length of one status step.
    #[serde(with = "millis")]
    pub step: Duration,
    /// Steps spent queued before processing starts.
    pub queued_steps: u32,
    /// Steps spent processing (progress rises each step).
    pub running_steps: u32,
}

impl Timing {
    /// Demo speed: about three seconds per task.
    pub const fn demo() -> Self {
        Timing {
            step: Duration::from_millis(400),
            queued_steps: 1,
            running_steps: 6,
        }
    }
    /// Test speed: under a second per task.
    pub const fn fast() -> Self {
        Timing {
            step: Duration::from_millis(120),
            queued_steps: 1,
            running_steps: 4,
        }
    }
    /// Time from creation to the terminal state.
    pub fn total(&self) -> Duration {
        self.step * (self.queued_steps + self.running_steps)
    }
}

impl Default for Timing {
    fn default() -> Self {
        Timing::demo()
    }
}

/// Credentials the emulated vendors accept. Defaults are fixed, obviously fake values; they
/// are not secrets.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EmulatorCredentials {
    /// Tencent `SecretId`.
    pub tencent_secret_id: String,
    /// Tencent `SecretKey`.
    pub tencent_secret_key: String,
    /// SoftSugar `appId`.
    pub softsugar_app_id: String,
    /// SoftSugar `appKey`.
    pub softsugar_app_key: String,
    /// ai-xjc `accessKey`.
    pub xjc_access_key: String,
    /// ai-xjc `secretKey`.
    pub xjc_secret_key: String,
    /// RecCloud `X-API-KEY`.
    pub reccloud_api_key: String,
    /// Vozo bearer API key.
    pub vozo_api_key: String,
}

impl Default for EmulatorCredentials {
    fn default() -> Self {
        EmulatorCredentials {
            tencent_secret_id: "AKIDemulator000000000000000000000000".into(),
            tencent_secret_key: "emulator-tencent-secret-key".into(),
            softsugar_app_id: "emulatorsoftsugarappid0000000000".into(),
            softsugar_app_key: "emulator-softsugar-app-key".into(),
            xjc_access_key: "emulator-xjc-access-key".into(),
            xjc_secret_key: "emulator-xjc-secret-key".into(),
            reccloud_api_key: "emulator-reccloud-api-key".into(),
            vozo_api_key: "emulator-vozo-api-key".into(),
        }
    }
}

impl std::fmt::Debug for EmulatorCredentials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EmulatorCredentials")
            .field("tencent_secret_id", &self.tencent_secret_id)
            .field("softsugar_app_id", &self.softsugar_app_id)
            .field("xjc_access_key", &self.xjc_access_key)
            .finish_non_exhaustive()
    }
}

/// Everything the emulator needs to start.
///
/// ```
/// use mediatask_emulator::{EmulatorConfig, Timing};
/// let cfg = EmulatorConfig::default().with_timing(Timing::fast()).with_rate_limit("reccloud", 2);
/// assert_eq!(cfg.rate_limits["reccloud"], 2);
/// ```
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default)]
pub struct EmulatorConfig {
    /// Address to bind (default `127.0.0.1`).
    pub bind: IpAddr,
    /// First port: the admin API listens here and vendors on the following ports, the file
    /// server last. `0` (default) = ephemeral ports for everything.
    pub base_port: u16,
    /// Task speed.
    pub timing: Timing,
    /// Per-vendor task speed overrides.
    pub vendor_timing: BTreeMap<String, Timing>,
    /// Accepted credentials.
    pub credentials: EmulatorCredentials,
    /// Lifetime of issued tokens (ai-xjc, SoftSugar).
    #[serde(with = "millis")]
    pub token_ttl: Duration,
    /// Lifetime of result URLs.
    #[serde(with = "millis")]
    pub result_ttl: Duration,
    /// Allowed clock skew for Tencent `X-TC-Timestamp` (the vendor allows 5 minutes).
    #[serde(with = "millis")]
    pub tencent_skew: Duration,
    /// Validity of ai-xjc sign timestamps (the vendor says 3 minutes).
    #[serde(with = "millis")]
    pub xjc_sign_window: Duration,
    /// Requests per sliding one-second window each vendor accepts before answering its
    /// throttling error (the real vendors enforce such limits; e.g. RecCloud 2 QPS).
    pub rate_limits: BTreeMap<String, u32>,
    /// Tasks in flight (not terminal) each vendor accepts before refusing new submits with its
    /// concurrency error (e.g. RecCloud 2, Vozo lip-sync 10).
    pub task_caps: BTreeMap<String, u32>,
    /// Tencent error code returned when a `SessionId` is reused. The real code is not
    /// documented (vendors.md §1.10); this is a configurable guess.
    pub tencent_duplicate_session_code: String,
    /// Record the arrival time of every request (needed by [`crate::Emulator::arrivals`] and
    /// `Stats::max_requests_in_one_second`).
    pub record_arrivals: bool,
    /// How the vendors push their callbacks (account URLs, Tencent's SignKey, faults).
    pub callbacks: crate::callbacks::CallbackSettings,
}

impl Default for EmulatorConfig {
    fn default() -> Self {
        EmulatorConfig {
            bind: IpAddr::V4(Ipv4Addr::LOCALHOST),
            base_port: 0,
            timing: Timing::default(),
            vendor_timing: BTreeMap::new(),
            credentials: EmulatorCredentials::default(),
            token_ttl: Duration::from_secs(2 * 3600),
            result_ttl: Duration::from_secs(7 * 24 * 3600),
            tencent_skew: Duration::from_secs(300),
            xjc_sign_window: Duration::from_secs(180),
            rate_limits: BTreeMap::new(),
            task_caps: BTreeMap::new(),
            tencent_duplicate_session_code: "InvalidParameterValue.SessionId".into(),
            record_arrivals: true,
            callbacks: crate::callbacks::CallbackSettings::default(),
        }
    }
}

impl EmulatorConfig {
    /// Set the task speed of every vendor.
    pub fn with_timing(mut self, timing: Timing) -> Self {
        self.timing = timing;
        self
    }
    /// Set one vendor's task speed.
    pub fn with_vendor_timing(mut self, vendor: &str, timing: Timing) -> Self {
        self.vendor_timing.insert(vendor.to_owned(), timing);
        self
    }
    /// Set the base port (0 = ephemeral).
    pub fn with_base_port(mut self, port: u16) -> Self {
        self.base_port = port;
        self
    }
    /// Enforce a vendor-side requests-per-second limit.
    pub fn with_rate_limit(mut self, vendor: &str, rps: u32) -> Self {
        self.rate_limits.insert(vendor.to_owned(), rps.max(1));
        self
    }
    /// Enforce a vendor-side cap on tasks in flight.
    pub fn with_task_cap(mut self, vendor: &str, cap: u32) -> Self {
        self.task_caps.insert(vendor.to_owned(), cap.max(1));
        self
    }
    /// Set the token lifetime.
    pub fn with_token_ttl(mut self, ttl: Duration) -> Self {
        self.token_ttl = ttl;
        self
    }
    /// Set the result URL lifetime.
    pub fn with_result_ttl(mut self, ttl: Duration) -> Self {
        self.result_ttl = ttl;
        self
    }
    /// Set how the vendors push callbacks.
    pub fn with_callbacks(mut self, callbacks: crate::callbacks::CallbackSettings) -> Self {
        self.callbacks = callbacks;
        self
    }
    /// The timing used for `vendor`.
    pub fn timing_for(&self, vendor: &str) -> Timing {
        self.vendor_timing
            .get(vendor)
            .copied()
            .unwrap_or(self.timing)
    }
}

mod millis {
    use serde::{Deserialize, Deserializer, Serializer};
    use std::time::Duration;

    pub(super) fn serialize<S: Serializer>(d: &Duration, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_u64(d.as_millis() as u64)
    }

    pub(super) fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Duration, D::Error> {
        Ok(Duration::from_millis(u64::deserialize(d)?))
    }
}
