//! Where a case stands against its initial-response deadline at a given instant.
//!
//! The app's countdown bars and the deadline watcher's alerts are computed here, from `now`
//! passed in, so tests can run in virtual time and every screen agrees with the server.

use crate::calendar::Calendar;
use crate::contract::SupportLevel;
use crate::deadline;
use crate::error::CoreError;
use crate::severity::Severity;
use crate::target::{best_effort, response_target, Target};
use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

/// A case's initial-response deadline: the target and when it falls due.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ResponseDeadline {
    /// When the case was created.
    pub created: DateTime<Utc>,
    /// The target, or `None` where the contract has no guaranteed response time.
    pub target: Option<Target>,
    /// When the target falls due.
    pub due: Option<DateTime<Utc>>,
    /// The best-effort expectation shown instead of a target (cloud limited).
    pub best_effort: Option<Target>,
}

impl ResponseDeadline {
    /// Computes the deadline for a case; also what a severity change recomputes (SPEC §3:
    /// always from the case's creation time).
    pub fn compute(
        level: SupportLevel,
        severity: Severity,
        calendar: &Calendar,
        created: DateTime<Utc>,
    ) -> Result<ResponseDeadline, CoreError> {
        let target = response_target(level, severity);
        let due = target
            .map(|t| deadline::due(calendar, created, t))
            .transpose()?;
        Ok(ResponseDeadline {
            created,
            target,
            due,
            best_effort: best_effort(level),
        })
    }

    /// The state of the deadline at `now`, given when (if ever) the first public reply came.
    /// `None` where there is no target: best effort is never a breach.
    pub fn status_at(
        &self,
        calendar: &Calendar,
        now: DateTime<Utc>,
        first_response_at: Option<DateTime<Utc>>,
    ) -> Option<DeadlineStatus> {
        let (target, due) = (self.target?, self.due?);
        // Once answered, the clock stops at the answer.
        let at = first_response_at.map_or(now, |r| r.min(now));
        let fraction_elapsed = if target.is_around_the_clock() {
            fraction(at - self.created, due - self.created)
        } else {
            let total = target.business_duration(calendar.day_length())?;
            let spent = deadline::business_time_between(calendar, self.created, at).ok()?;
            fraction(spent, total)
        };
        Some(DeadlineStatus {
            remaining_seconds: (due - at).num_seconds(),
            fraction_elapsed,
            breached: at > due,
            responded: first_response_at.is_some_and(|r| r <= now),
        })
    }
}

fn fraction(part: Duration, whole: Duration) -> f64 {
    let whole = whole.num_milliseconds();
    if whole <= 0 {
        return 1.0;
    }
    (part.num_milliseconds().max(0) as f64) / whole as f64
}

/// A deadline seen at one instant.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct DeadlineStatus {
    /// Elapsed seconds until the deadline; negative once past.
    pub remaining_seconds: i64,
    /// Share of the target used so far (business time for business targets); above 1 once
    /// past. Counted up to the first response once there is one.
    pub fraction_elapsed: f64,
    /// True when the deadline passed without a first response.
    pub breached: bool,
    /// True when the first public reply has come.
    pub responded: bool,
}
