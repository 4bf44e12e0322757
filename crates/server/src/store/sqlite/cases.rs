//! Cases: filing (number, automatic assignment and idempotency in one transaction), reading,
//! listing, the engineers' queue, and changes.

use super::accounts::role_of;
use super::meta::open_statuses_sql;
use super::{from_millis, idempotency, opt_millis, to_millis};
use crate::store::model::*;
use crate::store::{StoreError, StoreResult};
use casewatch_api::Role;
use casewatch_core::{CaseStatus, Severity};
use chrono::{DateTime, Utc};
use rusqlite::types::Value;
use rusqlite::{params, Connection, OptionalExtension, Row};

/// The columns [`from_row`] reads, joined with the opener, assignee and latest callback
/// request.
const CASE_SELECT: &str = "SELECT c.number, c.org_id, c.type, c.severity, c.environment,
        c.product, c.version, c.subject, c.situation, c.impact, c.status, c.created_at,
        c.updated_at, c.first_response_at, c.due_at, c.cc, c.maint_start, c.maint_end,
        c.opened_by, ou.name, ou.role, c.assignee_id, au.name,
        (SELECT windows FROM callbacks cb WHERE cb.case_number = c.number
         ORDER BY cb.id DESC LIMIT 1)
    FROM cases c JOIN users ou ON ou.id = c.opened_by LEFT JOIN users au ON au.id = c.assignee_id";

/// Parses a stored kebab-case enum value.
pub fn parse_enum<T: serde::de::DeserializeOwned>(text: &str) -> rusqlite::Result<T> {
    serde_json::from_value(serde_json::Value::String(text.to_string())).map_err(|e| {
        rusqlite::Error::FromSqlConversionFailure(0, rusqlite::types::Type::Text, Box::new(e))
    })
}

/// The stored spelling of a kebab-case enum value.
pub fn enum_text<T: serde::Serialize>(value: &T) -> String {
    match serde_json::to_value(value) {
        Ok(serde_json::Value::String(s)) => s,
        _ => String::new(),
    }
}

fn from_row(r: &Row<'_>) -> rusqlite::Result<CaseRecord> {
    let severity: u8 = r.get(3)?;
    let maint = match (r.get::<_, Option<i64>>(16)?, r.get::<_, Option<i64>>(17)?) {
        (Some(s), Some(e)) => Some(Window {
            start: from_millis(s),
            end: from_millis(e),
        }),
        _ => None,
    };
    let assignee = match (
        r.get::<_, Option<i64>>(21)?,
        r.get::<_, Option<String>>(22)?,
    ) {
        (Some(id), Some(name)) => Some(UserRef {
            id,
            name,
            role: Role::Engineer,
        }),
        _ => None,
    };
    let callbacks: Option<String> = r.get(23)?;
    Ok(CaseRecord {
        number: r.get(0)?,
        org_id: r.get(1)?,
        case_type: parse_enum(&r.get::<_, String>(2)?)?,
        severity: Severity::new(severity).unwrap_or(Severity::NORMAL),
        environment: parse_enum(&r.get::<_, String>(4)?)?,
        product: r.get(5)?,
        version: r.get(6)?,
        subject: r.get(7)?,
        situation: r.get(8)?,
        impact: r.get(9)?,
        status: parse_enum(&r.get::<_, String>(10)?)?,
        created_at: from_millis(r.get(11)?),
        updated_at: from_millis(r.get(12)?),
        first_response_at: opt_millis(r.get(13)?),
        due_at: opt_millis(r.get(14)?),
        cc: serde_json::from_str(&r.get::<_, String>(15)?).unwrap_or_default(),
        maintenance_window: maint,
        opened_by: UserRef {
            id: r.get(18)?,
            name: r.get(19)?,
            role: role_of(&r.get::<_, String>(20)?),
        },
        assignee,
        callback_windows: callbacks
            .and_then(|w| serde_json::from_str(&w).ok())
            .unwrap_or_default(),
    })
}

