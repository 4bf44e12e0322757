//! Deadlines worked out by hand. Each case states the reasoning, so a failure says which rule
//! of SPEC §4 broke. 2026 DST dates: New York springs forward on 8 March (02:00 EST → 03:00
//! EDT) and falls back on 1 November (02:00 EDT → 01:00 EST); Berlin and London change on 29
//! March and 25 October (01:00 UTC); Lord Howe (+10:30/+11) falls back on 5 April and springs
//! forward on 4 October, by 30 minutes.

use casewatch_core::{due, Calendar, Target, TargetUnit};
use chrono::{DateTime, Duration, Utc};

fn cal(tz: &str, hours: &str, holidays: &[&str]) -> Calendar {
    let holidays: Vec<String> = holidays.iter().map(|h| h.to_string()).collect();
    Calendar::parse(tz, hours, &holidays, None).expect("valid calendar")
}

fn at(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
}

fn business_hours(n: u32) -> Target {
    Target::new(n, TargetUnit::BusinessHours)
}

fn business_days(n: u32) -> Target {
    Target::new(n, TargetUnit::BusinessDays)
}

fn assert_due(calendar: &Calendar, created: &str, target: Target, expected: &str) {
    let got = due(calendar, at(created), target).expect("deadline");
    assert_eq!(
        got,
        at(expected),
        "created {created}, target {target}: expected {expected}, got {}",
        got.to_rfc3339()
    );
}

#[test]
fn friday_afternoon_rolls_over_the_weekend() {
    // Fri 15:00–17:00 gives 2 h, Monday 09:00–11:00 the other 2.
    assert_due(
        &cal("UTC", "mon-fri 09:00-17:00", &[]),
        "2026-03-06T15:00:00Z",
        business_hours(4),
        "2026-03-09T11:00:00Z",
    );
}

#[test]
fn holiday_monday_is_skipped() {
    assert_due(
        &cal("UTC", "mon-fri 09:00-17:00", &["2026-03-09"]),
        "2026-03-06T15:00:00Z",
        business_hours(4),
        "2026-03-10T11:00:00Z",
    );
}

#[test]
fn consecutive_holidays_and_weekend() {
    // Thu and Fri off, then the weekend: counting starts Monday 09:00.
    assert_due(
        &cal("UTC", "mon-fri 09:00-17:00", &["2026-03-05", "2026-03-06"]),
        "2026-03-04T16:00:00Z",
        business_days(1),
        "2026-03-09T16:00:00Z",
    );
}

#[test]
fn counting_starts_at_the_next_opening() {
    let c = cal("UTC", "mon-fri 09:00-17:00", &[]);
    assert_due(
        &c,
        "2026-03-09T06:00:00Z",
        business_hours(4),
        "2026-03-09T13:00:00Z",
    );
    assert_due(
        &c,
        "2026-03-07T12:00:00Z",
        business_hours(4),
        "2026-03-09T13:00:00Z",
    );
    assert_due(
        &c,
        "2026-03-09T17:00:00Z",
        business_hours(1),
        "2026-03-10T10:00:00Z",
    );
}

#[test]
fn a_target_that_ends_exactly_at_closing_time_is_due_at_closing() {
    let c = cal("UTC", "mon-fri 09:00-17:00", &[]);
    assert_due(
        &c,
        "2026-03-09T09:00:00Z",
        business_days(1),
        "2026-03-09T17:00:00Z",
    );
    assert_due(
        &c,
        "2026-03-09T13:00:00Z",
        business_hours(4),
        "2026-03-09T17:00:00Z",
    );
    // Friday closing, not Monday's opening.
    assert_due(
        &c,
        "2026-03-06T13:00:00Z",
        business_hours(4),
        "2026-03-06T17:00:00Z",
    );
}

#[test]
fn two_business_days_are_sixteen_business_hours() {
    // Wed 10–17 (7 h) + Thu 9–17 (8 h) + Fri 9–10 (1 h).
    assert_due(
        &cal("UTC", "mon-fri 09:00-17:00", &[]),
        "2026-03-04T10:00:00Z",
        business_days(2),
        "2026-03-06T10:00:00Z",
    );
}

