//! The case list, one case with its thread, replies, severity/status changes and callbacks
//! (`desk::thread`). The app's only addition is the comments' Markdown, rendered and
//! sanitised for the webview.

use casewatch_api::{Attachment, Callback, Case, CasePatch, Comment, Window};
use casewatch_client::desk::thread::{CaseList, Delivery, ThreadComment};
use chrono::{DateTime, Utc};
use serde::Serialize;
use tauri::State;

use crate::error::AppError;
use crate::html::markdown_to_html;
use crate::state::AppState;

/// A comment as the UI shows it: the wire comment, its sanitised HTML, and whether it still
/// waits in the outbox.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct CommentView {
    /// The comment.
    #[serde(flatten)]
    #[cfg_attr(feature = "ts", ts(flatten))]
    pub comment: Comment,
    /// The body rendered and sanitised.
    pub body_html: String,
    /// Not yet acknowledged by the portal.
    pub pending: bool,
}

impl From<ThreadComment> for CommentView {
    fn from(c: ThreadComment) -> CommentView {
        CommentView {
            body_html: markdown_to_html(&c.comment.body),
            comment: c.comment,
            pending: c.pending,
        }
    }
}

/// `case_get` answer.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct CaseView {
    /// The case.
    pub case: Case,
    /// Its thread, oldest first, replies still in the outbox last.
    pub comments: Vec<CommentView>,
    /// Its attachments.
    pub attachments: Vec<Attachment>,
    /// When the deadline was computed.
    pub as_of: DateTime<Utc>,
    /// Answered from the cache.
    pub offline: bool,
}

/// `case_reply` answer.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ReplyView {
    /// The outbox item's id.
    pub outbox_id: String,
    /// `sent` or `queued`.
    pub state: Delivery,
    /// The comment as the portal stored it (or as queued).
    pub comment: Option<CommentView>,
}

/// `cases_list`: the organisation's cases, refreshed from the portal when it answers.
#[tauri::command(rename_all = "snake_case")]
pub async fn cases_list(
    state: State<'_, AppState>,
    include_closed: bool,
) -> Result<CaseList, AppError> {
    state.desk().await?.cases(include_closed).await
}

/// `cases_cached`: the cached case list at once, without asking the portal (the home screen
/// shows it at start-up, then calls `cases_list`); `offline` says whether the portal was
/// unreachable at the last attempt.
#[tauri::command(rename_all = "snake_case")]
pub async fn cases_cached(
    state: State<'_, AppState>,
    include_closed: bool,
) -> Result<CaseList, AppError> {
    let desk = state.desk().await?;
    Ok(CaseList {
        offline: desk.is_offline(),
        ..desk.cached_cases(include_closed)?
    })
}

/// `case_get`: a case with its thread (sanitised HTML) and attachments.
#[tauri::command(rename_all = "snake_case")]
pub async fn case_get(state: State<'_, AppState>, number: i64) -> Result<CaseView, AppError> {
    let thread = state.desk().await?.case(number).await?;
    Ok(CaseView {
        case: thread.case,
        comments: thread.comments.into_iter().map(CommentView::from).collect(),
        attachments: thread.attachments,
        as_of: thread.as_of,
        offline: thread.offline,
    })
}

/// `case_reply`: a reply through the outbox (sent now, or queued while offline).
#[tauri::command(rename_all = "snake_case")]
pub async fn case_reply(
    state: State<'_, AppState>,
    number: i64,
    body: String,
    attachment_ids: Vec<String>,
) -> Result<ReplyView, AppError> {
    let desk = state.desk().await?;
    let outcome = desk.reply(number, &body, &attachment_ids).await?;
    Ok(ReplyView {
        outbox_id: outcome.outbox_id,
        state: outcome.state,
        comment: outcome.comment.map(CommentView::from),
    })
}

/// `case_update`: severity or status change (the portal recomputes the target).
#[tauri::command(rename_all = "snake_case")]
pub async fn case_update(
    state: State<'_, AppState>,
    number: i64,
    patch: CasePatch,
) -> Result<Case, AppError> {
    state.desk().await?.update_case(number, &patch).await
}

/// `case_callback`: asks for a phone callback in the given windows.
#[tauri::command(rename_all = "snake_case")]
pub async fn case_callback(
    state: State<'_, AppState>,
    number: i64,
    windows: Vec<Window>,
) -> Result<Callback, AppError> {
    state.desk().await?.request_callback(number, windows).await
}
