//! The one error type that crosses the Tauri boundary.
//!
//! The webview only ever sees `{ "code": "...", "message": "..." }`: a stable snake_case code the
//! UI maps to localised text, and an English message for detail. Keeping a single shape means the
//! UI needs one error renderer for every command, and the codes match those of the CLI's `--json`
//! output and the server's problem+json bodies.

use casewatch_client::desk::DeskError;
use casewatch_client::ClientError;
use casewatch_core::CoreError;
use serde::Serialize;

/// Error returned by every app command, serialised as `{code, message}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct AppError {
    /// Stable machine-readable code in snake_case, e.g. `severity_not_allowed`.
    pub code: String,
    /// Human-readable explanation (English), saying why and what to do instead.
    pub message: String,
}

impl AppError {
    /// Builds an error from a code and a message.
    pub fn new(code: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            code: code.into(),
            message: message.into(),
        }
    }
}

impl std::fmt::Display for AppError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.code, self.message)
    }
}

impl std::error::Error for AppError {}

impl From<CoreError> for AppError {
    fn from(err: CoreError) -> Self {
        // Reuse the core's wire code verbatim so the app can never drift from the CLI and the
        // server.
        Self {
            code: err.code.as_str().to_owned(),
            message: err.message,
        }
    }
}

impl From<ClientError> for AppError {
    fn from(err: ClientError) -> Self {
        // casewatch-client's codes are part of the contract (docs/app-commands.md), and the
        // server's refusals already carry the server's code: pass both through unchanged.
        Self {
            code: err.code().to_owned(),
            message: err.to_string(),
        }
    }
}

impl From<DeskError> for AppError {
    fn from(err: DeskError) -> Self {
        // The desk already speaks `{code, message}` with the lower layers' codes.
        Self {
            code: err.code,
            message: err.message,
        }
    }
}

impl AppError {
    /// `not_signed_in`: a command that needs a session was called without one.
    pub fn not_signed_in() -> Self {
        Self::new(
            "not_signed_in",
            "not signed in; sign in or start the demo first",
        )
    }

    /// `invalid_argument` with `message`.
    pub fn invalid(message: impl Into<String>) -> Self {
        Self::new("invalid_argument", message)
    }

    /// An unexpected internal failure (a background task died, a lock was poisoned).
    pub fn internal(message: impl std::fmt::Display) -> Self {
        Self::new("internal", message.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn client_codes_and_server_refusals_pass_through() {
        let offline: AppError = ClientError::Offline("no route".into()).into();
        assert_eq!(offline.code, "offline");
        let refused: AppError = ClientError::Refused {
            status: 422,
            code: "severity_requires_production".into(),
            message: "severity 1 means production is down".into(),
        }
        .into();
        assert_eq!(refused.code, "severity_requires_production");
        assert_eq!(refused.message, "severity 1 means production is down");
        assert_eq!(AppError::not_signed_in().code, "not_signed_in");
    }
}
