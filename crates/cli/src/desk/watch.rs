//! `casewatch watch`: the desk's refresher on the terminal.
//!
//! The loop is the app's own ([`Refresher`]): every `--interval` seconds it sends the outbox
//! and refreshes the cases, and between refreshes it wakes when the watcher's next alert falls
//! due. This file only prints what each pass reports — one JSON object per alert with
//! `--json`. Alerts are recorded in the profile's ledger, so running `watch` again (or the app)
//! never repeats one. `--once` is one pass.
//!
//! The app carries on through any failure and shows it; a terminal command stops at a failure
//! that waiting will not cure (the session ended, the cache is unreadable), with exit status 2,
//! so that a supervising script notices.

use super::engine::{self, block_on, fail};
use crate::output;
use casewatch_client::desk::refresh::{RefreshReport, Refresher};
use casewatch_client::desk::DeskError;
use casewatch_client::AlertEvent;
use clap::Args;
use std::ops::ControlFlow;
use std::process::ExitCode;
use std::time::Duration;

/// Flags of `casewatch watch`.
#[derive(Debug, Args)]
pub struct WatchArgs {
    /// Seconds between refreshes from the server.
    #[arg(long, default_value_t = 60)]
    interval: u64,
    /// Check once and exit.
    #[arg(long)]
    once: bool,
    /// Print one JSON object per event.
    #[arg(long)]
    json: bool,
}

/// One alert as a line for people.
pub fn alert_text(event: &AlertEvent) -> String {
    match event {
        AlertEvent::Deadline {
            case_number,
            subject,
            lead_seconds,
            remaining_seconds,
            catch_up,
            ..
        } => {
            let when = if *remaining_seconds <= 0 {
                "is due now".to_string()
            } else {
                format!("is due in {} min", (remaining_seconds + 59) / 60)
            };
            format!(
                "case #{case_number} \"{subject}\": the first response {when} (alert {} min before){}",
                lead_seconds / 60,
                if *catch_up { " [missed while not running]" } else { "" }
            )
        }
        AlertEvent::Reply {
            case_number,
            subject,
            author,
            ..
        } => format!("case #{case_number} \"{subject}\": {author} replied"),
        AlertEvent::Missed { cases, .. } => {
            let numbers: Vec<String> = cases
                .iter()
                .map(|c| format!("#{}", c.case_number))
                .collect();
            format!(
                "{} cases passed a reminder while Casewatch was not running: {}",
                cases.len(),
                numbers.join(", ")
            )
        }
    }
}

/// Prints one pass: its alerts, and a note while the portal cannot be reached. Answers the
/// failure that should end the command, if any.
fn show(json: bool, report: &RefreshReport) -> Option<DeskError> {
    for event in &report.alerts {
        if json {
            output::json_line(event);
        } else {
            output::stdout_line(alert_text(event));
        }
    }
    if report.synced && report.offline && !json {
        output::stderr_line("casewatch: offline; watching the cached cases");
    }
    report.error.clone()
}

/// `casewatch watch`.
pub fn watch(args: WatchArgs) -> ExitCode {
    let json = args.json;
    let stopped = block_on(async {
        let desk = engine::open().await?;
        if args.once {
            return show(json, &desk.refresh_once().await).map_or(Ok(()), Err);
        }
        let mut stopped = None;
        Refresher::new(Duration::from_secs(args.interval))
            .run(&desk, |report| match show(json, report) {
                Some(e) => {
                    stopped = Some(e);
                    ControlFlow::Break(())
                }
                None => ControlFlow::Continue(()),
            })
            .await;
        stopped.map_or(Ok(()), Err)
    });
    match stopped {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => fail(json, &e),
    }
}
