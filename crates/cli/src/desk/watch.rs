//! `casewatch watch`: the deadline watcher on the terminal.
//!
//! Every `--interval` seconds (or sooner, when an alert falls due) it sends the outbox,
//! refreshes the cases when the server is reachable, and prints the watcher's events — one
//! JSON object per line with `--json`. Alerts are recorded in the profile's ledger, so running
//! `watch` again (or the app) never repeats one.

use super::engine::{self, block_on, fail};
use casewatch_client::{AlertEvent, SystemClock, Watcher};
use chrono::Utc;
use clap::Args;
use std::process::ExitCode;
use std::sync::Arc;
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

fn print(json: bool, event: &AlertEvent) {
    if json {
        if let Ok(line) = serde_json::to_string(event) {
            println!("{line}");
        }
        return;
    }
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
            println!(
                "case #{case_number} \"{subject}\": the first response {when} (alert {} min before){}",
                lead_seconds / 60,
                if *catch_up { " [missed while not running]" } else { "" }
            );
        }
        AlertEvent::Reply {
            case_number,
            subject,
            author,
            ..
        } => println!("case #{case_number} \"{subject}\": {author} replied"),
    }
}

/// `casewatch watch`.
pub fn watch(args: WatchArgs) -> ExitCode {
    let session = match engine::current_session() {
        Ok(s) => s,
        Err(e) => return fail(args.json, &e),
    };
    let watcher = Watcher::new(session.cache.clone(), Arc::new(SystemClock));
    let interval = Duration::from_secs(args.interval.max(1));
    let mut last_sync: Option<std::time::Instant> = None;
    loop {
        if last_sync.is_none_or(|t| t.elapsed() >= interval) {
            let refreshed = block_on(async {
                let _ = session.flush_outbox().await?;
                session.sync_cases().await
            });
            match refreshed {
                Ok(_) => {}
                Err(e) if e.is_transient() => {
                    if !args.json {
                        eprintln!("casewatch: offline ({e}); watching the cached cases");
                    }
                }
                Err(e) => return fail(args.json, &e),
            }
            last_sync = Some(std::time::Instant::now());
        }
        match watcher.tick() {
            Ok(events) => events.iter().for_each(|e| print(args.json, e)),
            Err(e) => return fail(args.json, &e),
        }
        if args.once {
            return ExitCode::SUCCESS;
        }
        let until_alert = watcher
            .next_alert_at()
            .ok()
            .flatten()
            .and_then(|t| (t - Utc::now()).to_std().ok());
        let until_sync = interval.saturating_sub(last_sync.map_or(interval, |t| t.elapsed()));
        let nap = until_alert.map_or(until_sync, |a| a.min(until_sync));
        std::thread::sleep(nap.max(Duration::from_millis(200)));
    }
}
