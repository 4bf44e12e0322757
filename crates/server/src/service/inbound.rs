//! Incoming mail (issue 11, item 3): what becomes of one message the MTA piped to
//! `POST /mail/inbound` — a comment, a new case, a refusal or nothing.
//!
//! The order of the checks is the loop guard's: automatic mail (auto-replies, bounces, lists)
//! and mail from the support address itself are dropped before anything else and never
//! answered; a Message-ID already taken is dropped (the MTA may deliver a message twice). Only
//! then are the recipients classified ([`classify_recipients`]): a signed reply address names
//! a case, the plain support address opens one.
//!
//! Who may write is decided from the `From` address, which the server trusts because the MTA
//! in front of it checks SPF, DKIM and DMARC (see the server's README). A reply is accepted
//! from any current support contact of the case's organisation, not only the one whose token
//! the address carries: colleagues forward and answer each other's mail. An engineer's reply
//! is accepted only from the engineer the token names, and becomes their public reply, mailed
//! to the customers like one written in the portal. Everything refused
//! stores nothing; a registered support contact is told why by mail, at most once an hour per
//! address (`Store::queue_answer`), and nobody else hears anything, so the gate cannot be used
//! to send mail to strangers.
//!
//! Comments and cases go through the same service paths as the portal's ([`post_comment`],
//! [`plan_case`] and the store's `create_case_mailing`), so statuses, deadlines, assignment
//! and the outgoing mails are exactly a portal user's. Both carry an idempotency key made from
//! the Message-ID, so a message handled again after a crash cannot add a second comment; a
//! claim left `processing` by a handler that died is taken over after [`STALE_CLAIM`], so such
//! a message is not lost either.

use crate::error::{ApiError, ApiResult};
use crate::service::cases::{plan_case, request_hash, validate_new_case};
use crate::service::comments::{post_comment, MAX_ATTACHMENTS_PER_COMMENT};
use crate::service::files::{clean_content_type, clean_filename};
use crate::service::sessions::Caller;
use crate::state::AppState;
use crate::store::{
    AccountRecord, AttachmentInsert, CaseFilter, IdempotencyKey, QueuedMail, StoreError,
};
use casewatch_api::{NewCase, NewComment, Role};
use casewatch_core::case_form::{mail_defaults, SUBJECT_MAX, TEXT_MAX};
use casewatch_core::CaseStatus;
use casewatch_mail::{
    classify_recipient, classify_recipients, parse, reply_text, Inbound, InboundAttachment, Mail,
    Recipient, RefusalReason, ReplyKey, ReplyTarget,
};
use chrono::{DateTime, TimeDelta, Utc};
use sha2::{Digest, Sha256};

/// The subject of a case opened by a mail without one.
pub const NO_SUBJECT: &str = "(no subject)";
/// The impact of a case opened by mail: a mail has no such field.
pub const MAIL_IMPACT: &str =
    "Not stated: this case was opened by e-mail. The engineer will ask about the impact if needed.";
/// The product of a case opened by mail when the organisation has filed none before.
pub const UNKNOWN_PRODUCT: &str = "Not stated (opened by e-mail)";
/// The version in the same case.
pub const UNKNOWN_VERSION: &str = "not stated";
/// The text of a comment or case whose mail carried only files.
pub const FILES_ONLY: &str = "(sent by e-mail with attached files only)";
/// How long an address waits between two automatic answers.
pub const ANSWER_INTERVAL: TimeDelta = TimeDelta::hours(1);
/// How old a claim still `processing` must be to count as abandoned (its handler died): far
/// beyond the request timeout, so a live handler is never overtaken.
pub const STALE_CLAIM: TimeDelta = TimeDelta::minutes(10);

