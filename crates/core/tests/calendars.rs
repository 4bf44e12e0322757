//! Business calendars: the schedule's text form, business-day length, validation, and where a
//! case stands against its deadline at a given instant.

use casewatch_core::*;
use chrono::{DateTime, Duration, Utc};

fn at(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
}

#[test]
fn schedule_text_parses_and_prints_back() {
    for text in [
        "mon-fri 09:00-17:00",
        "mon-fri 09:00-17:00, sat 10:00-14:00",
        "mon-fri 22:00-06:00",
        "sun 00:00-24:00",
        "fri-mon 08:30-12:15, wed 13:00-13:00",
    ] {
        let schedule: WeeklySchedule = text.parse().unwrap();
        assert_eq!(schedule.to_string(), text);
        assert_eq!(
            schedule.to_string().parse::<WeeklySchedule>().unwrap(),
            schedule
        );
    }
    // Tolerant of case and spacing, printed in the canonical form.
    let loose: WeeklySchedule = " MON-Fri  09:00-17:00 ,Sat 10:00-14:00".parse().unwrap();
    assert_eq!(loose.to_string(), "mon-fri 09:00-17:00, sat 10:00-14:00");
}

#[test]
fn bad_schedules_are_refused_with_invalid_argument() {
    for text in [
        "",
        " , ",
        "mon-fri",
        "mon-fri 9:00-17:00",
        "mon-fri 09:00-25:00",
        "mon-fri 09:60-17:00",
        "mon 24:00-06:00",
        "funday 09:00-17:00",
        "mon-fri 09:00",
        "mon-fri 09:00-17:00-18:00",
        "mon-fri ０９:00-17:00",
    ] {
        let err = text.parse::<WeeklySchedule>().unwrap_err();
        assert_eq!(err.code, ErrorCode::InvalidArgument, "{text:?}");
    }
}

#[test]
fn business_day_length_is_what_most_days_have() {
    let len = |h: &str| calendar::derived_day_length(&h.parse().unwrap());
    assert_eq!(len("mon-fri 09:00-17:00"), Duration::hours(8));
    assert_eq!(
        len("mon-fri 09:00-17:00, sat 10:00-12:00"),
        Duration::hours(8)
    );
    assert_eq!(
        len("mon-tue 09:00-17:00, wed-fri 09:00-13:00"),
        Duration::hours(4)
    );
    // A tie goes to the longest.
    assert_eq!(len("mon 09:00-17:00, tue 09:00-13:00"), Duration::hours(8));
    // Two intervals on one day add up.
    assert_eq!(
        len("mon-fri 08:00-12:00, mon-fri 13:00-17:30"),
        Duration::minutes(510)
    );
    assert_eq!(len("mon-fri 22:00-06:00"), Duration::hours(8));
}

#[test]
fn bad_calendar_inputs_are_refused() {
    let none: Vec<String> = vec![];
    let code = |r: Result<Calendar, CoreError>| r.unwrap_err().code;
    assert_eq!(
        code(Calendar::parse(
            "Mars/Olympus",
            "mon-fri 09:00-17:00",
            &none,
            None
        )),
        ErrorCode::InvalidArgument
    );
    assert_eq!(
        code(Calendar::parse("UTC", "", &none, None)),
        ErrorCode::InvalidArgument
    );
    assert_eq!(
        code(Calendar::parse(
            "UTC",
            "mon-fri 09:00-17:00",
            &["2026-02-30".into()],
            None
        )),
        ErrorCode::InvalidArgument
    );
    assert_eq!(
        code(Calendar::parse(
            "UTC",
            "mon-fri 09:00-17:00",
            &none,
            Some(0.0)
        )),
        ErrorCode::InvalidArgument
    );
    assert_eq!(
        code(Calendar::parse(
            "UTC",
            "mon-fri 09:00-17:00",
            &none,
            Some(25.0)
        )),
        ErrorCode::InvalidArgument
    );
    assert_eq!(
        code(Calendar::parse(
            "UTC",
            "mon-fri 09:00-17:00",
            &none,
            Some(f64::INFINITY)
        )),
        ErrorCode::InvalidArgument
    );
}

#[test]
fn calendar_serialises_in_its_text_form() {
    let c = Calendar::parse(
        "Asia/Shanghai",
        "mon-fri 09:00-18:00",
        &["2026-10-01".into()],
        None,
    )
    .unwrap();
    let json = serde_json::to_value(&c).unwrap();
    assert_eq!(json["time_zone"], "Asia/Shanghai");
    assert_eq!(json["hours"], "mon-fri 09:00-18:00");
    let back: Calendar = serde_json::from_value(json).unwrap();
    assert_eq!(back, c);
    let bad = serde_json::json!({"time_zone": "Nowhere", "hours": "mon 09:00-10:00"});
    assert!(serde_json::from_value::<Calendar>(bad).is_err());
}

