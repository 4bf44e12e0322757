//! Outgoing e-mail: the relay, the reply key, and delivering queued mail (issue 11).
//!
//! Why a queue rather than sending from the request: a mail is a row written in the same
//! transaction as its event (see `service::mail` for who gets what), so a case is never
//! filed without its confirmation nor a confirmation sent for a case that was rolled back, and
//! a relay that is down only delays mail. The sender (`crate::jobs::spawn_mail_sender`) runs
//! on whichever instance holds the `mail-sender` lease, renders each due row with
//! `casewatch_mail::render` (the row's Message-ID and creation time make a repeated attempt
//! the same message, byte for byte) and records the outcome. It marks a row sent only after
//! the relay took it, so a crash in between repeats that one mail and loses none.

use crate::config::ServerConfig;
use crate::contacts::locale_of;
use crate::error::ApiResult;
use crate::state::AppState;
use crate::store::{MailAccount, MailOutcome, MailPlan, MailRow, OrgRecord, Store, StoreError};
use casewatch_mail::{redacted, SmtpSender};
use casewatch_mail::{render, reply_address, Mail, RenderContext, ReplyKey, ReplyTarget};
use chrono::{DateTime, Utc};
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::Notify;

/// `meta` key of the reply-token key, shared by every instance.
pub const REPLY_KEY_META: &str = "mail_reply_key";
/// How long a mail is retried before it is given up.
pub const GIVE_UP_AFTER: chrono::TimeDelta = chrono::TimeDelta::hours(48);
/// The longest wait between two attempts.
const MAX_BACKOFF: Duration = Duration::from_secs(3600);

/// The relay and what every outgoing mail needs.
pub struct Mailer {
    sender: SmtpSender,
    mail_from: String,
    public_url: String,
    key: ReplyKey,
    retry_base: Duration,
    /// How often the sender looks for due mail when not woken.
    pub poll: Duration,
    /// Poked after a write queued mail, so the sender does not wait for its next poll.
    pub wake: Notify,
}

impl std::fmt::Debug for Mailer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Mailer")
            .field("sender", &self.sender)
            .field("mail_from", &self.mail_from)
            .finish_non_exhaustive()
    }
}

impl Mailer {
    /// The mailer for `config`, or `None` when e-mail is off (no `smtp_url`). The reply key
    /// is read from the database, or made and stored by the first instance that needs it.
    pub async fn start(
        config: &ServerConfig,
        store: &dyn Store,
    ) -> Result<Option<Arc<Mailer>>, StoreError> {
        let Some(url) = &config.smtp_url else {
            tracing::info!("e-mail is off (no --smtp-url): no mail is queued or sent");
            return Ok(None);
        };
        let sender = SmtpSender::from_url(url).map_err(|e| StoreError::Invalid(e.to_string()))?;
        let mail_from = config
            .mail_from
            .clone()
            .ok_or_else(|| StoreError::Invalid("--smtp-url needs --mail-from".into()))?;
        let key = reply_key(store).await?;
        let public_url = config
            .public_url
            .clone()
            .unwrap_or_else(|| format!("http://{}", config.listen));
        tracing::info!(relay = %redacted(url), from = %mail_from, "e-mail is on");
        Ok(Some(Arc::new(Mailer {
            sender,
            mail_from,
            public_url,
            key,
            retry_base: config.mail_retry_base,
            poll: config.mail_poll,
            wake: Notify::new(),
        })))
    }

    /// The support centre's address as links in mail use it (`--public-url`).
    pub fn public_url(&self) -> &str {
        &self.public_url
    }

    /// The wait before attempt `attempt + 1` after `attempt` failures: the base, doubled per
    /// failure, at most an hour.
    pub fn backoff(&self, attempts: u32) -> Duration {
        let factor = 2u32.saturating_pow(attempts.saturating_sub(1).min(20));
        self.retry_base.saturating_mul(factor).min(MAX_BACKOFF)
    }

