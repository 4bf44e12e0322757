//! Cases (SPEC §2, §3, §5): filing with the contract's rules, listing "waiting on us / on
//! you", reading, and changing severity or status.
//!
//! Every rule is `casewatch-core`'s: [`check_severity`] decides what may be filed, and
//! [`ResponseDeadline::compute`] decides when the first reply is due, both at creation and when
//! the severity changes (always from the creation time). Creation honours `Idempotency-Key`:
//! the check and the insert run in the same write transaction on the single writer, so
//! concurrent retries can never create two cases.

use crate::auth::Caller;
use crate::error::{ApiError, ApiResult};
use crate::http::{idempotency_key, ApiJson, RawJson};
use crate::storage::{from_millis, opt_millis, to_millis, OrgCache};
use crate::AppState;
use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use casewatch_api::{Case, CaseList, CasePatch, NewCase, Role, UserRef, Window};
use casewatch_core::{
    best_effort, check_case_form, check_severity, response_target, CaseFields, CaseStatus,
    CaseType, Environment, ResponseDeadline, Severity,
};
use chrono::{DateTime, Utc};
use rusqlite::types::Value;
use rusqlite::{params, Connection, OptionalExtension, Row};
use serde::Deserialize;
use sha2::{Digest, Sha256};
use utoipa::IntoParams;

/// Most CC addresses on one case.
pub const MAX_CC: usize = 20;

/// The columns [`CaseRow::from_row`] reads, joined with the opener, assignee and latest
/// callback request.
pub const CASE_SELECT: &str = "SELECT c.number, c.org_id, c.type, c.severity, c.environment,
        c.product, c.version, c.subject, c.situation, c.impact, c.status, c.created_at,
        c.updated_at, c.first_response_at, c.due_at, c.cc, c.maint_start, c.maint_end,
        c.opened_by, ou.name, ou.role, c.assignee_id, au.name,
        (SELECT windows FROM callbacks cb WHERE cb.case_number = c.number
         ORDER BY cb.id DESC LIMIT 1)
    FROM cases c JOIN users ou ON ou.id = c.opened_by LEFT JOIN users au ON au.id = c.assignee_id";

/// A case as stored.
#[derive(Debug, Clone)]
pub struct CaseRow {
    /// Number.
    pub number: i64,
    /// Organisation.
    pub org_id: i64,
    /// Type.
    pub case_type: CaseType,
    /// Severity.
    pub severity: Severity,
    /// Environment.
    pub environment: Environment,
    product: String,
    version: String,
    subject: String,
    situation: String,
    impact: String,
    /// Status.
    pub status: CaseStatus,
    /// Created.
    pub created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
    /// First public engineer reply.
    pub first_response_at: Option<DateTime<Utc>>,
    /// Due.
    pub due_at: Option<DateTime<Utc>>,
    cc: Vec<String>,
    maintenance_window: Option<Window>,
    opened_by: UserRef,
    assignee: Option<UserRef>,
    callback_windows: Vec<Window>,
}

/// Parses a stored kebab-case enum value.
pub fn parse_enum<T: serde::de::DeserializeOwned>(text: &str) -> rusqlite::Result<T> {
    serde_json::from_value(serde_json::Value::String(text.to_string())).map_err(|e| {
        rusqlite::Error::FromSqlConversionFailure(0, rusqlite::types::Type::Text, Box::new(e))
    })
}

/// The stored spelling of a kebab-case enum value.
pub fn enum_text<T: serde::Serialize>(value: &T) -> String {
    match serde_json::to_value(value) {
        Ok(serde_json::Value::String(s)) => s,
        _ => String::new(),
    }
}

fn role_of(text: &str) -> Role {
    if text == "engineer" {
        Role::Engineer
    } else {
        Role::Contact
    }
}

impl CaseRow {
    /// Reads a row of [`CASE_SELECT`].
    pub fn from_row(r: &Row<'_>) -> rusqlite::Result<CaseRow> {
        let severity: u8 = r.get(3)?;
        let maint = match (r.get::<_, Option<i64>>(16)?, r.get::<_, Option<i64>>(17)?) {
            (Some(s), Some(e)) => Some(Window {
                start: from_millis(s),
                end: from_millis(e),
            }),
            _ => None,
        };
        let assignee = match (
            r.get::<_, Option<i64>>(21)?,
            r.get::<_, Option<String>>(22)?,
        ) {
            (Some(id), Some(name)) => Some(UserRef {
                id,
                name,
                role: Role::Engineer,
            }),
            _ => None,
        };
        let callbacks: Option<String> = r.get(23)?;
        Ok(CaseRow {
            number: r.get(0)?,
            org_id: r.get(1)?,
            case_type: parse_enum(&r.get::<_, String>(2)?)?,
            severity: Severity::new(severity).unwrap_or(Severity::NORMAL),
            environment: parse_enum(&r.get::<_, String>(4)?)?,
            product: r.get(5)?,
            version: r.get(6)?,
            subject: r.get(7)?,
            situation: r.get(8)?,
            impact: r.get(9)?,
            status: parse_enum(&r.get::<_, String>(10)?)?,
            created_at: from_millis(r.get(11)?),
            updated_at: from_millis(r.get(12)?),
            first_response_at: opt_millis(r.get(13)?),
            due_at: opt_millis(r.get(14)?),
            cc: serde_json::from_str(&r.get::<_, String>(15)?).unwrap_or_default(),
            maintenance_window: maint,
            opened_by: UserRef {
                id: r.get(18)?,
                name: r.get(19)?,
                role: role_of(&r.get::<_, String>(20)?),
            },
            assignee,
            callback_windows: callbacks
                .and_then(|w| serde_json::from_str(&w).ok())
                .unwrap_or_default(),
        })
    }

