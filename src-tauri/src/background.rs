//! Work that runs without the user asking, over the signed-in desk: the knowledge-base sync
//! after sign-in, and the desk's refresher loop (`casewatch_client::desk::refresh::Refresher`,
//! the same loop `casewatch watch` runs) with the app's way of showing what it finds — a
//! native notification for each alert, the near-deadline count in the tray, and the event
//! [`CASES_CHANGED`] when the cached cases changed.
//!
//! Notifications go through tauri-plugin-notification (D-Bus `org.freedesktop.Notifications`
//! on Linux). Its `show()` reports success even when no notification server listens, so the
//! end-to-end tests watch the session bus instead of trusting the return value.

use std::ops::ControlFlow;
use std::sync::atomic::Ordering;
use std::sync::Arc;

use casewatch_client::desk::refresh::{RefreshReport, Refresher};
use casewatch_client::desk::Desk;
use casewatch_client::AlertEvent;
use tauri::{AppHandle, Emitter, Manager};
use tauri_plugin_notification::NotificationExt;

use crate::state::AppState;
use crate::texts::notification_text;
use crate::tray;

/// The event the UI listens to: the cached cases or threads changed.
pub const CASES_CHANGED: &str = "casewatch://cases-changed";

/// After a sign-in (or the start-up restore): sync the knowledge base, and run the desk's
/// refresher until the desk is closed at sign-out.
pub fn after_sign_in(app: &AppHandle, desk: Arc<Desk>) {
    if let Err(e) = desk.kb_sync_start() {
        tracing::warn!("knowledge-base sync: {e}");
    }
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
        for event in &report.alerts {
            notify(app, event, &settings.language);
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

fn notify(app: &AppHandle, event: &AlertEvent, language: &str) {
    let (title, body) = notification_text(event, language);
    tracing::info!(%title, "notification");
    if let Err(e) = app.notification().builder().title(title).body(body).show() {
        tracing::warn!("notification: {e}");
    }
}
