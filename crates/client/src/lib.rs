//! # casewatch-client
//!
//! Everything the Casewatch desktop app does below its UI, shared with the `casewatch` CLI:
//!
//! - [`api`]: the typed HTTP client for the support centre (reqwest + rustls) with timeouts,
//!   retries of idempotent calls, and automatic access-token refresh;
//! - [`secrets`]: refresh tokens in the OS keyring, nowhere else;
//! - [`session`]: sign-in and sign-out;
//! - [`cache`]: the per-profile SQLite cache (cases, comments, cursors, drafts, outbox, alert
//!   ledger, settings) under the XDG data dir;
//! - [`drafts`] and [`outbox`]: what the user writes is saved as they type, and sent exactly
//!   once however often the network or the process dies;
//! - [`kb_sync`]: the offline knowledge-base index (`casewatch-kb`), kept in sync incrementally;
//! - [`watcher`]: deadline and reply alerts, in virtual time for tests;
//! - [`profile`]: where each profile's files live.
//!
//! Domain rules come from `casewatch-core` and wire types from `casewatch-api`; nothing here
//! restates either.

#![warn(missing_docs)]

pub mod api;
pub mod cache;
pub mod desk;
pub mod drafts;
pub mod error;
pub mod kb_sync;
pub mod outbox;
pub mod profile;
pub mod secrets;
pub mod session;
pub mod watcher;

pub use api::{ApiClient, ApiConfig};
pub use cache::Cache;
pub use drafts::{CaseForm, Draft, DraftContent};
pub use error::{ClientError, ErrorBody, Result};
pub use profile::{Dirs, Profile};
pub use secrets::{KeyringStore, MemoryStore, SecretStore};
pub use session::Session;
pub use watcher::{AlertEvent, Clock, MissedCase, SystemClock, TestClock, Watcher};
