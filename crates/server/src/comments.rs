//! Case threads: public comments from contacts and engineers (SPEC §5).
//!
//! Whoever spoke last decides who is waited on ([`CaseStatus::after_comment`] in
//! `casewatch-core`, applied by the store in the comment's transaction); an engineer's first
//! public reply stops the initial-response clock (`first_response_at`). Comment creation
//! honours `Idempotency-Key` like case creation. Engineers' replies (`crate::agent`) go
//! through [`post_comment`] too.
//!
//! [`CaseStatus::after_comment`]: casewatch_core::CaseStatus::after_comment

use crate::auth::Caller;
use crate::error::{ApiError, ApiResult};
use crate::http::{check_text, created, idempotency_key, RawJson};
use crate::service::cases::request_hash;
use crate::store::{CommentInsert, IdempotencyKey};
use crate::AppState;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::Response;
use axum::Json;
use casewatch_api::{Comment, CommentList, NewComment};
use chrono::Utc;

/// Most attachments linked to one comment.
pub const MAX_ATTACHMENTS_PER_COMMENT: usize = 20;

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

#[utoipa::path(get, path = "/api/v1/cases/{number}/comments", tag = "comments",
    params(("number" = i64, Path, description = "case number")), security(("bearer" = [])),
    responses((status = 200, body = CommentList), (status = 404, body = casewatch_api::Problem)))]
pub async fn list(
    State(state): State<AppState>,
    caller: Caller,
    Path(number): Path<i64>,
) -> ApiResult<Json<CommentList>> {
    let comments = state.store.comments(number, caller.scope()).await?;
    Ok(Json(CommentList { comments }))
}

/// Writes a comment from `caller` on a case they can see, honouring an idempotency key;
/// `solve` (engineers only) marks the case solved with the reply. `true` when replayed.
pub async fn post_comment(
    state: &AppState,
    caller: &Caller,
    number: i64,
    key: Option<String>,
    new: NewComment,
    solve: bool,
) -> ApiResult<(Comment, bool)> {
    validate_comment(&new)?;
    let idempotency = key.map(|key| IdempotencyKey {
        user_id: caller.user_id,
        scope: format!("comments:{number}"),
        key,
        request_hash: request_hash(&(&new, solve)),
    });
    let insert = CommentInsert {
        case_number: number,
        scope: caller.scope(),
        author_id: caller.user_id,
        by_engineer: caller.is_engineer(),
        body: new.body,
        attachment_ids: new.attachment_ids,
        solve,
        at: Utc::now(),
    };
    Ok(state.store.add_comment(insert, idempotency).await?)
}

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
    let (comment, replayed) = post_comment(&state, &caller, number, key, body.value, false).await?;
    Ok(created(
        format!("/api/v1/cases/{number}/comments"),
        comment,
        replayed,
    ))
}
