//! [`JobState`] and the one table of legal transitions.
//!
//! ```text
//! queued ──▶ submitting ──▶ submitted ──▶ running ──▶ succeeded | failed | cancelled
//!   │            │  ▲            └──────────────────▶ succeeded | failed | cancelled
//!   │            │  └─ (recovery re-attempt, deduped or proven absent)
//!   │            ├──▶ rejected   (definitely not created: nothing billed)
//!   │            ├──▶ queued     (definitely not sent, e.g. throttled: try again later)
//!   │            └──▶ unknown ──▶ submitted (reconciled) | rejected (proven absent) | cancelled
//!   └──▶ cancelled (never submitted)
//! ```
//!
//! Every write is a compare-and-set on the state the writer read; a transition not in
//! [`JobState::can_become`] is refused before any SQL runs.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// Where a logical job stands in the journal.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum JobState {
    /// Journaled, not submitted yet (`mediatask enqueue`).
    Queued,
    /// The submit request may be on its way: the intent is recorded, no vendor id yet.
    Submitting,
    /// The vendor accepted it: its task id is recorded.
    Submitted,
    /// A poll saw it queued or running at the vendor.
    Running,
    /// Finished with a result.
    Succeeded,
    /// Finished without a result.
    Failed,
    /// Cancelled (at the vendor, or before it was ever submitted).
    Cancelled,
    /// Definitely not created (the vendor refused it): nothing was billed.
    Rejected,
    /// The submit's outcome is unknown: parked for reconciliation, never resubmitted blindly.
    Unknown,
}

/// Every state, in lifecycle order.
pub const ALL_STATES: [JobState; 9] = [
    JobState::Queued,
    JobState::Submitting,
    JobState::Submitted,
    JobState::Running,
    JobState::Succeeded,
    JobState::Failed,
    JobState::Cancelled,
    JobState::Rejected,
    JobState::Unknown,
];

impl JobState {
    /// The stored spelling.
    ///
    /// ```
    /// assert_eq!(mediatask_store::JobState::Submitting.as_str(), "submitting");
    /// ```
    pub fn as_str(self) -> &'static str {
        match self {
            JobState::Queued => "queued",
            JobState::Submitting => "submitting",
            JobState::Submitted => "submitted",
            JobState::Running => "running",
            JobState::Succeeded => "succeeded",
            JobState::Failed => "failed",
            JobState::Cancelled => "cancelled",
            JobState::Rejected => "rejected",
            JobState::Unknown => "unknown",
        }
    }

    /// True when the job can still change without a human (queued, submitting, submitted,
    /// running): what `resume` and workers drive.
    pub fn is_open(self) -> bool {
        matches!(
            self,
            JobState::Queued | JobState::Submitting | JobState::Submitted | JobState::Running
        )
    }

    /// True when a vendor job may exist and hold a vendor task slot.
    pub fn holds_vendor_slot(self) -> bool {
        matches!(
            self,
            JobState::Submitting | JobState::Submitted | JobState::Running
        )
    }

    /// True for succeeded, failed, cancelled and rejected: nothing will change any more.
    pub fn is_final(self) -> bool {
        matches!(
            self,
            JobState::Succeeded | JobState::Failed | JobState::Cancelled | JobState::Rejected
        )
    }

    /// Whether `self → next` is a legal transition (the one table).
    ///
    /// ```
    /// use mediatask_store::JobState::*;
    /// assert!(Submitting.can_become(Submitted));
    /// assert!(!Succeeded.can_become(Running));
    /// assert!(Running.can_become(Running)); // a newer snapshot
    /// ```
    pub fn can_become(self, next: JobState) -> bool {
        use JobState::*;
        match self {
            Queued => matches!(next, Submitting | Cancelled),
            Submitting => matches!(next, Submitting | Submitted | Rejected | Unknown | Queued),
            Submitted => matches!(next, Submitted | Running | Succeeded | Failed | Cancelled),
            Running => matches!(next, Running | Succeeded | Failed | Cancelled),
            Unknown => matches!(next, Unknown | Submitted | Rejected | Cancelled),
            Succeeded | Failed | Cancelled | Rejected => false,
        }
    }
}

impl fmt::Display for JobState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for JobState {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        ALL_STATES
            .into_iter()
            .find(|st| st.as_str() == s)
            .ok_or_else(|| format!("`{s}` is not a job state"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spelling_round_trips() {
        for s in ALL_STATES {
            assert_eq!(s.as_str().parse::<JobState>(), Ok(s));
            assert_eq!(
                serde_json::to_value(s).unwrap(),
                serde_json::json!(s.as_str())
            );
        }
        assert!("Running".parse::<JobState>().is_err());
    }

    #[test]
    fn final_states_never_move_and_open_states_do() {
        for from in ALL_STATES {
            let moves = ALL_STATES.iter().filter(|to| from.can_become(**to)).count();
            assert_eq!(from.is_final(), moves == 0, "{from}");
        }
    }

    #[test]
    fn no_path_leads_back_to_submitting_from_a_created_job() {
        // Once the vendor id is known, nothing may resubmit the job.
        for from in [JobState::Submitted, JobState::Running] {
            assert!(!from.can_become(JobState::Submitting));
            assert!(!from.can_become(JobState::Queued));
        }
        assert!(!JobState::Unknown.can_become(JobState::Submitting));
    }
}
