//! `casewatch cases`, `casewatch case show|new|reply` and `casewatch drafts`.
//!
//! Each subcommand is one of the desk's use cases, the app's own: `case new` files through the
//! desk's filing (the core's check against the cached contract → draft → outbox → send →
//! deadline), `case reply` through the thread's reply, `drafts` over the drafts table the app's
//! wizard writes too. A command interrupted at any point is completed by the next
//! `casewatch sync` (the outbox sends it, exactly once). What is left here is reading the flags
//! and choosing the words.

use super::engine::{self, finish, Outcome};
use casewatch_api::{Attachment, Case, Comment};
use casewatch_client::desk::filing::{FilingOutcome, FilingRequest};
use casewatch_client::desk::saved_drafts::SavedDraftSent;
use casewatch_client::desk::thread::{CaseList, CaseThread, Delivery, ReplyOutcome};
use casewatch_client::desk::DeskError;
use casewatch_client::{CaseForm, DraftContent};
use casewatch_core::CaseStatus;
use chrono::{DateTime, Utc};
use clap::{Args, Subcommand};
use serde::Serialize;
use std::process::ExitCode;

/// Flags of `casewatch cases`.
#[derive(Debug, Args)]
pub struct CasesArgs {
    /// Only cases waiting on `vendor` (us) or `customer` (you).
    #[arg(long)]
    waiting_on: Option<String>,
    /// Use the local cache only, without asking the server.
    #[arg(long)]
    offline: bool,
    /// Print one JSON object.
    #[arg(long)]
    json: bool,
}

/// `casewatch case …`.
#[derive(Debug, Args)]
pub struct CaseArgs {
    #[command(subcommand)]
    command: CaseCommand,
}

#[derive(Debug, Subcommand)]
enum CaseCommand {
    /// Show a case and its thread.
    Show(ShowArgs),
    /// Open a new case.
    New(Box<NewArgs>),
    /// Reply in a case thread.
    Reply(ReplyArgs),
}

#[derive(Debug, Args)]
struct ShowArgs {
    /// Case number.
    number: i64,
    /// Print one JSON object.
    #[arg(long)]
    json: bool,
}

#[derive(Debug, Args)]
struct NewArgs {
    /// problem, feature-request, how-to, account-change or maintenance-notice.
    #[arg(long = "type", default_value = "problem")]
    case_type: String,
    /// One-line subject.
    #[arg(long)]
    subject: String,
    /// 1 (urgent) to 4 (development).
    #[arg(long)]
    severity: String,
    /// production or non-production.
    #[arg(long, default_value = "production")]
    environment: String,
    /// Product.
    #[arg(long)]
    product: String,
    /// Product version.
    #[arg(long)]
    version: String,
    /// The situation: what happens, observable symptoms.
    #[arg(long)]
    situation: String,
    /// The seriousness: business impact in your wider context.
    #[arg(long)]
    impact: String,
    /// Maintenance window start, RFC 3339 (maintenance-notice only).
    #[arg(long)]
    maintenance_start: Option<String>,
    /// Maintenance window end, RFC 3339.
    #[arg(long)]
    maintenance_end: Option<String>,
    /// An e-mail address to keep informed; repeat for more.
    #[arg(long = "cc")]
    cc: Vec<String>,
    /// Print one JSON object.
    #[arg(long)]
    json: bool,
}

#[derive(Debug, Args)]
struct ReplyArgs {
    /// Case number.
    number: i64,
    /// The reply (Markdown).
    #[arg(long)]
    body: String,
    /// Print one JSON object.
    #[arg(long)]
    json: bool,
}

/// Flags of `casewatch drafts`.
#[derive(Debug, Args)]
pub struct DraftsArgs {
    #[command(subcommand)]
    command: Option<DraftsCommand>,
    /// Print one JSON object.
    #[arg(long)]
    json: bool,
}

#[derive(Debug, Subcommand)]
enum DraftsCommand {
    /// Submit a saved draft (checked, queued in the outbox, sent).
    Send {
        /// Draft id.
        id: String,
        /// Print one JSON object.
        #[arg(long)]
        json: bool,
    },
    /// Discard a saved draft.
    Discard {
        /// Draft id.
        id: String,
        /// Print one JSON object.
        #[arg(long)]
        json: bool,
    },
}

/// The `--json` answer of `cases`: the desk's list, plus `stale` (the name scripts have
/// read since before the desk existed) for "answered from the cache".
#[derive(Serialize)]
struct CaseListOut {
    #[serde(flatten)]
    list: CaseList,
    stale: bool,
}

