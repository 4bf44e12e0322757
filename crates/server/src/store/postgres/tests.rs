//! The PostgreSQL backend's own guarantees, against a real PostgreSQL started by the tests
//! (the server test suite checks everything else on both backends through HTTP): migrations
//! under concurrency and a newer schema refused, an unreachable database reported as
//! unavailable, leases held by one instance at a time, racing idempotent filings.

#[path = "../../../tests/common/pg.rs"]
mod pg;

use super::*;
use casewatch_core::{Calendar, CaseType, Deployment, Environment, Severity, Subscription};

async fn fresh() -> (String, Arc<PgStore>) {
    let url = tokio::task::spawn_blocking(pg::fresh_database)
        .await
        .unwrap();
    let store = open(&url, Some(4)).await.unwrap();
    (url, store)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn instances_starting_together_migrate_once() {
    let url = tokio::task::spawn_blocking(pg::fresh_database)
        .await
        .unwrap();
    let opens: Vec<_> = (0..4)
        .map(|_| {
            let url = url.clone();
            tokio::spawn(async move { open(&url, Some(2)).await.map(drop) })
        })
        .collect();
    for o in opens {
        o.await.unwrap().unwrap();
    }
    let store = open(&url, Some(2)).await.unwrap();
    assert_eq!(
        store.schema_version().await.unwrap(),
        migrate::MIGRATIONS.len() as i64
    );
    let rows = store
        .query("SELECT COUNT(*) FROM schema_migrations", &[])
        .await
        .unwrap();
    assert_eq!(
        col::<i64>(&rows[0], 0).unwrap(),
        migrate::MIGRATIONS.len() as i64
    );
}

#[tokio::test]
async fn a_newer_schema_is_refused_with_both_versions() {
    let (url, store) = fresh().await;
    store
        .query(
            "INSERT INTO schema_migrations(version, name, applied_at) VALUES (99, 'future', 0)",
            &[],
        )
        .await
        .unwrap();
    match open(&url, None).await {
        Err(StoreError::SchemaTooNew { found, supported }) => {
            assert_eq!(found, 99);
            assert_eq!(supported, migrate::MIGRATIONS.len() as i64);
        }
        Err(other) => panic!("expected SchemaTooNew, got {other}"),
        Ok(_) => panic!("a newer schema was accepted"),
    }
}

#[tokio::test]
async fn an_unreachable_database_is_unavailable_not_internal() {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let url = format!("postgres://nobody@127.0.0.1:{port}/none?sslmode=disable&pool_timeout=2");
    match open(&url, None).await {
        Err(StoreError::Unavailable(_)) => {}
        Err(other) => panic!("expected Unavailable, got {other}"),
        Ok(_) => panic!("opened a database that is not there"),
    }
}

#[tokio::test]
async fn a_lease_has_one_holder_until_it_lapses_or_is_released() {
    let (_, store) = fresh().await;
    let long = Duration::from_secs(60);
    assert!(store.try_lease("deadlines", "a", long).await.unwrap());
    assert!(!store.try_lease("deadlines", "b", long).await.unwrap());
    assert!(
        store.try_lease("deadlines", "a", long).await.unwrap(),
        "renewal"
    );
    assert!(
        store.try_lease("mail", "b", long).await.unwrap(),
        "another job"
    );
    store.release_lease("deadlines", "b").await.unwrap();
    assert!(
        !store.try_lease("deadlines", "b", long).await.unwrap(),
        "not b's to release"
    );
    store.release_lease("deadlines", "a").await.unwrap();
    assert!(store
        .try_lease("deadlines", "b", Duration::ZERO)
        .await
        .unwrap());
    assert!(
        store.try_lease("deadlines", "c", long).await.unwrap(),
        "lapsed"
    );
}

fn account(email: &str, role: casewatch_api::Role) -> NewAccount {
    NewAccount {
        org_id: None,
        email: email.into(),
        name: email.into(),
        role,
        key_contact: role == casewatch_api::Role::Contact,
        password_hash: "x".into(),
        created_at: Utc::now(),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_idempotency_key_sent_to_two_instances_files_one_case() {
    let (url, a) = fresh().await;
    let b = open(&url, Some(4)).await.unwrap();
    let org = OrgInsert {
        slug: "acme".into(),
        name: "Acme".into(),
        contract: casewatch_core::Contract::existing(
            Deployment::Cloud,
            Subscription::Enterprise,
            None,
        )
        .unwrap(),
        calendar: Calendar::parse("UTC", "mon-fri 09:00-17:00", &[], None).unwrap(),
        demo: false,
        created_at: Utc::now(),
    };
    let (org_id, contact) = a
        .create_org(
            org,
            Some(account("k@acme.example", casewatch_api::Role::Contact)),
        )
        .await
        .unwrap();
    let contact = contact.unwrap();
    assert!(matches!(
        b.create_account(account("K@ACME.example", casewatch_api::Role::Engineer))
            .await,
        Err(StoreError::Conflict(_))
    ));
    let insert = CaseInsert {
        org_id,
        opened_by: contact,
        case_type: CaseType::Problem,
        severity: Severity::NORMAL,
        environment: Environment::Production,
        product: "p".into(),
        version: "1".into(),
        subject: "s".into(),
        situation: "x".into(),
        impact: "y".into(),
        cc: vec![],
        maintenance_window: None,
        created_at: Utc::now(),
        due_at: None,
    };
    let key = |hash: u8| IdempotencyKey {
        user_id: contact,
        scope: "cases".into(),
        key: "k1".into(),
        request_hash: vec![hash; 32],
    };
    let mut tasks = Vec::new();
    for store in [a.clone(), b.clone(), a.clone(), b.clone()] {
        let (insert, key) = (insert.clone(), key(1));
        tasks.push(tokio::spawn(async move {
            store.create_case(insert, Some(key)).await
        }));
    }
    let mut numbers = Vec::new();
    let mut replays = 0;
    for t in tasks {
        let (case, replayed) = t.await.unwrap().unwrap();
        numbers.push(case.number);
        replays += usize::from(replayed);
    }
    numbers.dedup();
    assert_eq!(numbers.len(), 1, "one case: {numbers:?}");
    assert_eq!(replays, 3);
    assert!(matches!(
        b.create_case(insert, Some(key(2))).await,
        Err(StoreError::IdempotencyConflict)
    ));
}
