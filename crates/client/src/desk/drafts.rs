//! The new-case wizard's draft, kept where every draft is kept: the drafts table of the
//! profile's cache (see `crate::drafts`), so a case half-written in the app is a draft the
//! command line lists and can send, and both shells restore it after a crash.
//!
//! The wizard holds a little more than the case form: the step it was on, the callback
//! windows typed so far (as the user's local date-times), and the files staged for the case.
//! The form goes to the draft row; those extras are kept, typed, next to it under one cache
//! setting keyed by the draft. The UI saves a [`WizardDraft`] and gets the same one back.

use casewatch_api::Window;
use chrono::{DateTime, Local, NaiveDateTime, TimeZone, Utc};
use serde::{Deserialize, Serialize};

use super::attachments::StagedAttachment;
use super::filing::FilingRequest;
use super::{Desk, DeskError, DeskResult};
use crate::drafts::{CaseForm, DraftContent};

/// Which drafts-table row is the wizard's.
const DRAFT_ID_KEY: &str = "wizard_draft_id";
/// The wizard's extras ([`WizardExtras`]) of that row.
const EXTRAS_KEY: &str = "wizard_draft_extras";
/// Where earlier versions kept the whole draft as JSON, and when it was saved; read once and
/// moved to the drafts table.
const LEGACY_KEY: &str = "wizard_draft";
const LEGACY_SAVED_KEY: &str = "wizard_draft_saved_at";

/// A callback window as typed in the wizard: local date-times, possibly incomplete.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(default)]
pub struct WindowText {
    /// Start, `YYYY-MM-DDTHH:MM` in the user's zone (may be empty).
    pub start: String,
    /// End, same form.
    pub end: String,
}

/// The wizard's draft as the UI stores it (`WizardDraft` of docs/app-commands.md). Every
/// field may be missing or empty: it is what the user typed so far.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(default)]
pub struct WizardDraft {
    /// The draft format's version (1).
    pub version: u32,
    /// The wizard step the user was on.
    pub step: String,
    /// The case type.
    #[serde(rename = "type")]
    pub case_type: String,
    /// The subject.
    pub subject: String,
    /// `production` or `non-production`.
    pub environment: String,
    /// The product.
    pub product: String,
    /// The product's version.
    pub product_version: String,
    /// 1–4, or none chosen yet.
    pub severity: Option<u8>,
    /// The situation (Markdown).
    pub situation: String,
    /// The business impact (Markdown).
    pub impact: String,
    /// Maintenance window start, local date-time text.
    pub maintenance_start: String,
    /// Maintenance window end, local date-time text.
    pub maintenance_end: String,
    /// Callback windows typed so far.
    pub callbacks: Vec<WindowText>,
    /// Files staged for the case.
    pub attachments: Vec<StagedAttachment>,
}

/// What the wizard holds besides the case form.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
struct WizardExtras {
    version: u32,
    step: String,
    callbacks: Vec<WindowText>,
    attachments: Vec<StagedAttachment>,
}

/// When a draft was saved.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct DraftSaved {
    /// The moment of the save.
    pub saved_at: DateTime<Utc>,
}

/// The wizard's draft, if one was saved.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct DraftLoaded {
    /// The draft, `null` when there is none.
    pub draft: Option<WizardDraft>,
    /// When it was saved.
    pub saved_at: Option<DateTime<Utc>>,
}

impl WizardDraft {
    fn split(&self) -> (CaseForm, WizardExtras) {
        let form = CaseForm {
            case_type: self.case_type.clone(),
            subject: self.subject.clone(),
            severity: self.severity.map(|s| s.to_string()).unwrap_or_default(),
            environment: self.environment.clone(),
            product: self.product.clone(),
            version: self.product_version.clone(),
            situation: self.situation.clone(),
            impact: self.impact.clone(),
            maintenance_start: self.maintenance_start.clone(),
            maintenance_end: self.maintenance_end.clone(),
            cc: vec![],
        };
        let extras = WizardExtras {
            version: self.version,
            step: self.step.clone(),
            callbacks: self.callbacks.clone(),
            attachments: self.attachments.clone(),
        };
        (form, extras)
    }

    fn join(form: CaseForm, extras: WizardExtras) -> WizardDraft {
        WizardDraft {
            version: extras.version.max(1),
            step: extras.step,
            case_type: form.case_type,
            subject: form.subject,
            environment: form.environment,
            product: form.product,
            product_version: form.version,
            severity: form.severity.trim().parse().ok(),
            situation: form.situation,
            impact: form.impact,
            maintenance_start: form.maintenance_start,
            maintenance_end: form.maintenance_end,
            callbacks: extras.callbacks,
            attachments: extras.attachments,
        }
    }
}

/// An instant from a wizard's date-time text: the `YYYY-MM-DDTHH:MM` of a date-time input,
/// read in this machine's zone as the wizard reads it, or a full RFC 3339 instant.
fn wall_instant(text: &str) -> DeskResult<DateTime<Utc>> {
    let text = text.trim();
    if let Ok(t) = DateTime::parse_from_rfc3339(text) {
        return Ok(t.with_timezone(&Utc));
    }
    ["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S"]
        .iter()
        .find_map(|f| NaiveDateTime::parse_from_str(text, f).ok())
        // A time skipped by a clock change has no instant; a repeated one takes the first.
        .and_then(|naive| Local.from_local_datetime(&naive).earliest())
        .map(|t| t.with_timezone(&Utc))
        .ok_or_else(|| {
            DeskError::invalid(format!(
                "the wizard's date-time {text:?} is not a date and time (YYYY-MM-DDTHH:MM)"
            ))
        })
}

