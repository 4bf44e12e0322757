//! Passwords by mail (issue 11): a key contact's invitation and a forgotten password both
//! arrive as a single-use, expiring link through a real SMTP server process, and the link's
//! page sets the password once. On SQLite and (with `CASEWATCH_TEST_DATABASE=postgres`) on
//! PostgreSQL.

mod common;

use common::mail::mail_server;
use common::smtp::{Received, SmtpSink};
use common::{acme, new_case, TestServer};
use reqwest::Method;
use serde_json::json;
use std::time::Duration;

const NEW_CONTACT: &str = "ines.new@acme.example";
const NEW_PASSWORD: &str = "a long new password 42";

/// The set-password link of a mail, pointed at the test server (mails name the public URL).
fn link_in(mail: &Received, s: &TestServer) -> String {
    let text = mail.text();
    let start = text
        .find("https://support.vendor.example/account/password?token=")
        .unwrap_or_else(|| panic!("a set-password link in: {text}"));
    let link: String = text[start..]
        .chars()
        .take_while(|c| !c.is_whitespace() && *c != '>' && *c != ')')
        .collect();
    link.replace("https://support.vendor.example", s.base.as_str())
}

fn token_of(link: &str) -> String {
    link.split("token=").nth(1).unwrap().to_string()
}

async fn login_status(s: &TestServer, email: &str, password: &str) -> u16 {
    s.send(
        Method::POST,
        None,
        "/auth/login",
        Some(json!({"email": email, "password": password})),
        &[],
    )
    .await
    .status
    .as_u16()
}

async fn form_post(s: &TestServer, token: &str, password: &str, repeat: &str) -> (u16, String) {
    // Encoded as a browser does, with the URL type's query encoder.
    let mut url = reqwest::Url::parse("http://form.invalid/").unwrap();
    url.query_pairs_mut()
        .append_pair("token", token)
        .append_pair("password", password)
        .append_pair("repeat", repeat);
    let r = reqwest::Client::new()
        .post(format!("{}/account/password", s.base))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(url.query().unwrap_or_default().to_string())
        .send()
        .await
        .unwrap();
    (r.status().as_u16(), r.text().await.unwrap())
}

#[tokio::test]
async fn an_invited_contact_sets_a_password_once_through_the_link_and_signs_in() {
    let sink = SmtpSink::start();
    let s = mail_server(&sink, |_| {}).await;
    let key = s.login(acme()).await;
    let r = s
        .post(
            &key,
            "/org/contacts",
            json!({"email": NEW_CONTACT, "name": "Inès New"}),
        )
        .await;
    let created = r.assert_status(201);
    assert_eq!(created["invitation_sent"], true);
    assert!(created["initial_password"].is_null(), "{created}");

    let mail = sink.wait_for_mail_to(NEW_CONTACT).await;
    let subject = mail.parsed().subject().unwrap_or_default().to_string();
    assert!(subject.contains("Acme"), "{subject}");
    assert!(mail.text().contains("Li Wei"), "the inviter is named");
    let link = link_in(&mail, &s);
    // No password works before the link is used.
    assert_eq!(login_status(&s, NEW_CONTACT, "").await, 401);

    let page = reqwest::get(&link).await.unwrap();
    assert_eq!(page.status(), 200);
    assert_eq!(page.headers()["referrer-policy"], "no-referrer");
    let html = page.text().await.unwrap();
    assert!(
        html.contains(NEW_CONTACT) && html.contains("<form"),
        "{html}"
    );

    let token = token_of(&link);
    let (status, html) = form_post(&s, &token, NEW_PASSWORD, "something else entirely").await;
    assert_eq!(status, 400);
    assert!(html.contains("differ"), "{html}");
    let (status, html) = form_post(&s, &token, NEW_PASSWORD, NEW_PASSWORD).await;
    assert_eq!(status, 200, "{html}");
    assert!(html.contains("Your password is set"), "{html}");
    assert_eq!(login_status(&s, NEW_CONTACT, NEW_PASSWORD).await, 200);

    // Once only: the page and the API both refuse the spent link.
    let again = reqwest::get(&link).await.unwrap();
    assert_eq!(again.status(), 410);
    s.send(
        Method::POST,
        None,
        "/auth/set-password",
        Some(json!({"token": token, "password": "yet another password"})),
        &[],
    )
    .await
    .assert_problem(422, "token_invalid");
    assert_eq!(login_status(&s, NEW_CONTACT, NEW_PASSWORD).await, 200);
}