#[test]
fn seconds_are_exact() {
    assert_due(
        &cal("UTC", "mon-fri 09:00-17:00", &[]),
        "2026-03-09T16:59:59Z",
        business_hours(1),
        "2026-03-10T09:59:59Z",
    );
}

#[test]
fn overnight_interval_runs_into_the_next_day() {
    // mon-fri 22:00-06:00: Monday 22:00 opens until Tuesday 06:00.
    let c = cal("UTC", "mon-fri 22:00-06:00", &[]);
    assert_eq!(c.day_length(), Duration::hours(8));
    assert_due(
        &c,
        "2026-03-09T21:00:00Z",
        business_hours(4),
        "2026-03-10T02:00:00Z",
    );
    // Sunday evening is closed: nothing opens before Monday 22:00.
    assert_due(
        &c,
        "2026-03-08T23:00:00Z",
        business_hours(1),
        "2026-03-09T23:00:00Z",
    );
}

#[test]
fn saturday_morning_inside_fridays_overnight_interval() {
    // Friday 22:00 → Saturday 06:00 is open. From Saturday 03:00: 3 h that morning, then the
    // next opening is Monday 22:00, so the 4th hour ends Monday 23:00.
    let c = cal("UTC", "mon-fri 22:00-06:00", &[]);
    assert_due(
        &c,
        "2026-03-07T03:00:00Z",
        business_hours(4),
        "2026-03-09T23:00:00Z",
    );
    // A holiday on Saturday does not close Friday's interval (holidays stop intervals from
    // *starting*)...
    let sat_holiday = cal("UTC", "mon-fri 22:00-06:00", &["2026-03-07"]);
    assert_due(
        &sat_holiday,
        "2026-03-07T03:00:00Z",
        business_hours(4),
        "2026-03-09T23:00:00Z",
    );
    // ...but a holiday on Friday does: Saturday morning is closed, Monday 22:00 + 4 h.
    let fri_holiday = cal("UTC", "mon-fri 22:00-06:00", &["2026-03-06"]);
    assert_due(
        &fri_holiday,
        "2026-03-07T03:00:00Z",
        business_hours(4),
        "2026-03-10T02:00:00Z",
    );
}

#[test]
fn end_of_day_is_written_24_00() {
    // Monday 20:00–24:00 (4 h), then Tuesday 16:00–20:00.
    let c = cal("UTC", "mon-fri 16:00-24:00", &[]);
    assert_due(
        &c,
        "2026-03-09T20:00:00Z",
        business_days(1),
        "2026-03-10T20:00:00Z",
    );
    assert_due(
        &c,
        "2026-03-09T20:00:00Z",
        business_hours(4),
        "2026-03-10T00:00:00Z",
    );
}

#[test]
fn adjacent_and_overlapping_entries_count_once() {
    // 09:00-13:00 and 12:00-17:00 overlap: Monday is still 8 h, not 9.
    let c = cal("UTC", "mon 09:00-13:00, mon 12:00-17:00", &[]);
    assert_due(
        &c,
        "2026-03-09T09:00:00Z",
        business_hours(8),
        "2026-03-09T17:00:00Z",
    );
    assert_due(
        &c,
        "2026-03-09T09:00:00Z",
        business_hours(9),
        "2026-03-16T10:00:00Z",
    );
}

#[test]
fn explicit_day_length_overrides_the_schedule() {
    let holidays: Vec<String> = vec![];
    let c = Calendar::parse("UTC", "mon-fri 09:00-17:00", &holidays, Some(7.5)).unwrap();
    assert_due(
        &c,
        "2026-03-09T09:00:00Z",
        business_days(1),
        "2026-03-09T16:30:00Z",
    );
    assert_due(
        &c,
        "2026-03-09T09:00:00Z",
        business_days(2),
        "2026-03-10T16:00:00Z",
    );
}

// --- 24×7 targets across DST: elapsed time, never wall-clock time -------------------------

#[test]
fn around_the_clock_new_york_spring_forward() {
    let c = cal("America/New_York", "mon-fri 09:00-17:00", &[]);
    // 01:45 EST + 30 min = 02:15 EST, which the clocks show as 03:15 EDT.
    assert_due(
        &c,
        "2026-03-08T06:45:00Z",
        Target::new(30, TargetUnit::Minutes),
        "2026-03-08T07:15:00Z",
    );
    // Midnight EST + 4 h = 04:00 EST = 05:00 EDT on the wall.
    assert_due(
        &c,
        "2026-03-08T05:00:00Z",
        Target::new(4, TargetUnit::Hours),
        "2026-03-08T09:00:00Z",
    );
}

