//! Filing a new case, and the outbox that carries it (and replies) to the portal.
//!
//! Filing is one sequence, the same for every shell: the core checks the case (and any
//! callback windows) against the cached contract (a refusal leaves nothing behind) → the case
//! becomes a draft, which gives it its idempotency key (a case filed from a saved draft, the
//! wizard's among them, keeps that draft and its key) → the draft moves to the outbox → the outbox is sent now (or the
//! case waits there while the portal cannot be reached, and the refresher sends it later —
//! exactly once either way) → the staged files are uploaded to the new case → the callback
//! request follows → the answer carries the case with its deadline computed by the core.

use casewatch_api::{CallbackRequest, Case, Me, NewCase, Window};
use casewatch_core::{check_callback, contract_terms, CallbackWindow};
use chrono::Utc;
use serde::Serialize;

use super::thread::Delivery;
use super::{Desk, DeskError, DeskResult};
use crate::drafts::{CaseForm, DraftContent};
use crate::error::ClientError;
use crate::outbox::{check_new_case, crash_point, Delivered, FlushReport, OutboxItem};

/// A new case as the wizard (or the command line) files it.
#[derive(Debug, Clone)]
pub struct FilingRequest {
    /// The case.
    pub case: NewCase,
    /// Staged files to upload once the portal has created the case.
    pub attachment_ids: Vec<String>,
    /// Windows for a phone callback, requested once the case exists (none: no callback).
    pub callback_windows: Vec<Window>,
    /// The saved draft this case was written in (the wizard's, or one listed by `drafts`):
    /// the case is filed under that draft's idempotency key and only that draft leaves the
    /// drafts table. `None` files it through a draft of its own.
    pub draft_id: Option<String>,
}

/// Checks callback windows with the core's rule (phone support in the contract, every window
/// ending after `now`) before anything is queued or sent, so the client refuses with the
/// portal's own code. The level comes from the cached contract (`no_contract` without one).
pub fn check_callback_windows(me: Option<&Me>, windows: &[Window]) -> DeskResult<()> {
    let (level, _) = contract_terms(
        me.and_then(|m| m.contract.as_ref()),
        me.and_then(|m| m.calendar.as_ref()),
    )?;
    let windows: Vec<CallbackWindow> = windows.iter().copied().map(Into::into).collect();
    Ok(check_callback(level, &windows, Utc::now())?)
}

/// What became of a filed case.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct FilingOutcome {
    /// The outbox item's id.
    pub outbox_id: String,
    /// `sent` or `queued`.
    pub state: Delivery,
    /// The case the portal created, its deadline computed now (`null` while queued).
    pub case: Option<Case>,
}

/// What one attempt to send the outbox did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
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

/// The client's draft form of a complete new case.
pub fn form_of(case: &NewCase) -> CaseForm {
    CaseForm {
        case_type: case.case_type.as_str().to_owned(),
        subject: case.subject.clone(),
        severity: case.severity.number().to_string(),
        environment: case.environment.to_string(),
        product: case.product.clone(),
        version: case.version.clone(),
        situation: case.situation.clone(),
        impact: case.impact.clone(),
        maintenance_start: case
            .maintenance_window
            .map(|w| w.start.to_rfc3339())
            .unwrap_or_default(),
        maintenance_end: case
            .maintenance_window
            .map(|w| w.end.to_rfc3339())
            .unwrap_or_default(),
        cc: case.cc.clone(),
    }
}

impl Desk {
    /// Puts `content` in the outbox through a draft, so it carries the draft's idempotency
    /// key. A refusal by the local rule check leaves nothing behind.
    pub fn queue(&self, content: DraftContent) -> DeskResult<OutboxItem> {
        let cache = &self.session.cache;
        let draft = cache.create_draft(content)?;
        // A process killed here leaves a saved draft, which `drafts send` files later under
        // the same key (the CLI's crash tests stop here).
        crash_point("after_draft_save");
        match cache.submit_draft(&draft.id) {
            Ok(item) => Ok(item),
            Err(e) => {
                cache.discard_draft(&draft.id)?;
                Err(e.into())
            }
        }
    }

    /// Puts `content` in the outbox through the saved draft `draft_id`, keeping that draft's
    /// idempotency key; `None` queues it through a draft of its own ([`queue`](Self::queue)).
    /// A saved draft already moved to the outbox (a crash right after) answers with its item;
    /// a refusal keeps the saved draft, with `content` in it.
    pub fn queue_as(
        &self,
        content: DraftContent,
        draft_id: Option<&str>,
    ) -> DeskResult<OutboxItem> {
        let Some(id) = draft_id else {
            return self.queue(content);
        };
        let cache = &self.session.cache;
        if cache.draft(id)?.is_some() {
            cache.save_draft(id, content)?;
            crash_point("after_draft_save");
        }
        Ok(cache.submit_draft(id)?)
    }

