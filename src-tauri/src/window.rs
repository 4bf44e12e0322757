//! The main window as a desktop app's window: it comes back where the user left it, it can be
//! quit from itself (menu and Ctrl+Q), and closing it never silently stops the deadline alerts
//! nor leaves the app running where nobody can find it.
//!
//! Closing: with a tray icon really shown (a StatusNotifier host owns
//! `org.kde.StatusNotifierWatcher` on the session bus) the window only hides, as before — the
//! tray brings it back. Without one (a desktop with no tray, GNOME without the AppIndicator
//! extension) a hidden window could only come back by starting the app again, so the window
//! asks instead: the UI gets [`CLOSE_REQUESTED`] and answers with [`app_quit`] or
//! [`window_hide`].
//!
//! Geometry: size and position are written to `window-state.json` of the app's data directory
//! as they change (at most once a second, and again when the window closes or hides), because
//! an app that runs all day is usually ended by a logout, not by Quit. They are restored at
//! start-up only if the position is still on one of the monitors.

use std::path::PathBuf;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};
use tauri::menu::{Menu, MenuEvent, MenuItem, PredefinedMenuItem, Submenu};
use tauri::{
    AppHandle, Emitter, Manager, PhysicalPosition, PhysicalSize, WebviewWindow, Window,
    WindowEvent, Wry,
};

use crate::state::AppState;
use crate::texts::text;

/// The event the UI answers by asking whether to quit or keep the alerts running.
pub const CLOSE_REQUESTED: &str = "casewatch://close-requested";

const MAIN: &str = "main";
const STATE_FILE: &str = "window-state.json";
/// Least time between two writes of the geometry while the window moves.
const WRITE_EVERY: Duration = Duration::from_secs(1);

/// The main window's size and position, in physical pixels.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Geometry {
    /// Outer position, left.
    pub x: i32,
    /// Outer position, top.
    pub y: i32,
    /// Inner width.
    pub width: u32,
    /// Inner height.
    pub height: u32,
    /// Maximised when it was last seen.
    #[serde(default)]
    pub maximized: bool,
}

impl Geometry {
    /// Whether the window's top-left corner lies on one of the `monitors` (x, y, width, height).
    pub fn on_a_monitor(&self, monitors: &[(i32, i32, u32, u32)]) -> bool {
        self.width > 0
            && self.height > 0
            && monitors.iter().any(|&(mx, my, mw, mh)| {
                let (mx, my) = (i64::from(mx), i64::from(my));
                let (x, y) = (i64::from(self.x), i64::from(self.y));
                x >= mx && x < mx + i64::from(mw) && y >= my && y < my + i64::from(mh)
            })
    }
}

/// What the window module keeps between events (managed by Tauri).
pub struct WindowState {
    path: PathBuf,
    last_write: Mutex<Option<Instant>>,
    menu: Mutex<Option<MenuTexts>>,
}

/// The window menu's items whose text follows the language.
struct MenuTexts {
    file: Submenu<Wry>,
    logs: MenuItem<Wry>,
    quit: MenuItem<Wry>,
}

/// The main window (its native part: geometry, visibility, title).
fn main_window(app: &AppHandle) -> Option<Window> {
    app.get_webview_window(MAIN)
        .map(|webview| webview.as_ref().window())
}

/// Reads the stored geometry, if any.
pub fn read_geometry(path: &std::path::Path) -> Option<Geometry> {
    let bytes = std::fs::read(path).ok()?;
    serde_json::from_slice(&bytes).ok()
}

fn current_geometry(window: &Window) -> Option<Geometry> {
    // A minimised or hidden window reports nothing useful.
    if window.is_minimized().unwrap_or(false) || !window.is_visible().unwrap_or(true) {
        return None;
    }
    let maximized = window.is_maximized().unwrap_or(false);
    let position = window.outer_position().ok()?;
    let size = window.inner_size().ok()?;
    Some(Geometry {
        x: position.x,
        y: position.y,
        width: size.width,
        height: size.height,
        maximized,
    })
}

