//! Casewatch desktop app: the Tauri shell.
//!
//! This crate wires the webview to `casewatch-core` and does nothing else: commands are thin
//! wrappers (see [`commands`]), errors cross the boundary as one `{code, message}` shape (see
//! [`error`]), and the UI is the static `ui/` folder embedded in the binary at build time.

pub mod commands;
pub mod error;

pub use error::AppError;

/// Builds the Tauri application and runs it until the last window closes.
///
/// # Panics
///
/// Panics if the webview cannot be created (for example when there is no display).
pub fn run() {
    tauri::Builder::default()
        .invoke_handler(tauri::generate_handler![
            commands::sla_quote,
            commands::entitlements
        ])
        .run(tauri::generate_context!())
        .expect("error while running the Casewatch app");
}
