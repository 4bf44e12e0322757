//! Work that runs without the user asking, over the signed-in desk: the knowledge-base sync
//! after sign-in, and the desk's refresher loop (`casewatch_client::desk::refresh::Refresher`,
//! the same loop `casewatch watch` runs) with the app's way of showing what it finds — a
//! native notification for each alert, the near-deadline count in the tray, and the event
//! [`CASES_CHANGED`] when the cached cases changed.
//!
//! Notifications go through [`crate::notify`] (D-Bus `org.freedesktop.Notifications` with an
//! "Open case" action on Linux), after the user's quiet settings (do not disturb, muted cases).

use std::ops::ControlFlow;
use std::sync::atomic::Ordering;
use std::sync::Arc;

use casewatch_client::desk::refresh::{RefreshReport, Refresher};
use casewatch_client::desk::Desk;
use casewatch_client::AlertEvent;
use tauri::{AppHandle, Emitter, Manager};

use crate::state::AppState;
use crate::texts::{notification_text, notify_open};
use crate::tray;

/// The event the UI listens to: the cached cases or threads changed.
pub const CASES_CHANGED: &str = "casewatch://cases-changed";

/// After a sign-in (or the start-up restore): sync the knowledge base, and run the desk's
/// refresher until the desk is closed at sign-out.
pub fn after_sign_in(app: &AppHandle, desk: Arc<Desk>) {
    if let Err(e) = desk.kb_sync_start() {
        tracing::warn!("knowledge-base sync: {e}");
    }
    sync_account(app, desk.clone());
    let app = app.clone();
    tauri::async_runtime::spawn(async move {
        Refresher::new(Refresher::APP_INTERVAL)
            .run(&desk, |report| {
                show(&app, report);
                ControlFlow::Continue(())
            })
            .await;
    });
}

/// Sends the app's language and the computer's zone to the signed-in account (in the
/// background, best effort), so the portal's mail follows the app.
pub fn sync_account(app: &AppHandle, desk: Arc<Desk>) {
    let language = app.state::<AppState>().settings().language;
    tauri::async_runtime::spawn(async move {
        desk.sync_account(casewatch_api::Locale::parse(&language))
            .await;
    });
}

/// After a sign-out: clear the tray count.
pub fn after_sign_out(app: &AppHandle) {
    let state = app.state::<AppState>();
    state.near_deadline.store(0, Ordering::Relaxed);
    refresh_tray(app);
}

/// Shows the current near-deadline count in the tray, in the settings' language.
pub fn refresh_tray(app: &AppHandle) {
    let state = app.state::<AppState>();
    let count = state.near_deadline.load(Ordering::Relaxed);
    tray::show_count(app, count, &state.settings().language);
}

/// Shows what one refresh found: notifications, the tray count, the UI's reload event.
fn show(app: &AppHandle, report: &RefreshReport) {
    let state = app.state::<AppState>();
    let settings = state.settings();
    if settings.notifications {
        let now = chrono::Utc::now();
        for event in &report.alerts {
            // Do not disturb and muted cases (severity 1 comes regardless: desk::alerts::Quiet).
            if let Some(event) = settings.quiet.filter(event, now) {
                notify(app, &event, &settings.language);
            }
        }
    }
    state
        .near_deadline
        .store(report.near_deadline, Ordering::Relaxed);
    refresh_tray(app);
    if report.changed {
        let _ = app.emit(CASES_CHANGED, ());
    }
}

/// Sends the notification for `event`; a click on it opens its case (`crate::notify`).
fn notify(app: &AppHandle, event: &AlertEvent, language: &str) {
    let (title, body) = notification_text(event, language);
    let case_number = match event {
        AlertEvent::Deadline { case_number, .. } | AlertEvent::Reply { case_number, .. } => {
            Some(*case_number)
        }
        // A group opens its most urgent case.
        AlertEvent::Missed { cases, .. } => cases.first().map(|c| c.case_number),
    };
    let note = crate::notify::Note {
        title,
        body,
        case_number,
        open_label: notify_open(language),
    };
    let app = app.clone();
    tauri::async_runtime::spawn(async move { crate::notify::show(&app, note).await });
}
