//! `casewatch sync` and `casewatch search`.
//!
//! `sync` is the one command that talks to the server in bulk (outbox, cases, knowledge base),
//! so that `search` can answer from the local index alone — before filing a case, on a poor
//! network or none.

use super::engine::{self, block_on, finish, Outcome};
use casewatch_api::KbSearchHit;
use casewatch_client::kb_sync::{SyncReport, DEFAULT_PAGE_SIZE};
use casewatch_client::outbox::FlushReport;
use casewatch_client::session::CaseSyncReport;
use clap::Args;
use serde::Serialize;
use std::io::Write;
use std::ops::ControlFlow;
use std::process::ExitCode;

/// Flags of `casewatch sync`.
#[derive(Debug, Args)]
pub struct SyncArgs {
    /// Print one JSON object (no progress lines).
    #[arg(long)]
    json: bool,
}

/// Flags of `casewatch search`.
#[derive(Debug, Args)]
pub struct SearchArgs {
    /// What to look for (English or Chinese; the last word may be unfinished).
    query: String,
    /// Only articles in this locale: en or zh-CN.
    #[arg(long)]
    locale: Option<String>,
    /// Only known issues.
    #[arg(long)]
    known_issues: bool,
    /// Most results (1-100).
    #[arg(long, default_value_t = 10)]
    limit: usize,
    /// Print one JSON object.
    #[arg(long)]
    json: bool,
}

#[derive(Serialize)]
struct Synced {
    outbox: FlushReport,
    cases: CaseSyncReport,
    kb: SyncReport,
}

/// `casewatch sync`.
pub fn sync(args: SyncArgs) -> ExitCode {
    let json = args.json;
    let outcome: Outcome<Synced> = (|| {
        let session = engine::current_session()?;
        let kb = session.local_kb()?;
        block_on(async {
            let outbox = session.flush_outbox().await?;
            if let Some(e) = &outbox.stopped_by {
                let mut e = e.clone();
                e.message = format!(
                    "{} ({} item(s) still in the outbox)",
                    e.message, outbox.pending
                );
                return Err(casewatch_client::ClientError::from_body(&e));
            }
            let cases = session.sync_cases().await?;
            let kb = kb
                .sync(&session.api, &session.cache, DEFAULT_PAGE_SIZE, |p| {
                    if !json {
                        eprint!("\rknowledge base: {}/{}", p.done, p.total);
                        if p.finished {
                            eprintln!();
                        }
                        let _ = std::io::stderr().flush();
                    }
                    ControlFlow::Continue(())
                })
                .await?;
            Ok(Synced { outbox, cases, kb })
        })
    })();
    finish(json, outcome, |s| {
        format!(
            "Sent {} outbox item(s); {} case(s) and {} comment(s) cached; knowledge base: {} \
             changed, {} deleted, {} articles offline.",
            s.outbox.delivered.len(),
            s.cases.cases,
            s.cases.comments,
            s.kb.upserted,
            s.kb.deleted,
            s.kb.indexed
        )
    })
}

#[derive(Serialize)]
struct Results {
    results: Vec<KbSearchHit>,
}

/// `casewatch search` (offline: the local index only).
pub fn search(args: SearchArgs) -> ExitCode {
    let outcome: Outcome<Results> = (|| {
        if !(1..=100).contains(&args.limit) {
            return Err(casewatch_client::ClientError::Invalid(format!(
                "--limit must be between 1 and 100, not {}",
                args.limit
            )));
        }
        let session = engine::current_session()?;
        let kb = session.local_kb()?;
        let results = kb.search(
            &args.query,
            args.locale.as_deref(),
            args.known_issues,
            args.limit,
        )?;
        Ok(Results { results })
    })();
    finish(args.json, outcome, |r| {
        if r.results.is_empty() {
            return "No matching articles (run `casewatch sync` to update the offline copy)."
                .to_string();
        }
        r.results
            .iter()
            .map(|h| {
                format!(
                    "{}  [{} {}] {}\n    {}",
                    h.id, h.locale, h.kind, h.title, h.snippet
                )
            })
            .collect::<Vec<_>>()
            .join("\n")
    })
}
