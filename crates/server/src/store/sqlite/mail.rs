//! The outgoing mail queue and the accounts' mail settings.
//!
//! Rows are added by the writes that cause them ([`enqueue`], inside the same savepoint as the
//! case, comment or callback), so a mail exists exactly when its event does.

use super::accounts::role_of;
use super::{from_millis, to_millis};
use crate::store::model::*;
use crate::store::{StoreError, StoreResult};
use chrono::{DateTime, Utc};
use rusqlite::{params, Connection, OptionalExtension};

/// Inserts the mails `plan` decides for `case`, queued at `at` and due at once.
pub fn enqueue(
    conn: &Connection,
    plan: Option<&MailPlan>,
    case: &CaseRecord,
    at: DateTime<Utc>,
) -> StoreResult<()> {
    let Some(plan) = plan else { return Ok(()) };
    for mail in plan(case) {
        insert(conn, &mail, at)?;
    }
    Ok(())
}

pub fn insert(conn: &Connection, m: &QueuedMail, at: DateTime<Utc>) -> StoreResult<i64> {
    // The Message-ID names the row's id, known only after the insert: a random placeholder
    // keeps the UNIQUE column satisfied for that instant.
    conn.prepare_cached(
        "INSERT INTO mail_queue(created_at, case_number, to_address, account_id, lang, payload,
             message_id, next_attempt_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?1)",
    )?
    .execute(params![
        to_millis(at),
        m.case_number,
        m.to_address,
        m.account_id,
        m.lang,
        m.payload,
        new_message_id(0),
    ])?;
    let id = conn.last_insert_rowid();
    conn.prepare_cached("UPDATE mail_queue SET message_id = ?1 WHERE id = ?2")?
        .execute(params![new_message_id(id), id])?;
    Ok(id)
}

/// Writes a `meta` value unless present; answers the stored one.
pub fn set_if_absent(conn: &Connection, key: &str, value: &str) -> StoreResult<String> {
    conn.execute(
        "INSERT INTO meta(key, value) VALUES (?1, ?2) ON CONFLICT(key) DO NOTHING",
        [key, value],
    )?;
    Ok(conn.query_row("SELECT value FROM meta WHERE key = ?1", [key], |r| r.get(0))?)
}

const ACCOUNT_COLUMNS: &str = "id, org_id, email, name, role, locale, mail, time_zone";

fn mail_account(r: &rusqlite::Row<'_>) -> rusqlite::Result<MailAccount> {
    Ok(MailAccount {
        id: r.get(0)?,
        org_id: r.get(1)?,
        email: r.get(2)?,
        name: r.get(3)?,
        role: role_of(&r.get::<_, String>(4)?),
        locale: r.get(5)?,
        mail: MailPreference::parse(&r.get::<_, String>(6)?),
        time_zone: r.get(7)?,
    })
}

/// The one account matching `condition` (SQL over `users`, with `?1` bound to `value`).
pub fn account_by(
    conn: &Connection,
    condition: &str,
    value: impl rusqlite::ToSql,
) -> StoreResult<Option<MailAccount>> {
    Ok(conn
        .prepare_cached(&format!(
            "SELECT {ACCOUNT_COLUMNS} FROM users WHERE {condition}"
        ))?
        .query_row([value], mail_account)
        .optional()?)
}

/// The organisation's current contacts and every current engineer.
pub fn accounts(conn: &Connection, org_id: i64) -> StoreResult<Vec<MailAccount>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {ACCOUNT_COLUMNS} FROM users
         WHERE removed_at IS NULL AND (org_id = ?1 OR role = 'engineer') ORDER BY id"
    ))?;
    let list = stmt
        .query_map([org_id], mail_account)?
        .collect::<Result<Vec<_>, _>>()?;
    Ok(list)
}

/// An account's mail settings.
pub fn settings(conn: &Connection, user_id: i64) -> StoreResult<MailSettings> {
    let a = account_by(conn, "id = ?1", user_id)?.ok_or(StoreError::NotFound("account"))?;
    Ok(MailSettings {
        locale: a.locale,
        mail: a.mail,
        time_zone: a.time_zone,
    })
}

/// Changes an account's mail settings.
pub fn set_settings(
    conn: &Connection,
    user_id: i64,
    locale: Option<&str>,
    mail: Option<MailPreference>,
    time_zone: Option<&str>,
) -> StoreResult<MailSettings> {
    conn.execute(
        "UPDATE users SET locale = COALESCE(?1, locale), mail = COALESCE(?2, mail),
             time_zone = COALESCE(?3, time_zone)
         WHERE id = ?4",
        params![locale, mail.map(|m| m.as_str()), time_zone, user_id],
    )?;
    settings(conn, user_id)
}

