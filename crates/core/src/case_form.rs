//! The new-case form's rules (SPEC §5): what a case must say before it may be filed.
//!
//! These rules used to be written three times — in the wizard's JavaScript, in the client's
//! outbox and in the server's handler — and the copies had drifted apart (the server took a
//! case without an impact, and a subject made of one C1 control character). They now live
//! here only:
//!
//! - the server calls [`check_case_form`] on every `POST /cases`, so no path can skip it;
//! - the client calls it before a case is queued, so a refusal arrives offline and with the
//!   same code the server would answer;
//! - the UI cannot link Rust, so it receives the limits and choices as data through
//!   [`form_rules`] (and re-checks nothing it could get wrong on its own: the client and the
//!   server have the last word).
//!
//! Contract rules (which severities a contract may file) stay in [`crate::check_severity`]:
//! they need the contract, the form rules do not. [`contract_terms`] reads that contract (and
//! its calendar) from a cached account with one error for every way it can be missing.

use crate::calendar::{Calendar, CalendarSpec};
use crate::case::{CallbackWindow, CaseStatus, CaseType};
use crate::contract::{Contract, SupportLevel};
use crate::error::{CoreError, ErrorCode};
use crate::severity::{Environment, Lang, Severity};
use serde::{Deserialize, Serialize};

/// Most characters in a subject (counted after trimming, as stored).
pub const SUBJECT_MAX: usize = 200;
/// Most characters in the other one-line fields: product and version.
pub const LINE_MAX: usize = 200;
/// Most bytes (UTF-8) in a Markdown field: situation, impact, and a reply's body.
pub const TEXT_MAX: usize = 64 * 1024;
/// Whether the seriousness ("impact", SPEC §5) is required. It is: the vendor prioritises by
/// it as much as by severity, and the wizard always asked for it; the server and the CLI now
/// ask for it too.
pub const IMPACT_REQUIRED: bool = true;

/// A text in the two languages every user-visible string exists in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Texts {
    /// English.
    pub en: String,
    /// Simplified Chinese.
    #[serde(rename = "zh-CN")]
    pub zh_cn: String,
}

impl Texts {
    fn of(text: impl Fn(Lang) -> &'static str) -> Texts {
        Texts {
            en: text(Lang::En).to_string(),
            zh_cn: text(Lang::ZhCn).to_string(),
        }
    }
}

/// One severity as the wizard presents it: its number, name and definition.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct SeverityText {
    /// 1–4.
    pub severity: Severity,
    /// The short name ("Urgent", "紧急", …).
    pub name: Texts,
    /// What the severity means.
    pub definition: Texts,
}

/// Everything the new-case form needs to know to guide the user, as data: limits, choices and
/// the severity texts. The UI asks for it once instead of keeping copies.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct FormRules {
    /// [`SUBJECT_MAX`].
    pub subject_max: usize,
    /// [`LINE_MAX`]: product and version.
    pub line_max: usize,
    /// [`TEXT_MAX`], in UTF-8 bytes: situation and impact.
    pub text_max: usize,
    /// Every case type, in the order the wizard offers them.
    pub case_types: Vec<CaseType>,
    /// Every environment, production first.
    pub environments: Vec<Environment>,
    /// [`IMPACT_REQUIRED`].
    pub impact_required: bool,
    /// The case types that ask for advice rather than a fix ([`CaseType::is_advisory`]): the
    /// wizard warns when one is filed under a break/fix contract (SPEC §6).
    pub advisory_types: Vec<CaseType>,
    /// The statuses of a case that still expects work ([`crate::CaseStatus::is_open`]): the
    /// case list and the case view show deadlines and actions for these only.
    pub open_statuses: Vec<CaseStatus>,
    /// Every severity, most severe first. Which ones a contract may file is
    /// [`crate::allowed_severities`]'s answer, not this list's.
    pub severities: Vec<SeverityText>,
}

/// The form rules as data (see [`FormRules`]).
pub fn form_rules() -> FormRules {
    FormRules {
        subject_max: SUBJECT_MAX,
        line_max: LINE_MAX,
        text_max: TEXT_MAX,
        case_types: CaseType::ALL.to_vec(),
        environments: vec![Environment::Production, Environment::NonProduction],
        impact_required: IMPACT_REQUIRED,
        advisory_types: CaseType::ALL
            .into_iter()
            .filter(|t| t.is_advisory())
            .collect(),
        open_statuses: CaseStatus::open().collect(),
        severities: Severity::ALL
            .into_iter()
            .map(|s| SeverityText {
                severity: s,
                name: Texts::of(|l| s.name(l)),
                definition: Texts::of(|l| s.meaning(l)),
            })
            .collect(),
    }
}

