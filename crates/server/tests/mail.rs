//! Outgoing e-mail end to end (issue 11): a real SMTP server process ([`common::smtp`])
//! receives what the support centre sends, on SQLite and (with `CASEWATCH_TEST_DATABASE=postgres`)
//! on PostgreSQL.

mod common;

use common::mail::{file_case, mail_server, refused_start};
use common::smtp::{Received, SmtpSink, FROM};
use common::{acme, new_case, TestServer};
use mail_parser::MimeHeaders;
use serde_json::json;
use std::time::Duration;

const ENGINEER: &str = "engineer@vendor.example";

async fn server(sink: &SmtpSink) -> TestServer {
    mail_server(sink, |_| {}).await
}

fn text(m: &Received) -> String {
    m.text()
}

fn html(m: &Received) -> String {
    m.html()
}

#[tokio::test]
async fn a_new_case_is_confirmed_to_its_opener_and_announced_to_its_engineer() {
    let sink = SmtpSink::start();
    let s = server(&sink).await;
    let token = s.login(acme()).await;
    let n = file_case(&s, &token, "Search times out").await;

    let confirmation = sink.wait_for_mail_to(acme()).await;
    let parsed = confirmation.parsed();
    assert_eq!(
        parsed.subject(),
        Some(format!("[Case #{n}] Search times out").as_str())
    );
    let ct = parsed.content_type().expect("a content type");
    assert_eq!(
        (ct.ctype(), ct.subtype()),
        ("multipart", Some("alternative"))
    );
    let reply_to = parsed.header_raw("Reply-To").expect("a Reply-To");
    assert!(
        reply_to.contains("support+") && reply_to.contains("@vendor.example"),
        "a plus-address of the support address: {reply_to}"
    );
    let body = text(&confirmation);
    assert!(body.contains("Initial response due"), "{body}");
    assert!(body.contains(&format!("casewatch://case/{n}")), "{body}");
    assert!(html(&confirmation).contains("Search times out"));

    let notice = sink.wait_for_mail_to(ENGINEER).await;
    assert_eq!(
        notice.parsed().subject(),
        Some(format!("[Case #{n}] Search times out").as_str())
    );
    // Nobody else: the second contact keeps the default (`mine`) and is not on the case.
    let all = sink.received();
    assert_eq!(
        all.len(),
        2,
        "{:?}",
        all.iter().map(|m| &m.to).collect::<Vec<_>>()
    );
}

#[tokio::test]
async fn mail_waits_for_a_relay_that_is_down_and_survives_a_restart() {
    let mut sink = SmtpSink::start();
    let mut s = server(&sink).await;
    let token = s.login(acme()).await;
    sink.stop();
    let n = file_case(&s, &token, "Filed while the relay is down").await;
    // The server stops with the mail still queued and starts again.
    s.stop().await;
    let again = s.start_again(|_| {}).await;
    sink.restart();
    let m = sink.wait_for_mail_to(acme()).await;
    assert_eq!(
        m.parsed().subject(),
        Some(format!("[Case #{n}] Filed while the relay is down").as_str())
    );
    drop(again);
}

#[tokio::test]
async fn a_contact_who_chose_chinese_gets_chinese_mail() {
    let sink = SmtpSink::start();
    let s = server(&sink).await;
    let token = s.login(acme()).await;
    let prefs = s
        .patch(&token, "/me", json!({"locale": "zh-CN"}))
        .await
        .assert_status(200)
        .clone();
    assert_eq!(
        prefs,
        json!({"locale": "zh-CN", "mail": "mine", "time_zone": null})
    );
    assert_eq!(
        s.get(&token, "/me").await.assert_status(200)["preferences"],
        json!({"locale": "zh-CN", "mail": "mine", "time_zone": null})
    );
    file_case(&s, &token, "中文主题").await;
    let m = sink.wait_for_mail_to(acme()).await;
    let body = text(&m);
    assert!(body.contains("已创建案件"), "{body}");
    assert!(body.contains("首次响应截止时间"), "{body}");
    assert!(m.parsed().subject().is_some_and(|s| s.contains("中文主题")));
}

