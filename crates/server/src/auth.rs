//! Sessions: login (with throttling), refresh, logout, and the [`Caller`] extractor every
//! protected handler starts from.
//!
//! Access tokens live minutes; refresh tokens are single-use and rotate on every refresh;
//! logout revokes the session (both tokens). Sessions are checked against the store, so a
//! token is valid on every server instance sharing the database. Password hashing and token
//! generation live in `crate::service::accounts`.
//!
//! The session cache (`crate::service::sessions`) is used only where one process serves the
//! sessions (SQLite); see there.
//!
//! **Throttling** counts failed logins in the store (per account and per client address), so
//! the limits hold across instances and restarts.

use crate::config::PasswordCost;
use crate::error::{ApiError, ApiResult};
use crate::http::ApiJson;
use crate::service::accounts::{hash_password, random_token, token_hash, verify_password};
pub use crate::service::sessions::Caller;
use crate::service::sessions::SESSION_CACHE_SECONDS;
use crate::state::AppState;
use crate::store::TokenPair;
use axum::extract::{FromRequestParts, State};
use axum::http::header;
use axum::http::request::Parts;
use axum::Json;
use casewatch_api::{LoginRequest, LogoutRequest, RefreshRequest, TokenResponse};
use chrono::{DateTime, Utc};
use std::net::IpAddr;

impl FromRequestParts<AppState> for Caller {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> ApiResult<Caller> {
        let header = parts.headers.get(header::AUTHORIZATION).ok_or_else(|| {
            ApiError::unauthorized("log in first: send Authorization: Bearer <access_token>")
        })?;
        let token = header
            .to_str()
            .ok()
            .and_then(|h| h.strip_prefix("Bearer "))
            .map(str::trim)
            .filter(|t| !t.is_empty() && t.len() <= 256)
            .ok_or_else(|| {
                ApiError::unauthorized("the Authorization header must be 'Bearer <access_token>'")
            })?;
        let hash = token_hash(token);
        let now = Utc::now();
        let now_ms = now.timestamp_millis();
        if let Some(caller) = state.sessions.get(&hash, now_ms) {
            return Ok(caller);
        }
        let session = state
            .store
            .session_by_access(&hash, now)
            .await?
            .ok_or_else(|| {
                ApiError::unauthorized(
                    "the access token is invalid, expired or revoked; refresh or log in again",
                )
            })?;
        let caller = Caller {
            user_id: session.account.id,
            name: session.account.name,
            role: session.account.role,
            org_id: session.account.org_id,
            key_contact: session.account.key_contact,
            session_id: session.session_id,
        };
        let until = session
            .access_expires
            .timestamp_millis()
            .min(now_ms + SESSION_CACHE_SECONDS * 1000);
        state.sessions.put(hash, caller.clone(), until, now_ms);
        Ok(caller)
    }
}

/// New tokens: the response for the client and the hashes for the store.
fn new_tokens(state: &AppState, now: DateTime<Utc>) -> ApiResult<(TokenResponse, TokenPair)> {
    let access = format!("cwa_{}", random_token(32)?);
    let refresh = format!("cwr_{}", random_token(32)?);
    let ttl = |d: std::time::Duration| {
        chrono::Duration::from_std(d).unwrap_or(chrono::Duration::days(3650))
    };
    let pair = TokenPair {
        access_hash: token_hash(&access),
        access_expires: now + ttl(state.config.access_ttl),
        refresh_hash: token_hash(&refresh),
        refresh_expires: now + ttl(state.config.refresh_ttl),
    };
    let response = TokenResponse {
        access_token: access,
        refresh_token: refresh,
        expires_in: state.config.access_ttl.as_secs(),
        token_type: "Bearer".into(),
    };
    Ok((response, pair))
}

/// A dummy hash so that unknown accounts cost as much as known ones.
fn dummy_hash(cost: PasswordCost) -> String {
    static DEFAULT: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    static FAST: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    let cell = match cost {
        PasswordCost::Default => &DEFAULT,
        PasswordCost::InsecureFastForTests => &FAST,
    };
    cell.get_or_init(|| hash_password("not a password of anyone", cost).unwrap_or_default())
        .clone()
}

/// The throttle's name for an account: the e-mail address as typed, trimmed and lower-cased.
fn throttle_account(email: &str) -> String {
    email.trim().to_lowercase()
}

