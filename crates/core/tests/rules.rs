//! SPEC §1–3, 6, 7: every cell of the support-level and response-target tables, every allowed
//! and refused severity per contract, and every error code.

use casewatch_core::*;
use chrono::{DateTime, Utc};
use Deployment::*;
use Subscription::*;

fn level(d: Deployment, s: Subscription) -> Result<SupportLevel, ErrorCode> {
    SupportLevel::resolve(d, s).map_err(|e| e.code)
}

#[test]
fn support_level_table() {
    assert_eq!(level(Cloud, Standard), Ok(SupportLevel::Limited));
    assert_eq!(level(Cloud, Gold), Ok(SupportLevel::Base));
    assert_eq!(level(Cloud, Platinum), Ok(SupportLevel::Enhanced));
    assert_eq!(level(Cloud, Enterprise), Ok(SupportLevel::Premium));
    assert_eq!(level(Cloud, Development), Err(ErrorCode::NotSupported));
    assert_eq!(level(SelfManaged, Standard), Err(ErrorCode::NotSupported));
    assert_eq!(level(SelfManaged, Gold), Ok(SupportLevel::Gold));
    assert_eq!(level(SelfManaged, Platinum), Ok(SupportLevel::Platinum));
    assert_eq!(level(SelfManaged, Enterprise), Ok(SupportLevel::Enterprise));
    assert_eq!(
        level(SelfManaged, Development),
        Ok(SupportLevel::Development)
    );
}

#[test]
fn legacy_gold_is_kept_but_not_sold() {
    let existing = Contract::existing(SelfManaged, Gold, None).unwrap();
    assert!(existing.legacy);
    let refused = Contract::new_sale(SelfManaged, Gold, None).unwrap_err();
    assert_eq!(refused.code, ErrorCode::NotSupported);
    assert!(refused.message.contains("legacy"));
    assert!(!Contract::new_sale(Cloud, Gold, None).unwrap().legacy);
}

#[test]
fn annual_spend_decides_break_fix_or_advisory() {
    let kind = |s| SupportKind::for_annual_spend(s).map_err(|e| e.code);
    assert_eq!(kind(None), Ok(SupportKind::BreakFix));
    assert_eq!(kind(Some(0.0)), Ok(SupportKind::BreakFix));
    assert_eq!(kind(Some(25_000.0)), Ok(SupportKind::BreakFix));
    assert_eq!(kind(Some(25_000.01)), Ok(SupportKind::Advisory));
    assert_eq!(kind(Some(-1.0)), Err(ErrorCode::InvalidArgument));
    assert_eq!(kind(Some(f64::NAN)), Err(ErrorCode::InvalidArgument));
}

#[test]
fn phone_callback_everywhere_but_limited() {
    for l in [
        SupportLevel::Base,
        SupportLevel::Enhanced,
        SupportLevel::Premium,
        SupportLevel::Gold,
        SupportLevel::Platinum,
        SupportLevel::Enterprise,
        SupportLevel::Development,
    ] {
        assert!(l.phone_callback(), "{l}");
    }
    assert!(!SupportLevel::Limited.phone_callback());
}

fn t(amount: u32, unit: TargetUnit) -> Option<Target> {
    Some(Target::new(amount, unit))
}

#[test]
fn response_target_tables() {
    use TargetUnit::*;
    let sev = |n| Severity::new(n).unwrap();
    let table: Vec<(SupportLevel, [Option<Target>; 4])> = vec![
        (
            SupportLevel::Premium,
            [t(30, Minutes), t(4, Hours), t(1, BusinessDays), None],
        ),
        (
            SupportLevel::Enhanced,
            [t(1, Hours), t(4, Hours), t(1, BusinessDays), None],
        ),
        (
            SupportLevel::Base,
            [
                t(4, BusinessHours),
                t(1, BusinessDays),
                t(2, BusinessDays),
                None,
            ],
        ),
        (SupportLevel::Limited, [None, None, None, None]),
        (
            SupportLevel::Enterprise,
            [t(1, Hours), t(4, Hours), t(1, BusinessDays), None],
        ),
        (
            SupportLevel::Platinum,
            [t(1, Hours), t(4, Hours), t(1, BusinessDays), None],
        ),
        (
            SupportLevel::Gold,
            [
                t(4, BusinessHours),
                t(1, BusinessDays),
                t(2, BusinessDays),
                None,
            ],
        ),
        (
            SupportLevel::Development,
            [None, None, None, t(2, BusinessDays)],
        ),
    ];
    for (lvl, row) in table {
        for (i, expected) in row.into_iter().enumerate() {
            let s = sev(i as u8 + 1);
            assert_eq!(response_target(lvl, s), expected, "{lvl} severity {s}");
        }
    }
    assert_eq!(best_effort(SupportLevel::Limited), t(3, BusinessDays));
    assert_eq!(best_effort(SupportLevel::Base), None);
}

