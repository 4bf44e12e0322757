//! The storage suite: every `Store` operation's contract, written against `Arc<dyn Store>` so
//! the same tests run on every backend — SQLite by default, PostgreSQL with
//! `CASEWATCH_TEST_DATABASE=postgres` (a fresh database in the test binary's own cluster, see
//! `common/pg.rs`). The backend is opened exactly as the server opens it, through
//! `store::open`.

mod common;

use casewatch_api::{Role, Window};
use casewatch_core::{
    Calendar, CaseStatus, CaseType, Contract, Deployment, Environment, Severity, Subscription,
};
use casewatch_server::store::{
    self, ArticleInput, AttachmentInsert, CallbackInsert, CaseFilter, CaseInsert, CaseUpdate,
    CommentInsert, DemoSeed, DemoSeedCase, DemoSeedOrg, IdempotencyKey, NewAccount, OrgInsert,
    Store, StoreError, TokenPair,
};
use casewatch_server::ServerConfig;
use chrono::{DateTime, Duration, Utc};
use std::sync::Arc;
use tempfile::TempDir;

/// A store on a fresh database of the backend under test, and the directory it may use.
async fn open_store() -> (Arc<dyn Store>, TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let mut config = ServerConfig::new(([127, 0, 0, 1], 0).into(), dir.path());
    if common::on_postgres() {
        config.database = Some(common::pg::fresh_database());
    }
    config.read_connections = 2;
    let store = store::open(&config).await.expect("the store opens");
    (store, dir)
}

fn org(slug: &str, subscription: Subscription) -> OrgInsert {
    OrgInsert {
        slug: slug.into(),
        name: format!("{slug} Ltd"),
        contract: Contract::existing(Deployment::Cloud, subscription, Some(50_000.0)).unwrap(),
        calendar: Calendar::parse("Europe/London", "mon-fri 09:00-17:00", &[], None).unwrap(),
        demo: false,
        created_at: Utc::now(),
    }
}

fn account(email: &str, role: Role, key: bool) -> NewAccount {
    NewAccount {
        org_id: None,
        email: email.into(),
        name: format!("Name of {email}"),
        role,
        key_contact: key,
        password_hash: "$argon2id$not-a-real-hash".into(),
        created_at: Utc::now(),
    }
}

fn new_case(org_id: i64, opened_by: i64, subject: &str, severity: u8) -> CaseInsert {
    let now = Utc::now();
    CaseInsert {
        org_id,
        opened_by,
        case_type: CaseType::Problem,
        severity: Severity::new(severity).unwrap(),
        environment: Environment::Production,
        product: "Orbit Search".into(),
        version: "8.4".into(),
        subject: subject.into(),
        situation: "It fails.".into(),
        impact: "Nobody can search.".into(),
        cc: vec!["cc@example.com".into()],
        maintenance_window: None,
        created_at: now,
        due_at: Some(now + Duration::hours(4)),
    }
}

fn tokens(tag: &str, lifetime: Duration) -> TokenPair {
    let now = Utc::now();
    TokenPair {
        access_hash: format!("access-{tag}").into_bytes(),
        access_expires: now + lifetime,
        refresh_hash: format!("refresh-{tag}").into_bytes(),
        refresh_expires: now + lifetime * 10,
    }
}

/// An organisation with a key contact and a second contact, and an engineer.
struct World {
    org: i64,
    key: i64,
    contact: i64,
    engineer: i64,
}

async fn world(store: &dyn Store) -> World {
    let (org, key) = store
        .create_org(
            org("acme", Subscription::Enterprise),
            Some(account("key@acme.example", Role::Contact, true)),
        )
        .await
        .unwrap();
    let mut second = account("ops@acme.example", Role::Contact, false);
    second.org_id = Some(org);
    let contact = store.create_account(second).await.unwrap();
    let engineer = store
        .create_account(account("eng@vendor.example", Role::Engineer, false))
        .await
        .unwrap();
    World {
        org,
        key: key.unwrap(),
        contact,
        engineer,
    }
}

#[tokio::test]
async fn a_fresh_store_answers_and_reports_its_schema() {
    let (store, _dir) = open_store().await;
    store.ping().await.unwrap();
    assert!(store.schema_version().await.unwrap() >= 3);
    assert!(["sqlite", "postgres"].contains(&store.backend()));
    assert_eq!(store.meta_get("nothing").await.unwrap(), None);
    store.meta_set("k", "1").await.unwrap();
    store.meta_set("k", "2").await.unwrap();
    assert_eq!(store.meta_get("k").await.unwrap().as_deref(), Some("2"));
    assert!(store.pool_status().max >= 1);
}