#[tokio::test]
async fn a_reset_answers_alike_for_every_address_and_its_link_replaces_the_password() {
    let sink = SmtpSink::start();
    let s = mail_server(&sink, |_| {}).await;
    let old_session = s.login(acme()).await;
    for email in ["nobody@nowhere.example", acme(), "ADMIN@acme.example"] {
        let r = s
            .send(
                Method::POST,
                None,
                "/auth/password-reset",
                Some(json!({ "email": email })),
                &[],
            )
            .await;
        assert_eq!(r.status, 202, "{email}: {:?}", r.body);
        assert!(r.body.is_null(), "no hint either way: {:?}", r.body);
    }
    let mail = sink.wait_for_mail_to(acme()).await;
    assert!(mail.text().contains("expires on"), "{}", mail.text());
    // The second request (other spelling, same account) came within ten minutes: one mail.
    tokio::time::sleep(Duration::from_millis(800)).await;
    assert_eq!(sink.received().len(), 1, "one mail, to the account only");

    let token = token_of(&link_in(&mail, &s));
    s.send(
        Method::POST,
        None,
        "/auth/set-password",
        Some(json!({"token": token, "password": "short"})),
        &[],
    )
    .await
    .assert_problem(400, "invalid_argument");
    let r = s
        .send(
            Method::POST,
            None,
            "/auth/set-password",
            Some(json!({"token": token, "password": NEW_PASSWORD})),
            &[],
        )
        .await;
    assert_eq!(r.status, 204, "{:?}", r.body);
    // The old password and the old session are gone with it.
    assert_eq!(login_status(&s, acme(), common::PW).await, 401);
    assert_eq!(login_status(&s, acme(), NEW_PASSWORD).await, 200);
    s.get(&old_session, "/me")
        .await
        .assert_problem(401, "unauthorized");
}

#[tokio::test]
async fn without_mail_a_contact_gets_a_password_and_a_reset_is_refused_plainly() {
    let s = TestServer::start().await;
    let key = s.login(acme()).await;
    let created = s
        .post(
            &key,
            "/org/contacts",
            json!({"email": NEW_CONTACT, "name": "Inès New"}),
        )
        .await;
    let created = created.assert_status(201);
    assert_eq!(created["invitation_sent"], false);
    let password = created["initial_password"].as_str().unwrap().to_string();
    assert_eq!(login_status(&s, NEW_CONTACT, &password).await, 200);
    s.send(
        Method::POST,
        None,
        "/auth/password-reset",
        Some(json!({"email": acme()})),
        &[],
    )
    .await
    .assert_problem(403, "mail_off");
    // A made-up link explains itself in the browser's language.
    let dead = reqwest::Client::new()
        .get(format!("{}/account/password?token=cwp_made_up", s.base))
        .header("accept-language", "zh-CN,zh;q=0.9")
        .send()
        .await
        .unwrap();
    assert_eq!(dead.status(), 410);
    assert!(dead.text().await.unwrap().contains("此链接已失效"));
}

#[tokio::test]
async fn the_confirmation_shows_the_deadline_in_the_readers_zone_and_the_contracts() {
    let sink = SmtpSink::start();
    let s = mail_server(&sink, |_| {}).await;
    let token = s.login(acme()).await;
    s.patch(&token, "/me", json!({"time_zone": "Mars/Olympus"}))
        .await
        .assert_problem(422, "invalid_argument");
    let prefs = s
        .patch(&token, "/me", json!({"time_zone": "Europe/Berlin"}))
        .await;
    assert_eq!(prefs.assert_status(200)["time_zone"], "Europe/Berlin");
    assert_eq!(
        s.get(&token, "/me").await.assert_status(200)["preferences"]["time_zone"],
        "Europe/Berlin"
    );
    let n = s
        .post(&token, "/cases", new_case("Zones", 1))
        .await
        .assert_status(201)["number"]
        .as_i64()
        .unwrap();
    let mail = sink.wait_for_mail_to(acme()).await;
    let text = mail.text();
    assert!(text.contains(&format!("#{n}")), "{text}");
    let me = s.get(&token, "/me").await;
    let contract_zone = me.assert_status(200)["calendar"]["time_zone"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(text.contains("(Europe/Berlin)"), "{text}");
    assert!(text.contains(&format!("({contract_zone})")), "{text}");
}
