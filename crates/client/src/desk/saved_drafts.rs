//! Every saved draft of the profile, whoever wrote it: listing them, sending one, discarding
//! one.
//!
//! Drafts live in one table (see `crate::drafts`), so a case half-written in the app's wizard,
//! a case or reply the command line saved, or one left behind when a process died between
//! saving and queueing it, are all the same kind of row. Sending a saved draft is not a flow of
//! its own: a new case goes through [`Desk::file_case`] and a reply through [`Desk::reply_as`],
//! the very flows a shell uses for something typed just now, given the saved row's id: the
//! content goes to the outbox under that row's idempotency key, and the row (only that one)
//! leaves the drafts table in the same transaction. The wizard's draft is sent as the wizard
//! would send it, with its staged files and callback windows.

use serde::Serialize;

use super::filing::{FilingOutcome, FilingRequest};
use super::form::terms_of;
use super::thread::ReplyOutcome;
use super::{Desk, DeskError, DeskResult};
use crate::drafts::{Draft, DraftContent};

/// Every saved draft, most recently edited first.
#[derive(Debug, Clone, Serialize)]
pub struct SavedDrafts {
    /// The drafts.
    pub drafts: Vec<Draft>,
}

/// What became of a saved draft that was sent.
#[derive(Debug, Clone, Serialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum SavedDraftSent {
    /// A new case, filed.
    NewCase {
        /// The filing's outcome (boxed: it holds the whole case).
        filed: Box<FilingOutcome>,
    },
    /// A reply, sent or queued.
    Reply {
        /// The case replied to.
        case_number: i64,
        /// The reply's outcome.
        replied: ReplyOutcome,
    },
}

impl Desk {
    /// Every saved draft of the profile (the app's wizard draft among them).
    pub fn saved_drafts(&self) -> DeskResult<SavedDrafts> {
        Ok(SavedDrafts {
            drafts: self.session.cache.drafts()?,
        })
    }

    /// Sends saved draft `id` through the flow of its kind (filing or reply); the row goes once
    /// the content is sent or queued. A refusal (by the core's rules or the portal) keeps it.
    pub async fn send_saved_draft(&self, id: &str) -> DeskResult<SavedDraftSent> {
        let draft = self
            .session
            .cache
            .draft(id)?
            .ok_or_else(|| DeskError::new("not_found", format!("there is no draft {id}")))?;
        Ok(match draft.content {
            DraftContent::NewCase(form) => {
                let request = match self.wizard_draft_load()?.draft {
                    Some(wizard) if self.wizard_draft_id()?.as_deref() == Some(id) => {
                        let phone = self
                            .me()?
                            .as_ref()
                            .and_then(|me| terms_of(me).ok())
                            .is_some_and(|(level, _)| level.phone_callback());
                        wizard.to_filing(id, phone)?
                    }
                    _ => FilingRequest {
                        case: form.to_new_case()?,
                        attachment_ids: vec![],
                        callback_windows: vec![],
                        draft_id: Some(id.to_owned()),
                    },
                };
                SavedDraftSent::NewCase {
                    filed: Box::new(self.file_case(request).await?),
                }
            }
            DraftContent::Reply { case_number, body } => SavedDraftSent::Reply {
                case_number,
                replied: self.reply_as(case_number, &body, &[], Some(id)).await?,
            },
        })
    }

    /// Discards saved draft `id` (one that does not exist is already discarded).
    pub fn discard_saved_draft(&self, id: &str) -> DeskResult<()> {
        Ok(self.session.cache.discard_draft(id)?)
    }
}
