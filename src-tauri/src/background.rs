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

/// The notification's title and body for an alert, in `language`.
pub fn notification_text(event: &AlertEvent, language: &str) -> (String, String) {
    let zh = language == "zh-CN";
    match event {
        AlertEvent::Deadline {
            case_number,
            subject,
            severity,
            remaining_seconds,
            ..
        } => {
            let minutes = remaining_seconds.unsigned_abs().div_ceil(60);
            let title = match (zh, *remaining_seconds > 0) {
                (false, true) => {
                    format!("Case #{case_number} (S{severity}): first reply due in {minutes} min")
                }
                (false, false) => format!(
                    "Case #{case_number} (S{severity}): first reply target reached — overdue by {minutes} min"
                ),
                (true, true) => format!(
                    "案件 #{case_number}（S{severity}）：首次回复将在 {minutes} 分钟后到期"
                ),
                (true, false) => format!(
                    "案件 #{case_number}（S{severity}）：首次回复已超时 {minutes} 分钟"
                ),
            };
            (title, subject.clone())
        }
        AlertEvent::Reply {
            case_number,
            subject,
            author,
            ..
        } => {
            let title = if zh {
                format!("案件 #{case_number}：{author} 回复了")
            } else {
                format!("Case #{case_number}: new reply from {author}")
            };
            (title, subject.clone())
        }
    }
}

fn notify(app: &AppHandle, event: &AlertEvent, language: &str) {
    let (title, body) = notification_text(event, language);
    tracing::info!(%title, "notification");
    if let Err(e) = app.notification().builder().title(title).body(body).show() {
        tracing::warn!("notification: {e}");
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Utc;

    #[test]
    fn notifications_speak_both_languages() {
        let event = AlertEvent::Deadline {
            case_number: 7,
            subject: "Cluster down".into(),
            severity: 1,
            due_at: Utc::now(),
            lead_seconds: 600,
            remaining_seconds: 540,
            at: Utc::now(),
            catch_up: false,
        };
        let (title, body) = notification_text(&event, "en");
        assert_eq!(title, "Case #7 (S1): first reply due in 9 min");
        assert_eq!(body, "Cluster down");
        let (title, _) = notification_text(&event, "zh-CN");
        assert!(title.contains("案件 #7"), "{title}");
    }
}
