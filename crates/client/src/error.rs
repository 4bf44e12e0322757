//! The client's one error type.
//!
//! The desktop UI and the CLI both key on a stable snake_case `code` (DESIGN.md: same codes in
//! the server's problem bodies, the CLI's `--json` output and the app's command errors), so every
//! failure below the UI — network, keyring, SQLite, index, a refusal by the server or by the
//! core's rules — is folded into one enum that knows its code.

use casewatch_core::CoreError;
use serde::Serialize;

/// Result alias of the crate.
pub type Result<T, E = ClientError> = std::result::Result<T, E>;

/// Everything that can go wrong below the UI.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ClientError {
    /// The server cannot be reached (connection refused or reset, DNS, no network).
    #[error("{0}")]
    Offline(String),
    /// The server did not answer in time.
    #[error("{0}")]
    Timeout(String),
    /// The server refused the credentials (wrong password, or the session ended).
    #[error("{0}")]
    Unauthorized(String),
    /// No refresh token is stored for this profile: sign in first.
    #[error("{0}")]
    NotSignedIn(String),
    /// The server answered with an error; `code` is the server's problem `code`.
    #[error("{message}")]
    Refused {
        /// HTTP status.
        status: u16,
        /// The server's stable code, passed through (e.g. `severity_not_allowed`).
        code: String,
        /// The server's explanation.
        message: String,
    },
    /// The core's rules refuse the input before anything is sent (same code as the server).
    #[error("{0}")]
    Rejected(CoreError),
    /// The input is malformed.
    #[error("{0}")]
    Invalid(String),
    /// A local object (draft, cached case, outbox entry) does not exist.
    #[error("{0}")]
    NotFound(String),
    /// The server's answer could not be understood.
    #[error("{0}")]
    Protocol(String),
    /// The OS keyring failed.
    #[error("{0}")]
    Secrets(String),
    /// The local database failed.
    #[error("{0}")]
    Storage(String),
    /// The knowledge-base index failed.
    #[error("{0}")]
    Index(String),
}

/// The serialisable `{code, message}` form of an error.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ErrorBody {
    /// Stable machine code.
    pub code: String,
    /// For people.
    pub message: String,
}

impl ClientError {
    /// The stable machine code.
    pub fn code(&self) -> &str {
        match self {
            ClientError::Offline(_) => "offline",
            ClientError::Timeout(_) => "timeout",
            ClientError::Unauthorized(_) => "unauthorized",
            ClientError::NotSignedIn(_) => "not_signed_in",
            ClientError::Refused { code, .. } => code,
            ClientError::Rejected(e) => e.code.as_str(),
            ClientError::Invalid(_) => "invalid_argument",
            ClientError::NotFound(_) => "not_found",
            ClientError::Protocol(_) => "protocol",
            ClientError::Secrets(_) => "keyring",
            ClientError::Storage(_) => "storage",
            ClientError::Index(_) => "kb_index",
        }
    }

    /// The error's family: `refused` for the server's refusals (whose [`code`](Self::code) is the
    /// server's), else the code itself.
    pub fn kind(&self) -> &str {
        match self {
            ClientError::Refused { .. } => "refused",
            other => other.code(),
        }
    }

    /// True when the failure is about reaching the server (worth retrying later).
    pub fn is_transient(&self) -> bool {
        match self {
            ClientError::Offline(_) | ClientError::Timeout(_) => true,
            ClientError::Refused { status, .. } => {
                matches!(status, 408 | 429 | 500 | 502 | 503 | 504)
            }
            _ => false,
        }
    }

    /// Rebuilds an error from its `{code, message}` form (e.g. an outbox item's last error):
    /// the client's own codes map back to their variants, anything else is a refusal.
    pub fn from_body(body: &ErrorBody) -> ClientError {
        let m = body.message.clone();
        match body.code.as_str() {
            "offline" => ClientError::Offline(m),
            "timeout" => ClientError::Timeout(m),
            "unauthorized" => ClientError::Unauthorized(m),
            "not_signed_in" => ClientError::NotSignedIn(m),
            "invalid_argument" => ClientError::Invalid(m),
            "not_found" => ClientError::NotFound(m),
            "protocol" => ClientError::Protocol(m),
            "keyring" => ClientError::Secrets(m),
            "storage" => ClientError::Storage(m),
            "kb_index" => ClientError::Index(m),
            code => ClientError::Refused {
                status: 0,
                code: code.to_string(),
                message: m,
            },
        }
    }

    /// `{code, message}`.
    pub fn body(&self) -> ErrorBody {
        ErrorBody {
            code: self.code().to_string(),
            message: self.to_string(),
        }
    }
}

impl From<CoreError> for ClientError {
    fn from(e: CoreError) -> Self {
        ClientError::Rejected(e)
    }
}

impl From<rusqlite::Error> for ClientError {
    fn from(e: rusqlite::Error) -> Self {
        ClientError::Storage(format!("local database: {e}"))
    }
}

impl From<casewatch_kb::KbError> for ClientError {
    fn from(e: casewatch_kb::KbError) -> Self {
        ClientError::Index(format!("knowledge-base index: {e}"))
    }
}

impl From<serde_json::Error> for ClientError {
    fn from(e: serde_json::Error) -> Self {
        ClientError::Storage(format!("cannot decode stored data: {e}"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refusals_pass_the_server_code_through() {
        let e = ClientError::Refused {
            status: 422,
            code: "severity_not_allowed".into(),
            message: "no".into(),
        };
        assert_eq!(e.code(), "severity_not_allowed");
        assert_eq!(e.kind(), "refused");
        assert_eq!(ClientError::Offline("x".into()).kind(), "offline");
        assert!(ClientError::Timeout("t".into()).is_transient());
        assert!(!ClientError::Unauthorized("u".into()).is_transient());
        for e in [
            ClientError::Offline("o".into()),
            ClientError::NotSignedIn("n".into()),
            e.clone(),
        ] {
            let back = ClientError::from_body(&e.body());
            assert_eq!((back.code(), back.to_string()), (e.code(), e.to_string()));
        }
    }
}
