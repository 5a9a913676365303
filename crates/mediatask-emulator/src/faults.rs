//! Fault injection: [`Fault`]s armed per vendor as [`FaultRule`]s (which requests, how many
//! times), parsed from compact CLI specs with [`FaultRule::parse`], and counted when they fire.

use serde::{Deserialize, Serialize};
use std::time::Duration;

/// What kind of request a fault applies to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FaultTarget {
    /// Any request.
    Any,
    /// Job creation.
    Submit,
    /// Status queries.
    Poll,
    /// Cancel calls.
    Cancel,
    /// Token issuance (ai-xjc, SoftSugar).
    Token,
    /// Result file downloads from the emulator's file server.
    Download,
}

impl FaultTarget {
    fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "any" | "*" => FaultTarget::Any,
            "submit" => FaultTarget::Submit,
            "poll" => FaultTarget::Poll,
            "cancel" => FaultTarget::Cancel,
            "token" => FaultTarget::Token,
            "download" => FaultTarget::Download,
            _ => return None,
        })
    }

    /// True when a request of kind `op` is hit by this target.
    pub fn matches(self, op: FaultTarget) -> bool {
        self == FaultTarget::Any && op != FaultTarget::Download || self == op
    }
}

/// How a malformed answer is malformed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Malformation {
    /// An HTML error page with status 200 (a misconfigured proxy).
    Html,
    /// The first half of the real JSON answer, correctly framed.
    Truncated,
    /// Bytes that are not JSON at all.
    Garbage,
    /// Valid JSON of the wrong shape (`[]`).
    WrongShape,
}

/// One fault the emulator can inject.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "fault")]
pub enum Fault {
    /// The vendor's throttling answer (RecCloud/Vozo/SoftSugar HTTP 429, Tencent
    /// `RequestLimitExceeded`, ai-xjc `10003`) with a `Retry-After` header. Nothing is executed.
    RateLimit {
        /// Value of the `Retry-After` header, seconds.
        retry_after_secs: u64,
    },
    /// An HTTP 5xx with the vendor's internal-error body. Nothing is executed.
    ServerError {
        /// The status (500–599).
        status: u16,
    },
    /// Execute the request (a submit creates its job), then drop the connection without
    /// answering: the lost-answer case.
    DropAfterAccept,
    /// Execute the request, then wait this long before answering (beyond a client timeout).
    Slow {
        /// Delay before the answer, milliseconds.
        delay_ms: u64,
    },
    /// Answer 200 with a broken body instead of the real answer. A submit is not executed.
    Malformed {
        /// How it is broken.
        how: Malformation,
    },
    /// Tasks created while this fires never finish.
    Stuck,
    /// Tasks created while this fires end in failure with this vendor code.
    FailTask {
        /// The vendor's documented job error code (e.g. `-3`, `20011`, `10012`).
        code: String,
        /// Message; a default is used when empty.
        #[serde(default)]
        message: String,
    },
    /// Treat the presented token as expired (ai-xjc `20002`, SoftSugar 401): the client must
    /// fetch a new one.
    ExpireToken,
    /// Result URLs issued while this fires are already expired (the file server answers 403).
    ExpireResultUrls,
}

impl Fault {
    /// Faults that decide the fate of a task at submit time rather than shaping the answer.
    pub fn is_task_fault(&self) -> bool {
        matches!(self, Fault::Stuck | Fault::FailTask { .. })
    }

    /// A short name for counters.
    pub fn name(&self) -> &'static str {
        match self {
            Fault::RateLimit { .. } => "rate_limit",
            Fault::ServerError { .. } => "server_error",
            Fault::DropAfterAccept => "drop",
            Fault::Slow { .. } => "slow",
            Fault::Malformed { .. } => "malformed",
            Fault::Stuck => "stuck",
            Fault::FailTask { .. } => "fail_task",
            Fault::ExpireToken => "expire_token",
            Fault::ExpireResultUrls => "expire_result_urls",
        }
    }
}

