//! The deadline watcher: tells the customer before the vendor's first-response deadline
//! passes, and when an engineer answers.
//!
//! Alerts are computed from the cached open cases with `casewatch-core` (the same deadline the
//! server and the countdown bars use), at configurable lead times before each initial-response
//! deadline (by default 60 minutes, 15 minutes, and at the deadline). The clock is injected
//! ([`Clock`]) so every rule is tested in virtual time. Every decision is written to the alert
//! ledger in the cache, in the same transaction that produces the events, which gives:
//!
//! - each alert fires exactly once per case, lead time and deadline, across restarts;
//! - a case first seen inside a lead time (signing in four minutes before its deadline) gives
//!   one alert, for the most urgent lead time reached; the less urgent ones are superseded, and
//!   a case first seen after its deadline gives none (no burst of stale alerts after the first
//!   sync);
//! - after a restart (or a suspended laptop) with several missed alerts, only the most urgent
//!   one fires, marked `catch_up`; the others are recorded as superseded;
//! - when several cases missed a reminder in the same pass, their catch-up alerts become one
//!   [`AlertEvent::Missed`] ("2 cases passed a reminder while Casewatch was not running");
//! - nothing fires once the first public reply came (the clock stopped).
//!
//! A new engineer comment in the cache produces a `reply` event, once; comments already there
//! (or older) when their case was first seen do not.

use crate::cache::{from_millis, to_millis, Cache};
use crate::error::Result;
use casewatch_api::{Case, Me, Role};
use casewatch_core::{Calendar, ResponseDeadline, SupportLevel};
use chrono::{DateTime, Duration, Utc};
use rusqlite::{params, OptionalExtension};
use serde::Serialize;
use std::collections::HashSet;
use std::sync::{Arc, Mutex};

/// Where the watcher gets the time from.
pub trait Clock: Send + Sync {
    /// The current instant.
    fn now(&self) -> DateTime<Utc>;
}

/// The system clock.
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> DateTime<Utc> {
        Utc::now()
    }
}

/// A clock that only moves when told to (tests).
#[derive(Debug)]
pub struct TestClock(Mutex<DateTime<Utc>>);

impl TestClock {
    /// A clock stopped at `now`.
    pub fn new(now: DateTime<Utc>) -> TestClock {
        TestClock(Mutex::new(now))
    }

    /// Moves the clock to `t`.
    pub fn set(&self, t: DateTime<Utc>) {
        *self.0.lock().unwrap_or_else(|e| e.into_inner()) = t;
    }

    /// Moves the clock forward by `d`.
    pub fn advance(&self, d: Duration) {
        let mut now = self.0.lock().unwrap_or_else(|e| e.into_inner());
        *now += d;
    }
}

