//! The weekly schedule of a business calendar and its text form (SPEC §4).
//!
//! Text form: comma-separated `DAYS HH:MM-HH:MM` entries, `DAYS` being a weekday (`mon`) or a
//! range (`mon-fri`, which may wrap: `fri-mon`). `24:00` is the end of the day. An interval whose
//! end is not after its start runs overnight into the next day. The schedule prints back in the
//! same form, so what a contract stores is what a person reads.

use crate::error::CoreError;
use chrono::Weekday;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;
use std::str::FromStr;

const MINUTES_PER_DAY: u16 = 24 * 60;
const DAY_NAMES: [&str; 7] = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];
const LONG_DAY_NAMES: [&str; 7] = [
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
];

/// One open interval in local wall-clock minutes after midnight of the day it starts on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct DailyInterval {
    /// Opening, 0..1440.
    pub start: u16,
    /// Closing, 0..=1440; not after `start` means the next day.
    pub end: u16,
}

impl DailyInterval {
    /// True when the interval closes on the following day.
    pub fn is_overnight(&self) -> bool {
        self.end <= self.start
    }

    /// Nominal length in minutes (wall clock, ignoring DST).
    pub fn minutes(&self) -> u32 {
        if self.is_overnight() {
            u32::from(MINUTES_PER_DAY - self.start) + u32::from(self.end)
        } else {
            u32::from(self.end - self.start)
        }
    }
}

/// One entry of the text form: a day or range of days with one interval.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ScheduleEntry {
    /// First day of the range.
    pub first: Weekday,
    /// Last day of the range (equal to `first` for a single day).
    pub last: Weekday,
    /// The interval that opens on each of those days.
    pub interval: DailyInterval,
}

impl ScheduleEntry {
    fn days(&self) -> impl Iterator<Item = Weekday> {
        let first = self.first;
        let span = (self.last.num_days_from_monday() + 7 - first.num_days_from_monday()) % 7;
        (0..=span).map(move |i| weekday_from_index((first.num_days_from_monday() + i) % 7))
    }
}

/// The weekly open intervals of a business calendar.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WeeklySchedule {
    entries: Vec<ScheduleEntry>,
    /// Intervals opening on each weekday (Monday first), sorted by opening time.
    by_day: [Vec<DailyInterval>; 7],
}

impl WeeklySchedule {
    /// Builds a schedule from entries; at least one is needed, or there is no open time at all.
    pub fn new(entries: Vec<ScheduleEntry>) -> Result<WeeklySchedule, CoreError> {
        if entries.is_empty() {
            return Err(CoreError::invalid(
                "a business schedule needs at least one open interval, e.g. 'mon-fri 09:00-17:00'",
            ));
        }
        let mut by_day: [Vec<DailyInterval>; 7] = Default::default();
        for entry in &entries {
            for day in entry.days() {
                by_day[day.num_days_from_monday() as usize].push(entry.interval);
            }
        }
        for day in &mut by_day {
            day.sort_by_key(|i| (i.start, i.end));
            day.dedup();
        }
        Ok(WeeklySchedule { entries, by_day })
    }

    /// The entries as written.
    pub fn entries(&self) -> &[ScheduleEntry] {
        &self.entries
    }

    /// The intervals that open on `day`, sorted by opening time.
    pub fn opening_on(&self, day: Weekday) -> &[DailyInterval] {
        &self.by_day[day.num_days_from_monday() as usize]
    }

    /// Nominal open minutes of intervals opening on `day` (overlaps counted once).
    pub fn nominal_minutes(&self, day: Weekday) -> u32 {
        // Unroll into minutes-from-this-midnight spans and merge so overlapping entries
        // are not counted twice.
        let mut spans: Vec<(u32, u32)> = self
            .opening_on(day)
            .iter()
            .map(|i| {
                let s = u32::from(i.start);
                (s, s + i.minutes())
            })
            .collect();
        spans.sort_unstable();
        let mut total = 0;
        let mut current: Option<(u32, u32)> = None;
        for (s, e) in spans {
            match current {
                Some((cs, ce)) if s <= ce => current = Some((cs, ce.max(e))),
                Some((cs, ce)) => {
                    total += ce - cs;
                    current = Some((s, e));
                }
                None => current = Some((s, e)),
            }
        }
        total + current.map_or(0, |(s, e)| e - s)
    }
}