/// A fault armed on one vendor: which requests it hits, after how many matching requests it
/// starts, and how many times it fires (`None` = until cleared).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FaultRule {
    /// Vendor (provider name).
    pub vendor: String,
    /// The fault.
    #[serde(flatten)]
    pub fault: Fault,
    /// Which requests.
    pub target: FaultTarget,
    /// Matching requests to let through before firing.
    #[serde(default)]
    pub skip: u32,
    /// How many times to fire; `None` = forever.
    #[serde(default)]
    pub times: Option<u32>,
}

impl FaultRule {
    /// A rule firing `times` times on `target` requests of `vendor`.
    pub fn new(vendor: &str, fault: Fault, target: FaultTarget, times: Option<u32>) -> Self {
        FaultRule {
            vendor: vendor.to_owned(),
            fault,
            target,
            skip: 0,
            times,
        }
    }

    /// Let `n` matching requests through before firing.
    pub fn after(mut self, n: u32) -> Self {
        self.skip = n;
        self
    }

    /// Parse a compact spec `VENDOR:FAULT[=PARAM]:TARGET[:TIMES[:SKIP]]` (TIMES `*` = forever,
    /// default 1). Faults: `429[=retry_after_secs]`, `5xx[=status]`, `drop`, `slow=ms`,
    /// `html`, `truncated`, `garbage`, `wrong-shape`, `stuck`, `fail[=code]`, `expire-token`,
    /// `expire-urls`.
    ///
    /// ```
    /// use mediatask_emulator::{Fault, FaultRule, FaultTarget};
    /// let r = FaultRule::parse("reccloud:429=1:poll:5").unwrap();
    /// assert_eq!(r.fault, Fault::RateLimit { retry_after_secs: 1 });
    /// assert_eq!((r.target, r.times), (FaultTarget::Poll, Some(5)));
    /// assert!(FaultRule::parse("nope:429:poll").is_err());
    /// ```
    pub fn parse(spec: &str) -> Result<Self, String> {
        let parts: Vec<&str> = spec.split(':').collect();
        if parts.len() < 3 || parts.len() > 5 {
            return Err(format!(
                "fault `{spec}` must look like VENDOR:FAULT[=PARAM]:TARGET[:TIMES[:SKIP]]"
            ));
        }
        let vendor = parts[0];
        if !crate::VENDORS.contains(&vendor) {
            return Err(format!(
                "unknown vendor `{vendor}` in fault `{spec}`; known: {}",
                crate::VENDORS.join(", ")
            ));
        }
        let (name, param) = match parts[1].split_once('=') {
            Some((n, p)) => (n, Some(p)),
            None => (parts[1], None),
        };
        let num = |default: u64| -> Result<u64, String> {
            param.map_or(Ok(default), |p| {
                p.parse()
                    .map_err(|_| format!("bad number `{p}` in fault `{spec}`"))
            })
        };
        let fault = match name {
            "429" | "rate-limit" => Fault::RateLimit {
                retry_after_secs: num(1)?,
            },
            "5xx" | "500" | "503" | "server-error" => Fault::ServerError {
                status: if name == "503" { 503 } else { num(500)? as u16 },
            },
            "drop" => Fault::DropAfterAccept,
            "slow" => Fault::Slow {
                delay_ms: num(30_000)?,
            },
            "html" => Fault::Malformed {
                how: Malformation::Html,
            },
            "truncated" => Fault::Malformed {
                how: Malformation::Truncated,
            },
            "garbage" => Fault::Malformed {
                how: Malformation::Garbage,
            },
            "wrong-shape" => Fault::Malformed {
                how: Malformation::WrongShape,
            },
            "stuck" => Fault::Stuck,
            "fail" => Fault::FailTask {
                code: param.unwrap_or("").to_owned(),
                message: String::new(),
            },
            "expire-token" => Fault::ExpireToken,
            "expire-urls" => Fault::ExpireResultUrls,
            other => return Err(format!("unknown fault `{other}` in `{spec}`")),
        };
        let target = FaultTarget::parse(parts[2])
            .ok_or_else(|| format!("unknown target `{}` in fault `{spec}`", parts[2]))?;
        let times = match parts.get(3) {
            None => Some(1),
            Some(&"*") => None,
            Some(t) => Some(
                t.parse()
                    .map_err(|_| format!("bad count `{t}` in `{spec}`"))?,
            ),
        };
        let skip = match parts.get(4) {
            None => 0,
            Some(s) => s
                .parse()
                .map_err(|_| format!("bad skip `{s}` in `{spec}`"))?,
        };
        Ok(FaultRule {
            vendor: vendor.to_owned(),
            fault,
            target,
            skip,
            times,
        })
    }
}

