//! The vendor engineers' side: the queue of open cases by due time, public replies (the first
//! one stops the initial-response clock), and assignment. Customers are refused with
//! `forbidden`.

use crate::auth::Caller;
use crate::error::{ApiError, ApiResult};
use crate::http::{created, idempotency_key, ApiJson, JsonBody};
use crate::service::cases::{case_api, case_view};
use crate::service::comments::post_comment;
use crate::state::AppState;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::Response;
use axum::Json;
use casewatch_api::{AgentReply, AssignRequest, Case, NewComment, Queue, QueueEntry};
use chrono::Utc;

/// Most cases the queue shows.
const QUEUE_LIMIT: u32 = 500;

/// `GET /agent/queue`
#[utoipa::path(get, path = "/api/v1/agent/queue", tag = "agent", security(("bearer" = [])),
    responses((status = 200, body = Queue),
              (status = 403, description = "not an engineer", body = casewatch_api::Problem)))]
pub async fn queue(State(state): State<AppState>, caller: Caller) -> ApiResult<Json<Queue>> {
    caller.require_engineer()?;
    let rows = state.store.open_queue(QUEUE_LIMIT).await?;
    let now = Utc::now();
    let mut cases = Vec::with_capacity(rows.len());
    for row in rows {
        let org = state.store.org(row.org_id).await?;
        cases.push(QueueEntry {
            organisation: org.name.clone(),
            support_level: org.contract.support_level,
            case: case_view(row, &org, now),
        });
    }
    Ok(Json(Queue { cases }))
}

/// `POST /agent/cases/{number}/reply`
#[utoipa::path(post, path = "/api/v1/agent/cases/{number}/reply", tag = "agent",
    request_body = AgentReply,
    params(("number" = i64, Path, description = "case number"),
           ("Idempotency-Key" = Option<String>, Header, description = "retry-safe reply")),
    security(("bearer" = [])),
    responses((status = 201, body = casewatch_api::Comment),
              (status = 403, description = "not an engineer", body = casewatch_api::Problem),
              (status = 404, body = casewatch_api::Problem)))]
pub async fn reply(
    State(state): State<AppState>,
    caller: Caller,
    Path(number): Path<i64>,
    headers: HeaderMap,
    body: JsonBody,
) -> ApiResult<Response> {
    caller.require_engineer()?;
    // The case first: 404 for a case that does not exist, whatever the body.
    let case = state.store.case(number, None).await?;
    let key = idempotency_key(&headers)?;
    let AgentReply { body, solve } = body.parse()?;
    let (name, markdown) = (caller.name.clone(), body.clone());
    let mail = crate::mailer::plan(&state, case.org_id, |accounts, _| {
        crate::service::mail::engineer_reply(accounts, name, markdown, solve)
    })
    .await?;
    let new = NewComment {
        body,
        attachment_ids: vec![],
    };
    let (comment, replayed) =
        post_comment(state.store.as_ref(), &caller, number, key, new, solve, mail).await?;
    crate::mailer::wake(&state);
    Ok(created(
        format!("/api/v1/cases/{number}/comments"),
        comment,
        replayed,
    ))
}

/// `POST /agent/cases/{number}/assign`
#[utoipa::path(post, path = "/api/v1/agent/cases/{number}/assign", tag = "agent",
    request_body = AssignRequest,
    params(("number" = i64, Path, description = "case number")), security(("bearer" = [])),
    responses((status = 200, body = Case),
              (status = 400, description = "invalid_argument, malformed_json: not an assign request", body = casewatch_api::Problem),
              (status = 403, body = casewatch_api::Problem),
              (status = 404, body = casewatch_api::Problem),
              (status = 422, description = "invalid_argument: not an engineer's id", body = casewatch_api::Problem)))]
pub async fn assign(
    State(state): State<AppState>,
    caller: Caller,
    Path(number): Path<i64>,
    ApiJson(req): ApiJson<AssignRequest>,
) -> ApiResult<Json<Case>> {
    caller.require_engineer()?;
    let engineer = req.engineer_id.unwrap_or(caller.user_id);
    state.store.case(number, None).await?;
    if !state.store.is_active_engineer(engineer).await? {
        // Which ids are engineers' depends on stored rows, which the description cannot
        // state: 422 (code unchanged), not 400.
        return Err(
            ApiError::invalid(format!("{engineer} is not an engineer's id")).unprocessable(),
        );
    }
    let now = Utc::now();
    let row = state.store.assign_case(number, engineer, now).await?;
    Ok(Json(case_api(state.store.as_ref(), row, now).await?))
}