impl Clock for TestClock {
    fn now(&self) -> DateTime<Utc> {
        *self.0.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// Something the user should be told.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "event", rename_all = "kebab-case")]
pub enum AlertEvent {
    /// The initial-response deadline of a case is `lead_seconds` away (0: it is now).
    Deadline {
        /// The case.
        case_number: i64,
        /// Its subject.
        subject: String,
        /// Its severity, 1–4.
        severity: u8,
        /// When the first response is due.
        due_at: DateTime<Utc>,
        /// The lead time this alert is for, in seconds before `due_at`.
        lead_seconds: i64,
        /// Seconds left until the deadline when the alert fired (negative once past).
        remaining_seconds: i64,
        /// When the alert was emitted.
        at: DateTime<Utc>,
        /// True when the alert stands for alerts missed while the watcher was not running.
        catch_up: bool,
    },
    /// Several cases passed a reminder while the watcher was not running (or the computer
    /// slept): one grouped alert instead of one per case. Each case's ledger entries are
    /// recorded as for a catch-up [`AlertEvent::Deadline`].
    Missed {
        /// The cases, the most urgent deadline first.
        cases: Vec<MissedCase>,
        /// When the alert was emitted.
        at: DateTime<Utc>,
    },
    /// An engineer replied on a case.
    Reply {
        /// The case.
        case_number: i64,
        /// Its subject (empty if the case is not cached).
        subject: String,
        /// The comment.
        comment_id: i64,
        /// The engineer's name.
        author: String,
        /// When the engineer wrote it.
        created_at: DateTime<Utc>,
        /// When the alert was emitted.
        at: DateTime<Utc>,
    },
}

/// One case in a [`AlertEvent::Missed`] group.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MissedCase {
    /// The case.
    pub case_number: i64,
    /// Its subject.
    pub subject: String,
    /// Its severity, 1–4.
    pub severity: u8,
    /// When the first response is (or was) due.
    pub due_at: DateTime<Utc>,
}

/// Several catch-up deadline alerts of one pass become one [`AlertEvent::Missed`]: after a
/// restart or a suspended laptop the user gets one message, never a burst.
fn group_missed(events: &mut Vec<AlertEvent>, now: DateTime<Utc>) {
    let missed = |e: &AlertEvent| matches!(e, AlertEvent::Deadline { catch_up: true, .. });
    if events.iter().filter(|e| missed(e)).count() < 2 {
        return;
    }
    let mut cases = Vec::new();
    events.retain(|e| match e {
        AlertEvent::Deadline {
            case_number,
            subject,
            severity,
            due_at,
            catch_up: true,
            ..
        } => {
            cases.push(MissedCase {
                case_number: *case_number,
                subject: subject.clone(),
                severity: *severity,
                due_at: *due_at,
            });
            false
        }
        _ => true,
    });
    // The most urgent first: the one a click on the group opens.
    cases.sort_by_key(|c| (c.due_at, c.severity, c.case_number));
    events.insert(0, AlertEvent::Missed { cases, at: now });
}

/// How late an alert may fire and still count as on time (a polling watcher is never exact).
pub const ON_TIME_GRACE: Duration = Duration::minutes(2);

fn due_at(contract: Option<&(SupportLevel, Calendar)>, case: &Case) -> Option<DateTime<Utc>> {
    if let Some((level, calendar)) = contract {
        if let Ok(d) = ResponseDeadline::compute(*level, case.severity, calendar, case.created_at) {
            return d.due;
        }
    }
    case.due_at
}

/// The deadline watcher over a profile's cache.
pub struct Watcher {
    cache: Arc<Cache>,
    clock: Arc<dyn Clock>,
}

impl Watcher {
    /// A watcher over `cache`, reading time from `clock`.
    pub fn new(cache: Arc<Cache>, clock: Arc<dyn Clock>) -> Watcher {
        Watcher { cache, clock }
    }

    /// When a case's first response is due: computed with the core from the cached contract
    /// and calendar, else the server's `due_at`.
    pub fn deadline_of(&self, case: &Case) -> Result<Option<DateTime<Utc>>> {
        Ok(due_at(self.contract()?.as_ref(), case))
    }

    fn contract(&self) -> Result<Option<(SupportLevel, Calendar)>> {
        Ok(self.cache.me()?.and_then(|me: Me| {
            let level = me.contract?.support_level;
            let calendar = Calendar::try_from(me.calendar?).ok()?;
            Some((level, calendar))
        }))
    }

    /// The earliest instant after now at which a deadline alert is due (to sleep until).
    pub fn next_alert_at(&self) -> Result<Option<DateTime<Utc>>> {
        let now = self.clock.now();
        let leads = self.cache.lead_times()?;
        let contract = self.contract()?;
        Ok(self
            .cache
            .open_cases()?
            .iter()
            .filter(|c| c.first_response_at.is_none())
            .filter_map(|c| due_at(contract.as_ref(), c))
            .flat_map(|due| leads.iter().map(move |l| due - *l))
            .filter(|t| *t > now)
            .min())
    }

