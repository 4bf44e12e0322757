//! Drafts: what the user is writing, saved as they type.
//!
//! A customer admin must never lose a case they wrote, even if the app crashes or the laptop
//! dies mid-sentence, so the UI saves the form on every change ([`Cache::save_draft`] is an
//! upsert by draft id) and lists the drafts again at start ([`Cache::drafts`]). Each draft is
//! given its idempotency key when it is created: the key then travels to the outbox and to the
//! server, which is what makes "send again after a crash" create exactly one case.

use crate::cache::{from_millis, to_millis, Cache};
use crate::error::{ClientError, Result};
use crate::profile::random_id;
use casewatch_api::{NewCase, NewComment, Window};
use casewatch_core::quote::parse_instant;
use casewatch_core::{CaseType, CoreError, Environment, Severity};
use chrono::{DateTime, Utc};
use rusqlite::{params, OptionalExtension};
use serde::{Deserialize, Serialize};

/// The case form as typed so far: every field free text, checked only when sent.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct CaseForm {
    /// `problem`, `feature-request`, `how-to`, `account-change` or `maintenance-notice`.
    pub case_type: String,
    /// One line.
    pub subject: String,
    /// `1`–`4`.
    pub severity: String,
    /// `production` or `non-production`.
    pub environment: String,
    /// Product.
    pub product: String,
    /// Version.
    pub version: String,
    /// Situation (Markdown).
    pub situation: String,
    /// Seriousness / business impact (Markdown).
    pub impact: String,
    /// Maintenance window start, RFC 3339 (maintenance notices only).
    pub maintenance_start: String,
    /// Maintenance window end, RFC 3339.
    pub maintenance_end: String,
    /// E-mail addresses to keep informed.
    pub cc: Vec<String>,
}

impl CaseForm {
    /// The request this form describes, with the core's messages for malformed fields.
    /// Contract rules (severity) are checked separately, see `outbox::check_new_case`.
    pub fn to_new_case(&self) -> Result<NewCase, CoreError> {
        let case_type: CaseType = self.case_type.parse()?;
        let severity = match self.severity.trim().parse::<u8>() {
            Ok(n) => Severity::new(n)?,
            Err(_) => {
                return Err(CoreError::invalid(format!(
                    "severity must be 1, 2, 3 or 4, not '{}'",
                    self.severity
                )))
            }
        };
        let environment: Environment = self.environment.parse()?;
        let maintenance_window =
            if self.maintenance_start.trim().is_empty() && self.maintenance_end.trim().is_empty() {
                None
            } else {
                Some(Window {
                    start: parse_instant(&self.maintenance_start)?,
                    end: parse_instant(&self.maintenance_end)?,
                })
            };
        Ok(NewCase {
            case_type,
            subject: self.subject.trim().to_string(),
            severity,
            environment,
            product: self.product.trim().to_string(),
            version: self.version.trim().to_string(),
            situation: self.situation.clone(),
            impact: self.impact.clone(),
            maintenance_window,
            cc: self.cc.clone(),
        })
    }
}

/// What a draft is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
// A handful of drafts exist at a time; boxing the form would only cost readability.
#[allow(clippy::large_enum_variant)]
pub enum DraftContent {
    /// A new case.
    NewCase(CaseForm),
    /// A reply in a case thread.
    Reply {
        /// The case.
        case_number: i64,
        /// Markdown.
        body: String,
    },
}

impl DraftContent {
    /// A reply's request, its body checked with the core's rule for replies (the portal's
    /// own: a visible character at least, a bounded length).
    pub fn to_new_comment(body: &str) -> Result<NewComment, CoreError> {
        casewatch_core::case_form::check_text("reply", body, true)?;
        Ok(NewComment {
            body: body.to_string(),
            attachment_ids: vec![],
        })
    }
}

/// A saved draft.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Draft {
    /// Draft id (random).
    pub id: String,
    /// Fixed when the draft is created; sent as `Idempotency-Key`.
    pub idempotency_key: String,
    /// The form.
    pub content: DraftContent,
    /// When the draft was started.
    pub created_at: DateTime<Utc>,
    /// Last save.
    pub updated_at: DateTime<Utc>,
}

impl Cache {
    /// Starts a draft: a new id and idempotency key, saved at once.
    pub fn create_draft(&self, content: DraftContent) -> Result<Draft> {
        self.save_draft(&random_id(), content)
    }

    /// Saves a draft as typed: inserts it (with a fresh idempotency key) or replaces its
    /// content, keeping the key.
    pub fn save_draft(&self, id: &str, content: DraftContent) -> Result<Draft> {
        if id.is_empty() {
            return Err(ClientError::Invalid("a draft id cannot be empty".into()));
        }
        let now = to_millis(Utc::now());
        let text = serde_json::to_string(&content)?;
        self.write(|tx| {
            tx.execute(
                "INSERT INTO drafts(id, idempotency_key, content, created_at, updated_at)
                 VALUES (?1, ?2, ?3, ?4, ?4)
                 ON CONFLICT(id) DO UPDATE SET content = excluded.content,
                    updated_at = excluded.updated_at",
                params![id, random_id(), text, now],
            )?;
            Ok(())
        })?;
        self.draft(id)?
            .ok_or_else(|| ClientError::Storage("the draft vanished while saving".into()))
    }