/// What became of an incoming mail.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// A comment was added to the case.
    Comment {
        /// The case.
        case_number: i64,
    },
    /// A case was opened.
    Case {
        /// The new case.
        case_number: i64,
    },
    /// Nothing was stored; `reason` says why (a registered sender was told by mail).
    Refused {
        /// `unknown_sender`, `not_a_contact`, `other_organisation`, `bad_token`,
        /// `unknown_case` or `closed_case`.
        reason: &'static str,
        /// The case the mail was meant for, when known.
        case_number: Option<i64>,
    },
    /// Nothing was stored and nobody is told.
    Ignored {
        /// `automatic`, `own_address`, `duplicate`, `not_for_support` or `empty`.
        reason: &'static str,
    },
}

impl Outcome {
    /// `comment`, `case`, `refused` or `ignored`.
    pub fn label(&self) -> &'static str {
        match self {
            Outcome::Comment { .. } => "comment",
            Outcome::Case { .. } => "case",
            Outcome::Refused { .. } => "refused",
            Outcome::Ignored { .. } => "ignored",
        }
    }
}

/// What the gate needs besides the store: our address and the reply-token key.
pub struct Gate<'a> {
    /// The support address (`--mail-from`).
    pub mail_from: &'a str,
    /// The key reply tokens are signed with.
    pub key: &'a ReplyKey,
}

/// Handles one raw message. A message that cannot be read is `invalid_argument` (400); a
/// failure of the database is answered as such, with the Message-ID released so the MTA's
/// retry is handled in full.
pub async fn receive(state: &AppState, gate: &Gate<'_>, raw: &[u8]) -> ApiResult<Outcome> {
    let mail = parse(raw).map_err(|e| {
        ApiError::invalid(format!(
            "the body is not an e-mail message ({}): {e}",
            e.code()
        ))
    })?;
    if mail.automatic {
        return Ok(Outcome::Ignored {
            reason: "automatic",
        });
    }
    // Our own address, or one of its plus-addresses: a mail of ours that came back.
    if classify_recipient(&mail.from, gate.mail_from, gate.key) != Recipient::Other {
        return Ok(Outcome::Ignored {
            reason: "own_address",
        });
    }
    let id = message_key(&mail, raw);
    let now = Utc::now();
    if !state
        .store
        .claim_inbound(&id, now, now - STALE_CLAIM)
        .await?
    {
        return Ok(Outcome::Ignored {
            reason: "duplicate",
        });
    }
    match handle(state, gate, &mail, &id, now).await {
        Ok(outcome) => {
            state.store.finish_inbound(&id, outcome.label()).await?;
            Ok(outcome)
        }
        Err(e) => {
            // Best effort: if even this fails, the retry is dropped as a duplicate, which the
            // error log of the first failure explains.
            if let Err(release) = state.store.release_inbound(&id).await {
                tracing::error!(error = %release, "an incoming mail's Message-ID stays taken");
            }
            Err(e)
        }
    }
}

/// The key a message is remembered by: its Message-ID, or for a message without one the
/// SHA-256 of its bytes (the MTA redelivers the same bytes).
fn message_key(mail: &Inbound, raw: &[u8]) -> String {
    match &mail.message_id {
        Some(id) if !id.trim().is_empty() => id.trim().to_string(),
        _ => format!("sha256:{}", hex::encode(Sha256::digest(raw))),
    }
}

/// The idempotency key of what the message stores (1–200 visible ASCII characters).
fn idempotency_key(id: &str) -> String {
    format!("mail:{}", hex::encode(Sha256::digest(id.as_bytes())))
}

async fn handle(
    state: &AppState,
    gate: &Gate<'_>,
    mail: &Inbound,
    id: &str,
    now: DateTime<Utc>,
) -> ApiResult<Outcome> {
    let sender = sender(state, &mail.from).await?;
    match classify_recipients(&mail.recipients, gate.mail_from, gate.key) {
        Recipient::Other => Ok(Outcome::Ignored {
            reason: "not_for_support",
        }),
        Recipient::BadToken => {
            refuse(state, mail, sender, RefusalReason::BadToken, None, now).await
        }
        Recipient::Reply(target) => reply(state, mail, sender, target, id, now).await,
        Recipient::NewCase => new_case(state, mail, sender, id, now).await,
    }
}