    /// Looks at the cache now and returns the events to show, recording them in the ledger
    /// (in one transaction, so an event is returned at most once, ever).
    pub fn tick(&self) -> Result<Vec<AlertEvent>> {
        let now = self.clock.now();
        let leads = self.cache.lead_times()?;
        let contract = self.contract()?;
        let cases = self.cache.cases(None)?;
        let replies = self.cache.engineer_comments()?;
        self.cache.write(|tx| {
            let mut events = Vec::new();
            let mut new_cases = HashSet::new();
            let mut first_seen = std::collections::HashMap::new();
            for case in &cases {
                let seen: Option<i64> = tx
                    .query_row(
                        "SELECT first_seen_at FROM watched_cases WHERE case_number = ?1",
                        [case.number],
                        |r| r.get(0),
                    )
                    .optional()?;
                let seen = match seen {
                    Some(t) => from_millis(t),
                    None => {
                        tx.execute(
                            "INSERT INTO watched_cases(case_number, first_seen_at) VALUES (?1, ?2)",
                            params![case.number, to_millis(now)],
                        )?;
                        new_cases.insert(case.number);
                        now
                    }
                };
                first_seen.insert(case.number, seen);
                if !case.status.is_open() || case.first_response_at.is_some() {
                    continue;
                }
                let Some(due) = due_at(contract.as_ref(), case) else {
                    continue;
                };
                let mut reached = Vec::new();
                for lead in &leads {
                    if due - *lead > now {
                        continue;
                    }
                    let recorded: Option<String> = tx
                        .query_row(
                            "SELECT outcome FROM alert_ledger
                             WHERE case_number = ?1 AND lead_seconds = ?2 AND due_at = ?3",
                            params![case.number, lead.num_seconds(), to_millis(due)],
                            |r| r.get(0),
                        )
                        .optional()?;
                    if recorded.is_none() {
                        reached.push(*lead);
                    }
                }
                // The most urgent reached lead is the smallest one.
                reached.sort();
                let record = |lead: Duration, outcome: &str| {
                    tx.execute(
                        "INSERT INTO alert_ledger(case_number, lead_seconds, due_at, outcome,
                             recorded_at) VALUES (?1, ?2, ?3, ?4, ?5)",
                        params![
                            case.number,
                            lead.num_seconds(),
                            to_millis(due),
                            outcome,
                            to_millis(now)
                        ],
                    )
                };
                let first_sight = new_cases.contains(&case.number);
                // A deadline already gone when the case is first seen is old news (the tray
                // counts it); warning about it would only make a burst after the first sync.
                if first_sight && due < now {
                    for lead in reached {
                        record(lead, "past-when-first-seen")?;
                    }
                    continue;
                }
                let Some((&fire, superseded)) = reached.split_first() else {
                    continue;
                };
                record(
                    fire,
                    if first_sight {
                        "fired-when-first-seen"
                    } else {
                        "fired"
                    },
                )?;
                for lead in superseded {
                    record(*lead, "superseded")?;
                }
                // A case first seen inside a lead time was not missed: its one alert is on time.
                let late = !superseded.is_empty() || now - (due - fire) > ON_TIME_GRACE;
                events.push(AlertEvent::Deadline {
                    case_number: case.number,
                    subject: case.subject.clone(),
                    severity: case.severity.number(),
                    due_at: due,
                    lead_seconds: fire.num_seconds(),
                    remaining_seconds: (due - now).num_seconds(),
                    at: now,
                    catch_up: !first_sight && late,
                });
            }
            group_missed(&mut events, now);
            for comment in &replies {
                if comment.author.role != Role::Engineer {
                    continue;
                }
                let known: Option<i64> = tx
                    .query_row(
                        "SELECT comment_id FROM seen_replies WHERE comment_id = ?1",
                        [comment.id],
                        |r| r.get(0),
                    )
                    .optional()?;
                if known.is_some() {
                    continue;
                }
                let stale = match first_seen.get(&comment.case_number) {
                    Some(seen) => {
                        new_cases.contains(&comment.case_number) || comment.created_at < *seen
                    }
                    // A comment on a case that is not cached: tell once it is.
                    None => continue,
                };
                tx.execute(
                    "INSERT INTO seen_replies(comment_id, case_number, outcome, recorded_at)
                     VALUES (?1, ?2, ?3, ?4)",
                    params![
                        comment.id,
                        comment.case_number,
                        if stale { "already-there" } else { "fired" },
                        to_millis(now)
                    ],
                )?;
                if !stale {
                    let subject = cases
                        .iter()
                        .find(|c| c.number == comment.case_number)
                        .map(|c| c.subject.clone())
                        .unwrap_or_default();
                    events.push(AlertEvent::Reply {
                        case_number: comment.case_number,
                        subject,
                        comment_id: comment.id,
                        author: comment.author.name.clone(),
                        created_at: comment.created_at,
                        at: now,
                    });
                }
            }
            Ok(events)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cache::tests::{case, comment};
    use chrono::TimeZone;

    fn t0() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 3, 9, 9, 0, 0).unwrap()
    }

