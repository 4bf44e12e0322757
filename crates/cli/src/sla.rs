//! `casewatch sla` and `casewatch entitlements`.

use crate::output::{answer, refuse};
use casewatch_core::quote::{self, EntitlementsRequest, SlaRequest};
use casewatch_core::CoreError;
use clap::Args;
use std::process::ExitCode;

/// Flags of `casewatch sla`.
#[derive(Debug, Args)]
pub struct SlaArgs {
    /// cloud or self-managed.
    #[arg(long)]
    deployment: String,
    /// standard, gold, platinum, enterprise or development.
    #[arg(long)]
    subscription: String,
    /// 1 (urgent) to 4 (development).
    #[arg(long)]
    severity: String,
    /// When the case is created, RFC 3339 (e.g. 2026-03-09T14:00:00Z).
    #[arg(long)]
    created: String,
    /// The contract's IANA time zone.
    #[arg(long, default_value = "UTC")]
    tz: String,
    /// Weekly business hours, e.g. "mon-fri 09:00-17:00, sat 10:00-14:00".
    #[arg(long, default_value = quote::DEFAULT_HOURS)]
    hours: String,
    /// A local holiday, YYYY-MM-DD; repeat for more.
    #[arg(long = "holiday")]
    holidays: Vec<String>,
    /// Business-day length in hours (derived from the schedule when absent).
    #[arg(long)]
    day_length: Option<String>,
    /// production or non-production.
    #[arg(long, default_value = "production")]
    environment: String,
    /// Print one JSON object.
    #[arg(long)]
    json: bool,
}

/// Flags of `casewatch entitlements`.
#[derive(Debug, Args)]
pub struct EntitlementsArgs {
    /// cloud or self-managed.
    #[arg(long)]
    deployment: String,
    /// standard, gold, platinum, enterprise or development.
    #[arg(long)]
    subscription: String,
    /// Annual spend on commercial features and support, in USD.
    #[arg(long)]
    annual_spend: Option<String>,
    /// Print one JSON object.
    #[arg(long)]
    json: bool,
}

fn parse_number<T: std::str::FromStr>(flag: &str, text: &str) -> Result<T, CoreError> {
    text.trim()
        .parse()
        .map_err(|_| CoreError::invalid(format!("--{flag} expects a number, not '{text}'")))
}

fn sla_request(args: &SlaArgs) -> Result<SlaRequest, CoreError> {
    let severity: u8 = parse_number("severity", &args.severity).map_err(|_| {
        CoreError::invalid(format!(
            "severity must be 1, 2, 3 or 4, not '{}'",
            args.severity
        ))
    })?;
    Ok(SlaRequest {
        deployment: args.deployment.clone(),
        subscription: args.subscription.clone(),
        severity,
        created: args.created.clone(),
        tz: Some(args.tz.clone()),
        hours: Some(args.hours.clone()),
        holidays: args.holidays.clone(),
        day_length_hours: args
            .day_length
            .as_deref()
            .map(|d| parse_number("day-length", d))
            .transpose()?,
        environment: Some(args.environment.clone()),
    })
}

/// Runs `casewatch sla`.
pub fn run_sla(args: &SlaArgs) -> ExitCode {
    let quote = match sla_request(args).and_then(|req| quote::sla(&req)) {
        Ok(q) => q,
        Err(e) => return refuse(args.json, &e),
    };
    answer(args.json, &quote, || {
        match (&quote.target, &quote.due_local) {
        (Some(target), Some(due_local)) => format!(
            "Severity {} on {} support: first response within {target}, due {} ({due_local} in {}).",
            quote.severity,
            quote.support_level.as_str(),
            quote.due.as_deref().unwrap_or("-"),
            args.tz
        ),
        _ => format!(
            "Severity {} on {} support: no guaranteed response time; the vendor strives to engage within {}, Monday to Friday.",
            quote.severity,
            quote.support_level.as_str(),
            quote.best_effort.map(|t| t.to_string()).unwrap_or_default()
        ),
    }
    })
}

/// Runs `casewatch entitlements`.
pub fn run_entitlements(args: &EntitlementsArgs) -> ExitCode {
    let request = args
        .annual_spend
        .as_deref()
        .map(|s| parse_number::<f64>("annual-spend", s))
        .transpose()
        .map(|annual_spend| EntitlementsRequest {
            deployment: args.deployment.clone(),
            subscription: args.subscription.clone(),
            annual_spend,
        });
    let quote = match request.and_then(|req| quote::entitlements(&req)) {
        Ok(q) => q,
        Err(e) => return refuse(args.json, &e),
    };
    answer(args.json, &quote, || {
        let severities: Vec<String> = quote.severities.iter().map(u8::to_string).collect();
        let mut lines = vec![
            format!(
                "Support level: {}{}",
                quote.support_level.as_str(),
                if quote.legacy {
                    " (legacy: kept until the contract's term ends)"
                } else {
                    ""
                }
            ),
            format!("Severities you may file: {}", severities.join(", ")),
            format!("Kind of help: {}", quote.support_kind.as_str()),
            format!(
                "Phone callback: {}",
                if quote.phone_callback { "yes" } else { "no" }
            ),
        ];
        for (severity, target) in &quote.targets {
            if let Some(target) = target {
                lines.push(format!(
                    "Severity {severity}: first response within {target}"
                ));
            }
        }
        if let Some(best) = quote.best_effort {
            lines.push(format!(
                "No guaranteed response time; best effort within {best}, Monday to Friday"
            ));
        }
        lines.join("\n")
    })
}
