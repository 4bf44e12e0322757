//! The server's one error type and its `application/problem+json` rendering.
//!
//! Every refusal leaves the server as a [`casewatch_api::Problem`] with a stable snake_case
//! `code`. Rule refusals keep `casewatch-core`'s codes (`severity_not_allowed`, …) so the app,
//! the CLI and the server speak the same language; HTTP-level refusals add their own
//! (`unauthorized`, `not_found`, `rate_limited`, …). Internal failures are logged and answered
//! with a generic 500 that reveals nothing about the database.

use crate::store::StoreError;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use casewatch_api::{Problem, PROBLEM_JSON};
use casewatch_core::{CoreError, ErrorCode};

/// A refusal or failure, ready to be answered as problem+json.
#[derive(Debug, Clone, thiserror::Error)]
#[error("{code}: {detail}")]
pub struct ApiError {
    /// HTTP status.
    pub status: StatusCode,
    /// Stable machine code.
    pub code: &'static str,
    /// Human explanation.
    pub detail: String,
    /// Seconds to wait before retrying (429).
    pub retry_after: Option<u64>,
}

impl ApiError {
    /// Builds an error.
    pub fn new(status: StatusCode, code: &'static str, detail: impl Into<String>) -> ApiError {
        ApiError {
            status,
            code,
            detail: detail.into(),
            retry_after: None,
        }
    }

    /// 400 `invalid_argument`.
    pub fn invalid(detail: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::BAD_REQUEST, "invalid_argument", detail)
    }

    /// 401 `unauthorized`.
    pub fn unauthorized(detail: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::UNAUTHORIZED, "unauthorized", detail)
    }

    /// 403 `forbidden`.
    pub fn forbidden(detail: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::FORBIDDEN, "forbidden", detail)
    }

    /// 404 `not_found`; the same answer whether the thing does not exist or belongs to
    /// another organisation.
    pub fn not_found(what: &str) -> ApiError {
        ApiError::new(
            StatusCode::NOT_FOUND,
            "not_found",
            format!("{what} not found"),
        )
    }

    /// The same refusal, code and message kept, answered 422 instead of 400: for a request
    /// that is well-formed by the API description but refused by a product rule the description
    /// cannot state (one that relates two fields, or depends on the clock or on stored rows —
    /// a callback window in the past, an unknown engineer). A 400 means "malformed by the
    /// description", so the description stays exact; clients key on the code, not the status.
    pub fn unprocessable(self) -> ApiError {
        if self.status == StatusCode::BAD_REQUEST {
            ApiError {
                status: StatusCode::UNPROCESSABLE_ENTITY,
                ..self
            }
        } else {
            self
        }
    }

    /// 409 `conflict`.
    pub fn conflict(detail: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::CONFLICT, "conflict", detail)
    }

    /// 413 `payload_too_large`.
    pub fn too_large(detail: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large", detail)
    }

    /// 500 `internal`: logs the cause, reveals nothing.
    pub fn internal(cause: impl std::fmt::Display) -> ApiError {
        tracing::error!(%cause, "internal error");
        ApiError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal",
            "the server could not complete the request; try again later",
        )
    }

    /// 503 `database_unavailable`: the database cannot be reached right now; the cause is
    /// logged by the caller, never shown.
    pub fn unavailable() -> ApiError {
        ApiError {
            retry_after: Some(1),
            ..ApiError::new(
                StatusCode::SERVICE_UNAVAILABLE,
                "database_unavailable",
                "the support centre's database is unavailable; try again shortly",
            )
        }
    }

    /// 429 `rate_limited` with `Retry-After`.
    pub fn rate_limited(retry_after: u64, detail: impl Into<String>) -> ApiError {
        ApiError {
            retry_after: Some(retry_after.max(1)),
            ..ApiError::new(StatusCode::TOO_MANY_REQUESTS, "rate_limited", detail)
        }
    }

    /// The problem+json body.
    pub fn problem(&self) -> Problem {
        Problem {
            kind: Problem::type_uri(self.code),
            title: self
                .status
                .canonical_reason()
                .unwrap_or("Error")
                .to_string(),
            status: self.status.as_u16(),
            detail: self.detail.clone(),
            code: self.code.to_string(),
        }
    }
}

impl From<CoreError> for ApiError {
    fn from(e: CoreError) -> Self {
        let status = match e.code {
            ErrorCode::InvalidArgument => StatusCode::BAD_REQUEST,
            ErrorCode::SeverityNotAllowed
            | ErrorCode::SeverityRequiresProduction
            | ErrorCode::NotSupported
            | ErrorCode::CallbackNotIncluded => StatusCode::UNPROCESSABLE_ENTITY,
            // The server reads contracts from its own store; a caller without one cannot act.
            ErrorCode::NoContract => StatusCode::FORBIDDEN,
        };
        ApiError::new(status, e.code.as_str(), e.message)
    }
}

impl From<StoreError> for ApiError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NotFound(what) => ApiError::not_found(what),
            StoreError::Conflict(detail) => ApiError::conflict(detail),
            StoreError::IdempotencyConflict => ApiError::new(
                StatusCode::CONFLICT,
                "idempotency_conflict",
                "this Idempotency-Key was already used with a different request body; \
                 use a new key for a new request",
            ),
            StoreError::Invalid(detail) => ApiError::invalid(detail),
            StoreError::Unavailable(cause) => {
                tracing::error!(%cause, "database unavailable");
                ApiError::unavailable()
            }
            e @ (StoreError::SchemaTooNew { .. } | StoreError::Internal(_)) => {
                ApiError::internal(e)
            }
        }
    }
}

impl From<rusqlite::Error> for ApiError {
    fn from(e: rusqlite::Error) -> Self {
        ApiError::internal(format!("sqlite: {e}"))
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = serde_json::to_vec(&self.problem()).unwrap_or_default();
        let mut response = (self.status, body).into_response();
        let headers = response.headers_mut();
        headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(PROBLEM_JSON));
        if let Some(seconds) = self.retry_after {
            headers.insert(header::RETRY_AFTER, HeaderValue::from(seconds));
        }
        if self.status == StatusCode::UNAUTHORIZED {
            headers.insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
        }
        response
    }
}

/// Shorthand for handler results.
pub type ApiResult<T> = Result<T, ApiError>;