fn save(window: &Window, force: bool) {
    let Some(state) = window.try_state::<WindowState>() else {
        return;
    };
    let mut last = state.last_write.lock().unwrap_or_else(|e| e.into_inner());
    if !force && last.is_some_and(|at| at.elapsed() < WRITE_EVERY) {
        return;
    }
    let Some(mut geometry) = current_geometry(window) else {
        return;
    };
    if geometry.maximized {
        // Keep the size to come back to when un-maximised.
        if let Some(old) = read_geometry(&state.path) {
            geometry = Geometry {
                maximized: true,
                ..old
            };
        }
    }
    *last = Some(Instant::now());
    let written = serde_json::to_vec(&geometry)
        .map_err(|e| e.to_string())
        .and_then(|bytes| std::fs::write(&state.path, bytes).map_err(|e| e.to_string()));
    if let Err(e) = written {
        tracing::debug!("window geometry not saved: {e}");
    }
}

/// At start-up: puts the main window where it was, builds its menu and remembers where to
/// keep its geometry.
pub fn setup(app: &AppHandle) {
    let path = app.state::<AppState>().app_data.join(STATE_FILE);
    if let Some(window) = app.get_webview_window(MAIN) {
        if let Some(geometry) = read_geometry(&path) {
            restore(&window, geometry);
        }
    }
    let menu = build_menu(app, &app.state::<AppState>().settings().language);
    app.manage(WindowState {
        path,
        last_write: Mutex::new(None),
        menu: Mutex::new(menu),
    });
}

fn restore(window: &WebviewWindow, geometry: Geometry) {
    let monitors: Vec<(i32, i32, u32, u32)> = window
        .available_monitors()
        .unwrap_or_default()
        .iter()
        .map(|m| {
            let (p, s) = (m.position(), m.size());
            (p.x, p.y, s.width, s.height)
        })
        .collect();
    if !geometry.on_a_monitor(&monitors) {
        return;
    }
    let _ = window.set_size(PhysicalSize::new(geometry.width, geometry.height));
    let _ = window.set_position(PhysicalPosition::new(geometry.x, geometry.y));
    if geometry.maximized {
        let _ = window.maximize();
    }
}

fn build_menu(app: &AppHandle, language: &str) -> Option<MenuTexts> {
    let built = (|| -> tauri::Result<MenuTexts> {
        let logs = MenuItem::with_id(
            app,
            "window-logs",
            text(language, "native.menu.logs", &[]),
            true,
            None::<&str>,
        )?;
        let quit = MenuItem::with_id(
            app,
            "window-quit",
            text(language, "native.tray.quit", &[]),
            true,
            Some("CmdOrCtrl+Q"),
        )?;
        let separator = PredefinedMenuItem::separator(app)?;
        let file = Submenu::with_items(
            app,
            text(language, "native.menu.file", &[]),
            true,
            &[&logs, &separator, &quit],
        )?;
        let menu = Menu::with_items(app, &[&file])?;
        if let Some(window) = app.get_webview_window(MAIN) {
            window.set_menu(menu)?;
        }
        Ok(MenuTexts { file, logs, quit })
    })();
    match built {
        Ok(texts) => Some(texts),
        Err(e) => {
            tracing::warn!("no window menu: {e}");
            None
        }
    }
}

/// The window menu in `language` (after a switch).
pub fn translate_menu(app: &AppHandle, language: &str) {
    let Some(state) = app.try_state::<WindowState>() else {
        return;
    };
    let menu = state.menu.lock().unwrap_or_else(|e| e.into_inner());
    if let Some(items) = menu.as_ref() {
        let _ = items.file.set_text(text(language, "native.menu.file", &[]));
        let _ = items.logs.set_text(text(language, "native.menu.logs", &[]));
        let _ = items.quit.set_text(text(language, "native.tray.quit", &[]));
    }
}

/// The window menu's actions.
pub fn on_menu_event(app: &AppHandle, event: MenuEvent) {
    match event.id().as_ref() {
        "window-quit" => quit(app),
        "window-logs" => {
            if let Err(e) = crate::logging::logs_open(app.clone()) {
                tracing::warn!("log folder not opened: {e}");
            }
        }
        _ => {}
    }
}

/// Quits the app (window menu, Ctrl+Q, tray, the close question): the geometry is saved first.
pub fn quit(app: &AppHandle) {
    if let Some(window) = main_window(app) {
        save(&window, true);
    }
    tracing::info!("quit");
    app.exit(0);
}

