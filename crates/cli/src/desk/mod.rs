//! The desk's commands (`login`, `logout`, `sync`, `search`, `cases`, `case`, `drafts`,
//! `watch`): each parses its flags, calls one use case of `casewatch_client::desk` — the layer
//! the app's commands call too — and prints the answer, so scripts get exactly what the app
//! does and no rule or flow is written twice. Each command builds its own small tokio runtime;
//! nothing here decides anything a user of the app would see decided differently.
//!
//! Errors follow the `sla` command's convention: exit status 2, and with `--json` a
//! `{"error":{code,message}}` object on stdout. Codes are the desk's (`invalid_credentials`,
//! `portal_unreachable`, `not_signed_in`, …), the client's (`offline`, `unauthorized`, …), the
//! core's, or the server's problem code passed through — the same codes the app shows.

mod account;
mod cases;
mod engine;
mod kb;
mod watch;

use clap::Subcommand;
use std::process::ExitCode;

/// The engine's subcommands, flattened into the top-level command.
#[derive(Debug, Subcommand)]
pub enum DeskCommand {
    /// Sign in to a support portal (password from CASEWATCH_PASSWORD or a prompt).
    Login(account::LoginArgs),
    /// Sign out: revoke the session and delete the token from the OS keyring.
    Logout(account::LogoutArgs),
    /// Send the outbox, refresh cases and update the offline knowledge base.
    Sync(kb::SyncArgs),
    /// Search the offline knowledge base.
    Search(kb::SearchArgs),
    /// List cases (waiting on us / waiting on you).
    Cases(cases::CasesArgs),
    /// Show, open or reply to a case.
    Case(cases::CaseArgs),
    /// List, send or discard saved drafts (restored after a crash).
    Drafts(cases::DraftsArgs),
    /// Print deadline and reply alerts as they happen.
    Watch(watch::WatchArgs),
}

/// Runs one of the engine's subcommands.
pub fn run(command: DeskCommand) -> ExitCode {
    match command {
        DeskCommand::Login(a) => account::login(a),
        DeskCommand::Logout(a) => account::logout(a),
        DeskCommand::Sync(a) => kb::sync(a),
        DeskCommand::Search(a) => kb::search(a),
        DeskCommand::Cases(a) => cases::list(a),
        DeskCommand::Case(a) => cases::case(a),
        DeskCommand::Drafts(a) => cases::drafts(a),
        DeskCommand::Watch(a) => watch::watch(a),
    }
}