/// Loads a case in scope.
pub fn load(conn: &Connection, number: i64, scope: Scope) -> StoreResult<CaseRecord> {
    let sql = format!("{CASE_SELECT} WHERE c.number = ?1 AND (?2 IS NULL OR c.org_id = ?2)");
    conn.prepare_cached(&sql)?
        .query_row(params![number, scope], from_row)
        .optional()?
        .ok_or(StoreError::NotFound("case"))
}

/// The engineer with the fewest open cases (ties: lowest id), for automatic assignment.
fn least_busy_engineer(conn: &Connection) -> StoreResult<Option<i64>> {
    Ok(conn
        .prepare_cached(&format!(
            "SELECT u.id FROM users u
             WHERE u.role = 'engineer' AND u.removed_at IS NULL
             ORDER BY (SELECT COUNT(*) FROM cases c WHERE c.assignee_id = u.id
                       AND c.status IN ({})), u.id
             LIMIT 1",
            open_statuses_sql()
        ))?
        .query_row([], |r| r.get(0))
        .optional()?)
}

/// Inserts a case, assigned to the least busy engineer; returns its number.
pub fn insert(conn: &Connection, c: &CaseInsert) -> StoreResult<i64> {
    let assignee = least_busy_engineer(conn)?;
    conn.prepare_cached(
        "INSERT INTO cases(org_id, opened_by, type, severity, environment, product, version,
             subject, situation, impact, status, created_at, updated_at, due_at, assignee_id,
             cc, maint_start, maint_end)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, 'waiting-on-vendor', ?11, ?11, ?12,
             ?13, ?14, ?15, ?16)",
    )?
    .execute(params![
        c.org_id,
        c.opened_by,
        c.case_type.as_str(),
        c.severity.number(),
        c.environment.to_string(),
        c.product,
        c.version,
        c.subject,
        c.situation,
        c.impact,
        to_millis(c.created_at),
        c.due_at.map(to_millis),
        assignee,
        serde_json::to_string(&c.cc).unwrap_or_else(|_| "[]".into()),
        c.maintenance_window.map(|w| to_millis(w.start)),
        c.maintenance_window.map(|w| to_millis(w.end)),
    ])?;
    Ok(conn.last_insert_rowid())
}

/// Files a case honouring an idempotency key.
pub fn create(
    conn: &Connection,
    c: &CaseInsert,
    key: Option<&IdempotencyKey>,
    mail: Option<&MailPlan>,
) -> StoreResult<(CaseRecord, bool)> {
    if let Some(key) = key {
        if let Some(number) = idempotency::check(conn, key)? {
            return Ok((load(conn, number, Some(c.org_id))?, true));
        }
    }
    let number = insert(conn, c)?;
    if let Some(key) = key {
        idempotency::remember(conn, key, number)?;
    }
    let case = load(conn, number, Some(c.org_id))?;
    super::mail::enqueue(conn, mail, &case, c.created_at)?;
    Ok((case, false))
}

/// Cases matching a filter, newest first.
pub fn list(conn: &Connection, f: &CaseFilter) -> StoreResult<Vec<CaseRecord>> {
    let mut sql = format!("{CASE_SELECT} WHERE 1 = 1");
    let mut args: Vec<Value> = Vec::new();
    if let Some(org) = f.scope {
        args.push(Value::Integer(org));
        sql.push_str(&format!(" AND c.org_id = ?{}", args.len()));
    }
    if let Some(s) = f.status {
        args.push(Value::Text(enum_text(&s)));
        sql.push_str(&format!(" AND c.status = ?{}", args.len()));
    }
    if let Some(c) = f.before {
        args.push(Value::Integer(c));
        sql.push_str(&format!(" AND c.number < ?{}", args.len()));
    }
    args.push(Value::Integer(i64::from(f.limit)));
    sql.push_str(&format!(" ORDER BY c.number DESC LIMIT ?{}", args.len()));
    let mut stmt = conn.prepare_cached(&sql)?;
    let rows = stmt
        .query_map(rusqlite::params_from_iter(args), from_row)?
        .collect::<Result<Vec<_>, _>>()?;
    Ok(rows)
}

