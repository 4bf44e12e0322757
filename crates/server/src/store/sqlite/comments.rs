//! Case threads: a comment, its attachment links and the case's status change in one
//! transaction.

use super::accounts::role_of;
use super::cases::{enum_text, parse_enum};
use super::{attachments, cases, from_millis, idempotency, to_millis};
use crate::store::model::*;
use crate::store::{StoreError, StoreResult};
use casewatch_core::CaseStatus;
use rusqlite::{params, Connection};

/// Adds a comment (the case must exist); returns its id.
pub fn insert(conn: &Connection, c: &CommentInsert) -> StoreResult<i64> {
    let status: String = conn.query_row(
        "SELECT status FROM cases WHERE number = ?1",
        [c.case_number],
        |r| r.get(0),
    )?;
    let status: CaseStatus = parse_enum(&status)?;
    conn.prepare_cached(
        "INSERT INTO comments(case_number, author_id, body, created_at) VALUES (?1, ?2, ?3, ?4)",
    )?
    .execute(params![c.case_number, c.author_id, c.body, to_millis(c.at)])?;
    let id = conn.last_insert_rowid();
    attachments::link(conn, c.case_number, id, &c.attachment_ids)?;
    // Whoever spoke last decides who is waited on: casewatch-core's rule.
    let mut next = status.after_comment(c.by_engineer);
    if c.solve && c.by_engineer && next != CaseStatus::Closed {
        next = CaseStatus::Solved;
    }
    conn.prepare_cached(
        "UPDATE cases SET status = ?1, updated_at = ?2,
             first_response_at = CASE WHEN ?3 AND first_response_at IS NULL THEN ?2
                                      ELSE first_response_at END
         WHERE number = ?4",
    )?
    .execute(params![
        enum_text(&next),
        to_millis(c.at),
        c.by_engineer,
        c.case_number
    ])?;
    Ok(id)
}

/// Adds a comment in scope honouring an idempotency key.
pub fn create(
    conn: &Connection,
    c: &CommentInsert,
    key: Option<&IdempotencyKey>,
    mail: Option<&MailPlan>,
) -> StoreResult<(Comment, bool)> {
    cases::load(conn, c.case_number, c.scope)?;
    if let Some(key) = key {
        if let Some(id) = idempotency::check(conn, key)? {
            return Ok((one(conn, c.case_number, id)?, true));
        }
    }
    let id = insert(conn, c)?;
    if let Some(key) = key {
        idempotency::remember(conn, key, id)?;
    }
    let case = cases::load(conn, c.case_number, None)?;
    super::mail::enqueue(conn, mail, &case, c.at)?;
    Ok((one(conn, c.case_number, id)?, false))
}

/// The thread of a case, oldest first.
pub fn thread(conn: &Connection, number: i64) -> StoreResult<Vec<Comment>> {
    let attachments = attachments::of_case(conn, number)?;
    let mut stmt = conn.prepare_cached(
        "SELECT m.id, m.author_id, u.name, u.role, m.body, m.created_at
         FROM comments m JOIN users u ON u.id = m.author_id
         WHERE m.case_number = ?1 ORDER BY m.id",
    )?;
    let comments = stmt
        .query_map([number], |r| {
            let id: i64 = r.get(0)?;
            Ok(Comment {
                id,
                case_number: number,
                author: UserRef {
                    id: r.get(1)?,
                    name: r.get(2)?,
                    role: role_of(&r.get::<_, String>(3)?),
                },
                body: r.get(4)?,
                created_at: from_millis(r.get(5)?),
                attachments: attachments
                    .iter()
                    .filter(|a| a.comment_id == Some(id))
                    .cloned()
                    .collect(),
            })
        })?
        .collect::<Result<Vec<_>, _>>()?;
    Ok(comments)
}

/// One comment by id.
fn one(conn: &Connection, number: i64, id: i64) -> StoreResult<Comment> {
    thread(conn, number)?
        .into_iter()
        .find(|c| c.id == id)
        .ok_or(StoreError::NotFound("comment"))
}