#[test]
fn around_the_clock_new_york_fall_back() {
    // 00:30 EDT + 4 h = 03:30 EST (wall clock moved only 3 h).
    let c = cal("America/New_York", "mon-fri 09:00-17:00", &[]);
    assert_due(
        &c,
        "2026-11-01T04:30:00Z",
        Target::new(4, TargetUnit::Hours),
        "2026-11-01T08:30:00Z",
    );
}

#[test]
fn around_the_clock_berlin_and_london() {
    let berlin = cal("Europe/Berlin", "mon-fri 09:00-17:00", &[]);
    // 01:30 CET + 1 h = 03:30 CEST.
    assert_due(
        &berlin,
        "2026-03-29T00:30:00Z",
        Target::new(1, TargetUnit::Hours),
        "2026-03-29T01:30:00Z",
    );
    assert_due(
        &berlin,
        "2026-10-25T00:30:00Z",
        Target::new(1, TargetUnit::Hours),
        "2026-10-25T01:30:00Z",
    );
    let london = cal("Europe/London", "mon-fri 09:00-17:00", &[]);
    // 01:30 BST (first pass) + 4 h = 04:30 GMT.
    assert_due(
        &london,
        "2026-10-25T00:30:00Z",
        Target::new(4, TargetUnit::Hours),
        "2026-10-25T04:30:00Z",
    );
    assert_due(
        &london,
        "2026-03-29T00:30:00Z",
        Target::new(4, TargetUnit::Hours),
        "2026-03-29T04:30:00Z",
    );
}

// --- business targets across DST: open time is real elapsed time ----------------------------

#[test]
fn business_hours_across_new_york_spring_forward() {
    // Sunday 01:00 EST (06:00Z) to 05:00 EDT (09:00Z) is 3 real hours on 8 March; the 4th hour
    // comes the next Sunday, 01:00 EDT (05:00Z) → 06:00Z.
    let c = cal("America/New_York", "sun 01:00-05:00", &[]);
    assert_due(
        &c,
        "2026-03-08T06:00:00Z",
        business_hours(4),
        "2026-03-15T06:00:00Z",
    );
    assert_due(
        &c,
        "2026-03-08T06:00:00Z",
        business_hours(3),
        "2026-03-08T09:00:00Z",
    );
}

#[test]
fn business_hours_across_new_york_fall_back() {
    // 1 November: 01:00 is in the fold and takes the earlier instant (01:00 EDT = 05:00Z);
    // 05:00 EST = 10:00Z: five real hours of open time. 4 h from opening: 09:00Z = 04:00 EST.
    let c = cal("America/New_York", "sun 01:00-05:00", &[]);
    assert_due(
        &c,
        "2026-11-01T05:00:00Z",
        business_hours(4),
        "2026-11-01T09:00:00Z",
    );
}

#[test]
fn interval_bound_inside_the_spring_forward_gap() {
    // 02:30 does not exist on 8 March in New York; read with the offset before the gap (EST),
    // it is 07:30Z (03:30 EDT). The interval closes at 04:00 EDT = 08:00Z: 30 minutes open.
    // The next Sunday 02:30 EDT = 06:30Z gives the remaining 30 minutes.
    let c = cal("America/New_York", "sun 02:30-04:00", &[]);
    assert_due(
        &c,
        "2026-03-08T07:00:00Z",
        business_hours(1),
        "2026-03-15T07:00:00Z",
    );
}

#[test]
fn interval_bound_inside_the_fall_back_fold() {
    // 01:30 occurs twice on 1 November; the earlier is 01:30 EDT = 05:30Z. Closing 03:00 EST
    // = 08:00Z: 2.5 real hours open. 2 h from 05:00Z end at 07:30Z.
    let c = cal("America/New_York", "sun 01:30-03:00", &[]);
    assert_due(
        &c,
        "2026-11-01T05:00:00Z",
        business_hours(2),
        "2026-11-01T07:30:00Z",
    );
}

