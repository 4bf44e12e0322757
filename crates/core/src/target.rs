//! Initial response targets, the two tables of SPEC §3.

use crate::contract::SupportLevel;
use crate::severity::Severity;
use chrono::Duration;
use serde::{Deserialize, Serialize};
use std::fmt;

/// How a target's amount is counted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum TargetUnit {
    /// Elapsed minutes, 24×7.
    Minutes,
    /// Elapsed hours, 24×7.
    Hours,
    /// Hours inside the contract's business calendar.
    BusinessHours,
    /// Business days of the calendar's business-day length.
    BusinessDays,
}

/// A response target such as "4 hours, 24×7" or "1 business day".
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Target {
    /// How many units.
    pub amount: u32,
    /// Which units.
    pub unit: TargetUnit,
}

impl Target {
    /// Shorthand constructor.
    pub const fn new(amount: u32, unit: TargetUnit) -> Target {
        Target { amount, unit }
    }

    /// True when the target counts elapsed time rather than business time.
    pub fn is_around_the_clock(&self) -> bool {
        matches!(self.unit, TargetUnit::Minutes | TargetUnit::Hours)
    }

    /// The elapsed duration of a 24×7 target (`None` for business targets).
    pub fn elapsed_duration(&self) -> Option<Duration> {
        match self.unit {
            TargetUnit::Minutes => Some(Duration::minutes(i64::from(self.amount))),
            TargetUnit::Hours => Some(Duration::hours(i64::from(self.amount))),
            _ => None,
        }
    }

    /// The amount of business time a business target needs, given the business-day length.
    pub fn business_duration(&self, day_length: Duration) -> Option<Duration> {
        match self.unit {
            TargetUnit::BusinessHours => Some(Duration::hours(i64::from(self.amount))),
            TargetUnit::BusinessDays => Some(day_length * self.amount as i32),
            _ => None,
        }
    }
}

impl fmt::Display for Target {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let plural = if self.amount == 1 { "" } else { "s" };
        match self.unit {
            TargetUnit::Minutes => write!(f, "{} minute{plural}, 24×7", self.amount),
            TargetUnit::Hours => write!(f, "{} hour{plural}, 24×7", self.amount),
            TargetUnit::BusinessHours => write!(f, "{} business hour{plural}", self.amount),
            TargetUnit::BusinessDays => write!(f, "{} business day{plural}", self.amount),
        }
    }
}

/// Cloud limited has no target; the vendor strives to engage within this, Monday to Friday.
pub const BEST_EFFORT: Target = Target::new(3, TargetUnit::BusinessDays);

/// The initial response target for a support level and severity, or `None` where the tables
/// have none (cloud limited, and severities a level cannot file).
pub fn response_target(level: SupportLevel, severity: Severity) -> Option<Target> {
    use SupportLevel::*;
    use TargetUnit::*;
    let t = Target::new;
    match (level, severity.number()) {
        (Premium, 1) => Some(t(30, Minutes)),
        (Enhanced | Enterprise | Platinum, 1) => Some(t(1, Hours)),
        (Premium | Enhanced | Enterprise | Platinum, 2) => Some(t(4, Hours)),
        (Premium | Enhanced | Enterprise | Platinum, 3) => Some(t(1, BusinessDays)),
        (Base | Gold, 1) => Some(t(4, BusinessHours)),
        (Base | Gold, 2) => Some(t(1, BusinessDays)),
        (Base | Gold, 3) => Some(t(2, BusinessDays)),
        (Development, 4) => Some(t(2, BusinessDays)),
        _ => None,
    }
}

/// The best-effort expectation shown instead of a target, where a level has none.
pub fn best_effort(level: SupportLevel) -> Option<Target> {
    (level == SupportLevel::Limited).then_some(BEST_EFFORT)
}
