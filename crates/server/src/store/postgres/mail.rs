//! The outgoing mail queue and the accounts' mail settings.
//!
//! Rows are added by the writes that cause them ([`enqueue`], inside the transaction of the
//! case, comment or callback), so a mail exists exactly when its event does. Sending is done
//! by whichever instance holds the `mail-sender` lease, so rows need no locks of their own.

use super::{col, from_ms, in_tx, ms, pg_error, retryable, role_of, tx_execute, tx_query};
use super::{PgStore, RETRIES};
use crate::store::*;
use deadpool_postgres::Transaction;

/// Inserts the mails `plan` decides for `case`, queued at `at` and due at once.
pub async fn enqueue(
    tx: &Transaction<'_>,
    plan: Option<&MailPlan>,
    case: &CaseRecord,
    at: DateTime<Utc>,
) -> StoreResult<()> {
    let Some(plan) = plan else { return Ok(()) };
    for m in plan(case) {
        insert(tx, &m, at).await?;
    }
    Ok(())
}

pub async fn insert(tx: &Transaction<'_>, m: &QueuedMail, at: DateTime<Utc>) -> StoreResult<()> {
    // The Message-ID names the row's id, so the id is taken from the sequence first.
    let rows = tx_query(
        tx,
        "SELECT nextval(pg_get_serial_sequence('mail_queue', 'id'))",
        &[],
    )
    .await?;
    let id: i64 = col(
        rows.first()
            .ok_or_else(|| StoreError::internal("nextval gave no row"))?,
        0,
    )?;
    tx_execute(
        tx,
        "INSERT INTO mail_queue(id, created_at, case_number, to_address, account_id, lang,
             payload, message_id, next_attempt_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $2)",
        &[
            &id,
            &ms(at),
            &m.case_number,
            &m.to_address,
            &m.account_id,
            &m.lang,
            &m.payload,
            &new_message_id(id),
        ],
    )
    .await?;
    Ok(())
}

/// Writes a `meta` value unless present; answers the stored one.
pub async fn set_if_absent(store: &PgStore, key: &str, value: &str) -> StoreResult<String> {
    in_tx!(store, |tx| {
        tx_execute(
            &tx,
            "INSERT INTO meta(key, value) VALUES ($1, $2) ON CONFLICT (key) DO NOTHING",
            &[&key, &value],
        )
        .await?;
        let rows = tx_query(&tx, "SELECT value FROM meta WHERE key = $1", &[&key]).await?;
        col::<String>(
            rows.first()
                .ok_or_else(|| StoreError::internal("the meta value vanished"))?,
            0,
        )
    })
}

const ACCOUNT_COLUMNS: &str = "id, org_id, email, name, role, locale, mail, time_zone";

fn mail_account(r: &tokio_postgres::Row) -> StoreResult<MailAccount> {
    Ok(MailAccount {
        id: col(r, 0)?,
        org_id: col(r, 1)?,
        email: col(r, 2)?,
        name: col(r, 3)?,
        role: role_of(&col::<String>(r, 4)?),
        locale: col(r, 5)?,
        mail: MailPreference::parse(&col::<String>(r, 6)?),
        time_zone: col(r, 7)?,
    })
}

/// The one account matching `condition` (SQL over `users`, with `$1` bound to `value`).
pub async fn account_by(
    tx: &Transaction<'_>,
    condition: &str,
    value: &(dyn tokio_postgres::types::ToSql + Sync),
) -> StoreResult<Option<MailAccount>> {
    let sql = format!("SELECT {ACCOUNT_COLUMNS} FROM users WHERE {condition}");
    tx_query(tx, &sql, &[value])
        .await?
        .first()
        .map(mail_account)
        .transpose()
}

/// The organisation's current contacts and every current engineer.
pub async fn accounts(store: &PgStore, org_id: i64) -> StoreResult<Vec<MailAccount>> {
    store
        .query(
            &format!(
                "SELECT {ACCOUNT_COLUMNS} FROM users
                 WHERE removed_at IS NULL AND (org_id = $1 OR role = 'engineer') ORDER BY id"
            ),
            &[&org_id],
        )
        .await?
        .iter()
        .map(mail_account)
        .collect()
}

fn settings_of(rows: &[tokio_postgres::Row]) -> StoreResult<MailSettings> {
    let r = rows.first().ok_or(StoreError::NotFound("account"))?;
    Ok(MailSettings {
        locale: col(r, 0)?,
        mail: MailPreference::parse(&col::<String>(r, 1)?),
        time_zone: col(r, 2)?,
    })
}

/// An account's mail settings.
pub async fn settings(store: &PgStore, user_id: i64) -> StoreResult<MailSettings> {
    let rows = store
        .query(
            "SELECT locale, mail, time_zone FROM users WHERE id = $1",
            &[&user_id],
        )
        .await?;
    settings_of(&rows)
}

/// Changes an account's mail settings.
pub async fn set_settings(
    store: &PgStore,
    user_id: i64,
    locale: Option<&str>,
    mail: Option<MailPreference>,
    time_zone: Option<&str>,
) -> StoreResult<MailSettings> {
    let mail = mail.map(|m| m.as_str());
    let rows = store
        .query(
            "UPDATE users SET locale = COALESCE($1, locale), mail = COALESCE($2, mail),
                 time_zone = COALESCE($3, time_zone)
             WHERE id = $4 RETURNING locale, mail, time_zone",
            &[&locale, &mail, &time_zone, &user_id],
        )
        .await?;
    settings_of(&rows)
}

