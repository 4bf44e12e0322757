//! The case list, one case with its thread, replies, severity/status changes and callbacks.

use casewatch_api::{
    Attachment, CallbackRequest, Case, CasePatch, Comment, Me, NewCase, Role, UserRef, Window,
};
use casewatch_client::drafts::DraftContent;
use casewatch_client::outbox::{Delivered, OutboxState, Payload};
use casewatch_client::ClientError;
use casewatch_core::{Calendar, ResponseDeadline};
use chrono::{DateTime, Utc};
use serde::Serialize;
use tauri::State;

use crate::commands::{attachments, outbox};
use crate::error::AppError;
use crate::html::markdown_to_html;
use crate::state::{AppState, Engine};

/// A comment as the UI shows it: the wire comment, its sanitised HTML, and whether it still
/// waits in the outbox.
#[derive(Debug, Clone, Serialize)]
pub struct CommentView {
    /// The comment.
    #[serde(flatten)]
    pub comment: Comment,
    /// The body rendered and sanitised.
    pub body_html: String,
    /// Not yet acknowledged by the portal.
    pub pending: bool,
}

impl CommentView {
    fn new(comment: Comment, pending: bool) -> CommentView {
        let body_html = markdown_to_html(&comment.body);
        CommentView {
            comment,
            body_html,
            pending,
        }
    }
}

/// `cases_list` answer.
#[derive(Debug, Clone, Serialize)]
pub struct CaseListView {
    /// The cases, deadlines as of `as_of`.
    pub cases: Vec<Case>,
    /// When the deadlines were computed.
    pub as_of: DateTime<Utc>,
    /// Answered from the cache.
    pub offline: bool,
    /// New cases still in the outbox (not yet acknowledged, or refused), oldest first.
    pub queued: Vec<QueuedCase>,
}

/// A new case the outbox holds: what the user filed, and why it is not a case yet.
#[derive(Debug, Clone, Serialize)]
pub struct QueuedCase {
    /// The outbox item's id.
    pub outbox_id: String,
    /// `pending` (sent at the next attempt) or `failed` (the portal refused it).
    pub state: OutboxState,
    /// The case as filed.
    pub case: NewCase,
    /// When it was filed.
    pub queued_at: DateTime<Utc>,
    /// Send attempts so far.
    pub attempts: i64,
    /// The last failure, with its code.
    pub last_error: Option<AppError>,
}

/// New cases that are still in the outbox.
pub fn queued_cases(engine: &Engine) -> Result<Vec<QueuedCase>, AppError> {
    Ok(engine
        .session
        .cache
        .outbox(None)?
        .into_iter()
        .filter(|item| item.state != OutboxState::Sent)
        .filter_map(|item| match item.payload {
            Payload::NewCase { case } => Some(QueuedCase {
                outbox_id: item.id.to_string(),
                state: item.state,
                case,
                queued_at: item.created_at,
                attempts: item.attempts,
                last_error: item.last_error.map(|e| AppError::new(e.code, e.message)),
            }),
            Payload::Reply { .. } => None,
        })
        .collect())
}

/// `case_get` answer.
#[derive(Debug, Clone, Serialize)]
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

/// Runs `call`; a network failure is recorded as offline and answered with `None`.
async fn online<T>(
    state: &AppState,
    call: impl std::future::Future<Output = Result<T, ClientError>>,
) -> Result<Option<T>, AppError> {
    match call.await {
        Ok(value) => {
            state.set_offline(false);
            Ok(Some(value))
        }
        Err(e) if e.is_transient() => {
            state.set_offline(true);
            Ok(None)
        }
        Err(e) => Err(e.into()),
    }
}

/// Recomputes a case's deadline at `now` with the core, from the cached contract and calendar.
pub fn with_deadline(me: Option<&Me>, mut case: Case, now: DateTime<Utc>) -> Case {
    let contract = me.and_then(|m| {
        let level = m.contract?.support_level;
        let calendar = Calendar::try_from(m.calendar.clone()?).ok()?;
        Some((level, calendar))
    });
    if let Some((level, calendar)) = contract {
        if let Ok(deadline) =
            ResponseDeadline::compute(level, case.severity, &calendar, case.created_at)
        {
            case.target = deadline.target;
            case.due_at = deadline.due;
            case.best_effort = deadline.best_effort;
            case.deadline = deadline.status_at(&calendar, now, case.first_response_at);
        }
    }
    case
}

/// `cases_list`: the organisation's cases, refreshed from the portal when it answers.
#[tauri::command(rename_all = "snake_case")]
pub async fn cases_list(
    state: State<'_, AppState>,
    include_closed: bool,
) -> Result<CaseListView, AppError> {
    let engine = state.engine().await?;
    let synced = online(&state, engine.session.sync_cases()).await?;
    let cached = engine.session.cache.cases(None)?;
    if synced.is_none() && cached.is_empty() {
        return Err(AppError::new(
            "offline",
            "the portal cannot be reached and no cases are cached yet",
        ));
    }
    let now = Utc::now();
    let me = engine.me()?;
    let cases = cached
        .into_iter()
        .filter(|c| include_closed || c.status.is_open())
        .map(|c| with_deadline(me.as_ref(), c, now))
        .collect();
    Ok(CaseListView {
        cases,
        as_of: now,
        offline: synced.is_none(),
        queued: queued_cases(&engine)?,
    })
}