/// The fields of a new case that the form rules look at, borrowed from whatever holds them
/// (the server's `NewCase`, the client's draft), so both check exactly the same thing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CaseFields<'a> {
    /// The case type.
    pub case_type: CaseType,
    /// One line.
    pub subject: &'a str,
    /// One line.
    pub product: &'a str,
    /// One line.
    pub version: &'a str,
    /// Markdown; required.
    pub situation: &'a str,
    /// Markdown; required ([`IMPACT_REQUIRED`]).
    pub impact: &'a str,
    /// The planned maintenance window: required for a maintenance notice, refused otherwise.
    pub maintenance_window: Option<CallbackWindow>,
}

/// Checks a new case's fields against the form rules; every refusal is `invalid_argument`
/// with a message naming the field and what to do.
///
/// One-line fields (subject, product, version), once trimmed as they are stored, must hold at
/// least one visible character, no control character (C0 such as a tab or a line break, DEL,
/// or C1 such as U+0097) and no line or paragraph separator, and stay within their limit.
/// Situation and impact must hold a visible character and stay within [`TEXT_MAX`] bytes. A
/// maintenance notice needs a window that ends after it starts; no other type may carry one.
pub fn check_case_form(form: &CaseFields<'_>) -> Result<(), CoreError> {
    check_line("subject", form.subject, SUBJECT_MAX)?;
    check_line("product", form.product, LINE_MAX)?;
    check_line("version", form.version, LINE_MAX)?;
    check_text("situation", form.situation, true)?;
    check_text("impact", form.impact, IMPACT_REQUIRED)?;
    check_maintenance_window(form.case_type, form.maintenance_window)
}

/// The maintenance-window rule on its own: a maintenance notice carries a window that ends
/// after it starts, and no other case type carries one. (Unlike a callback window it may lie
/// in the past: a notice can report maintenance that already happened.)
pub fn check_maintenance_window(
    case_type: CaseType,
    window: Option<CallbackWindow>,
) -> Result<(), CoreError> {
    match (case_type, window) {
        (CaseType::MaintenanceNotice, None) => Err(CoreError::invalid(
            "a maintenance notice needs its maintenance window (start and end)",
        )),
        (CaseType::MaintenanceNotice, Some(w)) if w.end <= w.start => Err(CoreError::invalid(
            "the maintenance window must end after it starts",
        )),
        (CaseType::MaintenanceNotice, Some(_)) => Ok(()),
        (_, Some(_)) => Err(CoreError::invalid(
            "only a maintenance-notice case carries a maintenance window",
        )),
        (_, None) => Ok(()),
    }
}

/// True for a character a reader can see: not whitespace, not a control character, and not
/// one of the invisible format characters (zero-width spaces and joiners, direction marks,
/// the byte-order mark, fillers) that would make a blank subject look filled in.
pub fn is_visible(c: char) -> bool {
    !(c.is_whitespace() || c.is_control() || is_invisible_format(c))
}

fn is_invisible_format(c: char) -> bool {
    matches!(
        c,
        '\u{00AD}'
            | '\u{034F}'
            | '\u{061C}'
            | '\u{115F}'
            | '\u{1160}'
            | '\u{17B4}'
            | '\u{17B5}'
            | '\u{180B}'..='\u{180F}'
            | '\u{200B}'..='\u{200F}'
            | '\u{202A}'..='\u{202E}'
            | '\u{2060}'..='\u{206F}'
            | '\u{3164}'
            | '\u{FE00}'..='\u{FE0F}'
            | '\u{FEFF}'
            | '\u{FFA0}'
    )
}

/// Characters that break a one-line field: every control character (C0 including tab, CR and
/// LF; DEL; C1) and the Unicode line and paragraph separators.
fn breaks_line(c: char) -> bool {
    c.is_control() || matches!(c, '\u{2028}' | '\u{2029}')
}

/// The one-line rule on its own, for one-line fields outside the case form too (a contact's
/// name): trimmed, no control character or line separator, a visible character, at most `max`
/// characters. `field` names the field in the message.
pub fn check_line(field: &str, value: &str, max: usize) -> Result<(), CoreError> {
    // The rules apply to the text as stored: surrounding whitespace (including U+0085, which
    // is both whitespace and a C1 control) is trimmed away by every path before it is kept.
    let value = value.trim();
    if let Some(c) = value.chars().find(|&c| breaks_line(c)) {
        return Err(CoreError::invalid(format!(
            "the {field} must be one line of ordinary text; remove the control character U+{:04X}",
            c as u32
        )));
    }
    if !value.chars().any(is_visible) {
        return Err(CoreError::invalid(format!(
            "the {field} is empty; write at least one visible character"
        )));
    }
    if value.chars().count() > max {
        return Err(CoreError::invalid(format!(
            "the {field} may have at most {max} characters; shorten it"
        )));
    }
    Ok(())
}

