//! The tray icon: how many open cases are near their first-response deadline, a way back to
//! the window, and an explicit Quit (closing the window only hides it, so the deadline watcher
//! keeps running).

use tauri::menu::{Menu, MenuItem, PredefinedMenuItem};
use tauri::tray::{MouseButton, MouseButtonState, TrayIconBuilder, TrayIconEvent};
use tauri::{AppHandle, Manager, Wry};

const TRAY_ID: &str = "main";

/// The tray menu's items whose text changes.
pub struct TrayItems {
    count: MenuItem<Wry>,
    open: MenuItem<Wry>,
    quit: MenuItem<Wry>,
}

fn count_label(count: usize, language: &str) -> String {
    match (language == "zh-CN", count) {
        (false, 0) => "No case near its deadline".to_owned(),
        (false, 1) => "1 case near its deadline".to_owned(),
        (false, n) => format!("{n} cases near their deadline"),
        (true, 0) => "没有临近期限的案件".to_owned(),
        (true, n) => format!("{n} 个案件临近期限"),
    }
}

fn open_label(language: &str) -> &'static str {
    if language == "zh-CN" {
        "打开 Casewatch"
    } else {
        "Open Casewatch"
    }
}

fn quit_label(language: &str) -> &'static str {
    if language == "zh-CN" {
        "退出 Casewatch"
    } else {
        "Quit Casewatch"
    }
}

/// Creates the tray icon and its menu.
pub fn create(app: &AppHandle) -> tauri::Result<()> {
    let count = MenuItem::with_id(app, "count", count_label(0, "en"), false, None::<&str>)?;
    let open = MenuItem::with_id(app, "open", open_label("en"), true, None::<&str>)?;
    let quit = MenuItem::with_id(app, "quit", quit_label("en"), true, None::<&str>)?;
    let separator = PredefinedMenuItem::separator(app)?;
    let menu = Menu::with_items(app, &[&count, &separator, &open, &quit])?;
    let mut builder = TrayIconBuilder::with_id(TRAY_ID)
        .tooltip("Casewatch")
        .menu(&menu)
        .show_menu_on_left_click(false)
        .on_menu_event(|app, event| match event.id().as_ref() {
            "open" => show_main(app),
            "quit" => app.exit(0),
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
        let _ = items.count.set_text(count_label(count, language));
        let _ = items.open.set_text(open_label(language));
        let _ = items.quit.set_text(quit_label(language));
    }
    if let Some(tray) = app.tray_by_id(TRAY_ID) {
        let label = count_label(count, language);
        let _ = tray.set_tooltip(Some(format!("Casewatch — {label}")));
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_count_in_both_languages() {
        assert_eq!(count_label(2, "en"), "2 cases near their deadline");
        assert_eq!(count_label(1, "en"), "1 case near its deadline");
        assert_eq!(count_label(3, "zh-CN"), "3 个案件临近期限");
    }
}
