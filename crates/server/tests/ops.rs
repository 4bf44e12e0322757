//! What an operator relies on, over real HTTP: the liveness and readiness probes, the
//! Prometheus metrics (their content moves with what the server does, and their labels stay
//! route templates), and the client address behind a trusted reverse proxy as login throttling
//! sees it.

mod common;

use common::{acme, new_case, TestServer, PW};
use reqwest::Method;
use serde_json::json;

/// `GET /metrics` as text, after checking its content type and that every sample line has the
/// exposition format's shape.
async fn scrape(s: &TestServer) -> String {
    let r = s
        .http
        .get(format!("{}/metrics", s.base))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(
        r.headers()["content-type"],
        "text/plain; version=0.0.4; charset=utf-8"
    );
    let text = r.text().await.unwrap();
    for line in text.lines().filter(|l| !l.starts_with('#')) {
        let (series, value) = line
            .rsplit_once(' ')
            .unwrap_or_else(|| panic!("not a sample: {line}"));
        assert!(value.parse::<f64>().is_ok(), "not a number in: {line}");
        let name_end = series.find('{').unwrap_or(series.len());
        assert!(
            series[..name_end]
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'_'),
            "bad metric name in: {line}"
        );
        if name_end < series.len() {
            assert!(series.ends_with('}'), "unclosed labels in: {line}");
        }
    }
    text
}

/// The value of one series (exact name and labels), if reported.
fn sample(text: &str, series: &str) -> Option<f64> {
    text.lines()
        .find_map(|l| l.strip_prefix(series)?.strip_prefix(' ')?.parse().ok())
}

#[tokio::test]
async fn health_and_readiness_answer() {
    let s = TestServer::start().await;
    let h = s.send(Method::GET, None, "/healthz", None, &[]).await;
    assert_eq!(h.assert_status(200)["status"], "ok");
    assert_eq!(h.body["demo"], true);
    let r = s
        .http
        .get(format!("{}/readyz", s.base))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let body: serde_json::Value = r.json().await.unwrap();
    assert_eq!(body["status"], "ready");
}

#[tokio::test]
async fn metrics_follow_requests_and_open_cases() {
    let s = TestServer::start().await;
    let before = scrape(&s).await;
    let open_before = sample(&before, "casewatch_open_cases{severity=\"2\"}")
        .expect("open severity-2 cases are reported");
    assert_eq!(sample(&before, "casewatch_database_up"), Some(1.0));
    for severity in 1..=4 {
        assert!(
            sample(
                &before,
                &format!("casewatch_open_cases{{severity=\"{severity}\"}}")
            )
            .is_some(),
            "severity {severity} is reported even when empty"
        );
    }

    let token = s.login(acme()).await;
    let created = s.post(&token, "/cases", new_case("metrics", 2)).await;
    let number = created.assert_status(201)["number"].as_i64().unwrap();
    s.get(&token, &format!("/cases/{number}"))
        .await
        .assert_status(200);
    s.get(&token, "/cases/999999").await.assert_status(404);
    s.send(Method::GET, None, "/no/such/path/12345", None, &[])
        .await
        .assert_status(404);

    let after = scrape(&s).await;
    assert_eq!(
        sample(&after, "casewatch_open_cases{severity=\"2\"}"),
        Some(open_before + 1.0),
        "the new case is counted as open"
    );
    let posts =
        "casewatch_http_requests_total{route=\"/api/v1/cases\",method=\"POST\",status=\"201\"}";
    assert_eq!(sample(&after, posts), Some(1.0));
    assert_eq!(
        sample(
            &after,
            "casewatch_http_requests_total{route=\"/api/v1/auth/login\",method=\"POST\",status=\"200\"}"
        ),
        Some(1.0)
    );
    // Case numbers are folded into the route template, found or not.
    let one_case = "route=\"/api/v1/cases/{number}\",method=\"GET\"";
    assert_eq!(
        sample(
            &after,
            &format!("casewatch_http_requests_total{{{one_case},status=\"200\"}}")
        ),
        Some(1.0)
    );
    assert_eq!(
        sample(
            &after,
            &format!("casewatch_http_requests_total{{{one_case},status=\"404\"}}")
        ),
        Some(1.0)
    );
    assert_eq!(
        sample(
            &after,
            "casewatch_http_requests_total{route=\"unmatched\",method=\"GET\",status=\"404\"}"
        ),
        Some(1.0)
    );
    // Only the label values are looked at: a histogram's sum may well contain "12345".
    let routes: Vec<&str> = after
        .split("route=\"")
        .skip(1)
        .filter_map(|rest| rest.split('"').next())
        .collect();
    assert!(
        routes.iter().all(|route| !route.contains("999999")
            && !route.contains("12345")
            && *route != format!("/api/v1/cases/{number}")),
        "raw paths never become labels: {routes:?}"
    );
    // The first scrape itself was counted before the second was written.
    assert_eq!(
        sample(
            &after,
            "casewatch_http_requests_total{route=\"/metrics\",method=\"GET\",status=\"200\"}"
        ),
        Some(1.0)
    );
    // The histogram: one observation, counted in +Inf and in the count.
    let labels = "route=\"/api/v1/cases\",method=\"POST\"";
    assert_eq!(
        sample(
            &after,
            &format!("casewatch_http_request_duration_seconds_count{{{labels}}}")
        ),
        Some(1.0)
    );
    assert_eq!(
        sample(
            &after,
            &format!("casewatch_http_request_duration_seconds_bucket{{{labels},le=\"+Inf\"}}")
        ),
        Some(1.0)
    );
    assert!(sample(
        &after,
        &format!("casewatch_http_request_duration_seconds_sum{{{labels}}}")
    )
    .is_some_and(|s| s > 0.0));
    assert!(after.contains("# TYPE casewatch_http_request_duration_seconds histogram\n"));
    assert!(after.contains("# TYPE casewatch_http_requests_total counter\n"));
    assert!(after.contains("# TYPE casewatch_open_cases gauge\n"));
}

