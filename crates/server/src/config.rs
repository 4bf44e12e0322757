//! The server's configuration: what [`serve`](crate::serve) and the admin commands are given.
//!
//! Kept apart from the crate root so that every module can read the configuration without
//! depending on the module that starts the server.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

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
    /// [`crate::ops::client_address`]. Empty: the socket peer is the client.
    pub trusted_proxies: Vec<crate::cidr::Cidr>,
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
