//! Recomputes the initial-response deadline and the remaining time of 10,000 open cases over a
//! mix of calendars — what the app does for every open case on each tick.
//!
//! Run: `cargo bench -p casewatch-core --bench deadlines`. The figure to read is the time per
//! iteration divided by 10,000 (ns per case); `docs/benchmarks.md` records it.

use casewatch_core::{Calendar, ResponseDeadline, Severity, SupportLevel};
use chrono::{DateTime, Duration, TimeZone, Utc};
use criterion::{black_box, criterion_group, criterion_main, Criterion, Throughput};

const CASES: usize = 10_000;

fn calendars() -> Vec<Calendar> {
    let none: Vec<String> = vec![];
    let holidays: Vec<String> = ["2026-05-01", "2026-10-01", "2026-12-25"]
        .iter()
        .map(|s| s.to_string())
        .collect();
    vec![
        Calendar::parse("UTC", "mon-fri 09:00-17:00", &none, None).unwrap(),
        Calendar::parse("Asia/Shanghai", "mon-fri 09:00-18:00", &holidays, None).unwrap(),
        Calendar::parse(
            "America/New_York",
            "mon-fri 08:00-20:00, sat 10:00-14:00",
            &holidays,
            None,
        )
        .unwrap(),
        Calendar::parse("Europe/Berlin", "mon-fri 22:00-06:00", &none, None).unwrap(),
        Calendar::parse(
            "Australia/Lord_Howe",
            "mon-sun 00:00-24:00",
            &none,
            Some(8.0),
        )
        .unwrap(),
    ]
}

struct OpenCase {
    level: SupportLevel,
    severity: Severity,
    calendar: usize,
    created: DateTime<Utc>,
}

fn open_cases() -> Vec<OpenCase> {
    let levels = [
        (SupportLevel::Premium, 1),
        (SupportLevel::Enhanced, 2),
        (SupportLevel::Base, 1),
        (SupportLevel::Base, 3),
        (SupportLevel::Gold, 2),
        (SupportLevel::Platinum, 3),
        (SupportLevel::Development, 4),
        (SupportLevel::Limited, 2),
    ];
    let start = Utc.with_ymd_and_hms(2026, 3, 1, 0, 0, 0).unwrap();
    (0..CASES)
        .map(|i| {
            let (level, sev) = levels[i % levels.len()];
            OpenCase {
                level,
                severity: Severity::new(sev).unwrap(),
                calendar: i % 5,
                // Spread over the spring DST weeks, a few minutes apart.
                created: start + Duration::seconds((i as i64) * 397),
            }
        })
        .collect()
}

fn bench(c: &mut Criterion) {
    let calendars = calendars();
    let cases = open_cases();
    let now = Utc.with_ymd_and_hms(2026, 3, 20, 12, 0, 0).unwrap();
    let mut group = c.benchmark_group("open_cases");
    group.throughput(Throughput::Elements(CASES as u64));
    group.sample_size(20);
    group.bench_function("deadline_and_remaining_10k", |b| {
        b.iter(|| {
            let mut breached = 0usize;
            for case in &cases {
                let cal = &calendars[case.calendar];
                let deadline =
                    ResponseDeadline::compute(case.level, case.severity, cal, case.created)
                        .unwrap();
                if let Some(status) = deadline.status_at(cal, black_box(now), None) {
                    breached += usize::from(status.breached);
                }
            }
            black_box(breached)
        })
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
