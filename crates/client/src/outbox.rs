//! The outbox: a new case or reply is written locally first, then sent, exactly once.
//!
//! Customer admins file cases on poor networks and must never lose one or file it twice.
//! Submitting a draft moves it, in one SQLite transaction, into the outbox together with the
//! idempotency key the draft got when it was created. Sending posts it with that key as
//! `Idempotency-Key`; the server remembers the key and answers a repeat with the case it
//! already created. An item leaves the "pending" state only once the server's answer has been
//! recorded, so if the network or the process dies at any point — before sending, after the
//! server acted but before the answer arrived, after the answer but before it was recorded —
//! the item is simply sent again on the next start or reconnect, and the server still ends with
//! exactly one case or reply.
//!
//! Test-only: `CASEWATCH_TEST_CRASH_AT=after_outbox_write|after_send|before_ack` makes the
//! process kill itself with SIGKILL at that point — after the outbox row is committed, after the
//! server's success status arrived (body unread), or after the answer was read but before it is
//! recorded. The integration tests use it to prove the guarantee; it does nothing otherwise.

use crate::api::ApiClient;
use crate::cache::{from_millis, to_millis, upsert_case, Cache};
use crate::drafts::DraftContent;
use crate::error::{ClientError, ErrorBody, Result};
use casewatch_api::{Me, NewCase, NewComment};
use casewatch_core::{check_case_form, check_severity, CaseFields, CoreError};
use chrono::{DateTime, Utc};
use rusqlite::{params, OptionalExtension};
use serde::{Deserialize, Serialize};

/// The environment variable of the test-only crash points (see the module docs).
pub const CRASH_AT_ENV: &str = "CASEWATCH_TEST_CRASH_AT";

/// Kills the process with SIGKILL when `CASEWATCH_TEST_CRASH_AT` names this point (tests
/// only; elsewhere a no-op). Nothing runs after it: no destructors, no flushes.
pub fn crash_point(name: &str) {
    if std::env::var(CRASH_AT_ENV).is_ok_and(|v| v == name) {
        eprintln!("casewatch: {CRASH_AT_ENV}={name}: killing this process (test-only crash point)");
        let pid = std::process::id().to_string();
        let _ = std::process::Command::new("kill")
            .args(["-KILL", &pid])
            .status();
        // `kill` missing or refused: die without cleanup all the same.
        std::process::abort();
    }
}

/// What an outbox item sends.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum Payload {
    /// `POST /cases`.
    NewCase {
        /// The case.
        case: NewCase,
    },
    /// `POST /cases/{number}/comments`.
    Reply {
        /// The case.
        case_number: i64,
        /// The comment.
        comment: NewComment,
    },
}

/// Where an item stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "kebab-case")]
pub enum OutboxState {
    /// Not yet acknowledged by the server; sent (again) at the next flush.
    Pending,
    /// The server acknowledged it.
    Sent,
    /// The server refused it (e.g. a rule changed); it stays here so nothing is lost.
    Failed,
}

impl OutboxState {
    fn as_str(self) -> &'static str {
        match self {
            OutboxState::Pending => "pending",
            OutboxState::Sent => "sent",
            OutboxState::Failed => "failed",
        }
    }

    fn parse(s: &str) -> OutboxState {
        match s {
            "sent" => OutboxState::Sent,
            "failed" => OutboxState::Failed,
            _ => OutboxState::Pending,
        }
    }
}

/// What the server created.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum Delivered {
    /// A case.
    Case {
        /// Its number.
        number: i64,
    },
    /// A comment.
    Comment {
        /// The case.
        case_number: i64,
        /// The comment id.
        id: i64,
    },
}

/// One outbox entry.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct OutboxItem {
    /// Local id.
    pub id: i64,
    /// Sent as `Idempotency-Key`; the draft's key.
    pub idempotency_key: String,
    /// The draft it came from.
    pub draft_id: Option<String>,
    /// What is sent.
    pub payload: Payload,
    /// Where it stands.
    pub state: OutboxState,
    /// Send attempts so far.
    pub attempts: i64,
    /// The last failure.
    pub last_error: Option<ErrorBody>,
    /// What the server created, once sent.
    pub delivered: Option<Delivered>,
    /// When it was queued.
    pub created_at: DateTime<Utc>,
}

