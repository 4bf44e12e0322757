//! Set-password tokens: invitations and resets by mail. Each write that makes a token also
//! queues its mail (in the writer's savepoint), so a token never exists without its mail.

use super::mail::{account_by, insert as insert_mail};
use super::{accounts, to_millis};
use crate::store::model::*;
use crate::store::StoreResult;
use chrono::{DateTime, Utc};
use rusqlite::{params, Connection, OptionalExtension};

fn insert_token(conn: &Connection, user_id: i64, t: &PasswordToken) -> StoreResult<()> {
    conn.prepare_cached(
        "INSERT INTO password_tokens(token_hash, user_id, purpose, created_at, expires_at)
         VALUES (?1, ?2, ?3, ?4, ?5)",
    )?
    .execute(params![
        t.hash,
        user_id,
        t.purpose.as_str(),
        to_millis(t.created_at),
        to_millis(t.expires_at)
    ])?;
    Ok(())
}

/// A new account with its invitation token and mail.
pub fn invite(
    conn: &Connection,
    account: &NewAccount,
    token: &PasswordToken,
    mail: &AccountMail,
) -> StoreResult<i64> {
    let id = accounts::insert(conn, account)?;
    insert_token(conn, id, token)?;
    let target =
        account_by(conn, "id = ?1", id)?.ok_or(crate::store::StoreError::NotFound("account"))?;
    insert_mail(conn, &mail(&target), token.created_at)?;
    Ok(id)
}

/// A reset token and its mail, unless the address has no current account or was sent a reset
/// after `not_since`.
pub fn request_reset(
    conn: &Connection,
    email: &str,
    token: &PasswordToken,
    mail: &AccountMail,
    not_since: DateTime<Utc>,
) -> StoreResult<bool> {
    let Some(target) = account_by(
        conn,
        "email = ?1 COLLATE NOCASE AND removed_at IS NULL",
        email,
    )?
    else {
        return Ok(false);
    };
    let recent: Option<i64> = conn
        .prepare_cached(
            "SELECT 1 FROM password_tokens
             WHERE user_id = ?1 AND purpose = 'reset' AND created_at > ?2 LIMIT 1",
        )?
        .query_row(params![target.id, to_millis(not_since)], |r| r.get(0))
        .optional()?;
    if recent.is_some() {
        return Ok(false);
    }
    insert_token(conn, target.id, token)?;
    insert_mail(conn, &mail(&target), token.created_at)?;
    Ok(true)
}

fn valid_owner(conn: &Connection, hash: &[u8], now: DateTime<Utc>) -> StoreResult<Option<i64>> {
    Ok(conn
        .prepare_cached(
            "SELECT t.user_id FROM password_tokens t JOIN users u ON u.id = t.user_id
             WHERE t.token_hash = ?1 AND t.used_at IS NULL AND t.expires_at > ?2
               AND u.removed_at IS NULL",
        )?
        .query_row(params![hash, to_millis(now)], |r| r.get(0))
        .optional()?)
}

/// The account of a valid token.
pub fn token_account(
    conn: &Connection,
    hash: &[u8],
    now: DateTime<Utc>,
) -> StoreResult<Option<MailAccount>> {
    match valid_owner(conn, hash, now)? {
        Some(id) => account_by(conn, "id = ?1", id),
        None => Ok(None),
    }
}

/// Spends a valid token: the new password, every token of the account used, its sessions
/// revoked.
pub fn spend(
    conn: &Connection,
    hash: &[u8],
    password_hash: &str,
    now: DateTime<Utc>,
) -> StoreResult<Option<i64>> {
    let Some(id) = valid_owner(conn, hash, now)? else {
        return Ok(None);
    };
    let at = to_millis(now);
    conn.execute(
        "UPDATE users SET password_hash = ?1 WHERE id = ?2",
        params![password_hash, id],
    )?;
    conn.execute(
        "UPDATE password_tokens SET used_at = ?1 WHERE user_id = ?2 AND used_at IS NULL",
        params![at, id],
    )?;
    conn.execute(
        "UPDATE sessions SET revoked_at = ?1 WHERE user_id = ?2 AND revoked_at IS NULL",
        params![at, id],
    )?;
    Ok(Some(id))
}
