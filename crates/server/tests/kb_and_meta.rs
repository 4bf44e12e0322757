//! Knowledge-base sync, search and import; `/me`; `/healthz`; the OpenAPI document.

mod common;

use common::{acme, TestServer};
use reqwest::Method;
use std::path::PathBuf;

fn urlencode(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// The shared corpus, outside the repository (`../shared/kb-corpus/` from the repo root).
fn corpus() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/kb-corpus/emqx-docs-kb.jsonl")
}

#[tokio::test]
async fn incremental_sync_is_stable_resumable_and_reports_deletions() {
    let s = TestServer::start().await;
    let t = s.login(acme()).await;
    let mut ids = Vec::new();
    let mut cursor = String::new();
    // `total` counts the changes after the cursor, this page's included.
    let mut totals = Vec::new();
    loop {
        let page = s
            .get(&t, &format!("/kb/articles?limit=7&since={cursor}"))
            .await;
        let page = page.assert_status(200).clone();
        totals.push((ids.len(), page["total"].as_u64().unwrap()));
        for a in page["articles"].as_array().unwrap() {
            ids.push(a["id"].as_str().unwrap().to_string());
            assert!(["en", "zh-CN"].contains(&a["locale"].as_str().unwrap()));
            assert!(["guide", "faq", "known-issue"].contains(&a["kind"].as_str().unwrap()));
        }
        cursor = page["next_cursor"].as_str().unwrap().to_string();
        if !page["has_more"].as_bool().unwrap() {
            break;
        }
    }
    assert!(
        ids.len() >= 40,
        "the demo knowledge base has at least 40 articles"
    );
    let mut unique = ids.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), ids.len(), "each article once");
    for (before, total) in &totals {
        assert_eq!(
            before + *total as usize,
            ids.len(),
            "exact total after {before}"
        );
    }
    // Nothing new after the last cursor.
    let tail = s
        .get(&t, &format!("/kb/articles?since={cursor}"))
        .await
        .body;
    assert_eq!(tail["articles"].as_array().unwrap().len(), 0);
    assert_eq!(tail["next_cursor"], cursor.as_str());
    assert_eq!(tail["has_more"], false);
    assert_eq!(tail["total"], 0);

    // A deletion shows up as a tombstone after the cursor, and the article is gone (from
    // search as well).
    let gone = ids[3].clone();
    let title = s.get(&t, &format!("/kb/articles/{gone}")).await.body["title"]
        .as_str()
        .unwrap()
        .to_string();
    let search = format!("/kb/search?limit=50&q={}", urlencode(&title));
    let found = s.get(&t, &search).await.body;
    assert!(found["hits"]
        .as_array()
        .unwrap()
        .iter()
        .any(|h| h["id"] == gone.as_str()));
    let id = gone.clone();
    let admin = s.admin();
    tokio::task::spawn_blocking(move || admin.delete_articles(vec![id]))
        .await
        .unwrap()
        .unwrap();
    let after = s
        .get(&t, &format!("/kb/articles?since={cursor}"))
        .await
        .body;
    assert_eq!(after["deleted"][0]["id"], gone.as_str());
    assert_eq!(after["articles"].as_array().unwrap().len(), 0);
    s.get(&t, &format!("/kb/articles/{gone}"))
        .await
        .assert_problem(404, "not_found");
    let found = s.get(&t, &search).await.body;
    assert!(found["hits"]
        .as_array()
        .unwrap()
        .iter()
        .all(|h| h["id"] != gone.as_str()));
    s.get(&t, &format!("/kb/articles/{}", ids[0]))
        .await
        .assert_status(200);
    s.get(&t, "/kb/articles?since=abc")
        .await
        .assert_problem(400, "invalid_argument");
    s.get(&t, "/kb/articles?limit=0")
        .await
        .assert_problem(400, "invalid_argument");
    s.send(Method::GET, None, "/kb/articles", None, &[])
        .await
        .assert_problem(401, "unauthorized");
}

#[tokio::test]
async fn search_finds_articles_in_both_languages() {
    let s = TestServer::start().await;
    let t = s.login(acme()).await;
    let en = s.get(&t, "/kb/search?q=snapshot&locale=en").await;
    let hits = en.assert_status(200)["hits"].as_array().unwrap().clone();
    assert!(!hits.is_empty(), "English search finds something");
    assert!(hits.iter().all(|h| h["locale"] == "en"));
    assert!(hits
        .windows(2)
        .all(|w| w[0]["score"].as_f64() >= w[1]["score"].as_f64()));
    assert!(
        hits.iter()
            .any(|h| h["snippet"].as_str().unwrap().contains("<mark>")),
        "snippets mark the matches"
    );
    let zh = s
        .get(&t, "/kb/search?q=%E9%9B%86%E7%BE%A4&locale=zh-CN")
        .await; // 集群
    let hits = zh.assert_status(200)["hits"].as_array().unwrap().clone();
    assert!(!hits.is_empty(), "Chinese search finds something");
    assert!(hits.iter().all(|h| h["locale"] == "zh-CN"));
    let none = s.get(&t, "/kb/search?q=zzzyyyxxx").await;
    assert_eq!(none.assert_status(200)["hits"].as_array().unwrap().len(), 0);
    s.get(&t, "/kb/search?q=x&locale=fr")
        .await
        .assert_problem(400, "invalid_argument");
}

