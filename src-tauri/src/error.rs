//! The one error type that crosses the Tauri boundary.
//!
//! The webview only ever sees `{ "code": "...", "message": "..." }`: a stable snake_case code the
//! UI maps to localised text, and an English message for detail. It is the desk layer's error
//! ([`casewatch_client::desk::DeskError`]) under the app's name: the commands call the desk, so
//! the codes the UI sees are exactly the ones the CLI's `--json` output and the server's
//! problem+json bodies carry, with no conversion in between that could drift. (Its conversions
//! are tested with the desk; `commands` tests that a refusal crosses as `{code, message}`.)

pub use casewatch_client::desk::DeskError as AppError;
