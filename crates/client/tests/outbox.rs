//! The outbox against the real server: the connection is cut after the server acted, the
//! server goes away and comes back — and the server always ends with exactly one case/reply.

mod common;

use casewatch_client::api::CaseQuery;
use casewatch_client::outbox::OutboxState;
use casewatch_client::{DraftContent, MemoryStore, Session};
use common::*;
use std::sync::atomic::Ordering;
use std::sync::Arc;

async fn cases_with_subject(s: &Session, subject: &str) -> usize {
    s.api
        .all_cases(&CaseQuery::default())
        .await
        .unwrap()
        .iter()
        .filter(|c| c.subject == subject)
        .count()
}

#[tokio::test]
async fn a_cut_connection_still_gives_exactly_one_case_and_reply() {
    let server = TestServer::start().await;
    let proxy = Proxy::start(server.addr()).await;
    let dirs = ClientDirs::new();
    let s = session(
        &dirs.dirs,
        &proxy.url(),
        ACME_ADMIN,
        Arc::new(MemoryStore::new()),
        fast_config(),
    );
    s.login(DEMO_PASSWORD).await.unwrap();

    // The server's answer to the POST is lost; the retry (same key) is replayed.
    let draft = s
        .cache
        .create_draft(DraftContent::NewCase(filled_form("cut once")))
        .unwrap();
    s.cache.submit_draft(&draft.id).unwrap();
    proxy.drop_responses.store(1, Ordering::SeqCst);
    let report = s.flush_outbox().await.unwrap();
    assert_eq!(proxy.dropped.load(Ordering::SeqCst), 1);
    assert_eq!(report.delivered.len(), 1, "{report:?}");
    assert_eq!(cases_with_subject(&s, "cut once").await, 1);
    let number = match report.delivered[0].delivered {
        Some(casewatch_client::outbox::Delivered::Case { number }) => number,
        ref other => panic!("{other:?}"),
    };
    assert!(s.cache.case(number).unwrap().is_some());

    // Every answer lost until the retries run out: the item stays pending, and the next
    // flush (a reconnect) completes it without a second case.
    let mut no_retry = fast_config();
    no_retry.max_attempts = 1;
    let s1 = session(
        &dirs.dirs,
        &proxy.url(),
        ACME_ADMIN,
        Arc::new(MemoryStore::new()),
        no_retry,
    );
    s1.login(DEMO_PASSWORD).await.unwrap();
    let draft = s1
        .cache
        .create_draft(DraftContent::NewCase(filled_form("cut and resent")))
        .unwrap();
    s1.cache.submit_draft(&draft.id).unwrap();
    proxy.drop_responses.store(1, Ordering::SeqCst);
    let report = s1.flush_outbox().await.unwrap();
    assert_eq!(report.pending, 1);
    assert_eq!(report.stopped_by.as_ref().unwrap().code, "offline");
    assert_eq!(
        cases_with_subject(&s1, "cut and resent").await,
        1,
        "the server acted"
    );
    let report = s1.flush_outbox().await.unwrap();
    assert_eq!(report.delivered.len(), 1);
    assert_eq!(cases_with_subject(&s1, "cut and resent").await, 1);
    assert!(s1
        .cache
        .outbox(Some(OutboxState::Pending))
        .unwrap()
        .is_empty());

    // A reply, cut the same way.
    let reply = s1
        .cache
        .create_draft(DraftContent::Reply {
            case_number: number,
            body: "Logs attached tomorrow.".into(),
        })
        .unwrap();
    s1.cache.submit_draft(&reply.id).unwrap();
    proxy.drop_responses.store(1, Ordering::SeqCst);
    assert_eq!(s1.flush_outbox().await.unwrap().pending, 1);
    assert_eq!(s1.flush_outbox().await.unwrap().delivered.len(), 1);
    let thread = s1.api.comments(number).await.unwrap().comments;
    assert_eq!(
        thread
            .iter()
            .filter(|c| c.body == "Logs attached tomorrow.")
            .count(),
        1
    );
}

#[tokio::test]
async fn the_outbox_waits_for_the_server_and_refusals_are_kept() {
    let mut server = TestServer::start().await;
    let proxy = Proxy::start(server.addr()).await;
    let dirs = ClientDirs::new();
    let secrets = Arc::new(MemoryStore::new());
    let s = session(
        &dirs.dirs,
        &proxy.url(),
        ACME_ADMIN,
        secrets.clone(),
        fast_config(),
    );
    s.login(DEMO_PASSWORD).await.unwrap();

    // The server is down: the case waits in the outbox.
    server.stop().await;
    let draft = s
        .cache
        .create_draft(DraftContent::NewCase(filled_form("written offline")))
        .unwrap();
    s.cache.submit_draft(&draft.id).unwrap();
    let report = s.flush_outbox().await.unwrap();
    assert_eq!(report.pending, 1);
    assert_eq!(report.stopped_by.unwrap().code, "offline");

    // Restart (new process, same profile): the server is back, the outbox is sent once.
    server.restart().await;
    proxy.retarget(server.addr());
    drop(s);
    let s = session(&dirs.dirs, &proxy.url(), ACME_ADMIN, secrets, fast_config());
    let report = s.flush_outbox().await.unwrap();
    assert_eq!(report.delivered.len(), 1);
    assert_eq!(cases_with_subject(&s, "written offline").await, 1);
    assert_eq!(s.flush_outbox().await.unwrap().delivered.len(), 0);

    // A case the server refuses (severity 4 on a production contract) is kept as failed —
    // the local check is skipped here by clearing the cached contract.
    s.cache.set_setting("me", "null").unwrap();
    let mut f = filled_form("refused");
    f.severity = "4".into();
    let draft = s.cache.create_draft(DraftContent::NewCase(f)).unwrap();
    s.cache.submit_draft(&draft.id).unwrap();
    let report = s.flush_outbox().await.unwrap();
    assert_eq!(report.failed.len(), 1);
    assert_eq!(
        report.failed[0].last_error.as_ref().unwrap().code,
        "severity_not_allowed"
    );
    let failed = s.cache.outbox(Some(OutboxState::Failed)).unwrap();
    assert_eq!(failed.len(), 1);

    // Only a refused item can be removed; a pending one stays until the server answers.
    let draft = s
        .cache
        .create_draft(DraftContent::NewCase(filled_form("still pending")))
        .unwrap();
    let pending = s.cache.submit_draft(&draft.id).unwrap();
    assert!(!s.cache.discard_failed(pending.id).unwrap());
    assert!(s.cache.discard_failed(failed[0].id).unwrap());
    assert!(s
        .cache
        .outbox(Some(OutboxState::Failed))
        .unwrap()
        .is_empty());
    assert_eq!(s.cache.outbox(Some(OutboxState::Pending)).unwrap().len(), 1);
}
