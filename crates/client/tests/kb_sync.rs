//! Knowledge-base sync against the real server: full, incremental with changes and deletions,
//! interrupted and resumed, and offline search once the server is gone.

mod common;

use casewatch_client::kb_sync::{LocalKb, Progress};
use casewatch_client::MemoryStore;
use common::*;
use std::ops::ControlFlow;
use std::sync::atomic::Ordering;
use std::sync::Arc;

const DEMO_ARTICLES: usize = 52;

#[tokio::test]
async fn full_then_incremental_sync_with_deletions_then_offline_search() {
    let mut server = TestServer::start().await;
    let dirs = ClientDirs::new();
    let s = session(
        &dirs.dirs,
        &server.url(),
        ACME_ADMIN,
        Arc::new(MemoryStore::new()),
        fast_config(),
    );
    s.login(DEMO_PASSWORD).await.unwrap();
    let kb = s.local_kb().unwrap();
    assert!(dirs
        .dirs
        .profile_cache(&s.profile)
        .join("kb/index")
        .is_dir());

    let mut seen: Vec<Progress> = Vec::new();
    let report = kb
        .sync(&s.api, &s.cache, 20, |p| {
            seen.push(p);
            ControlFlow::Continue(())
        })
        .await
        .unwrap();
    assert!(report.complete);
    assert_eq!(report.indexed, DEMO_ARTICLES);
    assert_eq!(report.upserted as usize, DEMO_ARTICLES);
    assert_eq!(report.pages, 3);
    let last = *seen.last().unwrap();
    assert_eq!((last.done, last.total, last.finished), (52, 52, true));
    assert!(seen
        .windows(2)
        .all(|w| w[0].done < w[1].done && w[0].done <= w[0].total));
    assert!(seen[..2].iter().all(|p| !p.finished && p.total > p.done));
    // The server counts the changes, so the total is exact from the first page on.
    assert!(seen.iter().all(|p| p.total == 52), "{seen:?}");

    let hits = kb.search("rolling upgrade", Some("en"), false, 5).unwrap();
    assert_eq!(hits[0].id, "orbit-en-001");

    // Nothing changed: one empty page.
    let again = kb
        .sync(&s.api, &s.cache, 20, |_| ControlFlow::Continue(()))
        .await
        .unwrap();
    assert_eq!((again.pages, again.upserted, again.deleted), (1, 0, 0));

    // Changes on the server: one new known issue, one deletion.
    server
        .upsert_article(article(
            "orbit-en-900",
            "en",
            "Known issue: snapshot repository verification hangs on Zanzibar storage",
            "Verification of a **zanzibar** repository hangs. Upgrade to 8.1.4.",
            "known-issue",
        ))
        .await;
    server.delete_article("orbit-en-001").await;
    let inc = kb
        .sync(&s.api, &s.cache, 20, |_| ControlFlow::Continue(()))
        .await
        .unwrap();
    assert_eq!(
        (inc.upserted, inc.deleted, inc.indexed),
        (1, 1, DEMO_ARTICLES)
    );
    assert!(kb
        .search("rolling upgrade", Some("en"), false, 10)
        .unwrap()
        .iter()
        .all(|h| h.id != "orbit-en-001"));
    let known = kb.search("zanzibar", None, true, 10).unwrap();
    assert_eq!(known.len(), 1);
    assert_eq!(known[0].kind, "known-issue");

    // Offline: the server is gone, the index is reopened from disk and still answers.
    server.stop().await;
    drop(kb);
    let kb = s.local_kb().unwrap();
    let hits = kb.search("zanzibar", None, false, 10).unwrap();
    assert_eq!(hits[0].id, "orbit-en-900");
    assert_eq!(
        kb.sync(&s.api, &s.cache, 20, |_| ControlFlow::Continue(()))
            .await
            .unwrap_err()
            .code(),
        "offline"
    );
}

