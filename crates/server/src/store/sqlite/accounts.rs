//! Accounts and sessions. Only SHA-256 hashes of tokens are stored; a session is valid while
//! unexpired, unrevoked and its account not removed.

use super::{from_millis, to_millis};
use crate::store::model::*;
use crate::store::{StoreError, StoreResult};
use casewatch_api::Role;
use chrono::{DateTime, Utc};
use rusqlite::{params, Connection, OptionalExtension};

/// The stored spelling of a role.
pub fn role_of(text: &str) -> Role {
    if text == "engineer" {
        Role::Engineer
    } else {
        Role::Contact
    }
}

/// Inserts an account; a taken e-mail address is `Conflict`.
pub fn insert(conn: &Connection, a: &NewAccount) -> StoreResult<i64> {
    let result = conn.execute(
        "INSERT INTO users(org_id, email, name, role, key_contact, password_hash, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        params![
            a.org_id,
            a.email,
            a.name,
            a.role.as_str(),
            a.key_contact,
            a.password_hash,
            to_millis(a.created_at)
        ],
    );
    match result {
        Ok(_) => Ok(conn.last_insert_rowid()),
        Err(e) if super::is_constraint(&e) => Err(StoreError::Conflict(format!(
            "an account with the e-mail address {} exists already",
            a.email
        ))),
        Err(e) => Err(e.into()),
    }
}

/// An account by id.
pub fn get(conn: &Connection, id: i64) -> StoreResult<AccountRecord> {
    conn.query_row(
        "SELECT id, org_id, email, name, role, key_contact FROM users WHERE id = ?1",
        [id],
        |r| {
            Ok(AccountRecord {
                id: r.get(0)?,
                org_id: r.get(1)?,
                email: r.get(2)?,
                name: r.get(3)?,
                role: role_of(&r.get::<_, String>(4)?),
                key_contact: r.get(5)?,
            })
        },
    )
    .optional()?
    .ok_or(StoreError::NotFound("account"))
}

/// The password hash of a current account by e-mail address.
pub fn credentials(conn: &Connection, email: &str) -> StoreResult<Option<Credentials>> {
    Ok(conn
        .query_row(
            "SELECT id, password_hash FROM users WHERE email = ?1 AND removed_at IS NULL",
            [email],
            |r| {
                Ok(Credentials {
                    user_id: r.get(0)?,
                    password_hash: r.get(1)?,
                })
            },
        )
        .optional()?)
}

/// The organisation's current contacts, key contact first.
pub fn contacts(conn: &Connection, org_id: i64) -> StoreResult<Vec<Contact>> {
    let mut stmt = conn.prepare_cached(
        "SELECT id, email, name, key_contact, created_at FROM users
         WHERE org_id = ?1 AND role = 'contact' AND removed_at IS NULL
         ORDER BY key_contact DESC, id",
    )?;
    let list = stmt
        .query_map([org_id], |r| {
            Ok(Contact {
                id: r.get(0)?,
                email: r.get(1)?,
                name: r.get(2)?,
                key_contact: r.get(3)?,
                created_at: from_millis(r.get(4)?),
            })
        })?
        .collect::<Result<Vec<_>, _>>()?;
    Ok(list)
}

/// Removes a contact and revokes their sessions.
pub fn remove_contact(
    conn: &Connection,
    org_id: i64,
    user_id: i64,
    at: DateTime<Utc>,
) -> StoreResult<()> {
    let contact = contacts(conn, org_id)?
        .into_iter()
        .find(|c| c.id == user_id)
        .ok_or(StoreError::NotFound("contact"))?;
    if contact.key_contact {
        return Err(StoreError::Conflict(
            "the key contact cannot be removed; ask the vendor to name another key contact".into(),
        ));
    }
    conn.execute(
        "UPDATE users SET removed_at = ?1 WHERE id = ?2",
        params![to_millis(at), user_id],
    )?;
    conn.execute(
        "UPDATE sessions SET revoked_at = ?1 WHERE user_id = ?2 AND revoked_at IS NULL",
        params![to_millis(at), user_id],
    )?;
    Ok(())
}

