//! Background work done exactly once across server instances (issue 10, item 3).
//!
//! Why a lease rather than a scheduler per instance: with several `casewatch server` processes
//! on one database, each runs this loop, and only the one holding the job's lease in the
//! database ([`Store::try_lease`], `INSERT … ON CONFLICT` on PostgreSQL, the writer thread on
//! SQLite) does the work of that round; the others skip it. Each job records what it did in the
//! database under the lease, so a round taken over by another instance (after a crash or an
//! expired lease) sees it and does not do it again.
//!
//! The second job is the mail sender ([`spawn_mail_sender`], lease [`MAIL_SENDER`]): it
//! delivers due rows of the mail queue and records each outcome before the next, so an
//! instance taking over the lease continues where the last one stopped.
//!
//! The third is the clean-up ([`prune`], lease [`PRUNE`]): mail sent or given up, the
//! Message-IDs of incoming mail, automatic-answer times and spent set-password tokens are
//! kept [`RETENTION`] (long enough to answer "did that mail go out?" and to recognise a
//! message the MTA delivers again), then removed, so the tables stay the size of a month.
//! When it last ran is recorded under its lease, so it runs once an hour across all
//! instances.
//!
//! The first job is the deadline sweep: an open case whose initial-response deadline passed
//! without a first response is recorded once as a breach (`meta` key `sla_breach:<number>` with
//! the time it was noticed, and the running total under [`BREACH_COUNT_KEY`]), and logged as a
//! warning for the operator.

use crate::mailer::Mailer;
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

/// The mail sender's lease name.
pub const MAIL_SENDER: &str = "mail-sender";
/// The mail sender's lease: renewed before every mail and every few seconds while one is
/// being sent, so it only lapses when its holder stops — and then soon, so that mail left by
/// a crashed instance waits seconds, not minutes, for another (or the restarted) instance.
const MAIL_LEASE_TTL: Duration = Duration::from_secs(20);
/// How often the lease is renewed while the relay takes its time with one mail.
const MAIL_LEASE_RENEW: Duration = Duration::from_secs(5);
/// Mails read from the queue at once.
const MAIL_BATCH: u32 = 50;

