//! The vendor engineers' side: the queue of open cases by due time, public replies (the first
//! one stops the initial-response clock), and assignment. Customers are refused with
//! `forbidden`.

use crate::auth::Caller;
use crate::cases::{load_case, CaseRow, CASE_SELECT};
use crate::comments::post_comment;
use crate::error::{ApiError, ApiResult};
use crate::http::{idempotency_key, ApiJson, RawJson};
use crate::storage::to_millis;
use crate::AppState;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::Response;
use axum::Json;
use casewatch_api::{AgentReply, AssignRequest, Case, NewComment, Queue, QueueEntry};
use chrono::Utc;
use rusqlite::{params, OptionalExtension};

/// `GET /agent/queue`
#[utoipa::path(get, path = "/api/v1/agent/queue", tag = "agent", security(("bearer" = [])),
    responses((status = 200, body = Queue),
              (status = 403, description = "not an engineer", body = casewatch_api::Problem)))]
pub async fn queue(State(state): State<AppState>, caller: Caller) -> ApiResult<Json<Queue>> {
    caller.require_engineer()?;
    let orgs = state.store.orgs.clone();
    let queue = state
        .store
        .read(move |conn| {
            let mut stmt = conn.prepare_cached(&format!(
                "{CASE_SELECT} WHERE c.status IN ({})
                 ORDER BY c.due_at IS NULL, c.due_at, c.created_at, c.number LIMIT 500",
                crate::cases::open_statuses_sql()
            ))?;
            let rows = stmt
                .query_map([], CaseRow::from_row)?
                .collect::<Result<Vec<_>, _>>()?;
            let now = Utc::now();
            let mut cases = Vec::with_capacity(rows.len());
            for row in rows {
                let org = orgs.get(conn, row.org_id)?;
                cases.push(QueueEntry {
                    case: row.into_api(conn, &orgs, now)?,
                    organisation: org.name.clone(),
                    support_level: org.contract.support_level,
                });
            }
            Ok(Queue { cases })
        })
        .await?;
    Ok(Json(queue))
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
    body: RawJson<AgentReply>,
) -> ApiResult<Response> {
    caller.require_engineer()?;
    let key = idempotency_key(&headers)?;
    let AgentReply { body, solve } = body.value;
    let new = NewComment {
        body,
        attachment_ids: vec![],
    };
    let (comment, replayed) = post_comment(&state, caller, number, key, new, solve).await?;
    Ok(crate::cases::created(
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
              (status = 400, description = "not an engineer's id", body = casewatch_api::Problem),
              (status = 403, body = casewatch_api::Problem),
              (status = 404, body = casewatch_api::Problem)))]
pub async fn assign(
    State(state): State<AppState>,
    caller: Caller,
    Path(number): Path<i64>,
    ApiJson(req): ApiJson<AssignRequest>,
) -> ApiResult<Json<Case>> {
    caller.require_engineer()?;
    let engineer = req.engineer_id.unwrap_or(caller.user_id);
    let orgs = state.store.orgs.clone();
    let case = state
        .store
        .write(move |conn| {
            load_case(conn, number, None)?;
            let is_engineer: Option<i64> = conn
                .query_row(
                    "SELECT id FROM users WHERE id = ?1 AND role = 'engineer' AND removed_at IS NULL",
                    [engineer],
                    |r| r.get(0),
                )
                .optional()?;
            if is_engineer.is_none() {
                return Err(ApiError::invalid(format!("{engineer} is not an engineer's id")));
            }
            let now = Utc::now();
            conn.execute(
                "UPDATE cases SET assignee_id = ?1, updated_at = ?2 WHERE number = ?3",
                params![engineer, to_millis(now), number],
            )?;
            load_case(conn, number, None)?.into_api(conn, &orgs, now)
        })
        .await?;
    Ok(Json(case))
}
