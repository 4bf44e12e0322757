//! `casewatch login` and `casewatch logout`: the desk's sign-in and sign-out.
//!
//! Scripts sign in once and then run every other command without a password: the refresh
//! token goes to the OS keyring (never a file), and signing out deletes it again even when the
//! server cannot be reached. The password comes from `CASEWATCH_PASSWORD` or a no-echo prompt.
//! What a sign-in refuses, and with which code (`invalid_credentials`, `portal_unreachable`,
//! `invalid_portal_url`, a vendor engineer's account), is the desk's, as on the app's sign-in
//! screen.

use super::engine::{self, block_on, finish, Outcome};
use casewatch_client::desk::account::profile_for;
use casewatch_client::desk::{Desk, DeskError};
use casewatch_client::session::LogoutReport;
use clap::Args;
use serde::Serialize;
use std::io::{BufRead, IsTerminal};
use std::process::ExitCode;

/// The environment variable that supplies the password without a prompt.
pub const PASSWORD_ENV: &str = "CASEWATCH_PASSWORD";

/// Flags of `casewatch login`.
#[derive(Debug, Args)]
pub struct LoginArgs {
    /// The portal's URL, e.g. https://support.example.com.
    #[arg(long)]
    portal: String,
    /// The account's e-mail address.
    #[arg(long)]
    email: String,
    /// Print one JSON object.
    #[arg(long)]
    json: bool,
}

/// Flags of `casewatch logout`.
#[derive(Debug, Args)]
pub struct LogoutArgs {
    /// Print one JSON object.
    #[arg(long)]
    json: bool,
}

#[derive(Serialize)]
struct LoggedIn {
    portal: String,
    account: String,
    name: Option<String>,
    organisation: Option<String>,
}

fn read_password() -> Outcome<String> {
    if let Ok(p) = std::env::var(PASSWORD_ENV) {
        return Ok(p);
    }
    let stdin = std::io::stdin();
    // At a terminal the prompt reads without echo (rpassword: the console API on Windows,
    // termios on Unix); piped in, the first line is the password.
    let line = if stdin.is_terminal() {
        rpassword::prompt_password("Password: ")
    } else {
        let mut line = String::new();
        stdin.lock().read_line(&mut line).map(|_| line)
    }
    .map_err(|e| DeskError::invalid(format!("cannot read the password: {e}")))?;
    let password = line.trim_end_matches(['\n', '\r']).to_string();
    if password.is_empty() {
        return Err(DeskError::invalid(format!(
            "no password given; type it at the prompt or set {PASSWORD_ENV}"
        )));
    }
    Ok(password)
}

/// `casewatch login`: the desk's sign-in, the same as the app's sign-in screen.
pub fn login(args: LoginArgs) -> ExitCode {
    let outcome = (|| {
        // A bad portal or address is refused before the password is asked for.
        profile_for(&args.portal, &args.email)?;
        let password = read_password()?;
        let home = engine::home()?;
        block_on(async {
            let desk = Desk::sign_in(&home, &args.portal, &args.email, &password).await?;
            let me = desk.me()?;
            Ok(LoggedIn {
                portal: desk.session.profile.portal.clone(),
                account: desk.session.profile.account.clone(),
                name: me.as_ref().map(|m| m.user.name.clone()),
                organisation: me.and_then(|m| m.organisation.map(|o| o.name)),
            })
        })
    })();
    finish(args.json, outcome, |l| {
        format!(
            "Signed in to {} as {}{}.",
            l.portal,
            l.name.as_deref().unwrap_or(&l.account),
            l.organisation
                .as_deref()
                .map(|o| format!(" ({o})"))
                .unwrap_or_default()
        )
    })
}

/// `casewatch logout`: the desk's sign-out (the token goes even when the portal is away).
pub fn logout(args: LogoutArgs) -> ExitCode {
    let outcome: Outcome<LogoutReport> = (|| {
        let home = engine::home()?;
        block_on(async { engine::open().await?.sign_out(&home).await })
    })();
    finish(args.json, outcome, |r| {
        if r.revoked_on_server {
            "Signed out; the token is deleted from the keyring.".to_string()
        } else {
            format!(
                "Signed out locally (the token is deleted from the keyring); the server could not \
                 revoke the session{}.",
                r.server_error
                    .as_ref()
                    .map(|e| format!(": {}", e.message))
                    .unwrap_or_default()
            )
        }
    })
}
