//! Who is calling: the [`Caller`] of a request, and the cache of verified access tokens.
//!
//! On SQLite, verified access tokens are remembered in memory for at most
//! [`SESSION_CACHE_SECONDS`], so most requests need no session lookup: a SQLite data directory
//! is served by one server process, and logout, refresh and contact removal in that process
//! forget entries at once (admin commands never revoke sessions). On PostgreSQL several
//! instances share the sessions and a logout on one must end the token on all at once, so
//! there the cache is off and every request checks its session in the database (one indexed
//! read).
//!
//! The extractor that builds a [`Caller`] from the `Authorization` header is in `crate::auth`.

use crate::error::{ApiError, ApiResult};
use casewatch_api::Role;
use std::collections::HashMap;
use std::sync::Mutex;

/// How long a verified access token is trusted without asking the store again, where the
/// cache is on (see the module docs).
pub const SESSION_CACHE_SECONDS: i64 = 30;

/// Verified access tokens (by hash), so that most requests need no session lookup; off when
/// several instances share the sessions.
pub struct SessionCache {
    entries: Mutex<HashMap<Vec<u8>, (Caller, i64)>>,
    enabled: bool,
}

impl SessionCache {
    /// A cache; `enabled` only when this process is the only one serving the sessions.
    pub fn new(enabled: bool) -> SessionCache {
        SessionCache {
            entries: Mutex::new(HashMap::new()),
            enabled,
        }
    }

    /// The caller of a cached token, unless expired (`now` and expiry in epoch milliseconds).
    pub fn get(&self, hash: &[u8], now: i64) -> Option<Caller> {
        if !self.enabled {
            return None;
        }
        let map = self.entries.lock().ok()?;
        map.get(hash)
            .filter(|(_, until)| *until > now)
            .map(|(c, _)| c.clone())
    }

    /// Remembers a verified token until `until` (epoch milliseconds).
    pub fn put(&self, hash: Vec<u8>, caller: Caller, until: i64, now: i64) {
        if !self.enabled {
            return;
        }
        if let Ok(mut map) = self.entries.lock() {
            if map.len() >= 50_000 {
                map.retain(|_, (_, u)| *u > now);
                if map.len() >= 50_000 {
                    map.clear();
                }
            }
            map.insert(hash, (caller, until));
        }
    }

    /// Forgets the tokens of a session (logout, refresh).
    pub fn forget_session(&self, session_id: i64) {
        if let Ok(mut map) = self.entries.lock() {
            map.retain(|_, (c, _)| c.session_id != session_id);
        }
    }

    /// Forgets every token of a user (removal).
    pub fn forget_user(&self, user_id: i64) {
        if let Ok(mut map) = self.entries.lock() {
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
