//! Start at login: whether it is on, and the one-time question after the first sign-in.

use serde::{Deserialize, Serialize};
use tauri::{AppHandle, State};

use crate::autostart;
use crate::error::AppError;
use crate::state::AppState;

/// `AutostartStatus` of the contract.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct AutostartStatus {
    /// The app starts at login (read from the system: the autostart entry exists).
    pub enabled: bool,
    /// The user already answered "keep deadline alerts running after a restart?" (or changed
    /// the setting), so the question is not asked again.
    pub asked: bool,
}

fn status(app: &AppHandle, state: &AppState) -> Result<AutostartStatus, AppError> {
    Ok(AutostartStatus {
        enabled: autostart::is_enabled(app)?,
        asked: state.settings().autostart_asked,
    })
}

/// `autostart_get`.
#[tauri::command(rename_all = "snake_case")]
pub fn autostart_get(
    app: AppHandle,
    state: State<'_, AppState>,
) -> Result<AutostartStatus, AppError> {
    status(&app, &state)
}

/// `autostart_set`: turns start at login on or off; the question counts as answered.
#[tauri::command(rename_all = "snake_case")]
pub fn autostart_set(
    app: AppHandle,
    state: State<'_, AppState>,
    enabled: bool,
) -> Result<AutostartStatus, AppError> {
    autostart::set_enabled(&app, enabled)?;
    let mut settings = state.settings();
    if !settings.autostart_asked {
        settings.autostart_asked = true;
        state.store_settings(settings)?;
    }
    status(&app, &state)
}
