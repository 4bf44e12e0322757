//! Background work done exactly once across server instances (issue 10, item 3).
//!
//! Why a lease rather than a scheduler per instance: with several `casewatch server` processes
//! on one database, each runs this loop, and only the one holding the job's lease in the
//! database ([`Store::try_lease`], `INSERT … ON CONFLICT` on PostgreSQL, the writer thread on
//! SQLite) does the work of that round; the others skip it. Each job records what it did in the
//! database under the lease, so a round taken over by another instance (after a crash or an
//! expired lease) sees it and does not do it again. The e-mail issue's mail queue is meant to
//! become a second job of this runner.
//!
//! The first job is the deadline sweep: an open case whose initial-response deadline passed
//! without a first response is recorded once as a breach (`meta` key `sla_breach:<number>` with
//! the time it was noticed, and the running total under [`BREACH_COUNT_KEY`]), and logged as a
//! warning for the operator.

use crate::store::{Store, StoreResult};
use chrono::{DateTime, Utc};
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::watch;

/// The deadline sweep's lease name.
pub const DEADLINE_SWEEP: &str = "deadline-sweep";
/// `meta` key holding how many breaches were recorded in total.
pub const BREACH_COUNT_KEY: &str = "sla_breaches";
/// How often each instance tries to run the jobs.
pub const INTERVAL: Duration = Duration::from_secs(30);
/// How long a lease lasts: far longer than a sweep takes, so a slow round is never taken over
/// while it runs, and short enough that a killed instance's round is soon done by another.
const LEASE_TTL: Duration = Duration::from_secs(300);
/// The most open cases one sweep looks at (they come soonest due first).
const SWEEP_LIMIT: u32 = 10_000;

/// The `meta` key recording that case `number` breached its initial-response deadline.
pub fn breach_key(number: i64) -> String {
    format!("sla_breach:{number}")
}

/// A name for this instance's leases: unique per process and start.
pub fn holder_name() -> String {
    let mut random = [0u8; 8];
    let _ = getrandom::fill(&mut random);
    format!("{}-{}", std::process::id(), hex::encode(random))
}

/// Runs the jobs every [`INTERVAL`] until `stop` turns true. Failures (the database away, say)
/// are logged and the next round tries again.
pub fn spawn(store: Arc<dyn Store>, mut stop: watch::Receiver<bool>) {
    let holder = holder_name();
    tokio::spawn(async move {
        loop {
            tokio::select! {
                _ = stop.wait_for(|s| *s) => break,
                _ = tokio::time::sleep(INTERVAL) => {}
            }
            if let Err(e) = deadline_sweep(store.as_ref(), &holder, Utc::now()).await {
                tracing::warn!(error = %e, "the deadline sweep failed; retrying next round");
            }
        }
    });
}

/// One round of the deadline sweep, if this holder gets the lease: `Some(new breaches)`, or
/// `None` when another instance holds the lease.
pub async fn deadline_sweep(
    store: &dyn Store,
    holder: &str,
    now: DateTime<Utc>,
) -> StoreResult<Option<u64>> {
    if !store.try_lease(DEADLINE_SWEEP, holder, LEASE_TTL).await? {
        return Ok(None);
    }
    let result = sweep(store, now).await;
    // Given back at once: the next round may run anywhere, and what is recorded is not redone.
    store.release_lease(DEADLINE_SWEEP, holder).await?;
    result.map(Some)
}

async fn sweep(store: &dyn Store, now: DateTime<Utc>) -> StoreResult<u64> {
    let mut new = 0;
    for case in store.open_queue(SWEEP_LIMIT).await? {
        // Soonest due first: the first deadline still ahead ends the sweep.
        let Some(due) = case.due_at else { break };
        if due > now {
            break;
        }
        if case.first_response_at.is_some() {
            continue;
        }
        let key = breach_key(case.number);
        if store.meta_get(&key).await?.is_some() {
            continue;
        }
        store.meta_set(&key, &now.to_rfc3339()).await?;
        new += 1;
        tracing::warn!(
            case = case.number,
            due = %due,
            "a case passed its initial-response deadline without a first response"
        );
    }
    if new > 0 {
        let total = breach_count(store).await? + new;
        store.meta_set(BREACH_COUNT_KEY, &total.to_string()).await?;
    }
    Ok(new)
}

/// How many breaches were recorded in total.
pub async fn breach_count(store: &dyn Store) -> StoreResult<u64> {
    Ok(store
        .meta_get(BREACH_COUNT_KEY)
        .await?
        .and_then(|v| v.parse().ok())
        .unwrap_or(0))
}
