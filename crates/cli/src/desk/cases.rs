//! `casewatch cases`, `casewatch case show|new|reply` and `casewatch drafts`.
//!
//! New cases and replies go through a draft and the outbox, exactly like the app: the draft
//! gets its idempotency key first, submitting checks the contract with `casewatch-core`, and
//! sending is retried until the server acknowledges — so a command interrupted at any point
//! is completed by the next `casewatch sync` without creating a duplicate.

use super::engine::{self, block_on, fail, finish, Outcome};
use casewatch_api::{Case, Comment};
use casewatch_client::outbox::{crash_point, Delivered, OutboxItem, OutboxState};
use casewatch_client::{CaseForm, ClientError, Draft, DraftContent, Session};
use casewatch_core::CaseStatus;
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
    #[arg(long, default_value = "")]
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

#[derive(Serialize)]
struct CaseListOut {
    cases: Vec<Case>,
    /// True when the server could not be reached and the cached copy is shown.
    stale: bool,
}

/// `casewatch cases`.
pub fn list(args: CasesArgs) -> ExitCode {
    let outcome: Outcome<CaseListOut> = (|| {
        let filter = match args.waiting_on.as_deref() {
            None => None,
            Some("vendor") => Some(CaseStatus::WaitingOnVendor),
            Some("customer") => Some(CaseStatus::WaitingOnCustomer),
            Some(other) => {
                return Err(ClientError::Invalid(format!(
                    "--waiting-on must be vendor or customer, not '{other}'"
                )))
            }
        };
        let session = engine::current_session()?;
        let mut stale = args.offline;
        if !args.offline {
            match block_on(session.sync_cases()) {
                Ok(_) => {}
                Err(e) if e.is_transient() => stale = true,
                Err(e) => return Err(e),
            }
        }
        Ok(CaseListOut {
            cases: session.cache.cases(filter)?,
            stale,
        })
    })();
    finish(args.json, outcome, |out| {
        let mut lines: Vec<String> = out
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

#[derive(Serialize)]
struct Shown {
    case: Case,
    comments: Vec<Comment>,
    stale: bool,
}

fn show(args: ShowArgs) -> ExitCode {
    let outcome: Outcome<Shown> = (|| {
        let session = engine::current_session()?;
        let fetched = block_on(async {
            let case = session.api.case(args.number).await?;
            let comments = session.api.comments(args.number).await?.comments;
            Ok((case, comments))
        });
        match fetched {
            Ok((case, comments)) => {
                session.cache.upsert_cases(std::slice::from_ref(&case))?;
                session.cache.upsert_comments(&comments)?;
                Ok(Shown {
                    case,
                    comments,
                    stale: false,
                })
            }
            Err(e) if e.is_transient() => match session.cache.case(args.number)? {
                Some(case) => Ok(Shown {
                    comments: session.cache.comments(args.number)?,
                    case,
                    stale: true,
                }),
                None => Err(e),
            },
            Err(e) => Err(e),
        }
    })();
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
                "\n— {} ({}), {}\n{}\n",
                m.author.name,
                m.author.role.as_str(),
                m.created_at.to_rfc3339(),
                m.body
            ));
        }
        if s.stale {
            out.push_str("\n(offline: cached copy)");
        }
        out.trim_end().to_string()
    })
}

#[derive(Serialize)]
struct Submitted {
    /// `sent` when the server acknowledged, `queued` when it will be sent by a later sync,
    /// `failed` when the server refused it.
    status: &'static str,
    outbox: OutboxItem,
    case_number: Option<i64>,
    comment_id: Option<i64>,
}