fn weekday_from_index(i: u32) -> Weekday {
    match i {
        0 => Weekday::Mon,
        1 => Weekday::Tue,
        2 => Weekday::Wed,
        3 => Weekday::Thu,
        4 => Weekday::Fri,
        5 => Weekday::Sat,
        _ => Weekday::Sun,
    }
}

fn parse_day(s: &str) -> Result<Weekday, CoreError> {
    let lower = s.trim().to_ascii_lowercase();
    DAY_NAMES
        .iter()
        .position(|d| *d == lower)
        .or_else(|| LONG_DAY_NAMES.iter().position(|d| *d == lower))
        .map(|i| weekday_from_index(i as u32))
        .ok_or_else(|| {
            CoreError::invalid(format!(
                "unknown day '{s}' in business hours; use mon, tue, wed, thu, fri, sat or sun"
            ))
        })
}

fn parse_time(s: &str, is_end: bool) -> Result<u16, CoreError> {
    let bad = || {
        CoreError::invalid(format!(
            "bad time '{s}' in business hours; use HH:MM between 00:00 and 24:00"
        ))
    };
    let (h, m) = s.trim().split_once(':').ok_or_else(bad)?;
    if h.len() != 2 || m.len() != 2 || !h.bytes().chain(m.bytes()).all(|b| b.is_ascii_digit()) {
        return Err(bad());
    }
    let (h, m): (u16, u16) = (h.parse().map_err(|_| bad())?, m.parse().map_err(|_| bad())?);
    if m > 59 || h > 24 || (h == 24 && m != 0) {
        return Err(bad());
    }
    let minutes = h * 60 + m;
    if minutes == MINUTES_PER_DAY && !is_end {
        return Err(CoreError::invalid(format!(
            "'{s}' can only close an interval; an interval cannot open at 24:00"
        )));
    }
    Ok(minutes)
}

fn parse_entry(text: &str) -> Result<ScheduleEntry, CoreError> {
    let text = text.trim();
    let (days, times) = text.split_once(char::is_whitespace).ok_or_else(|| {
        CoreError::invalid(format!(
            "bad business-hours entry '{text}'; expected 'DAYS HH:MM-HH:MM', e.g. 'mon-fri 09:00-17:00'"
        ))
    })?;
    let (first, last) = match days.split_once('-') {
        Some((a, b)) => (parse_day(a)?, parse_day(b)?),
        None => {
            let d = parse_day(days)?;
            (d, d)
        }
    };
    let (start, end) = times.trim().split_once('-').ok_or_else(|| {
        CoreError::invalid(format!(
            "bad interval '{}' in business hours; expected HH:MM-HH:MM",
            times.trim()
        ))
    })?;
    Ok(ScheduleEntry {
        first,
        last,
        interval: DailyInterval {
            start: parse_time(start, false)?,
            end: parse_time(end, true)?,
        },
    })
}

impl FromStr for WeeklySchedule {
    type Err = CoreError;
    fn from_str(s: &str) -> Result<Self, CoreError> {
        let entries = s
            .split(',')
            .filter(|part| !part.trim().is_empty())
            .map(parse_entry)
            .collect::<Result<Vec<_>, _>>()?;
        WeeklySchedule::new(entries)
    }
}

fn write_time(f: &mut fmt::Formatter<'_>, minutes: u16) -> fmt::Result {
    write!(f, "{:02}:{:02}", minutes / 60, minutes % 60)
}

impl fmt::Display for ScheduleEntry {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(DAY_NAMES[self.first.num_days_from_monday() as usize])?;
        if self.last != self.first {
            write!(
                f,
                "-{}",
                DAY_NAMES[self.last.num_days_from_monday() as usize]
            )?;
        }
        f.write_str(" ")?;
        write_time(f, self.interval.start)?;
        f.write_str("-")?;
        write_time(f, self.interval.end)
    }
}

impl fmt::Display for WeeklySchedule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, entry) in self.entries.iter().enumerate() {
            if i > 0 {
                f.write_str(", ")?;
            }
            write!(f, "{entry}")?;
        }
        Ok(())
    }
}

impl Default for WeeklySchedule {
    /// `mon-fri 09:00-17:00`, the default of SPEC §4.
    fn default() -> Self {
        WeeklySchedule::new(vec![ScheduleEntry {
            first: Weekday::Mon,
            last: Weekday::Fri,
            interval: DailyInterval {
                start: 9 * 60,
                end: 17 * 60,
            },
        }])
        .expect("the default schedule has an interval")
    }
}

impl Serialize for WeeklySchedule {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for WeeklySchedule {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}
