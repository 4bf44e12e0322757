//! Organisations, accounts, sessions and login failures.

use super::{col, from_ms, in_tx, ms, pg_error, retryable, role_of, tx_execute, tx_query};
use super::{PgStore, RETRIES};
use crate::store::*;
use casewatch_core::Contract;
use deadpool_postgres::Transaction;

fn org_conflict(slug: &str) -> StoreError {
    StoreError::Conflict(format!("an organisation '{slug}' exists already"))
}

fn email_conflict(email: &str) -> StoreError {
    StoreError::Conflict(format!(
        "an account with the e-mail address {email} exists already"
    ))
}

/// Inserts an account inside `tx`; a taken address (any case) is `Conflict`.
pub async fn insert_account(tx: &Transaction<'_>, a: &NewAccount) -> StoreResult<i64> {
    let rows = tx_query(
        tx,
        "INSERT INTO users(org_id, email, name, role, key_contact, password_hash, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
        &[
            &a.org_id,
            &a.email,
            &a.name,
            &a.role.as_str(),
            &a.key_contact,
            &a.password_hash,
            &ms(a.created_at),
        ],
    )
    .await
    .map_err(|e| match e {
        StoreError::Conflict(_) => email_conflict(&a.email),
        other => other,
    })?;
    rows.first()
        .map(|r| col(r, 0))
        .unwrap_or_else(|| Err(StoreError::internal("INSERT … RETURNING gave no row")))
}

/// Inserts an organisation inside `tx`.
pub async fn insert_org(tx: &Transaction<'_>, o: &OrgInsert) -> StoreResult<i64> {
    let calendar = serde_json::to_string(&o.calendar).map_err(StoreError::internal)?;
    let rows = tx_query(
        tx,
        "INSERT INTO orgs(slug, name, deployment, subscription, annual_spend, calendar, demo,
             created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
        &[
            &o.slug,
            &o.name,
            &o.contract.deployment.to_string(),
            &o.contract.subscription.to_string(),
            &o.contract.annual_spend_usd,
            &calendar,
            &o.demo,
            &ms(o.created_at),
        ],
    )
    .await
    .map_err(|e| match e {
        StoreError::Conflict(_) => org_conflict(&o.slug),
        other => other,
    })?;
    rows.first()
        .map(|r| col(r, 0))
        .unwrap_or_else(|| Err(StoreError::internal("INSERT … RETURNING gave no row")))
}

pub async fn create_org(
    store: &PgStore,
    org: &OrgInsert,
    key_contact: Option<&NewAccount>,
) -> StoreResult<(i64, Option<i64>)> {
    in_tx!(store, |tx| {
        let id = insert_org(&tx, org).await?;
        let contact = match key_contact {
            Some(c) => {
                let mut c = c.clone();
                c.org_id = Some(id);
                Some(insert_account(&tx, &c).await?)
            }
            None => None,
        };
        Ok((id, contact))
    })
}

pub async fn org(store: &PgStore, id: i64) -> StoreResult<Arc<OrgRecord>> {
    if let Some(found) = store.orgs.read().ok().and_then(|m| m.get(&id).cloned()) {
        return Ok(found);
    }
    let rows = store
        .query(
            "SELECT slug, name, demo, deployment, subscription, annual_spend, calendar
             FROM orgs WHERE id = $1",
            &[&id],
        )
        .await?;
    let r = rows.first().ok_or(StoreError::NotFound("organisation"))?;
    let deployment: String = col(r, 3)?;
    let subscription: String = col(r, 4)?;
    let calendar: String = col(r, 6)?;
    let stored = |e: &dyn std::fmt::Display| StoreError::Internal(format!("stored org {id}: {e}"));
    let contract = Contract::existing(
        deployment.parse().map_err(|e| stored(&e))?,
        subscription.parse().map_err(|e| stored(&e))?,
        col(r, 5)?,
    )
    .map_err(|e| stored(&e))?;
    let record = Arc::new(OrgRecord {
        id,
        slug: col(r, 0)?,
        name: col(r, 1)?,
        demo: col(r, 2)?,
        contract,
        calendar: serde_json::from_str(&calendar).map_err(|e| stored(&e))?,
    });
    if let Ok(mut m) = store.orgs.write() {
        m.insert(id, record.clone());
    }
    Ok(record)
}

pub async fn create_account(store: &PgStore, account: &NewAccount) -> StoreResult<i64> {
    // It may change an engineer's open cases: assignments count again.
    store.loads.forget();
    in_tx!(store, |tx| insert_account(&tx, account).await)
}

