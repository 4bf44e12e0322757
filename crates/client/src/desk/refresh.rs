//! Keeping a desk current: one refresh (send the outbox, refresh the cached cases, run the
//! deadline watcher), and the one loop that repeats it — run by the app's background task
//! and by `casewatch watch` alike, each with its own way of showing alerts.
//!
//! The loop refreshes from the portal every [`Refresher::interval`] or as soon as the desk is
//! woken ([`Desk::wake`]: a reply was sent, a case filed, the lead times changed), and between
//! refreshes wakes up when the watcher's next alert falls due, so an alert is shown on time
//! even with a long interval. It ends when the desk is closed (at sign-out) or when the sink
//! says so.

use std::hash::{Hash, Hasher};
use std::ops::ControlFlow;
use std::sync::atomic::Ordering;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use chrono::Utc;
use serde::Serialize;

use super::{Desk, DeskError, DeskResult};
use crate::watcher::AlertEvent;

/// A case counts as near its deadline this long before it (or once breached).
pub const NEAR_DEADLINE: chrono::Duration = chrono::Duration::minutes(60);

/// What one refresh found.
#[derive(Debug, Clone, Default, Serialize)]
pub struct RefreshReport {
    /// True when this pass asked the portal (else it only ran the watcher over the cache).
    pub synced: bool,
    /// The portal could not be reached.
    pub offline: bool,
    /// Alerts to show now (each is recorded in the profile's ledger and never repeats).
    pub alerts: Vec<AlertEvent>,
    /// Open cases without a first response whose deadline is within [`NEAR_DEADLINE`] or past.
    pub near_deadline: usize,
    /// The cached cases, their threads or the outbox changed since the previous pass.
    pub changed: bool,
    /// A failure that is not about reaching the portal (the pass went on without that part).
    pub error: Option<DeskError>,
}

/// The state a desk keeps between passes.
#[derive(Debug, Default)]
pub(crate) struct RefreshMemory {
    fingerprint: Mutex<Option<u64>>,
}

impl Desk {
    /// One full pass: sends the outbox, refreshes the cases from the portal, runs the
    /// watcher. Never fails: what went wrong is in the report (offline, or `error`).
    pub async fn refresh_once(&self) -> RefreshReport {
        let mut report = RefreshReport {
            synced: true,
            ..RefreshReport::default()
        };
        if let Err(e) = self.flush().await {
            tracing::warn!("outbox: {e}");
            report.error.get_or_insert(e);
        }
        match self.session.sync_cases().await {
            Ok(_) => self.set_offline(false),
            Err(e) if e.is_transient() => self.set_offline(true),
            Err(e) => {
                tracing::warn!("case refresh: {e}");
                report.error.get_or_insert(e.into());
            }
        }
        report.offline = self.is_offline();
        self.observe(&mut report);
        report
    }

    /// A pass over the cache only: runs the watcher (no network).
    pub fn watch_once(&self) -> RefreshReport {
        let mut report = RefreshReport {
            offline: self.is_offline(),
            ..RefreshReport::default()
        };
        self.observe(&mut report);
        report
    }

    fn observe(&self, report: &mut RefreshReport) {
        report.alerts = self.take_alerts();
        match self.watcher.tick() {
            Ok(events) => report.alerts.extend(events),
            Err(e) => {
                tracing::warn!("deadline watcher: {e}");
                report.error.get_or_insert(e.into());
            }
        }
        match self.near_deadline() {
            Ok(n) => report.near_deadline = n,
            Err(e) => tracing::warn!("near-deadline count: {e}"),
        }
        if let Ok(now) = self.fingerprint() {
            let mut last = self
                .refresh
                .fingerprint
                .lock()
                .unwrap_or_else(|e| e.into_inner());
            report.changed = last.is_some_and(|f| f != now);
            *last = Some(now);
        }
    }

    /// Open cases without a first response whose deadline is within [`NEAR_DEADLINE`] or
    /// past.
    pub fn near_deadline(&self) -> DeskResult<usize> {
        let now = Utc::now();
        let mut count = 0;
        for case in self.session.cache.open_cases()? {
            if case.first_response_at.is_some() {
                continue;
            }
            if let Some(due) = self.watcher.deadline_of(&case)? {
                if due - now <= NEAR_DEADLINE {
                    count += 1;
                }
            }
        }
        Ok(count)
    }

    /// A hash of what the case screens show: cases, their thread lengths, the outbox.
    fn fingerprint(&self) -> DeskResult<u64> {
        let mut hasher = std::collections::hash_map::DefaultHasher::new();
        let cache = &self.session.cache;
        for case in cache.cases(None)? {
            case.number.hash(&mut hasher);
            case.updated_at.hash(&mut hasher);
            case.severity.number().hash(&mut hasher);
            serde_json::to_string(&case.status)
                .unwrap_or_default()
                .hash(&mut hasher);
            case.first_response_at.hash(&mut hasher);
            cache.comments(case.number)?.len().hash(&mut hasher);
        }
        // Queued cases show on the home screen too: a send or a refusal changes what it lists.
        for item in cache.outbox(None)? {
            item.id.hash(&mut hasher);
            serde_json::to_string(&item.state)
                .unwrap_or_default()
                .hash(&mut hasher);
        }
        Ok(hasher.finish())
    }
}

/// The refresher loop (see the module docs).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Refresher {
    /// Time between refreshes from the portal when nothing wakes the desk.
    pub interval: Duration,
}

impl Refresher {
    /// The app's pace: every 15 seconds.
    pub const APP_INTERVAL: Duration = Duration::from_secs(15);

    /// A loop refreshing every `interval` (at least one second).
    pub fn new(interval: Duration) -> Refresher {
        Refresher {
            interval: interval.max(Duration::from_secs(1)),
        }
    }

    /// Runs until the desk is closed or `sink` answers `Break`; `sink` gets every pass's
    /// report (alerts to show, the near-deadline count, whether the cases changed).
    pub async fn run(&self, desk: &Desk, mut sink: impl FnMut(&RefreshReport) -> ControlFlow<()>) {
        /// Clears the desk's "a refresher shows alerts" mark however the loop ends (also when
        /// its future is dropped).
        struct Running<'a>(&'a Desk);
        impl Drop for Running<'_> {
            fn drop(&mut self) {
                self.0.refresher_running.store(false, Ordering::SeqCst);
            }
        }
        desk.refresher_running.store(true, Ordering::SeqCst);
        let _running = Running(desk);
        self.run_passes(desk, &mut sink).await;
    }

    async fn run_passes(
        &self,
        desk: &Desk,
        sink: &mut impl FnMut(&RefreshReport) -> ControlFlow<()>,
    ) {
        let mut last_sync: Option<Instant> = None;
        let mut woken = true;
        while !desk.is_closed() {
            let due = last_sync.is_none_or(|t| t.elapsed() >= self.interval);
            let report = if due || woken {
                last_sync = Some(Instant::now());
                desk.refresh_once().await
            } else {
                desk.watch_once()
            };
            if desk.is_closed() || sink(&report).is_break() {
                return;
            }
            let until_sync = self
                .interval
                .saturating_sub(last_sync.map_or(Duration::ZERO, |t| t.elapsed()));
            let until_alert = desk
                .watcher
                .next_alert_at()
                .ok()
                .flatten()
                .and_then(|t| (t - Utc::now()).to_std().ok());
            let nap = until_alert
                .map_or(until_sync, |a| a.min(until_sync))
                .max(Duration::from_millis(200));
            woken = tokio::select! {
                () = tokio::time::sleep(nap) => false,
                () = desk.wake.notified() => true,
            };
        }
    }
}