#[test]
fn business_day_across_berlin_spring_forward() {
    // Around the clock every day; Sunday 29 March has only 23 real hours, so one 24-hour
    // business day from Sunday 00:00 CET (Sat 23:00Z) ends Monday 01:00 CEST (Sun 23:00Z).
    let c = cal("Europe/Berlin", "mon-sun 00:00-24:00", &[]);
    assert_eq!(c.day_length(), Duration::hours(24));
    assert_due(
        &c,
        "2026-03-28T23:00:00Z",
        business_days(1),
        "2026-03-29T23:00:00Z",
    );
}

#[test]
fn business_hours_across_london_fall_back() {
    // Sunday 25 October 00:00 BST (Sat 23:00Z) to 06:00 GMT (06:00Z) is 7 real hours. 4 h end
    // at 03:00Z, which the clocks show as 03:00 GMT, not 04:00.
    let c = cal("Europe/London", "sun 00:00-06:00", &[]);
    assert_due(
        &c,
        "2026-10-24T23:00:00Z",
        business_hours(4),
        "2026-10-25T03:00:00Z",
    );
}

#[test]
fn business_days_in_berlin_across_a_dst_weekend() {
    // Friday 27 March 16:00 CET (15:00Z) with 1 business day: 1 h Friday, 7 h Monday from
    // 09:00 CEST (07:00Z) → 16:00 CEST = 14:00Z.
    let c = cal("Europe/Berlin", "mon-fri 09:00-17:00", &[]);
    assert_due(
        &c,
        "2026-03-27T15:00:00Z",
        business_days(1),
        "2026-03-30T14:00:00Z",
    );
}

#[test]
fn zone_without_dst_shanghai() {
    // 08:00 in Shanghai (00:00Z) waits for 09:00 (01:00Z); 4 h later is 13:00 = 05:00Z.
    let c = cal("Asia/Shanghai", "mon-fri 09:00-17:00", &[]);
    assert_due(
        &c,
        "2026-03-09T00:00:00Z",
        business_hours(4),
        "2026-03-09T05:00:00Z",
    );
    // Friday 16:00 Shanghai + 1 business day → Monday 16:00 Shanghai (08:00Z).
    assert_due(
        &c,
        "2026-03-13T08:00:00Z",
        business_days(1),
        "2026-03-16T08:00:00Z",
    );
}

#[test]
fn half_hour_dst_lord_howe() {
    // 4 October: 02:00 LHST (+10:30) jumps to 02:30 LHDT (+11). Sunday 01:00–04:00 local is
    // 14:30Z–17:00Z: 2.5 real hours. The last 30 minutes come the next Sunday from 01:00 LHDT
    // (14:00Z).
    let c = cal("Australia/Lord_Howe", "sun 01:00-04:00", &[]);
    assert_due(
        &c,
        "2026-10-03T14:30:00Z",
        business_hours(3),
        "2026-10-10T14:30:00Z",
    );
    // 5 April: 02:00 LHDT falls back to 01:30 LHST; 01:00 LHDT (4 Apr 14:00Z) to 04:00 LHST
    // (17:30Z) is 3.5 real hours. The last half hour of a 4-hour target comes on 12 April,
    // now on standard time: 01:00 LHST = 11 Apr 14:30Z, so it ends at 15:00Z.
    assert_due(
        &c,
        "2026-04-04T14:00:00Z",
        business_hours(3),
        "2026-04-04T17:00:00Z",
    );
    assert_due(
        &c,
        "2026-04-04T14:00:00Z",
        business_hours(4),
        "2026-04-11T15:00:00Z",
    );
}

#[test]
fn lord_howe_bound_inside_the_half_hour_gap() {
    // 02:15 does not exist on 4 October; with the +10:30 offset in force before the gap it is
    // 15:45Z. Closing 03:00 LHDT = 16:00Z: 15 minutes open.
    let c = cal("Australia/Lord_Howe", "sun 02:15-03:00", &[]);
    assert_due(
        &c,
        "2026-10-03T15:00:00Z",
        Target::new(15, TargetUnit::Minutes),
        "2026-10-03T15:15:00Z",
    );
    let minutes = casewatch_core::business_time_between(
        &c,
        at("2026-10-03T15:00:00Z"),
        at("2026-10-03T17:00:00Z"),
    )
    .unwrap();
    assert_eq!(minutes, Duration::minutes(15));
}
