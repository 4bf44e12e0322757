//! The one error type of the domain.
//!
//! Every refusal carries a stable machine `code` (what scripts, the server's problem+json bodies
//! and the UI's translations key on) and a human `message` that says why and what to do instead.

use serde::Serialize;
use std::fmt;

/// Stable, snake_case error codes shared by the CLI, the server and the app.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    /// The contract's support level may not file this severity (SPEC §2).
    SeverityNotAllowed,
    /// Severity 1 means production is down, so it needs a production environment (SPEC §2).
    SeverityRequiresProduction,
    /// The deployment/subscription combination does not exist, or is no longer sold (SPEC §1).
    NotSupported,
    /// The contract has no phone support, so no callback can be requested (SPEC §7).
    CallbackNotIncluded,
    /// Malformed input: a bad zone, schedule, date, number or window, or a case form field
    /// that breaks the form rules (empty, too long, a control character).
    InvalidArgument,
    /// The signed-in account carries no usable support contract or business calendar, so
    /// nothing can be filed or timed against it.
    NoContract,
}

impl ErrorCode {
    /// The code as written on the wire.
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorCode::SeverityNotAllowed => "severity_not_allowed",
            ErrorCode::SeverityRequiresProduction => "severity_requires_production",
            ErrorCode::NotSupported => "not_supported",
            ErrorCode::CallbackNotIncluded => "callback_not_included",
            ErrorCode::InvalidArgument => "invalid_argument",
            ErrorCode::NoContract => "no_contract",
        }
    }
}

impl fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A refusal or validation failure: a stable code plus a message for people.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, thiserror::Error)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[error("{message}")]
pub struct CoreError {
    /// What went wrong, for machines.
    pub code: ErrorCode,
    /// Why, and what to pick instead, for people.
    pub message: String,
}

impl CoreError {
    /// Builds an error from a code and a message.
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        CoreError {
            code,
            message: message.into(),
        }
    }

    /// Shorthand for [`ErrorCode::InvalidArgument`].
    pub fn invalid(message: impl Into<String>) -> Self {
        CoreError::new(ErrorCode::InvalidArgument, message)
    }
}