#[tokio::test]
async fn accounts_are_unique_by_email_whatever_the_case_and_contacts_are_listed_key_first() {
    let (store, _dir) = open_store().await;
    let w = world(store.as_ref()).await;
    let taken = store
        .create_account(account("KEY@Acme.Example", Role::Engineer, false))
        .await;
    assert!(matches!(taken, Err(StoreError::Conflict(_))), "{taken:?}");
    let slug_taken = store
        .create_org(org("acme", Subscription::Standard), None)
        .await;
    assert!(matches!(slug_taken, Err(StoreError::Conflict(_))));

    let found = store
        .credentials("key@acme.example")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(found.user_id, w.key);
    assert!(store
        .credentials("nobody@acme.example")
        .await
        .unwrap()
        .is_none());

    let me = store.account(w.contact).await.unwrap();
    assert_eq!(
        (me.org_id, me.role, me.key_contact),
        (Some(w.org), Role::Contact, false)
    );
    let contacts = store.contacts(w.org).await.unwrap();
    let ids: Vec<i64> = contacts.iter().map(|c| c.id).collect();
    assert_eq!(ids, vec![w.key, w.contact]);
    assert!(store.is_active_engineer(w.engineer).await.unwrap());
    assert!(!store.is_active_engineer(w.contact).await.unwrap());

    let org = store.org(w.org).await.unwrap();
    assert_eq!(org.slug, "acme");
    assert!(matches!(
        store.org(w.org + 1000).await,
        Err(StoreError::NotFound(_))
    ));
}

#[tokio::test]
async fn removing_a_contact_ends_their_sessions_and_the_key_contact_stays() {
    let (store, _dir) = open_store().await;
    let w = world(store.as_ref()).await;
    let now = Utc::now();
    store
        .create_session(w.contact, tokens("c", Duration::minutes(5)), now)
        .await
        .unwrap();
    assert!(store
        .session_by_access(b"access-c", now)
        .await
        .unwrap()
        .is_some());
    let refused = store.remove_contact(w.org, w.key, now).await;
    assert!(
        matches!(refused, Err(StoreError::Conflict(_))),
        "{refused:?}"
    );
    store.remove_contact(w.org, w.contact, now).await.unwrap();
    assert!(store
        .session_by_access(b"access-c", now)
        .await
        .unwrap()
        .is_none());
    assert!(store
        .credentials("ops@acme.example")
        .await
        .unwrap()
        .is_none());
    assert!(matches!(
        store.remove_contact(w.org, w.contact, now).await,
        Err(StoreError::NotFound(_))
    ));
}

#[tokio::test]
async fn sessions_expire_refresh_once_and_revoke() {
    let (store, _dir) = open_store().await;
    let w = world(store.as_ref()).await;
    let now = Utc::now();
    let id = store
        .create_session(w.key, tokens("a", Duration::minutes(5)), now)
        .await
        .unwrap();
    let found = store
        .session_by_access(b"access-a", now)
        .await
        .unwrap()
        .unwrap();
    assert_eq!((found.session_id, found.account.id), (id, w.key));
    let later = now + Duration::minutes(6);
    assert!(store
        .session_by_access(b"access-a", later)
        .await
        .unwrap()
        .is_none());

    let rotated = store
        .rotate_session(b"refresh-a", tokens("b", Duration::minutes(5)), now)
        .await
        .unwrap();
    assert_eq!(rotated, Some((id, w.key)));
    let again = store
        .rotate_session(b"refresh-a", tokens("x", Duration::minutes(5)), now)
        .await
        .unwrap();
    assert_eq!(again, None, "a refresh token works once");
    assert!(store
        .session_by_access(b"access-a", now)
        .await
        .unwrap()
        .is_none());
    assert!(store
        .session_by_access(b"access-b", now)
        .await
        .unwrap()
        .is_some());

    let other = store
        .create_session(w.key, tokens("o", Duration::minutes(5)), now)
        .await
        .unwrap();
    let revoked = store
        .revoke_session(id, w.key, Some(b"refresh-o".to_vec()), now)
        .await
        .unwrap();
    assert_eq!(revoked, Some(other));
    assert!(store
        .session_by_access(b"access-b", now)
        .await
        .unwrap()
        .is_none());
    assert!(store
        .session_by_access(b"access-o", now)
        .await
        .unwrap()
        .is_none());
}

#[tokio::test]
async fn login_failures_count_per_account_and_per_address_inside_the_window() {
    let (store, _dir) = open_store().await;
    let now = Utc::now();
    let old = now - Duration::hours(2);
    let keep = now - Duration::hours(3);
    store
        .record_login_failure("a@x.example", "10.0.0.1", old, keep)
        .await
        .unwrap();
    for _ in 0..2 {
        store
            .record_login_failure("a@x.example", "10.0.0.1", now, keep)
            .await
            .unwrap();
    }
    store
        .record_login_failure("b@x.example", "10.0.0.1", now, keep)
        .await
        .unwrap();
    let since = now - Duration::minutes(15);
    let counts = store
        .count_login_failures("a@x.example", "10.0.0.1", since)
        .await
        .unwrap();
    assert_eq!((counts.account, counts.address), (2, 3));
    assert!(counts.account_oldest.is_some_and(|t| t >= since));
    let wide = store
        .count_login_failures("a@x.example", "10.0.0.2", keep)
        .await
        .unwrap();
    assert_eq!((wide.account, wide.address), (3, 0));

    store.clear_login_failures("a@x.example").await.unwrap();
    let after = store
        .count_login_failures("a@x.example", "10.0.0.1", since)
        .await
        .unwrap();
    assert_eq!((after.account, after.address), (0, 1));
}