    /// One draft.
    pub fn draft(&self, id: &str) -> Result<Option<Draft>> {
        let row = self
            .lock()
            .query_row(
                "SELECT id, idempotency_key, content, created_at, updated_at FROM drafts
                 WHERE id = ?1",
                [id],
                draft_row,
            )
            .optional()?;
        row.map(decode_draft).transpose()
    }

    /// Every saved draft, most recently edited first (what the app restores after a crash).
    pub fn drafts(&self) -> Result<Vec<Draft>> {
        let conn = self.lock();
        let mut stmt = conn.prepare(
            "SELECT id, idempotency_key, content, created_at, updated_at FROM drafts
             ORDER BY updated_at DESC, id",
        )?;
        let rows = stmt
            .query_map([], draft_row)?
            .collect::<Result<Vec<_>, _>>()?;
        rows.into_iter().map(decode_draft).collect()
    }

    /// Discards a draft (missing drafts are ignored).
    pub fn discard_draft(&self, id: &str) -> Result<()> {
        self.lock()
            .execute("DELETE FROM drafts WHERE id = ?1", [id])?;
        Ok(())
    }
}

type DraftRow = (String, String, String, i64, i64);

fn draft_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<DraftRow> {
    Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
}

fn decode_draft((id, key, content, created, updated): DraftRow) -> Result<Draft> {
    Ok(Draft {
        id,
        idempotency_key: key,
        content: serde_json::from_str(&content)?,
        created_at: from_millis(created),
        updated_at: from_millis(updated),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form(subject: &str) -> CaseForm {
        CaseForm {
            case_type: "problem".into(),
            subject: subject.into(),
            severity: "2".into(),
            environment: "production".into(),
            product: "Orbit".into(),
            version: "8.1".into(),
            situation: "ingest stalls".into(),
            ..CaseForm::default()
        }
    }

    #[test]
    fn saving_keeps_the_idempotency_key() {
        let cache = Cache::open_in_memory().unwrap();
        let d = cache
            .create_draft(DraftContent::NewCase(form("S")))
            .unwrap();
        let again = cache
            .save_draft(&d.id, DraftContent::NewCase(form("Stalls")))
            .unwrap();
        assert_eq!(again.idempotency_key, d.idempotency_key);
        assert_eq!(again.content, DraftContent::NewCase(form("Stalls")));
        let other = cache
            .create_draft(DraftContent::Reply {
                case_number: 3,
                body: "thanks".into(),
            })
            .unwrap();
        assert_ne!(other.idempotency_key, d.idempotency_key);
        assert_eq!(cache.drafts().unwrap().len(), 2);
        cache.discard_draft(&d.id).unwrap();
        assert_eq!(cache.drafts().unwrap().len(), 1);
    }

    #[test]
    fn drafts_survive_reopening() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("c.sqlite3");
        let id = {
            let cache = Cache::open(&path).unwrap();
            let d = cache
                .create_draft(DraftContent::NewCase(form("S")))
                .unwrap();
            cache
                .save_draft(&d.id, DraftContent::NewCase(form("Half-typed subj")))
                .unwrap();
            d.id
        };
        let cache = Cache::open(&path).unwrap();
        let restored = cache.draft(&id).unwrap().unwrap();
        assert_eq!(
            restored.content,
            DraftContent::NewCase(form("Half-typed subj"))
        );
    }

    #[test]
    fn forms_are_checked_with_the_core() {
        assert!(form("S").to_new_case().is_ok());
        let mut bad = form("S");
        bad.severity = "9".into();
        assert_eq!(
            bad.to_new_case().unwrap_err().code.as_str(),
            "invalid_argument"
        );
        let mut bad = form("S");
        bad.case_type = "complaint".into();
        assert!(bad.to_new_case().is_err());
        let mut bad = form("S");
        bad.environment = "staging".into();
        assert!(bad.to_new_case().is_err());
        assert!(DraftContent::to_new_comment("  ").is_err());
    }

    #[test]
    fn a_reply_needs_a_visible_character_as_the_portal_says() {
        // A zero-width space looks empty to the reader; the portal refuses it, so does the
        // client, before it reaches the outbox.
        let err = DraftContent::to_new_comment("\u{200B}").unwrap_err();
        assert_eq!(err.code.as_str(), "invalid_argument");
        assert!(DraftContent::to_new_comment("Thanks, that fixed it.").is_ok());
    }
}
