//! Settings: language, notifications and portal (the app's), alert lead times (the profile's,
//! `desk::alerts`).

use casewatch_client::desk::account::normalise_portal;
use casewatch_client::desk::alerts::{check_lead_minutes, default_lead_minutes};
use serde::{Deserialize, Serialize};
use tauri::{AppHandle, State};

use crate::background;
use crate::commands::session::end_session;
use crate::error::AppError;
use crate::state::AppState;

/// `Settings` of the contract.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
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
    let desk = state.current().await;
    let leads = match &desk {
        Some(desk) => desk.alert_lead_minutes()?,
        None => default_lead_minutes(),
    };
    Ok(Settings {
        language: app.language,
        alert_lead_minutes: leads,
        notifications: app.notifications,
        portal_url: desk
            .map(|d| d.session.profile.portal.clone())
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
    check_lead_minutes(&settings.alert_lead_minutes)?;
    let portal = settings
        .portal_url
        .as_deref()
        .map(normalise_portal)
        .filter(|p| !p.is_empty());
    let mut stored = state.settings();
    stored.language = settings.language.clone();
    stored.notifications = settings.notifications;
    if let Some(desk) = state.current().await {
        desk.set_alert_lead_minutes(&settings.alert_lead_minutes)?;
        if portal.is_some() && portal.as_deref() != Some(desk.session.profile.portal.as_str()) {
            let mut slot = state.desk_slot().await;
            end_session(&app, &state, &mut slot).await;
            stored.portal_url = portal;
        }
    } else if portal.is_some() {
        stored.portal_url = portal;
    }
    state.store_settings(stored)?;
    background::refresh_tray(&app);
    current(&state).await
}