/// The current account with the sender's address, if any.
async fn sender(state: &AppState, from: &str) -> ApiResult<Option<AccountRecord>> {
    match state.store.credentials(from).await? {
        Some(c) => Ok(Some(state.store.account(c.user_id).await?)),
        None => Ok(None),
    }
}

fn refusal_label(reason: RefusalReason) -> &'static str {
    match reason {
        RefusalReason::UnknownCase => "unknown_case",
        RefusalReason::ClosedCase => "closed_case",
        RefusalReason::OtherOrganisation => "other_organisation",
        RefusalReason::BadToken => "bad_token",
        RefusalReason::NotAContact => "not_a_contact",
    }
}

/// Stores nothing; a sender who is a support contact is told why (once an hour at most),
/// anyone else is not — an engineer included: the refusal texts speak to customers, and
/// engineers answer in the app.
async fn refuse(
    state: &AppState,
    mail: &Inbound,
    sender: Option<AccountRecord>,
    reason: RefusalReason,
    case_number: Option<i64>,
    now: DateTime<Utc>,
) -> ApiResult<Outcome> {
    let Some(account) = sender else {
        return Ok(Outcome::Refused {
            reason: "unknown_sender",
            case_number,
        });
    };
    if state.mailer.is_some() && account.role == Role::Contact {
        let lang = state.store.mail_settings(account.id).await?.locale;
        let refusal = Mail::Refusal {
            reason,
            case_number,
            original_subject: mail.subject.clone(),
            in_reply_to: mail.message_id.clone(),
        };
        let queued = QueuedMail {
            case_number: None,
            to_address: account.email.clone(),
            account_id: Some(account.id),
            lang,
            payload: serde_json::to_string(&refusal).map_err(ApiError::internal)?,
        };
        if state
            .store
            .queue_answer(queued, now, now - ANSWER_INTERVAL)
            .await?
        {
            crate::mailer::wake(state);
        } else {
            tracing::info!(
                account = account.id,
                "refusal not mailed: answered within the hour"
            );
        }
    }
    Ok(Outcome::Refused {
        reason: refusal_label(reason),
        case_number,
    })
}

/// A current support contact, as the comment's or case's author.
fn contact_caller(account: &AccountRecord, org_id: i64) -> Caller {
    Caller {
        user_id: account.id,
        name: account.name.clone(),
        role: Role::Contact,
        org_id: Some(org_id),
        key_contact: account.key_contact,
        session_id: 0,
    }
}

/// A current engineer, as a reply's author.
fn engineer_caller(account: &AccountRecord) -> Caller {
    Caller {
        user_id: account.id,
        name: account.name.clone(),
        role: Role::Engineer,
        org_id: None,
        key_contact: false,
        session_id: 0,
    }
}

