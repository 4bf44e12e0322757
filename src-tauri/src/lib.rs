//! Casewatch desktop app: the Tauri shell.
//!
//! This crate wires the webview to the use cases of `casewatch_client::desk` and adds only
//! what a desktop shell must: commands are thin wrappers (see [`commands`]) over the desk held
//! in [`state`], errors cross the boundary as one `{code, message}` shape (see [`error`]),
//! Markdown from other people is sanitised before it reaches the webview ([`html`]), the
//! desk's refresher runs in the background and its alerts become native notifications
//! ([`background`]), the demo portal is embedded when the `demo` feature is on ([`demo`]),
//! and a tray icon keeps the app reachable while its window is hidden ([`tray`]). The UI is
//! the static `ui/` folder embedded in the binary at build time.

pub mod background;
pub mod commands;
pub mod demo;
pub mod error;
pub mod html;
pub mod state;
pub mod texts;
pub mod tray;

use std::sync::Arc;

use casewatch_client::desk::Desk;
use casewatch_client::{Dirs, KeyringStore};
use tauri::{Manager, WindowEvent};

pub use error::AppError;

use crate::state::AppState;

/// The keyring service name, unless `CASEWATCH_KEYRING_SERVICE` replaces it (docs/client.md).
fn keyring() -> KeyringStore {
    match std::env::var("CASEWATCH_KEYRING_SERVICE") {
        Ok(service) if !service.is_empty() => KeyringStore::with_service(service),
        _ => KeyringStore::new(),
    }
}

/// Only the app's own pages may load in the webview: links in comments and articles never
/// navigate it (the UI opens them outside the app).
fn navigation_guard() -> tauri::plugin::TauriPlugin<tauri::Wry> {
    tauri::plugin::Builder::new("navigation-guard")
        .on_navigation(|_webview, url| {
            let allowed = matches!(url.scheme(), "tauri" | "about")
                || url.host_str() == Some("tauri.localhost");
            if !allowed {
                tracing::warn!(%url, "navigation blocked");
            }
            allowed
        })
        .build()
}

/// Builds the Tauri application and runs it until the user quits from the tray.
///
/// # Panics
///
/// Panics if the webview cannot be created (for example when there is no display).
pub fn run() {
    let _ = tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| "info,tantivy=warn".into()),
        )
        .with_writer(std::io::stderr)
        .try_init();
    tauri::Builder::default()
        // First: a second launch only brings the running window forward.
        .plugin(tauri_plugin_single_instance::init(|app, _args, _cwd| {
            tray::show_main(app);
        }))
        .plugin(tauri_plugin_notification::init())
        .plugin(navigation_guard())
        .setup(|app| {
            let app_data = app.path().app_data_dir()?;
            let dirs = Dirs::from_env().map_err(|e| e.to_string())?;
            let state = AppState::new(dirs, app_data, Arc::new(keyring()));
            let slot = state
                .try_desk_slot()
                .ok_or("the session slot is taken at start-up")?;
            app.manage(state);
            // Restore the last session off the main thread; commands wait for it on the slot.
            let handle = app.handle().clone();
            tauri::async_runtime::spawn(async move {
                let mut slot = slot;
                let state = handle.state::<AppState>();
                // The app starts either way: a keyring it cannot read means signed out here.
                let desk = match Desk::restore(&state.home).await {
                    Ok(desk) => desk.map(Arc::new),
                    Err(e) => {
                        tracing::warn!("cannot restore the last session: {e}");
                        None
                    }
                };
                *slot = desk.clone();
                drop(slot);
                if let Some(desk) = desk {
                    background::after_sign_in(&handle, desk);
                }
            });
            if let Err(e) = tray::create(app.handle()) {
                tracing::warn!("no tray icon: {e}");
            }
            Ok(())
        })
        .on_window_event(|window, event| {
            // Closing hides the window; the watcher keeps running. Quit is in the tray.
            if let WindowEvent::CloseRequested { api, .. } = event {
                if window.label() == "main" {
                    let _ = window.hide();
                    api.prevent_close();
                }
            }
        })
        .invoke_handler(tauri::generate_handler![
            commands::sla_quote,
            commands::entitlements,
            commands::session::session_status,
            commands::session::login,
            commands::session::demo_accounts,
            commands::session::demo_start,
            commands::session::logout,
            commands::cases::cases_list,
            commands::cases::case_get,
            commands::cases::case_reply,
            commands::cases::case_update,
            commands::cases::case_callback,
            commands::attachments::attachment_stage,
            commands::attachments::attachment_unstage,
            commands::attachments::attachment_open,
            commands::wizard::case_form_rules,
            commands::wizard::severity_choices,
            commands::wizard::case_deadline_preview,
            commands::wizard::products_list,
            commands::wizard::draft_save,
            commands::wizard::draft_load,
            commands::wizard::draft_discard,
            commands::outbox::outbox_submit_case,
            commands::outbox::outbox_send_now,
            commands::outbox::outbox_discard,
            commands::kb::kb_search,
            commands::kb::kb_article,
            commands::kb::kb_sync_status,
            commands::kb::kb_sync_now,
            commands::contacts::contacts_list,
            commands::contacts::contact_add,
            commands::contacts::contact_remove,
            commands::links::link_open,
            commands::settings::settings_get,
            commands::settings::settings_set,
        ])
        .run(tauri::generate_context!())
        .expect("error while running the Casewatch app");
}
