//! Cases and their threads: the list (with the new cases still in the outbox), one case with
//! its comments and attachments, replies through the outbox, severity and status changes,
//! and callback requests.
//!
//! Whenever the portal answers, its data refreshes the cache; when it cannot be reached the
//! cache answers instead and the answer says `offline`. Deadlines are recomputed with the
//! core at the moment of asking, from the cached contract and calendar, so a countdown never
//! depends on when the cache was last refreshed.

use casewatch_api::{
    Attachment, Callback, CallbackRequest, Case, CasePatch, Comment, Me, NewCase, Role, UserRef,
    Window,
};
use casewatch_core::ResponseDeadline;
use chrono::{DateTime, Utc};
use serde::Serialize;

use super::filing::check_callback_windows;
use super::form::terms_of;
use super::{Desk, DeskError, DeskResult};
use crate::drafts::DraftContent;
use crate::error::ClientError;
use crate::outbox::{Delivered, OutboxState, Payload};

/// The cases, their deadlines as of `as_of`, and the new cases still in the outbox.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct CaseList {
    /// The cases.
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
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
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
    pub last_error: Option<DeskError>,
}

/// A comment of a thread, and whether it still waits in the outbox.
#[derive(Debug, Clone, Serialize)]
pub struct ThreadComment {
    /// The comment (a reply still in the outbox has the negated outbox id as its id).
    pub comment: Comment,
    /// Not yet acknowledged by the portal.
    pub pending: bool,
}

/// One case with its thread.
#[derive(Debug, Clone, Serialize)]
pub struct CaseThread {
    /// The case, its deadline as of `as_of`.
    pub case: Case,
    /// Its thread, oldest first, replies still in the outbox last.
    pub comments: Vec<ThreadComment>,
    /// Its attachments.
    pub attachments: Vec<Attachment>,
    /// When the deadline was computed.
    pub as_of: DateTime<Utc>,
    /// Answered from the cache.
    pub offline: bool,
}

/// Whether something the user wrote reached the portal or waits in the outbox.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "lowercase")]
pub enum Delivery {
    /// The portal acknowledged it.
    Sent,
    /// It waits in the outbox (the portal could not be reached); sent at the next refresh.
    Queued,
}

/// What became of a reply.
#[derive(Debug, Clone, Serialize)]
pub struct ReplyOutcome {
    /// The outbox item's id.
    pub outbox_id: String,
    /// `sent` or `queued`.
    pub state: Delivery,
    /// The comment as the portal stored it (or as queued).
    pub comment: Option<ThreadComment>,
}

/// Recomputes a case's deadline at `now` with the core, from the cached contract and
/// calendar (the portal's values stay when there is no readable contract).
pub fn with_deadline(me: Option<&Me>, mut case: Case, now: DateTime<Utc>) -> Case {
    let Some(Ok((level, calendar))) = me.map(terms_of) else {
        return case;
    };
    if let Ok(deadline) =
        ResponseDeadline::compute(level, case.severity, &calendar, case.created_at)
    {
        case.target = deadline.target;
        case.due_at = deadline.due;
        case.best_effort = deadline.best_effort;
        case.deadline = deadline.status_at(&calendar, now, case.first_response_at);
    }
    case
}

impl Desk {
    /// Runs `call`; a network failure is recorded as offline and answered with `None`.
    pub(crate) async fn online<T>(
        &self,
        call: impl std::future::Future<Output = Result<T, ClientError>>,
    ) -> DeskResult<Option<T>> {
        match call.await {
            Ok(value) => {
                self.set_offline(false);
                Ok(Some(value))
            }
            Err(e) if e.is_transient() => {
                self.set_offline(true);
                Ok(None)
            }
            Err(e) => Err(e.into()),
        }
    }

    /// A case as it is cached, its deadline recomputed now.
    pub fn with_deadline(&self, case: Case) -> DeskResult<Case> {
        Ok(with_deadline(self.me()?.as_ref(), case, Utc::now()))
    }