    /// The API view, with the deadline as it stands at `now`.
    pub fn into_api(
        self,
        conn: &Connection,
        orgs: &OrgCache,
        now: DateTime<Utc>,
    ) -> ApiResult<Case> {
        let org = orgs.get(conn, self.org_id)?;
        let level = org.contract.support_level;
        let deadline = ResponseDeadline {
            created: self.created_at,
            target: response_target(level, self.severity),
            due: self.due_at,
            best_effort: best_effort(level),
        };
        Ok(Case {
            number: self.number,
            org_id: self.org_id,
            case_type: self.case_type,
            severity: self.severity,
            environment: self.environment,
            product: self.product,
            version: self.version,
            subject: self.subject,
            situation: self.situation,
            impact: self.impact,
            status: self.status,
            opened_by: self.opened_by,
            created_at: self.created_at,
            updated_at: self.updated_at,
            first_response_at: self.first_response_at,
            target: deadline.target,
            due_at: deadline.due,
            best_effort: deadline.best_effort,
            deadline: deadline.status_at(&org.calendar, now, self.first_response_at),
            assignee: self.assignee,
            cc: self.cc,
            maintenance_window: self.maintenance_window,
            callback_windows: self.callback_windows,
        })
    }
}

/// Loads a case the caller may see: `scope` is the caller's organisation (`None` for
/// engineers). Another organisation's case is `not_found`, exactly like a missing one.
pub fn load_case(conn: &Connection, number: i64, scope: Option<i64>) -> ApiResult<CaseRow> {
    let sql = format!("{CASE_SELECT} WHERE c.number = ?1 AND (?2 IS NULL OR c.org_id = ?2)");
    conn.prepare_cached(&sql)?
        .query_row(params![number, scope], CaseRow::from_row)
        .optional()?
        .ok_or_else(|| ApiError::not_found("case"))
}

/// Checks an e-mail address closely enough to catch typos.
pub fn check_email(email: &str) -> ApiResult<()> {
    let ok = email.len() <= 254
        && !email.chars().any(|c| c.is_whitespace() || c.is_control())
        && email.split_once('@').is_some_and(|(local, domain)| {
            !local.is_empty() && domain.contains('.') && !domain.contains('@')
        });
    if ok {
        Ok(())
    } else {
        Err(ApiError::invalid(format!(
            "'{email}' is not an e-mail address"
        )))
    }
}

fn check_cc(cc: &[String]) -> ApiResult<()> {
    if cc.len() > MAX_CC {
        return Err(ApiError::invalid(format!("at most {MAX_CC} CC addresses")));
    }
    cc.iter().try_for_each(|e| check_email(e))
}

/// Validates a new case's fields with the core's form rules ([`check_case_form`]: one-line
/// fields, required situation and impact, the maintenance window) plus the CC list; the
/// contract rules are checked with the organisation in [`insert_case`].
pub fn validate_new_case(c: &NewCase) -> ApiResult<()> {
    check_case_form(&CaseFields {
        case_type: c.case_type,
        subject: &c.subject,
        product: &c.product,
        version: &c.version,
        situation: &c.situation,
        impact: &c.impact,
        maintenance_window: c.maintenance_window.map(Into::into),
    })?;
    check_cc(&c.cc)
}

