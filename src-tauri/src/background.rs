//! Work that runs without the user asking: the knowledge-base sync after sign-in, and the
//! refresher that every [`INTERVAL`] (and whenever woken) sends the outbox, refreshes the cached
//! cases, runs casewatch-client's deadline watcher, shows a native notification for each alert,
//! updates the tray, and tells the UI when cases changed (event [`CASES_CHANGED`]).
//!
//! Notifications go through tauri-plugin-notification (D-Bus `org.freedesktop.Notifications`
//! on Linux). Its `show()` reports success even when no notification server listens, so the
//! end-to-end tests watch the session bus instead of trusting the return value.

use std::hash::{Hash, Hasher};
use std::ops::ControlFlow;
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::Duration;

use casewatch_client::kb_sync::DEFAULT_PAGE_SIZE;
use casewatch_client::AlertEvent;
use chrono::Utc;
use tauri::{AppHandle, Emitter, Manager};
use tauri_plugin_notification::NotificationExt;

use crate::error::AppError;
use crate::state::{AppState, Engine};
use crate::tray;

/// How often the refresher runs when nothing wakes it.
pub const INTERVAL: Duration = Duration::from_secs(15);

/// The event the UI listens to: the cached cases or threads changed.
pub const CASES_CHANGED: &str = "casewatch://cases-changed";

/// A case counts as near its deadline this long before it (or once breached).
const NEAR: chrono::Duration = chrono::Duration::minutes(60);

/// Starts the refresher loop (once, at start-up).
pub fn spawn_refresher(app: AppHandle) {
    tauri::async_runtime::spawn(async move {
        let mut fingerprint = None;
        loop {
            let state = app.state::<AppState>();
            if let Some(engine) = state.current().await {
                refresh(&app, &state, &engine, &mut fingerprint).await;
            } else {
                fingerprint = None;
            }
            tokio::select! {
                () = tokio::time::sleep(INTERVAL) => {}
                () = state.wake.notified() => {}
            }
        }
    });
}

/// After a sign-in: sync the knowledge base and refresh at once.
pub fn after_sign_in(app: &AppHandle, engine: Arc<Engine>) {
    start_kb_sync(app, engine);
    app.state::<AppState>().wake.notify_one();
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

async fn refresh(
    app: &AppHandle,
    state: &AppState,
    engine: &Engine,
    fingerprint: &mut Option<u64>,
) {
    let session = &engine.session;
    if let Err(e) = session.flush_outbox().await {
        tracing::warn!("outbox: {e}");
    }
    match session.sync_cases().await {
        Ok(_) => state.set_offline(false),
        Err(e) if e.is_transient() => state.set_offline(true),
        Err(e) => tracing::warn!("case refresh: {e}"),
    }
    watch(app, state, engine);
    if let Ok(near) = near_deadline(engine) {
        state.near_deadline.store(near, Ordering::Relaxed);
        refresh_tray(app);
    }
    if let Ok(now) = cases_fingerprint(engine) {
        if fingerprint.is_some_and(|f| f != now) {
            let _ = app.emit(CASES_CHANGED, ());
        }
        *fingerprint = Some(now);
    }
}

/// Runs the deadline watcher once over the cache and notifies its events. Also called right
/// after a case is filed, so the watcher knows the case before anyone can answer it (replies
/// older than the moment a case is first seen are never announced).
pub fn watch(app: &AppHandle, state: &AppState, engine: &Engine) {
    match engine.watcher.tick() {
        Ok(events) => {
            let settings = state.settings();
            if settings.notifications {
                for event in &events {
                    notify(app, event, &settings.language);
                }
            }
        }
        Err(e) => tracing::warn!("deadline watcher: {e}"),
    }
}

/// Open cases without a first response whose deadline is within [`NEAR`] or past.
fn near_deadline(engine: &Engine) -> Result<usize, AppError> {
    let now = Utc::now();
    let mut count = 0;
    for case in engine.session.cache.open_cases()? {
        if case.first_response_at.is_some() {
            continue;
        }
        if let Some(due) = engine.watcher.deadline_of(&case)? {
            if due - now <= NEAR {
                count += 1;
            }
        }
    }
    Ok(count)
}

fn cases_fingerprint(engine: &Engine) -> Result<u64, AppError> {
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    let cache = &engine.session.cache;
    for case in cache.cases(None)? {
        case.number.hash(&mut hasher);
        case.updated_at.hash(&mut hasher);
        case.severity.number().hash(&mut hasher);
        serde_json::to_string(&case.status)
            .unwrap_or_default()
            .hash(&mut hasher);
        case.first_response_at.hash(&mut hasher);
        cache.comments(case.number)?.len().hash(&mut hasher);
    }
    // Queued cases show on the home screen too: a send or a refusal changes what it lists.
    for item in cache.outbox(None)? {
        item.id.hash(&mut hasher);
        serde_json::to_string(&item.state)
            .unwrap_or_default()
            .hash(&mut hasher);
    }
    Ok(hasher.finish())
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

/// Starts a knowledge-base sync in the background unless one is running.
pub fn start_kb_sync(app: &AppHandle, engine: Arc<Engine>) {
    let Ok(kb) = engine.kb.clone() else {
        return;
    };
    if engine.kb_syncing.swap(true, Ordering::SeqCst) {
        return;
    }
    let app = app.clone();
    let state = app.state::<AppState>();
    state.set_kb_status(|s| {
        s.state = "syncing";
        s.done = 0;
        s.total = None;
        s.error = None;
    });
    tauri::async_runtime::spawn(async move {
        let state = app.state::<AppState>();
        let session = &engine.session;
        let result = kb
            .sync(&session.api, &session.cache, DEFAULT_PAGE_SIZE, |p| {
                state.set_kb_status(|s| {
                    s.done = p.done;
                    s.total = Some(p.total);
                });
                ControlFlow::Continue(())
            })
            .await;
        let count = kb.index.len();
        state.set_kb_status(|s| {
            s.article_count = count;
            match &result {
                Ok(report) => {
                    s.state = "idle";
                    s.offline = false;
                    s.error = None;
                    if report.complete {
                        s.last_synced_at = Some(Utc::now());
                    }
                }
                Err(e) => {
                    s.state = "error";
                    s.offline = e.is_transient();
                    s.error = Some(AppError::from(e.clone()));
                }
            }
        });
        engine.kb_syncing.store(false, Ordering::SeqCst);
        // New articles may answer what a watcher alert is about; refresh the rest too.
        state.wake.notify_one();
    });
}

#[cfg(test)]
mod tests {
    use super::*;

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