fn account_of(r: &tokio_postgres::Row, at: usize) -> StoreResult<AccountRecord> {
    Ok(AccountRecord {
        id: col(r, at)?,
        org_id: col(r, at + 1)?,
        email: col(r, at + 2)?,
        name: col(r, at + 3)?,
        role: role_of(&col::<String>(r, at + 4)?),
        key_contact: col(r, at + 5)?,
    })
}

pub async fn account(store: &PgStore, id: i64) -> StoreResult<AccountRecord> {
    let rows = store
        .query(
            "SELECT id, org_id, email, name, role, key_contact FROM users WHERE id = $1",
            &[&id],
        )
        .await?;
    account_of(rows.first().ok_or(StoreError::NotFound("account"))?, 0)
}

pub async fn credentials(store: &PgStore, email: &str) -> StoreResult<Option<Credentials>> {
    if email.contains('\0') {
        // No stored address has one (PostgreSQL text cannot), so no account matches.
        return Ok(None);
    }
    let rows = store
        .query(
            "SELECT id, password_hash FROM users
             WHERE lower(email) = lower($1) AND removed_at IS NULL",
            &[&email],
        )
        .await?;
    rows.first()
        .map(|r| {
            Ok(Credentials {
                user_id: col(r, 0)?,
                password_hash: col(r, 1)?,
            })
        })
        .transpose()
}

const CONTACTS: &str = "SELECT id, email, name, key_contact, created_at FROM users
     WHERE org_id = $1 AND role = 'contact' AND removed_at IS NULL
     ORDER BY key_contact DESC, id";

fn contact_of(r: &tokio_postgres::Row) -> StoreResult<Contact> {
    Ok(Contact {
        id: col(r, 0)?,
        email: col(r, 1)?,
        name: col(r, 2)?,
        key_contact: col(r, 3)?,
        created_at: from_ms(col(r, 4)?),
    })
}

pub async fn contacts(store: &PgStore, org_id: i64) -> StoreResult<Vec<Contact>> {
    store
        .query(CONTACTS, &[&org_id])
        .await?
        .iter()
        .map(contact_of)
        .collect()
}

pub async fn remove_contact(
    store: &PgStore,
    org_id: i64,
    user_id: i64,
    at: DateTime<Utc>,
) -> StoreResult<()> {
    // It may change an engineer's open cases: assignments count again.
    store.loads.forget();
    in_tx!(store, |tx| {
        let rows = tx_query(
            &tx,
            "SELECT key_contact FROM users
             WHERE id = $1 AND org_id = $2 AND role = 'contact' AND removed_at IS NULL
             FOR UPDATE",
            &[&user_id, &org_id],
        )
        .await?;
        let key: bool = col(rows.first().ok_or(StoreError::NotFound("contact"))?, 0)?;
        if key {
            return Err(StoreError::Conflict(
                "the key contact cannot be removed; ask the vendor to name another key contact"
                    .into(),
            ));
        }
        tx_execute(
            &tx,
            "UPDATE users SET removed_at = $1 WHERE id = $2",
            &[&ms(at), &user_id],
        )
        .await?;
        tx_execute(
            &tx,
            "UPDATE sessions SET revoked_at = $1 WHERE user_id = $2 AND revoked_at IS NULL",
            &[&ms(at), &user_id],
        )
        .await?;
        Ok(())
    })
}

pub async fn is_active_engineer(store: &PgStore, user_id: i64) -> StoreResult<bool> {
    Ok(!store
        .query(
            "SELECT 1 FROM users WHERE id = $1 AND role = 'engineer' AND removed_at IS NULL",
            &[&user_id],
        )
        .await?
        .is_empty())
}

pub async fn create_session(
    store: &PgStore,
    user_id: i64,
    t: &TokenPair,
    at: DateTime<Utc>,
) -> StoreResult<i64> {
    let rows = store
        .query(
            "INSERT INTO sessions(user_id, access_hash, access_expires, refresh_hash,
                 refresh_expires, created_at) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
            &[
                &user_id,
                &t.access_hash,
                &ms(t.access_expires),
                &t.refresh_hash,
                &ms(t.refresh_expires),
                &ms(at),
            ],
        )
        .await?;
    col(
        rows.first()
            .ok_or_else(|| StoreError::internal("INSERT … RETURNING gave no row"))?,
        0,
    )
}

