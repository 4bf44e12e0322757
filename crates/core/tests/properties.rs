//! Property tests over random calendars, zones and creation instants.

use casewatch_core::schedule::{DailyInterval, ScheduleEntry};
use casewatch_core::*;
use chrono::{DateTime, Duration, NaiveDate, TimeZone, Utc, Weekday};
use proptest::prelude::*;

const ZONES: &[&str] = &[
    "UTC",
    "America/New_York",
    "Europe/Berlin",
    "Europe/London",
    "Asia/Shanghai",
    "Australia/Lord_Howe",
    "Asia/Kathmandu",
    "America/Sao_Paulo",
    "Pacific/Chatham",
    "America/St_Johns",
];

const DAYS: [Weekday; 7] = [
    Weekday::Mon,
    Weekday::Tue,
    Weekday::Wed,
    Weekday::Thu,
    Weekday::Fri,
    Weekday::Sat,
    Weekday::Sun,
];

fn entry() -> impl Strategy<Value = ScheduleEntry> {
    (0usize..7, 0usize..7, 0u16..1440, 1u16..=1440).prop_map(|(a, b, start, end)| ScheduleEntry {
        first: DAYS[a],
        last: DAYS[b],
        interval: DailyInterval { start, end },
    })
}

fn calendar() -> impl Strategy<Value = Calendar> {
    (
        prop::sample::select(ZONES),
        prop::collection::vec(entry(), 1..4),
        prop::collection::vec(0i64..60, 0..6),
        prop::option::of(1i64..=24 * 3600),
    )
        .prop_map(|(zone, entries, holiday_offsets, day_length)| {
            let base = NaiveDate::from_ymd_opt(2026, 1, 1).unwrap();
            Calendar::new(
                zone.parse().unwrap(),
                WeeklySchedule::new(entries).unwrap(),
                holiday_offsets
                    .into_iter()
                    .map(|d| base + Duration::days(d)),
                day_length.map(Duration::seconds),
            )
            .unwrap()
        })
}

fn instant() -> impl Strategy<Value = DateTime<Utc>> {
    // 2025-10-01 .. 2026-12-31, second resolution: crosses DST changes on both hemispheres.
    (1_759_276_800i64..1_798_675_200).prop_map(|s| Utc.timestamp_opt(s, 0).unwrap())
}

fn business_target() -> impl Strategy<Value = Target> {
    prop_oneof![
        (1u32..=40).prop_map(|n| Target::new(n, TargetUnit::BusinessHours)),
        (1u32..=3).prop_map(|n| Target::new(n, TargetUnit::BusinessDays)),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    #[test]
    fn business_time_between_created_and_due_is_the_target(
        cal in calendar(), created in instant(), target in business_target()
    ) {
        let due = due(&cal, created, target).unwrap();
        let needed = target.business_duration(cal.day_length()).unwrap();
        prop_assert_eq!(business_time_between(&cal, created, due).unwrap(), needed);
        // And not a second earlier would do.
        prop_assert!(business_time_between(&cal, created, due - Duration::seconds(1)).unwrap() < needed);
    }

    #[test]
    fn due_never_decreases_when_created_increases(
        cal in calendar(), created in instant(), later_by in 0i64..(9 * 24 * 3600), target in business_target()
    ) {
        let a = due(&cal, created, target).unwrap();
        let b = due(&cal, created + Duration::seconds(later_by), target).unwrap();
        prop_assert!(b >= a, "created +{later_by}s moved due from {a} back to {b}");
    }

    #[test]
    fn around_the_clock_due_minus_created_is_the_target(
        cal in calendar(), created in instant(), amount in 1u32..600, minutes in any::<bool>()
    ) {
        let target = Target::new(amount, if minutes { TargetUnit::Minutes } else { TargetUnit::Hours });
        let due = due(&cal, created, target).unwrap();
        prop_assert_eq!(due - created, target.elapsed_duration().unwrap());
    }

    #[test]
    fn schedule_text_round_trips(entries in prop::collection::vec(entry(), 1..5)) {
        let schedule = WeeklySchedule::new(entries).unwrap();
        let text = schedule.to_string();
        prop_assert_eq!(text.parse::<WeeklySchedule>().unwrap(), schedule);
    }

    #[test]
    fn arbitrary_schedule_text_never_panics(text in "\\PC{0,40}") {
        let _ = text.parse::<WeeklySchedule>();
    }
}

#[test]
fn holidays_covering_months_still_terminate() {
    // Every date for two years is a holiday: the deadline lands after them.
    let base = NaiveDate::from_ymd_opt(2026, 1, 1).unwrap();
    let cal = Calendar::new(
        chrono_tz::Tz::UTC,
        "mon-fri 09:00-17:00".parse().unwrap(),
        (0..730).map(|d| base + Duration::days(d)),
        None,
    )
    .unwrap();
    let due = due(
        &cal,
        Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap(),
        Target::new(1, TargetUnit::BusinessHours),
    )
    .unwrap();
    assert_eq!(due, Utc.with_ymd_and_hms(2028, 1, 3, 10, 0, 0).unwrap());
}
