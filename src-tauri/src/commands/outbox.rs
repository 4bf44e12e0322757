//! Filing a case from the wizard, sending what waits in the outbox now, and removing what the
//! portal refused (`desk::filing`).

use casewatch_api::{NewCase, Window};
use casewatch_client::desk::filing::{FilingOutcome, FilingRequest, SendReport};
use tauri::{AppHandle, Emitter, State};

use crate::background::CASES_CHANGED;
use crate::error::AppError;
use crate::state::AppState;

/// `outbox_submit_case`: checks the rules with the core, then files the case through the
/// outbox (sent now with its idempotency key, or queued while offline).
#[tauri::command(rename_all = "snake_case")]
pub async fn outbox_submit_case(
    state: State<'_, AppState>,
    case: NewCase,
    attachment_ids: Vec<String>,
    callback_windows: Vec<Window>,
) -> Result<FilingOutcome, AppError> {
    let desk = state.desk().await?;
    // The wizard files its own draft: its idempotency key, and only it leaves the drafts.
    let request = FilingRequest {
        case,
        attachment_ids,
        callback_windows,
        draft_id: desk.wizard_draft_id()?,
    };
    desk.file_case(request).await
}

/// `outbox_send_now`: sends every waiting item at once instead of at the next refresh.
#[tauri::command(rename_all = "snake_case")]
pub async fn outbox_send_now(
    app: AppHandle,
    state: State<'_, AppState>,
) -> Result<SendReport, AppError> {
    let report = state.desk().await?.outbox_send_now().await?;
    if report.sent > 0 || report.failed > 0 {
        // The list reloads now; the refresher fetches the new cases and announces them.
        let _ = app.emit(CASES_CHANGED, ());
    }
    Ok(report)
}

/// `outbox_discard`: removes a new case or reply the portal refused.
#[tauri::command(rename_all = "snake_case")]
pub async fn outbox_discard(state: State<'_, AppState>, outbox_id: String) -> Result<(), AppError> {
    state.desk().await?.outbox_discard(&outbox_id)
}
