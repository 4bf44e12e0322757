//! When deadline alerts fire: the lead times before each initial-response deadline, kept per
//! profile in its cache (so the app and `casewatch watch` alert at the same moments).

use chrono::Duration;

use super::{Desk, DeskError, DeskResult};
use crate::cache::DEFAULT_LEAD_TIMES_SECONDS;

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