/// Open cases by due time.
pub fn queue(conn: &Connection, limit: u32) -> StoreResult<Vec<CaseRecord>> {
    let mut stmt = conn.prepare_cached(&format!(
        "{CASE_SELECT} WHERE c.status IN ({})
         ORDER BY c.due_at IS NULL, c.due_at, c.created_at, c.number LIMIT ?1",
        open_statuses_sql()
    ))?;
    let rows = stmt
        .query_map([limit], from_row)?
        .collect::<Result<Vec<_>, _>>()?;
    Ok(rows)
}

/// Changes a case that is not closed.
pub fn update(
    conn: &Connection,
    number: i64,
    scope: Scope,
    change: &CaseUpdate,
    mail: Option<&MailPlan>,
) -> StoreResult<CaseRecord> {
    let row = load(conn, number, scope)?;
    if row.status == CaseStatus::Closed {
        return Err(StoreError::Conflict(
            "the case is closed and cannot change; open a new case".into(),
        ));
    }
    let now = to_millis(change.at.unwrap_or_else(Utc::now));
    if let Some((severity, due)) = change.severity {
        if severity != row.severity {
            conn.execute(
                "UPDATE cases SET severity = ?1, due_at = ?2, updated_at = ?3 WHERE number = ?4",
                params![severity.number(), due.map(to_millis), now, number],
            )?;
        }
    }
    if let Some(status) = change.status {
        conn.execute(
            "UPDATE cases SET status = ?1, updated_at = ?2 WHERE number = ?3",
            params![enum_text(&status), now, number],
        )?;
    }
    if let Some(cc) = &change.cc {
        conn.execute(
            "UPDATE cases SET cc = ?1, updated_at = ?2 WHERE number = ?3",
            params![serde_json::to_string(cc).unwrap_or_default(), now, number],
        )?;
    }
    let case = load(conn, number, scope)?;
    super::mail::enqueue(conn, mail, &case, from_millis(now))?;
    Ok(case)
}

/// Assigns a case.
pub fn assign(
    conn: &Connection,
    number: i64,
    engineer: i64,
    at: DateTime<Utc>,
) -> StoreResult<CaseRecord> {
    load(conn, number, None)?;
    conn.execute(
        "UPDATE cases SET assignee_id = ?1, updated_at = ?2 WHERE number = ?3",
        params![engineer, to_millis(at), number],
    )?;
    load(conn, number, None)
}

/// Moves a case's creation time and deadline.
pub fn set_clock(
    conn: &Connection,
    number: i64,
    created: DateTime<Utc>,
    due: Option<DateTime<Utc>>,
) -> StoreResult<()> {
    let n = conn.execute(
        "UPDATE cases SET created_at = ?1, updated_at = ?1, due_at = ?2 WHERE number = ?3",
        params![to_millis(created), due.map(to_millis), number],
    )?;
    if n == 0 {
        return Err(StoreError::NotFound("case"));
    }
    Ok(())
}

/// Sets a case's status without other effects (the demo's final states).
pub fn set_status(conn: &Connection, number: i64, status: CaseStatus) -> StoreResult<()> {
    conn.execute(
        "UPDATE cases SET status = ?1 WHERE number = ?2",
        params![enum_text(&status), number],
    )?;
    Ok(())
}

/// Touches a case's `updated_at`.
pub fn touch(conn: &Connection, number: i64, at: DateTime<Utc>) -> StoreResult<()> {
    conn.execute(
        "UPDATE cases SET updated_at = ?1 WHERE number = ?2",
        params![to_millis(at), number],
    )?;
    Ok(())
}
