//! Start at login, so deadline alerts keep coming after a restart.
//!
//! A start at login runs the app with [`BACKGROUND_ARG`]: no window, the tray icon, the session
//! restored from the keyring and the watcher resumed (alerts missed while the computer was off
//! come once, grouped: `casewatch_client::watcher`).
//!
//! On Linux the app writes the XDG autostart entry itself, at
//! `$XDG_CONFIG_HOME/autostart/casewatch.desktop` (`~/.config` when unset), as the XDG Autostart
//! specification says: tauri-plugin-autostart's Linux backend always writes under
//! `$HOME/.config` and ignores `XDG_CONFIG_HOME`. On macOS (a LaunchAgent) and Windows (the
//! registry) tauri-plugin-autostart does the work. Whether it is on is read from the system
//! each time (the entry exists), never from a copy in the settings, so removing the entry by
//! hand is seen.

use tauri::AppHandle;

use crate::error::AppError;

/// The argument a start at login passes: start hidden in the tray.
pub const BACKGROUND_ARG: &str = "--background";

/// Whether this process was started in the background mode.
pub fn launched_in_background() -> bool {
    std::env::args().skip(1).any(|a| a == BACKGROUND_ARG)
}

/// Whether the app starts at login.
pub fn is_enabled(app: &AppHandle) -> Result<bool, AppError> {
    imp::is_enabled(app)
}

/// Turns start at login on or off.
pub fn set_enabled(app: &AppHandle, enabled: bool) -> Result<(), AppError> {
    imp::set_enabled(app, enabled)
}

fn failed(e: impl std::fmt::Display) -> AppError {
    AppError::new(
        "autostart",
        format!("cannot change the start at login: {e}"),
    )
}

#[cfg(target_os = "linux")]
mod imp {
    use std::path::PathBuf;

    use tauri::AppHandle;

    use super::{failed, BACKGROUND_ARG};
    use crate::error::AppError;

    /// The entry's file name.
    const ENTRY: &str = "casewatch.desktop";

    /// `$XDG_CONFIG_HOME/autostart/casewatch.desktop` (absolute `XDG_CONFIG_HOME` only, as the
    /// specification says), else `$HOME/.config/autostart/casewatch.desktop`.
    pub(super) fn entry_path() -> Result<PathBuf, AppError> {
        let config = std::env::var_os("XDG_CONFIG_HOME")
            .map(PathBuf::from)
            .filter(|p| p.is_absolute())
            .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".config")))
            .ok_or_else(|| failed("neither XDG_CONFIG_HOME nor HOME is set"))?;
        Ok(config.join("autostart").join(ENTRY))
    }

    /// A value of `Exec=`, quoted as the Desktop Entry specification requires.
    pub(super) fn exec_quoted(path: &str) -> String {
        let mut out = String::from("\"");
        for c in path.chars() {
            if matches!(c, '"' | '`' | '$' | '\\') {
                out.push('\\');
            }
            // `%` introduces field codes; a literal one is doubled.
            if c == '%' {
                out.push('%');
            }
            out.push(c);
        }
        out.push('"');
        out
    }

    /// The program to start: the AppImage when running from one (its mount point changes at
    /// each run), else this executable.
    fn program() -> Result<String, AppError> {
        if let Some(appimage) = std::env::var_os("APPIMAGE") {
            return Ok(appimage.to_string_lossy().into_owned());
        }
        let exe = std::env::current_exe().map_err(failed)?;
        Ok(exe.to_string_lossy().into_owned())
    }

    pub(super) fn entry_text(program: &str) -> String {
        format!(
            "[Desktop Entry]\nType=Application\nName=Casewatch\n\
             Comment=Deadline alerts for your support cases\n\
             Exec={} {BACKGROUND_ARG}\nIcon=casewatch-app\nTerminal=false\nNoDisplay=true\n\
             X-GNOME-Autostart-enabled=true\n",
            exec_quoted(program)
        )
    }

    pub(super) fn is_enabled(_app: &AppHandle) -> Result<bool, AppError> {
        Ok(entry_path()?.is_file())
    }

    pub(super) fn set_enabled(_app: &AppHandle, enabled: bool) -> Result<(), AppError> {
        let path = entry_path()?;
        if enabled {
            if let Some(dir) = path.parent() {
                std::fs::create_dir_all(dir).map_err(failed)?;
            }
            std::fs::write(&path, entry_text(&program()?)).map_err(failed)?;
            tracing::info!(path = %path.display(), "start at login on");
        } else {
            match std::fs::remove_file(&path) {
                Ok(()) => tracing::info!(path = %path.display(), "start at login off"),
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                Err(e) => return Err(failed(e)),
            }
        }
        Ok(())
    }
}

#[cfg(not(target_os = "linux"))]
mod imp {
    use tauri::AppHandle;
    use tauri_plugin_autostart::ManagerExt;

    use super::failed;
    use crate::error::AppError;

    pub(super) fn is_enabled(app: &AppHandle) -> Result<bool, AppError> {
        app.autolaunch().is_enabled().map_err(failed)
    }

    pub(super) fn set_enabled(app: &AppHandle, enabled: bool) -> Result<(), AppError> {
        let manager = app.autolaunch();
        if enabled {
            manager.enable()
        } else {
            manager.disable()
        }
        .map_err(failed)
    }
}

/// The autostart plugin (macOS and Windows; Linux needs none, see the module docs).
#[cfg(not(target_os = "linux"))]
pub fn plugin() -> tauri::plugin::TauriPlugin<tauri::Wry> {
    tauri_plugin_autostart::Builder::new()
        .args([BACKGROUND_ARG])
        .app_name("Casewatch")
        .macos_launcher(tauri_plugin_autostart::MacosLauncher::LaunchAgent)
        .build()
}

#[cfg(all(test, target_os = "linux"))]
mod tests {
    use super::imp::*;

    #[test]
    fn the_entry_starts_the_app_in_the_background() {
        let text = entry_text("/opt/Case watch/casewatch-app");
        assert!(text.contains("Exec=\"/opt/Case watch/casewatch-app\" --background\n"));
        assert!(text.starts_with("[Desktop Entry]\n"));
    }

    #[test]
    fn exec_paths_are_quoted() {
        assert_eq!(exec_quoted("/a/$b\"c%d"), "\"/a/\\$b\\\"c%%d\"");
    }
}
