//! Case threads: public comments from contacts and engineers (SPEC §5).
//!
//! Whoever spoke last decides who is waited on ([`CaseStatus::after_comment`] in
//! `casewatch-core`, applied by the store in the comment's transaction); an engineer's first
//! public reply stops the initial-response clock (`first_response_at`). Comment creation
//! honours `Idempotency-Key` like case creation. Engineers' replies go through the same
//! [`post_comment`].
//!
//! [`CaseStatus::after_comment`]: casewatch_core::CaseStatus::after_comment

use crate::auth::Caller;
use crate::error::ApiResult;
use crate::http::{created, idempotency_key, JsonBody};
use crate::service::comments::post_comment;
use crate::state::AppState;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::Response;
use axum::Json;
use casewatch_api::{Comment, CommentList, NewComment};

/// `GET /cases/{number}/comments`
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

/// `POST /cases/{number}/comments`
#[utoipa::path(post, path = "/api/v1/cases/{number}/comments", tag = "comments",
    request_body = NewComment,
    params(("number" = i64, Path, description = "case number"),
           ("Idempotency-Key" = Option<String>, Header, description = "retry-safe creation")),
    security(("bearer" = [])),
    responses((status = 201, body = Comment), (status = 400, body = casewatch_api::Problem),
              (status = 404, body = casewatch_api::Problem),
              (status = 409, description = "idempotency_conflict", body = casewatch_api::Problem),
              (status = 422, description = "invalid_argument: an attachment id that is not an unlinked attachment of this case", body = casewatch_api::Problem)))]
pub async fn create(
    State(state): State<AppState>,
    caller: Caller,
    Path(number): Path<i64>,
    headers: HeaderMap,
    body: JsonBody,
) -> ApiResult<Response> {
    // The case first: 404 for a case the caller cannot see, whatever the body.
    let case = state.store.case(number, caller.scope()).await?;
    let key = idempotency_key(&headers)?;
    let new: NewComment = body.parse()?;
    // An engineer's comment is a public reply wherever it is posted: the customers get it.
    let mail = if caller.is_engineer() {
        let (name, markdown) = (caller.name.clone(), new.body.clone());
        crate::mailer::plan(&state, case.org_id, |accounts, _| {
            crate::service::mail::engineer_reply(accounts, name, markdown, false)
        })
        .await?
    } else {
        None
    };
    let (comment, replayed) =
        post_comment(state.store.as_ref(), &caller, number, key, new, false, mail).await?;
    crate::mailer::wake(&state);
    Ok(created(
        format!("/api/v1/cases/{number}/comments"),
        comment,
        replayed,
    ))
}