#[tokio::test]
async fn filing_assigns_the_least_busy_engineer_and_honours_idempotency_keys() {
    let (store, _dir) = open_store().await;
    let w = world(store.as_ref()).await;
    let second = store
        .create_account(account("eng2@vendor.example", Role::Engineer, false))
        .await
        .unwrap();
    let key = |k: &str, body: &[u8]| IdempotencyKey {
        user_id: w.key,
        scope: "cases".into(),
        key: k.into(),
        request_hash: body.to_vec(),
    };
    let (first, replayed) = store
        .create_case(new_case(w.org, w.key, "first", 2), Some(key("k1", b"one")))
        .await
        .unwrap();
    assert!(!replayed);
    assert_eq!(first.status, CaseStatus::WaitingOnVendor);
    assert_eq!(first.assignee.as_ref().map(|a| a.id), Some(w.engineer));
    assert_eq!(first.opened_by.id, w.key);
    assert_eq!(first.cc, vec!["cc@example.com".to_string()]);

    let (again, replayed) = store
        .create_case(new_case(w.org, w.key, "first", 2), Some(key("k1", b"one")))
        .await
        .unwrap();
    assert!(replayed);
    assert_eq!(again.number, first.number);
    let conflict = store
        .create_case(new_case(w.org, w.key, "other", 2), Some(key("k1", b"two")))
        .await;
    assert!(matches!(conflict, Err(StoreError::IdempotencyConflict)));

    let (next, _) = store
        .create_case(new_case(w.org, w.key, "second", 3), None)
        .await
        .unwrap();
    assert!(next.number > first.number);
    assert_eq!(
        next.assignee.map(|a| a.id),
        Some(second),
        "the engineer without open cases gets the next one"
    );
    let all = store.list_cases(CaseFilter {
        scope: Some(w.org),
        status: None,
        before: None,
        limit: 10,
    });
    let numbers: Vec<i64> = all.await.unwrap().iter().map(|c| c.number).collect();
    assert_eq!(
        numbers,
        vec![next.number, first.number],
        "newest first, no duplicate"
    );
}

#[tokio::test]
async fn cases_stay_inside_their_organisation_and_lists_page_by_number() {
    let (store, _dir) = open_store().await;
    let w = world(store.as_ref()).await;
    let (other_org, other_key) = store
        .create_org(
            org("globex", Subscription::Gold),
            Some(account("key@globex.example", Role::Contact, true)),
        )
        .await
        .unwrap();
    let mut numbers = Vec::new();
    for i in 0..5 {
        let (c, _) = store
            .create_case(new_case(w.org, w.contact, &format!("case {i}"), 3), None)
            .await
            .unwrap();
        numbers.push(c.number);
    }
    let (foreign, _) = store
        .create_case(new_case(other_org, other_key.unwrap(), "theirs", 3), None)
        .await
        .unwrap();
    assert!(matches!(
        store.case(foreign.number, Some(w.org)).await,
        Err(StoreError::NotFound(_))
    ));
    assert_eq!(
        store.case(foreign.number, None).await.unwrap().org_id,
        other_org
    );

    let page = store
        .list_cases(CaseFilter {
            scope: Some(w.org),
            status: Some(CaseStatus::WaitingOnVendor),
            before: Some(numbers[3]),
            limit: 2,
        })
        .await
        .unwrap();
    let got: Vec<i64> = page.iter().map(|c| c.number).collect();
    assert_eq!(got, vec![numbers[2], numbers[1]]);
    let everyone = store
        .list_cases(CaseFilter {
            scope: None,
            status: None,
            before: None,
            limit: 100,
        })
        .await
        .unwrap();
    assert_eq!(everyone.len(), 6);

    let counts = store.open_cases_by_severity().await.unwrap();
    let sev3 = counts.iter().find(|c| c.severity == 3).map(|c| c.open);
    assert_eq!(sev3, Some(6));
    assert_eq!(store.open_queue(100).await.unwrap().len(), 6);
}