#[test]
fn allowed_and_refused_severities_for_every_contract() {
    use Environment::*;
    let all_levels = [
        SupportLevel::Limited,
        SupportLevel::Base,
        SupportLevel::Enhanced,
        SupportLevel::Premium,
        SupportLevel::Gold,
        SupportLevel::Platinum,
        SupportLevel::Enterprise,
        SupportLevel::Development,
    ];
    for lvl in all_levels {
        for s in Severity::ALL {
            for env in [Production, NonProduction] {
                let got = check_severity(lvl, s, env).map_err(|e| e.code);
                let expected = if lvl == SupportLevel::Development {
                    if s.number() == 4 {
                        Ok(())
                    } else {
                        Err(ErrorCode::SeverityNotAllowed)
                    }
                } else if s.number() == 4 {
                    Err(ErrorCode::SeverityNotAllowed)
                } else if s.number() == 1 && env == NonProduction {
                    Err(ErrorCode::SeverityRequiresProduction)
                } else {
                    Ok(())
                };
                assert_eq!(got, expected, "{lvl} severity {s} {env}");
            }
        }
        let allowed: Vec<u8> = allowed_severities(lvl)
            .into_iter()
            .map(|s| s.number())
            .collect();
        let expected: Vec<u8> = if lvl == SupportLevel::Development {
            vec![4]
        } else {
            vec![1, 2, 3]
        };
        assert_eq!(allowed, expected, "{lvl}");
    }
}

#[test]
fn refusal_messages_say_what_to_pick_instead() {
    let e = check_severity(
        SupportLevel::Development,
        Severity::URGENT,
        Environment::Production,
    )
    .unwrap_err();
    assert!(e.message.contains("choose severity 4"), "{}", e.message);
    let e = check_severity(
        SupportLevel::Premium,
        Severity::DEVELOPMENT,
        Environment::NonProduction,
    )
    .unwrap_err();
    assert!(e.message.contains("choose severity 3"), "{}", e.message);
    let e = check_severity(
        SupportLevel::Premium,
        Severity::URGENT,
        Environment::NonProduction,
    )
    .unwrap_err();
    assert!(e.message.contains("production"), "{}", e.message);
}

#[test]
fn severity_outside_one_to_four_is_invalid() {
    assert_eq!(
        Severity::new(0).unwrap_err().code,
        ErrorCode::InvalidArgument
    );
    assert_eq!(
        Severity::new(5).unwrap_err().code,
        ErrorCode::InvalidArgument
    );
}

#[test]
fn severity_texts_exist_in_both_languages() {
    for s in Severity::ALL {
        assert!(!s.meaning(Lang::En).is_empty());
        assert!(s.meaning(Lang::ZhCn).chars().any(|c| c as u32 > 0x4e00));
        assert_ne!(s.name(Lang::En), s.name(Lang::ZhCn));
    }
}

fn at(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
}

#[test]
fn callback_windows() {
    let now = at("2026-03-09T10:00:00Z");
    let w = |a, b| CallbackWindow {
        start: at(a),
        end: at(b),
    };
    let ok = [w("2026-03-09T14:00:00Z", "2026-03-09T15:00:00Z")];
    assert!(check_callback(SupportLevel::Base, &ok, now).is_ok());
    assert_eq!(
        check_callback(SupportLevel::Limited, &ok, now)
            .unwrap_err()
            .code,
        ErrorCode::CallbackNotIncluded
    );
    let inverted = [w("2026-03-09T15:00:00Z", "2026-03-09T14:00:00Z")];
    assert_eq!(
        check_callback(SupportLevel::Base, &inverted, now)
            .unwrap_err()
            .code,
        ErrorCode::InvalidArgument
    );
    let past = [w("2026-03-08T14:00:00Z", "2026-03-08T15:00:00Z")];
    assert_eq!(
        check_callback(SupportLevel::Base, &past, now)
            .unwrap_err()
            .code,
        ErrorCode::InvalidArgument
    );
    assert_eq!(
        check_callback(SupportLevel::Base, &[], now)
            .unwrap_err()
            .code,
        ErrorCode::InvalidArgument
    );
}

#[test]
fn case_status_follows_who_spoke_last() {
    assert_eq!(
        CaseStatus::WaitingOnVendor.after_comment(true),
        CaseStatus::WaitingOnCustomer
    );
    assert_eq!(
        CaseStatus::WaitingOnCustomer.after_comment(false),
        CaseStatus::WaitingOnVendor
    );
    assert_eq!(
        CaseStatus::Solved.after_comment(false),
        CaseStatus::WaitingOnVendor
    );
    assert_eq!(CaseStatus::Closed.after_comment(false), CaseStatus::Closed);
}

#[test]
fn wire_names_parse_and_print_back() {
    for d in ["cloud", "self-managed"] {
        assert_eq!(d.parse::<Deployment>().unwrap().to_string(), d);
    }
    for s in ["standard", "gold", "platinum", "enterprise", "development"] {
        assert_eq!(s.parse::<Subscription>().unwrap().to_string(), s);
    }
    assert_eq!(
        "onprem".parse::<Deployment>().unwrap_err().code,
        ErrorCode::InvalidArgument
    );
    for t in CaseType::ALL {
        assert_eq!(t.as_str().parse::<CaseType>().unwrap(), t);
    }
    assert_eq!(
        serde_json::to_string(&ErrorCode::SeverityRequiresProduction).unwrap(),
        "\"severity_requires_production\""
    );
    assert_eq!(
        serde_json::to_string(&SupportKind::BreakFix).unwrap(),
        "\"break-fix\""
    );
}
