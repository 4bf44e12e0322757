//! Cases (SPEC §2, §3, §5): filing with the contract's rules, listing "waiting on us / on
//! you", reading, and changing severity or status.
//!
//! Every rule is `casewatch-core`'s, applied in `crate::service::cases`: what may be filed,
//! and when the first reply is due, both at creation and when the severity changes (always
//! from the creation time). Creation honours `Idempotency-Key`: the check and the insert are
//! one store operation (one transaction), so concurrent retries can never create two cases.

use crate::auth::Caller;
use crate::error::{ApiError, ApiResult};
use crate::http::{created, idempotency_key, ApiJson, RawJson};
use crate::service::cases::{
    case_api, case_view, check_cc, plan_case, request_hash, validate_new_case,
};
use crate::state::AppState;
use crate::store::{CaseFilter, CaseUpdate, IdempotencyKey};
use axum::extract::{Path, Query, State};
use axum::http::HeaderMap;
use axum::response::Response;
use axum::Json;
use casewatch_api::{Case, CaseList, CasePatch, NewCase};
use casewatch_core::{check_severity, CaseStatus, ResponseDeadline};
use chrono::Utc;
use serde::Deserialize;
use utoipa::IntoParams;

/// Parses a kebab-case enum value from a query parameter.
fn parse_enum<T: serde::de::DeserializeOwned>(text: &str) -> Result<T, serde_json::Error> {
    serde_json::from_value(serde_json::Value::String(text.to_string()))
}

/// `POST /cases`
#[utoipa::path(post, path = "/api/v1/cases", tag = "cases", request_body = NewCase,
    params(("Idempotency-Key" = Option<String>, Header, description = "retry-safe creation")),
    security(("bearer" = [])),
    responses(
        (status = 201, description = "created (or replayed: Idempotent-Replayed: true)", body = Case),
        (status = 400, description = "invalid_argument, malformed_json", body = casewatch_api::Problem),
        (status = 403, description = "engineers cannot file cases", body = casewatch_api::Problem),
        (status = 409, description = "idempotency_conflict", body = casewatch_api::Problem),
        (status = 413, body = casewatch_api::Problem),
        (status = 422, description = "severity_not_allowed, severity_requires_production; invalid_argument: a maintenance window missing on a maintenance notice, on another type, or inverted", body = casewatch_api::Problem)))]
pub async fn create(
    State(state): State<AppState>,
    caller: Caller,
    headers: HeaderMap,
    body: RawJson<NewCase>,
) -> ApiResult<Response> {
    let org_id = caller.contact_org()?;
    let key = idempotency_key(&headers)?;
    let new_case = body.value;
    validate_new_case(&new_case)?;
    let idempotency = key.map(|key| IdempotencyKey {
        user_id: caller.user_id,
        scope: "cases".into(),
        key,
        request_hash: request_hash(&new_case),
    });
    let org = state.store.org(org_id).await?;
    let now = Utc::now();
    let insert = plan_case(&org, caller.user_id, &new_case, now)?;
    let mail = crate::mailer::plan(&state, org_id, crate::service::mail::case_created).await?;
    let (row, replayed) = state
        .store
        .create_case_mailing(insert, idempotency, mail)
        .await?;
    crate::mailer::wake(&state);
    let case = case_view(row, &org, now);
    Ok(created(
        format!("/api/v1/cases/{}", case.number),
        case,
        replayed,
    ))
}

/// Filters of `GET /cases`.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListQuery {
    /// `vendor` (waiting on us) or `customer` (waiting on you).
    #[param(schema_with = casewatch_api::schema::waiting_on)]
    pub waiting_on: Option<String>,
    /// `waiting-on-vendor`, `waiting-on-customer`, `solved` or `closed`.
    #[param(schema_with = casewatch_api::schema::status_filter)]
    pub status: Option<String>,
    /// `next_cursor` of the previous page.
    #[param(schema_with = casewatch_api::schema::cursor)]
    pub cursor: Option<String>,
    /// Page size, 1–100 (default 20).
    #[param(minimum = 1, maximum = 100)]
    pub limit: Option<u32>,
}

/// `GET /cases`
#[utoipa::path(get, path = "/api/v1/cases", tag = "cases", params(ListQuery),
    security(("bearer" = [])),
    responses((status = 200, body = CaseList), (status = 400, body = casewatch_api::Problem),
              (status = 401, body = casewatch_api::Problem)))]
