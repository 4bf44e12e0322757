//! Scheduled phone callbacks (SPEC §7): a contact gives windows in which they can take the
//! vendor's call. `casewatch-core`'s [`check_callback`] decides: the contract must include
//! phone support, and every window must lie ahead and end after it starts.

use crate::auth::Caller;
use crate::error::ApiResult;
use crate::http::{created, ApiJson};
use crate::state::AppState;
use crate::store::CallbackInsert;
use axum::extract::{Path, State};
use axum::response::Response;
use axum::Json;
use casewatch_api::{Callback, CallbackList, CallbackRequest};
use casewatch_core::{check_callback, CallbackWindow};
use chrono::Utc;

/// Most windows in one request.
pub const MAX_WINDOWS: usize = 10;

/// `POST /cases/{number}/callback`
#[utoipa::path(post, path = "/api/v1/cases/{number}/callback", tag = "callbacks",
    request_body = CallbackRequest,
    params(("number" = i64, Path, description = "case number")), security(("bearer" = [])),
    responses((status = 201, body = Callback),
              (status = 400, description = "invalid_argument, malformed_json: not a callback request (e.g. no window, or more than 10)", body = casewatch_api::Problem),
              (status = 404, body = casewatch_api::Problem),
              (status = 422, description = "callback_not_included; invalid_argument: a window in the past or inverted", body = casewatch_api::Problem)))]
pub async fn create(
    State(state): State<AppState>,
    caller: Caller,
    Path(number): Path<i64>,
    ApiJson(req): ApiJson<CallbackRequest>,
) -> ApiResult<Response> {
    caller.contact_org()?;
    // The number of windows is in the API description (1–10): a wrong count is malformed, 400.
    if req.windows.is_empty() {
        return Err(crate::ApiError::invalid(
            "give at least one window when you can take the call",
        ));
    }
    if req.windows.len() > MAX_WINDOWS {
        return Err(crate::ApiError::invalid(format!(
            "give at most {MAX_WINDOWS} windows"
        )));
    }
    let scope = caller.scope();
    let case = state.store.case(number, scope).await?;
    let org = state.store.org(case.org_id).await?;
    let windows: Vec<CallbackWindow> = req.windows.iter().map(|w| (*w).into()).collect();
    let now = Utc::now();
    // A window in the past depends on the clock, an inverted one relates two fields: the API
    // description cannot state either, so they are 422 (code unchanged), not 400.
    check_callback(org.contract.support_level, &windows, now)
        .map_err(|e| crate::ApiError::from(e).unprocessable())?;
    let mail = crate::mailer::plan(
        &state,
        case.org_id,
        crate::service::mail::callback_scheduled,
    )
    .await?;
    let callback = state
        .store
        .create_callback_mailing(
            CallbackInsert {
                case_number: number,
                scope,
                requested_by: caller.user_id,
                windows: req.windows,
                at: now,
            },
            mail,
        )
        .await?;
    crate::mailer::wake(&state);
    Ok(created(
        format!("/api/v1/cases/{number}/callback"),
        callback,
        false,
    ))
}

/// `GET /cases/{number}/callback`
#[utoipa::path(get, path = "/api/v1/cases/{number}/callback", tag = "callbacks",
    params(("number" = i64, Path, description = "case number")), security(("bearer" = [])),
    responses((status = 200, body = CallbackList), (status = 404, body = casewatch_api::Problem)))]
pub async fn list(
    State(state): State<AppState>,
    caller: Caller,
    Path(number): Path<i64>,
) -> ApiResult<Json<CallbackList>> {
    let callbacks = state.store.callbacks(number, caller.scope()).await?;
    Ok(Json(CallbackList { callbacks }))
}
