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
mod cidr;
mod comments;
mod config;
mod contacts;
mod demo;
mod desktop_updates;
mod error;
mod http;
pub mod jobs;
mod kb;
mod mailer;
mod mailgate;
mod openapi;
pub mod ops;
mod password_page;
mod passwords;
mod routes;
mod service;
mod state;
pub mod store;

pub use admin::{Admin, Created, ImportReport, NewOrg};
pub use config::{PasswordCost, ServerConfig, ThrottleConfig, DEMO_COMMUNITY_URL};
pub use demo::{demo_accounts, DemoAccount, DemoText, DEMO_PASSWORD};
pub use error::{ApiError, ApiResult};
pub(crate) use state::AppState;
pub use store::ArticleInput;

use std::net::SocketAddr;
use tokio::sync::watch;
use tokio::task::JoinHandle;

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
    /// The e-mail settings cannot be used (the message never shows a password).
    #[error("{0}")]
    Mail(String),
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
    config.check_mail().map_err(ServeError::Mail)?;
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
    let mailer = state.mailer.clone();
    let app = routes::router(state);
    let (shutdown, mut stop) = watch::channel(false);
    if let Some(mailer) = mailer {
        jobs::spawn_mail_sender(background.clone(), mailer, stop.clone());
    }
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
