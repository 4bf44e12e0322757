//! `casewatch server mailgate`: hands one message from an MTA's pipe transport (Postfix
//! `pipe`, Exim's `pipe` transport, procmail, fetchmail's `--mda`) to the support centre.
//!
//! The MTA reads only the exit status, so the status is the whole interface, in the
//! conventions of `sysexits.h` that every MTA understands: 0 when the server took the message
//! (a refusal too: the server answered it, a retry would be refused again), 75 (`EX_TEMPFAIL`)
//! when the message should be tried again later — the server cannot be reached, fails (5xx),
//! or has incoming mail switched off, or this gate is misconfigured (a missing secret file) —
//! so nothing is lost while an operator fixes it, 77 (`EX_NOPERM`) when the server refuses the
//! secret, 65 (`EX_DATAERR`) when the message is empty, unreadable or too large, which no
//! retry can change. The MTA bounces a message for the last two.

use crate::output::{stderr_line, stdout_line};
use std::io::Read;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

/// `EX_DATAERR`: the message itself is bad.
pub const EX_DATAERR: u8 = 65;
/// `EX_SOFTWARE`: the server answered something this program does not expect.
pub const EX_SOFTWARE: u8 = 70;
/// `EX_TEMPFAIL`: try again later.
pub const EX_TEMPFAIL: u8 = 75;
/// `EX_NOPERM`: the secret was refused.
pub const EX_NOPERM: u8 = 77;

/// Flags of `casewatch server mailgate`.
#[derive(Debug, clap::Args)]
pub struct MailgateArgs {
    /// The support centre's address, e.g. http://127.0.0.1:8080 (the mail goes to
    /// <URL>/api/v1/mail/inbound).
    #[arg(long, env = "CASEWATCH_MAILGATE_URL", value_name = "URL")]
    url: String,
    /// A file holding the mailgate secret (the server's --mailgate-secret-file); else
    /// $CASEWATCH_MAILGATE_SECRET.
    #[arg(long, value_name = "FILE")]
    secret_file: Option<PathBuf>,
    /// Seconds to wait for the server's answer before asking the MTA to try again.
    #[arg(long, default_value_t = 120, value_name = "SECONDS")]
    timeout: u64,
}

fn fail(status: u8, text: std::fmt::Arguments<'_>) -> ExitCode {
    stderr_line(format_args!("casewatch mailgate: {text}"));
    ExitCode::from(status)
}

/// The secret from the file, else from the environment.
fn secret(args: &MailgateArgs) -> Result<String, String> {
    let secret = match &args.secret_file {
        Some(path) => std::fs::read_to_string(path)
            .map_err(|e| format!("cannot read the secret file {}: {e}", path.display()))?,
        None => std::env::var("CASEWATCH_MAILGATE_SECRET").map_err(|_| {
            "give --secret-file (or set CASEWATCH_MAILGATE_SECRET) with the server's mailgate secret"
                .to_string()
        })?,
    };
    let secret = secret.trim().to_string();
    if secret.is_empty() {
        return Err("the mailgate secret is empty".into());
    }
    Ok(secret)
}

/// The exit status for the server's answer `status` (see the module docs).
pub fn exit_status(status: u16) -> u8 {
    match status {
        200..=299 => 0,
        401 | 403 => EX_NOPERM,
        400 | 413 | 422 => EX_DATAERR,
        // Incoming mail off, a wrong path, a timeout, overload, a failing server: keep it.
        404 | 408 | 429 | 500..=599 => EX_TEMPFAIL,
        _ => EX_SOFTWARE,
    }
}

/// Runs `casewatch server mailgate`.
pub fn run(args: MailgateArgs) -> ExitCode {
    let secret = match secret(&args) {
        Ok(s) => s,
        Err(e) => return fail(EX_TEMPFAIL, format_args!("{e}")),
    };
    let mut message = Vec::new();
    if let Err(e) = std::io::stdin().lock().read_to_end(&mut message) {
        return fail(
            EX_DATAERR,
            format_args!("cannot read the message on standard input: {e}"),
        );
    }
    if message.iter().all(u8::is_ascii_whitespace) {
        return fail(EX_DATAERR, format_args!("no message on standard input"));
    }
    let endpoint = format!(
        "{}{}/mail/inbound",
        args.url.trim_end_matches('/'),
        casewatch_api::API_PREFIX
    );
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => return fail(EX_TEMPFAIL, format_args!("cannot start: {e}")),
    };
    runtime.block_on(post(&endpoint, &secret, message, args.timeout))
}

async fn post(endpoint: &str, secret: &str, message: Vec<u8>, timeout: u64) -> ExitCode {
    let client = match reqwest::Client::builder()
        .timeout(Duration::from_secs(timeout.max(1)))
        .build()
    {
        Ok(c) => c,
        Err(e) => return fail(EX_TEMPFAIL, format_args!("cannot start: {e}")),
    };
    let response = client
        .post(endpoint)
        .bearer_auth(secret)
        .header("content-type", "message/rfc822")
        .body(message)
        .send()
        .await;
    let response = match response {
        Ok(r) => r,
        Err(e) => {
            return fail(
                EX_TEMPFAIL,
                format_args!("cannot reach {endpoint}: {e}; the MTA will try again"),
            )
        }
    };
    let status = response.status().as_u16();
    let body = response.text().await.unwrap_or_default();
    let code = exit_status(status);
    if code == 0 {
        // The server's account of it (`{"outcome": …}`), for the MTA's log.
        stdout_line(format_args!("{}", body.trim()));
        return ExitCode::SUCCESS;
    }
    let detail = serde_json::from_str::<serde_json::Value>(&body)
        .ok()
        .and_then(|v| v["detail"].as_str().map(str::to_string))
        .unwrap_or_else(|| body.chars().take(200).collect());
    let what = match code {
        EX_TEMPFAIL => "; the MTA will try again",
        _ => "",
    };
    fail(
        code,
        format_args!("the server answered {status}: {detail}{what}"),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_server_taking_the_message_is_success() {
        assert_eq!(exit_status(200), 0);
        assert_eq!(exit_status(401), EX_NOPERM);
        assert_eq!(exit_status(400), EX_DATAERR);
        assert_eq!(exit_status(413), EX_DATAERR);
        assert_eq!(exit_status(503), EX_TEMPFAIL);
        assert_eq!(exit_status(500), EX_TEMPFAIL);
        assert_eq!(exit_status(404), EX_TEMPFAIL);
        assert_eq!(exit_status(415), EX_SOFTWARE);
    }
}