#[tokio::test]
async fn import_kb_keeps_ids_and_is_repeatable() {
    let path = corpus();
    assert!(path.exists(), "the shared corpus is at {}", path.display());
    let s = TestServer::start().await;
    let admin = s.admin();
    let (first, second) = tokio::task::spawn_blocking(move || {
        (
            admin.import_kb(&path).unwrap(),
            admin.import_kb(&path).unwrap(),
        )
    })
    .await
    .unwrap();
    assert!(first.read > 600);
    assert_eq!(first.changed, first.read);
    assert_eq!(
        second.changed, 0,
        "re-importing unchanged articles changes nothing"
    );
    let t = s.login(acme()).await;
    let a = s.get(&t, "/kb/articles/en/index").await;
    assert_eq!(a.assert_status(200)["id"], "en/index");
    assert_eq!(a.body["title"], "EMQX Overview");
    let hits = s.get(&t, "/kb/search?q=MQTT&locale=en&limit=5").await;
    assert_eq!(hits.assert_status(200)["hits"].as_array().unwrap().len(), 5);
    // A bad file is refused as a whole.
    let bad = s.dir.path().join("bad.jsonl");
    std::fs::write(
        &bad,
        "{\"id\":\"a\",\"locale\":\"fr\",\"title\":\"t\",\"body\":\"b\",\"kind\":\"guide\"}\n",
    )
    .unwrap();
    let admin = s.admin();
    let err = tokio::task::spawn_blocking(move || admin.import_kb(&bad))
        .await
        .unwrap()
        .unwrap_err();
    assert_eq!(err.code, "invalid_argument");
}

#[tokio::test]
async fn me_answers_with_the_cores_entitlements() {
    let s = TestServer::start().await;
    for (email, level, severities, phone, kind) in [
        (
            "admin@acme.example",
            "premium",
            vec![1, 2, 3],
            true,
            "advisory",
        ),
        (
            "admin@umbrella.example",
            "limited",
            vec![1, 2, 3],
            false,
            "break-fix",
        ),
        (
            "admin@globex.example",
            "gold",
            vec![1, 2, 3],
            true,
            "break-fix",
        ),
        (
            "ops@initech.example",
            "development",
            vec![4],
            true,
            "break-fix",
        ),
    ] {
        let t = s.login(email).await;
        let me = s.get(&t, "/me").await.assert_status(200).clone();
        assert_eq!(me["user"]["email"], email);
        assert_eq!(me["contract"]["support_level"], level);
        assert_eq!(
            me["entitlements"]["severities"],
            serde_json::json!(severities)
        );
        assert_eq!(me["entitlements"]["phone_callback"], phone);
        assert_eq!(me["entitlements"]["support_kind"], kind);
        assert!(me["calendar"]["time_zone"].is_string());
        assert_eq!(me["organisation"]["demo"], true);
    }
    let globex = s.login("admin@globex.example").await;
    let me = s.get(&globex, "/me").await.body;
    assert_eq!(me["contract"]["legacy"], true);
    assert_eq!(me["calendar"]["time_zone"], "America/New_York");
    let umbrella = s.login("admin@umbrella.example").await;
    let me = s.get(&umbrella, "/me").await.body;
    assert_eq!(me["entitlements"]["best_effort"]["unit"], "business_days");
    // The demo links its (fictional) community forum, for the apps to show (SPEC §9).
    assert_eq!(
        me["community_url"],
        casewatch_server::DEMO_COMMUNITY_URL,
        "{me}"
    );
}

#[tokio::test]
async fn health_and_openapi_describe_the_server() {
    let s = TestServer::start().await;
    let h = s.send(Method::GET, None, "/healthz", None, &[]).await;
    assert_eq!(h.assert_status(200)["status"], "ok");
    let doc = s.send(Method::GET, None, "/openapi.json", None, &[]).await;
    let doc = doc.assert_status(200).clone();
    assert!(doc["openapi"].as_str().unwrap().starts_with("3."));
    let paths = doc["paths"].as_object().unwrap();
    for p in [
        "/api/v1/auth/login",
        "/api/v1/auth/refresh",
        "/api/v1/auth/logout",
        "/api/v1/me",
        "/api/v1/kb/articles",
        "/api/v1/kb/articles/{id}",
        "/api/v1/kb/search",
        "/api/v1/cases",
        "/api/v1/cases/{number}",
        "/api/v1/cases/{number}/comments",
        "/api/v1/cases/{number}/attachments",
        "/api/v1/cases/{number}/callback",
        "/api/v1/attachments/{id}",
        "/api/v1/org/contacts",
        "/api/v1/org/contacts/{id}",
        "/api/v1/agent/queue",
        "/api/v1/agent/cases/{number}/reply",
        "/api/v1/agent/cases/{number}/assign",
        "/healthz",
    ] {
        assert!(paths.contains_key(p), "the document describes {p}");
    }
    let schemas = doc["components"]["schemas"].as_object().unwrap();
    for s in [
        "Problem",
        "NewCase",
        "Case",
        "TokenResponse",
        "KbSyncPage",
        "Me",
    ] {
        assert!(schemas.contains_key(s), "schema {s}");
    }
}
