//! Business calendars: a zone, a weekly schedule, holidays and a business-day length (SPEC §4).

use crate::error::CoreError;
use crate::schedule::WeeklySchedule;
use chrono::{Datelike, Duration, NaiveDate, Weekday};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;

/// The longest business day a contract may declare.
const MAX_DAY_LENGTH_SECONDS: i64 = 24 * 3600;

/// A contract's business calendar. Built only through [`Calendar::new`], which rejects a
/// calendar without open time, so every deadline computed on one exists.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "CalendarSpec", into = "CalendarSpec")]
pub struct Calendar {
    tz: Tz,
    schedule: WeeklySchedule,
    holidays: BTreeSet<NaiveDate>,
    day_length: Duration,
    explicit_day_length: bool,
}

/// The serialised form of a calendar, validated on the way in.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct CalendarSpec {
    /// IANA zone name.
    pub time_zone: String,
    /// Schedule in text form.
    pub hours: String,
    /// Local dates on which no interval starts.
    #[serde(default)]
    pub holidays: Vec<NaiveDate>,
    /// Explicit business-day length in seconds; derived from the schedule when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub day_length_seconds: Option<i64>,
}

impl Calendar {
    /// Builds a calendar; `day_length` overrides the length derived from the schedule.
    pub fn new(
        tz: Tz,
        schedule: WeeklySchedule,
        holidays: impl IntoIterator<Item = NaiveDate>,
        day_length: Option<Duration>,
    ) -> Result<Calendar, CoreError> {
        let explicit_day_length = day_length.is_some();
        let day_length = match day_length {
            Some(d) if d <= Duration::zero() || d.num_seconds() > MAX_DAY_LENGTH_SECONDS => {
                return Err(CoreError::invalid(
                    "the business-day length must be more than 0 and at most 24 hours",
                ))
            }
            Some(d) => d,
            None => derived_day_length(&schedule),
        };
        Ok(Calendar {
            tz,
            schedule,
            holidays: holidays.into_iter().collect(),
            day_length,
            explicit_day_length,
        })
    }

    /// Parses the text forms the CLI and contracts use: zone name, schedule, `YYYY-MM-DD`
    /// holidays and a day length in (possibly fractional) hours.
    pub fn parse(
        tz: &str,
        hours: &str,
        holidays: &[String],
        day_length_hours: Option<f64>,
    ) -> Result<Calendar, CoreError> {
        let tz = parse_zone(tz)?;
        let schedule: WeeklySchedule = hours.parse()?;
        let holidays = holidays
            .iter()
            .map(|h| parse_date(h))
            .collect::<Result<Vec<_>, _>>()?;
        let day_length = day_length_hours
            .map(|h| {
                if !h.is_finite() || h <= 0.0 || h > 24.0 {
                    Err(CoreError::invalid(format!(
                        "the business-day length must be more than 0 and at most 24 hours, not {h}"
                    )))
                } else {
                    Ok(Duration::seconds((h * 3600.0).round() as i64))
                }
            })
            .transpose()?;
        Calendar::new(tz, schedule, holidays, day_length)
    }

    /// The contract's time zone.
    pub fn tz(&self) -> Tz {
        self.tz
    }

    /// The weekly schedule.
    pub fn schedule(&self) -> &WeeklySchedule {
        &self.schedule
    }

    /// Local dates on which no interval starts.
    pub fn holidays(&self) -> &BTreeSet<NaiveDate> {
        &self.holidays
    }

    /// True when no interval starts on `date`.
    pub fn is_holiday(&self, date: NaiveDate) -> bool {
        self.holidays.contains(&date)
    }

    /// The business time one business day stands for.
    pub fn day_length(&self) -> Duration {
        self.day_length
    }
}

impl Default for Calendar {
    /// UTC, `mon-fri 09:00-17:00`, no holidays, 8-hour days.
    fn default() -> Self {
        let schedule = WeeklySchedule::default();
        let day_length = derived_day_length(&schedule);
        Calendar {
            tz: Tz::UTC,
            schedule,
            holidays: BTreeSet::new(),
            day_length,
            explicit_day_length: false,
        }
    }
}

/// The open duration most weekdays of the schedule have; ties go to the longest (SPEC §4).
pub fn derived_day_length(schedule: &WeeklySchedule) -> Duration {
    let mut counts: Vec<(u32, usize)> = Vec::new();
    for day in [
        Weekday::Mon,
        Weekday::Tue,
        Weekday::Wed,
        Weekday::Thu,
        Weekday::Fri,
        Weekday::Sat,
        Weekday::Sun,
    ] {
        let minutes = schedule.nominal_minutes(day);
        if minutes == 0 {
            continue;
        }
        match counts.iter_mut().find(|(m, _)| *m == minutes) {
            Some((_, n)) => *n += 1,
            None => counts.push((minutes, 1)),
        }
    }
    let minutes = counts
        .into_iter()
        .max_by_key(|&(minutes, n)| (n, minutes))
        .map_or(0, |(minutes, _)| minutes);
    Duration::minutes(i64::from(minutes))
}

/// Parses an IANA zone name with an `invalid_argument` error that names the input.
pub fn parse_zone(name: &str) -> Result<Tz, CoreError> {
    name.trim().parse::<Tz>().map_err(|_| {
        CoreError::invalid(format!(
            "unknown time zone '{name}'; use an IANA name such as Asia/Shanghai or America/New_York"
        ))
    })
}

/// Parses a `YYYY-MM-DD` date.
pub fn parse_date(text: &str) -> Result<NaiveDate, CoreError> {
    NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d")
        .ok()
        .filter(|d| d.year() >= 1900)
        .ok_or_else(|| CoreError::invalid(format!("bad date '{text}'; use YYYY-MM-DD")))
}

impl TryFrom<CalendarSpec> for Calendar {
    type Error = CoreError;
    fn try_from(spec: CalendarSpec) -> Result<Self, CoreError> {
        Calendar::new(
            parse_zone(&spec.time_zone)?,
            spec.hours.parse()?,
            spec.holidays,
            spec.day_length_seconds.map(Duration::seconds),
        )
    }
}

impl From<Calendar> for CalendarSpec {
    fn from(c: Calendar) -> Self {
        CalendarSpec {
            time_zone: c.tz.name().to_string(),
            hours: c.schedule.to_string(),
            holidays: c.holidays.into_iter().collect(),
            day_length_seconds: c.explicit_day_length.then(|| c.day_length.num_seconds()),
        }
    }
}