#[tokio::test]
async fn an_interrupted_sync_resumes_where_it_stopped() {
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
    {
        let kb = s.local_kb().unwrap();
        // Interrupted after two pages of ten.
        let mut pages = 0;
        let report = kb
            .sync(&s.api, &s.cache, 10, |_| {
                pages += 1;
                if pages == 2 {
                    ControlFlow::Break(())
                } else {
                    ControlFlow::Continue(())
                }
            })
            .await
            .unwrap();
        assert!(!report.complete);
        assert_eq!(report.indexed, 20);
    }
    // A new process: the index and the cursor come back from disk.
    let kb = LocalKb::open(&dirs.dirs.profile_cache(&s.profile).join("kb")).unwrap();
    assert_eq!(kb.index.len(), 20);
    assert!(kb.cursor(&s.cache).unwrap().is_some());
    let rest = kb
        .sync(&s.api, &s.cache, 10, |_| ControlFlow::Continue(()))
        .await
        .unwrap();
    assert!(rest.complete);
    assert_eq!(
        rest.upserted as usize,
        DEMO_ARTICLES - 20,
        "only the rest is fetched"
    );
    assert_eq!(rest.indexed, DEMO_ARTICLES);

    // The network dies during the third page: the two committed pages stay, the sync
    // reports `offline`, and the next run fetches only what is missing.
    let proxy = Proxy::start(server.addr()).await;
    let dirs2 = ClientDirs::new();
    let mut no_retry = fast_config();
    no_retry.max_attempts = 1;
    let s2 = session(
        &dirs2.dirs,
        &proxy.url(),
        ACME_ADMIN,
        Arc::new(MemoryStore::new()),
        no_retry,
    );
    s2.login(DEMO_PASSWORD).await.unwrap();
    let kb2 = s2.local_kb().unwrap();
    let mut pages = 0;
    let err = kb2
        .sync(&s2.api, &s2.cache, 10, |_| {
            pages += 1;
            if pages == 2 {
                proxy.drop_responses.store(1, Ordering::SeqCst);
            }
            ControlFlow::Continue(())
        })
        .await
        .unwrap_err();
    assert_eq!(err.code(), "offline");
    assert_eq!(kb2.index.len(), 20);
    let rest = kb2
        .sync(&s2.api, &s2.cache, 10, |_| ControlFlow::Continue(()))
        .await
        .unwrap();
    assert!(rest.complete);
    assert_eq!(rest.upserted as usize, DEMO_ARTICLES - 20);
    assert_eq!(rest.indexed, DEMO_ARTICLES);
}

#[tokio::test]
async fn progress_total_is_exact_monotonic_and_reached() {
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
    let kb = s.local_kb().unwrap();
    let check = |seen: &[Progress], expected: u64| {
        let last = seen.last().unwrap();
        assert_eq!(
            (last.done, last.total, last.finished),
            (expected, expected, true)
        );
        assert!(seen.iter().all(|p| p.done <= p.total), "{seen:?}");
        assert!(
            seen.windows(2)
                .all(|w| w[0].done < w[1].done && w[0].total <= w[1].total && !w[0].finished),
            "{seen:?}"
        );
    };

    // Interrupted after two pages of seven: the resumed run counts only what is left.
    let mut seen: Vec<Progress> = Vec::new();
    kb.sync(&s.api, &s.cache, 7, |p| {
        seen.push(p);
        if seen.len() == 2 {
            ControlFlow::Break(())
        } else {
            ControlFlow::Continue(())
        }
    })
    .await
    .unwrap();
    assert_eq!(seen.iter().map(|p| p.total).collect::<Vec<_>>(), [52, 52]);
    let mut seen: Vec<Progress> = Vec::new();
    kb.sync(&s.api, &s.cache, 7, |p| {
        seen.push(p);
        ControlFlow::Continue(())
    })
    .await
    .unwrap();
    check(&seen, 52 - 14);
    assert!(seen.iter().all(|p| p.total == 38));

    // Incremental: three new articles and two deletions are five changes.
    for i in 0..3 {
        server
            .upsert_article(article(
                &format!("orbit-en-95{i}"),
                "en",
                &format!("Progress article {i}"),
                "Body.",
                "faq",
            ))
            .await;
    }
    server.delete_article("orbit-en-001").await;
    server.delete_article("orbit-en-002").await;
    let mut seen: Vec<Progress> = Vec::new();
    let report = kb
        .sync(&s.api, &s.cache, 2, |p| {
            seen.push(p);
            ControlFlow::Continue(())
        })
        .await
        .unwrap();
    assert_eq!((report.upserted, report.deleted), (3, 2));
    check(&seen, 5);
    assert_eq!(
        seen.iter().map(|p| (p.done, p.total)).collect::<Vec<_>>(),
        [(2, 5), (4, 5), (5, 5)]
    );
}