#[test]
fn far_away_instants_are_refused_not_panicking() {
    let c = Calendar::default();
    let far = at("9999-12-31T23:00:00Z");
    assert_eq!(
        due(&c, far, Target::new(2, TargetUnit::BusinessDays))
            .unwrap_err()
            .code,
        ErrorCode::InvalidArgument
    );
    let ancient = at("0001-01-01T00:00:00Z");
    assert!(due(&c, ancient, Target::new(1, TargetUnit::Hours)).is_err());
}

#[test]
fn deadline_status_for_a_business_target() {
    // Base severity 1: 4 business hours from Friday 15:00 → Monday 11:00.
    let c = Calendar::default();
    let d = ResponseDeadline::compute(
        SupportLevel::Base,
        Severity::URGENT,
        &c,
        at("2026-03-06T15:00:00Z"),
    )
    .unwrap();
    assert_eq!(d.due, Some(at("2026-03-09T11:00:00Z")));
    // Saturday noon: 2 of 4 business hours used, though most of the wall-clock time remains.
    let s = d.status_at(&c, at("2026-03-07T12:00:00Z"), None).unwrap();
    assert_eq!(s.fraction_elapsed, 0.5);
    assert_eq!(s.remaining_seconds, Duration::hours(47).num_seconds());
    assert!(!s.breached);
    // Monday 10:00: 3 of 4.
    let s = d.status_at(&c, at("2026-03-09T10:00:00Z"), None).unwrap();
    assert_eq!(s.fraction_elapsed, 0.75);
    assert_eq!(s.remaining_seconds, 3600);
    // At the deadline itself it is not yet breached; a second later it is.
    assert!(
        !d.status_at(&c, at("2026-03-09T11:00:00Z"), None)
            .unwrap()
            .breached
    );
    let late = d.status_at(&c, at("2026-03-09T11:00:01Z"), None).unwrap();
    assert!(late.breached);
    assert!(late.remaining_seconds < 0);
    // Answered in time: the clock stops at the answer, never breached.
    let answered = d
        .status_at(
            &c,
            at("2026-03-10T12:00:00Z"),
            Some(at("2026-03-09T10:00:00Z")),
        )
        .unwrap();
    assert!(!answered.breached && answered.responded);
    assert_eq!(answered.fraction_elapsed, 0.75);
}

#[test]
fn deadline_status_for_an_around_the_clock_target() {
    let c = Calendar::default();
    let d = ResponseDeadline::compute(
        SupportLevel::Premium,
        Severity::URGENT,
        &c,
        at("2026-03-07T03:00:00Z"),
    )
    .unwrap();
    assert_eq!(d.due, Some(at("2026-03-07T03:30:00Z")));
    let s = d.status_at(&c, at("2026-03-07T03:20:00Z"), None).unwrap();
    assert_eq!(s.remaining_seconds, 600);
    assert!((s.fraction_elapsed - 2.0 / 3.0).abs() < 1e-9);
}

#[test]
fn best_effort_is_never_a_breach() {
    let c = Calendar::default();
    let d = ResponseDeadline::compute(
        SupportLevel::Limited,
        Severity::URGENT,
        &c,
        at("2026-03-06T15:00:00Z"),
    )
    .unwrap();
    assert_eq!(d.due, None);
    assert_eq!(
        d.best_effort,
        Some(Target::new(3, TargetUnit::BusinessDays))
    );
    assert!(d.status_at(&c, at("2027-01-01T00:00:00Z"), None).is_none());
}

#[test]
fn severity_change_recomputes_from_creation() {
    // Premium: severity 3 (1 business day) lowered to severity 2 (4 h, 24×7) two hours after
    // creation; a move to severity 1 (30 min) would already be past, i.e. breached at once.
    let c = Calendar::default();
    let created = at("2026-03-09T09:00:00Z");
    let s3 =
        ResponseDeadline::compute(SupportLevel::Premium, Severity::NORMAL, &c, created).unwrap();
    assert_eq!(s3.due, Some(at("2026-03-09T17:00:00Z")));
    let s1 =
        ResponseDeadline::compute(SupportLevel::Premium, Severity::URGENT, &c, created).unwrap();
    assert_eq!(s1.due, Some(at("2026-03-09T09:30:00Z")));
    assert!(
        s1.status_at(&c, at("2026-03-09T11:00:00Z"), None)
            .unwrap()
            .breached
    );
}