/// The main window's events: geometry changes are remembered; a close hides to the tray or
/// asks (see the module docs).
pub fn on_window_event(window: &Window, event: &WindowEvent) {
    if window.label() != MAIN {
        return;
    }
    match event {
        WindowEvent::Moved(_) | WindowEvent::Resized(_) => save(window, false),
        WindowEvent::CloseRequested { api, .. } => {
            api.prevent_close();
            save(window, true);
            if tray_shown() {
                let _ = window.hide();
            } else {
                let _ = window.emit(CLOSE_REQUESTED, ());
            }
        }
        _ => {}
    }
}

/// Whether a tray icon is really shown: on Linux, whether a StatusNotifier host (a panel's
/// tray) owns `org.kde.StatusNotifierWatcher` on the session bus; elsewhere the OS always has a
/// tray (Windows notification area, macOS menu bar).
pub fn tray_shown() -> bool {
    #[cfg(target_os = "linux")]
    {
        linux::status_notifier_watcher()
    }
    #[cfg(not(target_os = "linux"))]
    {
        true
    }
}

#[cfg(target_os = "linux")]
mod linux {
    use gtk::gio;
    use gtk::glib::ToVariant;

    /// `NameHasOwner("org.kde.StatusNotifierWatcher")` on the session bus; false when there is
    /// no bus or no answer within half a second.
    pub fn status_notifier_watcher() -> bool {
        let Ok(bus) = gio::bus_get_sync(gio::BusType::Session, None::<&gio::Cancellable>) else {
            return false;
        };
        bus.call_sync(
            Some("org.freedesktop.DBus"),
            "/org/freedesktop/DBus",
            "org.freedesktop.DBus",
            "NameHasOwner",
            Some(&("org.kde.StatusNotifierWatcher",).to_variant()),
            None,
            gio::DBusCallFlags::NONE,
            500,
            None::<&gio::Cancellable>,
        )
        .ok()
        .and_then(|answer| answer.get::<(bool,)>())
        .is_some_and(|(owned,)| owned)
    }
}

/// `app_quit`: quits the app; the deadline alerts stop.
#[tauri::command(rename_all = "snake_case")]
pub fn app_quit(app: AppHandle) {
    quit(&app);
}

/// `window_hide`: hides the window and keeps the alerts running (the app comes back when it is
/// started again, or from the tray).
#[tauri::command(rename_all = "snake_case")]
pub fn window_hide(app: AppHandle) {
    if let Some(window) = main_window(&app) {
        save(&window, true);
        let _ = window.hide();
    }
}

/// `window_title`: the native window's title (taskbar, window switcher) follows the screen.
#[tauri::command(rename_all = "snake_case")]
pub fn window_title(app: AppHandle, title: String) {
    if let Some(window) = main_window(&app) {
        let _ = window.set_title(&title);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_window_off_every_monitor_is_not_restored_there() {
        let monitors = [(0, 0, 1920, 1080), (1920, 0, 1280, 1024)];
        let at = |x, y| Geometry {
            x,
            y,
            width: 1100,
            height: 780,
            maximized: false,
        };
        assert!(at(100, 50).on_a_monitor(&monitors));
        assert!(at(2000, 10).on_a_monitor(&monitors));
        assert!(!at(3500, 10).on_a_monitor(&monitors), "a monitor unplugged");
        assert!(!at(-400, 10).on_a_monitor(&monitors));
        assert!(!at(100, 50).on_a_monitor(&[]));
    }

    #[test]
    fn geometry_survives_the_file() {
        let dir = std::env::temp_dir().join(format!("cw-window-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("temp dir");
        let path = dir.join(STATE_FILE);
        let geometry = Geometry {
            x: 10,
            y: 20,
            width: 900,
            height: 700,
            maximized: true,
        };
        std::fs::write(&path, serde_json::to_vec(&geometry).expect("json")).expect("write");
        assert_eq!(read_geometry(&path), Some(geometry));
        std::fs::write(&path, b"{not json").expect("write");
        assert_eq!(read_geometry(&path), None, "a damaged file is ignored");
        let _ = std::fs::remove_dir_all(dir);
    }
}