async fn reply(
    state: &AppState,
    mail: &Inbound,
    sender: Option<AccountRecord>,
    target: ReplyTarget,
    id: &str,
    now: DateTime<Utc>,
) -> ApiResult<Outcome> {
    let number = target.case_number;
    let case = match state.store.case(number, None).await {
        Ok(c) => c,
        Err(StoreError::NotFound(_)) => {
            return refuse(
                state,
                mail,
                sender,
                RefusalReason::UnknownCase,
                Some(number),
                now,
            )
            .await
        }
        Err(e) => return Err(e.into()),
    };
    let Some(account) = sender.as_ref() else {
        return refuse(
            state,
            mail,
            None,
            RefusalReason::NotAContact,
            Some(number),
            now,
        )
        .await;
    };
    // An engineer answers the mail that told them of the case: only the engineer the token
    // names (a colleague's forwarded notice does not let another engineer write as one).
    let engineer = account.role == Role::Engineer
        && account.id == target.account_id
        && state.store.is_active_engineer(account.id).await?;
    let reason = match (account.role, account.org_id) {
        (Role::Contact, Some(org)) if org == case.org_id => None,
        (Role::Contact, Some(_)) => Some(RefusalReason::OtherOrganisation),
        (Role::Engineer, _) if engineer => None,
        _ => Some(RefusalReason::NotAContact),
    };
    let reason =
        reason.or((case.status == CaseStatus::Closed).then_some(RefusalReason::ClosedCase));
    if let Some(reason) = reason {
        return refuse(state, mail, sender, reason, Some(number), now).await;
    }
    let Some(body) = comment_text(&reply_text(&mail.text), !mail.attachments.is_empty()) else {
        return Ok(Outcome::Ignored { reason: "empty" });
    };
    let (caller, plan) = if engineer {
        // A public reply like `/agent/cases/{n}/reply`: the customers get it by mail.
        let (name, markdown) = (account.name.clone(), body.clone());
        let plan = crate::mailer::plan(state, case.org_id, |accounts, _| {
            crate::service::mail::engineer_reply(accounts, name, markdown, false)
        })
        .await?;
        (engineer_caller(account), plan)
    } else {
        (contact_caller(account, case.org_id), None)
    };
    let files = &mail.attachments[..mail.attachments.len().min(MAX_ATTACHMENTS_PER_COMMENT)];
    let attachment_ids = attach(state, &caller, number, files, now).await?;
    post_comment(
        state.store.as_ref(),
        &caller,
        number,
        Some(idempotency_key(id)),
        NewComment {
            body,
            attachment_ids,
        },
        false,
        plan,
    )
    .await?;
    crate::mailer::wake(state);
    Ok(Outcome::Comment {
        case_number: number,
    })
}

async fn new_case(
    state: &AppState,
    mail: &Inbound,
    sender: Option<AccountRecord>,
    id: &str,
    now: DateTime<Utc>,
) -> ApiResult<Outcome> {
    let (account, org_id) = match sender.as_ref().map(|a| (a, a.role, a.org_id)) {
        Some((a, Role::Contact, Some(org))) => (a, org),
        _ => return refuse(state, mail, sender, RefusalReason::NotAContact, None, now).await,
    };
    let org = state.store.org(org_id).await?;
    let defaults = mail_defaults(&org.contract);
    // The product and version of the organisation's latest case: most customers run one
    // product, and an engineer corrects the rest.
    let latest = state
        .store
        .list_cases(CaseFilter {
            scope: Some(org_id),
            status: None,
            before: None,
            limit: 1,
        })
        .await?;
    let (product, version) = latest
        .first()
        .map(|c| (c.product.clone(), c.version.clone()))
        .unwrap_or_else(|| (UNKNOWN_PRODUCT.into(), UNKNOWN_VERSION.into()));
    // The whole text when nothing is left after stripping: a forwarded mail is all quote.
    let stripped = reply_text(&mail.text);
    let text = if stripped.trim().is_empty() {
        mail.text.trim().to_string()
    } else {
        stripped
    };
    let situation = comment_text(&text, true).unwrap_or_else(|| FILES_ONLY.to_string());
    let new = NewCase {
        case_type: defaults.case_type,
        subject: case_subject(&mail.subject),
        severity: defaults.severity,
        environment: defaults.environment,
        product,
        version,
        situation,
        impact: MAIL_IMPACT.into(),
        maintenance_window: None,
        cc: Vec::new(),
    };
    validate_new_case(&new)?;
    let insert = plan_case(&org, account.id, &new, now)?;
    let idempotency = IdempotencyKey {
        user_id: account.id,
        scope: "cases".into(),
        key: idempotency_key(id),
        request_hash: request_hash(&new),
    };
    let plan = crate::mailer::plan(state, org_id, crate::service::mail::case_created).await?;
    let (case, _) = state
        .store
        .create_case_mailing(insert, Some(idempotency), plan)
        .await?;
    crate::mailer::wake(state);
    let caller = contact_caller(account, org_id);
    attach(state, &caller, case.number, &mail.attachments, now).await?;
    Ok(Outcome::Case {
        case_number: case.number,
    })
}

