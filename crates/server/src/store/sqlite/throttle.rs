//! Failed logins, counted in the database so that every process serving the data directory
//! (and a restarted one) applies the same limits.

use super::{from_millis, to_millis};
use crate::store::model::LoginFailures;
use crate::store::StoreResult;
use chrono::{DateTime, Utc};
use rusqlite::{params, Connection};

/// Records a failure and forgets those that no longer count.
pub fn record(
    conn: &Connection,
    account: &str,
    address: &str,
    at: DateTime<Utc>,
    forget_before: DateTime<Utc>,
) -> StoreResult<()> {
    conn.execute(
        "DELETE FROM login_failures WHERE at < ?1",
        [to_millis(forget_before)],
    )?;
    conn.execute(
        "INSERT INTO login_failures(account, address, at) VALUES (?1, ?2, ?3)",
        params![account, address, to_millis(at)],
    )?;
    Ok(())
}

/// Failures since `since` per account and per address.
pub fn count(
    conn: &Connection,
    account: &str,
    address: &str,
    since: DateTime<Utc>,
) -> StoreResult<LoginFailures> {
    let since = to_millis(since);
    let one = |column: &str, value: &str| -> StoreResult<(u32, Option<DateTime<Utc>>)> {
        let (n, oldest): (i64, Option<i64>) = conn
            .prepare_cached(&format!(
                "SELECT COUNT(*), MIN(at) FROM login_failures WHERE {column} = ?1 AND at >= ?2"
            ))?
            .query_row(params![value, since], |r| Ok((r.get(0)?, r.get(1)?)))?;
        Ok((
            n.clamp(0, i64::from(u32::MAX)) as u32,
            oldest.map(from_millis),
        ))
    };
    let (account, account_oldest) = one("account", account)?;
    let (address, address_oldest) = one("address", address)?;
    Ok(LoginFailures {
        account,
        account_oldest,
        address,
        address_oldest,
    })
}

/// Forgets an account's failures.
pub fn clear(conn: &Connection, account: &str) -> StoreResult<()> {
    conn.execute("DELETE FROM login_failures WHERE account = ?1", [account])?;
    Ok(())
}
