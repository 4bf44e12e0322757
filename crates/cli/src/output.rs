//! How the CLI answers: JSON on stdout for scripts, or a short sentence for people; refusals
//! always exit with status 2.
//!
//! Every byte the CLI writes goes through the writers below, never through `println!`:
//! `println!` panics when standard output is a pipe whose reader has gone
//! (`casewatch search … | head -5`), and a backtrace is the wrong answer to a reader that simply
//! had enough. Like `ripgrep`, the CLI then stops quietly with status 0: nobody is left to read
//! anything it would say. Rust ignores `SIGPIPE`, so the closed pipe arrives here as an
//! `io::ErrorKind::BrokenPipe` write error, on every platform alike.
//!
//! Standard error is best effort: when it is gone too there is nowhere to report that, so its
//! write errors are dropped rather than allowed to panic.

use casewatch_core::{CoreError, ErrorCode};
use serde::Serialize;
use std::fmt::Display;
use std::io::{self, Write};
use std::process::ExitCode;

/// Exit status of every refusal and bad input.
pub const REFUSED: u8 = 2;

/// Exit status when standard output fails for a reason other than a closed pipe (a full disk,
/// a revoked terminal): the answer was lost, and a script must not take silence for success.
pub const OUTPUT_FAILED: i32 = 1;

/// Writes `text` and a newline to standard output (the answer, for people or scripts).
///
/// Never returns if standard output is closed: see the module docs.
pub fn stdout_line(text: impl Display) {
    write_stdout(format_args!("{text}\n"));
}

/// Writes `text` to standard output as it is, without adding a newline, and flushes it (a
/// block that already ends in its own newlines, or a line finished later).
///
/// Never returns if standard output is closed: see the module docs.
pub fn stdout_text(text: impl Display) {
    write_stdout(format_args!("{text}"));
}

/// Writes `value` as one line of JSON to standard output (`--json` answers and event streams).
///
/// A value that cannot be encoded is reported on standard error and writes nothing, so a
/// stream of JSON lines never gets a malformed one.
pub fn json_line<T: Serialize + ?Sized>(value: &T) {
    match serde_json::to_string(value) {
        Ok(text) => stdout_line(text),
        Err(e) => stderr_line(format_args!("casewatch: could not encode the answer: {e}")),
    }
}

/// Writes `text` and a newline to standard error (warnings, errors for people, progress ends).
pub fn stderr_line(text: impl Display) {
    write_stderr(format_args!("{text}\n"));
}

/// Writes `text` to standard error without a newline and flushes it at once (prompts such as
/// `Password: `, progress redrawn with `\r`).
pub fn stderr_text(text: impl Display) {
    write_stderr(format_args!("{text}"));
}

fn write_stdout(args: std::fmt::Arguments<'_>) {
    let mut out = io::stdout().lock();
    // Flushing each write keeps the answer in order with what goes to standard error and
    // surfaces a closed pipe here, at the write, rather than at exit.
    let written = out.write_fmt(args).and_then(|()| out.flush());
    drop(out);
    if let Err(e) = written {
        stdout_failed(&e);
    }
}

/// Ends the process after standard output failed; see the module docs for why a closed pipe is
/// a success.
fn stdout_failed(e: &io::Error) -> ! {
    if e.kind() == io::ErrorKind::BrokenPipe {
        std::process::exit(0);
    }
    stderr_line(format_args!(
        "casewatch: cannot write to standard output: {e}"
    ));
    std::process::exit(OUTPUT_FAILED);
}

fn write_stderr(args: std::fmt::Arguments<'_>) {
    let mut err = io::stderr().lock();
    let _ = err.write_fmt(args).and_then(|()| err.flush());
}

/// Prints a successful answer.
pub fn answer<T: Serialize>(json: bool, value: &T, human: impl FnOnce() -> String) -> ExitCode {
    if json {
        match serde_json::to_string(value) {
            Ok(text) => stdout_line(text),
            Err(e) => {
                return refuse(
                    json,
                    &CoreError::invalid(format!("could not encode the answer: {e}")),
                )
            }
        }
    } else {
        stdout_line(human());
    }
    ExitCode::SUCCESS
}

/// Prints a refusal: `{"error":{code,message}}` on stdout with `--json`, else on stderr.
pub fn refuse(json: bool, error: &CoreError) -> ExitCode {
    if json {
        let body = serde_json::json!({ "error": { "code": error.code, "message": error.message } });
        stdout_line(body);
    } else {
        stderr_line(format_args!(
            "casewatch: {} ({})",
            error.message, error.code
        ));
    }
    ExitCode::from(REFUSED)
}

/// Reports a command line clap could not parse; still a stable code with `--json`.
pub fn usage_error(e: clap::Error) -> ExitCode {
    use clap::error::ErrorKind;
    if matches!(e.kind(), ErrorKind::DisplayHelp | ErrorKind::DisplayVersion) {
        let _ = e.print();
        return ExitCode::SUCCESS;
    }
    let wants_json = std::env::args().any(|a| a == "--json");
    // clap's rendering spreads one error over several lines (missing flags are listed below
    // the sentence); keep the substance and drop the usage hints.
    let message = e
        .render()
        .to_string()
        .lines()
        .map(str::trim)
        .filter(|l| {
            !l.is_empty() && !l.starts_with("Usage:") && !l.starts_with("For more information")
        })
        .collect::<Vec<_>>()
        .join(" ")
        .trim_start_matches("error: ")
        .to_string();
    if wants_json {
        refuse(true, &CoreError::new(ErrorCode::InvalidArgument, message))
    } else {
        let _ = e.print();
        ExitCode::from(REFUSED)
    }
}