#[tokio::test]
async fn an_engineers_markdown_arrives_rendered_and_inert() {
    let sink = SmtpSink::start();
    let s = server(&sink).await;
    let token = s.login(acme()).await;
    let n = file_case(&s, &token, "Please look").await;
    sink.wait_for(|r| r.len() == 2).await;
    let engineer = s.login(ENGINEER).await;
    s.post(
        &engineer,
        &format!("/agent/cases/{n}/reply"),
        json!({"body": "**Fixed** in 8.4.2 <script>alert('x')</script>"}),
    )
    .await
    .assert_status(201);
    let got = sink
        .wait_for(|r| r.iter().filter(|m| m.is_to(acme())).count() == 2)
        .await;
    let reply = got.iter().filter(|m| m.is_to(acme())).nth(1).unwrap();
    let html = html(reply);
    assert!(html.contains("<strong>Fixed</strong>"), "{html}");
    assert!(!html.to_lowercase().contains("<script"), "{html}");
    assert!(text(reply).contains("Fixed"));
}

#[tokio::test]
async fn a_solved_case_and_a_requested_callback_are_mailed() {
    let sink = SmtpSink::start();
    let s = server(&sink).await;
    let token = s.login(acme()).await;
    let n = file_case(&s, &token, "Call and solve").await;
    let soon = chrono::Utc::now() + chrono::Duration::hours(2);
    s.post(
        &token,
        &format!("/cases/{n}/callback"),
        json!({"windows": [{"start": soon, "end": soon + chrono::Duration::hours(1)}]}),
    )
    .await
    .assert_status(201);
    let to_acme = |r: &[Received]| r.iter().filter(|m| m.is_to(acme())).count();
    let got = sink.wait_for(|r| to_acme(r) == 2).await;
    let callback = got.iter().filter(|m| m.is_to(acme())).nth(1).unwrap();
    assert!(
        text(callback).contains("will call you"),
        "{}",
        text(callback)
    );

    s.patch(&token, &format!("/cases/{n}"), json!({"status": "solved"}))
        .await
        .assert_status(200);
    let got = sink.wait_for(|r| to_acme(r) == 3).await;
    let solved = got.iter().filter(|m| m.is_to(acme())).nth(2).unwrap();
    assert!(
        text(solved).contains("marked as solved"),
        "{}",
        text(solved)
    );
    assert_eq!(
        solved.parsed().subject(),
        Some(format!("[Case #{n}] Call and solve").as_str())
    );
    // Mails of one case thread together.
    let root = solved
        .parsed()
        .header_raw("References")
        .unwrap_or_default()
        .to_string();
    assert!(root.contains(&format!("case-{n}@vendor.example")), "{root}");
}

#[tokio::test]
async fn a_contact_who_wants_no_case_mail_gets_none() {
    let sink = SmtpSink::start();
    let s = server(&sink).await;
    let token = s.login(acme()).await;
    s.patch(&token, "/me", json!({"mail": "none"}))
        .await
        .assert_status(200);
    file_case(&s, &token, "Quietly").await;
    // The engineer's notice is queued after the confirmation in the same transaction and sent
    // after it: once it is here, a confirmation would be too.
    let got = sink.wait_for(|r| r.iter().any(|m| m.is_to(ENGINEER))).await;
    assert!(!got.iter().any(|m| m.is_to(acme())));
}

#[tokio::test]
async fn a_contact_who_wants_all_mail_hears_of_colleagues_cases() {
    let sink = SmtpSink::start();
    let s = server(&sink).await;
    let ops = s.login("ops@acme.example").await;
    s.patch(&ops, "/me", json!({"mail": "all"}))
        .await
        .assert_status(200);
    let token = s.login(acme()).await;
    file_case(&s, &token, "For everyone").await;
    sink.wait_for(|r| {
        r.iter().any(|m| m.is_to("ops@acme.example")) && r.iter().any(|m| m.is_to(acme()))
    })
    .await;
}

