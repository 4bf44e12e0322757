//! What the app holds between commands: the signed-in engine, the embedded demo server, the
//! knowledge-base sync status and the app-level settings.
//!
//! The engine ([`Engine`]: a casewatch-client `Session`, its local knowledge-base index and its
//! deadline watcher) sits behind an async lock and is handed out as an `Arc`, so a command holds
//! the lock only long enough to clone the handle and never across a network call. Sign-in and
//! sign-out take the write lock, so a command never sees a half-built session.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use casewatch_api::Me;
use casewatch_client::kb_sync::LocalKb;
use casewatch_client::{ClientError, Dirs, Profile, SecretStore, Session, SystemClock, Watcher};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use tokio::sync::{Notify, OwnedRwLockWriteGuard, RwLock};

use crate::error::AppError;

/// A signed-in profile: its session, local knowledge base and deadline watcher.
pub struct Engine {
    /// The casewatch-client session (API client, cache, secrets).
    pub session: Session,
    /// The local knowledge-base index, or why it could not be opened.
    pub kb: Result<Arc<LocalKb>, ClientError>,
    /// The deadline watcher over the session's cache.
    pub watcher: Watcher,
    /// Signed in to the embedded demo portal.
    pub demo: bool,
    /// True while a knowledge-base sync runs (at most one at a time).
    pub kb_syncing: AtomicBool,
}

impl Engine {
    /// Builds the engine of an opened session (opens the local index; no network).
    pub fn new(session: Session, demo: bool) -> Engine {
        let kb = session.local_kb().map(Arc::new);
        if let Err(e) = &kb {
            tracing::warn!("the local knowledge base is unavailable: {e}");
        }
        let watcher = Watcher::new(session.cache.clone(), Arc::new(SystemClock));
        Engine {
            session,
            kb,
            watcher,
            demo,
            kb_syncing: AtomicBool::new(false),
        }
    }

    /// The cached account (`GET /me` of the last sign-in or sync).
    pub fn me(&self) -> Result<Option<Me>, AppError> {
        Ok(self.session.cache.me()?)
    }

    /// The local index, or the `kb_index` error that stopped it from opening.
    pub fn kb(&self) -> Result<Arc<LocalKb>, AppError> {
        self.kb.clone().map_err(AppError::from)
    }
}

/// The embedded demo portal while it runs.
pub struct DemoServer {
    /// The running server.
    pub server: casewatch_server::RunningServer,
}

/// State of the knowledge-base sync, as `kb_sync_status` reports it.
#[derive(Debug, Clone, Default, Serialize)]
pub struct KbSyncStatus {
    /// `idle`, `syncing` or `error`.
    pub state: &'static str,
    /// Changes applied in the current (or last) run.
    pub done: u64,
    /// Changes known so far, `null` before the first page.
    pub total: Option<u64>,
    /// Articles in the local index.
    pub article_count: usize,
    /// When the last complete sync ended.
    pub last_synced_at: Option<DateTime<Utc>>,
    /// The portal could not be reached in the last run.
    pub offline: bool,
    /// Why the last run failed.
    pub error: Option<AppError>,
}

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
}

impl Default for AppSettings {
    fn default() -> Self {
        AppSettings {
            language: "en".into(),
            notifications: true,
            portal_url: None,
        }
    }
}

/// Everything the commands share (managed by Tauri as `State<AppState>`).
pub struct AppState {
    /// casewatch-client's base directories (`$XDG_DATA_HOME`, `$XDG_CACHE_HOME`).
    pub dirs: Dirs,
    /// The app's own data directory (demo server data, settings, demo marker).
    pub app_data: PathBuf,
    /// Where refresh tokens go (the OS keyring).
    pub secrets: Arc<dyn SecretStore>,
    engine: Arc<RwLock<Option<Arc<Engine>>>>,
    /// The demo server while it runs.
    pub demo: tokio::sync::Mutex<Option<DemoServer>>,
    /// The knowledge-base sync status.
    pub kb_status: Mutex<KbSyncStatus>,
    /// App-level settings.
    pub settings: Mutex<AppSettings>,
    /// The portal could not be reached at the last attempt.
    pub offline: AtomicBool,
    /// Wakes the background refresher (after sign-in, a reply, a settings change).
    pub wake: Notify,
    /// Open cases near their deadline (shown in the tray).
    pub near_deadline: AtomicUsize,
}

