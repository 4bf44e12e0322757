//! The app's tray icon as the desktop sees it: on Linux the tray is a StatusNotifierItem with a
//! `com.canonical.dbusmenu` menu, exported by libayatana-appindicator on the session bus. The
//! tests read that menu over D-Bus (with `gdbus`), so what they check is what a panel would show.

use std::process::Command;

use crate::{e2e_error, Result};

/// Object path of the tray menu Tauri's tray icon (id `main`) exports.
const MENU_PATH: &str = "/org/ayatana/NotificationItem/tray_icon_tray_app_main/Menu";

/// Runs `gdbus` on the session bus and returns what it printed, or why it failed.
fn gdbus(args: &[&str]) -> Result<String> {
    let output = Command::new("gdbus")
        .arg("call")
        .arg("--session")
        .arg("--timeout")
        .arg("2")
        .args(args)
        .output()
        .map_err(|e| e2e_error!("cannot run gdbus (package libglib2.0-bin): {e}"))?;
    if output.status.success() {
        Ok(String::from_utf8_lossy(&output.stdout).into_owned())
    } else {
        Err(e2e_error!(
            "gdbus {args:?}: {}",
            String::from_utf8_lossy(&output.stderr).trim()
        ))
    }
}

/// The unique bus names owned by process `pid`.
fn names_of(pid: u32) -> Result<Vec<String>> {
    let bus = [
        "--dest",
        "org.freedesktop.DBus",
        "--object-path",
        "/org/freedesktop/DBus",
        "--method",
    ];
    let listed = gdbus(&[&bus[..], &["org.freedesktop.DBus.ListNames"]].concat())?;
    let mut names = Vec::new();
    for name in listed
        .split('\'')
        .filter(|part| part.starts_with(':') && part.len() > 1)
    {
        let owner = gdbus(
            &[
                &bus[..],
                &["org.freedesktop.DBus.GetConnectionUnixProcessID", name],
            ]
            .concat(),
        );
        // "(uint32 1234,)"
        let owner_pid = owner.ok().and_then(|text| {
            text.split_whitespace()
                .nth(1)?
                .trim_end_matches([',', ')'])
                .parse::<u32>()
                .ok()
        });
        if owner_pid == Some(pid) {
            names.push(name.to_owned());
        }
    }
    Ok(names)
}

/// The tray menu's layout (gdbus's text form, which holds every item's `label`) of the app
/// running as `pid`.
pub fn menu_layout(pid: u32) -> Result<String> {
    let names = names_of(pid)?;
    let mut errors = Vec::new();
    for name in &names {
        match gdbus(&[
            "--dest",
            name,
            "--object-path",
            MENU_PATH,
            "--method",
            "com.canonical.dbusmenu.GetLayout",
            "0",
            "int32 -1",
            "@as []",
        ]) {
            Ok(layout) => return Ok(layout),
            Err(e) => errors.push(e.to_string()),
        }
    }
    Err(e2e_error!(
        "no tray menu at {MENU_PATH} on the bus names of process {pid} ({names:?}): {errors:?}"
    ))
}
