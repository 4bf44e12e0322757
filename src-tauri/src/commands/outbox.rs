//! The outbox as the home screen shows it: sending what waits now, and removing what the portal
//! refused.

use casewatch_client::ClientError;
use serde::Serialize;
use tauri::{AppHandle, Emitter, State};

use crate::background::CASES_CHANGED;
use crate::error::AppError;
use crate::state::AppState;

/// `outbox_send_now` answer.
#[derive(Debug, Clone, Serialize)]
pub struct SendReport {
    /// Items the portal acknowledged in this attempt.
    pub sent: usize,
    /// Items the portal refused in this attempt (they stay, marked failed).
    pub failed: usize,
    /// Items still waiting.
    pub pending: usize,
    /// The portal could not be reached.
    pub offline: bool,
}

/// `outbox_send_now`: sends every waiting item at once instead of at the next refresh.
#[tauri::command(rename_all = "snake_case")]
pub async fn outbox_send_now(
    app: AppHandle,
    state: State<'_, AppState>,
) -> Result<SendReport, AppError> {
    let engine = state.engine().await?;
    let report = engine.session.flush_outbox().await?;
    let offline = report
        .stopped_by
        .as_ref()
        .is_some_and(|e| ClientError::from_body(e).is_transient());
    state.set_offline(offline);
    if !report.delivered.is_empty() || !report.failed.is_empty() {
        // The refresher fetches the new cases and announces them; the list reloads meanwhile.
        state.wake.notify_one();
        let _ = app.emit(CASES_CHANGED, ());
    }
    Ok(SendReport {
        sent: report.delivered.len(),
        failed: report.failed.len(),
        pending: report.pending,
        offline,
    })
}

/// `outbox_discard`: removes a new case or reply the portal refused.
#[tauri::command(rename_all = "snake_case")]
pub async fn outbox_discard(state: State<'_, AppState>, outbox_id: String) -> Result<(), AppError> {
    let id: i64 = outbox_id
        .parse()
        .map_err(|_| AppError::invalid(format!("{outbox_id:?} is not an outbox id")))?;
    let engine = state.engine().await?;
    if engine.session.cache.discard_failed(id)? {
        Ok(())
    } else {
        Err(AppError::new(
            "not_found",
            format!("outbox item {id} is not a refused item (only those can be removed)"),
        ))
    }
}
