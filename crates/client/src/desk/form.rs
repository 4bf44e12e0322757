//! The new-case form: its rules (limits, choices, severity texts) from the core, each
//! severity allowed or refused for the signed-in contract, and the deadline a case filed now
//! would get. The wizard asks these instead of keeping copies of the rules.

use casewatch_api::Me;
use casewatch_core::case_form::{form_rules, FormRules};
use casewatch_core::{
    best_effort, check_severity, contract_terms, response_target, Calendar, Environment,
    ResponseDeadline, Severity, SupportLevel, Target,
};
use chrono::{DateTime, Utc};
use serde::Serialize;

use super::{Desk, DeskError, DeskResult};

/// One severity as the wizard offers it.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct SeverityChoice {
    /// 1–4.
    pub severity: u8,
    /// The contract may file it in this environment.
    pub allowed: bool,
    /// Why not, with the core's code.
    pub refusal: Option<DeskError>,
    /// The initial-response target.
    pub target: Option<Target>,
    /// The best-effort expectation where there is no target.
    pub best_effort: Option<Target>,
}

/// Every severity, allowed or refused.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct SeverityChoices {
    /// Most severe first.
    pub choices: Vec<SeverityChoice>,
}

/// The target and due time of a case created now.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct DeadlinePreview {
    /// 1–4.
    pub severity: u8,
    /// The initial-response target, if the contract has one.
    pub target: Option<Target>,
    /// The best-effort expectation where there is no target.
    pub best_effort: Option<Target>,
    /// When the first response falls due.
    pub due_at: Option<DateTime<Utc>>,
    /// The same instant in the contract's time zone (RFC 3339 with offset).
    pub due_local: Option<String>,
    /// The contract's time zone (IANA name).
    pub time_zone: String,
}

/// The support level and calendar of a cached account (the core's one reading of them).
pub fn terms_of(me: &Me) -> DeskResult<(SupportLevel, Calendar)> {
    Ok(contract_terms(me.contract.as_ref(), me.calendar.as_ref())?)
}

impl Desk {
    /// The support level and calendar of the signed-in account's contract.
    pub fn contract(&self) -> DeskResult<(SupportLevel, Calendar)> {
        let me = self.me()?.ok_or_else(DeskError::not_signed_in)?;
        terms_of(&me)
    }

    /// The form's rules (limits, case types, environments, severity texts): the core's.
    pub fn form_rules(&self) -> FormRules {
        form_rules()
    }

    /// Each severity, allowed or refused by the core for the contract in `environment`.
    pub fn severity_choices(&self, environment: &str) -> DeskResult<SeverityChoices> {
        let (level, _) = self.contract()?;
        let environment: Environment = environment.parse()?;
        let choices = Severity::ALL
            .into_iter()
            .map(|severity| {
                let refusal = check_severity(level, severity, environment)
                    .err()
                    .map(DeskError::from);
                SeverityChoice {
                    severity: severity.number(),
                    allowed: refusal.is_none(),
                    refusal,
                    target: response_target(level, severity),
                    best_effort: best_effort(level),
                }
            })
            .collect();
        Ok(SeverityChoices { choices })
    }

    /// The deadline of a case of `severity` in `environment` filed now (refused like filing
    /// would be when the contract may not file it).
    pub fn deadline_preview(&self, severity: u8, environment: &str) -> DeskResult<DeadlinePreview> {
        let (level, calendar) = self.contract()?;
        let severity = Severity::new(severity)?;
        let environment: Environment = environment.parse()?;
        check_severity(level, severity, environment)?;
        let deadline = ResponseDeadline::compute(level, severity, &calendar, Utc::now())?;
        let tz = calendar.tz();
        Ok(DeadlinePreview {
            severity: severity.number(),
            target: deadline.target,
            best_effort: deadline.best_effort,
            due_at: deadline.due,
            due_local: deadline.due.map(|d| d.with_timezone(&tz).to_rfc3339()),
            time_zone: tz.name().to_owned(),
        })
    }
}
