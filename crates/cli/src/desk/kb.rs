//! `casewatch sync` and `casewatch search`: the desk's refresh, knowledge-base sync and search.
//!
//! `sync` is the one command that talks to the server in bulk (outbox, cases, knowledge base),
//! so that `search` can answer from the local index alone — before filing a case, on a poor
//! network or none.

use super::engine::{self, finish};
use super::watch::alert_text;
use crate::output;
use casewatch_client::desk::kb::{KbSearchRequest, KbSyncStatus};
use casewatch_client::desk::refresh::RefreshReport;
use casewatch_client::desk::DeskError;
use casewatch_client::kb_sync::SyncReport;
use clap::Args;
use serde::Serialize;
use std::process::ExitCode;
use std::time::Duration;

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

/// The `--json` answer of `sync`: the desk's refresh and knowledge-base sync reports.
#[derive(Serialize)]
struct Synced {
    refresh: RefreshReport,
    kb: SyncReport,
}

/// `casewatch sync`: the desk's one refresh (outbox, cases, watcher: its alerts are printed,
/// as `watch` would have) and then its knowledge-base sync, with progress on stderr.
pub fn sync(args: SyncArgs) -> ExitCode {
    let json = args.json;
    let outcome = engine::with_desk(async |desk| {
        let refresh = desk.refresh_once().await;
        if let Some(e) = refresh.error.clone() {
            return Err(e);
        }
        let kb = {
            let sync = desk.kb_sync();
            tokio::pin!(sync);
            loop {
                tokio::select! {
                    report = &mut sync => break report?,
                    () = tokio::time::sleep(PROGRESS_EVERY) => {
                        if !json {
                            show_progress(&desk.kb_sync_status());
                        }
                    }
                }
            }
        };
        if !json {
            show_progress(&desk.kb_sync_status());
            output::stderr_line("");
        }
        Ok(Synced { refresh, kb })
    });
    finish(json, outcome, |s| {
        let mut lines: Vec<String> = s.refresh.alerts.iter().map(alert_text).collect();
        lines.push(format!(
            "Sent the outbox and refreshed the cases; knowledge base: {} changed, {} deleted, \
             {} articles offline.",
            s.kb.upserted, s.kb.deleted, s.kb.indexed
        ));
        lines.join("\n")
    })
}

/// How often `sync` redraws its progress line.
const PROGRESS_EVERY: Duration = Duration::from_millis(250);

fn show_progress(status: &KbSyncStatus) {
    output::stderr_text(format_args!(
        "\rknowledge base: {}/{}",
        status.done,
        status.total.map_or("?".to_string(), |t| t.to_string())
    ));
}

/// The `--json` answer of `search`: the index's hits as the desk returns them (the hit type
/// is the knowledge-base crate's, which the CLI does not need to name).
#[derive(Serialize)]
struct Results<H> {
    results: Vec<H>,
}

/// `casewatch search`: the desk's search over the local index (answers offline too).
pub fn search(args: SearchArgs) -> ExitCode {
    let outcome = (|| {
        // A limit out of range is a typing mistake worth saying, not one to clamp silently.
        if !(1..=100).contains(&args.limit) {
            return Err(DeskError::invalid(format!(
                "--limit must be between 1 and 100, not {}",
                args.limit
            )));
        }
        let request = KbSearchRequest {
            query: args.query,
            locale: args.locale,
            known_issues_only: args.known_issues,
            limit: Some(args.limit),
        };
        engine::with_desk(async |desk| {
            Ok(Results {
                results: desk.kb_search(request).await?.hits,
            })
        })
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
                    h.id,
                    h.locale,
                    h.kind.as_str(),
                    h.title,
                    h.snippet
                )
            })
            .collect::<Vec<_>>()
            .join("\n")
    })
}
