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
    /// The desktop app's update directory (`latest.json` and the signed packages), served under
    /// `/desktop-updates/`; `None` serves no updates.
    pub desktop_updates: Option<PathBuf>,
    /// The SMTP relay in lettre's URL form (`smtp://host:25`, `smtp://host:587?tls=required`,
    /// `smtps://user:pass@host:465`); `None`: e-mail is off and no mail is queued.
    pub smtp_url: Option<String>,
    /// The support centre's address: the sender of every mail (required with `smtp_url`).
    pub mail_from: Option<String>,
    /// The portal's base URL for links in mails (default: `http://` and the listen address).
    pub public_url: Option<String>,
    /// The first retry delay of a mail the relay did not take; each further one doubles, up
    /// to an hour. A minute in production; tests shorten it.
    pub mail_retry_base: Duration,
    /// How often the mail sender looks for due mail when nothing woke it.
    pub mail_poll: Duration,
    /// The shared secret `casewatch server mailgate` sends with each incoming mail
    /// (`--mailgate-secret-file`); `None`: incoming mail is off and `POST /mail/inbound`
    /// answers 404. Needs `mail_from` (the address incoming mail is classified against).
    pub mailgate_secret: Option<String>,
}

/// The shortest mailgate secret accepted: anything shorter could be guessed.
pub const MAILGATE_SECRET_MIN: usize = 16;

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
            desktop_updates: None,
            smtp_url: None,
            mail_from: None,
            public_url: None,
            mail_retry_base: Duration::from_secs(60),
            mail_poll: Duration::from_secs(5),
            mailgate_secret: None,
        }
    }

    /// Checks the e-mail settings before anything starts: a relay needs a sender address,
    /// and the relay's URL must be one lettre understands; a mailgate secret must be long
    /// enough and needs the support address. Messages never show a password or the secret.
    pub fn check_mail(&self) -> Result<(), String> {
        if let Some(secret) = &self.mailgate_secret {
            if secret.trim().chars().count() < MAILGATE_SECRET_MIN {
                return Err(format!(
                    "the mailgate secret must have at least {MAILGATE_SECRET_MIN} characters \
                     (e.g. the output of `openssl rand -hex 32`)"
                ));
            }
            match &self.mail_from {
                None => {
                    return Err("incoming mail (a mailgate secret) needs --mail-from, the \
                                support address mail is sent to"
                        .into())
                }
                Some(from) if casewatch_mail::address::split(from).is_none() => {
                    return Err(format!(
                        "--mail-from: '{from}' is not an e-mail address (like support@vendor.example)"
                    ))
                }
                Some(_) => {}
            }
        }
        let Some(url) = &self.smtp_url else {
            return Ok(());
        };
        casewatch_mail::SmtpSender::from_url(url).map_err(|e| format!("--smtp-url: {e}"))?;
        match &self.mail_from {
            None => Err("--smtp-url needs --mail-from, the address every mail is sent from".into()),
            Some(from) if casewatch_mail::address::split(from).is_none() => Err(format!(
                "--mail-from: '{from}' is not an e-mail address (like support@vendor.example)"
            )),
            Some(_) => Ok(()),
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