/// Queues a draft and tries to send the outbox; the draft is already saved.
fn submit(session: &Session, draft: &Draft) -> Outcome<Submitted> {
    let queued = session.cache.submit_draft(&draft.id)?;
    let report = block_on(session.flush_outbox())?;
    let item = session
        .cache
        .outbox_item(queued.id)?
        .ok_or_else(|| ClientError::Storage("the outbox item vanished".into()))?;
    if item.state == OutboxState::Failed {
        let e = item
            .last_error
            .clone()
            .unwrap_or(casewatch_client::ErrorBody {
                code: "refused".into(),
                message: "the server refused it".into(),
            });
        return Err(ClientError::Refused {
            status: 422,
            code: e.code,
            message: format!("{} (kept in the outbox)", e.message),
        });
    }
    let _ = report;
    let (case_number, comment_id) = match item.delivered {
        Some(Delivered::Case { number }) => (Some(number), None),
        Some(Delivered::Comment { case_number, id }) => (Some(case_number), Some(id)),
        None => (None, None),
    };
    Ok(Submitted {
        status: if item.state == OutboxState::Sent {
            "sent"
        } else {
            "queued"
        },
        outbox: item,
        case_number,
        comment_id,
    })
}

fn submitted_text(s: &Submitted) -> String {
    match (s.status, s.case_number, s.comment_id) {
        ("sent", Some(n), None) => format!("Opened case #{n}."),
        ("sent", Some(n), Some(_)) => format!("Replied on case #{n}."),
        _ => format!(
            "Saved in the outbox (#{}); it will be sent by the next `casewatch sync`{}.",
            s.outbox.id,
            s.outbox
                .last_error
                .as_ref()
                .map(|e| format!(" ({})", e.message))
                .unwrap_or_default()
        ),
    }
}

fn new_case(args: NewArgs) -> ExitCode {
    let json = args.json;
    let outcome: Outcome<Submitted> = (|| {
        let session = engine::current_session()?;
        // Refresh the contract so the core checks today's rules (the cached copy is used
        // when offline).
        if let Ok(me) = block_on(session.api.me()) {
            session.cache.set_me(&me)?;
        }
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
        // Refuse what the contract does not allow before anything is saved or sent.
        let request = form.to_new_case()?;
        casewatch_client::outbox::check_new_case(session.cache.me()?.as_ref(), &request)?;
        let draft = session.cache.create_draft(DraftContent::NewCase(form))?;
        crash_point("after_draft_save");
        submit(&session, &draft)
    })();
    finish(json, outcome, submitted_text)
}

fn reply(args: ReplyArgs) -> ExitCode {
    let outcome: Outcome<Submitted> = (|| {
        let session = engine::current_session()?;
        DraftContent::to_new_comment(&args.body)?;
        let draft = session.cache.create_draft(DraftContent::Reply {
            case_number: args.number,
            body: args.body,
        })?;
        crash_point("after_draft_save");
        submit(&session, &draft)
    })();
    finish(args.json, outcome, submitted_text)
}

#[derive(Serialize)]
struct DraftList {
    drafts: Vec<Draft>,
}

/// `casewatch drafts [send ID | discard ID]`.
pub fn drafts(args: DraftsArgs) -> ExitCode {
    match args.command {
        None => {
            let outcome: Outcome<DraftList> = (|| {
                let session = engine::current_session()?;
                Ok(DraftList {
                    drafts: session.cache.drafts()?,
                })
            })();
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
            let json = json || args.json;
            let outcome = (|| {
                let session = engine::current_session()?;
                let draft = session
                    .cache
                    .draft(&id)?
                    .ok_or_else(|| ClientError::NotFound(format!("there is no draft {id}")))?;
                submit(&session, &draft)
            })();
            finish(json, outcome, submitted_text)
        }
        Some(DraftsCommand::Discard { id, json }) => {
            let json = json || args.json;
            match engine::current_session().and_then(|s| s.cache.discard_draft(&id)) {
                Ok(()) => {
                    crate::output::answer(json, &serde_json::json!({ "discarded": id }), || {
                        format!("Discarded draft {id}.")
                    })
                }
                Err(e) => fail(json, &e),
            }
        }
    }
}
