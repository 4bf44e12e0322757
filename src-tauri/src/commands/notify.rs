//! Quiet settings for alerts: "Do not disturb until …" and muting one case. They are the app's
//! settings (kept by the Rust side in `settings.json`); the rule that applies them — severity-1
//! deadlines always come — is the desk's (`casewatch_client::desk::alerts::Quiet`).

use casewatch_client::desk::alerts::Quiet;
use chrono::Utc;
use tauri::State;

use crate::error::AppError;
use crate::state::AppState;

/// The quiet settings as they hold now (a "do not disturb" that is over reads as none).
fn current(state: &AppState) -> Quiet {
    let mut quiet = state.settings().quiet;
    quiet.expire(Utc::now());
    quiet
}

fn store(state: &AppState, quiet: Quiet) -> Result<Quiet, AppError> {
    let mut settings = state.settings();
    settings.quiet = quiet;
    state.store_settings(settings)?;
    Ok(current(state))
}

/// `quiet_get`.
#[tauri::command(rename_all = "snake_case")]
pub fn quiet_get(state: State<'_, AppState>) -> Quiet {
    current(&state)
}

/// `quiet_set`: replaces the quiet settings ("do not disturb" in the past turns it off).
#[tauri::command(rename_all = "snake_case")]
pub fn quiet_set(state: State<'_, AppState>, quiet: Quiet) -> Result<Quiet, AppError> {
    if quiet.muted_cases.iter().any(|n| *n <= 0) {
        return Err(AppError::invalid(
            "a case number is a positive whole number",
        ));
    }
    let mut quiet = quiet;
    quiet.expire(Utc::now());
    store(&state, quiet)
}

/// `case_mute`: mutes or unmutes one case's alerts.
#[tauri::command(rename_all = "snake_case")]
pub fn case_mute(state: State<'_, AppState>, number: i64, muted: bool) -> Result<Quiet, AppError> {
    if number <= 0 {
        return Err(AppError::invalid(
            "a case number is a positive whole number",
        ));
    }
    let mut quiet = current(&state);
    if muted {
        quiet.muted_cases.insert(number);
    } else {
        quiet.muted_cases.remove(&number);
    }
    store(&state, quiet)
}