pub async fn session_by_access(
    store: &PgStore,
    hash: &[u8],
    now: DateTime<Utc>,
) -> StoreResult<Option<SessionRecord>> {
    let rows = store
        .query(
            "SELECT s.id, s.access_expires, u.id, u.org_id, u.email, u.name, u.role,
                    u.key_contact
             FROM sessions s JOIN users u ON u.id = s.user_id
             WHERE s.access_hash = $1 AND s.revoked_at IS NULL AND u.removed_at IS NULL
               AND s.access_expires > $2",
            &[&hash, &ms(now)],
        )
        .await?;
    rows.first()
        .map(|r| {
            Ok(SessionRecord {
                session_id: col(r, 0)?,
                access_expires: from_ms(col(r, 1)?),
                account: account_of(r, 2)?,
            })
        })
        .transpose()
}

pub async fn rotate_session(
    store: &PgStore,
    refresh_hash: &[u8],
    t: &TokenPair,
    now: DateTime<Utc>,
) -> StoreResult<Option<(i64, i64)>> {
    // One statement: the row lock taken by UPDATE makes a second refresh with the same token
    // wait, re-check its WHERE against the rotated row, and match nothing.
    let rows = store
        .query(
            "UPDATE sessions s SET access_hash = $1, access_expires = $2, refresh_hash = $3,
                 refresh_expires = $4
             FROM users u
             WHERE u.id = s.user_id AND s.refresh_hash = $5 AND s.revoked_at IS NULL
               AND s.refresh_expires > $6 AND u.removed_at IS NULL
             RETURNING s.id, s.user_id",
            &[
                &t.access_hash,
                &ms(t.access_expires),
                &t.refresh_hash,
                &ms(t.refresh_expires),
                &refresh_hash,
                &ms(now),
            ],
        )
        .await?;
    rows.first()
        .map(|r| Ok((col(r, 0)?, col(r, 1)?)))
        .transpose()
}

pub async fn revoke_session(
    store: &PgStore,
    session_id: i64,
    user_id: i64,
    refresh_hash: Option<&[u8]>,
    at: DateTime<Utc>,
) -> StoreResult<Option<i64>> {
    in_tx!(store, |tx| {
        tx_execute(
            &tx,
            "UPDATE sessions SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL",
            &[&ms(at), &session_id],
        )
        .await?;
        let mut other = None;
        if let Some(hash) = refresh_hash {
            let rows = tx_query(
                &tx,
                "UPDATE sessions SET revoked_at = $1
                 WHERE refresh_hash = $2 AND user_id = $3 AND revoked_at IS NULL
                 RETURNING id",
                &[&ms(at), &hash, &user_id],
            )
            .await?;
            if let Some(r) = rows.first() {
                other = Some(col(r, 0)?);
            }
        }
        Ok(other)
    })
}

pub async fn record_login_failure(
    store: &PgStore,
    account: &str,
    address: &str,
    at: DateTime<Utc>,
    forget_before: DateTime<Utc>,
) -> StoreResult<()> {
    in_tx!(store, |tx| {
        tx_execute(
            &tx,
            "INSERT INTO login_failures(account, address, at) VALUES ($1, $2, $3)",
            &[&account, &address, &ms(at)],
        )
        .await?;
        tx_execute(
            &tx,
            "DELETE FROM login_failures WHERE at < $1",
            &[&ms(forget_before)],
        )
        .await?;
        Ok(())
    })
}

pub async fn count_login_failures(
    store: &PgStore,
    account: &str,
    address: &str,
    since: DateTime<Utc>,
) -> StoreResult<LoginFailures> {
    let rows = store
        .query(
            "SELECT (SELECT COUNT(*) FROM login_failures WHERE account = $1 AND at >= $3),
                    (SELECT MIN(at) FROM login_failures WHERE account = $1 AND at >= $3),
                    (SELECT COUNT(*) FROM login_failures WHERE address = $2 AND at >= $3),
                    (SELECT MIN(at) FROM login_failures WHERE address = $2 AND at >= $3)",
            &[&account, &address, &ms(since)],
        )
        .await?;
    let r = rows
        .first()
        .ok_or_else(|| StoreError::internal("a count gave no row"))?;
    Ok(LoginFailures {
        account: col::<i64>(r, 0)?.clamp(0, u32::MAX as i64) as u32,
        account_oldest: super::opt_ms(col(r, 1)?),
        address: col::<i64>(r, 2)?.clamp(0, u32::MAX as i64) as u32,
        address_oldest: super::opt_ms(col(r, 3)?),
    })
}

pub async fn clear_login_failures(store: &PgStore, account: &str) -> StoreResult<()> {
    store
        .query("DELETE FROM login_failures WHERE account = $1", &[&account])
        .await?;
    Ok(())
}