/// Fails a login for a made-up account (so only the per-address count can trip), forwarded
/// for `forwarded`; returns the status.
async fn fail_login(s: &TestServer, i: usize, forwarded: &str) -> u16 {
    let r = s
        .send(
            Method::POST,
            None,
            "/auth/login",
            Some(json!({"email": format!("nobody{i}@nowhere.example"), "password": "wrong password"})),
            &[("x-forwarded-for", forwarded)],
        )
        .await;
    r.status.as_u16()
}

#[tokio::test]
async fn behind_a_trusted_proxy_throttling_counts_the_forwarded_client() {
    let s = TestServer::start_with(|c| {
        // The test connects from 127.0.0.1: it plays the proxy.
        c.trusted_proxies = vec!["127.0.0.1/32".parse().unwrap()];
        c.throttle.per_account = 100;
        c.throttle.per_address = 3;
    })
    .await;
    for i in 0..3 {
        assert_eq!(fail_login(&s, i, "198.51.100.1").await, 401);
    }
    // That client is now throttled, even with the right password…
    let r = s
        .send(
            Method::POST,
            None,
            "/auth/login",
            Some(json!({"email": acme(), "password": PW})),
            &[("x-forwarded-for", "198.51.100.1")],
        )
        .await;
    r.assert_problem(429, "rate_limited");
    // …and whatever it writes left of the address the proxy appended.
    assert_eq!(fail_login(&s, 10, "203.0.113.50, 198.51.100.1").await, 429);
    // Other clients behind the same proxy are not: the proxy's address is not what counts.
    assert_eq!(fail_login(&s, 11, "198.51.100.2").await, 401);
    assert_eq!(fail_login(&s, 12, "198.51.100.1, 198.51.100.3").await, 401);
    let ok = s
        .send(
            Method::POST,
            None,
            "/auth/login",
            Some(json!({"email": acme(), "password": PW})),
            &[("x-forwarded-for", "198.51.100.4")],
        )
        .await;
    ok.assert_status(200);
}

#[tokio::test]
async fn from_an_untrusted_peer_a_forged_forwarded_for_is_ignored() {
    let s = TestServer::start_with(|c| {
        // A proxy is configured, but the test's 127.0.0.1 is not it.
        c.trusted_proxies = vec!["10.0.0.0/8".parse().unwrap()];
        c.throttle.per_account = 100;
        c.throttle.per_address = 3;
    })
    .await;
    // A new made-up client address on every attempt does not buy more attempts.
    for i in 0..3 {
        assert_eq!(
            fail_login(&s, i, &format!("198.51.100.{}", 20 + i)).await,
            401
        );
    }
    assert_eq!(fail_login(&s, 3, "198.51.100.99").await, 429);
    assert_eq!(fail_login(&s, 4, "10.0.0.1").await, 429);
}