/// The open statuses as a SQL list (`'waiting-on-vendor', …`) for `status IN (…)`: SQL cannot
/// call [`CaseStatus::is_open`], so the list is built from it rather than written out.
pub fn open_statuses_sql() -> String {
    CaseStatus::open()
        .map(|s| format!("'{}'", s.as_str()))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The engineer with the fewest open cases (ties: lowest id), for automatic assignment.
pub fn least_busy_engineer(conn: &Connection) -> ApiResult<Option<i64>> {
    Ok(conn
        .query_row(
            &format!(
                "SELECT u.id FROM users u
                 WHERE u.role = 'engineer' AND u.removed_at IS NULL
                 ORDER BY (SELECT COUNT(*) FROM cases c WHERE c.assignee_id = u.id
                           AND c.status IN ({})), u.id
                 LIMIT 1",
                open_statuses_sql()
            ),
            [],
            |r| r.get(0),
        )
        .optional()?)
}

/// Inserts a case after checking the contract's rules; returns its number. Used by the API
/// and by the demo seeding, so both file cases the same way.
pub fn insert_case(
    conn: &Connection,
    orgs: &OrgCache,
    org_id: i64,
    opened_by: i64,
    c: &NewCase,
    created_at: DateTime<Utc>,
) -> ApiResult<i64> {
    let org = orgs.get(conn, org_id)?;
    let level = org.contract.support_level;
    check_severity(level, c.severity, c.environment)?;
    let deadline = ResponseDeadline::compute(level, c.severity, &org.calendar, created_at)?;
    let assignee = least_busy_engineer(conn)?;
    conn.execute(
        "INSERT INTO cases(org_id, opened_by, type, severity, environment, product, version,
             subject, situation, impact, status, created_at, updated_at, due_at, assignee_id,
             cc, maint_start, maint_end)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, 'waiting-on-vendor', ?11, ?11, ?12,
             ?13, ?14, ?15, ?16)",
        params![
            org_id,
            opened_by,
            c.case_type.as_str(),
            c.severity.number(),
            c.environment.to_string(),
            c.product.trim(),
            c.version.trim(),
            c.subject.trim(),
            c.situation,
            c.impact,
            to_millis(created_at),
            deadline.due.map(to_millis),
            assignee,
            serde_json::to_string(&c.cc).unwrap_or_else(|_| "[]".into()),
            c.maintenance_window.map(|w| to_millis(w.start)),
            c.maintenance_window.map(|w| to_millis(w.end)),
        ],
    )?;
    Ok(conn.last_insert_rowid())
}

/// What an idempotent write found under its key.
pub enum Replay {
    /// The key is new: do the work and remember its result.
    Fresh,
    /// The same request was done before; here is its result.
    Done(i64),
}

/// Looks up an `Idempotency-Key`: a new key, the same request again, or (another body under
/// the same key) `idempotency_conflict`.
pub fn check_idempotency(
    conn: &Connection,
    user_id: i64,
    scope: &str,
    key: &str,
    request_hash: &[u8],
) -> ApiResult<Replay> {
    let found: Option<(Vec<u8>, i64)> = conn
        .query_row(
            "SELECT request_hash, result FROM idempotency
             WHERE user_id = ?1 AND scope = ?2 AND key = ?3",
            params![user_id, scope, key],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?;
    match found {
        None => Ok(Replay::Fresh),
        Some((hash, result)) if hash == request_hash => Ok(Replay::Done(result)),
        Some(_) => Err(ApiError::new(
            StatusCode::CONFLICT,
            "idempotency_conflict",
            "this Idempotency-Key was already used with a different request body; \
             use a new key for a new request",
        )),
    }
}

/// Remembers the result of an idempotent write.
pub fn remember_idempotency(
    conn: &Connection,
    user_id: i64,
    scope: &str,
    key: &str,
    request_hash: &[u8],
    result: i64,
) -> ApiResult<()> {
    conn.execute(
        "INSERT INTO idempotency(user_id, scope, key, request_hash, result, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        params![
            user_id,
            scope,
            key,
            request_hash,
            result,
            to_millis(Utc::now())
        ],
    )?;
    Ok(())
}

/// SHA-256 of a request's canonical JSON (field order and spacing do not matter).
pub fn request_hash<T: serde::Serialize>(value: &T) -> Vec<u8> {
    Sha256::digest(serde_json::to_vec(value).unwrap_or_default()).to_vec()
}

/// A created (or replayed) resource: 201 with `Location`, and `Idempotent-Replayed: true` on
/// a replay.
pub fn created<T: serde::Serialize>(location: String, body: T, replayed: bool) -> Response {
    let mut response = (StatusCode::CREATED, Json(body)).into_response();
    if let Ok(v) = HeaderValue::from_str(&location) {
        response.headers_mut().insert(header::LOCATION, v);
    }
    if replayed {
        response.headers_mut().insert(
            casewatch_api::IDEMPOTENT_REPLAYED,
            HeaderValue::from_static("true"),
        );
    }
    response
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
        (status = 422, description = "severity_not_allowed, severity_requires_production", body = casewatch_api::Problem)))]
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
    let hash = request_hash(&new_case);
    let orgs = state.store.orgs.clone();
    let (case, replayed) = state
        .store
        .write(move |conn| {
            let now = Utc::now();
            if let Some(key) = &key {
                if let Replay::Done(number) =
                    check_idempotency(conn, caller.user_id, "cases", key, &hash)?
                {
                    let row = load_case(conn, number, Some(org_id))?;
                    return Ok((row.into_api(conn, &orgs, now)?, true));
                }
            }
            let number = insert_case(conn, &orgs, org_id, caller.user_id, &new_case, now)?;
            if let Some(key) = &key {
                remember_idempotency(conn, caller.user_id, "cases", key, &hash, number)?;
            }
            let row = load_case(conn, number, Some(org_id))?;
            Ok((row.into_api(conn, &orgs, now)?, false))
        })
        .await?;
    Ok(created(
        format!("/api/v1/cases/{}", case.number),
        case,
        replayed,
    ))
}

