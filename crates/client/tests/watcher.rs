//! The deadline watcher over a cache filled from the real server, driven in virtual time:
//! the demo's countdown case alerts at its deadline, an engineer's reply is announced once,
//! and the answered case never alerts again.

mod common;

use casewatch_api::AgentReply;
use casewatch_client::{AlertEvent, MemoryStore, TestClock, Watcher};
use chrono::Utc;
use common::*;
use std::sync::Arc;

#[tokio::test]
async fn deadline_and_reply_alerts_from_synced_cases() {
    let server = TestServer::start().await;
    let dirs = ClientDirs::new();
    let s = session(
        &dirs.dirs,
        &server.url(),
        ACME_ADMIN,
        Arc::new(MemoryStore::new()),
        fast_config(),
    );
    s.login(DEMO_PASSWORD).await.unwrap();
    s.sync_cases().await.unwrap();

    let clock = Arc::new(TestClock::new(Utc::now()));
    let watcher = Watcher::new(s.cache.clone(), clock.clone());
    // At first sight, a case already inside a lead time (the demo's countdown case, due minutes
    // after the server started) gives one alert, for its most urgent lead time; none repeats.
    let first = watcher.tick().unwrap();
    let mut alerted: Vec<i64> = first
        .iter()
        .filter_map(|e| match e {
            AlertEvent::Deadline {
                case_number,
                catch_up,
                ..
            } => {
                assert!(!catch_up, "first sight is not a missed alert: {e:?}");
                Some(*case_number)
            }
            _ => None,
        })
        .collect();
    let count = alerted.len();
    alerted.dedup();
    assert_eq!(alerted.len(), count, "one alert per case: {first:?}");
    assert!(
        watcher.tick().unwrap().is_empty(),
        "first-sight alerts are not repeated"
    );
    let next = watcher
        .next_alert_at()
        .unwrap()
        .expect("an open case with a deadline");
    clock.set(next);
    let events = watcher.tick().unwrap();
    assert_eq!(events.len(), 1, "{events:?}");
    let AlertEvent::Deadline {
        case_number,
        due_at,
        lead_seconds,
        catch_up,
        ..
    } = events[0].clone()
    else {
        panic!("{events:?}")
    };
    assert!(!catch_up);
    assert_eq!(due_at - chrono::Duration::seconds(lead_seconds), next);
    assert!(watcher.tick().unwrap().is_empty(), "once only");

    // The engineer answers that case; the next sync brings the reply in.
    let engineer = session(
        &dirs.dirs,
        &server.url(),
        "engineer@vendor.example",
        Arc::new(MemoryStore::new()),
        fast_config(),
    );
    engineer.login(DEMO_PASSWORD).await.unwrap();
    engineer
        .api
        .agent_reply(
            case_number,
            &AgentReply {
                body: "Looking at it now.".into(),
                solve: false,
            },
            Some("reply-1"),
        )
        .await
        .unwrap();
    s.sync_cases().await.unwrap();
    let events = watcher.tick().unwrap();
    assert!(
        events.iter().any(|e| matches!(
            e,
            AlertEvent::Reply { case_number: n, author, .. } if *n == case_number && !author.is_empty()
        )),
        "{events:?}"
    );
    assert!(watcher.tick().unwrap().is_empty());
    // Answered: its remaining lead times never fire.
    clock.set(due_at + chrono::Duration::minutes(1));
    assert!(watcher
        .tick()
        .unwrap()
        .iter()
        .all(|e| !matches!(e, AlertEvent::Deadline { case_number: n, .. } if *n == case_number)));
}