    /// Sends the outbox now and records whether the portal could be reached.
    pub(crate) async fn flush(&self) -> DeskResult<(FlushReport, bool)> {
        let report = self.session.flush_outbox().await?;
        let offline = report
            .stopped_by
            .as_ref()
            .is_some_and(|e| ClientError::from_body(e).is_transient());
        self.set_offline(offline);
        Ok((report, offline))
    }

    /// Sends the outbox now and says what became of `item`: `Some` with what the portal
    /// created, or `None` while it waits (offline). A refusal by the portal is returned as its
    /// error (`what` names the item in the fallback message); the item stays in the outbox as
    /// failed.
    pub async fn send_item(&self, item: &OutboxItem, what: &str) -> DeskResult<Option<Delivered>> {
        let (report, _) = self.flush().await?;
        if let Some(failed) = report.failed.iter().find(|i| i.id == item.id) {
            return Err(failed.last_error.clone().map_or_else(
                || DeskError::internal(format!("the portal refused the {what}")),
                DeskError::from,
            ));
        }
        self.wake();
        Ok(report
            .delivered
            .iter()
            .find(|i| i.id == item.id)
            .and_then(|i| i.delivered))
    }

    /// Files a new case (see the module docs). The request's saved draft leaves the drafts
    /// table once the case is sent or queued; when that draft is the wizard's, the wizard's
    /// extras go with it. Any other draft, the wizard's among them, is left alone.
    pub async fn file_case(&self, request: FilingRequest) -> DeskResult<FilingOutcome> {
        let FilingRequest {
            case,
            attachment_ids,
            callback_windows,
            draft_id,
        } = request;
        let cache = &self.session.cache;
        let me = self.me()?;
        check_new_case(me.as_ref(), &case)?;
        if !callback_windows.is_empty() {
            check_callback_windows(me.as_ref(), &callback_windows)?;
        }
        let files = self.attachments_staged(&attachment_ids)?;
        let was_wizards = draft_id.is_some() && self.wizard_draft_id()? == draft_id;
        let item = self.queue_as(DraftContent::NewCase(form_of(&case)), draft_id.as_deref())?;
        if was_wizards {
            self.wizard_draft_discard()?;
        }
        let Some(Delivered::Case { number }) = self.send_item(&item, "case").await? else {
            return Ok(FilingOutcome {
                outbox_id: item.id.to_string(),
                state: Delivery::Queued,
                case: None,
            });
        };
        // The files follow the case (the outbox carries the case itself); a failed upload
        // leaves the file staged and is reported in the log.
        if let Err(e) = self.attachments_upload(number, &files).await {
            tracing::warn!(number, "attachment upload failed: {e}");
        }
        if !callback_windows.is_empty() {
            let request = CallbackRequest {
                windows: callback_windows,
            };
            if let Err(e) = self.session.api.request_callback(number, &request).await {
                tracing::warn!(number, "callback request failed: {e}");
            }
        }
        let case = match self.session.api.case(number).await {
            Ok(case) => {
                cache.upsert_cases(std::slice::from_ref(&case))?;
                self.watch_now();
                Some(case)
            }
            Err(_) => cache.case(number)?,
        };
        Ok(FilingOutcome {
            outbox_id: item.id.to_string(),
            state: Delivery::Sent,
            case: case.map(|c| self.with_deadline(c)).transpose()?,
        })
    }

    /// Sends every waiting item now instead of at the next refresh.
    pub async fn outbox_send_now(&self) -> DeskResult<SendReport> {
        let (report, offline) = self.flush().await?;
        if !report.delivered.is_empty() || !report.failed.is_empty() {
            // The refresher fetches the new cases and announces them.
            self.wake();
        }
        Ok(SendReport {
            sent: report.delivered.len(),
            failed: report.failed.len(),
            pending: report.pending,
            offline,
        })
    }

    /// Removes a new case or reply the portal refused (`not_found` for anything else).
    pub fn outbox_discard(&self, outbox_id: &str) -> DeskResult<()> {
        let id: i64 = outbox_id
            .trim()
            .parse()
            .map_err(|_| DeskError::invalid(format!("{outbox_id:?} is not an outbox id")))?;
        if self.session.cache.discard_failed(id)? {
            Ok(())
        } else {
            Err(DeskError::new(
                "not_found",
                format!("outbox item {id} is not a refused item (only those can be removed)"),
            ))
        }
    }
}
