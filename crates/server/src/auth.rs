//! Accounts and sessions: argon2id password hashes, opaque bearer tokens, login throttling,
//! and the [`Caller`] extractor every protected handler starts from.
//!
//! Tokens are 256 random bits, base64url, prefixed `cwa_` (access) or `cwr_` (refresh) so a
//! leaked one is recognisable. Only their SHA-256 is stored: a copy of the database does not
//! let anyone log in. Access tokens live minutes; refresh tokens are single-use and rotate on
//! every refresh; logout revokes the session (both tokens).

use crate::error::{ApiError, ApiResult};
use crate::http::ApiJson;
use crate::storage::to_millis;
use crate::{AppState, PasswordCost, ThrottleConfig};
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};
use axum::extract::{ConnectInfo, FromRequestParts, State};
use axum::http::header;
use axum::http::request::Parts;
use axum::Json;
use base64::Engine;
use casewatch_api::{LoginRequest, LogoutRequest, RefreshRequest, Role, TokenResponse};
use chrono::Utc;
use rusqlite::{params, Connection, OptionalExtension};
use sha2::{Digest, Sha256};
use std::collections::{HashMap, VecDeque};
use std::net::{IpAddr, SocketAddr};
use std::sync::Mutex;
use std::time::Instant;

/// Shortest password accepted for new accounts.
pub const MIN_PASSWORD_CHARS: usize = 12;

fn argon2(cost: PasswordCost) -> Argon2<'static> {
    let params = match cost {
        PasswordCost::Default => Params::default(),
        PasswordCost::InsecureFastForTests => {
            Params::new(Params::MIN_M_COST.max(64), 1, 1, None).unwrap_or_default()
        }
    };
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

/// Hashes a password with argon2id and a random salt (PHC string).
pub fn hash_password(password: &str, cost: PasswordCost) -> ApiResult<String> {
    let mut salt = [0u8; 16];
    getrandom::fill(&mut salt).map_err(ApiError::internal)?;
    let salt = SaltString::encode_b64(&salt).map_err(ApiError::internal)?;
    Ok(argon2(cost)
        .hash_password(password.as_bytes(), &salt)
        .map_err(ApiError::internal)?
        .to_string())
}

/// Checks a password against a stored PHC string (its own parameters apply).
pub fn verify_password(password: &str, stored: &str) -> bool {
    PasswordHash::new(stored)
        .map(|h| {
            Argon2::default()
                .verify_password(password.as_bytes(), &h)
                .is_ok()
        })
        .unwrap_or(false)
}

/// Refuses passwords too short to be worth hashing.
pub fn check_new_password(password: &str) -> ApiResult<()> {
    if password.chars().count() < MIN_PASSWORD_CHARS {
        return Err(ApiError::invalid(format!(
            "a password needs at least {MIN_PASSWORD_CHARS} characters"
        )));
    }
    if password.len() > 1024 {
        return Err(ApiError::invalid("a password may have at most 1024 bytes"));
    }
    Ok(())
}

/// `len` random bytes, base64url without padding.
pub fn random_token(len: usize) -> ApiResult<String> {
    let mut bytes = vec![0u8; len];
    getrandom::fill(&mut bytes).map_err(ApiError::internal)?;
    Ok(base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes))
}

/// The stored form of a token.
pub fn token_hash(token: &str) -> Vec<u8> {
    Sha256::digest(token.as_bytes()).to_vec()
}

/// Failed-login bookkeeping, in memory (a restart forgets it, which only helps users).
pub struct Throttle {
    config: ThrottleConfig,
    failures: Mutex<HashMap<String, VecDeque<Instant>>>,
}

impl Throttle {
    /// An empty throttle.
    pub fn new(config: ThrottleConfig) -> Throttle {
        Throttle {
            config,
            failures: Mutex::new(HashMap::new()),
        }
    }

    fn keys(email: &str, addr: IpAddr) -> [(String, u32); 2] {
        [
            (format!("account:{}", email.trim().to_lowercase()), 0),
            (format!("address:{addr}"), 1),
        ]
    }

