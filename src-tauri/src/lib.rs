//! Casewatch desktop app: the Tauri shell.
//!
//! This crate wires the webview to the use cases of `casewatch_client::desk` and adds only
//! what a desktop shell must: commands are thin wrappers (see [`commands`]) over the desk held
//! in [`state`], errors cross the boundary as one `{code, message}` shape (see [`error`]),
//! Markdown from other people is sanitised before it reaches the webview ([`html`]), the
//! desk's refresher runs in the background and its alerts become native notifications
//! ([`background`]), the demo portal is embedded when the `demo` feature is on ([`demo`]),
//! a tray icon keeps the app reachable while its window is hidden ([`tray`]), the one language
//! of window, tray and notifications is kept on this side ([`settings`]), the window behaves as
//! a desktop window should ([`window`]: geometry, Quit, closing) and the app logs to rotated
//! files ([`logging`]). The UI is the static `ui/` folder embedded in the binary at build time.

pub mod autostart;
pub mod background;
pub mod commands;
pub mod demo;
pub mod error;
pub mod html;
pub mod links;
pub mod logging;
pub mod notify;
pub mod settings;
pub mod state;
pub mod texts;
pub mod tray;
pub mod updates;
pub mod window;

use std::sync::Arc;

use casewatch_client::desk::Desk;
use casewatch_client::{Dirs, KeyringStore};
use tauri::Manager;

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
    let builder = tauri::Builder::default();
    #[cfg(not(target_os = "linux"))]
    let builder = builder.plugin(autostart::plugin());
    builder
        // First: a second launch only brings the running window forward, at the screen of its
        // casewatch:// link if it has one (a malformed link changes nothing).
        .plugin(tauri_plugin_single_instance::init(|app, args, _cwd| {
            if !links::has_link(args.iter().skip(1)) {
                tray::show_main(app);
            }
            links::open_links(app, args.iter().skip(1));
        }))
        .plugin(tauri_plugin_deep_link::init())
        .plugin(tauri_plugin_notification::init())
        .plugin(tauri_plugin_updater::Builder::new().build())
        .plugin(navigation_guard())
        .manage(notify::Notifier::default())
        .manage(links::PendingTarget::default())
        .setup(|app| {
            logging::init(logging::log_dir(app.handle()));
            let app_data = app.path().app_data_dir()?;
            let dirs = Dirs::from_env().map_err(|e| e.to_string())?;
            let state = AppState::new(dirs, app_data, Arc::new(keyring()));
            let slot = state
                .try_desk_slot()
                .ok_or("the session slot is taken at start-up")?;
            settings::first_run(&state);
            app.manage(state);
            window::setup(app.handle());
            // The window starts hidden (tauri.conf.json) and is shown unless this is a start at
            // login, which stays in the tray.
            if !autostart::launched_in_background() {
                tray::show_main(app.handle());
            }
            links::open_links(app.handle(), std::env::args().skip(1));
            #[cfg(target_os = "macos")]
            {
                use tauri_plugin_deep_link::DeepLinkExt;
                let handle = app.handle().clone();
                app.deep_link().on_open_url(move |event| {
                    links::open_links(&handle, event.urls().iter().map(|u| u.to_string()));
                });
            }
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
        .on_window_event(window::on_window_event)
        .on_menu_event(window::on_menu_event)
        .invoke_handler(tauri::generate_handler![
            commands::sla_quote,
            commands::entitlements,
            commands::session::session_status,
            commands::session::login,
            commands::session::demo_accounts,
            commands::session::demo_start,
            commands::session::logout,
            commands::cases::cases_list,
            commands::cases::cases_cached,
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
            commands::account::mail_preference_set,
            commands::account::password_reset_request,
            commands::links::link_open,
            commands::settings::settings_get,
            commands::settings::settings_set,
            commands::notify::quiet_get,
            commands::notify::quiet_set,
            commands::notify::case_mute,
            commands::autostart::autostart_get,
            commands::autostart::autostart_set,
            commands::open_screen::open_pending,
            settings::app_settings,
            settings::set_language,
            logging::logs_open,
            window::app_quit,
            window::window_hide,
            window::window_title,
            commands::updates::update_check,
            commands::updates::update_install,
        ])
        .run(tauri::generate_context!())
        .expect("error while running the Casewatch app");
}
