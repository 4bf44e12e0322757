//! The app's log: what it did while nobody watched (it runs all day in the background, often
//! started at login with no terminal), written to files a support engineer can be sent.
//!
//! Files go to the app's log directory (`~/.local/share/dev.casewatch.desktop/logs` on Linux),
//! one per day (`casewatch.<date>.log`), the oldest deleted beyond [`KEEP_FILES`], so the log
//! never grows without bound. Everything also goes to stderr as before (`make run`, the e2e
//! tests' driver logs). `RUST_LOG` chooses the level, as for the CLI and the server.
//!
//! [`logs_open`] opens the folder in the desktop's file manager (Settings, "Open log folder").

use std::path::PathBuf;

use tauri::{AppHandle, Manager};
use tracing_appender::rolling::{RollingFileAppender, Rotation};
use tracing_subscriber::layer::SubscriberExt as _;
use tracing_subscriber::util::SubscriberInitExt as _;
use tracing_subscriber::{fmt, EnvFilter};

use crate::error::AppError;

/// How many daily files are kept.
pub const KEEP_FILES: usize = 7;

/// The file names' prefix and suffix: `casewatch.<date>.log`.
const PREFIX: &str = "casewatch";
const SUFFIX: &str = "log";

/// The app's log directory (Tauri's `app_log_dir`; a `logs` folder in the temp dir if the
/// platform has none).
pub fn log_dir(app: &AppHandle) -> PathBuf {
    app.path()
        .app_log_dir()
        .unwrap_or_else(|_| std::env::temp_dir().join("casewatch-logs"))
}

fn filter() -> EnvFilter {
    EnvFilter::try_from_default_env().unwrap_or_else(|_| "info,tantivy=warn".into())
}

/// Starts logging to stderr and to the rotated files in `dir`. When the directory cannot be
/// written, logging goes to stderr only (and says so there): a missing log is no reason not
/// to start.
pub fn init(dir: PathBuf) {
    let file = std::fs::create_dir_all(&dir)
        .map_err(|e| e.to_string())
        .and_then(|()| {
            RollingFileAppender::builder()
                .rotation(Rotation::DAILY)
                .filename_prefix(PREFIX)
                .filename_suffix(SUFFIX)
                .max_log_files(KEEP_FILES)
                .build(&dir)
                .map_err(|e| e.to_string())
        });
    let (file_layer, problem) = match file {
        Ok(appender) => (
            Some(fmt::layer().with_ansi(false).with_writer(appender)),
            None,
        ),
        Err(e) => (None, Some(e)),
    };
    let _ = tracing_subscriber::registry()
        .with(filter())
        .with(fmt::layer().with_writer(std::io::stderr))
        .with(file_layer)
        .try_init();
    match problem {
        Some(e) => tracing::warn!("no log file in {}: {e}", dir.display()),
        None => tracing::info!(
            version = env!("CARGO_PKG_VERSION"),
            "Casewatch starts; log in {}",
            dir.display()
        ),
    }
}

/// `logs_open`: opens the log folder in the desktop's file manager.
#[tauri::command(rename_all = "snake_case")]
pub fn logs_open(app: AppHandle) -> Result<(), AppError> {
    let dir = log_dir(&app);
    std::fs::create_dir_all(&dir)
        .map_err(|e| AppError::new("storage", format!("{}: {e}", dir.display())))?;
    open::that_detached(&dir)
        .map_err(|e| AppError::new("open_failed", format!("{}: {e}", dir.display())))
}