    /// Seconds to wait when the account or address has used up its failures, else `None`.
    pub fn check(&self, email: &str, addr: IpAddr) -> Option<u64> {
        let now = Instant::now();
        let mut map = self.failures.lock().ok()?;
        let mut wait = None;
        for (key, which) in Throttle::keys(email, addr) {
            let limit = if which == 0 {
                self.config.per_account
            } else {
                self.config.per_address
            } as usize;
            if let Some(q) = map.get_mut(&key) {
                while q
                    .front()
                    .is_some_and(|t| now.duration_since(*t) >= self.config.window)
                {
                    q.pop_front();
                }
                if q.len() >= limit {
                    let oldest = q.front().copied().unwrap_or(now);
                    let left = self
                        .config
                        .window
                        .saturating_sub(now.duration_since(oldest));
                    let secs = left.as_secs() + u64::from(left.subsec_nanos() > 0);
                    wait = Some(wait.unwrap_or(0).max(secs));
                }
            }
        }
        wait
    }

    /// Records a failed login.
    pub fn fail(&self, email: &str, addr: IpAddr) {
        if let Ok(mut map) = self.failures.lock() {
            // Bound the memory an attacker cycling through names can take.
            if map.len() > 100_000 {
                let window = self.config.window;
                map.retain(|_, q| q.back().is_some_and(|t| t.elapsed() < window));
            }
            for (key, _) in Throttle::keys(email, addr) {
                map.entry(key).or_default().push_back(Instant::now());
            }
        }
    }

    /// Forgets the account's failures after a successful login.
    pub fn succeed(&self, email: &str) {
        if let Ok(mut map) = self.failures.lock() {
            map.remove(&format!("account:{}", email.trim().to_lowercase()));
        }
    }
}

/// How long a verified access token is trusted without asking the database again. Logout,
/// refresh and contact removal in this process forget entries at once; this bounds how long a
/// revocation made by another process (an admin command) can take.
pub const SESSION_CACHE_SECONDS: i64 = 30;

/// Verified access tokens (by hash), so that most requests need no session lookup.
#[derive(Default)]
pub struct SessionCache(Mutex<HashMap<Vec<u8>, (Caller, i64)>>);

impl SessionCache {
    fn get(&self, hash: &[u8], now: i64) -> Option<Caller> {
        let map = self.0.lock().ok()?;
        map.get(hash)
            .filter(|(_, until)| *until > now)
            .map(|(c, _)| c.clone())
    }

    fn put(&self, hash: Vec<u8>, caller: Caller, until: i64) {
        if let Ok(mut map) = self.0.lock() {
            if map.len() >= 50_000 {
                map.retain(|_, (_, u)| *u > to_millis(Utc::now()));
                if map.len() >= 50_000 {
                    map.clear();
                }
            }
            map.insert(hash, (caller, until));
        }
    }

    /// Forgets the tokens of a session (logout, refresh).
    pub fn forget_session(&self, session_id: i64) {
        if let Ok(mut map) = self.0.lock() {
            map.retain(|_, (c, _)| c.session_id != session_id);
        }
    }

    /// Forgets every token of a user (removal).
    pub fn forget_user(&self, user_id: i64) {
        if let Ok(mut map) = self.0.lock() {
            map.retain(|_, (c, _)| c.user_id != user_id);
        }
    }
}

/// The authenticated caller of a request.
#[derive(Debug, Clone)]
pub struct Caller {
    /// Account id.
    pub user_id: i64,
    /// Display name.
    pub name: String,
    /// Contact or engineer.
    pub role: Role,
    /// The contact's organisation.
    pub org_id: Option<i64>,
    /// Key contact of the organisation.
    pub key_contact: bool,
    /// The session behind the token.
    pub session_id: i64,
}

impl Caller {
    /// True for vendor engineers.
    pub fn is_engineer(&self) -> bool {
        self.role == Role::Engineer
    }

    /// The contact's organisation; engineers are refused with `forbidden`.
    pub fn contact_org(&self) -> ApiResult<i64> {
        match (self.role, self.org_id) {
            (Role::Contact, Some(org)) => Ok(org),
            _ => Err(ApiError::forbidden(
                "only support contacts of a customer organisation may do this",
            )),
        }
    }

    /// Refuses anyone but engineers.
    pub fn require_engineer(&self) -> ApiResult<()> {
        if self.is_engineer() {
            Ok(())
        } else {
            Err(ApiError::forbidden("this endpoint is for vendor engineers"))
        }
    }