    fn setup(cache: Arc<Cache>, now: DateTime<Utc>) -> (Watcher, Arc<TestClock>) {
        let clock = Arc::new(TestClock::new(now));
        (Watcher::new(cache, clock.clone()), clock)
    }

    fn leads(events: &[AlertEvent]) -> Vec<(i64, i64, bool)> {
        events
            .iter()
            .filter_map(|e| match e {
                AlertEvent::Deadline {
                    case_number,
                    lead_seconds,
                    catch_up,
                    ..
                } => Some((*case_number, *lead_seconds, *catch_up)),
                _ => None,
            })
            .collect()
    }

    #[test]
    fn each_lead_time_fires_once_at_its_time() {
        let cache = Arc::new(Cache::open_in_memory().unwrap());
        let due = t0() + Duration::hours(4);
        cache.upsert_cases(&[case(1, t0(), Some(due))]).unwrap();
        let (w, clock) = setup(cache, t0());
        assert!(w.tick().unwrap().is_empty());
        assert_eq!(
            w.next_alert_at().unwrap(),
            Some(due - Duration::minutes(60))
        );
        clock.set(due - Duration::minutes(61));
        assert!(w.tick().unwrap().is_empty());
        clock.set(due - Duration::minutes(60));
        assert_eq!(leads(&w.tick().unwrap()), [(1, 3600, false)]);
        assert!(w.tick().unwrap().is_empty());
        clock.set(due - Duration::minutes(14));
        assert_eq!(leads(&w.tick().unwrap()), [(1, 900, false)]);
        clock.set(due);
        let events = w.tick().unwrap();
        assert_eq!(leads(&events), [(1, 0, false)]);
        match &events[0] {
            AlertEvent::Deadline {
                remaining_seconds, ..
            } => assert_eq!(*remaining_seconds, 0),
            other => panic!("unexpected {other:?}"),
        }
        clock.advance(Duration::hours(5));
        assert!(w.tick().unwrap().is_empty());
        assert_eq!(w.next_alert_at().unwrap(), None);
    }

    #[test]
    fn a_case_first_seen_inside_a_lead_time_alerts_once_for_the_most_urgent() {
        let cache = Arc::new(Cache::open_in_memory().unwrap());
        let due = t0() + Duration::minutes(30);
        cache.upsert_cases(&[case(1, t0(), Some(due))]).unwrap();
        let (w, clock) = setup(cache, t0());
        assert_eq!(leads(&w.tick().unwrap()), [(1, 3600, false)]);
        assert!(w.tick().unwrap().is_empty());
        clock.set(due - Duration::minutes(15));
        assert_eq!(leads(&w.tick().unwrap()), [(1, 900, false)]);
    }

    #[test]
    fn signing_in_four_minutes_before_a_deadline_gives_one_alert() {
        let cache = Arc::new(Cache::open_in_memory().unwrap());
        let due = t0() + Duration::minutes(4);
        cache.upsert_cases(&[case(1, t0(), Some(due))]).unwrap();
        let (w, clock) = setup(cache, t0());
        // 60 and 15 minutes are both reached: one alert, for 15.
        assert_eq!(leads(&w.tick().unwrap()), [(1, 900, false)]);
        assert!(
            w.tick().unwrap().is_empty(),
            "the 60-minute lead is superseded"
        );
        clock.set(due);
        assert_eq!(leads(&w.tick().unwrap()), [(1, 0, false)]);
    }