    /// One attempt to deliver a queued row; the outcome to record.
    pub async fn deliver(&self, row: &MailRow, now: DateTime<Utc>) -> MailOutcome {
        let mail: Mail = match serde_json::from_str(&row.payload) {
            Ok(m) => m,
            Err(e) => {
                return MailOutcome::Failed {
                    error: format!("unreadable queued mail: {e}"),
                }
            }
        };
        let reply_to = match (mail.case_number(), row.account_id) {
            (Some(case_number), Some(account_id)) => Some(reply_address(
                &self.mail_from,
                &self.key,
                ReplyTarget {
                    case_number,
                    account_id,
                },
            )),
            _ => None,
        };
        let ctx = RenderContext {
            mail_from: self.mail_from.clone(),
            public_url: self.public_url.clone(),
            message_id: row.message_id.clone(),
            reply_to,
            lang: locale_of(&row.lang),
            to: vec![row.to_address.clone()],
            date: row.created_at,
        };
        let raw = match render(&mail, &ctx) {
            Ok(raw) => raw,
            Err(e) => {
                return MailOutcome::Failed {
                    error: format!("{}: {e}", e.code()),
                }
            }
        };
        match self
            .sender
            .send(&self.mail_from, std::slice::from_ref(&row.to_address), &raw)
            .await
        {
            Ok(()) => MailOutcome::Sent { at: Utc::now() },
            Err(e) if e.is_permanent() => MailOutcome::Failed {
                error: format!("{}: {e}", e.code()),
            },
            Err(e) => {
                let next = now
                    + chrono::TimeDelta::from_std(self.backoff(row.attempts + 1))
                        .unwrap_or(chrono::TimeDelta::hours(1));
                if next - row.created_at > GIVE_UP_AFTER {
                    MailOutcome::Failed {
                        error: format!("gave up after 48 hours: {}: {e}", e.code()),
                    }
                } else {
                    MailOutcome::Retry {
                        next,
                        error: format!("{}: {e}", e.code()),
                    }
                }
            }
        }
    }
}

/// The reply-token key shared by every instance: read from the database, or made and stored
/// by the first instance that needs it (for sending reply addresses or reading replies).
pub async fn reply_key(store: &dyn Store) -> Result<ReplyKey, StoreError> {
    let fresh = ReplyKey::generate().map_err(StoreError::internal)?;
    let stored = store
        .meta_set_if_absent(REPLY_KEY_META, &fresh.to_hex())
        .await?;
    ReplyKey::from_hex(&stored).map_err(StoreError::internal)
}

/// Builds a mail plan when e-mail is on: reads the accounts that may receive mail about the
/// organisation's cases and hands them to `plan` (one of `service::mail`'s).
pub async fn plan(
    state: &AppState,
    org_id: i64,
    plan: impl FnOnce(Vec<MailAccount>, Arc<OrgRecord>) -> MailPlan,
) -> ApiResult<Option<MailPlan>> {
    if state.mailer.is_none() {
        return Ok(None);
    }
    let accounts = state.store.mail_accounts(org_id).await?;
    let org = state.store.org(org_id).await?;
    Ok(Some(plan(accounts, org)))
}

/// Wakes the sender after a write that may have queued mail.
pub fn wake(state: &AppState) {
    if let Some(m) = &state.mailer {
        m.wake.notify_one();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mailer(base: Duration) -> Mailer {
        Mailer {
            sender: SmtpSender::from_url("smtp://127.0.0.1:1").unwrap(),
            mail_from: "support@vendor.example".into(),
            public_url: "https://support.vendor.example".into(),
            key: ReplyKey::from_bytes([7; 32]),
            retry_base: base,
            poll: Duration::from_secs(5),
            wake: Notify::new(),
        }
    }

    #[test]
    fn retries_back_off_from_a_minute_to_an_hour() {
        let m = mailer(Duration::from_secs(60));
        let waits: Vec<u64> = (1..=9).map(|a| m.backoff(a).as_secs() / 60).collect();
        assert_eq!(waits, [1, 2, 4, 8, 16, 32, 60, 60, 60]);
        assert_eq!(m.backoff(u32::MAX), MAX_BACKOFF);
    }

    #[tokio::test]
    async fn an_unreachable_relay_is_retried_until_48_hours_then_given_up() {
        let m = mailer(Duration::from_secs(60));
        let now = Utc::now();
        let mut row = MailRow {
            id: 1,
            created_at: now,
            case_number: None,
            to_address: "a@example.com".into(),
            account_id: None,
            lang: "en".into(),
            payload: serde_json::to_string(&Mail::CaseSolved {
                case_number: 3,
                subject: "s".into(),
            })
            .unwrap(),
            message_id: "m1.abc".into(),
            attempts: 0,
        };
        match m.deliver(&row, now).await {
            MailOutcome::Retry { next, error } => {
                assert_eq!(next, now + chrono::TimeDelta::minutes(1));
                assert!(error.starts_with("smtp_transient"), "{error}");
            }
            other => panic!("expected a retry, got {other:?}"),
        }
        row.created_at = now - GIVE_UP_AFTER;
        row.attempts = 40;
        match m.deliver(&row, now).await {
            MailOutcome::Failed { error } => assert!(error.contains("48 hours"), "{error}"),
            other => panic!("expected to give up, got {other:?}"),
        }
        row.payload = "{\"kind\":\"nonsense\"}".into();
        assert!(matches!(
            m.deliver(&row, now).await,
            MailOutcome::Failed { .. }
        ));
    }
}
