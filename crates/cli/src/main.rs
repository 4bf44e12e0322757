//! `casewatch`: the command line over Casewatch's engine.
//!
//! Scripts rely on the interface: flags, `--json` shapes and exit status 2 on any refusal are
//! stable. Parsing of values is left to `casewatch-core` (clap only collects strings) so that
//! every bad input gets the same `invalid_argument` code the app and server use.
//!
//! Nothing here prints directly: every answer goes through [`output`], which stops quietly
//! (status 0) when the reader of standard output has gone, as in `casewatch search … | head`.

mod desk;
mod mailgate;
mod output;
mod server;
mod sla;

use clap::{Parser, Subcommand};
use std::process::ExitCode;

/// Casewatch: support entitlements and response deadlines.
#[derive(Debug, Parser)]
#[command(name = "casewatch", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// When must the vendor first answer a case?
    Sla(sla::SlaArgs),
    /// What does a contract include?
    Entitlements(sla::EntitlementsArgs),
    /// Run the support-centre server, or administer its data.
    Server(server::ServerArgs),
    #[command(flatten)]
    Desk(desk::DeskCommand),
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => return output::usage_error(e),
    };
    match cli.command {
        Command::Sla(args) => sla::run_sla(&args),
        Command::Entitlements(args) => sla::run_entitlements(&args),
        Command::Server(args) => server::run(args),
        Command::Desk(command) => desk::run(command),
    }
}