/// `casewatch cases`: the desk's case list (all of them, closed ones too), from the portal or,
/// with `--offline` or when it cannot be reached, from the cache.
pub fn list(args: CasesArgs) -> ExitCode {
    let outcome: Outcome<CaseListOut> = (|| {
        let only = match args.waiting_on.as_deref() {
            None => None,
            Some("vendor") => Some(CaseStatus::WaitingOnVendor),
            Some("customer") => Some(CaseStatus::WaitingOnCustomer),
            Some(other) => {
                return Err(DeskError::invalid(format!(
                    "--waiting-on must be vendor or customer, not '{other}'"
                )))
            }
        };
        let mut list = engine::with_desk(async |desk| {
            if args.offline {
                desk.cached_cases(true)
            } else {
                desk.cases(true).await
            }
        })?;
        if let Some(status) = only {
            list.cases.retain(|c| c.status == status);
        }
        Ok(CaseListOut {
            stale: list.offline,
            list,
        })
    })();
    finish(args.json, outcome, |out| {
        let mut lines: Vec<String> = out
            .list
            .cases
            .iter()
            .map(|c| {
                format!(
                    "#{:<6} S{} {:<20} {}{}",
                    c.number,
                    c.severity.number(),
                    status_text(c.status),
                    c.subject,
                    c.due_at
                        .filter(|_| c.first_response_at.is_none() && c.status.is_open())
                        .map(|d| format!("  (first response due {})", d.to_rfc3339()))
                        .unwrap_or_default()
                )
            })
            .collect();
        lines.extend(out.list.queued.iter().map(|q| {
            format!(
                "(outbox #{}, {}) {}",
                q.outbox_id,
                if q.last_error.is_some() {
                    "refused"
                } else {
                    "not sent yet"
                },
                q.case.subject
            )
        }));
        if lines.is_empty() {
            lines.push("No cases.".into());
        }
        if out.stale {
            lines.push("(offline: showing the cached copy)".into());
        }
        lines.join("\n")
    })
}

fn status_text(s: CaseStatus) -> &'static str {
    match s {
        CaseStatus::WaitingOnVendor => "waiting on us",
        CaseStatus::WaitingOnCustomer => "waiting on you",
        CaseStatus::Solved => "solved",
        CaseStatus::Closed => "closed",
    }
}

/// `casewatch case …`.
pub fn case(args: CaseArgs) -> ExitCode {
    match args.command {
        CaseCommand::Show(a) => show(a),
        CaseCommand::New(a) => new_case(*a),
        CaseCommand::Reply(a) => reply(a),
    }
}

/// The `--json` answer of `case show`: the desk's thread with each comment flat (as scripts
/// have read it) and `stale` for "answered from the cache".
#[derive(Serialize)]
struct Shown {
    case: Case,
    comments: Vec<ShownComment>,
    attachments: Vec<Attachment>,
    as_of: DateTime<Utc>,
    stale: bool,
}

#[derive(Serialize)]
struct ShownComment {
    #[serde(flatten)]
    comment: Comment,
    /// Still in the outbox, not yet acknowledged by the portal.
    pending: bool,
}

impl From<CaseThread> for Shown {
    fn from(thread: CaseThread) -> Shown {
        Shown {
            case: thread.case,
            comments: thread
                .comments
                .into_iter()
                .map(|c| ShownComment {
                    comment: c.comment,
                    pending: c.pending,
                })
                .collect(),
            attachments: thread.attachments,
            as_of: thread.as_of,
            stale: thread.offline,
        }
    }
}

/// `casewatch case show`: the desk's case with its thread.
fn show(args: ShowArgs) -> ExitCode {
    let number = args.number;
    let outcome = engine::with_desk(async |desk| Ok(Shown::from(desk.case(number).await?)));
    finish(args.json, outcome, |s| {
        let c = &s.case;
        let mut out = format!(
            "#{} {} — severity {}, {}, {} {}\n{}\n",
            c.number,
            c.subject,
            c.severity.number(),
            status_text(c.status),
            c.product,
            c.version,
            c.situation
        );
        for m in &s.comments {
            out.push_str(&format!(
                "\n— {} ({}), {}{}\n{}\n",
                m.comment.author.name,
                m.comment.author.role.as_str(),
                m.comment.created_at.to_rfc3339(),
                if m.pending { " [in the outbox]" } else { "" },
                m.comment.body
            ));
        }
        if s.stale {
            out.push_str("\n(offline: cached copy)");
        }
        out.trim_end().to_string()
    })
}