/// Removes finished mail, old incoming Message-IDs and answer times, and spent tokens.
pub fn prune(conn: &Connection, before: DateTime<Utc>) -> StoreResult<Pruned> {
    let before = to_millis(before);
    let mails = conn.execute(
        "DELETE FROM mail_queue WHERE status IN ('sent', 'failed') AND created_at < ?1",
        [before],
    )?;
    let inbound = conn.execute(
        "DELETE FROM mail_inbound WHERE outcome <> 'processing' AND received_at < ?1",
        [before],
    )? + conn
        .execute("DELETE FROM mail_answered WHERE answered_at < ?1", [before])?;
    let tokens = conn.execute(
        "DELETE FROM password_tokens
         WHERE (used_at IS NOT NULL AND used_at < ?1) OR expires_at < ?1",
        [before],
    )?;
    Ok(Pruned {
        mails: mails as u64,
        inbound: inbound as u64,
        tokens: tokens as u64,
    })
}

/// Queued mails due at `now`, oldest first.
pub fn due(conn: &Connection, now: DateTime<Utc>, limit: u32) -> StoreResult<Vec<MailRow>> {
    let mut stmt = conn.prepare_cached(
        "SELECT id, created_at, case_number, to_address, account_id, lang, payload, message_id,
             attempts
         FROM mail_queue WHERE status = 'queued' AND next_attempt_at <= ?1
         ORDER BY next_attempt_at, id LIMIT ?2",
    )?;
    let rows = stmt
        .query_map(params![to_millis(now), limit], |r| {
            Ok(MailRow {
                id: r.get(0)?,
                created_at: from_millis(r.get(1)?),
                case_number: r.get(2)?,
                to_address: r.get(3)?,
                account_id: r.get(4)?,
                lang: r.get(5)?,
                payload: r.get(6)?,
                message_id: r.get(7)?,
                attempts: r.get(8)?,
            })
        })?
        .collect::<Result<Vec<_>, _>>()?;
    Ok(rows)
}

/// Records an attempt's outcome.
pub fn mark(conn: &Connection, id: i64, outcome: &MailOutcome) -> StoreResult<()> {
    let (status, next, error, sent) = match outcome {
        MailOutcome::Sent { at } => ("sent", None, None, Some(to_millis(*at))),
        MailOutcome::Retry { next, error } => {
            ("queued", Some(to_millis(*next)), Some(error.as_str()), None)
        }
        MailOutcome::Failed { error } => ("failed", None, Some(error.as_str()), None),
    };
    conn.prepare_cached(
        "UPDATE mail_queue SET status = ?1, attempts = attempts + 1,
             next_attempt_at = COALESCE(?2, next_attempt_at),
             last_error = COALESCE(?3, last_error), sent_at = ?4
         WHERE id = ?5",
    )?
    .execute(params![status, next, error, sent, id])?;
    Ok(())
}

/// Counts by state.
pub fn counts(conn: &Connection) -> StoreResult<MailCounts> {
    let mut c = MailCounts::default();
    let mut stmt =
        conn.prepare_cached("SELECT status, COUNT(*) FROM mail_queue GROUP BY status")?;
    let rows = stmt
        .query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?)))?
        .collect::<Result<Vec<_>, _>>()?;
    for (status, n) in rows {
        match status.as_str() {
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
pub fn claim_inbound(
    conn: &Connection,
    message_id: &str,
    at: DateTime<Utc>,
    stale_before: DateTime<Utc>,
) -> StoreResult<bool> {
    let changed = conn
        .prepare_cached(
            "INSERT INTO mail_inbound(message_id, received_at) VALUES (?1, ?2)
             ON CONFLICT(message_id) DO UPDATE SET received_at = excluded.received_at
             WHERE mail_inbound.outcome = 'processing' AND mail_inbound.received_at < ?3",
        )?
        .execute(params![message_id, to_millis(at), to_millis(stale_before)])?;
    Ok(changed == 1)
}

/// Records what became of a claimed incoming mail.
pub fn finish_inbound(conn: &Connection, message_id: &str, outcome: &str) -> StoreResult<()> {
    conn.prepare_cached("UPDATE mail_inbound SET outcome = ?1 WHERE message_id = ?2")?
        .execute(params![outcome, message_id])?;
    Ok(())
}

/// Forgets a claimed incoming Message-ID.
pub fn release_inbound(conn: &Connection, message_id: &str) -> StoreResult<()> {
    conn.prepare_cached("DELETE FROM mail_inbound WHERE message_id = ?1")?
        .execute([message_id])?;
    Ok(())
}

/// Queues `m` unless its address was answered after `last_before`; true when queued. The
/// upsert only touches a row older than `last_before`, so "changed one row" is the answer.
pub fn queue_answer(
    conn: &Connection,
    m: &QueuedMail,
    at: DateTime<Utc>,
    last_before: DateTime<Utc>,
) -> StoreResult<bool> {
    let changed = conn
        .prepare_cached(
            "INSERT INTO mail_answered(address, answered_at) VALUES (?1, ?2)
             ON CONFLICT(address) DO UPDATE SET answered_at = excluded.answered_at
             WHERE mail_answered.answered_at <= ?3",
        )?
        .execute(params![
            m.to_address.trim().to_lowercase(),
            to_millis(at),
            to_millis(last_before)
        ])?;
    if changed == 0 {
        return Ok(false);
    }
    insert(conn, m, at)?;
    Ok(true)
}
