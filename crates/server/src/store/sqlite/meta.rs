//! The `meta` key-value table, health probes, the open-case gauge, and leases for background
//! work.

use super::to_millis;
use crate::store::model::SeverityCount;
use crate::store::StoreResult;
use casewatch_core::CaseStatus;
use chrono::{DateTime, Utc};
use rusqlite::{params, Connection, OptionalExtension};

/// Reads a `meta` value.
pub fn get(conn: &Connection, key: &str) -> StoreResult<Option<String>> {
    Ok(conn
        .query_row("SELECT value FROM meta WHERE key = ?1", [key], |r| r.get(0))
        .optional()?)
}

/// Writes a `meta` value.
pub fn set(conn: &Connection, key: &str, value: &str) -> StoreResult<()> {
    conn.execute(
        "INSERT INTO meta(key, value) VALUES (?1, ?2)
         ON CONFLICT(key) DO UPDATE SET value = excluded.value",
        [key, value],
    )?;
    Ok(())
}

/// The schema version recorded in the database.
pub fn schema_version(conn: &Connection) -> StoreResult<i64> {
    Ok(conn.pragma_query_value(None, "user_version", |r| r.get(0))?)
}

/// The open statuses as a SQL list (`'waiting-on-vendor', …`) for `status IN (…)`: SQL cannot
/// call [`CaseStatus::is_open`], so the list is built from it rather than written out.
pub fn open_statuses_sql() -> String {
    CaseStatus::open()
        .map(|s| format!("'{}'", s.as_str()))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Open cases by severity.
pub fn open_cases_by_severity(conn: &Connection) -> StoreResult<Vec<SeverityCount>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT severity, COUNT(*) FROM cases WHERE status IN ({}) GROUP BY severity
         ORDER BY severity",
        open_statuses_sql()
    ))?;
    let rows = stmt
        .query_map([], |r| {
            Ok(SeverityCount {
                severity: r.get(0)?,
                open: r.get(1)?,
            })
        })?
        .collect::<Result<Vec<_>, _>>()?;
    Ok(rows)
}

/// Takes or renews a lease.
pub fn try_lease(
    conn: &Connection,
    job: &str,
    holder: &str,
    now: DateTime<Utc>,
    until: DateTime<Utc>,
) -> StoreResult<bool> {
    let changed = conn.execute(
        "INSERT INTO leases(job, holder, expires_at) VALUES (?1, ?2, ?3)
         ON CONFLICT(job) DO UPDATE SET holder = excluded.holder,
             expires_at = excluded.expires_at
         WHERE leases.holder = excluded.holder OR leases.expires_at <= ?4",
        params![job, holder, to_millis(until), to_millis(now)],
    )?;
    Ok(changed == 1)
}

/// Gives a lease back.
pub fn release_lease(conn: &Connection, job: &str, holder: &str) -> StoreResult<()> {
    conn.execute(
        "DELETE FROM leases WHERE job = ?1 AND holder = ?2",
        params![job, holder],
    )?;
    Ok(())
}