/// The `--json` answer of `case new`, `case reply` and `drafts send`.
#[derive(Serialize)]
struct Submitted {
    /// `sent` when the portal acknowledged it, `queued` while it waits in the outbox (the
    /// next `casewatch sync` sends it).
    status: Delivery,
    /// The outbox item that carries it.
    outbox_id: String,
    /// The case opened or replied on (once the portal acknowledged it).
    case_number: Option<i64>,
    /// The reply's id (once the portal acknowledged it).
    comment_id: Option<i64>,
    /// The case as the portal opened it, its deadline computed now.
    #[serde(skip_serializing_if = "Option::is_none")]
    case: Option<Case>,
    /// The reply as the portal stored it, or as it waits.
    #[serde(skip_serializing_if = "Option::is_none")]
    comment: Option<Comment>,
}

impl From<FilingOutcome> for Submitted {
    fn from(filed: FilingOutcome) -> Submitted {
        Submitted {
            status: filed.state,
            outbox_id: filed.outbox_id,
            case_number: filed.case.as_ref().map(|c| c.number),
            comment_id: None,
            case: filed.case,
            comment: None,
        }
    }
}

impl Submitted {
    fn replied(case_number: i64, replied: ReplyOutcome) -> Submitted {
        let sent = replied.state == Delivery::Sent;
        let comment = replied.comment.map(|c| c.comment);
        Submitted {
            status: replied.state,
            outbox_id: replied.outbox_id,
            case_number: sent.then_some(case_number),
            comment_id: comment.as_ref().filter(|_| sent).map(|c| c.id),
            case: None,
            comment,
        }
    }
}

fn submitted_text(s: &Submitted) -> String {
    match (s.status, s.case_number, s.comment_id) {
        (Delivery::Sent, Some(n), None) => format!("Opened case #{n}."),
        (Delivery::Sent, Some(n), Some(_)) => format!("Replied on case #{n}."),
        _ => format!(
            "Saved in the outbox (#{}); it will be sent by the next `casewatch sync`.",
            s.outbox_id
        ),
    }
}

/// `casewatch case new`: the desk's filing, the app's wizard's own.
fn new_case(args: NewArgs) -> ExitCode {
    let json = args.json;
    let form = CaseForm {
        case_type: args.case_type,
        subject: args.subject,
        severity: args.severity,
        environment: args.environment,
        product: args.product,
        version: args.version,
        situation: args.situation,
        impact: args.impact,
        maintenance_start: args.maintenance_start.unwrap_or_default(),
        maintenance_end: args.maintenance_end.unwrap_or_default(),
        cc: args.cc,
    };
    let outcome = (|| {
        // Parsing the flags into a case is the core's (same codes as the app and server).
        let request = FilingRequest {
            case: form.to_new_case()?,
            attachment_ids: vec![],
            callback_windows: vec![],
            draft_id: None,
        };
        engine::with_desk(async |desk| Ok(Submitted::from(desk.file_case(request).await?)))
    })();
    finish(json, outcome, submitted_text)
}

/// `casewatch case reply`: the desk's thread reply.
fn reply(args: ReplyArgs) -> ExitCode {
    let number = args.number;
    let outcome = engine::with_desk(async |desk| {
        let replied = desk.reply(number, &args.body, &[]).await?;
        Ok(Submitted::replied(number, replied))
    });
    finish(args.json, outcome, submitted_text)
}

/// `casewatch drafts [send ID | discard ID]`: the desk's saved drafts (the app's wizard draft
/// among them).
pub fn drafts(args: DraftsArgs) -> ExitCode {
    match args.command {
        None => {
            let outcome = engine::with_desk(async |desk| desk.saved_drafts());
            finish(args.json, outcome, |l| {
                if l.drafts.is_empty() {
                    return "No saved drafts.".to_string();
                }
                l.drafts
                    .iter()
                    .map(|d| match &d.content {
                        DraftContent::NewCase(f) => {
                            format!("{}  new case: {}", d.id, f.subject)
                        }
                        DraftContent::Reply { case_number, body } => format!(
                            "{}  reply on #{case_number}: {}",
                            d.id,
                            body.chars().take(60).collect::<String>()
                        ),
                    })
                    .collect::<Vec<_>>()
                    .join("\n")
            })
        }
        Some(DraftsCommand::Send { id, json }) => {
            let outcome = engine::with_desk(async |desk| {
                Ok(match desk.send_saved_draft(&id).await? {
                    SavedDraftSent::NewCase { filed } => Submitted::from(*filed),
                    SavedDraftSent::Reply {
                        case_number,
                        replied,
                    } => Submitted::replied(case_number, replied),
                })
            });
            finish(json || args.json, outcome, submitted_text)
        }
        Some(DraftsCommand::Discard { id, json }) => {
            let outcome = engine::with_desk(async |desk| {
                desk.discard_saved_draft(&id)?;
                Ok(serde_json::json!({ "discarded": id }))
            });
            finish(json || args.json, outcome, |_| {
                format!("Discarded draft {id}.")
            })
        }
    }
}
