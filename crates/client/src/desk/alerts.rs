//! When deadline alerts fire: the lead times before each initial-response deadline, kept per
//! profile in its cache (so the app and `casewatch watch` alert at the same moments), and which
//! alerts the user asked not to see ([`Quiet`]: "do not disturb until …", muted cases).
//!
//! The quiet rule lives here rather than in the app so every way of showing alerts applies it
//! the same way: a severity-1 deadline is never silenced (SPEC: a production outage is the one
//! thing the customer must not miss), everything else can be.

use std::collections::BTreeSet;

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

use super::{Desk, DeskError, DeskResult};
use crate::cache::DEFAULT_LEAD_TIMES_SECONDS;
use crate::watcher::AlertEvent;

/// What the user asked to be spared: nothing until `until`, nothing about `muted_cases`.
/// Severity-1 deadline alerts come regardless.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(default)]
pub struct Quiet {
    /// "Do not disturb" until this instant (none: not set; a past instant no longer counts).
    pub until: Option<DateTime<Utc>>,
    /// Cases whose alerts are not shown.
    pub muted_cases: BTreeSet<i64>,
}

impl Quiet {
    /// Whether "do not disturb" holds at `now`.
    pub fn do_not_disturb(&self, now: DateTime<Utc>) -> bool {
        self.until.is_some_and(|until| until > now)
    }

    /// The part of `event` to show at `now`: the event itself, a group with the silenced cases
    /// left out, or nothing.
    pub fn filter(&self, event: &AlertEvent, now: DateTime<Utc>) -> Option<AlertEvent> {
        let dnd = self.do_not_disturb(now);
        let passes = |case: i64, severity: Option<u8>| {
            severity == Some(1) || !(dnd || self.muted_cases.contains(&case))
        };
        match event {
            AlertEvent::Deadline {
                case_number,
                severity,
                ..
            } => passes(*case_number, Some(*severity)).then(|| event.clone()),
            AlertEvent::Reply { case_number, .. } => {
                passes(*case_number, None).then(|| event.clone())
            }
            AlertEvent::Missed { cases, at } => {
                let cases: Vec<_> = cases
                    .iter()
                    .filter(|c| passes(c.case_number, Some(c.severity)))
                    .cloned()
                    .collect();
                (!cases.is_empty()).then_some(AlertEvent::Missed { cases, at: *at })
            }
        }
    }

    /// Forgets a "do not disturb" that is over (so settings show it as off).
    pub fn expire(&mut self, now: DateTime<Utc>) {
        if !self.do_not_disturb(now) {
            self.until = None;
        }
    }
}

/// The most a lead time may be: one week.
pub const MAX_LEAD_MINUTES: i64 = 7 * 24 * 60;

/// The lead times of a profile that never changed them, in minutes.
pub fn default_lead_minutes() -> Vec<i64> {
    DEFAULT_LEAD_TIMES_SECONDS
        .iter()
        .map(|s| Duration::seconds(*s).num_minutes())
        .collect()
}

/// Refuses lead times outside 0 to [`MAX_LEAD_MINUTES`] (`invalid_argument`).
pub fn check_lead_minutes(minutes: &[i64]) -> DeskResult<()> {
    match minutes
        .iter()
        .find(|m| !(0..=MAX_LEAD_MINUTES).contains(*m))
    {
        Some(bad) => Err(DeskError::invalid(format!(
            "a lead time is 0 to {MAX_LEAD_MINUTES} minutes before the deadline, not {bad}"
        ))),
        None => Ok(()),
    }
}

impl Desk {
    /// The profile's lead times, in minutes.
    pub fn alert_lead_minutes(&self) -> DeskResult<Vec<i64>> {
        Ok(self
            .session
            .cache
            .lead_times()?
            .iter()
            .map(Duration::num_minutes)
            .collect())
    }

    /// Replaces the profile's lead times (checked first) and wakes the refresher, so alerts
    /// that are now due are shown at once.
    pub fn set_alert_lead_minutes(&self, minutes: &[i64]) -> DeskResult<()> {
        check_lead_minutes(minutes)?;
        let leads: Vec<Duration> = minutes.iter().map(|m| Duration::minutes(*m)).collect();
        self.session.cache.set_lead_times(&leads)?;
        self.wake();
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::watcher::MissedCase;
    use chrono::TimeZone;

    fn deadline(case_number: i64, severity: u8) -> AlertEvent {
        let at = Utc.with_ymd_and_hms(2026, 3, 9, 9, 0, 0).unwrap();
        AlertEvent::Deadline {
            case_number,
            subject: "s".into(),
            severity,
            due_at: at,
            lead_seconds: 900,
            remaining_seconds: 900,
            at,
            catch_up: false,
        }
    }

    #[test]
    fn do_not_disturb_silences_all_but_severity_1_until_it_ends() {
        let now = Utc.with_ymd_and_hms(2026, 3, 9, 9, 0, 0).unwrap();
        let quiet = Quiet {
            until: Some(now + Duration::hours(1)),
            muted_cases: BTreeSet::new(),
        };
        assert!(quiet.filter(&deadline(1, 2), now).is_none());
        assert!(quiet.filter(&deadline(1, 1), now).is_some());
        assert!(quiet
            .filter(&deadline(1, 2), now + Duration::hours(2))
            .is_some());
    }

    #[test]
    fn a_muted_case_is_silent_except_at_severity_1_and_leaves_groups() {
        let now = Utc.with_ymd_and_hms(2026, 3, 9, 9, 0, 0).unwrap();
        let quiet = Quiet {
            until: None,
            muted_cases: [7].into(),
        };
        assert!(quiet.filter(&deadline(7, 3), now).is_none());
        assert!(quiet.filter(&deadline(8, 3), now).is_some());
        assert!(quiet.filter(&deadline(7, 1), now).is_some());
        let missed = |n: i64| MissedCase {
            case_number: n,
            subject: String::new(),
            severity: 3,
            due_at: now,
        };
        let group = AlertEvent::Missed {
            cases: vec![missed(7), missed(8)],
            at: now,
        };
        match quiet.filter(&group, now) {
            Some(AlertEvent::Missed { cases, .. }) => assert_eq!(cases.len(), 1),
            other => panic!("{other:?}"),
        }
    }
}
