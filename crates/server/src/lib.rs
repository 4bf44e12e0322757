//! # casewatch-server
//!
//! The vendor's support centre (SPEC.md, issue 3): accounts, knowledge base, cases and their
//! threads, attachments, callbacks, and the initial-response clocks, over a JSON HTTP API
//! under `/api/v1`. Every rule comes from `casewatch-core`, so the server refuses exactly what
//! the desktop app refuses, with the same codes.
//!
//! It is a library so that it can be embedded: [`serve`] binds an address (port 0 allowed) and
//! returns a [`RunningServer`] with the bound address and a shutdown handle. The `casewatch
//! server` command and the desktop app's demo mode both call it.
//!
//! The surface is deliberately narrow: serving ([`serve`], [`ServerConfig`]), administering a
//! data directory without HTTP ([`Admin`]), and the demo accounts ([`demo_accounts`]). The
//! modules (handlers, storage, search) stay private, so the database schema and the request
//! handlers can change — towards PostgreSQL, say — without touching the app, the CLI or the
//! tests, which all speak to the server through HTTP or these items.

mod admin;
mod agent;
mod attachments;
mod auth;
mod callbacks;
mod cases;
mod comments;
mod contacts;
mod demo;
mod error;
mod http;
pub mod jobs;
mod kb;
mod openapi;
pub mod ops;
mod service;
pub mod store;

pub use admin::{Admin, Created, ImportReport, NewOrg};
pub use demo::{demo_accounts, DemoAccount, DemoText, DEMO_PASSWORD};
pub use error::{ApiError, ApiResult};
pub use store::ArticleInput;
use store::Store;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::watch;
use tokio::task::JoinHandle;

/// How expensive password hashes are.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum PasswordCost {
    /// argon2id with the `argon2` crate's default parameters (19 MiB, 2 passes): for every
    /// real deployment.
    #[default]
    Default,
    /// argon2id with minimal memory and one pass. **Tests only**: it keeps a test suite that
    /// creates many accounts fast, and is worthless against offline guessing.
    InsecureFastForTests,
}

/// Login throttling: failed attempts allowed inside a sliding window before `429`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ThrottleConfig {
    /// Failed logins per account (e-mail address) per window.
    pub per_account: u32,
    /// Failed logins per client address per window.
    pub per_address: u32,
    /// The window.
    pub window: Duration,
}

impl Default for ThrottleConfig {
    fn default() -> Self {
        ThrottleConfig {
            per_account: 5,
            per_address: 20,
            window: Duration::from_secs(15 * 60),
        }
    }
}

/// Everything [`serve`] needs.
#[derive(Debug, Clone)]
pub struct ServerConfig {
    /// Address to bind; port 0 picks a free port (see [`RunningServer::addr`]).
    pub listen: SocketAddr,
    /// Data directory: the SQLite database and attachment store, or (with [`database`]) only
    /// local files.
    ///
    /// [`database`]: ServerConfig::database
    pub data_dir: PathBuf,
    /// A PostgreSQL URL (`postgres://user:password@host:port/db`); `None` keeps everything in
    /// SQLite in [`data_dir`](ServerConfig::data_dir).
    pub database: Option<String>,
    /// Seed the demonstration organisations, accounts, knowledge base and cases.
    pub demo: bool,
    /// Password hashing cost.
    pub password_cost: PasswordCost,
    /// Lifetime of access tokens.
    pub access_ttl: Duration,
    /// Lifetime of refresh tokens.
    pub refresh_ttl: Duration,
    /// Largest JSON request body, in bytes.
    pub max_body_bytes: usize,
    /// Largest attachment, in bytes.
    pub max_attachment_bytes: usize,
    /// Requests taking longer are answered with 408.
    pub request_timeout: Duration,
    /// Login throttling.
    pub throttle: ThrottleConfig,
    /// Read connections in the pool.
    pub read_connections: usize,
    /// Build the search index in the background at start-up (otherwise on the first search).
    pub warm_search_index: bool,
    /// The community forum the apps link to (SPEC §9); `GET /me` passes it on. The demo uses
    /// [`DEMO_COMMUNITY_URL`] when none is set.
    pub community_url: Option<String>,
    /// Reverse proxies whose `X-Forwarded-For` is believed (`--trusted-proxy`); see
    /// [`ops::client_address`]. Empty: the socket peer is the client.
    pub trusted_proxies: Vec<ops::Cidr>,
}

/// The demo's community forum address: fictional (`.example` never resolves), like the rest of
/// the demo.
pub const DEMO_COMMUNITY_URL: &str = "https://community.orbit-search.example/";

impl ServerConfig {
    /// Production defaults: 15-minute access tokens, 30-day refresh tokens, 1 MiB JSON
    /// bodies, 25 MiB attachments, 30 s request timeout, default argon2 cost.
    pub fn new(listen: SocketAddr, data_dir: impl Into<PathBuf>) -> ServerConfig {
        ServerConfig {
            listen,
            data_dir: data_dir.into(),
            database: None,
            demo: false,
            password_cost: PasswordCost::Default,
            access_ttl: Duration::from_secs(15 * 60),
            refresh_ttl: Duration::from_secs(30 * 24 * 3600),
            max_body_bytes: 1024 * 1024,
            max_attachment_bytes: 25 * 1024 * 1024,
            request_timeout: Duration::from_secs(30),
            throttle: ThrottleConfig::default(),
            read_connections: 4,
            warm_search_index: true,
            community_url: None,
            trusted_proxies: Vec::new(),
        }
    }

