//! Text in, answers out: the one parser of contract, severity and calendar inputs that the CLI
//! and the app's calculator share, so both give the same answer and the same error codes.

use crate::calendar::Calendar;
use crate::clock::ResponseDeadline;
use crate::contract::{Contract, SupportKind, SupportLevel};
use crate::error::CoreError;
use crate::severity::{allowed_severities, check_severity, Environment, Severity};
use crate::target::{best_effort, response_target, Target};
use chrono::{DateTime, SecondsFormat, Utc};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The default schedule of SPEC §4.
pub const DEFAULT_HOURS: &str = "mon-fri 09:00-17:00";

/// A deadline question as typed by a person.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct SlaRequest {
    /// `cloud` or `self-managed`.
    pub deployment: String,
    /// `standard`, `gold`, `platinum`, `enterprise` or `development`.
    pub subscription: String,
    /// 1–4.
    pub severity: u8,
    /// RFC 3339 instant the case is created.
    pub created: String,
    /// IANA zone; UTC when absent.
    #[serde(default)]
    pub tz: Option<String>,
    /// Schedule text; `mon-fri 09:00-17:00` when absent.
    #[serde(default)]
    pub hours: Option<String>,
    /// `YYYY-MM-DD` local dates.
    #[serde(default)]
    pub holidays: Vec<String>,
    /// Explicit business-day length in hours.
    #[serde(default)]
    pub day_length_hours: Option<f64>,
    /// `production` (default) or `non-production`.
    #[serde(default)]
    pub environment: Option<String>,
}

/// The answer to a deadline question.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct SlaQuote {
    /// The contract's support level.
    pub support_level: SupportLevel,
    /// The severity asked about.
    pub severity: u8,
    /// The initial-response target, or `null` where there is none.
    pub target: Option<Target>,
    /// Due instant in UTC (`…Z`), or `null`.
    pub due: Option<String>,
    /// Due instant in the contract's zone with its offset, or `null`.
    pub due_local: Option<String>,
    /// The best-effort expectation, where there is no target.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub best_effort: Option<Target>,
}

/// A question about what a contract includes.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct EntitlementsRequest {
    /// `cloud` or `self-managed`.
    pub deployment: String,
    /// The subscription.
    pub subscription: String,
    /// Annual spend in USD, if known.
    #[serde(default)]
    pub annual_spend: Option<f64>,
}

/// What a contract includes.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct EntitlementsQuote {
    /// The support level.
    pub support_level: SupportLevel,
    /// Severities the contract may file.
    pub severities: Vec<u8>,
    /// Whether scheduled phone callbacks are included.
    pub phone_callback: bool,
    /// Break/fix or advisory.
    pub support_kind: SupportKind,
    /// Self-managed gold kept from an earlier contract.
    pub legacy: bool,
    /// Severity ("1".."4") → target, `null` where there is none.
    pub targets: BTreeMap<String, Option<Target>>,
    /// The best-effort expectation, where there are no targets.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub best_effort: Option<Target>,
}

/// Formats an instant as RFC 3339 UTC with a `Z`, seconds unless a fraction is present.
pub fn format_utc(instant: DateTime<Utc>) -> String {
    instant.to_rfc3339_opts(SecondsFormat::AutoSi, true)
}

/// Parses an RFC 3339 instant.
pub fn parse_instant(text: &str) -> Result<DateTime<Utc>, CoreError> {
    DateTime::parse_from_rfc3339(text.trim())
        .map(|t| t.with_timezone(&Utc))
        .map_err(|_| {
            CoreError::invalid(format!(
                "bad instant '{text}'; use RFC 3339, e.g. 2026-03-09T14:00:00Z"
            ))
        })
}

/// Answers a deadline question.
pub fn sla(req: &SlaRequest) -> Result<SlaQuote, CoreError> {
    let contract = Contract::existing(req.deployment.parse()?, req.subscription.parse()?, None)?;
    let severity = Severity::new(req.severity)?;
    let environment: Environment = req.environment.as_deref().unwrap_or("production").parse()?;
    let calendar = Calendar::parse(
        req.tz.as_deref().unwrap_or("UTC"),
        req.hours.as_deref().unwrap_or(DEFAULT_HOURS),
        &req.holidays,
        req.day_length_hours,
    )?;
    let created = parse_instant(&req.created)?;
    check_severity(contract.support_level, severity, environment)?;
    let deadline = ResponseDeadline::compute(contract.support_level, severity, &calendar, created)?;
    Ok(SlaQuote {
        support_level: contract.support_level,
        severity: severity.number(),
        target: deadline.target,
        due: deadline.due.map(format_utc),
        due_local: deadline.due.map(|d| {
            d.with_timezone(&calendar.tz())
                .to_rfc3339_opts(SecondsFormat::AutoSi, false)
        }),
        best_effort: deadline.best_effort,
    })
}

/// Answers what a contract includes.
pub fn entitlements(req: &EntitlementsRequest) -> Result<EntitlementsQuote, CoreError> {
    let contract = Contract::existing(
        req.deployment.parse()?,
        req.subscription.parse()?,
        req.annual_spend,
    )?;
    Ok(EntitlementsQuote::of(&contract))
}

impl EntitlementsQuote {
    /// What a contract includes; the one place the entitlement answer is put together (the
    /// CLI, the app and the server's `/me` all use it).
    pub fn of(contract: &Contract) -> EntitlementsQuote {
        let level = contract.support_level;
        EntitlementsQuote {
            support_level: level,
            severities: allowed_severities(level)
                .into_iter()
                .map(Severity::number)
                .collect(),
            phone_callback: contract.phone_callback(),
            support_kind: contract.support_kind,
            legacy: contract.legacy,
            targets: Severity::ALL
                .into_iter()
                .map(|s| (s.to_string(), response_target(level, s)))
                .collect(),
            best_effort: best_effort(level),
        }
    }
}
