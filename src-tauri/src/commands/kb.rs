//! Knowledge-base search over the local index, articles, and the background sync's status
//! (`desk::kb`). The answers carry HTML for the webview (see [`super::kb_view`]).

use casewatch_client::desk::kb::{KbSearchRequest, KbSyncStatus};
use tauri::State;

pub use super::kb_view::{KbArticleView, KbHitView, KbSearchView};
use crate::error::AppError;
use crate::state::AppState;

/// `kb_search`: searches the local index (answers offline too).
#[tauri::command(rename_all = "snake_case")]
pub async fn kb_search(
    state: State<'_, AppState>,
    query: String,
    locale: Option<String>,
    known_issues_only: bool,
    limit: Option<usize>,
) -> Result<KbSearchView, AppError> {
    let request = KbSearchRequest {
        query,
        locale,
        known_issues_only,
        limit,
    };
    let result = state.desk().await?.kb_search(request).await?;
    Ok(KbSearchView {
        hits: result.hits.into_iter().map(KbHitView::from).collect(),
        offline: result.offline,
    })
}

/// `kb_article`: an article with its body rendered and sanitised. While the portal cannot be
/// reached, the local index's copy answers instead (plain text, marked `offline_copy`).
#[tauri::command(rename_all = "snake_case")]
pub async fn kb_article(state: State<'_, AppState>, id: String) -> Result<KbArticleView, AppError> {
    Ok(state.desk().await?.kb_article(&id).await?.into())
}

/// `kb_sync_status`: where the background sync stands.
#[tauri::command(rename_all = "snake_case")]
pub async fn kb_sync_status(state: State<'_, AppState>) -> Result<KbSyncStatus, AppError> {
    Ok(match state.current().await {
        Some(desk) => desk.kb_sync_status(),
        None => KbSyncStatus::idle(),
    })
}

/// `kb_sync_now`: starts a sync (unless one runs) and reports the status.
#[tauri::command(rename_all = "snake_case")]
pub async fn kb_sync_now(state: State<'_, AppState>) -> Result<KbSyncStatus, AppError> {
    state.desk().await?.kb_sync_start()
}