    /// The default data directory: `$XDG_DATA_HOME/casewatch/server` (or the platform's
    /// equivalent), falling back to `./casewatch-data`.
    pub fn default_data_dir() -> PathBuf {
        dirs::data_dir()
            .map(|d| d.join("casewatch").join("server"))
            .unwrap_or_else(|| PathBuf::from("casewatch-data"))
    }
}

/// Shared state of the request handlers.
#[derive(Clone)]
pub(crate) struct AppState(Arc<Inner>);

/// What [`AppState`] holds.
pub(crate) struct Inner {
    /// The storage backend (SQLite or PostgreSQL).
    pub store: Arc<dyn Store>,
    /// The configuration.
    pub config: ServerConfig,
    /// Recently verified access tokens.
    pub sessions: auth::SessionCache,
    /// The knowledge-base search index.
    pub search: Arc<kb::SearchEngine>,
    /// Whether the demonstration data is loaded.
    pub demo: bool,
}

impl AppState {
    /// The community forum the apps link to: the configured one, else the demo's.
    pub fn community_url(&self) -> Option<String> {
        self.config
            .community_url
            .clone()
            .or_else(|| self.demo.then(|| DEMO_COMMUNITY_URL.to_owned()))
    }
}

impl std::ops::Deref for AppState {
    type Target = Inner;
    fn deref(&self) -> &Inner {
        &self.0
    }
}

impl AppState {
    /// Opens the store and builds the state (without seeding or binding).
    pub async fn open(config: ServerConfig) -> Result<AppState, ServeError> {
        let store = store::open(&config).await?;
        let demo = store.meta_get(store::DEMO_SEEDED_KEY).await?.is_some();
        // Only a SQLite data directory is served by a single process; on a shared database
        // a revocation on another instance must take effect at once (see `auth`).
        let cache_sessions = store.backend() == "sqlite";
        Ok(AppState(Arc::new(Inner {
            store,
            sessions: auth::SessionCache::new(cache_sessions),
            search: Arc::new(kb::SearchEngine::default()),
            demo: demo || config.demo,
            config,
        })))
    }
}

/// Why the server could not start.
#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    /// The database could not be opened or migrated (including a database whose schema is
    /// newer than this program, [`store::StoreError::SchemaTooNew`]).
    #[error("cannot open the database: {0}")]
    Database(#[from] store::StoreError),
    /// Seeding or another start-up step failed.
    #[error("cannot start: {0}")]
    Storage(#[from] ApiError),
    /// The address could not be bound.
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        /// The address.
        addr: SocketAddr,
        /// The cause.
        source: std::io::Error,
    },
}

/// A server started by [`serve`].
pub struct RunningServer {
    addr: SocketAddr,
    shutdown: watch::Sender<bool>,
    task: JoinHandle<std::io::Result<()>>,
    /// The demo accounts' summary when the server was started with `demo`.
    pub demo_summary: Option<String>,
}

impl RunningServer {
    /// The bound address (the real port when 0 was asked for).
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://<addr>`.
    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// A handle that stops the server when triggered; clone it to stop from elsewhere.
    pub fn shutdown_handle(&self) -> ShutdownHandle {
        ShutdownHandle(self.shutdown.clone())
    }

    /// Stops accepting connections, lets requests in flight finish, and waits.
    pub async fn shutdown(self) -> std::io::Result<()> {
        let _ = self.shutdown.send(true);
        self.wait().await
    }

    /// Waits until the server stops (after a shutdown from a [`ShutdownHandle`]).
    pub async fn wait(self) -> std::io::Result<()> {
        match self.task.await {
            Ok(result) => result,
            Err(e) => Err(std::io::Error::other(e)),
        }
    }
}

/// Stops a [`RunningServer`].
#[derive(Clone)]
pub struct ShutdownHandle(watch::Sender<bool>);

impl ShutdownHandle {
    /// Asks the server to stop.
    pub fn shutdown(&self) {
        let _ = self.0.send(true);
    }
}

/// Opens the data directory, seeds the demo if asked, binds `config.listen` and serves until
/// shut down. Returns once the socket is bound, so the address can be used at once.
pub async fn serve(config: ServerConfig) -> Result<RunningServer, ServeError> {
    let listen = config.listen;
    let seed_demo = config.demo;
    let state = AppState::open(config.clone()).await?;
    let demo_summary = if seed_demo {
        Some(demo::seed(&state).await?)
    } else {
        None
    };
    let listener = tokio::net::TcpListener::bind(listen)
        .await
        .map_err(|source| ServeError::Bind {
            addr: listen,
            source,
        })?;
    let addr = listener.local_addr().map_err(|source| ServeError::Bind {
        addr: listen,
        source,
    })?;
    if state.config.warm_search_index {
        let state = state.clone();
        tokio::spawn(async move {
            if let Err(e) = state.search.refresh(state.store.as_ref()).await {
                tracing::warn!(error = %e.detail, "could not build the search index");
            }
        });
    }
    let background = state.store.clone();
    let app = http::router(state);
    let (shutdown, mut stop) = watch::channel(false);
    jobs::spawn(background, stop.clone());
    let task = tokio::spawn(async move {
        axum::serve(
            listener,
            app.into_make_service_with_connect_info::<SocketAddr>(),
        )
        .with_graceful_shutdown(async move {
            let _ = stop.wait_for(|s| *s).await;
        })
        .await
    });
    tracing::info!(%addr, "casewatch server listening");
    Ok(RunningServer {
        addr,
        shutdown,
        task,
        demo_summary,
    })
}
