//! # The desk: every use case of a support contact, once, for every shell
//!
//! The desktop app (Tauri) and the `casewatch` command line do the same things — sign in, file
//! a case, reply, change a severity, ask for a callback, refresh, search the knowledge base,
//! keep a half-written case — and they used to do each one separately, so each use case
//! existed twice and the two copies drifted. This module holds each use case once, as a plain
//! async method on [`Desk`] that needs no UI and no Tauri: a shell parses its input, calls
//! one desk function, and shows the answer. Business decisions (what is checked before a case
//! is filed, what happens when the portal cannot be reached, which cases count as near their
//! deadline) are made here or below, never in a shell.
//!
//! The layers, each arrow pointing down only:
//!
//! ```text
//!   src-tauri commands      casewatch CLI subcommands
//!              \               /
//!          casewatch_client::desk        (use cases: this module)
//!                     |
//!   session · cache · outbox · drafts · kb_sync · watcher   (casewatch-client mechanisms)
//!                     |
//!        casewatch-core (rules)   casewatch-api (wire types)
//! ```
//!
//! A [`Desk`] is one signed-in profile: its [`Session`] (API client, cache, keyring), its
//! local knowledge-base index, its deadline [`Watcher`], and the little state a running shell
//! keeps about it (whether the portal answered last time, the knowledge-base sync's progress,
//! alerts waiting to be shown). Signing in builds one ([`Desk::sign_in`]), restoring at
//! start-up reopens one ([`Desk::restore`]), signing out ends it ([`Desk::sign_out`]).
//!
//! One module per use case:
//!
//! - [`account`]: sign in, restore, sign out, the session's status;
//! - [`alerts`]: the lead times of deadline alerts;
//! - [`filing`]: file a new case (check with the core → draft → outbox → send → attachments →
//!   callback request → deadline), send or discard what waits in the outbox;
//! - [`thread`]: the case list, one case with its thread, replies, severity and status
//!   changes, callbacks; [`cached_cases`]: the list from the cache alone;
//! - [`refresh`]: refresh once (outbox, cases, watcher) and the one [`refresh::Refresher`]
//!   loop that both the app's background task and `casewatch watch` run;
//! - [`drafts`]: the wizard's draft, kept in the drafts table for both shells;
//!   [`saved_drafts`]: every saved draft, listed, sent or discarded (the command line's
//!   `drafts`);
//! - [`kb`]: knowledge-base search, articles, sync and its status;
//! - [`contacts`]: the organisation's support contacts;
//! - [`attachments`]: files staged before the case or reply that carries them;
//! - [`products`]: product and version suggestions;
//! - [`form`]: the new-case form's rules, severity choices and the deadline preview.
//!
//! Every answer is a named type (no untyped JSON), serialisable, and with the `ts` feature
//! derives TypeScript declarations for the app's UI. Errors are one [`DeskError`]
//! `{code, message}` whose codes are the core's, the client's or the server's, unchanged.

pub mod account;
pub mod alerts;
pub mod attachments;
pub mod cached_cases;
pub mod contacts;
pub mod drafts;
mod error;
pub mod filing;
pub mod form;
pub mod kb;
pub mod preferences;
pub mod products;
pub mod refresh;
pub mod saved_drafts;
pub mod thread;

use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use casewatch_api::Me;
use tokio::sync::Notify;

use crate::api::ApiConfig;
use crate::error::ClientError;
use crate::kb_sync::LocalKb;
use crate::profile::{Dirs, Profile};
use crate::secrets::SecretStore;
use crate::session::Session;
use crate::watcher::{AlertEvent, SystemClock, Watcher};

pub use error::{DeskError, DeskResult};

/// Where a shell keeps its profiles: base directories, the secret store, the API settings
/// every session starts from, and (for a shell that runs a demo portal) the file that marks a
/// demo sign-in.
#[derive(Clone)]
pub struct Home {
    /// casewatch-client's base directories.
    pub dirs: Dirs,
    /// Where refresh tokens go (the OS keyring, or memory in tests).
    pub secrets: Arc<dyn SecretStore>,
    /// Timeouts and retries of each session's API client (its base URL is the profile's).
    pub api: ApiConfig,
    /// The file naming the profile of a demo sign-in: a demo portal does not outlive its
    /// shell, so such a profile is signed out when the shell restores it.
    pub demo_marker: Option<PathBuf>,
}

impl Home {
    /// A home over `dirs` and `secrets` with default API settings and no demo portal.
    pub fn new(dirs: Dirs, secrets: Arc<dyn SecretStore>) -> Home {
        Home {
            dirs,
            secrets,
            api: ApiConfig::new("http://unused.invalid"),
            demo_marker: None,
        }
    }

