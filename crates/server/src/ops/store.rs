//! What the operations endpoints read from the storage layer, in one place: when the store's
//! interface changes, only this file follows.

use crate::error::ApiResult;
use crate::AppState;

/// How many connections this instance's database pool holds, and how many are busy.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PoolStatus {
    /// Connections lent to a request right now.
    pub in_use: u64,
    /// Open connections waiting for work.
    pub idle: u64,
    /// The most connections the pool will open.
    pub max: u64,
}

/// Whether the database answers (and so, since the store applies its migrations before it
/// opens, whether the schema is the program's).
pub async fn ping(state: &AppState) -> ApiResult<()> {
    Ok(state.store.ping().await?)
}

/// Open cases per severity: `(severity, count)`, severities without open cases left out.
pub async fn open_cases_by_severity(state: &AppState) -> ApiResult<Vec<(i64, u64)>> {
    Ok(state
        .store
        .open_cases_by_severity()
        .await?
        .into_iter()
        .map(|c| (i64::from(c.severity), u64::try_from(c.open).unwrap_or(0)))
        .collect())
}

/// The mail queue's counts `(queued, sent, failed)`, when e-mail is on.
pub async fn mail_counts(state: &AppState) -> Option<(i64, i64, i64)> {
    state.mailer.as_ref()?;
    let c = state.store.mail_counts().await.ok()?;
    Some((c.queued, c.sent, c.failed))
}

/// The pool's use, when the store keeps a pool it can report on.
pub fn pool_status(state: &AppState) -> Option<PoolStatus> {
    let p = state.store.pool_status();
    Some(PoolStatus {
        in_use: p.in_use,
        idle: p.idle,
        max: p.max,
    })
}
