//! The one language of the app, and the app-level facts the window needs before anything else.
//!
//! Why here and not in the webview: the tray menu and the notifications are drawn by the Rust
//! side, often while the window is hidden or not yet loaded, so the choice must live where they
//! can read it — `settings.json` of the app's data directory ([`crate::state::AppSettings`]).
//! The UI asks for it once at start-up ([`app_settings`], local only: no network, no wait for
//! the session restore) and switches it through [`set_language`], which updates the tray and
//! the window menu at once; the next notification reads the stored value.
//!
//! On the first run nothing is stored yet: the language follows the OS locale
//! ([`system_language`]) and is written down, so later runs keep it even if the locale changes.

use serde::Serialize;
use tauri::{AppHandle, Manager, State};

use crate::background;
use crate::error::AppError;
use crate::state::AppState;

/// The languages the app speaks (the catalogues in `ui/i18n/`).
pub const LANGUAGES: [&str; 2] = ["en", "zh-CN"];

/// `app_settings` / `set_language` answer: what the window needs at start-up.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct AppSettingsView {
    /// `en` or `zh-CN`: the window, the tray and the notifications speak it.
    pub language: String,
    /// Whether a tray icon is really shown (a StatusNotifier host is on the bus): closing the
    /// window then only hides it; otherwise closing asks.
    pub tray_shown: bool,
    /// The folder of the app's log files.
    pub log_dir: String,
}

/// The language a locale string (`LANG`-style: `zh_CN.UTF-8`, `en_GB`, `C`) asks for: Chinese
/// for any `zh` locale, English otherwise.
pub fn language_of_locale(locale: &str) -> &'static str {
    let lang = locale
        .split(['_', '.', '@', '-'])
        .next()
        .unwrap_or_default();
    if lang.eq_ignore_ascii_case("zh") {
        "zh-CN"
    } else {
        "en"
    }
}

/// The OS's language for messages: the first non-empty of `LC_ALL`, `LC_MESSAGES`, `LANG`
/// (POSIX precedence), read with [`language_of_locale`].
pub fn system_language() -> &'static str {
    ["LC_ALL", "LC_MESSAGES", "LANG"]
        .iter()
        .filter_map(|name| std::env::var(name).ok())
        .find(|value| !value.is_empty())
        .map_or("en", |locale| language_of_locale(&locale))
}

/// At start-up: on the first run (no settings stored yet) write the OS's language down, so
/// the choice is made once.
pub fn first_run(state: &AppState) {
    if state.app_data.join("settings.json").exists() {
        return;
    }
    let mut settings = state.settings();
    settings.language = system_language().to_owned();
    if let Err(e) = state.store_settings(settings) {
        tracing::warn!("cannot store the first run's settings: {e}");
    }
}

fn view(app: &AppHandle, state: &AppState) -> AppSettingsView {
    AppSettingsView {
        language: state.settings().language,
        tray_shown: crate::window::tray_shown(),
        log_dir: crate::logging::log_dir(app).display().to_string(),
    }
}

/// `app_settings`: the language, whether a tray is shown, where the logs are.
#[tauri::command(rename_all = "snake_case")]
pub fn app_settings(app: AppHandle, state: State<'_, AppState>) -> AppSettingsView {
    view(&app, &state)
}

/// `set_language`: stores the language and switches the tray and the window menu to it; the
/// next notification speaks it too.
#[tauri::command(rename_all = "snake_case")]
pub fn set_language(
    app: AppHandle,
    state: State<'_, AppState>,
    language: String,
) -> Result<AppSettingsView, AppError> {
    if !LANGUAGES.contains(&language.as_str()) {
        return Err(AppError::invalid(format!(
            "the language must be en or zh-CN, not {language}"
        )));
    }
    let mut settings = state.settings();
    if settings.language != language {
        settings.language = language.clone();
        state.store_settings(settings)?;
        tracing::info!(%language, "language switched");
    }
    language_changed(&app, &language);
    Ok(view(&app, &state))
}

/// Everything that speaks the language outside the webview follows a switch, and so does the
/// signed-in account's mail language (best effort, after the local switch).
fn language_changed(app: &AppHandle, language: &str) {
    background::refresh_tray(app);
    crate::window::translate_menu(app, language);
    let app = app.clone();
    tauri::async_runtime::spawn(async move {
        if let Some(desk) = app.state::<AppState>().current().await {
            background::sync_account(&app, desk);
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chinese_locales_read_chinese_and_everything_else_english() {
        assert_eq!(language_of_locale("zh_CN.UTF-8"), "zh-CN");
        assert_eq!(language_of_locale("zh_TW"), "zh-CN");
        assert_eq!(language_of_locale("zh"), "zh-CN");
        assert_eq!(language_of_locale("en_GB.UTF-8"), "en");
        assert_eq!(language_of_locale("de_DE@euro"), "en");
        assert_eq!(language_of_locale("C"), "en");
        assert_eq!(language_of_locale(""), "en");
    }
}