async fn metrics(s: &TestServer) -> String {
    s.http
        .get(format!("{}/metrics", s.base))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap()
}

/// Polls `/metrics` until the mail queue holds nothing queued; answers that scrape.
async fn queue_drained(s: &TestServer) -> String {
    for _ in 0..1200 {
        let m = metrics(s).await;
        if m.contains("casewatch_mail_queue{state=\"queued\"} 0") {
            return m;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("the mail queue never drained: {}", metrics(s).await);
}

#[tokio::test]
async fn a_cc_address_the_relay_refuses_is_given_up_at_once() {
    let sink = SmtpSink::start();
    let s = server(&sink).await;
    let token = s.login(acme()).await;
    let mut case = new_case("With a bad CC", 2);
    case["cc"] = json!(["bounce@customer.example"]);
    s.post(&token, "/cases", case).await.assert_status(201);
    // The CC's row comes between the opener's and the engineer's and is marked before the
    // engineer's is sent.
    sink.wait_for(|r| r.iter().any(|m| m.is_to(ENGINEER))).await;
    let m = queue_drained(&s).await;
    assert!(
        m.contains("casewatch_mail_queue{state=\"failed\"} 1"),
        "{m}"
    );
    assert!(m.contains("casewatch_mail_queue{state=\"sent\"} 2"), "{m}");
    assert!(!sink
        .received()
        .iter()
        .any(|m| m.is_to("bounce@customer.example")));
}

#[tokio::test]
async fn unknown_mail_settings_are_refused() {
    let sink = SmtpSink::start();
    let s = server(&sink).await;
    let token = s.login(acme()).await;
    let r = s.patch(&token, "/me", json!({"locale": "fr"})).await;
    assert_eq!(r.status.as_u16(), 400, "{}", r.body);
    assert!(r.body["code"].is_string());
    let r = s.patch(&token, "/me", json!({"mail": "some"})).await;
    assert_eq!(r.status.as_u16(), 400, "{}", r.body);
    assert_eq!(
        s.get(&token, "/me").await.assert_status(200)["preferences"],
        json!({"locale": "en", "mail": "mine", "time_zone": null})
    );
}

#[tokio::test]
async fn two_instances_send_each_mail_once() {
    let sink = SmtpSink::start();
    let a = server(&sink).await;
    let b = a.start_again(|_| {}).await;
    let (ta, tb) = (a.login(acme()).await, b.login(acme()).await);
    for i in 0..3 {
        file_case(&a, &ta, &format!("on a {i}")).await;
        file_case(&b, &tb, &format!("on b {i}")).await;
    }
    // Six confirmations and six notices; then the queue is empty on both.
    sink.wait_for(|r| r.len() >= 12).await;
    let m = queue_drained(&a).await;
    assert!(m.contains("casewatch_mail_queue{state=\"sent\"} 12"), "{m}");
    assert_eq!(sink.received().len(), 12);
}

#[tokio::test]
async fn without_a_relay_no_mail_is_queued() {
    let s = TestServer::start().await;
    let token = s.login(acme()).await;
    file_case(&s, &token, "No mail").await;
    let m = metrics(&s).await;
    assert!(!m.contains("casewatch_mail_queue"), "{m}");
    // The settings exist whether or not mail is on.
    s.patch(&token, "/me", json!({"mail": "all"}))
        .await
        .assert_status(200);
}

#[tokio::test]
async fn unusable_mail_settings_stop_the_start() {
    let dir = tempfile::tempdir().unwrap();
    let mut config = common::test_config(dir.path());
    config.smtp_url = Some("smtp://127.0.0.1:25".into());
    let err = refused_start(config.clone()).await;
    assert!(err.contains("--mail-from"), "{err}");
    config.mail_from = Some(FROM.into());
    config.smtp_url = Some("ftp://mailer:topsecret@mail.example".into());
    let err = refused_start(config).await;
    assert!(err.contains("--smtp-url"), "{err}");
    assert!(!err.contains("topsecret"), "{err}");
}
