//! What every engine command shares: the runtime, the directories, the keyring, opening the
//! current profile, and printing answers and errors — in one place, so that every command
//! finds the same profile and reports failures with the same codes and exit status.

use crate::output;
use casewatch_client::{ClientError, Dirs, KeyringStore, SecretStore, Session};
use serde::Serialize;
use std::future::Future;
use std::process::ExitCode;
use std::sync::Arc;

/// Overrides the keyring service name (test isolation; defaults to `casewatch`).
pub const KEYRING_SERVICE_ENV: &str = "CASEWATCH_KEYRING_SERVICE";

/// The result of a command body.
pub type Outcome<T> = Result<T, ClientError>;

/// Runs an async command body on a fresh single-threaded runtime.
pub fn block_on<T>(future: impl Future<Output = Outcome<T>>) -> Outcome<T> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| ClientError::Storage(format!("cannot start the async runtime: {e}")))?
        .block_on(future)
}

/// The OS keyring.
pub fn secrets() -> Arc<dyn SecretStore> {
    match std::env::var(KEYRING_SERVICE_ENV) {
        Ok(service) if !service.is_empty() => Arc::new(KeyringStore::with_service(service)),
        _ => Arc::new(KeyringStore::new()),
    }
}

/// The user's XDG directories.
pub fn dirs() -> Outcome<Dirs> {
    Dirs::from_env()
}

/// The profile signed in last.
pub fn current_session() -> Outcome<Session> {
    Session::current(&dirs()?, secrets())
}

/// Prints an error the way `output::refuse` does, with the client's string codes.
pub fn fail(json: bool, error: &ClientError) -> ExitCode {
    if let ClientError::Rejected(core) = error {
        return output::refuse(json, core);
    }
    if json {
        let body = serde_json::json!({ "error": error.body() });
        println!("{body}");
    } else {
        eprintln!("casewatch: {} ({})", error, error.code());
    }
    ExitCode::from(output::REFUSED)
}

/// Prints an outcome: the answer, or the error.
pub fn finish<T: Serialize>(
    json: bool,
    outcome: Outcome<T>,
    human: impl FnOnce(&T) -> String,
) -> ExitCode {
    match outcome {
        Ok(value) => output::answer(json, &value, || human(&value)),
        Err(e) => fail(json, &e),
    }
}