#[tokio::test]
async fn a_closed_case_refuses_changes() {
    let (store, _dir) = open_store().await;
    let w = world(store.as_ref()).await;
    let (c, _) = store
        .create_case(new_case(w.org, w.key, "to close", 3), None)
        .await
        .unwrap();
    let due = Some(Utc::now() + Duration::hours(1));
    let changed = store
        .update_case(
            c.number,
            Some(w.org),
            CaseUpdate {
                severity: Some((Severity::new(2).unwrap(), due)),
                cc: Some(vec![]),
                at: Some(Utc::now()),
                ..CaseUpdate::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(changed.severity.number(), 2);
    assert!(changed.cc.is_empty());
    let closed = store
        .update_case(
            c.number,
            None,
            CaseUpdate {
                status: Some(CaseStatus::Closed),
                ..CaseUpdate::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(closed.status, CaseStatus::Closed);
    let refused = store
        .update_case(
            c.number,
            None,
            CaseUpdate {
                status: Some(CaseStatus::Solved),
                ..CaseUpdate::default()
            },
        )
        .await;
    assert!(
        matches!(refused, Err(StoreError::Conflict(_))),
        "{refused:?}"
    );
    let assigned = store
        .assign_case(c.number, w.engineer, Utc::now())
        .await
        .unwrap();
    assert_eq!(assigned.assignee.map(|a| a.id), Some(w.engineer));
}

#[tokio::test]
async fn comments_move_the_status_stop_the_clock_and_link_attachments() {
    let (store, _dir) = open_store().await;
    let w = world(store.as_ref()).await;
    let (c, _) = store
        .create_case(new_case(w.org, w.key, "thread", 2), None)
        .await
        .unwrap();
    let content = b"log line 1\nlog line 2\n".to_vec();
    let sha = "7c1c8e4fbb5a5a9a0f4e2d6a1a3b5c7d9e0f1a2b3c4d5e6f7a8b9c0d1e2f3a4b".to_string();
    store
        .put_attachment_blob(&sha, content.clone())
        .await
        .unwrap();
    store
        .put_attachment_blob(&sha, content.clone())
        .await
        .unwrap();
    assert_eq!(store.get_attachment_blob(&sha).await.unwrap(), content);
    let attachment = store
        .create_attachment(AttachmentInsert {
            id: "att_test".into(),
            case_number: c.number,
            scope: Some(w.org),
            uploaded_by: w.key,
            filename: "server.log".into(),
            content_type: "text/plain".into(),
            size: content.len() as u64,
            sha256: sha.clone(),
            at: Utc::now(),
        })
        .await
        .unwrap();
    assert_eq!(attachment.comment_id, None);
    assert_eq!(
        store.attachment("att_test", None).await.unwrap().sha256,
        sha
    );

    let comment = |by: i64, engineer: bool, ids: Vec<String>, solve: bool| CommentInsert {
        case_number: c.number,
        scope: if engineer { None } else { Some(w.org) },
        author_id: by,
        by_engineer: engineer,
        body: format!("from {by}"),
        attachment_ids: ids,
        solve,
        at: Utc::now(),
    };
    let bad = store
        .add_comment(comment(w.key, false, vec!["att_nope".into()], false), None)
        .await;
    assert!(matches!(bad, Err(StoreError::Invalid(_))), "{bad:?}");
    assert!(
        store.comments(c.number, None).await.unwrap().is_empty(),
        "all or nothing"
    );

    let (first, _) = store
        .add_comment(comment(w.key, false, vec!["att_test".into()], false), None)
        .await
        .unwrap();
    assert_eq!(first.attachments.len(), 1);
    let again = store
        .add_comment(comment(w.key, false, vec!["att_test".into()], false), None)
        .await;
    assert!(
        matches!(again, Err(StoreError::Invalid(_))),
        "linked once only"
    );

    let key = IdempotencyKey {
        user_id: w.engineer,
        scope: format!("comments:{}", c.number),
        key: "reply-1".into(),
        request_hash: b"reply".to_vec(),
    };
    let (reply, replayed) = store
        .add_comment(comment(w.engineer, true, vec![], false), Some(key.clone()))
        .await
        .unwrap();
    assert!(!replayed);
    let (same, replayed) = store
        .add_comment(comment(w.engineer, true, vec![], false), Some(key))
        .await
        .unwrap();
    assert!(replayed);
    assert_eq!(same.id, reply.id);
    let case = store.case(c.number, None).await.unwrap();
    assert_eq!(case.status, CaseStatus::WaitingOnCustomer);
    assert!(case.first_response_at.is_some());
    store
        .add_comment(comment(w.engineer, true, vec![], true), None)
        .await
        .unwrap();
    assert_eq!(
        store.case(c.number, None).await.unwrap().status,
        CaseStatus::Solved
    );
    let thread = store.comments(c.number, Some(w.org)).await.unwrap();
    assert_eq!(thread.len(), 3);
    assert_eq!(thread[0].author.id, w.key);
    assert_eq!(
        store
            .attachments(c.number, Some(w.org))
            .await
            .unwrap()
            .len(),
        1
    );
    assert!(matches!(
        store.comments(c.number, Some(w.org + 999)).await,
        Err(StoreError::NotFound(_))
    ));
}

#[tokio::test]
async fn callbacks_are_kept_in_order_and_the_latest_shows_on_the_case() {
    let (store, _dir) = open_store().await;
    let w = world(store.as_ref()).await;
    let (c, _) = store
        .create_case(new_case(w.org, w.key, "call me", 2), None)
        .await
        .unwrap();
    let window = |h: i64| Window {
        start: Utc::now() + Duration::hours(h),
        end: Utc::now() + Duration::hours(h + 1),
    };
    for h in [1, 5] {
        store
            .create_callback(CallbackInsert {
                case_number: c.number,
                scope: Some(w.org),
                requested_by: w.key,
                windows: vec![window(h)],
                at: Utc::now(),
            })
            .await
            .unwrap();
    }
    let list = store.callbacks(c.number, Some(w.org)).await.unwrap();
    assert_eq!(list.len(), 2);
    let case = store.case(c.number, None).await.unwrap();
    assert_eq!(case.callback_windows.len(), 1);
    assert_eq!(
        case.callback_windows[0].start.timestamp(),
        list[1].windows[0].start.timestamp()
    );
}

fn article(id: &str, title: &str) -> ArticleInput {
    ArticleInput {
        id: id.into(),
        locale: "en".into(),
        title: title.into(),
        body: format!("Body of {title}"),
        kind: "guide".into(),
        product: "Orbit Search".into(),
        versions: vec!["8.4".into()],
        tags: vec!["setup".into()],
    }
}

#[tokio::test]
async fn the_knowledge_base_counts_changes_and_syncs_by_sequence() {
    let (store, _dir) = open_store().await;
    let now = Utc::now();
    assert_eq!(store.kb_revision().await.unwrap(), 0);
    let changed = store
        .upsert_articles(vec![article("a", "Alpha"), article("b", "Beta")], now)
        .await
        .unwrap();
    assert_eq!(changed, 2);
    let rev = store.kb_revision().await.unwrap();
    assert_eq!(
        store
            .upsert_articles(vec![article("a", "Alpha")], now)
            .await
            .unwrap(),
        0,
        "an unchanged article is no change"
    );
    assert_eq!(store.kb_revision().await.unwrap(), rev);
    assert_eq!(
        store
            .delete_articles(vec!["b".into(), "zzz".into()], now)
            .await
            .unwrap(),
        1
    );
    assert!(store.kb_article("b").await.unwrap().is_none());
    assert_eq!(store.kb_article("a").await.unwrap().unwrap().title, "Alpha");
    let page = store.kb_sync_page(0, 1).await.unwrap();
    assert!(page.has_more);
    assert_eq!(page.total, 2);
    let cursor: i64 = page.next_cursor.parse().unwrap();
    let rest = store.kb_sync_page(cursor, 10).await.unwrap();
    assert!(!rest.has_more);
    assert_eq!(rest.deleted.len(), 1);
    assert_eq!(rest.deleted[0].id, "b");
    assert_eq!(store.kb_live_articles(Some("en")).await.unwrap().len(), 1);
    assert!(store
        .kb_live_articles(Some("zh-CN"))
        .await
        .unwrap()
        .is_empty());
}

fn demo_seed() -> DemoSeed {
    let now = Utc::now();
    DemoSeed {
        articles: vec![article("demo-1", "Demo")],
        engineer: account("eng@demo.example", Role::Engineer, false),
        orgs: vec![DemoSeedOrg {
            org: org("demo-org", Subscription::Enterprise),
            contacts: vec![account("key@demo.example", Role::Contact, true)],
        }],
        cases: vec![DemoSeedCase {
            org: 0,
            opener: 0,
            case: new_case(0, 0, "countdown", 1),
            comments: vec![],
            status: CaseStatus::WaitingOnVendor,
            countdown: true,
        }],
        at: now,
    }
}

#[tokio::test]
async fn the_demo_is_seeded_once_even_by_simultaneous_calls() {
    let (store, _dir) = open_store().await;
    let (a, b) = tokio::join!(
        store.seed_demo_once(demo_seed()),
        store.seed_demo_once(demo_seed())
    );
    let seeded: Vec<i64> = [a.unwrap(), b.unwrap()].into_iter().flatten().collect();
    assert_eq!(seeded.len(), 1, "exactly one call seeds");
    assert_eq!(store.seed_demo_once(demo_seed()).await.unwrap(), None);
    let countdown = store.meta_get(store::DEMO_COUNTDOWN_KEY).await.unwrap();
    assert_eq!(countdown, Some(seeded[0].to_string()));
    assert!(store
        .meta_get(store::DEMO_SEEDED_KEY)
        .await
        .unwrap()
        .is_some());
    let case = store.case(seeded[0], None).await.unwrap();
    assert_eq!(case.subject, "countdown");
    let created: DateTime<Utc> = Utc::now() - Duration::minutes(30);
    store
        .set_case_clock(seeded[0], created, Some(created + Duration::hours(1)))
        .await
        .unwrap();
    let moved = store.case(seeded[0], None).await.unwrap();
    assert_eq!(moved.created_at.timestamp(), created.timestamp());
}

#[tokio::test]
async fn a_lease_has_one_holder_until_it_expires_or_is_released() {
    let (store, _dir) = open_store().await;
    let minute = std::time::Duration::from_secs(60);
    assert!(store.try_lease("deadlines", "a", minute).await.unwrap());
    assert!(!store.try_lease("deadlines", "b", minute).await.unwrap());
    assert!(
        store.try_lease("deadlines", "a", minute).await.unwrap(),
        "renewal"
    );
    assert!(
        store.try_lease("mail", "b", minute).await.unwrap(),
        "jobs are separate"
    );
    store.release_lease("deadlines", "b").await.unwrap();
    assert!(!store.try_lease("deadlines", "b", minute).await.unwrap());
    store.release_lease("deadlines", "a").await.unwrap();
    assert!(store
        .try_lease("deadlines", "b", std::time::Duration::ZERO)
        .await
        .unwrap());
    assert!(
        store.try_lease("deadlines", "a", minute).await.unwrap(),
        "an expired lease can be taken"
    );
}

/// A plan that queues one mail per case to `to`, naming the case's number and status.
fn plan_to(to: &'static str) -> store::MailPlan {
    Arc::new(move |case: &store::CaseRecord| {
        vec![store::QueuedMail {
            case_number: Some(case.number),
            to_address: to.into(),
            account_id: None,
            lang: "en".into(),
            payload: format!(
                "{{\"case\":{},\"status\":\"{}\"}}",
                case.number,
                case.status.as_str()
            ),
        }]
    })
}

#[tokio::test]
async fn mail_is_queued_with_its_event_and_only_then() {
    let (store, _dir) = open_store().await;
    let w = world(store.as_ref()).await;
    let key = IdempotencyKey {
        user_id: w.key,
        scope: "cases".into(),
        key: "k1".into(),
        request_hash: vec![1],
    };
    let (case, _) = store
        .create_case_mailing(
            new_case(w.org, w.key, "mailed", 2),
            Some(key.clone()),
            Some(plan_to("a@example.com")),
        )
        .await
        .unwrap();
    // A replay is the same case: no second mail.
    let (again, replayed) = store
        .create_case_mailing(
            new_case(w.org, w.key, "mailed", 2),
            Some(key),
            Some(plan_to("a@example.com")),
        )
        .await
        .unwrap();
    assert!(replayed);
    assert_eq!(again.number, case.number);
    // A refused write queues nothing: a comment on a case out of scope.
    let refused = store
        .add_comment_mailing(
            CommentInsert {
                case_number: case.number,
                scope: Some(w.org + 1000),
                author_id: w.engineer,
                by_engineer: true,
                body: "hello".into(),
                attachment_ids: vec![],
                solve: false,
                at: Utc::now(),
            },
            None,
            Some(plan_to("b@example.com")),
        )
        .await;
    assert!(refused.is_err());
    // The plan sees the case as the write left it.
    store
        .update_case_mailing(
            case.number,
            Some(w.org),
            CaseUpdate {
                status: Some(CaseStatus::Solved),
                at: Some(Utc::now()),
                ..CaseUpdate::default()
            },
            Some(plan_to("c@example.com")),
        )
        .await
        .unwrap();
    store
        .create_callback_mailing(
            CallbackInsert {
                case_number: case.number,
                scope: Some(w.org),
                requested_by: w.key,
                windows: vec![Window {
                    start: Utc::now() + Duration::hours(1),
                    end: Utc::now() + Duration::hours(2),
                }],
                at: Utc::now(),
            },
            Some(plan_to("d@example.com")),
        )
        .await
        .unwrap();

    let due = store.due_mail(Utc::now(), 100).await.unwrap();
    let to: Vec<&str> = due.iter().map(|m| m.to_address.as_str()).collect();
    assert_eq!(to, ["a@example.com", "c@example.com", "d@example.com"]);
    assert!(
        due[1].payload.contains("\"status\":\"solved\""),
        "{}",
        due[1].payload
    );
    // Message-IDs are made once, distinct, and name the row.
    assert!(due[0].message_id.starts_with(&format!("m{}.", due[0].id)));
    assert_ne!(due[0].message_id, due[1].message_id);
    assert_eq!(
        store.mail_counts().await.unwrap(),
        store::MailCounts {
            queued: 3,
            sent: 0,
            failed: 0
        }
    );
}

#[tokio::test]
async fn mail_outcomes_move_rows_out_of_the_due_list() {
    let (store, _dir) = open_store().await;
    let w = world(store.as_ref()).await;
    for _ in 0..3 {
        store
            .create_case_mailing(
                new_case(w.org, w.key, "x", 2),
                None,
                Some(plan_to("a@example.com")),
            )
            .await
            .unwrap();
    }
    let now = Utc::now();
    let due = store.due_mail(now, 100).await.unwrap();
    assert_eq!(due.len(), 3);
    store
        .mark_mail(due[0].id, store::MailOutcome::Sent { at: now })
        .await
        .unwrap();
    store
        .mark_mail(
            due[1].id,
            store::MailOutcome::Retry {
                next: now + Duration::minutes(1),
                error: "smtp_transient: refused".into(),
            },
        )
        .await
        .unwrap();
    store
        .mark_mail(
            due[2].id,
            store::MailOutcome::Failed {
                error: "smtp_permanent: 550".into(),
            },
        )
        .await
        .unwrap();
    assert!(store.due_mail(now, 100).await.unwrap().is_empty());
    let later = store
        .due_mail(now + Duration::minutes(2), 100)
        .await
        .unwrap();
    assert_eq!(later.len(), 1);
    assert_eq!(later[0].id, due[1].id);
    assert_eq!(later[0].attempts, 1);
    assert_eq!(
        later[0].message_id, due[1].message_id,
        "a retry keeps its Message-ID"
    );
    assert_eq!(
        store.mail_counts().await.unwrap(),
        store::MailCounts {
            queued: 1,
            sent: 1,
            failed: 1
        }
    );
}

#[tokio::test]
async fn mail_settings_and_the_shared_secret() {
    let (store, _dir) = open_store().await;
    let w = world(store.as_ref()).await;
    let settings = |locale: &str, mail, zone: Option<&str>| store::MailSettings {
        locale: locale.into(),
        mail,
        time_zone: zone.map(Into::into),
    };
    assert_eq!(
        store.mail_settings(w.contact).await.unwrap(),
        settings("en", store::MailPreference::Mine, None)
    );
    assert_eq!(
        store
            .set_mail_settings(w.contact, Some("zh-CN".into()), None, None)
            .await
            .unwrap(),
        settings("zh-CN", store::MailPreference::Mine, None)
    );
    assert_eq!(
        store
            .set_mail_settings(
                w.contact,
                None,
                Some(store::MailPreference::All),
                Some("Asia/Tokyo".into())
            )
            .await
            .unwrap(),
        settings("zh-CN", store::MailPreference::All, Some("Asia/Tokyo"))
    );
    let accounts = store.mail_accounts(w.org).await.unwrap();
    let ids: Vec<i64> = accounts.iter().map(|a| a.id).collect();
    assert_eq!(ids, [w.key, w.contact, w.engineer]);
    assert_eq!(accounts[1].locale, "zh-CN");
    assert_eq!(accounts[1].mail, store::MailPreference::All);
    // Another organisation's accounts are not offered.
    assert!(store.mail_accounts(w.org + 1000).await.unwrap().len() == 1);

    assert_eq!(
        store.meta_set_if_absent("secret", "first").await.unwrap(),
        "first"
    );
    assert_eq!(
        store.meta_set_if_absent("secret", "second").await.unwrap(),
        "first"
    );
}

#[tokio::test]
async fn an_incoming_message_is_taken_once_unless_its_handler_died() {
    let (store, _dir) = open_store().await;
    let now = Utc::now();
    let stale = now - Duration::minutes(10);
    assert!(store.claim_inbound("m1@x", now, stale).await.unwrap());
    // Taken and still being handled: a second delivery is a duplicate.
    assert!(!store.claim_inbound("m1@x", now, stale).await.unwrap());
    // Its handler died long ago: the next delivery takes it over, once.
    let later = now + Duration::minutes(11);
    let later_stale = later - Duration::minutes(10);
    assert!(store
        .claim_inbound("m1@x", later, later_stale)
        .await
        .unwrap());
    assert!(!store
        .claim_inbound("m1@x", later, later_stale)
        .await
        .unwrap());
    // Handled: never again, however late.
    store.finish_inbound("m1@x", "comment").await.unwrap();
    let much_later = now + Duration::days(30);
    assert!(!store
        .claim_inbound("m1@x", much_later, much_later - Duration::minutes(10))
        .await
        .unwrap());
    // A failed handling gives the message back to the MTA's retry.
    assert!(store.claim_inbound("m2@x", now, stale).await.unwrap());
    store.release_inbound("m2@x").await.unwrap();
    assert!(store.claim_inbound("m2@x", now, stale).await.unwrap());
}

#[tokio::test]
async fn an_address_gets_one_automatic_answer_an_hour() {
    let (store, _dir) = open_store().await;
    let answer = |to: &str| store::QueuedMail {
        case_number: None,
        to_address: to.into(),
        account_id: None,
        lang: "en".into(),
        payload: "{}".into(),
    };
    let now = Utc::now();
    let hour = Duration::hours(1);
    assert!(store
        .queue_answer(answer("Li@Acme.example"), now, now - hour)
        .await
        .unwrap());
    // The same address in other letters, within the hour: not queued.
    let soon = now + Duration::minutes(59);
    assert!(!store
        .queue_answer(answer("li@acme.example"), soon, soon - hour)
        .await
        .unwrap());
    // Another address is answered; the first again once the hour is over.
    assert!(store
        .queue_answer(answer("ops@acme.example"), soon, soon - hour)
        .await
        .unwrap());
    let later = now + Duration::minutes(61);
    assert!(store
        .queue_answer(answer("li@acme.example"), later, later - hour)
        .await
        .unwrap());
    assert_eq!(store.due_mail(later, 100).await.unwrap().len(), 3);
}

fn token(purpose: store::TokenPurpose, text: &str, ttl: Duration) -> store::PasswordToken {
    let now = Utc::now();
    store::PasswordToken {
        hash: text.as_bytes().to_vec(),
        purpose,
        created_at: now,
        expires_at: now + ttl,
    }
}

fn mail_to_account(kind: &'static str) -> store::AccountMail {
    std::sync::Arc::new(move |a: &store::MailAccount| store::QueuedMail {
        case_number: None,
        to_address: a.email.clone(),
        account_id: Some(a.id),
        lang: a.locale.clone(),
        payload: format!("{kind} for {}", a.id),
    })
}

#[tokio::test]
async fn an_invitation_is_one_write_and_its_token_works_once() {
    let (store, _dir) = open_store().await;
    let w = world(store.as_ref()).await;
    let mut invited = account("new@acme.example", Role::Contact, false);
    invited.org_id = Some(w.org);
    let id = store
        .invite_account(
            invited,
            token(
                store::TokenPurpose::Invitation,
                "invite-1",
                Duration::days(7),
            ),
            mail_to_account("invitation"),
        )
        .await
        .unwrap();
    let queued = store.due_mail(Utc::now(), 10).await.unwrap();
    assert_eq!(queued.len(), 1);
    assert_eq!(queued[0].to_address, "new@acme.example");
    assert_eq!(queued[0].account_id, Some(id));
    assert_eq!(queued[0].payload, format!("invitation for {id}"));

    // A taken address makes neither the account nor the mail.
    let mut twin = account("NEW@acme.example", Role::Contact, false);
    twin.org_id = Some(w.org);
    let refused = store
        .invite_account(
            twin,
            token(
                store::TokenPurpose::Invitation,
                "invite-2",
                Duration::days(7),
            ),
            mail_to_account("invitation"),
        )
        .await;
    assert!(
        matches!(refused, Err(store::StoreError::Conflict(_))),
        "{refused:?}"
    );
    assert_eq!(store.due_mail(Utc::now(), 10).await.unwrap().len(), 1);

    let now = Utc::now();
    let owner = store
        .password_token_account(b"invite-1".to_vec(), now)
        .await
        .unwrap();
    assert_eq!(owner.map(|a| a.id), Some(id));
    assert!(store
        .password_token_account(b"invite-1".to_vec(), now + Duration::days(8))
        .await
        .unwrap()
        .is_none());
    assert_eq!(
        store
            .spend_password_token(b"invite-1".to_vec(), "$argon2id$new".into(), now)
            .await
            .unwrap(),
        Some(id)
    );
    assert_eq!(
        store
            .credentials("new@acme.example")
            .await
            .unwrap()
            .unwrap()
            .password_hash,
        "$argon2id$new"
    );
    assert!(store
        .spend_password_token(b"invite-1".to_vec(), "$argon2id$again".into(), now)
        .await
        .unwrap()
        .is_none());
}

#[tokio::test]
async fn a_reset_is_made_for_current_accounts_only_and_once_in_a_while() {
    let (store, _dir) = open_store().await;
    let w = world(store.as_ref()).await;
    let ask = |email: &'static str, text: &'static str, not_since| {
        let store = store.clone();
        async move {
            store
                .request_password_reset(
                    email,
                    token(store::TokenPurpose::Reset, text, Duration::hours(1)),
                    mail_to_account("reset"),
                    not_since,
                )
                .await
                .unwrap()
        }
    };
    let long_ago = Utc::now() - Duration::minutes(10);
    assert!(!ask("nobody@acme.example", "r0", long_ago).await);
    assert!(ask("OPS@acme.example", "r1", long_ago).await);
    assert!(
        !ask("ops@acme.example", "r2", long_ago).await,
        "a second reset within the period is not made"
    );
    assert!(ask("ops@acme.example", "r3", Utc::now() + Duration::seconds(1)).await);
    let mails = store.due_mail(Utc::now(), 10).await.unwrap();
    assert_eq!(mails.len(), 2);
    assert!(mails.iter().all(|m| m.account_id == Some(w.contact)));

    // Spending one spends all of the account's tokens, and ends its sessions.
    let session = store
        .create_session(
            w.contact,
            store::TokenPair {
                access_hash: b"access".to_vec(),
                access_expires: Utc::now() + Duration::hours(1),
                refresh_hash: b"refresh".to_vec(),
                refresh_expires: Utc::now() + Duration::days(1),
            },
            Utc::now(),
        )
        .await
        .unwrap();
    assert!(session > 0);
    let now = Utc::now();
    assert_eq!(
        store
            .spend_password_token(b"r3".to_vec(), "$argon2id$x".into(), now)
            .await
            .unwrap(),
        Some(w.contact)
    );
    assert!(store
        .password_token_account(b"r1".to_vec(), now)
        .await
        .unwrap()
        .is_none());
    assert!(store
        .session_by_access(b"access", now)
        .await
        .unwrap()
        .is_none());

    // A removed contact's link is dead.
    assert!(ask("key@acme.example", "k1", long_ago).await);
    store
        .remove_contact(w.org, w.contact, Utc::now())
        .await
        .unwrap();
    assert!(!ask("ops@acme.example", "r4", Utc::now() + Duration::hours(1)).await);
}

#[tokio::test]
async fn pruning_forgets_old_mail_records_and_keeps_recent_ones() {
    let (store, _dir) = open_store().await;
    world(store.as_ref()).await;
    for text in ["old", "new"] {
        store
            .request_password_reset(
                "ops@acme.example",
                token(store::TokenPurpose::Reset, text, Duration::hours(1)),
                mail_to_account("reset"),
                Utc::now() + Duration::seconds(1),
            )
            .await
            .unwrap();
    }
    let now = Utc::now();
    for m in store.due_mail(now, 10).await.unwrap() {
        store
            .mark_mail(m.id, store::MailOutcome::Sent { at: now })
            .await
            .unwrap();
    }
    assert!(store
        .claim_inbound("<in@example>", now, now - Duration::minutes(5))
        .await
        .unwrap());
    store
        .finish_inbound("<in@example>", "comment")
        .await
        .unwrap();
    // Nothing is old enough yet.
    let kept = store
        .prune_mail_records(now - Duration::days(30))
        .await
        .unwrap();
    assert_eq!(kept, store::Pruned::default());
    // A month on, all of it is.
    let pruned = store
        .prune_mail_records(now + Duration::days(30))
        .await
        .unwrap();
    assert_eq!(
        pruned,
        store::Pruned {
            mails: 2,
            inbound: 1,
            tokens: 2
        }
    );
    assert_eq!(
        store.mail_counts().await.unwrap(),
        store::MailCounts::default()
    );
}