    #[test]
    fn missed_reminders_of_several_cases_come_as_one_group() {
        let cache = Arc::new(Cache::open_in_memory().unwrap());
        let due = t0() + Duration::hours(3);
        cache
            .upsert_cases(&[
                case(1, t0(), Some(due)),
                case(2, t0(), Some(due - Duration::minutes(30))),
                case(3, t0(), Some(due + Duration::hours(5))),
            ])
            .unwrap();
        let (w, clock) = setup(cache, t0());
        assert!(w.tick().unwrap().is_empty());
        // Not running from t0 until after both deadlines.
        clock.set(due + Duration::minutes(10));
        let events = w.tick().unwrap();
        assert_eq!(events.len(), 1, "{events:?}");
        let AlertEvent::Missed { cases, .. } = &events[0] else {
            panic!("{events:?}")
        };
        let numbers: Vec<i64> = cases.iter().map(|c| c.case_number).collect();
        assert_eq!(numbers, [2, 1], "the earliest deadline first");
        assert!(w.tick().unwrap().is_empty(), "never repeated");
        let json = serde_json::to_value(&events[0]).unwrap();
        assert_eq!(json["event"], "missed");
    }

    #[test]
    fn a_case_first_seen_after_its_deadline_never_alerts() {
        let cache = Arc::new(Cache::open_in_memory().unwrap());
        cache
            .upsert_cases(&[case(1, t0(), Some(t0() + Duration::hours(1)))])
            .unwrap();
        let (w, clock) = setup(cache, t0() + Duration::hours(2));
        assert!(w.tick().unwrap().is_empty());
        clock.advance(Duration::hours(1));
        assert!(w.tick().unwrap().is_empty());
    }

    #[test]
    fn alerts_fire_once_across_restarts_with_one_catch_up() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("c.sqlite3");
        let due = t0() + Duration::hours(2);
        {
            let cache = Arc::new(Cache::open(&path).unwrap());
            cache
                .upsert_cases(&[
                    case(1, t0(), Some(due)),
                    case(2, t0(), Some(due + Duration::hours(3))),
                ])
                .unwrap();
            let (w, clock) = setup(cache, t0());
            assert!(w.tick().unwrap().is_empty());
            clock.set(due - Duration::minutes(60));
            assert_eq!(leads(&w.tick().unwrap()), [(1, 3600, false)]);
        }
        // Restarted 5 minutes after case 1's deadline: its 15-minute and 0 alerts were missed.
        {
            let cache = Arc::new(Cache::open(&path).unwrap());
            let (w, clock) = setup(cache, due + Duration::minutes(5));
            assert_eq!(leads(&w.tick().unwrap()), [(1, 0, true)]);
            assert!(w.tick().unwrap().is_empty());
            clock.set(due + Duration::hours(2));
            assert_eq!(leads(&w.tick().unwrap()), [(2, 3600, false)]);
        }
        // Restarted again: nothing is repeated.
        let cache = Arc::new(Cache::open(&path).unwrap());
        let (w, _) = setup(cache, due + Duration::hours(2) + Duration::minutes(1));
        assert!(w.tick().unwrap().is_empty());
    }

    #[test]
    fn no_alerts_after_the_first_response() {
        let cache = Arc::new(Cache::open_in_memory().unwrap());
        let due = t0() + Duration::hours(2);
        cache.upsert_cases(&[case(1, t0(), Some(due))]).unwrap();
        let (w, clock) = setup(cache.clone(), t0());
        assert!(w.tick().unwrap().is_empty());
        let mut answered = case(1, t0(), Some(due));
        answered.first_response_at = Some(t0() + Duration::minutes(30));
        answered.status = casewatch_core::CaseStatus::WaitingOnCustomer;
        cache.upsert_cases(&[answered]).unwrap();
        for minutes in [60, 15, 0] {
            clock.set(due - Duration::minutes(minutes));
            assert!(leads(&w.tick().unwrap()).is_empty());
        }
        assert_eq!(w.next_alert_at().unwrap(), None);
    }

