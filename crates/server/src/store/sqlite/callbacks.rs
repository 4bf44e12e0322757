//! Callback requests of a case.

use super::accounts::role_of;
use super::{cases, from_millis, to_millis};
use crate::store::model::*;
use crate::store::{StoreError, StoreResult};
use rusqlite::{params, Connection};

/// The callback requests of a case, oldest first.
pub fn of_case(conn: &Connection, number: i64) -> StoreResult<Vec<Callback>> {
    let mut stmt = conn.prepare_cached(
        "SELECT b.id, b.windows, b.requested_by, u.name, u.role, b.created_at
         FROM callbacks b JOIN users u ON u.id = b.requested_by
         WHERE b.case_number = ?1 ORDER BY b.id",
    )?;
    let list = stmt
        .query_map([number], |r| {
            Ok(Callback {
                id: r.get(0)?,
                case_number: number,
                windows: serde_json::from_str(&r.get::<_, String>(1)?).unwrap_or_default(),
                requested_by: UserRef {
                    id: r.get(2)?,
                    name: r.get(3)?,
                    role: role_of(&r.get::<_, String>(4)?),
                },
                created_at: from_millis(r.get(5)?),
            })
        })?
        .collect::<Result<Vec<_>, _>>()?;
    Ok(list)
}

/// Records a callback request on a case in scope.
pub fn insert(
    conn: &Connection,
    c: &CallbackInsert,
    mail: Option<&MailPlan>,
) -> StoreResult<Callback> {
    cases::load(conn, c.case_number, c.scope)?;
    conn.execute(
        "INSERT INTO callbacks(case_number, requested_by, windows, created_at)
         VALUES (?1, ?2, ?3, ?4)",
        params![
            c.case_number,
            c.requested_by,
            serde_json::to_string(&c.windows).unwrap_or_default(),
            to_millis(c.at)
        ],
    )?;
    let id = conn.last_insert_rowid();
    cases::touch(conn, c.case_number, c.at)?;
    let case = cases::load(conn, c.case_number, None)?;
    super::mail::enqueue(conn, mail, &case, c.at)?;
    of_case(conn, c.case_number)?
        .into_iter()
        .find(|b| b.id == id)
        .ok_or_else(|| StoreError::internal("callback vanished"))
}