/// Checks a new case with the core's rules before it is queued: the form rules
/// ([`check_case_form`]) and, when the cached account carries a contract, the severity rules.
/// The server runs the same functions, so checking first gives the same answer without a
/// round trip, even offline.
pub fn check_new_case(me: Option<&Me>, case: &NewCase) -> Result<(), CoreError> {
    check_case_form(&CaseFields {
        case_type: case.case_type,
        subject: &case.subject,
        product: &case.product,
        version: &case.version,
        situation: &case.situation,
        impact: &case.impact,
        maintenance_window: case.maintenance_window.map(Into::into),
    })?;
    if let Some(contract) = me.and_then(|m| m.contract) {
        check_severity(contract.support_level, case.severity, case.environment)?;
    }
    Ok(())
}

/// What one flush did.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct FlushReport {
    /// Items the server acknowledged in this flush.
    pub delivered: Vec<OutboxItem>,
    /// Items the server refused in this flush.
    pub failed: Vec<OutboxItem>,
    /// Items still pending (the network failed).
    pub pending: usize,
    /// Why the flush stopped early, if it did.
    pub stopped_by: Option<ErrorBody>,
}

const ITEM_COLUMNS: &str =
    "id, idempotency_key, draft_id, payload, state, attempts, last_error, result, created_at";

fn item_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<ItemRow> {
    Ok((
        r.get(0)?,
        r.get(1)?,
        r.get(2)?,
        r.get(3)?,
        r.get(4)?,
        r.get(5)?,
        r.get(6)?,
        r.get(7)?,
        r.get(8)?,
    ))
}

type ItemRow = (
    i64,
    String,
    Option<String>,
    String,
    String,
    i64,
    Option<String>,
    Option<String>,
    i64,
);

fn decode_item(row: ItemRow) -> Result<OutboxItem> {
    let (id, key, draft_id, payload, state, attempts, last_error, result, created) = row;
    Ok(OutboxItem {
        id,
        idempotency_key: key,
        draft_id,
        payload: serde_json::from_str(&payload)?,
        state: OutboxState::parse(&state),
        attempts,
        last_error: last_error.map(|e| {
            serde_json::from_str::<serde_json::Value>(&e)
                .ok()
                .and_then(|v| {
                    Some(ErrorBody {
                        code: v.get("code")?.as_str()?.to_string(),
                        message: v.get("message")?.as_str()?.to_string(),
                    })
                })
                .unwrap_or(ErrorBody {
                    code: "unknown".into(),
                    message: e,
                })
        }),
        delivered: result.map(|r| serde_json::from_str(&r)).transpose()?,
        created_at: from_millis(created),
    })
}

impl Cache {
    /// Moves a draft into the outbox (one transaction: the draft is gone exactly when the
    /// outbox item exists). Refuses, with the core's code and message, a case the contract
    /// does not allow, and leaves the draft in place then. Submitting twice is harmless.
    pub fn submit_draft(&self, draft_id: &str) -> Result<OutboxItem> {
        let me = self.me()?;
        let draft = match self.draft(draft_id)? {
            Some(d) => d,
            None => {
                // Already submitted (e.g. a crash right after): return the queued item.
                return self
                    .outbox_by_draft(draft_id)?
                    .ok_or_else(|| ClientError::NotFound(format!("there is no draft {draft_id}")));
            }
        };
        let payload = match &draft.content {
            DraftContent::NewCase(form) => {
                let case = form.to_new_case()?;
                check_new_case(me.as_ref(), &case)?;
                Payload::NewCase { case }
            }
            DraftContent::Reply { case_number, body } => Payload::Reply {
                case_number: *case_number,
                comment: DraftContent::to_new_comment(body)?,
            },
        };
        let now = to_millis(Utc::now());
        let text = serde_json::to_string(&payload)?;
        self.write(|tx| {
            tx.execute(
                "INSERT INTO outbox(idempotency_key, draft_id, payload, state, created_at, updated_at)
                 VALUES (?1, ?2, ?3, 'pending', ?4, ?4)
                 ON CONFLICT(idempotency_key) DO NOTHING",
                params![draft.idempotency_key, draft.id, text, now],
            )?;
            tx.execute("DELETE FROM drafts WHERE id = ?1", [&draft.id])?;
            Ok(())
        })?;
        crash_point("after_outbox_write");
        self.outbox_by_draft(draft_id)?
            .ok_or_else(|| ClientError::Storage("the outbox item vanished".into()))
    }