    /// The organisation whose data the caller may see: their own, or every one (`None`) for
    /// engineers.
    pub fn scope(&self) -> Option<i64> {
        if self.is_engineer() {
            None
        } else {
            Some(self.org_id.unwrap_or(-1))
        }
    }
}

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
        let now = to_millis(Utc::now());
        if let Some(caller) = state.sessions.get(&hash, now) {
            return Ok(caller);
        }
        let key = hash.clone();
        let (caller, expires) = state
            .store
            .read(move |conn| {
                conn.query_row(
                    "SELECT s.id, s.access_expires, s.revoked_at, u.id, u.name, u.role, u.org_id,
                            u.key_contact, u.removed_at
                     FROM sessions s JOIN users u ON u.id = s.user_id
                     WHERE s.access_hash = ?1",
                    [hash],
                    |r| {
                        Ok((
                            r.get::<_, i64>(0)?,
                            r.get::<_, i64>(1)?,
                            r.get::<_, Option<i64>>(2)?,
                            Caller {
                                session_id: r.get(0)?,
                                user_id: r.get(3)?,
                                name: r.get(4)?,
                                role: if r.get::<_, String>(5)? == "engineer" {
                                    Role::Engineer
                                } else {
                                    Role::Contact
                                },
                                org_id: r.get(6)?,
                                key_contact: r.get(7)?,
                            },
                            r.get::<_, Option<i64>>(8)?,
                        ))
                    },
                )
                .optional()?
                .and_then(|(_, expires, revoked, caller, removed)| {
                    (revoked.is_none() && removed.is_none() && expires > now)
                        .then_some((caller, expires))
                })
                .ok_or_else(|| {
                    ApiError::unauthorized(
                        "the access token is invalid, expired or revoked; refresh or log in again",
                    )
                })
            })
            .await?;
        let until = expires.min(now + SESSION_CACHE_SECONDS * 1000);
        state.sessions.put(key, caller.clone(), until);
        Ok(caller)
    }
}

fn new_session(
    conn: &Connection,
    state: &AppState,
    user_id: i64,
    replace: Option<i64>,
) -> ApiResult<TokenResponse> {
    let access = format!("cwa_{}", random_token(32)?);
    let refresh = format!("cwr_{}", random_token(32)?);
    let now = Utc::now();
    let access_expires = to_millis(now) + state.config.access_ttl.as_millis() as i64;
    let refresh_expires = to_millis(now) + state.config.refresh_ttl.as_millis() as i64;
    match replace {
        None => {
            conn.execute(
                "INSERT INTO sessions(user_id, access_hash, access_expires, refresh_hash,
                     refresh_expires, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                params![
                    user_id,
                    token_hash(&access),
                    access_expires,
                    token_hash(&refresh),
                    refresh_expires,
                    to_millis(now)
                ],
            )?;
        }
        Some(session) => {
            conn.execute(
                "UPDATE sessions SET access_hash = ?1, access_expires = ?2, refresh_hash = ?3,
                     refresh_expires = ?4 WHERE id = ?5",
                params![
                    token_hash(&access),
                    access_expires,
                    token_hash(&refresh),
                    refresh_expires,
                    session
                ],
            )?;
        }
    }
    Ok(TokenResponse {
        access_token: access,
        refresh_token: refresh,
        expires_in: state.config.access_ttl.as_secs(),
        token_type: "Bearer".into(),
    })
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

/// `POST /auth/login`
#[utoipa::path(post, path = "/api/v1/auth/login", tag = "auth", request_body = LoginRequest,
    responses((status = 200, body = TokenResponse),
              (status = 401, description = "wrong e-mail or password", body = casewatch_api::Problem),
              (status = 429, description = "too many failed attempts; see Retry-After", body = casewatch_api::Problem)))]
