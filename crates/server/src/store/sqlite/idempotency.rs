//! `Idempotency-Key` records: checked and written in the same transaction as the write they
//! guard, so a retry can never do the work twice.

use super::to_millis;
use crate::store::model::IdempotencyKey;
use crate::store::{StoreError, StoreResult};
use chrono::Utc;
use rusqlite::{params, Connection, OptionalExtension};

/// The earlier result under this key (same body), `None` for a new key, or
/// `IdempotencyConflict` for another body under the same key.
pub fn check(conn: &Connection, k: &IdempotencyKey) -> StoreResult<Option<i64>> {
    let found: Option<(Vec<u8>, i64)> = conn
        .prepare_cached(
            "SELECT request_hash, result FROM idempotency
             WHERE user_id = ?1 AND scope = ?2 AND key = ?3",
        )?
        .query_row(params![k.user_id, k.scope, k.key], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
        .optional()?;
    match found {
        None => Ok(None),
        Some((hash, result)) if hash == k.request_hash => Ok(Some(result)),
        Some(_) => Err(StoreError::IdempotencyConflict),
    }
}

/// Remembers the result of an idempotent write.
pub fn remember(conn: &Connection, k: &IdempotencyKey, result: i64) -> StoreResult<()> {
    conn.execute(
        "INSERT INTO idempotency(user_id, scope, key, request_hash, result, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        params![
            k.user_id,
            k.scope,
            k.key,
            k.request_hash,
            result,
            to_millis(Utc::now())
        ],
    )?;
    Ok(())
}