/// Removes finished mail, old incoming Message-IDs and answer times, and spent tokens.
pub async fn prune(store: &PgStore, before: DateTime<Utc>) -> StoreResult<Pruned> {
    let before = ms(before);
    in_tx!(store, |tx| {
        let mails = tx_execute(
            &tx,
            "DELETE FROM mail_queue WHERE status IN ('sent', 'failed') AND created_at < $1",
            &[&before],
        )
        .await?;
        let inbound = tx_execute(
            &tx,
            "DELETE FROM mail_inbound WHERE outcome <> 'processing' AND received_at < $1",
            &[&before],
        )
        .await?
            + tx_execute(
                &tx,
                "DELETE FROM mail_answered WHERE answered_at < $1",
                &[&before],
            )
            .await?;
        let tokens = tx_execute(
            &tx,
            "DELETE FROM password_tokens
             WHERE (used_at IS NOT NULL AND used_at < $1) OR expires_at < $1",
            &[&before],
        )
        .await?;
        Ok(Pruned {
            mails,
            inbound,
            tokens,
        })
    })
}

/// Queued mails due at `now`, oldest first.
pub async fn due(store: &PgStore, now: DateTime<Utc>, limit: u32) -> StoreResult<Vec<MailRow>> {
    store
        .query(
            "SELECT id, created_at, case_number, to_address, account_id, lang, payload,
                 message_id, attempts
             FROM mail_queue WHERE status = 'queued' AND next_attempt_at <= $1
             ORDER BY next_attempt_at, id LIMIT $2",
            &[&ms(now), &i64::from(limit)],
        )
        .await?
        .iter()
        .map(|r| {
            Ok(MailRow {
                id: col(r, 0)?,
                created_at: from_ms(col(r, 1)?),
                case_number: col(r, 2)?,
                to_address: col(r, 3)?,
                account_id: col(r, 4)?,
                lang: col(r, 5)?,
                payload: col(r, 6)?,
                message_id: col(r, 7)?,
                attempts: u32::try_from(col::<i32>(r, 8)?).unwrap_or(0),
            })
        })
        .collect()
}

/// Records an attempt's outcome.
pub async fn mark(store: &PgStore, id: i64, outcome: &MailOutcome) -> StoreResult<()> {
    let (status, next, error, sent) = match outcome {
        MailOutcome::Sent { at } => ("sent", None, None, Some(ms(*at))),
        MailOutcome::Retry { next, error } => {
            ("queued", Some(ms(*next)), Some(error.as_str()), None)
        }
        MailOutcome::Failed { error } => ("failed", None, Some(error.as_str()), None),
    };
    store
        .query(
            "UPDATE mail_queue SET status = $1, attempts = attempts + 1,
                 next_attempt_at = COALESCE($2, next_attempt_at),
                 last_error = COALESCE($3, last_error), sent_at = $4
             WHERE id = $5 RETURNING 1",
            &[&status, &next, &error, &sent, &id],
        )
        .await
        .map(drop)
}

/// Counts by state.
pub async fn counts(store: &PgStore) -> StoreResult<MailCounts> {
    let mut c = MailCounts::default();
    let rows = store
        .query(
            "SELECT status, COUNT(*) FROM mail_queue GROUP BY status",
            &[],
        )
        .await?;
    for r in &rows {
        let n: i64 = col(r, 1)?;
        match col::<String>(r, 0)?.as_str() {
            "queued" => c.queued = n,
            "sent" => c.sent = n,
            "failed" => c.failed = n,
            _ => {}
        }
    }
    Ok(c)
}

/// Records an incoming Message-ID unless known (or renews a stale `processing` claim); true
/// when this call took it.
pub async fn claim_inbound(
    store: &PgStore,
    message_id: &str,
    at: DateTime<Utc>,
    stale_before: DateTime<Utc>,
) -> StoreResult<bool> {
    let rows = store
        .query(
            "INSERT INTO mail_inbound(message_id, received_at) VALUES ($1, $2)
             ON CONFLICT (message_id) DO UPDATE SET received_at = EXCLUDED.received_at
             WHERE mail_inbound.outcome = 'processing' AND mail_inbound.received_at < $3
             RETURNING 1",
            &[&message_id, &ms(at), &ms(stale_before)],
        )
        .await?;
    Ok(!rows.is_empty())
}

/// Records what became of a claimed incoming mail.
pub async fn finish_inbound(store: &PgStore, message_id: &str, outcome: &str) -> StoreResult<()> {
    store
        .query(
            "UPDATE mail_inbound SET outcome = $1 WHERE message_id = $2 RETURNING 1",
            &[&outcome, &message_id],
        )
        .await
        .map(drop)
}

/// Forgets a claimed incoming Message-ID.
pub async fn release_inbound(store: &PgStore, message_id: &str) -> StoreResult<()> {
    store
        .query(
            "DELETE FROM mail_inbound WHERE message_id = $1 RETURNING 1",
            &[&message_id],
        )
        .await
        .map(drop)
}

/// Queues `m` unless its address was answered after `last_before`; true when queued. The
/// upsert returns a row only when it inserted or touched one older than `last_before`, and
/// the row stays locked until the commit, so two instances cannot both answer.
pub async fn queue_answer(
    store: &PgStore,
    m: &QueuedMail,
    at: DateTime<Utc>,
    last_before: DateTime<Utc>,
) -> StoreResult<bool> {
    let address = m.to_address.trim().to_lowercase();
    in_tx!(store, |tx| {
        let rows = tx_query(
            &tx,
            "INSERT INTO mail_answered(address, answered_at) VALUES ($1, $2)
             ON CONFLICT (address) DO UPDATE SET answered_at = EXCLUDED.answered_at
             WHERE mail_answered.answered_at <= $3
             RETURNING 1",
            &[&address, &ms(at), &ms(last_before)],
        )
        .await?;
        if rows.is_empty() {
            return Ok(false);
        }
        insert(&tx, m, at).await?;
        Ok(true)
    })
}
