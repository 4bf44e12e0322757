//! The tray icon: how many open cases are near their first-response deadline, a way back to
//! the window, and an explicit Quit (closing the window only hides it, so the deadline watcher
//! keeps running). Its texts are the strings catalogue's, through [`crate::texts`].

use tauri::menu::{Menu, MenuItem, PredefinedMenuItem};
use tauri::tray::{MouseButton, MouseButtonState, TrayIconBuilder, TrayIconEvent};
use tauri::{AppHandle, Manager, Wry};

use crate::state::AppState;
use crate::texts::{tray_count, tray_open, tray_quit, tray_tooltip};

const TRAY_ID: &str = "main";

/// The tray menu's items whose text changes.
pub struct TrayItems {
    count: MenuItem<Wry>,
    open: MenuItem<Wry>,
    quit: MenuItem<Wry>,
}

/// Creates the tray icon and its menu.
/// Its texts are in the settings' language from the start.
pub fn create(app: &AppHandle) -> tauri::Result<()> {
    let language = app.state::<AppState>().settings().language;
    let count = MenuItem::with_id(app, "count", tray_count(0, &language), false, None::<&str>)?;
    let open = MenuItem::with_id(app, "open", tray_open(&language), true, None::<&str>)?;
    let quit = MenuItem::with_id(app, "quit", tray_quit(&language), true, None::<&str>)?;
    let separator = PredefinedMenuItem::separator(app)?;
    let menu = Menu::with_items(app, &[&count, &separator, &open, &quit])?;
    let mut builder = TrayIconBuilder::with_id(TRAY_ID)
        .tooltip(tray_tooltip(&tray_count(0, &language), &language))
        .menu(&menu)
        .show_menu_on_left_click(false)
        .on_menu_event(|app, event| match event.id().as_ref() {
            "open" => show_main(app),
            "quit" => crate::window::quit(app),
            _ => {}
        })
        .on_tray_icon_event(|tray, event| {
            if let TrayIconEvent::Click {
                button: MouseButton::Left,
                button_state: MouseButtonState::Up,
                ..
            } = event
            {
                show_main(tray.app_handle());
            }
        });
    if let Some(icon) = app.default_window_icon() {
        builder = builder.icon(icon.clone());
    }
    builder.build(app)?;
    app.manage(TrayItems { count, open, quit });
    Ok(())
}

/// Shows the count (and the menu) in `language`.
pub fn show_count(app: &AppHandle, count: usize, language: &str) {
    if let Some(items) = app.try_state::<TrayItems>() {
        let _ = items.count.set_text(tray_count(count, language));
        let _ = items.open.set_text(tray_open(language));
        let _ = items.quit.set_text(tray_quit(language));
    }
    if let Some(tray) = app.tray_by_id(TRAY_ID) {
        let label = tray_count(count, language);
        let _ = tray.set_tooltip(Some(tray_tooltip(&label, language)));
        let _ = tray.set_title(Some(if count == 0 {
            String::new()
        } else {
            count.to_string()
        }));
    }
}

/// Brings the main window back (tray, second launch).
pub fn show_main(app: &AppHandle) {
    if let Some(window) = app.get_webview_window("main") {
        let _ = window.show();
        let _ = window.unminimize();
        let _ = window.set_focus();
    }
}