fn pending_replies(engine: &Engine, number: i64) -> Result<Vec<CommentView>, AppError> {
    let me = engine.me()?;
    let author = me.map(|m| UserRef {
        id: m.user.id,
        name: m.user.name,
        role: Role::Contact,
    });
    let Some(author) = author else {
        return Ok(vec![]);
    };
    Ok(engine
        .session
        .cache
        .outbox(Some(OutboxState::Pending))?
        .into_iter()
        .filter_map(|item| match item.payload {
            Payload::Reply {
                case_number,
                comment,
            } if case_number == number => Some(CommentView::new(
                Comment {
                    id: -item.id,
                    case_number,
                    author: author.clone(),
                    body: comment.body,
                    created_at: item.created_at,
                    attachments: vec![],
                },
                true,
            )),
            _ => None,
        })
        .collect())
}

/// `case_get`: a case with its thread (sanitised HTML) and attachments.
#[tauri::command(rename_all = "snake_case")]
pub async fn case_get(state: State<'_, AppState>, number: i64) -> Result<CaseView, AppError> {
    let engine = state.engine().await?;
    let api = &engine.session.api;
    let cache = &engine.session.cache;
    let fetched = online(&state, async {
        let case = api.case(number).await?;
        let comments = api.comments(number).await?.comments;
        let attachments = api.attachments(number).await?.attachments;
        Ok((case, comments, attachments))
    })
    .await?;
    let offline = fetched.is_none();
    let (case, comments, attachments) = match fetched {
        Some((case, comments, attachments)) => {
            cache.upsert_cases(std::slice::from_ref(&case))?;
            cache.upsert_comments(&comments)?;
            (case, comments, attachments)
        }
        None => {
            let case = cache.case(number)?.ok_or_else(|| {
                AppError::new(
                    "offline",
                    format!("the portal cannot be reached and case {number} is not cached"),
                )
            })?;
            let comments = cache.comments(number)?;
            let attachments = comments
                .iter()
                .flat_map(|c| c.attachments.iter().cloned())
                .collect();
            (case, comments, attachments)
        }
    };
    let now = Utc::now();
    let me = engine.me()?;
    let mut views: Vec<CommentView> = comments
        .into_iter()
        .map(|c| CommentView::new(c, false))
        .collect();
    views.extend(pending_replies(&engine, number)?);
    Ok(CaseView {
        case: with_deadline(me.as_ref(), case, now),
        comments: views,
        attachments,
        as_of: now,
        offline,
    })
}

/// `case_reply` answer.
#[derive(Debug, Clone, Serialize)]
pub struct ReplyOutcome {
    /// The outbox item's id.
    pub outbox_id: String,
    /// `sent` or `queued`.
    pub state: &'static str,
    /// The comment as the portal stored it (or as queued).
    pub comment: Option<CommentView>,
}

/// `case_reply`: a reply through the outbox (sent now, or queued while offline).
#[tauri::command(rename_all = "snake_case")]
pub async fn case_reply(
    state: State<'_, AppState>,
    number: i64,
    body: String,
    attachment_ids: Vec<String>,
) -> Result<ReplyOutcome, AppError> {
    let engine = state.engine().await?;
    let cache = &engine.session.cache;
    if !attachment_ids.is_empty() {
        // Files go to the case first (this needs the portal); the reply then follows through
        // the outbox.
        let files = attachments::staged(&engine, &attachment_ids)?;
        attachments::upload(&engine, number, &files).await?;
    }
    let item = outbox::queue(
        cache,
        DraftContent::Reply {
            case_number: number,
            body,
        },
    )?;
    let delivered = outbox::send(&state, &engine, &item, "reply").await?;
    if let Some(Delivered::Comment { id, .. }) = delivered {
        let comments = engine.session.api.comments(number).await?.comments;
        cache.upsert_comments(&comments)?;
        let comment = comments
            .into_iter()
            .find(|c| c.id == id)
            .map(|c| CommentView::new(c, false));
        return Ok(ReplyOutcome {
            outbox_id: item.id.to_string(),
            state: "sent",
            comment,
        });
    }
    let comment = pending_replies(&engine, number)?
        .into_iter()
        .find(|c| c.comment.id == -item.id);
    Ok(ReplyOutcome {
        outbox_id: item.id.to_string(),
        state: "queued",
        comment,
    })
}

/// `case_update`: severity or status change (the portal recomputes the target).
#[tauri::command(rename_all = "snake_case")]
pub async fn case_update(
    state: State<'_, AppState>,
    number: i64,
    patch: CasePatch,
) -> Result<Case, AppError> {
    let engine = state.engine().await?;
    let case = engine.session.api.update_case(number, &patch).await?;
    engine
        .session
        .cache
        .upsert_cases(std::slice::from_ref(&case))?;
    state.wake.notify_one();
    Ok(with_deadline(engine.me()?.as_ref(), case, Utc::now()))
}

/// `case_callback`: asks for a phone callback in the given windows.
#[tauri::command(rename_all = "snake_case")]
pub async fn case_callback(
    state: State<'_, AppState>,
    number: i64,
    windows: Vec<Window>,
) -> Result<casewatch_api::Callback, AppError> {
    let engine = state.engine().await?;
    Ok(engine
        .session
        .api
        .request_callback(number, &CallbackRequest { windows })
        .await?)
}
