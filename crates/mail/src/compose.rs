//! The support centre's outgoing mails: what each says, and the whole RFC 5322 message.
//!
//! A [`Mail`] is data (serde JSON), so the server can store it in its queue in the same
//! transaction as the event that causes it and render it only when sending. Rendering is
//! deterministic: the same `Mail` and [`RenderContext`] give the same bytes, down to the
//! `Date` header and the MIME boundary, so a mail re-sent after a crash is the same message
//! and the recipient's client shows it once.
//!
//! Every mail is `multipart/alternative` with a plain-text and an HTML part built from one
//! list of blocks, so the two cannot say different things. Mails about a case share the
//! subject `[Case #N] <subject>` and point `In-Reply-To`/`References` at the case's thread
//! root `<case-N@domain>`, so a mail client shows one conversation per case. Every mail is
//! marked `Auto-Submitted` (RFC 3834) so well-behaved systems do not auto-reply to it.

use crate::address;
use crate::error::MailError;
use crate::markdown::to_safe_html;
use crate::texts::{self, Label};
use casewatch_core::{CallbackWindow, CaseType, Lang, Severity};
use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use lettre::message::header::{HeaderName, HeaderValue};
use lettre::message::{Mailbox, MultiPart, MultiPartKind, SinglePart};
use lettre::Message;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// One mail the support centre sends, as data.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(
    tag = "kind",
    rename_all = "kebab-case",
    rename_all_fields = "snake_case"
)]
pub enum Mail {
    /// To the opener and the case's CCs: the case exists.
    CaseCreated {
        /// The case's number.
        case_number: i64,
        /// The case's subject.
        subject: String,
        /// Its type.
        case_type: CaseType,
        /// Its severity.
        severity: Severity,
        /// The product it is about.
        product: String,
        /// Who opened it.
        opener_name: String,
        /// When the initial response is due (`None`: no target applies).
        initial_response_due: Option<DateTime<Utc>>,
        /// True when the deadline is only a best-effort expectation (SPEC §3).
        best_effort: bool,
        /// The recipient's zone.
        contact_zone: Tz,
        /// The contract's zone (the deadline is shown in both when they differ).
        contract_zone: Tz,
    },
    /// An engineer's public reply.
    EngineerReply {
        /// The case's number.
        case_number: i64,
        /// The case's subject.
        subject: String,
        /// The engineer's name.
        engineer_name: String,
        /// The reply, in Markdown.
        body_markdown: String,
    },
    /// The case was marked solved.
    CaseSolved {
        /// The case's number.
        case_number: i64,
        /// The case's subject.
        subject: String,
    },
    /// A callback window was agreed.
    CallbackScheduled {
        /// The case's number.
        case_number: i64,
        /// The case's subject.
        subject: String,
        /// When the call may come.
        window: CallbackWindow,
        /// The zone to show it in (the recipient's).
        zone: Tz,
    },
    /// A key contact registered a new contact.
    Invitation {
        /// The customer organisation.
        org_name: String,
        /// The key contact who registered the recipient.
        inviter_name: String,
        /// The single-use set-password link.
        link: String,
        /// When the link stops working.
        expires: DateTime<Utc>,
        /// The zone to show `expires` in.
        zone: Tz,
    },
    /// A password reset was asked for.
    PasswordReset {
        /// The single-use link.
        link: String,
        /// When the link stops working.
        expires: DateTime<Utc>,
        /// The zone to show `expires` in.
        zone: Tz,
    },
    /// To engineers: a new case for them.
    EngineerNewCase {
        /// Assigned to the recipient, or unassigned and the recipient is on duty.
        assigned_to_you: bool,
        /// The case's number.
        case_number: i64,
        /// The customer organisation.
        org_name: String,
        /// The case's severity.
        severity: Severity,
        /// The case's subject.
        subject: String,
    },
    /// To a registered contact whose mail was not stored.
    Refusal {
        /// Why.
        reason: RefusalReason,
        /// The case the mail was meant for, when known.
        case_number: Option<i64>,
        /// The subject of the refused mail.
        original_subject: String,
        /// The refused mail's Message-ID, so the refusal threads under it.
        in_reply_to: Option<String>,
    },
}

/// Why an incoming mail was not stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum RefusalReason {
    /// It answers a case that does not exist.
    UnknownCase,
    /// It answers a closed case.
    ClosedCase,
    /// The sender is a contact of another organisation than the case's.
    OtherOrganisation,
    /// The reply address's token is forged, mangled or foreign.
    BadToken,
    /// The sender's account is not a support contact of the organisation.
    NotAContact,
}

