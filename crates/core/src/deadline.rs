//! Deadline arithmetic over business calendars (SPEC §4).
//!
//! Business time is the union of the calendar's open intervals, each resolved from local
//! wall-clock time to real instants. Counting then happens on real elapsed time, which is what
//! makes a 4-hour target across a DST fold or gap still 4 real hours.
//!
//! Open intervals are generated for a window of local dates, sorted and merged, and only the
//! part of the window that no later date can still touch is trusted; when the deadline lies
//! beyond it the window doubles. That keeps the code free of special cases for overnight
//! intervals, overlapping entries and the odd orders DST can put interval bounds in.

use crate::calendar::Calendar;
use crate::error::CoreError;
use crate::target::Target;
use chrono::offset::LocalResult;
use chrono::{
    DateTime, Datelike, Duration, NaiveDate, NaiveDateTime, NaiveTime, Offset, TimeZone, Utc,
};
use chrono_tz::Tz;

/// Earliest and latest years the arithmetic accepts, far from chrono's limits so that date
/// arithmetic can never overflow.
const FIRST_YEAR: i32 = 1900;
const LAST_YEAR: i32 = 9000;

/// Days of local dates generated on the first try; most targets fit in a week or two.
const FIRST_WINDOW_DAYS: i64 = 10;

/// An open interval as real instants, `[start, end)`.
pub type Span = (DateTime<Utc>, DateTime<Utc>);

fn check_range(instant: DateTime<Utc>) -> Result<(), CoreError> {
    if (FIRST_YEAR..=LAST_YEAR).contains(&instant.year()) {
        Ok(())
    } else {
        Err(CoreError::invalid(format!(
            "{} is outside the supported years {FIRST_YEAR}–{LAST_YEAR}",
            instant.to_rfc3339()
        )))
    }
}

/// Resolves a local wall-clock time to an instant with the rules of SPEC §4: a time in a
/// spring-forward gap keeps the offset in force before the gap (so it moves forward by the
/// gap's length, as RFC 5545 does); a time in a fall-back fold takes the earlier instant.
pub fn resolve_local(tz: Tz, local: NaiveDateTime) -> DateTime<Utc> {
    match tz.from_local_datetime(&local) {
        LocalResult::Single(t) => t.with_timezone(&Utc),
        LocalResult::Ambiguous(a, b) => a.with_timezone(&Utc).min(b.with_timezone(&Utc)),
        LocalResult::None => {
            // Offsets never exceed ±26 h and transitions are months apart, so the offset at
            // "local read as UTC" minus 30 h is the one in force just before the gap.
            let probe = local - Duration::hours(30);
            let before = tz.offset_from_utc_datetime(&probe).fix().local_minus_utc();
            Utc.from_utc_datetime(&(local - Duration::seconds(i64::from(before))))
        }
    }
}

fn local_at(date: NaiveDate, minutes: u16) -> NaiveDateTime {
    if minutes >= 24 * 60 {
        (date + Duration::days(1)).and_time(NaiveTime::MIN)
    } else {
        let time = NaiveTime::from_hms_opt(u32::from(minutes / 60), u32::from(minutes % 60), 0)
            .unwrap_or(NaiveTime::MIN);
        date.and_time(time)
    }
}

/// The merged open spans of intervals that *start* on local dates `from..to`, in order.
pub fn open_spans(calendar: &Calendar, from: NaiveDate, to: NaiveDate) -> Vec<Span> {
    let tz = calendar.tz();
    let mut spans = Vec::new();
    let mut date = from;
    while date < to {
        if !calendar.is_holiday(date) {
            for interval in calendar.schedule().opening_on(date.weekday()) {
                let start = resolve_local(tz, local_at(date, interval.start));
                let end_date = if interval.is_overnight() {
                    date + Duration::days(1)
                } else {
                    date
                };
                let end = resolve_local(tz, local_at(end_date, interval.end));
                // A bound inside a DST gap can move past the other bound: nothing is open then.
                if end > start {
                    spans.push((start, end));
                }
            }
        }
        date += Duration::days(1);
    }
    spans.sort_unstable();
    let mut merged: Vec<Span> = Vec::with_capacity(spans.len());
    for (start, end) in spans {
        match merged.last_mut() {
            Some(last) if start <= last.1 => last.1 = last.1.max(end),
            _ => merged.push((start, end)),
        }
    }
    merged
}

/// First local date whose intervals could reach `instant`: overnight intervals end at most two
/// days after their opening date, and no offset is over a day.
fn first_relevant_date(calendar: &Calendar, instant: DateTime<Utc>) -> NaiveDate {
    instant.with_timezone(&calendar.tz()).date_naive() - Duration::days(3)
}

/// The instant before which spans generated for dates `..to` are complete: intervals of later
/// dates start no earlier than `to` read as UTC minus a day (offsets stay within ±26 h).
fn trusted_until(to: NaiveDate) -> DateTime<Utc> {
    Utc.from_utc_datetime(&to.and_time(NaiveTime::MIN)) - Duration::hours(26)
}

/// The instant at which `amount` of business time has accumulated from `start`: counting from
/// `start` if open, else from the next opening. A deadline that lands exactly on a closing time
/// is that closing time.
pub fn add_business_time(
    calendar: &Calendar,
    start: DateTime<Utc>,
    amount: Duration,
) -> Result<DateTime<Utc>, CoreError> {
    check_range(start)?;
    if amount <= Duration::zero() {
        return Ok(start);
    }
    let from = first_relevant_date(calendar, start);
    let local_start = start.with_timezone(&calendar.tz()).date_naive();
    let mut window = FIRST_WINDOW_DAYS + amount.num_days() * 7;
    loop {
        let to = local_start + Duration::days(window);
        let horizon = trusted_until(to);
        if horizon.year() > LAST_YEAR {
            return Err(CoreError::invalid(
                "the deadline falls after the supported years; check the holidays",
            ));
        }
        let mut left = amount;
        for (span_start, span_end) in open_spans(calendar, from, to) {
            let span_start = span_start.max(start);
            if span_end <= span_start {
                continue;
            }
            if span_start >= horizon {
                break;
            }
            let open = span_end - span_start;
            if open >= left {
                let due = span_start + left;
                if due <= horizon {
                    return Ok(due);
                }
                break;
            }
            left -= open;
        }
        // Holidays can swallow any finite window; the set is finite, so doubling ends.
        window *= 2;
    }
}

/// Business time inside `[from, to)`; zero when `to` is not after `from`.
pub fn business_time_between(
    calendar: &Calendar,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> Result<Duration, CoreError> {
    check_range(from)?;
    check_range(to)?;
    if to <= from {
        return Ok(Duration::zero());
    }
    let first = first_relevant_date(calendar, from);
    let last = to.with_timezone(&calendar.tz()).date_naive() + Duration::days(2);
    Ok(open_spans(calendar, first, last)
        .into_iter()
        .map(|(s, e)| (s.max(from), e.min(to)))
        .filter(|(s, e)| e > s)
        .map(|(s, e)| e - s)
        .fold(Duration::zero(), |acc, d| acc + d))
}

/// When a target falls due for a case created at `created`.
pub fn due(
    calendar: &Calendar,
    created: DateTime<Utc>,
    target: Target,
) -> Result<DateTime<Utc>, CoreError> {
    check_range(created)?;
    match target.elapsed_duration() {
        Some(elapsed) => Ok(created + elapsed),
        None => {
            let needed = target
                .business_duration(calendar.day_length())
                .unwrap_or_else(Duration::zero);
            add_business_time(calendar, created, needed)
        }
    }
}
