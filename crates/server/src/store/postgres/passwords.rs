//! Set-password tokens: invitations and resets by mail. Each write that makes a token also
//! queues its mail in the same transaction, so a token never exists without its mail.

use super::mail::{account_by, insert as insert_mail};
use super::people::insert_account;
use super::{col, in_tx, ms, pg_error, retryable, tx_execute, tx_query};
use super::{PgStore, RETRIES};
use crate::store::*;
use deadpool_postgres::Transaction;

async fn insert_token(tx: &Transaction<'_>, user_id: i64, t: &PasswordToken) -> StoreResult<()> {
    tx_execute(
        tx,
        "INSERT INTO password_tokens(token_hash, user_id, purpose, created_at, expires_at)
         VALUES ($1, $2, $3, $4, $5)",
        &[
            &t.hash,
            &user_id,
            &t.purpose.as_str(),
            &ms(t.created_at),
            &ms(t.expires_at),
        ],
    )
    .await
    .map(|_| ())
}

/// A new account with its invitation token and mail.
pub async fn invite(
    store: &PgStore,
    account: &NewAccount,
    token: &PasswordToken,
    mail: &AccountMail,
) -> StoreResult<i64> {
    // It may change an engineer's open cases: assignments count again.
    store.loads.forget();
    in_tx!(store, |tx| {
        let id = insert_account(&tx, account).await?;
        insert_token(&tx, id, token).await?;
        let target = account_by(&tx, "id = $1", &id)
            .await?
            .ok_or(StoreError::NotFound("account"))?;
        insert_mail(&tx, &mail(&target), token.created_at).await?;
        Ok(id)
    })
}

/// A reset token and its mail, unless the address has no current account or was sent a reset
/// after `not_since`.
pub async fn request_reset(
    store: &PgStore,
    email: &str,
    token: &PasswordToken,
    mail: &AccountMail,
    not_since: DateTime<Utc>,
) -> StoreResult<bool> {
    if email.contains('\0') {
        // No stored address has one (PostgreSQL text cannot), so no account matches.
        return Ok(false);
    }
    in_tx!(store, |tx| {
        let Some(target) = account_by(
            &tx,
            "lower(email) = lower($1) AND removed_at IS NULL FOR UPDATE",
            &email,
        )
        .await?
        else {
            return Ok(false);
        };
        // The row lock above makes two requests for one account take turns here.
        let recent = tx_query(
            &tx,
            "SELECT 1 FROM password_tokens
             WHERE user_id = $1 AND purpose = 'reset' AND created_at > $2 LIMIT 1",
            &[&target.id, &ms(not_since)],
        )
        .await?;
        if !recent.is_empty() {
            return Ok(false);
        }
        insert_token(&tx, target.id, token).await?;
        insert_mail(&tx, &mail(&target), token.created_at).await?;
        Ok(true)
    })
}

const VALID_OWNER: &str = "SELECT t.user_id FROM password_tokens t JOIN users u ON u.id = t.user_id
     WHERE t.token_hash = $1 AND t.used_at IS NULL AND t.expires_at > $2
       AND u.removed_at IS NULL";

/// The account of a valid token.
pub async fn token_account(
    store: &PgStore,
    hash: &[u8],
    now: DateTime<Utc>,
) -> StoreResult<Option<MailAccount>> {
    in_tx!(store, |tx| {
        let rows = tx_query(&tx, VALID_OWNER, &[&hash, &ms(now)]).await?;
        match rows.first() {
            Some(r) => account_by(&tx, "id = $1", &col::<i64>(r, 0)?).await,
            None => Ok(None),
        }
    })
}

/// Spends a valid token: the new password, every token of the account used, its sessions
/// revoked.
pub async fn spend(
    store: &PgStore,
    hash: &[u8],
    password_hash: &str,
    now: DateTime<Utc>,
) -> StoreResult<Option<i64>> {
    in_tx!(store, |tx| {
        // FOR UPDATE: a second spend of the same token waits, then finds it used.
        let rows = tx_query(
            &tx,
            &format!("{VALID_OWNER} FOR UPDATE OF t"),
            &[&hash, &ms(now)],
        )
        .await?;
        let Some(r) = rows.first() else {
            return Ok(None);
        };
        let id: i64 = col(r, 0)?;
        let at = ms(now);
        tx_execute(
            &tx,
            "UPDATE users SET password_hash = $1 WHERE id = $2",
            &[&password_hash, &id],
        )
        .await?;
        tx_execute(
            &tx,
            "UPDATE password_tokens SET used_at = $1 WHERE user_id = $2 AND used_at IS NULL",
            &[&at, &id],
        )
        .await?;
        tx_execute(
            &tx,
            "UPDATE sessions SET revoked_at = $1 WHERE user_id = $2 AND revoked_at IS NULL",
            &[&at, &id],
        )
        .await?;
        Ok(Some(id))
    })
}