    fn outbox_by_draft(&self, draft_id: &str) -> Result<Option<OutboxItem>> {
        let row = self
            .lock()
            .query_row(
                &format!("SELECT {ITEM_COLUMNS} FROM outbox WHERE draft_id = ?1"),
                [draft_id],
                item_row,
            )
            .optional()?;
        row.map(decode_item).transpose()
    }

    /// One outbox item.
    pub fn outbox_item(&self, id: i64) -> Result<Option<OutboxItem>> {
        let row = self
            .lock()
            .query_row(
                &format!("SELECT {ITEM_COLUMNS} FROM outbox WHERE id = ?1"),
                [id],
                item_row,
            )
            .optional()?;
        row.map(decode_item).transpose()
    }

    /// Outbox items, oldest first, optionally only those in `state`.
    pub fn outbox(&self, state: Option<OutboxState>) -> Result<Vec<OutboxItem>> {
        let conn = self.lock();
        let mut stmt = conn.prepare(&format!(
            "SELECT {ITEM_COLUMNS} FROM outbox WHERE ?1 IS NULL OR state = ?1 ORDER BY id"
        ))?;
        let rows = stmt
            .query_map([state.map(OutboxState::as_str)], item_row)?
            .collect::<Result<Vec<_>, _>>()?;
        rows.into_iter().map(decode_item).collect()
    }

    /// Removes an item the server refused, once the user has read why. Pending items are not
    /// removable: one may be on the wire, and only its acknowledgement says whether it landed.
    /// Returns whether an item was removed.
    pub fn discard_failed(&self, id: i64) -> Result<bool> {
        let removed = self.lock().execute(
            "DELETE FROM outbox WHERE id = ?1 AND state = 'failed'",
            [id],
        )?;
        Ok(removed > 0)
    }

    fn outbox_note_attempt(
        &self,
        id: i64,
        error: Option<&ClientError>,
        state: OutboxState,
    ) -> Result<()> {
        let error = error
            .map(|e| serde_json::to_string(&e.body()))
            .transpose()?;
        self.lock().execute(
            "UPDATE outbox SET attempts = attempts + 1, last_error = ?2, state = ?3, updated_at = ?4
             WHERE id = ?1",
            params![id, error, state.as_str(), to_millis(Utc::now())],
        )?;
        Ok(())
    }
}

/// Sends every pending item, oldest first, and records the answers. Stops at the first
/// network failure (the rest would fail too) and leaves those items pending for next time.
pub async fn flush(api: &ApiClient, cache: &Cache) -> Result<FlushReport> {
    let mut report = FlushReport::default();
    let pending = cache.outbox(Some(OutboxState::Pending))?;
    let total = pending.len();
    for (i, item) in pending.into_iter().enumerate() {
        let key = item.idempotency_key.as_str();
        let sent: Result<Delivered> = match &item.payload {
            Payload::NewCase { case } => match api.create_case(case, Some(key)).await {
                Ok(created) => {
                    crash_point("before_ack");
                    let number = created.value.number;
                    ack(cache, item.id, Delivered::Case { number }, |tx| {
                        upsert_case(tx, &created.value)
                    })
                    .map(|_| Delivered::Case { number })
                }
                Err(e) => Err(e),
            },
            Payload::Reply {
                case_number,
                comment,
            } => match api.add_comment(*case_number, comment, Some(key)).await {
                Ok(created) => {
                    crash_point("before_ack");
                    let delivered = Delivered::Comment {
                        case_number: *case_number,
                        id: created.value.id,
                    };
                    ack(cache, item.id, delivered, |_| Ok(()))?;
                    cache.upsert_comments(&[created.value])?;
                    Ok(delivered)
                }
                Err(e) => Err(e),
            },
        };
        match sent {
            Ok(_) => {
                if let Some(done) = cache.outbox_item(item.id)? {
                    report.delivered.push(done);
                }
            }
            Err(e @ (ClientError::Storage(_) | ClientError::Secrets(_))) => return Err(e),
            Err(e)
                if e.is_transient()
                    || matches!(
                        e,
                        ClientError::Unauthorized(_) | ClientError::NotSignedIn(_)
                    ) =>
            {
                cache.outbox_note_attempt(item.id, Some(&e), OutboxState::Pending)?;
                report.pending = total - i;
                report.stopped_by = Some(e.body());
                return Ok(report);
            }
            Err(e) => {
                cache.outbox_note_attempt(item.id, Some(&e), OutboxState::Failed)?;
                if let Some(failed) = cache.outbox_item(item.id)? {
                    report.failed.push(failed);
                }
            }
        }
    }
    Ok(report)
}