/// What the sender knows at send time, besides the mail.
///
/// Render once per recipient: the language and the Reply-To token (which names the
/// recipient's account) are the recipient's own.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RenderContext {
    /// The support centre's address (`From`, and the domain of thread ids).
    pub mail_from: String,
    /// The portal's base URL, for links.
    pub public_url: String,
    /// This mail's id, stable across retries (e.g. from the queue row): `<id@domain>`,
    /// `id@domain`, or a bare `id` (then `@` and the domain of `mail_from` are added).
    pub message_id: String,
    /// Where replies go (a [`crate::reply_address`]); `None` for mails not to be answered.
    pub reply_to: Option<String>,
    /// The recipient's language.
    pub lang: Lang,
    /// The recipients.
    pub to: Vec<String>,
    /// The `Date` header: when the mail was queued, so a retry renders the same bytes.
    pub date: DateTime<Utc>,
}

/// The thread root of a case's mails: `<case-N@domain>` with the domain of `mail_from`.
pub fn thread_root_id(case_number: i64, mail_from: &str) -> String {
    let domain = address::split(mail_from)
        .map(|(_, d)| d)
        .unwrap_or_else(|| "casewatch.invalid".into());
    format!("<case-{case_number}@{domain}>")
}

/// A mail's content, shared by the text and HTML parts.
enum Block {
    Para(String),
    Facts(Vec<(&'static str, String)>),
    Link(&'static str, String),
    Markdown(String),
    Small(String),
}

impl Mail {
    /// The case the mail is about, if any: it then threads with the case's other mails.
    pub fn case_number(&self) -> Option<i64> {
        match self {
            Mail::CaseCreated { case_number, .. }
            | Mail::EngineerReply { case_number, .. }
            | Mail::CaseSolved { case_number, .. }
            | Mail::CallbackScheduled { case_number, .. }
            | Mail::EngineerNewCase { case_number, .. } => Some(*case_number),
            Mail::Invitation { .. } | Mail::PasswordReset { .. } | Mail::Refusal { .. } => None,
        }
    }

    fn subject(&self, lang: Lang) -> String {
        match self {
            Mail::CaseCreated {
                case_number,
                subject,
                ..
            }
            | Mail::EngineerReply {
                case_number,
                subject,
                ..
            }
            | Mail::CaseSolved {
                case_number,
                subject,
            }
            | Mail::CallbackScheduled {
                case_number,
                subject,
                ..
            }
            | Mail::EngineerNewCase {
                case_number,
                subject,
                ..
            } => texts::case_subject(*case_number, subject),
            Mail::Invitation { org_name, .. } => texts::invitation_subject(org_name, lang),
            Mail::PasswordReset { .. } => texts::password_reset_subject(lang).to_string(),
            Mail::Refusal {
                original_subject, ..
            } => texts::refusal_subject(original_subject, lang),
        }
    }

    fn blocks(&self, ctx: &RenderContext) -> Vec<Block> {
        let lang = ctx.lang;
        let mut blocks = Vec::new();
        match self {
            Mail::CaseCreated {
                case_number,
                subject,
                case_type,
                severity,
                product,
                opener_name,
                initial_response_due,
                best_effort,
                contact_zone,
                contract_zone,
            } => {
                blocks.push(Block::Para(texts::case_created(
                    *case_number,
                    opener_name,
                    lang,
                )));
                let mut facts = vec![
                    (texts::label(Label::Case, lang), format!("#{case_number}")),
                    (texts::label(Label::Subject, lang), subject.clone()),
                    (
                        texts::label(Label::Type, lang),
                        texts::case_type(*case_type, lang).to_string(),
                    ),
                    (
                        texts::label(Label::Severity, lang),
                        texts::severity(*severity, lang),
                    ),
                    (texts::label(Label::Product, lang), product.clone()),
                ];
                match initial_response_due {
                    Some(due) => {
                        let mut shown = texts::when(*due, *contact_zone, lang);
                        if contract_zone != contact_zone {
                            shown =
                                format!("{shown} / {}", texts::when(*due, *contract_zone, lang));
                        }
                        let key = if *best_effort {
                            Label::BestEffortResponse
                        } else {
                            Label::InitialResponse
                        };
                        facts.push((texts::label(key, lang), shown));
                    }
                    None => blocks.push(Block::Small(texts::no_response_target(lang).into())),
                }
                blocks.insert(1, Block::Facts(facts));
                case_links(&mut blocks, *case_number, ctx);
                blocks.push(Block::Small(texts::reply_hint(lang).into()));
            }
            Mail::EngineerReply {
                case_number,
                engineer_name,
                body_markdown,
                ..
            } => {
                blocks.push(Block::Para(texts::engineer_replied(
                    *case_number,
                    engineer_name,
                    lang,
                )));
                blocks.push(Block::Markdown(body_markdown.clone()));
                case_links(&mut blocks, *case_number, ctx);
                blocks.push(Block::Small(texts::reply_hint(lang).into()));
            }
            Mail::CaseSolved { case_number, .. } => {
                blocks.push(Block::Para(texts::case_solved(*case_number, lang)));
                case_links(&mut blocks, *case_number, ctx);
            }
            Mail::CallbackScheduled {
                case_number,
                window,
                zone,
                ..
            } => {
                let start = texts::when(window.start, *zone, lang);
                let end = texts::when(window.end, *zone, lang);
                blocks.push(Block::Para(texts::callback_scheduled(
                    *case_number,
                    &start,
                    &end,
                    lang,
                )));
                case_links(&mut blocks, *case_number, ctx);
                blocks.push(Block::Small(texts::reply_hint(lang).into()));
            }
            Mail::Invitation {
                org_name,
                inviter_name,
                link,
                expires,
                zone,
            } => {
                blocks.push(Block::Para(texts::invitation(org_name, inviter_name, lang)));
                blocks.push(Block::Link(texts::set_password(lang), link.clone()));
                blocks.push(Block::Para(texts::link_expires(
                    &texts::when(*expires, *zone, lang),
                    lang,
                )));
                blocks.push(Block::Small(texts::not_expected(lang).into()));
            }
            Mail::PasswordReset {
                link,
                expires,
                zone,
            } => {
                blocks.push(Block::Para(texts::password_reset(lang).into()));
                blocks.push(Block::Link(texts::choose_new_password(lang), link.clone()));
                blocks.push(Block::Para(texts::link_expires(
                    &texts::when(*expires, *zone, lang),
                    lang,
                )));
                blocks.push(Block::Small(texts::reset_not_you(lang).into()));
            }
            Mail::EngineerNewCase {
                assigned_to_you,
                case_number,
                org_name,
                severity,
                subject,
            } => {
                blocks.push(Block::Para(texts::engineer_new_case(
                    *case_number,
                    org_name,
                    *assigned_to_you,
                    lang,
                )));
                blocks.push(Block::Facts(vec![
                    (texts::label(Label::Organisation, lang), org_name.clone()),
                    (
                        texts::label(Label::Severity, lang),
                        texts::severity(*severity, lang),
                    ),
                    (texts::label(Label::Subject, lang), subject.clone()),
                ]));
                case_links(&mut blocks, *case_number, ctx);
            }
            Mail::Refusal {
                reason,
                case_number,
                ..
            } => {
                let support =
                    address::normalise(&ctx.mail_from).unwrap_or_else(|| ctx.mail_from.clone());
                blocks.push(Block::Para(texts::refusal(
                    *reason,
                    *case_number,
                    &support,
                    lang,
                )));
            }
        }
        blocks
    }
}

fn case_links(blocks: &mut Vec<Block>, case_number: i64, ctx: &RenderContext) {
    let base = ctx.public_url.trim_end_matches('/');
    blocks.push(Block::Link(
        texts::open_in_portal(ctx.lang),
        format!("{base}/cases/{case_number}"),
    ));
    blocks.push(Block::Link(
        texts::open_in_app(ctx.lang),
        format!("casewatch://case/{case_number}"),
    ));
}

fn plain(blocks: &[Block], lang: Lang) -> String {
    let colon = texts::colon(lang);
    let parts: Vec<String> = blocks
        .iter()
        .map(|b| match b {
            Block::Para(t) | Block::Small(t) | Block::Markdown(t) => t.trim_end().to_string(),
            Block::Facts(facts) => facts
                .iter()
                .map(|(k, v)| format!("{k}{colon}{v}"))
                .collect::<Vec<_>>()
                .join("\n"),
            Block::Link(label, url) => format!("{label}{colon}{url}"),
        })
        .collect();
    format!("{}\n", parts.join("\n\n"))
}

fn html(blocks: &[Block], lang: Lang) -> String {
    let lang_tag = match lang {
        Lang::En => "en",
        Lang::ZhCn => "zh-CN",
    };
    let mut out = format!(
        "<!DOCTYPE html>\n<html lang=\"{lang_tag}\"><head><meta charset=\"utf-8\"></head>\
         <body style=\"font-family:sans-serif;line-height:1.5\">\n"
    );
    for block in blocks {
        match block {
            Block::Para(t) => out.push_str(&format!("<p>{}</p>\n", escape(t))),
            Block::Small(t) => out.push_str(&format!(
                "<p style=\"color:#666;font-size:90%\">{}</p>\n",
                escape(t)
            )),
            Block::Markdown(md) => out.push_str(&format!("<div>{}</div>\n", to_safe_html(md))),
            Block::Facts(facts) => {
                out.push_str("<table cellpadding=\"2\">\n");
                for (k, v) in facts {
                    out.push_str(&format!(
                        "<tr><th align=\"left\">{}</th><td>{}</td></tr>\n",
                        escape(k),
                        escape(v)
                    ));
                }
                out.push_str("</table>\n");
            }
            Block::Link(label, url) => out.push_str(&format!(
                "<p><a href=\"{}\">{}</a></p>\n",
                escape(url),
                escape(label)
            )),
        }
    }
    out.push_str("</body></html>\n");
    out
}

/// Escapes text for HTML content and attribute values (the set-password page uses it too).
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

fn mailbox(addr: &str) -> Result<Mailbox, MailError> {
    addr.trim()
        .parse::<Mailbox>()
        .map_err(|_| MailError::InvalidAddress(addr.to_string()))
}

/// `<id@domain>` from what the server gave.
fn message_id(given: &str, mail_from: &str) -> Result<String, MailError> {
    let bare = given.trim().trim_start_matches('<').trim_end_matches('>');
    if bare.is_empty()
        || bare
            .chars()
            .any(|c| c.is_whitespace() || c == '<' || c == '>')
    {
        return Err(MailError::Render(format!("unusable Message-ID '{given}'")));
    }
    if bare.contains('@') {
        return Ok(format!("<{bare}>"));
    }
    let (_, domain) = address::split(mail_from)
        .ok_or_else(|| MailError::InvalidAddress(mail_from.to_string()))?;
    Ok(format!("<{bare}@{domain}>"))
}

fn raw_header(name: &'static str, value: &str) -> HeaderValue {
    HeaderValue::new(HeaderName::new_from_ascii_str(name), value.to_string())
}

/// The whole RFC 5322 message for `mail`, ready for SMTP.
pub fn render(mail: &Mail, ctx: &RenderContext) -> Result<Vec<u8>, MailError> {
    let id = message_id(&ctx.message_id, &ctx.mail_from)?;
    let mut builder = Message::builder()
        .from(mailbox(&ctx.mail_from)?)
        .subject(mail.subject(ctx.lang))
        .message_id(Some(id.clone()))
        .date(ctx.date.into());
    if ctx.to.is_empty() {
        return Err(MailError::Render(
            "a mail needs at least one recipient".into(),
        ));
    }
    for to in &ctx.to {
        builder = builder.to(mailbox(to)?);
    }
    if let Some(reply_to) = &ctx.reply_to {
        builder = builder.reply_to(mailbox(reply_to)?);
    }
    if let Some(case_number) = mail.case_number() {
        let root = thread_root_id(case_number, &ctx.mail_from);
        builder = builder.in_reply_to(root.clone()).references(root);
    }
    if let Mail::Refusal {
        in_reply_to: Some(original),
        ..
    } = mail
    {
        let original = format!(
            "<{}>",
            original
                .trim()
                .trim_start_matches('<')
                .trim_end_matches('>')
        );
        builder = builder.in_reply_to(original.clone()).references(original);
    }
    // A refusal answers a message (RFC 3834's auto-replied); every other mail is generated.
    let auto = if matches!(mail, Mail::Refusal { .. }) {
        "auto-replied"
    } else {
        "auto-generated"
    };
    builder = builder
        .raw_header(raw_header("Auto-Submitted", auto))
        // Asks Exchange not to send out-of-office and similar answers to our mails.
        .raw_header(raw_header("X-Auto-Response-Suppress", "All"))
        .raw_header(raw_header(
            "Content-Language",
            match ctx.lang {
                Lang::En => "en",
                Lang::ZhCn => "zh-CN",
            },
        ));

    let blocks = mail.blocks(ctx);
    // The boundary comes from the Message-ID so a re-render is byte-identical.
    let boundary = format!("=_cw_{}", &hex::encode(Sha256::digest(id.as_bytes()))[..24]);
    let body = MultiPart::builder()
        .kind(MultiPartKind::Alternative)
        .boundary(boundary)
        .singlepart(SinglePart::plain(plain(&blocks, ctx.lang)))
        .singlepart(SinglePart::html(html(&blocks, ctx.lang)));
    let message = builder
        .multipart(body)
        .map_err(|e| MailError::Render(e.to_string()))?;
    Ok(message.formatted())
}