/// Seconds to wait when the account or the address has used up its failed logins, else
/// `None`: the wait lasts until the oldest counted failure leaves the window.
async fn throttle_wait(state: &AppState, email: &str, client: IpAddr) -> ApiResult<Option<u64>> {
    let config = state.config.throttle;
    let window = chrono::Duration::from_std(config.window).unwrap_or(chrono::Duration::MAX);
    let now = Utc::now();
    let since = now - window;
    let counts = state
        .store
        .count_login_failures(&throttle_account(email), &client.to_string(), since)
        .await?;
    let mut wait: Option<u64> = None;
    for (count, oldest, limit) in [
        (counts.account, counts.account_oldest, config.per_account),
        (counts.address, counts.address_oldest, config.per_address),
    ] {
        if count >= limit {
            let left = (oldest.unwrap_or(now) + window - now)
                .num_milliseconds()
                .max(0) as u64;
            let secs = left.div_ceil(1000);
            wait = Some(wait.unwrap_or(0).max(secs));
        }
    }
    Ok(wait)
}

/// `POST /auth/login`
#[utoipa::path(post, path = "/api/v1/auth/login", tag = "auth", request_body = LoginRequest,
    responses((status = 200, body = TokenResponse),
              (status = 401, description = "wrong e-mail or password", body = casewatch_api::Problem),
              (status = 429, description = "too many failed attempts; see Retry-After", body = casewatch_api::Problem)))]
pub async fn login(
    State(state): State<AppState>,
    // The client behind a trusted proxy, not the proxy: see `ops::client_address`.
    crate::ops::ClientAddr(client): crate::ops::ClientAddr,
    ApiJson(req): ApiJson<LoginRequest>,
) -> ApiResult<Json<TokenResponse>> {
    if req.email.len() > 320 || req.password.len() > 1024 {
        return Err(ApiError::unauthorized("wrong e-mail address or password"));
    }
    if let Some(wait) = throttle_wait(&state, &req.email, client).await? {
        return Err(ApiError::rate_limited(
            wait,
            format!("too many failed logins; try again in {wait} seconds"),
        ));
    }
    let email = req.email.trim().to_string();
    let found = state.store.credentials(&email).await?;
    let cost = state.config.password_cost;
    let password = req.password;
    let (user_id, ok) = tokio::task::spawn_blocking(move || match found {
        Some(c) => (
            Some(c.user_id),
            verify_password(&password, &c.password_hash),
        ),
        None => {
            let _ = verify_password(&password, &dummy_hash(cost));
            (None, false)
        }
    })
    .await
    .map_err(ApiError::internal)?;
    let now = Utc::now();
    let user_id = match (user_id, ok) {
        (Some(id), true) => id,
        _ => {
            let window =
                chrono::Duration::from_std(state.config.throttle.window).unwrap_or_default();
            state
                .store
                .record_login_failure(
                    &throttle_account(&email),
                    &client.to_string(),
                    now,
                    now - window,
                )
                .await?;
            return Err(ApiError::unauthorized("wrong e-mail address or password"));
        }
    };
    state
        .store
        .clear_login_failures(&throttle_account(&email))
        .await?;
    let (tokens, pair) = new_tokens(&state, now)?;
    state.store.create_session(user_id, pair, now).await?;
    Ok(Json(tokens))
}

/// `POST /auth/refresh`
#[utoipa::path(post, path = "/api/v1/auth/refresh", tag = "auth", request_body = RefreshRequest,
    responses((status = 200, body = TokenResponse),
              (status = 401, description = "unknown, used, expired or revoked refresh token", body = casewatch_api::Problem)))]
pub async fn refresh(
    State(state): State<AppState>,
    ApiJson(req): ApiJson<RefreshRequest>,
) -> ApiResult<Json<TokenResponse>> {
    let hash = token_hash(req.refresh_token.trim());
    let now = Utc::now();
    let (tokens, pair) = new_tokens(&state, now)?;
    let (session, _user) = state
        .store
        .rotate_session(&hash, pair, now)
        .await?
        .ok_or_else(|| {
            ApiError::unauthorized(
                "the refresh token is invalid, used, expired or revoked; log in again",
            )
        })?;
    state.sessions.forget_session(session);
    Ok(Json(tokens))
}

/// `POST /auth/logout`
#[utoipa::path(post, path = "/api/v1/auth/logout", tag = "auth", request_body = Option<LogoutRequest>,
    security(("bearer" = [])),
    responses((status = 204, description = "the session is revoked"),
              (status = 401, body = casewatch_api::Problem)))]
pub async fn logout(
    State(state): State<AppState>,
    caller: Caller,
    body: axum::body::Bytes,
) -> ApiResult<axum::http::StatusCode> {
    let req: LogoutRequest = if body.iter().all(u8::is_ascii_whitespace) {
        LogoutRequest::default()
    } else {
        crate::http::parse_json(&body)?
    };
    let refresh = req.refresh_token.map(|t| token_hash(t.trim()));
    let other = state
        .store
        .revoke_session(caller.session_id, caller.user_id, refresh, Utc::now())
        .await?;
    state.sessions.forget_session(caller.session_id);
    if let Some(other) = other {
        state.sessions.forget_session(other);
    }
    Ok(axum::http::StatusCode::NO_CONTENT)
}