/// Whether the id is a current engineer's.
pub fn is_active_engineer(conn: &Connection, id: i64) -> StoreResult<bool> {
    Ok(conn
        .query_row(
            "SELECT id FROM users WHERE id = ?1 AND role = 'engineer' AND removed_at IS NULL",
            [id],
            |r| r.get::<_, i64>(0),
        )
        .optional()?
        .is_some())
}

/// Starts a session.
pub fn create_session(
    conn: &Connection,
    user_id: i64,
    t: &TokenPair,
    at: DateTime<Utc>,
) -> StoreResult<i64> {
    conn.execute(
        "INSERT INTO sessions(user_id, access_hash, access_expires, refresh_hash,
             refresh_expires, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        params![
            user_id,
            t.access_hash,
            to_millis(t.access_expires),
            t.refresh_hash,
            to_millis(t.refresh_expires),
            to_millis(at)
        ],
    )?;
    Ok(conn.last_insert_rowid())
}

/// The valid session of an access token.
pub fn session_by_access(
    conn: &Connection,
    hash: &[u8],
    now: DateTime<Utc>,
) -> StoreResult<Option<SessionRecord>> {
    let found = conn
        .prepare_cached(
            "SELECT s.id, s.access_expires, s.revoked_at, u.id, u.org_id, u.email, u.name,
                    u.role, u.key_contact, u.removed_at
             FROM sessions s JOIN users u ON u.id = s.user_id
             WHERE s.access_hash = ?1",
        )?
        .query_row([hash], |r| {
            Ok((
                SessionRecord {
                    session_id: r.get(0)?,
                    access_expires: from_millis(r.get(1)?),
                    account: AccountRecord {
                        id: r.get(3)?,
                        org_id: r.get(4)?,
                        email: r.get(5)?,
                        name: r.get(6)?,
                        role: role_of(&r.get::<_, String>(7)?),
                        key_contact: r.get(8)?,
                    },
                },
                r.get::<_, Option<i64>>(2)?,
                r.get::<_, Option<i64>>(9)?,
            ))
        })
        .optional()?;
    Ok(found.and_then(|(s, revoked, removed)| {
        (revoked.is_none() && removed.is_none() && s.access_expires > now).then_some(s)
    }))
}

/// Single-use refresh.
pub fn rotate_session(
    conn: &Connection,
    refresh_hash: &[u8],
    t: &TokenPair,
    now: DateTime<Utc>,
) -> StoreResult<Option<(i64, i64)>> {
    let found = conn
        .query_row(
            "SELECT s.id, s.user_id FROM sessions s JOIN users u ON u.id = s.user_id
             WHERE s.refresh_hash = ?1 AND s.revoked_at IS NULL
               AND s.refresh_expires > ?2 AND u.removed_at IS NULL",
            params![refresh_hash, to_millis(now)],
            |r| Ok((r.get::<_, i64>(0)?, r.get::<_, i64>(1)?)),
        )
        .optional()?;
    let Some((session, user)) = found else {
        return Ok(None);
    };
    conn.execute(
        "UPDATE sessions SET access_hash = ?1, access_expires = ?2, refresh_hash = ?3,
             refresh_expires = ?4 WHERE id = ?5",
        params![
            t.access_hash,
            to_millis(t.access_expires),
            t.refresh_hash,
            to_millis(t.refresh_expires),
            session
        ],
    )?;
    Ok(Some((session, user)))
}

/// Logout.
pub fn revoke_session(
    conn: &Connection,
    session_id: i64,
    user_id: i64,
    refresh_hash: Option<&[u8]>,
    at: DateTime<Utc>,
) -> StoreResult<Option<i64>> {
    let now = to_millis(at);
    conn.execute(
        "UPDATE sessions SET revoked_at = ?1 WHERE id = ?2 AND revoked_at IS NULL",
        params![now, session_id],
    )?;
    let Some(hash) = refresh_hash else {
        return Ok(None);
    };
    Ok(conn
        .query_row(
            "UPDATE sessions SET revoked_at = ?1
             WHERE refresh_hash = ?2 AND user_id = ?3 AND revoked_at IS NULL
             RETURNING id",
            params![now, hash, user_id],
            |r| r.get::<_, i64>(0),
        )
        .optional()?)
}