/// The armed rules of one vendor.
#[derive(Debug, Default)]
pub(crate) struct FaultBook {
    rules: Vec<ArmedRule>,
}

#[derive(Debug)]
struct ArmedRule {
    rule: FaultRule,
    seen: u32,
    fired: u32,
}

impl FaultBook {
    pub(crate) fn arm(&mut self, rule: FaultRule) {
        self.rules.push(ArmedRule {
            rule,
            seen: 0,
            fired: 0,
        });
    }

    pub(crate) fn clear(&mut self) {
        self.rules.clear();
    }

    /// Every fault that fires for one request of kind `op` (each rule at most once).
    pub(crate) fn fire(&mut self, op: FaultTarget) -> Vec<Fault> {
        let mut out = Vec::new();
        for armed in &mut self.rules {
            if !armed.rule.target.matches(op) {
                continue;
            }
            if armed.rule.times.is_some_and(|t| armed.fired >= t) {
                continue;
            }
            armed.seen += 1;
            if armed.seen <= armed.rule.skip {
                continue;
            }
            armed.fired += 1;
            out.push(armed.rule.fault.clone());
        }
        self.rules
            .retain(|a| a.rule.times.is_none_or(|t| a.fired < t));
        out
    }
}

/// The delay of a [`Fault::Slow`].
pub(crate) fn slow_delay(faults: &[Fault]) -> Option<Duration> {
    faults.iter().find_map(|f| match f {
        Fault::Slow { delay_ms } => Some(Duration::from_millis(*delay_ms)),
        _ => None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_every_fault() {
        for spec in [
            "xjc:429:any",
            "xjc:5xx=502:poll:2",
            "tencent-vod:drop:submit",
            "vozo:slow=100:poll:*",
            "softsugar:html:poll",
            "softsugar:truncated:poll",
            "softsugar:garbage:poll",
            "softsugar:wrong-shape:poll",
            "reccloud:stuck:submit",
            "reccloud:fail=-3:submit",
            "xjc:expire-token:poll:1:2",
            "vozo:expire-urls:poll",
        ] {
            FaultRule::parse(spec).unwrap_or_else(|e| panic!("{spec}: {e}"));
        }
        assert!(FaultRule::parse("xjc:explode:poll").is_err());
        assert!(FaultRule::parse("xjc:429:sometimes").is_err());
        assert!(FaultRule::parse("xjc:429").is_err());
    }

    #[test]
    fn fires_after_skip_then_times_out() {
        let mut book = FaultBook::default();
        book.arm(FaultRule::parse("xjc:429:poll:2:1").unwrap());
        assert!(book.fire(FaultTarget::Poll).is_empty());
        assert!(book.fire(FaultTarget::Submit).is_empty());
        assert_eq!(book.fire(FaultTarget::Poll).len(), 1);
        assert_eq!(book.fire(FaultTarget::Poll).len(), 1);
        assert!(book.fire(FaultTarget::Poll).is_empty());
    }

    #[test]
    fn any_does_not_hit_downloads() {
        assert!(FaultTarget::Any.matches(FaultTarget::Poll));
        assert!(!FaultTarget::Any.matches(FaultTarget::Download));
        assert!(FaultTarget::Download.matches(FaultTarget::Download));
    }
}