    /// Opens a session for `profile` (no network).
    pub fn open_session(&self, profile: Profile) -> DeskResult<Session> {
        Ok(Session::open_with(
            &self.dirs,
            profile,
            self.secrets.clone(),
            self.api.clone(),
        )?)
    }
}

impl std::fmt::Debug for Home {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Home")
            .field("dirs", &self.dirs)
            .field("demo_marker", &self.demo_marker)
            .finish_non_exhaustive()
    }
}

/// One signed-in profile and everything a shell does with it (see the module docs).
pub struct Desk {
    /// The casewatch-client session (API client, cache, secrets).
    pub session: Session,
    /// The local knowledge-base index, or why it could not be opened.
    kb: Result<Arc<LocalKb>, ClientError>,
    /// The deadline watcher over the session's cache.
    pub watcher: Watcher,
    demo: bool,
    offline: AtomicBool,
    kb_syncing: AtomicBool,
    kb_status: Mutex<kb::KbSyncStatus>,
    wake: Notify,
    closed: AtomicBool,
    refresher_running: AtomicBool,
    alerts: Mutex<Vec<AlertEvent>>,
    refresh: refresh::RefreshMemory,
}

impl std::fmt::Debug for Desk {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Desk")
            .field("profile", &self.session.profile)
            .field("demo", &self.demo)
            .finish_non_exhaustive()
    }
}

impl Desk {
    /// The desk of an opened session (opens the local index; no network). `demo` marks a
    /// session on an embedded demo portal.
    pub fn new(session: Session, demo: bool) -> Desk {
        let kb = session.local_kb().map(Arc::new);
        if let Err(e) = &kb {
            tracing::warn!("the local knowledge base is unavailable: {e}");
        }
        let watcher = Watcher::new(session.cache.clone(), Arc::new(SystemClock));
        Desk {
            session,
            kb,
            watcher,
            demo,
            offline: AtomicBool::new(false),
            kb_syncing: AtomicBool::new(false),
            kb_status: Mutex::new(kb::KbSyncStatus::idle()),
            wake: Notify::new(),
            closed: AtomicBool::new(false),
            refresher_running: AtomicBool::new(false),
            alerts: Mutex::new(Vec::new()),
            refresh: refresh::RefreshMemory::default(),
        }
    }

    /// Signed in to an embedded demo portal.
    pub fn is_demo(&self) -> bool {
        self.demo
    }

    /// The cached account (`GET /me` of the last sign-in or refresh).
    pub fn me(&self) -> DeskResult<Option<Me>> {
        Ok(self.session.cache.me()?)
    }

    /// The local index, or the `kb_index` error that stopped it from opening.
    pub fn local_kb(&self) -> DeskResult<Arc<LocalKb>> {
        self.kb.clone().map_err(DeskError::from)
    }

    /// Whether the last call to the portal failed for lack of a connection.
    pub fn is_offline(&self) -> bool {
        self.offline.load(Ordering::Relaxed)
    }

    /// Records whether the portal answered.
    pub fn set_offline(&self, offline: bool) {
        self.offline.store(offline, Ordering::Relaxed);
    }

    /// Wakes the refresher: something changed that it should look at now (a reply was
    /// sent, a case filed, the alert lead times changed).
    pub fn wake(&self) {
        self.wake.notify_one();
    }

    /// Ends this desk's refresher loop (at sign-out).
    pub fn close(&self) {
        self.closed.store(true, Ordering::SeqCst);
        self.wake.notify_one();
    }

    /// True once [`close`](Self::close) was called.
    pub fn is_closed(&self) -> bool {
        self.closed.load(Ordering::SeqCst)
    }

    /// Runs the deadline watcher now and keeps its events for the refresher to show. Called
    /// right after a case is filed, so the watcher knows the case before anyone can answer it
    /// (replies older than the moment a case is first seen are never announced). Without a
    /// running refresher it does nothing: a tick records its alerts as shown, and nobody
    /// would show them.
    pub fn watch_now(&self) {
        if !self.refresher_running.load(Ordering::SeqCst) {
            return;
        }
        match self.watcher.tick() {
            Ok(events) if !events.is_empty() => {
                self.alerts
                    .lock()
                    .unwrap_or_else(|e| e.into_inner())
                    .extend(events);
                self.wake();
            }
            Ok(_) => {}
            Err(e) => tracing::warn!("deadline watcher: {e}"),
        }
    }

    /// The alerts [`watch_now`](Self::watch_now) kept, taken.
    fn take_alerts(&self) -> Vec<AlertEvent> {
        std::mem::take(&mut *self.alerts.lock().unwrap_or_else(|e| e.into_inner()))
    }
}
