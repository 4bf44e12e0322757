//! The case list from the cache alone, without asking the portal.
//!
//! [`Desk::cases`] asks the portal first and falls back to the cache; a user on a metered or
//! captive network, or a script that must not wait for a timeout, wants the cached copy at once
//! (`casewatch cases --offline`). The answer is the same [`CaseList`], deadlines recomputed by
//! the core now, marked `offline`.

use chrono::Utc;

use super::thread::{with_deadline, CaseList};
use super::{Desk, DeskResult};

impl Desk {
    /// The cached cases (open ones unless `include_closed`) and the new cases still in the
    /// outbox; never touches the network.
    pub fn cached_cases(&self, include_closed: bool) -> DeskResult<CaseList> {
        let now = Utc::now();
        let me = self.me()?;
        let cases = self
            .session
            .cache
            .cases(None)?
            .into_iter()
            .filter(|c| include_closed || c.status.is_open())
            .map(|c| with_deadline(me.as_ref(), c, now))
            .collect();
        Ok(CaseList {
            cases,
            as_of: now,
            offline: true,
            queued: self.queued_cases()?,
        })
    }
}