fn ack(
    cache: &Cache,
    id: i64,
    delivered: Delivered,
    also: impl FnOnce(&rusqlite::Connection) -> Result<()>,
) -> Result<()> {
    let result = serde_json::to_string(&delivered)?;
    cache.write(|tx| {
        also(tx)?;
        tx.execute(
            "UPDATE outbox SET state = 'sent', result = ?2, attempts = attempts + 1,
                last_error = NULL, updated_at = ?3 WHERE id = ?1",
            params![id, result, to_millis(Utc::now())],
        )?;
        Ok(())
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::drafts::CaseForm;

    fn form() -> CaseForm {
        CaseForm {
            case_type: "problem".into(),
            subject: "Ingest stalls".into(),
            severity: "4".into(),
            environment: "production".into(),
            product: "Orbit".into(),
            version: "8.1".into(),
            situation: "stalls".into(),
            impact: "orders are not searchable".into(),
            ..CaseForm::default()
        }
    }

    #[test]
    fn submitting_moves_the_draft_with_its_key() {
        let cache = Cache::open_in_memory().unwrap();
        let mut f = form();
        f.severity = "2".into();
        let d = cache.create_draft(DraftContent::NewCase(f)).unwrap();
        let item = cache.submit_draft(&d.id).unwrap();
        assert_eq!(item.idempotency_key, d.idempotency_key);
        assert_eq!(item.state, OutboxState::Pending);
        assert!(cache.draft(&d.id).unwrap().is_none());
        // Submitting again (after a crash) finds the same item.
        assert_eq!(cache.submit_draft(&d.id).unwrap().id, item.id);
        assert_eq!(cache.outbox(None).unwrap().len(), 1);
    }

    #[test]
    fn the_contract_is_checked_with_the_core_before_queueing() {
        use casewatch_api::{Role, User};
        use casewatch_core::{Contract, Deployment, Subscription};
        let cache = Cache::open_in_memory().unwrap();
        cache
            .set_me(&Me {
                user: User {
                    id: 1,
                    email: "a@x.example".into(),
                    name: "A".into(),
                    role: Role::Contact,
                    key_contact: true,
                    org_id: Some(1),
                },
                organisation: None,
                contract: Some(
                    Contract::new_sale(Deployment::Cloud, Subscription::Enterprise, None).unwrap(),
                ),
                calendar: None,
                entitlements: None,
                community_url: None,
                preferences: None,
            })
            .unwrap();
        let d = cache.create_draft(DraftContent::NewCase(form())).unwrap();
        let err = cache.submit_draft(&d.id).unwrap_err();
        assert_eq!(err.code(), "severity_not_allowed");
        assert!(cache.draft(&d.id).unwrap().is_some(), "the draft is kept");
        assert!(cache.outbox(None).unwrap().is_empty());
    }

    #[test]
    fn maintenance_windows_follow_the_case_type() {
        let mut f = form();
        f.severity = "3".into();
        f.case_type = "maintenance-notice".into();
        let case = f.to_new_case().unwrap();
        assert!(check_new_case(None, &case).is_err());
    }

    #[test]
    fn the_core_form_rules_are_checked_before_queueing() {
        let cache = Cache::open_in_memory().unwrap();
        let mut no_impact = form();
        no_impact.severity = "3".into();
        no_impact.impact = " ".into();
        let mut c1_subject = form();
        c1_subject.severity = "3".into();
        c1_subject.subject = "\u{0097}".into();
        for f in [no_impact, c1_subject] {
            let d = cache.create_draft(DraftContent::NewCase(f)).unwrap();
            let err = cache.submit_draft(&d.id).unwrap_err();
            assert_eq!(err.code(), "invalid_argument");
            assert!(cache.draft(&d.id).unwrap().is_some(), "the draft is kept");
        }
        assert!(cache.outbox(None).unwrap().is_empty());
    }
}
