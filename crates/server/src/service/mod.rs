//! Business operations shared by the HTTP handlers, the demo loader and the admin commands.
//!
//! Why a module of its own: the handlers (`crate::auth`, `crate::cases`, …), `crate::demo` and
//! `crate::admin` all need to hash a password, check a new case against its contract or turn
//! a stored case into its API view. Keeping those here — depending only on the store and
//! `casewatch-core` — means no handler imports another handler and neither the demo nor the
//! admin commands reach into a handler module, so the server's modules form no import cycle.

pub mod accounts;
pub mod cases;
pub mod comments;
pub mod files;
pub mod inbound;
pub mod kb;
pub mod mail;
pub mod passwords;
pub mod search;
pub mod sessions;
