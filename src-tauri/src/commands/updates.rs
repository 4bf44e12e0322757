//! Settings' "Check for updates": the running version, a newer one from the portal, installing it.
//!
//! The feed is the signed-in portal's (see [`crate::updates`]); the public key is the one in
//! `tauri.conf.json`, read by tauri-plugin-updater itself, so nothing the webview sends can
//! change what is trusted.

use tauri::{AppHandle, State};
use tauri_plugin_updater::UpdaterExt;

use crate::error::AppError;
use crate::state::AppState;
use crate::updates::{self, UpdateCheck, UpdateInstalled};

/// The updater for the portal the user signed in to.
fn builder(
    app: &AppHandle,
    state: &AppState,
) -> Result<tauri_plugin_updater::UpdaterBuilder, AppError> {
    let feed = updates::feed_url(state.settings().portal_url.as_deref())?;
    app.updater_builder()
        .endpoints(vec![feed])
        .map_err(updates::error)
}

/// `update_check`: the running version and whether the portal offers a newer one.
#[tauri::command(rename_all = "snake_case")]
pub async fn update_check(
    app: AppHandle,
    state: State<'_, AppState>,
) -> Result<UpdateCheck, AppError> {
    let current = app.package_info().version.to_string();
    let (check, _) = updates::check(builder(&app, &state)?, &current).await?;
    Ok(check)
}

/// `update_install`: downloads the newer version, verifies its signature and installs it with the
/// system's package manager; the app runs the new version after its next start.
#[tauri::command(rename_all = "snake_case")]
pub async fn update_install(
    app: AppHandle,
    state: State<'_, AppState>,
) -> Result<UpdateInstalled, AppError> {
    let current = app.package_info().version.to_string();
    let (_, update) = updates::check(builder(&app, &state)?, &current).await?;
    let Some(update) = update else {
        return Err(AppError::new(
            "update_none",
            format!("Casewatch {current} is already the newest version the portal offers"),
        ));
    };
    let bytes = updates::download(&update).await?;
    // dpkg/rpm block while they run: off the async runtime's worker threads.
    tauri::async_runtime::spawn_blocking(move || updates::install(&update, &bytes))
        .await
        .map_err(|err| AppError::new("update_failed", format!("the installer stopped: {err}")))?
}
