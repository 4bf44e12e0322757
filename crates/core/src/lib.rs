//! # casewatch-core
//!
//! The rules of Casewatch's support offering (SPEC §1–4, 6, 7) as types and pure functions:
//! which support level a contract has, which severities it may file, how fast the vendor must
//! answer, and when, on the customer's business calendar, that answer falls due.
//!
//! The server, the desktop client and the CLI all call this crate, so a customer's countdown
//! and the vendor's clock can never disagree. Nothing here does I/O or reads the clock: pass
//! `now` in.

pub mod calendar;
pub mod case;
pub mod case_form;
pub mod clock;
pub mod contract;
pub mod deadline;
pub mod error;
pub mod quote;
pub mod schedule;
pub mod severity;
pub mod target;

pub use calendar::Calendar;
pub use case::{check_callback, CallbackWindow, CaseStatus, CaseType};
pub use case_form::{
    check_case_form, contract_terms, form_rules, mail_defaults, CaseFields, FormRules, MailDefaults,
};
pub use clock::{DeadlineStatus, ResponseDeadline};
pub use contract::{Contract, Deployment, Subscription, SupportKind, SupportLevel};
pub use deadline::{add_business_time, business_time_between, due};
pub use error::{CoreError, ErrorCode};
pub use schedule::WeeklySchedule;
pub use severity::{allowed_severities, check_severity, Environment, Lang, Severity};
pub use target::{best_effort, response_target, Target, TargetUnit};
