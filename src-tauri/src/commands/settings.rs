//! Settings: language, alert lead times, notifications, portal.

use chrono::Duration;
use serde::{Deserialize, Serialize};
use tauri::{AppHandle, State};

use crate::background;
use crate::commands::session::end_session;
use crate::error::AppError;
use crate::state::AppState;

/// The most a lead time may be: one week.
const MAX_LEAD_MINUTES: i64 = 7 * 24 * 60;

/// `Settings` of the contract.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Settings {
    /// `en` or `zh-CN`.
    pub language: String,
    /// Minutes before each initial-response deadline at which to notify.
    pub alert_lead_minutes: Vec<i64>,
    /// Desktop notifications on or off.
    pub notifications: bool,
    /// The portal signed in to (or last signed in to).
    pub portal_url: Option<String>,
}

async fn current(state: &AppState) -> Result<Settings, AppError> {
    let app = state.settings();
    let engine = state.current().await;
    let leads = match &engine {
        Some(engine) => engine.session.cache.lead_times()?,
        None => casewatch_client::cache::DEFAULT_LEAD_TIMES_SECONDS
            .iter()
            .map(|s| Duration::seconds(*s))
            .collect(),
    };
    Ok(Settings {
        language: app.language,
        alert_lead_minutes: leads.iter().map(|d| d.num_minutes()).collect(),
        notifications: app.notifications,
        portal_url: engine
            .map(|e| e.session.profile.portal.clone())
            .or(app.portal_url),
    })
}

/// `settings_get`.
#[tauri::command(rename_all = "snake_case")]
pub async fn settings_get(state: State<'_, AppState>) -> Result<Settings, AppError> {
    current(&state).await
}

/// `settings_set`: stores the settings; a different portal signs out.
#[tauri::command(rename_all = "snake_case")]
pub async fn settings_set(
    app: AppHandle,
    state: State<'_, AppState>,
    settings: Settings,
) -> Result<Settings, AppError> {
    if !matches!(settings.language.as_str(), "en" | "zh-CN") {
        return Err(AppError::invalid(format!(
            "the language must be en or zh-CN, not {}",
            settings.language
        )));
    }
    if let Some(bad) = settings
        .alert_lead_minutes
        .iter()
        .find(|m| !(0..=MAX_LEAD_MINUTES).contains(*m))
    {
        return Err(AppError::invalid(format!(
            "a lead time is 0 to {MAX_LEAD_MINUTES} minutes before the deadline, not {bad}"
        )));
    }
    let portal = settings
        .portal_url
        .as_deref()
        .map(|p| p.trim().trim_end_matches('/').to_owned())
        .filter(|p| !p.is_empty());
    let mut stored = state.settings();
    stored.language = settings.language.clone();
    stored.notifications = settings.notifications;
    if let Some(engine) = state.current().await {
        let leads: Vec<Duration> = settings
            .alert_lead_minutes
            .iter()
            .map(|m| Duration::minutes(*m))
            .collect();
        engine.session.cache.set_lead_times(&leads)?;
        if portal.is_some() && portal.as_deref() != Some(engine.session.profile.portal.as_str()) {
            let mut slot = state.engine_slot().await;
            if let Some(engine) = slot.take() {
                end_session(&state, &engine).await;
            }
            drop(slot);
            background::after_sign_out(&app);
            stored.portal_url = portal;
        }
    } else if portal.is_some() {
        stored.portal_url = portal;
    }
    state.store_settings(stored)?;
    state.wake.notify_one();
    background::refresh_tray(&app);
    current(&state).await
}