/// A window typed in the wizard; `None` when both ends are still empty.
fn typed_window(start: &str, end: &str) -> DeskResult<Option<Window>> {
    if start.trim().is_empty() && end.trim().is_empty() {
        return Ok(None);
    }
    Ok(Some(Window {
        start: wall_instant(start)?,
        end: wall_instant(end)?,
    }))
}

impl WizardDraft {
    /// The filing this draft describes, as the wizard's own submit builds it: the case (its
    /// maintenance window read from the wizard's date-times), the staged files, and the
    /// callback windows when `phone_callback` (the contract includes phone support; the
    /// wizard offers the step only then). `draft_id` is the wizard's row.
    pub fn to_filing(&self, draft_id: &str, phone_callback: bool) -> DeskResult<FilingRequest> {
        let (mut form, _) = self.split();
        // The form's maintenance fields are RFC 3339; the wizard keeps wall times.
        let window = typed_window(&self.maintenance_start, &self.maintenance_end)?;
        form.maintenance_start = window.map(|w| w.start.to_rfc3339()).unwrap_or_default();
        form.maintenance_end = window.map(|w| w.end.to_rfc3339()).unwrap_or_default();
        let callback_windows = if phone_callback {
            self.callbacks
                .iter()
                .filter_map(|w| typed_window(&w.start, &w.end).transpose())
                .collect::<DeskResult<_>>()?
        } else {
            vec![]
        };
        Ok(FilingRequest {
            case: form.to_new_case()?,
            attachment_ids: self
                .attachments
                .iter()
                .map(|a| a.staged_id.clone())
                .collect(),
            callback_windows,
            draft_id: Some(draft_id.to_owned()),
        })
    }
}

impl Desk {
    /// The id of the wizard's row in the drafts table, if the wizard saved one (what the app
    /// files its wizard's case under, see `FilingRequest::draft_id`).
    pub fn wizard_draft_id(&self) -> DeskResult<Option<String>> {
        Ok(self
            .session
            .cache
            .setting(DRAFT_ID_KEY)?
            .filter(|id| !id.is_empty()))
    }

    /// Saves the wizard's draft (one per profile): its form in the drafts table, keeping the
    /// draft's idempotency key across saves.
    pub fn wizard_draft_save(&self, draft: &WizardDraft) -> DeskResult<DraftSaved> {
        let cache = &self.session.cache;
        let (form, extras) = draft.split();
        let content = DraftContent::NewCase(form);
        let saved = match self.wizard_draft_id()? {
            Some(id) => cache.save_draft(&id, content)?,
            None => cache.create_draft(content)?,
        };
        cache.set_setting(DRAFT_ID_KEY, &saved.id)?;
        let extras = serde_json::to_string(&extras).map_err(super::DeskError::internal)?;
        cache.set_setting(EXTRAS_KEY, &extras)?;
        cache.set_setting(LEGACY_KEY, "")?;
        Ok(DraftSaved {
            saved_at: saved.updated_at,
        })
    }

    /// The wizard's draft, if one was saved and not since sent or discarded (from either
    /// shell).
    pub fn wizard_draft_load(&self) -> DeskResult<DraftLoaded> {
        let cache = &self.session.cache;
        if let Some(legacy) = self.legacy_draft()? {
            return Ok(legacy);
        }
        let row = match self.wizard_draft_id()? {
            Some(id) => cache.draft(&id)?,
            None => None,
        };
        let Some(row) = row else {
            return Ok(DraftLoaded {
                draft: None,
                saved_at: None,
            });
        };
        let DraftContent::NewCase(form) = row.content else {
            return Ok(DraftLoaded {
                draft: None,
                saved_at: None,
            });
        };
        let extras: WizardExtras = cache
            .setting(EXTRAS_KEY)?
            .and_then(|t| serde_json::from_str(&t).ok())
            .unwrap_or_default();
        Ok(DraftLoaded {
            draft: Some(WizardDraft::join(form, extras)),
            saved_at: Some(row.updated_at),
        })
    }

    /// A draft an earlier version kept under a settings key, moved to the drafts table.
    fn legacy_draft(&self) -> DeskResult<Option<DraftLoaded>> {
        let cache = &self.session.cache;
        let Some(draft) = cache
            .setting(LEGACY_KEY)?
            .filter(|t| !t.is_empty())
            .and_then(|t| serde_json::from_str::<Option<WizardDraft>>(&t).ok())
            .flatten()
        else {
            return Ok(None);
        };
        let saved_at = cache
            .setting(LEGACY_SAVED_KEY)?
            .and_then(|t| DateTime::parse_from_rfc3339(&t).ok())
            .map(|t| t.with_timezone(&Utc));
        self.wizard_draft_save(&draft)?;
        cache.set_setting(LEGACY_SAVED_KEY, "")?;
        Ok(Some(DraftLoaded {
            draft: Some(draft),
            saved_at,
        }))
    }

    /// Forgets the wizard's draft.
    pub fn wizard_draft_discard(&self) -> DeskResult<()> {
        let cache = &self.session.cache;
        if let Some(id) = self.wizard_draft_id()? {
            cache.discard_draft(&id)?;
        }
        cache.set_setting(DRAFT_ID_KEY, "")?;
        cache.set_setting(EXTRAS_KEY, "")?;
        cache.set_setting(LEGACY_KEY, "")?;
        cache.set_setting(LEGACY_SAVED_KEY, "")?;
        Ok(())
    }
}
