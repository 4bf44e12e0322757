//! How the CLI answers: JSON on stdout for scripts, or a short sentence for people; refusals
//! always exit with status 2.

use casewatch_core::{CoreError, ErrorCode};
use serde::Serialize;
use std::process::ExitCode;

/// Exit status of every refusal and bad input.
pub const REFUSED: u8 = 2;

/// Prints a successful answer.
pub fn answer<T: Serialize>(json: bool, value: &T, human: impl FnOnce() -> String) -> ExitCode {
    if json {
        match serde_json::to_string(value) {
            Ok(text) => println!("{text}"),
            Err(e) => {
                return refuse(
                    json,
                    &CoreError::invalid(format!("could not encode the answer: {e}")),
                )
            }
        }
    } else {
        println!("{}", human());
    }
    ExitCode::SUCCESS
}

/// Prints a refusal: `{"error":{code,message}}` on stdout with `--json`, else on stderr.
pub fn refuse(json: bool, error: &CoreError) -> ExitCode {
    if json {
        let body = serde_json::json!({ "error": { "code": error.code, "message": error.message } });
        println!("{body}");
    } else {
        eprintln!("casewatch: {} ({})", error.message, error.code);
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