pub async fn login(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    ApiJson(req): ApiJson<LoginRequest>,
) -> ApiResult<Json<TokenResponse>> {
    if req.email.len() > 320 || req.password.len() > 1024 {
        return Err(ApiError::unauthorized("wrong e-mail address or password"));
    }
    if let Some(wait) = state.throttle.check(&req.email, peer.ip()) {
        return Err(ApiError::rate_limited(
            wait,
            format!("too many failed logins; try again in {wait} seconds"),
        ));
    }
    let email = req.email.trim().to_string();
    let found = {
        let email = email.clone();
        state
            .store
            .read(move |conn| {
                Ok(conn
                    .query_row(
                        "SELECT id, password_hash FROM users
                         WHERE email = ?1 AND removed_at IS NULL",
                        [email],
                        |r| Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?)),
                    )
                    .optional()?)
            })
            .await?
    };
    let cost = state.config.password_cost;
    let password = req.password;
    let (user_id, ok) = tokio::task::spawn_blocking(move || match found {
        Some((id, hash)) => (Some(id), verify_password(&password, &hash)),
        None => {
            let _ = verify_password(&password, &dummy_hash(cost));
            (None, false)
        }
    })
    .await
    .map_err(ApiError::internal)?;
    let user_id = match (user_id, ok) {
        (Some(id), true) => id,
        _ => {
            state.throttle.fail(&email, peer.ip());
            return Err(ApiError::unauthorized("wrong e-mail address or password"));
        }
    };
    state.throttle.succeed(&email);
    let st = state.clone();
    let tokens = state
        .store
        .write(move |conn| new_session(conn, &st, user_id, None))
        .await?;
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
    let st = state.clone();
    let tokens = state
        .store
        .write(move |conn| {
            let now = to_millis(Utc::now());
            let found = conn
                .query_row(
                    "SELECT s.id, s.user_id FROM sessions s JOIN users u ON u.id = s.user_id
                     WHERE s.refresh_hash = ?1 AND s.revoked_at IS NULL
                       AND s.refresh_expires > ?2 AND u.removed_at IS NULL",
                    params![hash, now],
                    |r| Ok((r.get::<_, i64>(0)?, r.get::<_, i64>(1)?)),
                )
                .optional()?;
            let (session, user) = found.ok_or_else(|| {
                ApiError::unauthorized(
                    "the refresh token is invalid, used, expired or revoked; log in again",
                )
            })?;
            new_session(conn, &st, user, Some(session)).map(|t| (t, session))
        })
        .await?;
    let (tokens, session) = tokens;
    state.sessions.forget_session(session);
    Ok(Json(tokens))
}

/// `POST /auth/logout`
#[utoipa::path(post, path = "/api/v1/auth/logout", tag = "auth", request_body = LogoutRequest,
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
    let session_id = caller.session_id;
    let other = state
        .store
        .write(move |conn| {
            let now = to_millis(Utc::now());
            conn.execute(
                "UPDATE sessions SET revoked_at = ?1 WHERE id = ?2 AND revoked_at IS NULL",
                params![now, caller.session_id],
            )?;
            let mut other = None;
            if let Some(hash) = refresh {
                other = conn
                    .query_row(
                        "UPDATE sessions SET revoked_at = ?1
                         WHERE refresh_hash = ?2 AND user_id = ?3 AND revoked_at IS NULL
                         RETURNING id",
                        params![now, hash, caller.user_id],
                        |r| r.get::<_, i64>(0),
                    )
                    .optional()?;
            }
            Ok(other)
        })
        .await?;
    state.sessions.forget_session(session_id);
    if let Some(other) = other {
        state.sessions.forget_session(other);
    }
    Ok(axum::http::StatusCode::NO_CONTENT)
}

/// Revokes every session of a user (used when a contact is removed).
pub fn revoke_all(conn: &Connection, user_id: i64) -> ApiResult<()> {
    conn.execute(
        "UPDATE sessions SET revoked_at = ?1 WHERE user_id = ?2 AND revoked_at IS NULL",
        params![to_millis(Utc::now()), user_id],
    )?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn passwords_verify_with_their_own_parameters() {
        let fast =
            hash_password("correct horse battery", PasswordCost::InsecureFastForTests).unwrap();
        assert!(fast.starts_with("$argon2id$"));
        assert!(verify_password("correct horse battery", &fast));
        assert!(!verify_password("correct horse battery!", &fast));
        assert!(!verify_password("x", "not a hash"));
    }

    #[test]
    fn tokens_are_long_random_and_stored_hashed() {
        let a = random_token(32).unwrap();
        assert_eq!(a.len(), 43);
        assert_ne!(a, random_token(32).unwrap());
        assert_eq!(token_hash(&a).len(), 32);
    }

    #[test]
    fn the_throttle_counts_accounts_and_addresses_separately() {
        let t = Throttle::new(ThrottleConfig {
            per_account: 2,
            per_address: 3,
            window: Duration::from_secs(60),
        });
        let ip: IpAddr = [10, 0, 0, 1].into();
        let other: IpAddr = [10, 0, 0, 2].into();
        t.fail("A@x.example", ip);
        assert_eq!(t.check("a@x.example", other), None);
        t.fail("a@x.example", ip);
        assert!(t.check("a@x.example", other).is_some_and(|s| s <= 60));
        assert_eq!(t.check("b@x.example", ip), None);
        t.fail("b@x.example", ip);
        assert!(t.check("c@x.example", ip).is_some());
        assert_eq!(t.check("c@x.example", other), None);
    }
}
