//! Scheduled phone callbacks (SPEC §7): a contact gives windows in which they can take the
//! vendor's call. `casewatch-core`'s [`check_callback`] decides: the contract must include
//! phone support, and every window must lie ahead and end after it starts.

use crate::auth::Caller;
use crate::cases::{created, load_case};
use crate::error::ApiResult;
use crate::http::ApiJson;
use crate::storage::{from_millis, to_millis};
use crate::AppState;
use axum::extract::{Path, State};
use axum::response::Response;
use axum::Json;
use casewatch_api::{Callback, CallbackList, CallbackRequest, Role, UserRef, Window};
use casewatch_core::{check_callback, CallbackWindow};
use chrono::Utc;
use rusqlite::{params, Connection};

/// Most windows in one request.
pub const MAX_WINDOWS: usize = 10;

fn callbacks_of(conn: &Connection, number: i64) -> ApiResult<Vec<Callback>> {
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
                    role: if r.get::<_, String>(4)? == "engineer" {
                        Role::Engineer
                    } else {
                        Role::Contact
                    },
                },
                created_at: from_millis(r.get(5)?),
            })
        })?
        .collect::<Result<Vec<_>, _>>()?;
    Ok(list)
}

/// `POST /cases/{number}/callback`
#[utoipa::path(post, path = "/api/v1/cases/{number}/callback", tag = "callbacks",
    request_body = CallbackRequest,
    params(("number" = i64, Path, description = "case number")), security(("bearer" = [])),
    responses((status = 201, body = Callback),
              (status = 400, description = "invalid_argument: no window, a window in the past or inverted", body = casewatch_api::Problem),
              (status = 404, body = casewatch_api::Problem),
              (status = 422, description = "callback_not_included", body = casewatch_api::Problem)))]
pub async fn create(
    State(state): State<AppState>,
    caller: Caller,
    Path(number): Path<i64>,
    ApiJson(req): ApiJson<CallbackRequest>,
) -> ApiResult<Response> {
    caller.contact_org()?;
    if req.windows.len() > MAX_WINDOWS {
        return Err(crate::ApiError::invalid(format!(
            "give at most {MAX_WINDOWS} windows"
        )));
    }
    let scope = caller.scope();
    let orgs = state.store.orgs.clone();
    let callback = state
        .store
        .write(move |conn| {
            let case = load_case(conn, number, scope)?;
            let org = orgs.get(conn, case.org_id)?;
            let windows: Vec<CallbackWindow> = req.windows.iter().map(|w| (*w).into()).collect();
            let now = Utc::now();
            check_callback(org.contract.support_level, &windows, now)?;
            let stored: Vec<Window> = req.windows.clone();
            conn.execute(
                "INSERT INTO callbacks(case_number, requested_by, windows, created_at)
                 VALUES (?1, ?2, ?3, ?4)",
                params![
                    number,
                    caller.user_id,
                    serde_json::to_string(&stored).unwrap_or_default(),
                    to_millis(now)
                ],
            )?;
            let id = conn.last_insert_rowid();
            conn.execute(
                "UPDATE cases SET updated_at = ?1 WHERE number = ?2",
                params![to_millis(now), number],
            )?;
            callbacks_of(conn, number)?
                .into_iter()
                .find(|c| c.id == id)
                .ok_or_else(|| crate::ApiError::internal("callback vanished"))
        })
        .await?;
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
    let scope = caller.scope();
    let callbacks = state
        .store
        .read(move |conn| {
            load_case(conn, number, scope)?;
            callbacks_of(conn, number)
        })
        .await?;
    Ok(Json(CallbackList { callbacks }))
}
