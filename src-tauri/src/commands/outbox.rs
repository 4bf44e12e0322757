//! The outbox from the app's side: filing a case or reply through it (the wizard and the case
//! view share [`queue`] and [`send`]), sending what waits now, and removing what the portal
//! refused.

use casewatch_client::drafts::DraftContent;
use casewatch_client::outbox::{Delivered, FlushReport, OutboxItem};
use casewatch_client::{Cache, ClientError};
use serde::Serialize;
use tauri::{AppHandle, Emitter, State};

use crate::background::CASES_CHANGED;
use crate::error::AppError;
use crate::state::{AppState, Engine};

/// Puts `content` in the outbox through a draft, so it carries the draft's idempotency key. A
/// refusal by the local rule check leaves nothing behind.
pub fn queue(cache: &Cache, content: DraftContent) -> Result<OutboxItem, AppError> {
    let draft = cache.create_draft(content)?;
    match cache.submit_draft(&draft.id) {
        Ok(item) => Ok(item),
        Err(e) => {
            cache.discard_draft(&draft.id)?;
            Err(e.into())
        }
    }
}

/// Sends the outbox now and records whether the portal could be reached.
async fn flush(state: &AppState, engine: &Engine) -> Result<(FlushReport, bool), AppError> {
    let report = engine.session.flush_outbox().await?;
    let offline = report
        .stopped_by
        .as_ref()
        .is_some_and(|e| ClientError::from_body(e).is_transient());
    state.set_offline(offline);
    Ok((report, offline))
}

/// Sends the outbox now and says what became of `item`: `Some` with what the portal created, or
/// `None` while it waits (offline). A refusal by the portal is returned as its error (`what`
/// names the item in the fallback message); the item stays in the outbox as failed.
pub async fn send(
    state: &AppState,
    engine: &Engine,
    item: &OutboxItem,
    what: &str,
) -> Result<Option<Delivered>, AppError> {
    let (report, _) = flush(state, engine).await?;
    if let Some(failed) = report.failed.iter().find(|i| i.id == item.id) {
        return Err(failed.last_error.clone().map_or_else(
            || AppError::internal(format!("the portal refused the {what}")),
            |e| AppError::new(e.code, e.message),
        ));
    }
    state.wake.notify_one();
    Ok(report
        .delivered
        .iter()
        .find(|i| i.id == item.id)
        .and_then(|i| i.delivered))
}

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
    let (report, offline) = flush(&state, &engine).await?;
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
