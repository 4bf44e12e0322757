//! What every engine command shares: the runtime, the profile's home (directories and
//! keyring), opening the signed-in [`Desk`], and printing answers and errors — in one place,
//! so that every command finds the same profile and reports failures with the same codes and
//! exit status.
//!
//! The CLI holds no engine of its own: a command opens the same `casewatch_client::desk::Desk`
//! the app opens at start-up (session, local knowledge base, deadline watcher), calls one of
//! its use cases, and prints the answer.

use crate::output;
use casewatch_client::desk::{Desk, DeskError, DeskResult, Home};
use casewatch_client::{Dirs, KeyringStore, SecretStore};
use serde::Serialize;
use std::future::Future;
use std::process::ExitCode;
use std::sync::Arc;

/// Overrides the keyring service name (test isolation; defaults to `casewatch`).
pub const KEYRING_SERVICE_ENV: &str = "CASEWATCH_KEYRING_SERVICE";

/// The result of a command body.
pub type Outcome<T> = DeskResult<T>;

/// Runs an async command body on a fresh single-threaded runtime: a command is one short
/// conversation with the portal, and `watch` sleeps between its refreshes.
pub fn block_on<T>(future: impl Future<Output = Outcome<T>>) -> Outcome<T> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| DeskError::internal(format!("cannot start the async runtime: {e}")))?
        .block_on(future)
}

/// Where profiles live: the user's XDG directories and the OS keyring.
pub fn home() -> Outcome<Home> {
    let secrets: Arc<dyn SecretStore> = match std::env::var(KEYRING_SERVICE_ENV) {
        Ok(service) if !service.is_empty() => Arc::new(KeyringStore::with_service(service)),
        _ => Arc::new(KeyringStore::new()),
    };
    Ok(Home::new(Dirs::from_env()?, secrets))
}

/// The desk of the profile signed in last (no network), or `not_signed_in`; a keyring or
/// profile that cannot be read is reported with its own code (`keyring`, `storage`).
pub async fn open() -> Outcome<Desk> {
    Desk::restore(&home()?).await?.ok_or_else(|| {
        DeskError::new(
            "not_signed_in",
            "not signed in; run `casewatch login` first",
        )
    })
}

/// Opens the signed-in desk and runs `body` with it on a fresh runtime.
pub fn with_desk<T>(body: impl AsyncFnOnce(&Desk) -> Outcome<T>) -> Outcome<T> {
    block_on(async {
        let desk = open().await?;
        body(&desk).await
    })
}

/// Prints an error: `{"error":{code,message}}` on stdout with `--json`, else a sentence on
/// stderr; always exit status 2.
pub fn fail(json: bool, error: &DeskError) -> ExitCode {
    if json {
        output::json_line(&serde_json::json!({ "error": error }));
    } else {
        output::stderr_line(format_args!(
            "casewatch: {} ({})",
            error.message, error.code
        ));
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