/// The Markdown-field rule on its own, for a reply's body too: at most [`TEXT_MAX`] bytes, no
/// U+0000 and, when `required`, a visible character. Line breaks and tabs are kept.
pub fn check_text(field: &str, value: &str, required: bool) -> Result<(), CoreError> {
    if required && !value.chars().any(is_visible) {
        return Err(CoreError::invalid(format!(
            "the {field} is empty; describe it in a few words"
        )));
    }
    if value.len() > TEXT_MAX {
        return Err(CoreError::invalid(format!(
            "the {field} may have at most {TEXT_MAX} bytes; attach long logs as files instead"
        )));
    }
    // U+0000 is never typed text, and PostgreSQL's text type cannot hold it: refusing it here
    // gives every backend (and the app, before sending) the same answer.
    if value.contains('\0') {
        return Err(CoreError::invalid(format!(
            "the {field} contains a NUL character (U+0000); remove it"
        )));
    }
    Ok(())
}

/// Reads the support level and business calendar from a cached account (`/me`'s `contract`
/// and `calendar`). Whatever is wrong — no contract, no calendar, or a calendar that does not
/// validate — the answer is one `no_contract` error, so every caller fails the same way.
pub fn contract_terms(
    contract: Option<&Contract>,
    calendar: Option<&CalendarSpec>,
) -> Result<(SupportLevel, Calendar), CoreError> {
    let contract = contract.ok_or_else(|| {
        CoreError::new(
            ErrorCode::NoContract,
            "this account has no support contract on file; refresh, or ask your key contact",
        )
    })?;
    let spec = calendar.ok_or_else(|| {
        CoreError::new(
            ErrorCode::NoContract,
            "the support contract came without its business calendar; refresh and try again",
        )
    })?;
    let calendar = Calendar::try_from(spec.clone()).map_err(|e| {
        CoreError::new(
            ErrorCode::NoContract,
            format!("the contract's business calendar cannot be read: {e}"),
        )
    })?;
    Ok((contract.support_level, calendar))
}

/// What a case opened by e-mail is filed with, since a mail carries only a subject, a text
/// and files: its type, severity and environment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MailDefaults {
    /// Always [`CaseType::Problem`]: a mail to the support address is most often a report
    /// that something does not work, and an engineer can retype it.
    pub case_type: CaseType,
    /// SPEC §2's default, severity 3, or severity 4 for the development subscription (the
    /// only one it may file).
    pub severity: Severity,
    /// Production, or non-production for the development subscription (its severity 4 is
    /// for non-production cases only).
    pub environment: Environment,
}