/// Filters of `GET /cases`.
#[derive(Debug, Deserialize, IntoParams)]
pub struct ListQuery {
    /// `vendor` (waiting on us) or `customer` (waiting on you).
    pub waiting_on: Option<String>,
    /// `waiting-on-vendor`, `waiting-on-customer`, `solved` or `closed`.
    pub status: Option<String>,
    /// `next_cursor` of the previous page.
    pub cursor: Option<String>,
    /// Page size, 1–100 (default 20).
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
    let scope = caller.scope();
    let orgs = state.store.orgs.clone();
    let list = state
        .store
        .read(move |conn| {
            let mut sql = format!("{CASE_SELECT} WHERE 1 = 1");
            let mut args: Vec<Value> = Vec::new();
            if let Some(org) = scope {
                args.push(Value::Integer(org));
                sql.push_str(&format!(" AND c.org_id = ?{}", args.len()));
            }
            if let Some(s) = statuses {
                args.push(Value::Text(enum_text(&s)));
                sql.push_str(&format!(" AND c.status = ?{}", args.len()));
            }
            if let Some(c) = cursor {
                args.push(Value::Integer(c));
                sql.push_str(&format!(" AND c.number < ?{}", args.len()));
            }
            args.push(Value::Integer(i64::from(limit) + 1));
            sql.push_str(&format!(" ORDER BY c.number DESC LIMIT ?{}", args.len()));
            let mut stmt = conn.prepare_cached(&sql)?;
            let rows = stmt
                .query_map(rusqlite::params_from_iter(args), CaseRow::from_row)?
                .collect::<Result<Vec<_>, _>>()?;
            let now = Utc::now();
            let more = rows.len() > limit as usize;
            let cases = rows
                .into_iter()
                .take(limit as usize)
                .map(|r| r.into_api(conn, &orgs, now))
                .collect::<ApiResult<Vec<_>>>()?;
            let next_cursor = if more {
                cases.last().map(|c| c.number.to_string())
            } else {
                None
            };
            Ok(CaseList { cases, next_cursor })
        })
        .await?;
    Ok(crate::http::json_response(&list))
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
    let scope = caller.scope();
    let orgs = state.store.orgs.clone();
    let case = state
        .store
        .read(move |conn| load_case(conn, number, scope)?.into_api(conn, &orgs, Utc::now()))
        .await?;
    Ok(Json(case))
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
    let orgs = state.store.orgs.clone();
    let case = state
        .store
        .write(move |conn| {
            let row = load_case(conn, number, scope)?;
            let now = Utc::now();
            if row.status == CaseStatus::Closed {
                return Err(ApiError::conflict(
                    "the case is closed and cannot change; open a new case",
                ));
            }
            if let Some(severity) = p.severity {
                if severity != row.severity {
                    let org = orgs.get(conn, row.org_id)?;
                    let level = org.contract.support_level;
                    check_severity(level, severity, row.environment)?;
                    let deadline =
                        ResponseDeadline::compute(level, severity, &org.calendar, row.created_at)?;
                    conn.execute(
                        "UPDATE cases SET severity = ?1, due_at = ?2, updated_at = ?3
                         WHERE number = ?4",
                        params![
                            severity.number(),
                            deadline.due.map(to_millis),
                            to_millis(now),
                            number
                        ],
                    )?;
                }
            }
            if let Some(status) = p.status {
                conn.execute(
                    "UPDATE cases SET status = ?1, updated_at = ?2 WHERE number = ?3",
                    params![enum_text(&status), to_millis(now), number],
                )?;
            }
            if let Some(cc) = &p.cc {
                conn.execute(
                    "UPDATE cases SET cc = ?1, updated_at = ?2 WHERE number = ?3",
                    params![
                        serde_json::to_string(cc).unwrap_or_default(),
                        to_millis(now),
                        number
                    ],
                )?;
            }
            load_case(conn, number, scope)?.into_api(conn, &orgs, now)
        })
        .await?;
    Ok(Json(case))
}