/// The clean-up's lease name.
pub const PRUNE: &str = "mail-prune";
/// `meta` key holding when the clean-up last ran.
pub const PRUNED_AT_KEY: &str = "mail_pruned_at";
/// How often the clean-up runs.
const PRUNE_EVERY: Duration = Duration::from_secs(3600);
/// How long finished mail records are kept.
pub const RETENTION: chrono::TimeDelta = chrono::TimeDelta::days(30);

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
            if let Err(e) = prune(store.as_ref(), &holder, Utc::now()).await {
                tracing::warn!(error = %e, "the mail clean-up failed; retrying next round");
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

/// The clean-up, if no instance ran it in the last [`PRUNE_EVERY`]: removes what is older
/// than [`RETENTION`] at `now`. `None` when it was not due or another instance holds the
/// lease.
pub async fn prune(
    store: &dyn Store,
    holder: &str,
    now: DateTime<Utc>,
) -> StoreResult<Option<crate::store::Pruned>> {
    if !store.try_lease(PRUNE, holder, LEASE_TTL).await? {
        return Ok(None);
    }
    let result = prune_if_due(store, now).await;
    store.release_lease(PRUNE, holder).await?;
    result
}

async fn prune_if_due(
    store: &dyn Store,
    now: DateTime<Utc>,
) -> StoreResult<Option<crate::store::Pruned>> {
    let last = store
        .meta_get(PRUNED_AT_KEY)
        .await?
        .and_then(|t| DateTime::parse_from_rfc3339(&t).ok());
    let every = chrono::TimeDelta::from_std(PRUNE_EVERY).unwrap_or(chrono::TimeDelta::hours(1));
    if last.is_some_and(|t| now.signed_duration_since(t) < every) {
        return Ok(None);
    }
    let pruned = store.prune_mail_records(now - RETENTION).await?;
    store.meta_set(PRUNED_AT_KEY, &now.to_rfc3339()).await?;
    if pruned != crate::store::Pruned::default() {
        tracing::info!(
            mails = pruned.mails,
            inbound = pruned.inbound,
            tokens = pruned.tokens,
            "removed mail records older than the retention"
        );
    }
    Ok(Some(pruned))
}

/// How many breaches were recorded in total.
pub async fn breach_count(store: &dyn Store) -> StoreResult<u64> {
    Ok(store
        .meta_get(BREACH_COUNT_KEY)
        .await?
        .and_then(|v| v.parse().ok())
        .unwrap_or(0))
}

/// Runs the mail sender until `stop` turns true: a round at once, then whenever a write
/// queued mail ([`Mailer::wake`]) or [`Mailer::poll`] passed. Failures are logged and the
/// next round tries again.
pub(crate) fn spawn_mail_sender(
    store: Arc<dyn Store>,
    mailer: Arc<Mailer>,
    mut stop: watch::Receiver<bool>,
) {
    let holder = holder_name();
    tokio::spawn(async move {
        loop {
            if let Err(e) = send_due_mail(store.as_ref(), &mailer, &holder).await {
                tracing::warn!(error = %e, "the mail sender failed; retrying next round");
            }
            tokio::select! {
                _ = stop.wait_for(|s| *s) => break,
                _ = mailer.wake.notified() => {}
                _ = tokio::time::sleep(mailer.poll) => {}
            }
        }
    });
}

/// One round of the mail sender, if this holder gets the lease: `Some(mails attempted)`, or
/// `None` when another instance holds it.
pub(crate) async fn send_due_mail(
    store: &dyn Store,
    mailer: &Mailer,
    holder: &str,
) -> StoreResult<Option<u64>> {
    if !store.try_lease(MAIL_SENDER, holder, MAIL_LEASE_TTL).await? {
        return Ok(None);
    }
    let result = send_rounds(store, mailer, holder).await;
    // Given back at once, so the instance whose write queued the next mail can send it at once.
    store.release_lease(MAIL_SENDER, holder).await?;
    result.map(Some)
}

async fn send_rounds(store: &dyn Store, mailer: &Mailer, holder: &str) -> StoreResult<u64> {
    let mut attempted = 0;
    loop {
        let rows = store.due_mail(Utc::now(), MAIL_BATCH).await?;
        let full = rows.len() == MAIL_BATCH as usize;
        for row in rows {
            // Renewed before each mail: an instance that lost the lease (paused past its
            // expiry) stops rather than send beside the new holder.
            if !store.try_lease(MAIL_SENDER, holder, MAIL_LEASE_TTL).await? {
                return Ok(attempted);
            }
            let send = mailer.deliver(&row, Utc::now());
            tokio::pin!(send);
            let outcome = loop {
                tokio::select! {
                    outcome = &mut send => break outcome,
                    _ = tokio::time::sleep(MAIL_LEASE_RENEW) => {
                        // Lost to another instance (this one was paused past the expiry):
                        // give up this attempt; the row stays queued for the new holder.
                        if !store.try_lease(MAIL_SENDER, holder, MAIL_LEASE_TTL).await? {
                            return Ok(attempted);
                        }
                    }
                }
            };
            match &outcome {
                crate::store::MailOutcome::Sent { .. } => {
                    tracing::info!(mail = row.id, case = ?row.case_number, "mail sent")
                }
                crate::store::MailOutcome::Retry { next, error } => {
                    tracing::warn!(mail = row.id, %next, %error, "mail not sent; will retry")
                }
                crate::store::MailOutcome::Failed { error } => {
                    tracing::error!(mail = row.id, %error, "mail given up")
                }
            }
            store.mark_mail(row.id, outcome).await?;
            attempted += 1;
        }
        // One pass over what was due: mails retried in this pass wait for a later round.
        if !full {
            return Ok(attempted);
        }
    }
}