impl AppState {
    /// State over the given directories; settings are read from `app_data/settings.json`.
    pub fn new(dirs: Dirs, app_data: PathBuf, secrets: Arc<dyn SecretStore>) -> AppState {
        let settings = read_settings(&app_data);
        AppState {
            dirs,
            app_data,
            secrets,
            engine: Arc::new(RwLock::new(None)),
            demo: tokio::sync::Mutex::new(None),
            kb_status: Mutex::new(KbSyncStatus {
                state: "idle",
                ..KbSyncStatus::default()
            }),
            settings: Mutex::new(settings),
            offline: AtomicBool::new(false),
            wake: Notify::new(),
            near_deadline: AtomicUsize::new(0),
        }
    }

    /// The signed-in engine, if any (waits while a sign-in or sign-out is under way).
    pub async fn current(&self) -> Option<Arc<Engine>> {
        self.engine.read().await.clone()
    }

    /// The signed-in engine, or `not_signed_in`.
    pub async fn engine(&self) -> Result<Arc<Engine>, AppError> {
        self.current().await.ok_or_else(AppError::not_signed_in)
    }

    /// Exclusive access to the engine slot (sign-in, sign-out, start-up restore).
    pub async fn engine_slot(&self) -> OwnedRwLockWriteGuard<Option<Arc<Engine>>> {
        self.engine.clone().write_owned().await
    }

    /// The slot, taken at once (start-up: nobody else can hold it yet).
    pub fn try_engine_slot(&self) -> Option<OwnedRwLockWriteGuard<Option<Arc<Engine>>>> {
        self.engine.clone().try_write_owned().ok()
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

    /// Updates the knowledge-base status.
    pub fn set_kb_status(&self, update: impl FnOnce(&mut KbSyncStatus)) {
        update(&mut self.kb_status.lock().unwrap_or_else(|e| e.into_inner()));
    }

    /// A copy of the knowledge-base status.
    pub fn kb_status(&self) -> KbSyncStatus {
        self.kb_status
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    /// Whether the last call to the portal failed for lack of a connection.
    pub fn is_offline(&self) -> bool {
        self.offline.load(Ordering::Relaxed)
    }

    /// Records whether the portal answered.
    pub fn set_offline(&self, offline: bool) {
        self.offline.store(offline, Ordering::Relaxed);
    }

    /// The file naming the profile of a demo sign-in (the demo server does not outlive the
    /// app, so such a profile is signed out at the next start).
    pub fn demo_marker(&self) -> PathBuf {
        self.app_data.join("demo-profile.json")
    }

    /// The demo server's data directory.
    pub fn demo_data_dir(&self) -> PathBuf {
        self.app_data.join("demo-portal")
    }

    /// Opens a session for `profile` (no network).
    pub fn open_session(&self, profile: Profile) -> Result<Session, AppError> {
        Ok(Session::open(&self.dirs, profile, self.secrets.clone())?)
    }
}

fn read_settings(app_data: &Path) -> AppSettings {
    std::fs::read(app_data.join("settings.json"))
        .ok()
        .and_then(|bytes| serde_json::from_slice(&bytes).ok())
        .unwrap_or_default()
}

/// Writes `value` as JSON to `path`, creating the directory.
pub fn write_json(path: &Path, value: &impl Serialize) -> Result<(), AppError> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)
            .map_err(|e| AppError::new("storage", format!("{}: {e}", dir.display())))?;
    }
    let text = serde_json::to_vec_pretty(value).map_err(AppError::internal)?;
    std::fs::write(path, text)
        .map_err(|e| AppError::new("storage", format!("{}: {e}", path.display())))
}