pub async fn list(
    State(state): State<AppState>,
    caller: Caller,
    Query(q): Query<ListQuery>,
) -> ApiResult<Response> {
    let mut statuses: Option<CaseStatus> = None;
    if let Some(w) = q.waiting_on.as_deref() {
        statuses = Some(match w {
            "vendor" => CaseStatus::WaitingOnVendor,
            "customer" => CaseStatus::WaitingOnCustomer,
            other => {
                return Err(ApiError::invalid(format!(
                    "waiting_on must be vendor or customer, not '{other}'"
                )))
            }
        });
    }
    let mut contradiction = false;
    if let Some(s) = q.status.as_deref() {
        let s: CaseStatus = parse_enum(s).map_err(|_| {
            ApiError::invalid(format!(
                "status must be waiting-on-vendor, waiting-on-customer, solved or closed, not '{s}'"
            ))
        })?;
        contradiction = statuses.is_some_and(|w| w != s);
        statuses = Some(s);
    }
    let cursor =
        match q.cursor.as_deref() {
            None | Some("") => None,
            Some(c) => Some(c.parse::<i64>().map_err(|_| {
                ApiError::invalid("cursor must be a next_cursor from a previous page")
            })?),
        };
    let limit = q.limit.unwrap_or(20);
    if !(1..=100).contains(&limit) {
        return Err(ApiError::invalid("limit must be between 1 and 100"));
    }
    if contradiction {
        return Ok(crate::http::json_response(&CaseList {
            cases: vec![],
            next_cursor: None,
        }));
    }
    let rows = state
        .store
        .list_cases(CaseFilter {
            scope: caller.scope(),
            status: statuses,
            before: cursor,
            limit: limit + 1,
        })
        .await?;
    let now = Utc::now();
    let more = rows.len() > limit as usize;
    let mut cases = Vec::with_capacity(rows.len().min(limit as usize));
    for row in rows.into_iter().take(limit as usize) {
        cases.push(case_api(state.store.as_ref(), row, now).await?);
    }
    let next_cursor = if more {
        cases.last().map(|c| c.number.to_string())
    } else {
        None
    };
    Ok(crate::http::json_response(&CaseList { cases, next_cursor }))
}

/// `GET /cases/{number}`
#[utoipa::path(get, path = "/api/v1/cases/{number}", tag = "cases",
    params(("number" = i64, Path, description = "case number")), security(("bearer" = [])),
    responses((status = 200, body = Case),
              (status = 404, description = "no such case in your organisation", body = casewatch_api::Problem)))]
pub async fn get_case(
    State(state): State<AppState>,
    caller: Caller,
    Path(number): Path<i64>,
) -> ApiResult<Json<Case>> {
    let row = state.store.case(number, caller.scope()).await?;
    Ok(Json(case_api(state.store.as_ref(), row, Utc::now()).await?))
}

/// `PATCH /cases/{number}`
#[utoipa::path(patch, path = "/api/v1/cases/{number}", tag = "cases", request_body = CasePatch,
    params(("number" = i64, Path, description = "case number")), security(("bearer" = [])),
    responses((status = 200, body = Case),
              (status = 404, body = casewatch_api::Problem),
              (status = 409, description = "the case is closed", body = casewatch_api::Problem),
              (status = 422, description = "severity_not_allowed, severity_requires_production", body = casewatch_api::Problem)))]
pub async fn patch(
    State(state): State<AppState>,
    caller: Caller,
    Path(number): Path<i64>,
    ApiJson(p): ApiJson<CasePatch>,
) -> ApiResult<Json<Case>> {
    if let Some(cc) = &p.cc {
        check_cc(cc)?;
    }
    if let Some(s) = p.status {
        if s.is_open() {
            return Err(ApiError::invalid(
                "status can be set to solved or closed; a comment reopens a solved case",
            ));
        }
    }
    let scope = caller.scope();
    let row = state.store.case(number, scope).await?;
    if row.status == CaseStatus::Closed {
        return Err(ApiError::conflict(
            "the case is closed and cannot change; open a new case",
        ));
    }
    let org = state.store.org(row.org_id).await?;
    let now = Utc::now();
    let mut change = CaseUpdate {
        status: p.status,
        cc: p.cc,
        at: Some(now),
        ..CaseUpdate::default()
    };
    if let Some(severity) = p.severity {
        if severity != row.severity {
            // The environment and creation time never change, so the rule and the deadline
            // decided here still hold when the store applies the change.
            let level = org.contract.support_level;
            check_severity(level, severity, row.environment)?;
            let deadline =
                ResponseDeadline::compute(level, severity, &org.calendar, row.created_at)?;
            change.severity = Some((severity, deadline.due));
        }
    }
    // Mail only for the move to solved, not for a solved case solved again.
    let mail = if p.status == Some(CaseStatus::Solved) && row.status != CaseStatus::Solved {
        crate::mailer::plan(&state, row.org_id, |accounts, _| {
            crate::service::mail::case_solved(accounts)
        })
        .await?
    } else {
        None
    };
    let row = state
        .store
        .update_case_mailing(number, scope, change, mail)
        .await?;
    crate::mailer::wake(&state);
    Ok(Json(case_view(row, &org, now)))
}