/// Stores the files on the case as a portal upload would; answers their ids.
async fn attach(
    state: &AppState,
    caller: &Caller,
    number: i64,
    files: &[InboundAttachment],
    now: DateTime<Utc>,
) -> ApiResult<Vec<String>> {
    let mut ids = Vec::with_capacity(files.len());
    for file in files {
        let sha = hex::encode(Sha256::digest(&file.bytes));
        state
            .store
            .put_attachment_blob(&sha, file.bytes.clone())
            .await?;
        let stored = state
            .store
            .create_attachment(AttachmentInsert {
                id: format!("att_{}", crate::service::accounts::random_token(16)?),
                case_number: number,
                scope: caller.scope(),
                uploaded_by: caller.user_id,
                filename: clean_filename(Some(&file.file_name)),
                content_type: clean_content_type(Some(&file.content_type)),
                size: file.bytes.len() as u64,
                sha256: sha,
                at: now,
            })
            .await?;
        ids.push(stored.id);
    }
    Ok(ids)
}

/// A mail's text as a stored Markdown field: no NUL, at most [`TEXT_MAX`] bytes (cut at a
/// line, with a note), and [`FILES_ONLY`] when only files came; `None` when nothing came.
pub fn comment_text(text: &str, has_files: bool) -> Option<String> {
    let text = text.replace('\0', "").trim().to_string();
    if !text.chars().any(casewatch_core::case_form::is_visible) {
        return has_files.then(|| FILES_ONLY.to_string());
    }
    if text.len() <= TEXT_MAX {
        return Some(text);
    }
    const NOTE: &str = "\n\n[The rest of the mail was too long and was cut.]";
    let mut end = TEXT_MAX - NOTE.len();
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    let cut = text[..end].rfind('\n').unwrap_or(end);
    Some(format!("{}{NOTE}", &text[..cut]))
}

/// A mail's subject as a case subject: one line, at most [`SUBJECT_MAX`] characters, and
/// [`NO_SUBJECT`] when empty. `Re:` and `Fwd:` stay: they tell the engineer where the mail
/// came from.
pub fn case_subject(subject: &str) -> String {
    let one_line: String = subject
        .chars()
        .map(|c| {
            if c.is_control() || matches!(c, '\u{2028}' | '\u{2029}') {
                ' '
            } else {
                c
            }
        })
        .collect();
    let words: Vec<&str> = one_line.split_whitespace().collect();
    let joined = words.join(" ");
    if !joined.chars().any(casewatch_core::case_form::is_visible) {
        return NO_SUBJECT.to_string();
    }
    joined.chars().take(SUBJECT_MAX).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn subjects_become_one_visible_line() {
        assert_eq!(
            case_subject("  Re:  Search\t is\r\n slow "),
            "Re: Search is slow"
        );
        assert_eq!(case_subject(""), NO_SUBJECT);
        assert_eq!(case_subject("\u{200B} "), NO_SUBJECT);
        assert_eq!(case_subject(&"x".repeat(500)).chars().count(), SUBJECT_MAX);
    }

    #[test]
    fn texts_are_kept_within_the_limit_and_files_alone_say_so() {
        assert_eq!(comment_text("  hi\0 ", false).as_deref(), Some("hi"));
        assert_eq!(comment_text(" \n ", false), None);
        assert_eq!(comment_text(" \n ", true).as_deref(), Some(FILES_ONLY));
        let long = "line of text\n".repeat(10_000);
        let cut = comment_text(&long, false).unwrap();
        assert!(cut.len() <= TEXT_MAX, "{}", cut.len());
        assert!(cut.ends_with("was cut.]"));
    }
}
