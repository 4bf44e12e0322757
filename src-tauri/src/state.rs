//! What the app holds between commands: the signed-in desk, the embedded demo portal, the
//! tray's count and the app-level settings.
//!
//! The desk (`casewatch_client::desk::Desk`: session, local knowledge base, deadline watcher)
//! sits behind an async lock and is handed out as an `Arc`, so a command holds the lock only
//! long enough to clone the handle and never across a network call. Sign-in and sign-out take
//! the write lock, so a command never sees a half-built session.

use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicUsize;
use std::sync::{Arc, Mutex};

use casewatch_client::desk::{Desk, Home};
use casewatch_client::{Dirs, SecretStore};
use serde::{Deserialize, Serialize};
use tokio::sync::{OwnedRwLockWriteGuard, RwLock};

use crate::error::AppError;

/// App-level settings, kept in `settings.json` of the app's data directory (per-profile ones,
/// the alert lead times, live in the profile's cache).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct AppSettings {
    /// `en` or `zh-CN`: the language of notifications and the tray.
    pub language: String,
    /// Desktop notifications on or off.
    pub notifications: bool,
    /// The portal of the last (non-demo) sign-in, offered again on the sign-in screen.
    pub portal_url: Option<String>,
    /// "Do not disturb until …" and muted cases (`commands::notify`).
    pub quiet: casewatch_client::desk::alerts::Quiet,
    /// The question "keep deadline alerts running after a restart?" was answered (asked once,
    /// after the first sign-in: `commands::autostart`).
    pub autostart_asked: bool,
}

impl Default for AppSettings {
    fn default() -> Self {
        AppSettings {
            language: "en".into(),
            notifications: true,
            portal_url: None,
            quiet: Default::default(),
            autostart_asked: false,
        }
    }
}

/// The slot holding the signed-in desk.
pub type DeskSlot = OwnedRwLockWriteGuard<Option<Arc<Desk>>>;

/// Everything the commands share (managed by Tauri as `State<AppState>`).
pub struct AppState {
    /// Where profiles and tokens live, and the demo marker.
    pub home: Home,
    /// The app's own data directory (demo server data, settings, demo marker).
    pub app_data: PathBuf,
    desk: Arc<RwLock<Option<Arc<Desk>>>>,
    /// The embedded demo portal while it runs.
    pub demo: crate::demo::DemoPortal,
    /// App-level settings.
    pub settings: Mutex<AppSettings>,
    /// Open cases near their deadline (shown in the tray).
    pub near_deadline: AtomicUsize,
}

impl AppState {
    /// State over the given directories; settings are read from `app_data/settings.json`.
    pub fn new(dirs: Dirs, app_data: PathBuf, secrets: Arc<dyn SecretStore>) -> AppState {
        let settings = read_settings(&app_data);
        let mut home = Home::new(dirs, secrets);
        home.demo_marker = Some(app_data.join("demo-profile.json"));
        AppState {
            home,
            demo: crate::demo::DemoPortal::new(app_data.join("demo-portal")),
            app_data,
            desk: Arc::new(RwLock::new(None)),
            settings: Mutex::new(settings),
            near_deadline: AtomicUsize::new(0),
        }
    }

    /// The signed-in desk, if any (waits while a sign-in or sign-out is under way).
    pub async fn current(&self) -> Option<Arc<Desk>> {
        self.desk.read().await.clone()
    }

    /// The signed-in desk, or `not_signed_in`.
    pub async fn desk(&self) -> Result<Arc<Desk>, AppError> {
        self.current().await.ok_or_else(AppError::not_signed_in)
    }

    /// Exclusive access to the desk slot (sign-in, sign-out, start-up restore).
    pub async fn desk_slot(&self) -> DeskSlot {
        self.desk.clone().write_owned().await
    }

    /// The slot, taken at once (start-up: nobody else can hold it yet).
    pub fn try_desk_slot(&self) -> Option<DeskSlot> {
        self.desk.clone().try_write_owned().ok()
    }

    /// A copy of the app-level settings.
    pub fn settings(&self) -> AppSettings {
        self.settings
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    /// Replaces and stores the app-level settings.
    pub fn store_settings(&self, settings: AppSettings) -> Result<(), AppError> {
        let path = self.app_data.join("settings.json");
        write_json(&path, &settings)?;
        *self.settings.lock().unwrap_or_else(|e| e.into_inner()) = settings;
        Ok(())
    }
}

fn read_settings(app_data: &Path) -> AppSettings {
    std::fs::read(app_data.join("settings.json"))
        .ok()
        .and_then(|bytes| serde_json::from_slice(&bytes).ok())
        .unwrap_or_default()
}

/// Writes `value` as JSON to `path`, creating the directory.
fn write_json(path: &Path, value: &impl Serialize) -> Result<(), AppError> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)
            .map_err(|e| AppError::new("storage", format!("{}: {e}", dir.display())))?;
    }
    let text = serde_json::to_vec_pretty(value).map_err(AppError::internal)?;
    std::fs::write(path, text)
        .map_err(|e| AppError::new("storage", format!("{}: {e}", path.display())))
}
