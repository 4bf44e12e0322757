//! Case threads: public comments from contacts and engineers (SPEC §5).
//!
//! Whoever spoke last decides who is waited on ([`CaseStatus::after_comment`] in
//! `casewatch-core`); an engineer's first public reply stops the initial-response clock
//! (`first_response_at`). Comment creation honours `Idempotency-Key` like case creation.

use crate::attachments::{attachments_of_case, link_attachments};
use crate::auth::Caller;
use crate::cases::{
    check_idempotency, created, enum_text, load_case, remember_idempotency, request_hash, Replay,
};
use crate::error::{ApiError, ApiResult};
use crate::http::{check_text, idempotency_key, RawJson};
use crate::storage::{from_millis, to_millis};
use crate::AppState;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::Response;
use axum::Json;
use casewatch_api::{Comment, CommentList, NewComment, Role, UserRef};
use casewatch_core::CaseStatus;
use chrono::{DateTime, Utc};
use rusqlite::{params, Connection};

/// Most attachments linked to one comment.
pub const MAX_ATTACHMENTS_PER_COMMENT: usize = 20;

/// Adds a public comment and moves the case's status; an engineer's first public reply sets
/// `first_response_at`. `solve` (engineers only) marks the case solved with the reply.
#[allow(clippy::too_many_arguments)]
pub fn add_comment(
    conn: &Connection,
    number: i64,
    author_id: i64,
    by_engineer: bool,
    body: &str,
    attachment_ids: &[String],
    solve: bool,
    at: DateTime<Utc>,
) -> ApiResult<i64> {
    let status: String = conn.query_row(
        "SELECT status FROM cases WHERE number = ?1",
        [number],
        |r| r.get(0),
    )?;
    let status: CaseStatus = crate::cases::parse_enum(&status)?;
    conn.execute(
        "INSERT INTO comments(case_number, author_id, body, created_at) VALUES (?1, ?2, ?3, ?4)",
        params![number, author_id, body, to_millis(at)],
    )?;
    let id = conn.last_insert_rowid();
    link_attachments(conn, number, id, attachment_ids)?;
    let mut next = status.after_comment(by_engineer);
    if solve && by_engineer && next != CaseStatus::Closed {
        next = CaseStatus::Solved;
    }
    conn.execute(
        "UPDATE cases SET status = ?1, updated_at = ?2,
             first_response_at = CASE WHEN ?3 AND first_response_at IS NULL THEN ?2
                                      ELSE first_response_at END
         WHERE number = ?4",
        params![enum_text(&next), to_millis(at), by_engineer, number],
    )?;
    Ok(id)
}

/// The thread of a case, oldest first.
pub fn thread(conn: &Connection, number: i64) -> ApiResult<Vec<Comment>> {
    let attachments = attachments_of_case(conn, number)?;
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
                    role: if r.get::<_, String>(3)? == "engineer" {
                        Role::Engineer
                    } else {
                        Role::Contact
                    },
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
pub fn comment(conn: &Connection, number: i64, id: i64) -> ApiResult<Comment> {
    thread(conn, number)?
        .into_iter()
        .find(|c| c.id == id)
        .ok_or_else(|| ApiError::not_found("comment"))
}

/// Validates a comment body and its attachment list.
pub fn validate_comment(c: &NewComment) -> ApiResult<()> {
    check_text("body", &c.body, true)?;
    if c.attachment_ids.len() > MAX_ATTACHMENTS_PER_COMMENT {
        return Err(ApiError::invalid(format!(
            "at most {MAX_ATTACHMENTS_PER_COMMENT} attachments per comment"
        )));
    }
    Ok(())
}

/// `GET /cases/{number}/comments`
#[utoipa::path(get, path = "/api/v1/cases/{number}/comments", tag = "comments",
    params(("number" = i64, Path, description = "case number")), security(("bearer" = [])),
    responses((status = 200, body = CommentList), (status = 404, body = casewatch_api::Problem)))]
pub async fn list(
    State(state): State<AppState>,
    caller: Caller,
    Path(number): Path<i64>,
) -> ApiResult<Json<CommentList>> {
    let scope = caller.scope();
    let comments = state
        .store
        .read(move |conn| {
            load_case(conn, number, scope)?;
            thread(conn, number)
        })
        .await?;
    Ok(Json(CommentList { comments }))
}

/// Writes a comment from `caller` on a case they can see, honouring an idempotency key.
pub async fn post_comment(
    state: &AppState,
    caller: Caller,
    number: i64,
    key: Option<String>,
    new: NewComment,
    solve: bool,
) -> ApiResult<(Comment, bool)> {
    validate_comment(&new)?;
    let hash = request_hash(&(&new, solve));
    let scope = caller.scope();
    state
        .store
        .write(move |conn| {
            load_case(conn, number, scope)?;
            let idem_scope = format!("comments:{number}");
            if let Some(key) = &key {
                if let Replay::Done(id) =
                    check_idempotency(conn, caller.user_id, &idem_scope, key, &hash)?
                {
                    return Ok((comment(conn, number, id)?, true));
                }
            }
            let id = add_comment(
                conn,
                number,
                caller.user_id,
                caller.is_engineer(),
                &new.body,
                &new.attachment_ids,
                solve,
                Utc::now(),
            )?;
            if let Some(key) = &key {
                remember_idempotency(conn, caller.user_id, &idem_scope, key, &hash, id)?;
            }
            Ok((comment(conn, number, id)?, false))
        })
        .await
}

/// `POST /cases/{number}/comments`
#[utoipa::path(post, path = "/api/v1/cases/{number}/comments", tag = "comments",
    request_body = NewComment,
    params(("number" = i64, Path, description = "case number"),
           ("Idempotency-Key" = Option<String>, Header, description = "retry-safe creation")),
    security(("bearer" = [])),
    responses((status = 201, body = Comment), (status = 400, body = casewatch_api::Problem),
              (status = 404, body = casewatch_api::Problem),
              (status = 409, description = "idempotency_conflict", body = casewatch_api::Problem)))]
pub async fn create(
    State(state): State<AppState>,
    caller: Caller,
    Path(number): Path<i64>,
    headers: HeaderMap,
    body: RawJson<NewComment>,
) -> ApiResult<Response> {
    let key = idempotency_key(&headers)?;
    let (comment, replayed) = post_comment(&state, caller, number, key, body.value, false).await?;
    Ok(created(
        format!("/api/v1/cases/{number}/comments"),
        comment,
        replayed,
    ))
}