/// The defaults of a case opened by e-mail under `contract` (see [`MailDefaults`]). They
/// always pass [`crate::check_severity`] for the contract, so a mail never fails on a rule
/// its writer could not see.
pub fn mail_defaults(contract: &Contract) -> MailDefaults {
    let development = contract.support_level == SupportLevel::Development;
    MailDefaults {
        case_type: CaseType::Problem,
        severity: if development {
            Severity::DEVELOPMENT
        } else {
            Severity::NORMAL
        },
        environment: if development {
            Environment::NonProduction
        } else {
            Environment::Production
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::contract::{Deployment, Subscription};
    use chrono::{Duration, TimeZone, Utc};
    use proptest::prelude::*;

    #[test]
    fn markdown_text_refuses_nul_and_keeps_line_breaks_and_tabs() {
        let refused = check_text("situation", "crash\0dump", true).unwrap_err();
        assert_eq!(refused.code.as_str(), "invalid_argument");
        assert!(refused.message.contains("U+0000"), "{}", refused.message);
        assert!(check_text("body", "line one\n\tline two", true).is_ok());
        let mut f = fields("Queries time out");
        f.impact = "none\0";
        assert!(check_case_form(&f).is_err());
    }

    fn fields<'a>(subject: &'a str) -> CaseFields<'a> {
        CaseFields {
            case_type: CaseType::Problem,
            subject,
            product: "Orbit Search",
            version: "8.4.1",
            situation: "Queries time out after the upgrade.",
            impact: "Checkout search is slow for all shoppers.",
            maintenance_window: None,
        }
    }

    fn code(r: Result<(), CoreError>) -> &'static str {
        r.map(|_| "ok").unwrap_or_else(|e| e.code.as_str())
    }

    #[test]
    fn a_complete_case_passes() {
        assert_eq!(code(check_case_form(&fields("Search is slow"))), "ok");
        assert_eq!(code(check_case_form(&fields("搜索很慢"))), "ok");
    }

    #[test]
    fn a_c1_control_subject_is_refused() {
        for subject in [
            "\u{0097}",
            "ok\u{0097}",
            "a\tb",
            "a\nb",
            "\u{7f}x",
            "x\u{2028}y",
        ] {
            let err = check_case_form(&fields(subject)).unwrap_err();
            assert_eq!(err.code, ErrorCode::InvalidArgument, "{subject:?}");
            assert!(err.message.contains("subject"), "{}", err.message);
        }
    }

    #[test]
    fn surrounding_whitespace_is_trimmed_before_the_rules_apply() {
        assert_eq!(code(check_case_form(&fields(" Search is slow\n"))), "ok");
        assert_eq!(code(check_case_form(&fields("Search is slow\u{85}"))), "ok");
    }

    #[test]
    fn blank_and_invisible_subjects_are_refused() {
        for subject in ["", "   ", "\u{200B}", "\u{FEFF} \u{3000}"] {
            let err = check_case_form(&fields(subject)).unwrap_err();
            assert!(
                err.message.contains("empty"),
                "{subject:?}: {}",
                err.message
            );
        }
    }

    #[test]
    fn the_subject_limit_counts_characters_of_the_trimmed_text() {
        let at_limit = "界".repeat(SUBJECT_MAX);
        assert_eq!(code(check_case_form(&fields(&at_limit))), "ok");
        assert_eq!(
            code(check_case_form(&fields(&format!(" {at_limit} ")))),
            "ok"
        );
        let over = "a".repeat(SUBJECT_MAX + 1);
        assert_eq!(code(check_case_form(&fields(&over))), "invalid_argument");
    }

    #[test]
    fn product_and_version_follow_the_one_line_rules() {
        let mut f = fields("ok");
        f.product = "\u{0085}";
        assert!(check_case_form(&f).unwrap_err().message.contains("product"));
        let mut f = fields("ok");
        f.version = " ";
        assert!(check_case_form(&f).unwrap_err().message.contains("version"));
    }

    #[test]
    fn situation_and_impact_are_both_required() {
        let mut f = fields("ok");
        f.impact = "  \n";
        assert!(check_case_form(&f).unwrap_err().message.contains("impact"));
        let mut f = fields("ok");
        f.situation = "";
        assert!(check_case_form(&f)
            .unwrap_err()
            .message
            .contains("situation"));
        let big = "x".repeat(TEXT_MAX + 1);
        let mut f = fields("ok");
        f.impact = &big;
        assert_eq!(code(check_case_form(&f)), "invalid_argument");
        // Markdown keeps its line breaks and tabs.
        let mut f = fields("ok");
        f.situation = "line one\n\tline two\r\n";
        assert_eq!(code(check_case_form(&f)), "ok");
    }

    #[test]
    fn maintenance_windows_belong_to_maintenance_notices() {
        let start = Utc.with_ymd_and_hms(2026, 3, 1, 22, 0, 0).unwrap();
        let window = CallbackWindow {
            start,
            end: start + Duration::hours(2),
        };
        let inverted = CallbackWindow { start, end: start };
        let t = CaseType::MaintenanceNotice;
        assert_eq!(code(check_maintenance_window(t, Some(window))), "ok");
        assert_eq!(code(check_maintenance_window(t, None)), "invalid_argument");
        assert_eq!(
            code(check_maintenance_window(t, Some(inverted))),
            "invalid_argument"
        );
        assert_eq!(
            code(check_maintenance_window(CaseType::Problem, Some(window))),
            "invalid_argument"
        );
        let mut f = fields("Upgrade on Sunday");
        f.case_type = t;
        assert_eq!(code(check_case_form(&f)), "invalid_argument");
        f.maintenance_window = Some(window);
        assert_eq!(code(check_case_form(&f)), "ok");
    }

    #[test]
    fn form_rules_serialise_as_the_ui_expects() {
        let json = serde_json::to_value(form_rules()).unwrap();
        assert_eq!(json["subject_max"], 200);
        assert_eq!(json["line_max"], 200);
        assert_eq!(json["text_max"], 65536);
        assert_eq!(json["impact_required"], true);
        // SPEC §6: a how-to asks for advice; nothing else does.
        assert_eq!(json["advisory_types"], serde_json::json!(["how-to"]));
        assert_eq!(
            json["open_statuses"],
            serde_json::json!(["waiting-on-vendor", "waiting-on-customer"])
        );
        assert_eq!(json["case_types"][0], "problem");
        assert_eq!(json["case_types"][4], "maintenance-notice");
        assert_eq!(
            json["environments"],
            serde_json::json!(["production", "non-production"])
        );
        let sevs = json["severities"].as_array().unwrap();
        assert_eq!(sevs.len(), 4);
        assert_eq!(sevs[0]["severity"], 1);
        assert_eq!(sevs[0]["name"]["en"], "Urgent");
        assert_eq!(sevs[3]["name"]["zh-CN"], "开发支持");
        assert!(sevs[3]["definition"]["zh-CN"]
            .as_str()
            .unwrap()
            .contains("非生产"));
    }

    #[test]
    fn contract_terms_fail_with_one_code() {
        let contract =
            Contract::new_sale(Deployment::Cloud, Subscription::Enterprise, None).unwrap();
        let spec = CalendarSpec {
            time_zone: "Europe/Berlin".into(),
            hours: "Mon-Fri 09:00-17:00".into(),
            holidays: vec![],
            day_length_seconds: None,
        };
        let (level, calendar) = contract_terms(Some(&contract), Some(&spec)).unwrap();
        assert_eq!(level, contract.support_level);
        assert_eq!(calendar.tz().name(), "Europe/Berlin");
        let broken = CalendarSpec {
            time_zone: "Mars/Olympus".into(),
            ..spec.clone()
        };
        for (c, s) in [
            (None, Some(&spec)),
            (Some(&contract), None),
            (Some(&contract), Some(&broken)),
        ] {
            assert_eq!(
                contract_terms(c, s).unwrap_err().code,
                ErrorCode::NoContract
            );
        }
    }

    proptest! {
        #[test]
        fn any_subject_with_a_control_character_is_refused(
            before in "\\PC{0,20}",
            control in prop_oneof![0u32..0x20, 0x7fu32..0xa0].prop_map(|n| char::from_u32(n).unwrap()),
            after in "\\PC{0,20}",
        ) {
            // Inside the text: at either end, a whitespace control (tab, U+0085) is trimmed away.
            let subject = format!("a{before}{control}{after}z");
            let err = check_case_form(&fields(&subject)).unwrap_err();
            prop_assert_eq!(err.code, ErrorCode::InvalidArgument);
        }

        #[test]
        fn every_accepted_subject_has_a_visible_character_and_fits(subject in "\\PC{0,210}|\\s{0,5}") {
            if check_case_form(&fields(&subject)).is_ok() {
                prop_assert!(subject.chars().any(is_visible));
                prop_assert!(!subject.trim().chars().any(char::is_control));
                prop_assert!(subject.trim().chars().count() <= SUBJECT_MAX);
            }
        }

        #[test]
        fn ordinary_subjects_are_accepted(subject in "[A-Za-z0-9][A-Za-z0-9 ,.:()-]{0,150}") {
            prop_assert!(check_case_form(&fields(&subject)).is_ok());
        }
    }

    #[test]
    fn mail_opens_normal_production_cases_and_development_cases_for_development() {
        let existing = |d, s| Contract::existing(d, s, Some(10_000.0)).unwrap();
        let dev = mail_defaults(&existing(
            Deployment::SelfManaged,
            Subscription::Development,
        ));
        assert_eq!(dev.severity, Severity::DEVELOPMENT);
        assert_eq!(dev.environment, Environment::NonProduction);
        let cloud = mail_defaults(&existing(Deployment::Cloud, Subscription::Standard));
        assert_eq!(cloud.severity, Severity::NORMAL);
        assert_eq!(cloud.environment, Environment::Production);
        assert_eq!(cloud.case_type, CaseType::Problem);
        for deployment in [Deployment::Cloud, Deployment::SelfManaged] {
            for subscription in [
                Subscription::Standard,
                Subscription::Gold,
                Subscription::Platinum,
                Subscription::Enterprise,
                Subscription::Development,
            ] {
                let Ok(contract) = Contract::existing(deployment, subscription, None) else {
                    continue;
                };
                let d = mail_defaults(&contract);
                assert!(
                    crate::check_severity(contract.support_level, d.severity, d.environment)
                        .is_ok(),
                    "{deployment:?} {subscription:?}"
                );
            }
        }
    }
}
