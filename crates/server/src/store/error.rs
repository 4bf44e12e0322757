//! The storage layer's own error type.
//!
//! Why its own type: a backend must be able to say "not found", "taken", "the database is
//! gone" or "this database is newer than the program" without knowing HTTP, and a handler must
//! be able to answer each of those without knowing SQLite or PostgreSQL. The mapping to
//! problem+json lives in `crate::error` (`impl From<StoreError> for ApiError`); internal
//! causes are logged there and never shown to a caller.

/// Why a storage operation failed.
#[derive(Debug, Clone, thiserror::Error)]
pub enum StoreError {
    /// The thing does not exist, or is outside the caller's scope (the same answer either way).
    /// Carries what was looked for (`"case"`, `"attachment"`, …).
    #[error("{0} not found")]
    NotFound(&'static str),
    /// A unique value is taken or the state forbids the change; the text is safe to show.
    #[error("conflict: {0}")]
    Conflict(String),
    /// An `Idempotency-Key` was reused with a different request body.
    #[error("the idempotency key was used with a different request")]
    IdempotencyConflict,
    /// The request names something that cannot be used (e.g. an attachment of another case);
    /// the text is safe to show.
    #[error("invalid: {0}")]
    Invalid(String),
    /// The database cannot be reached (connection refused, pool exhausted by a dead server,
    /// writer stopped). Answered with 503 `database_unavailable`; the text is for the log only.
    #[error("database unavailable: {0}")]
    Unavailable(String),
    /// The database was written by a newer program: `found` schema version, this program
    /// supports up to `supported`. The server refuses to start rather than damage it.
    #[error(
        "the database schema is version {found}, newer than this program supports \
         ({supported}); run a newer casewatch, or restore a backup made for this version"
    )]
    SchemaTooNew {
        /// The version recorded in the database.
        found: i64,
        /// The newest version this program knows.
        supported: i64,
    },
    /// Anything else (a driver error, corrupt stored data); logged, never shown.
    #[error("storage failure: {0}")]
    Internal(String),
}

impl StoreError {
    /// An internal failure from any displayable cause.
    pub fn internal(cause: impl std::fmt::Display) -> StoreError {
        StoreError::Internal(cause.to_string())
    }
}

/// Shorthand for storage results.
pub type StoreResult<T> = Result<T, StoreError>;
