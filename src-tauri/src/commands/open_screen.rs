//! The screen something outside the window asked for (a `casewatch://` link, a notification
//! click) before the UI was listening: `crate::links` keeps it until the UI takes it.

use tauri::State;

use crate::links::{OpenTarget, PendingTarget};

/// `open_pending`: the screen to show, once (none when nothing asked).
#[tauri::command(rename_all = "snake_case")]
pub fn open_pending(pending: State<'_, PendingTarget>) -> Option<OpenTarget> {
    pending.take()
}
