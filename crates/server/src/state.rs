//! The state every request handler shares: the store, the configuration, the session cache
//! and the search index.
//!
//! Its own module (not the crate root) so that handlers, the demo loader and the operations
//! endpoints depend on it without depending on the code that starts the server.

use crate::config::{ServerConfig, DEMO_COMMUNITY_URL};
use crate::service::search::SearchEngine;
use crate::service::sessions::SessionCache;
use crate::store::{self, Store, StoreError};
use std::sync::Arc;

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
    pub sessions: SessionCache,
    /// The knowledge-base search index.
    pub search: Arc<SearchEngine>,
    /// Whether the demonstration data is loaded.
    pub demo: bool,
    /// Outgoing e-mail, when configured (`None`: mail is off and nothing is queued).
    pub mailer: Option<Arc<crate::mailer::Mailer>>,
    /// Incoming e-mail, when a mailgate secret is configured.
    pub mailgate: Option<Arc<crate::mailgate::Mailgate>>,
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
    pub async fn open(config: ServerConfig) -> Result<AppState, StoreError> {
        let store = store::open(&config).await?;
        let demo = store.meta_get(store::DEMO_SEEDED_KEY).await?.is_some();
        // Only a SQLite data directory is served by a single process; on a shared database
        // a revocation on another instance must take effect at once (see `auth`).
        let cache_sessions = store.backend() == "sqlite";
        let mailer = crate::mailer::Mailer::start(&config, store.as_ref()).await?;
        let mailgate = crate::mailgate::Mailgate::start(&config, store.as_ref()).await?;
        Ok(AppState(Arc::new(Inner {
            mailer,
            mailgate,
            store,
            sessions: SessionCache::new(cache_sessions),
            search: Arc::new(SearchEngine::default()),
            demo: demo || config.demo,
            config,
        })))
    }
}
