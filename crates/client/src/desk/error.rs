//! The desk's one error shape: a stable snake_case `code` and an English `message`.
//!
//! Both shells print or show errors as `{code, message}` (the app's command errors, the CLI's
//! `--json` output), and some of the desk's answers have codes of their own that no lower
//! layer knows (`invalid_credentials`, `portal_unreachable`, `demo_unavailable`). Folding every
//! failure into this one struct keeps those codes in one place; the client's and the core's
//! codes pass through unchanged, so the shells still agree with the server.

use casewatch_core::CoreError;
use serde::Serialize;

use crate::error::{ClientError, ErrorBody};

/// Result alias of the desk layer.
pub type DeskResult<T> = std::result::Result<T, DeskError>;

/// An error of a desk operation, serialised as `{code, message}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct DeskError {
    /// Stable machine-readable code in snake_case, e.g. `severity_not_allowed`.
    pub code: String,
    /// Human-readable explanation (English), saying why and what to do instead.
    pub message: String,
}

impl DeskError {
    /// An error from a code and a message.
    pub fn new(code: impl Into<String>, message: impl Into<String>) -> DeskError {
        DeskError {
            code: code.into(),
            message: message.into(),
        }
    }

    /// `not_signed_in`: the operation needs a session and there is none.
    pub fn not_signed_in() -> DeskError {
        DeskError::new(
            "not_signed_in",
            "not signed in; sign in or start the demo first",
        )
    }

    /// `invalid_argument` with `message`.
    pub fn invalid(message: impl Into<String>) -> DeskError {
        DeskError::new("invalid_argument", message)
    }

    /// `storage`: a local file could not be read or written.
    pub fn storage(message: impl Into<String>) -> DeskError {
        DeskError::new("storage", message)
    }

    /// An unexpected internal failure (a background task died).
    pub fn internal(message: impl std::fmt::Display) -> DeskError {
        DeskError::new("internal", message.to_string())
    }

    /// True when the failure is about reaching the portal (worth trying again later).
    pub fn is_transient(&self) -> bool {
        matches!(self.code.as_str(), "offline" | "timeout")
    }
}

impl std::fmt::Display for DeskError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.code, self.message)
    }
}

impl std::error::Error for DeskError {}

impl From<ClientError> for DeskError {
    fn from(err: ClientError) -> Self {
        DeskError::new(err.code(), err.to_string())
    }
}

impl From<CoreError> for DeskError {
    fn from(err: CoreError) -> Self {
        // The core's wire code verbatim: the shells can never drift from the server.
        DeskError::new(err.code.as_str(), err.message)
    }
}

impl From<ErrorBody> for DeskError {
    fn from(body: ErrorBody) -> Self {
        DeskError::new(body.code, body.message)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lower_layers_codes_pass_through() {
        let offline: DeskError = ClientError::Offline("no route".into()).into();
        assert_eq!(offline.code, "offline");
        assert!(offline.is_transient());
        let refused: DeskError = ClientError::Refused {
            status: 422,
            code: "severity_requires_production".into(),
            message: "severity 1 means production is down".into(),
        }
        .into();
        assert_eq!(refused.code, "severity_requires_production");
        assert_eq!(refused.message, "severity 1 means production is down");
        assert!(!refused.is_transient());
    }
}
