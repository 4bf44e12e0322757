//! Which engineer a new case goes to: the one with the fewest open cases (then the lowest id),
//! as on SQLite — but from counts this instance keeps, not from a count per new case.
//!
//! Why: counting an engineer's open cases reads every one of them, so with tens of thousands
//! of open cases each creation spent milliseconds of database CPU on the count alone, and
//! creations per second fell the longer the server ran (1,640/s in the first five seconds of
//! a load test, 770/s by the fifteenth). The counts are read with one grouped query at most
//! once per [`FRESH_FOR`], and every case this instance assigns is added to them at once, so
//! one instance balances exactly like SQLite. What other instances assigned in the meantime
//! is seen at the next reading: several instances balance on counts at most one second old.
//! Any write of this instance that can change a count (a status change, an assignment, a
//! comment that reopens, an account created or removed) forgets the counts.

use super::{col, tx_query, PgStore};
use crate::store::{StoreError, StoreResult};
use casewatch_core::CaseStatus;
use deadpool_postgres::Transaction;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// How long counted loads are used before they are read again.
const FRESH_FOR: Duration = Duration::from_secs(1);

/// Open cases per active engineer, as last counted plus what this instance assigned since.
#[derive(Debug, Default)]
pub(super) struct EngineerLoads {
    inner: Mutex<Option<Counted>>,
}

#[derive(Debug)]
struct Counted {
    at: Instant,
    /// (engineer id, open cases), engineers only.
    loads: Vec<(i64, i64)>,
}

impl EngineerLoads {
    /// Forgets the counts: the next assignment reads them again.
    pub(super) fn forget(&self) {
        if let Ok(mut inner) = self.inner.lock() {
            *inner = None;
        }
    }

    /// Takes the least busy engineer from fresh counts and counts the new case for them;
    /// `None` when the counts are stale or there is no engineer.
    fn take_fresh(&self) -> Option<Option<i64>> {
        let mut inner = self.inner.lock().ok()?;
        let counted = inner.as_mut().filter(|c| c.at.elapsed() < FRESH_FOR)?;
        Some(take_least(&mut counted.loads))
    }

    fn store_and_take(&self, mut loads: Vec<(i64, i64)>) -> Option<i64> {
        let chosen = take_least(&mut loads);
        if let Ok(mut inner) = self.inner.lock() {
            *inner = Some(Counted {
                at: Instant::now(),
                loads,
            });
        }
        chosen
    }
}

/// The engineer with the fewest open cases, then the lowest id; their count goes up by one.
fn take_least(loads: &mut [(i64, i64)]) -> Option<i64> {
    let least = loads.iter_mut().min_by_key(|(id, open)| (*open, *id))?;
    least.1 += 1;
    Some(least.0)
}

/// The engineer a new case created in `tx` is assigned to (`None` when there is none).
pub(super) async fn pick_engineer(
    store: &PgStore,
    tx: &Transaction<'_>,
) -> StoreResult<Option<i64>> {
    if let Some(chosen) = store.loads.take_fresh() {
        return Ok(chosen);
    }
    let loads = count(tx).await?;
    Ok(store.loads.store_and_take(loads))
}

/// The engineer with the fewest open cases now, counted in `tx` (no cache: for the demo
/// seed, which creates its engineer in the same transaction).
pub(super) async fn least_busy_now(tx: &Transaction<'_>) -> StoreResult<Option<i64>> {
    Ok(take_least(&mut count(tx).await?))
}

/// Open cases per active engineer, counted in `tx`.
async fn count(tx: &Transaction<'_>) -> StoreResult<Vec<(i64, i64)>> {
    let open: Vec<String> = CaseStatus::open().map(|s| s.as_str().to_string()).collect();
    let rows = tx_query(
        tx,
        "SELECT u.id, COUNT(c.number) FROM users u
         LEFT JOIN cases c ON c.assignee_id = u.id AND c.status = ANY($1)
         WHERE u.role = 'engineer' AND u.removed_at IS NULL
         GROUP BY u.id",
        &[&open],
    )
    .await?;
    rows.iter()
        .map(|r| Ok((col::<i64>(r, 0)?, col::<i64>(r, 1)?)))
        .collect::<Result<Vec<_>, StoreError>>()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_least_busy_engineer_gets_the_case_and_ties_go_to_the_lowest_id() {
        let mut loads = vec![(7, 3), (4, 1), (9, 1)];
        assert_eq!(take_least(&mut loads), Some(4));
        assert_eq!(take_least(&mut loads), Some(9));
        assert_eq!(take_least(&mut loads), Some(4));
        assert_eq!(loads, vec![(7, 3), (4, 3), (9, 2)]);
        assert_eq!(take_least(&mut []), None);
    }

    #[test]
    fn forgotten_counts_are_read_again() {
        let loads = EngineerLoads::default();
        assert_eq!(loads.take_fresh(), None, "nothing counted yet");
        assert_eq!(loads.store_and_take(vec![(1, 0), (2, 0)]), Some(1));
        assert_eq!(loads.take_fresh(), Some(Some(2)));
        loads.forget();
        assert_eq!(loads.take_fresh(), None);
    }
}