    #[test]
    fn configured_lead_times_are_used() {
        let cache = Arc::new(Cache::open_in_memory().unwrap());
        cache.set_lead_times(&[Duration::minutes(5)]).unwrap();
        let due = t0() + Duration::hours(2);
        cache.upsert_cases(&[case(1, t0(), Some(due))]).unwrap();
        let (w, clock) = setup(cache, t0());
        w.tick().unwrap();
        clock.set(due - Duration::minutes(15));
        assert!(w.tick().unwrap().is_empty());
        clock.set(due - Duration::minutes(5));
        assert_eq!(leads(&w.tick().unwrap()), [(1, 300, false)]);
    }

    #[test]
    fn deadlines_come_from_the_core_when_the_contract_is_cached() {
        use casewatch_api::{Me, User};
        use casewatch_core::{Contract, Deployment, Subscription};
        let cache = Arc::new(Cache::open_in_memory().unwrap());
        let contract =
            Contract::new_sale(Deployment::Cloud, Subscription::Enterprise, None).unwrap();
        let calendar = Calendar::parse("UTC", "mon-fri 09:00-17:00", &[], None).unwrap();
        cache
            .set_me(&Me {
                user: User {
                    id: 1,
                    email: "a@x.example".into(),
                    name: "A".into(),
                    role: Role::Contact,
                    key_contact: true,
                    org_id: Some(1),
                },
                organisation: None,
                contract: Some(contract),
                calendar: Some(
                    serde_json::from_value(serde_json::to_value(&calendar).unwrap()).unwrap(),
                ),
                entitlements: None,
                community_url: None,
                preferences: None,
            })
            .unwrap();
        // Premium severity 2: 4 hours, 24x7 — whatever the cached `due_at` says.
        let mut c = case(1, t0(), Some(t0() + Duration::days(9)));
        c.severity = casewatch_core::Severity::HIGH;
        cache.upsert_cases(&[c]).unwrap();
        let (w, clock) = setup(cache.clone(), t0());
        let c = cache.case(1).unwrap().unwrap();
        assert_eq!(w.deadline_of(&c).unwrap(), Some(t0() + Duration::hours(4)));
        w.tick().unwrap();
        assert_eq!(w.next_alert_at().unwrap(), Some(t0() + Duration::hours(3)));
        clock.set(t0() + Duration::hours(3));
        assert_eq!(leads(&w.tick().unwrap()), [(1, 3600, false)]);
    }

    #[test]
    fn a_new_engineer_reply_is_announced_once() {
        let cache = Arc::new(Cache::open_in_memory().unwrap());
        cache.upsert_cases(&[case(1, t0(), None)]).unwrap();
        cache
            .upsert_comments(&[comment(10, 1, Role::Engineer, t0())])
            .unwrap();
        let (w, clock) = setup(cache.clone(), t0() + Duration::minutes(1));
        assert!(
            w.tick().unwrap().is_empty(),
            "replies there at first sight are old news"
        );
        clock.advance(Duration::minutes(10));
        cache
            .upsert_comments(&[
                comment(11, 1, Role::Contact, clock.now()),
                comment(12, 1, Role::Engineer, clock.now()),
            ])
            .unwrap();
        let events = w.tick().unwrap();
        assert_eq!(events.len(), 1);
        assert!(matches!(
            &events[0],
            AlertEvent::Reply {
                comment_id: 12,
                case_number: 1,
                ..
            }
        ));
        assert!(w.tick().unwrap().is_empty());
        let json = serde_json::to_value(&events[0]).unwrap();
        assert_eq!(json["event"], "reply");
    }
}