    /// New cases that are still in the outbox.
    pub fn queued_cases(&self) -> DeskResult<Vec<QueuedCase>> {
        Ok(self
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
                    last_error: item.last_error.map(DeskError::from),
                }),
                Payload::Reply { .. } => None,
            })
            .collect())
    }

    /// The organisation's cases (open ones unless `include_closed`), refreshed from the
    /// portal when it answers; `offline` when nothing answers and nothing is cached.
    pub async fn cases(&self, include_closed: bool) -> DeskResult<CaseList> {
        let synced = self.online(self.session.sync_cases()).await?;
        let cached = self.session.cache.cases(None)?;
        if synced.is_none() && cached.is_empty() {
            return Err(DeskError::new(
                "offline",
                "the portal cannot be reached and no cases are cached yet",
            ));
        }
        Ok(CaseList {
            offline: synced.is_none(),
            ..self.cached_cases(include_closed)?
        })
    }

    /// Replies to case `number` still waiting in the outbox, as comments of the signed-in
    /// contact.
    fn pending_replies(&self, number: i64) -> DeskResult<Vec<ThreadComment>> {
        let Some(me) = self.me()? else {
            return Ok(vec![]);
        };
        let author = UserRef {
            id: me.user.id,
            name: me.user.name,
            role: Role::Contact,
        };
        Ok(self
            .session
            .cache
            .outbox(Some(OutboxState::Pending))?
            .into_iter()
            .filter_map(|item| match item.payload {
                Payload::Reply {
                    case_number,
                    comment,
                } if case_number == number => Some(ThreadComment {
                    comment: Comment {
                        id: -item.id,
                        case_number,
                        author: author.clone(),
                        body: comment.body,
                        created_at: item.created_at,
                        attachments: vec![],
                    },
                    pending: true,
                }),
                _ => None,
            })
            .collect())
    }

    /// A case with its thread and attachments: from the portal (refreshing the cache), or
    /// from the cache while the portal cannot be reached.
    pub async fn case(&self, number: i64) -> DeskResult<CaseThread> {
        let api = &self.session.api;
        let cache = &self.session.cache;
        let fetched = self
            .online(async {
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
                    DeskError::new(
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
        let mut thread: Vec<ThreadComment> = comments
            .into_iter()
            .map(|comment| ThreadComment {
                comment,
                pending: false,
            })
            .collect();
        thread.extend(self.pending_replies(number)?);
        Ok(CaseThread {
            case: with_deadline(self.me()?.as_ref(), case, now),
            comments: thread,
            attachments,
            as_of: now,
            offline,
        })
    }

    /// Replies in case `number` through the outbox (sent now, or queued while offline). Staged
    /// files go to the case first, which needs the portal.
    pub async fn reply(
        &self,
        number: i64,
        body: &str,
        attachment_ids: &[String],
    ) -> DeskResult<ReplyOutcome> {
        self.reply_as(number, body, attachment_ids, None).await
    }

    /// [`reply`](Self::reply) through the saved draft `draft_id` (its idempotency key; only
    /// that draft leaves the drafts table), or through a draft of its own (`None`).
    pub async fn reply_as(
        &self,
        number: i64,
        body: &str,
        attachment_ids: &[String],
        draft_id: Option<&str>,
    ) -> DeskResult<ReplyOutcome> {
        let cache = &self.session.cache;
        // The body is checked before any file is uploaded for it.
        DraftContent::to_new_comment(body)?;
        if !attachment_ids.is_empty() {
            let files = self.attachments_staged(attachment_ids)?;
            self.attachments_upload(number, &files).await?;
        }
        let item = self.queue_as(
            DraftContent::Reply {
                case_number: number,
                body: body.to_owned(),
            },
            draft_id,
        )?;
        let delivered = self.send_item(&item, "reply").await?;
        if let Some(Delivered::Comment { id, .. }) = delivered {
            let comments = self.session.api.comments(number).await?.comments;
            cache.upsert_comments(&comments)?;
            let comment = comments
                .into_iter()
                .find(|c| c.id == id)
                .map(|comment| ThreadComment {
                    comment,
                    pending: false,
                });
            return Ok(ReplyOutcome {
                outbox_id: item.id.to_string(),
                state: Delivery::Sent,
                comment,
            });
        }
        let comment = self
            .pending_replies(number)?
            .into_iter()
            .find(|c| c.comment.id == -item.id);
        Ok(ReplyOutcome {
            outbox_id: item.id.to_string(),
            state: Delivery::Queued,
            comment,
        })
    }

    /// Changes a case's severity or status (the portal recomputes the target; the answer's
    /// deadline is recomputed now).
    pub async fn update_case(&self, number: i64, patch: &CasePatch) -> DeskResult<Case> {
        let case = self.session.api.update_case(number, patch).await?;
        self.session
            .cache
            .upsert_cases(std::slice::from_ref(&case))?;
        self.wake();
        self.with_deadline(case)
    }

    /// Asks for a phone callback in the given windows. The core's rule is checked here first
    /// (a window that already ended is refused with the portal's code, without a request),
    /// and again by the portal.
    pub async fn request_callback(
        &self,
        number: i64,
        windows: Vec<Window>,
    ) -> DeskResult<Callback> {
        check_callback_windows(self.me()?.as_ref(), &windows)?;
        Ok(self
            .session
            .api
            .request_callback(number, &CallbackRequest { windows })
            .await?)
    }
}
