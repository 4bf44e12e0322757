//! Incoming e-mail end to end (issue 11, item 3): raw messages posted to
//! `POST /api/v1/mail/inbound` as `casewatch server mailgate` posts them, a real SMTP server
//! process ([`common::smtp`]) receiving what the support centre answers, on SQLite and (with
//! `CASEWATCH_TEST_DATABASE=postgres`) on PostgreSQL. The reply addresses are the ones the
//! server itself put in the `Reply-To` of its mails.

mod common;

use common::mail::{file_case, mail_server, refused_start};
use common::smtp::{Received, SmtpSink, FROM};
use common::{acme, into_resp, Resp, TestServer};
use serde_json::{json, Value};
use std::path::Path;
use std::sync::atomic::{AtomicU32, Ordering};

const SECRET: &str = "a-mailgate-secret-for-the-tests";
const OPS: &str = "ops@acme.example";
const OTHER_ORG: &str = "admin@umbrella.example";
const DEVELOPMENT: &str = "admin@initech.example";
const ENGINEER: &str = "engineer@vendor.example";

async fn server(sink: &SmtpSink) -> TestServer {
    mail_server(sink, |c| c.mailgate_secret = Some(SECRET.into())).await
}

/// Posts a raw message as the mailgate does.
async fn post_mail_with(s: &TestServer, secret: &str, content_type: &str, raw: &[u8]) -> Resp {
    let resp = s
        .http
        .post(s.url("/mail/inbound"))
        .bearer_auth(secret)
        .header("content-type", content_type)
        .body(raw.to_vec())
        .send()
        .await
        .expect("request");
    into_resp(resp).await
}

/// Posts a raw message and answers the server's account of it (status 200 asserted).
async fn post_mail(s: &TestServer, raw: &[u8]) -> Value {
    post_mail_with(s, SECRET, "message/rfc822", raw)
        .await
        .assert_status(200)
        .clone()
}

/// A unique Message-ID per message of the test binary.
fn message_id() -> String {
    static N: AtomicU32 = AtomicU32::new(0);
    format!(
        "<t{}.{}@customer.example>",
        std::process::id(),
        N.fetch_add(1, Ordering::Relaxed)
    )
}

/// A plain-text message.
fn message(from: &str, to: &str, subject: &str, body: &str, extra: &str) -> Vec<u8> {
    format!(
        "From: {from}\r\nTo: {to}\r\nSubject: {subject}\r\nMessage-ID: {}\r\n{extra}\
         MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n{body}\r\n",
        message_id()
    )
    .into_bytes()
}

/// A message with one attached file.
fn with_attachment(from: &str, to: &str, subject: &str, body: &str) -> Vec<u8> {
    format!(
        "From: {from}\r\nTo: {to}\r\nSubject: {subject}\r\nMessage-ID: {}\r\nMIME-Version: 1.0\r\n\
         Content-Type: multipart/mixed; boundary=\"b\"\r\n\r\n\
         --b\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n{body}\r\n\
         --b\r\nContent-Type: text/plain; name=\"server.log\"\r\n\
         Content-Disposition: attachment; filename=\"server.log\"\r\n\r\n\
         ERROR queue stalled\r\n--b--\r\n",
        message_id()
    )
    .into_bytes()
}

/// A corpus message with its `From` and `To` replaced (folded continuations too), a Message-ID
/// of its own (some samples share one) and the delivery headers dropped, as if `from` had
/// answered a mail sent to `to`'s owner.
fn readdressed(raw: &[u8], from: &str, to: &str) -> Vec<u8> {
    let text = String::from_utf8_lossy(raw).replace("\r\n", "\n");
    let (head, body) = text.split_once("\n\n").expect("headers and a body");
    let mut out = Vec::new();
    let mut skipping = false;
    for line in head.lines() {
        if skipping && line.starts_with([' ', '\t']) {
            continue;
        }
        skipping = false;
        let name = line.split(':').next().unwrap_or("").to_ascii_lowercase();
        match name.as_str() {
            "from" => out.push(format!("From: {from}")),
            "to" => out.push(format!("To: {to}")),
            "message-id" => out.push(format!("Message-ID: {}", message_id())),
            "cc" | "delivered-to" | "x-original-to" => {}
            _ => {
                out.push(line.to_string());
                continue;
            }
        }
        skipping = true;
    }
    format!("{}\r\n\r\n{}", out.join("\r\n"), body.replace('\n', "\r\n")).into_bytes()
}

/// The reply address the server gave `to` in the first mail about case `n`.
async fn reply_address(sink: &SmtpSink, to: &str, n: i64) -> String {
    let subject = format!("[Case #{n}]");
    let got = sink
        .wait_for(|r| {
            r.iter()
                .any(|m| m.is_to(to) && m.parsed().subject().is_some_and(|s| s.contains(&subject)))
        })
        .await;
    let m = got
        .iter()
        .find(|m| m.is_to(to) && m.parsed().subject().is_some_and(|s| s.contains(&subject)))
        .unwrap();
    let parsed = m.parsed();
    parsed
        .reply_to()
        .and_then(|a| a.first())
        .and_then(|a| a.address())
        .expect("a Reply-To address")
        .to_string()
}

async fn comments(s: &TestServer, token: &str, n: i64) -> Vec<Value> {
    s.get(token, &format!("/cases/{n}/comments"))
        .await
        .assert_status(200)["comments"]
        .as_array()
        .unwrap()
        .clone()
}

async fn newest_case(s: &TestServer, engineer: &str) -> i64 {
    s.get(engineer, "/cases?limit=1").await.assert_status(200)["cases"][0]["number"]
        .as_i64()
        .unwrap()
}

fn text(m: &Received) -> String {
    m.text()
}

#[tokio::test]
async fn every_reply_of_the_corpus_lands_as_a_comment_without_its_quote() {
    let sink = SmtpSink::start();
    let s = server(&sink).await;
    let token = s.login(acme()).await;
    let n = file_case(&s, &token, "Replies by mail").await;
    let address = reply_address(&sink, acme(), n).await;
    assert!(address.starts_with("support+"), "{address}");

    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../mail/tests/replies");
    let mut names: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "eml"))
        .collect();
    names.sort();
    assert!(names.len() >= 9, "the corpus is missing: {names:?}");
    for (i, path) in names.iter().enumerate() {
        // The opener and a colleague of the same organisation answer in turn.
        let from = if i % 2 == 0 { acme() } else { OPS };
        let raw = readdressed(&std::fs::read(path).unwrap(), from, &address);
        let answer = post_mail(&s, &raw).await;
        let name = path.file_name().unwrap().to_string_lossy();
        assert_eq!(
            answer,
            json!({"outcome": "comment", "case_number": n}),
            "{name}"
        );
        let expected = std::fs::read_to_string(path.with_extension("expected.txt")).unwrap();
        let thread = comments(&s, &token, n).await;
        let last = thread.last().unwrap();
        assert_eq!(
            last["body"].as_str().unwrap(),
            expected.trim_end(),
            "{name}"
        );
        assert_eq!(last["author"]["role"], "contact", "{name}");
        // The same message delivered again is not a second comment.
        assert_eq!(
            post_mail(&s, &raw).await,
            json!({"outcome": "ignored", "reason": "duplicate"})
        );
        assert_eq!(comments(&s, &token, n).await.len(), thread.len(), "{name}");
    }
    // A contact's comment hands the case back to the vendor, as in the portal.
    let case = s.get(&token, &format!("/cases/{n}")).await;
    assert_eq!(case.assert_status(200)["status"], "waiting-on-vendor");
}

#[tokio::test]
async fn a_reply_brings_its_files_and_reopens_a_solved_case() {
    let sink = SmtpSink::start();
    let s = server(&sink).await;
    let token = s.login(acme()).await;
    let n = file_case(&s, &token, "Files by mail").await;
    let address = reply_address(&sink, acme(), n).await;
    s.patch(&token, &format!("/cases/{n}"), json!({"status": "solved"}))
        .await
        .assert_status(200);
    let raw = with_attachment(acme(), &address, "Re: files", "It came back, log attached.");
    assert_eq!(
        post_mail(&s, &raw).await,
        json!({"outcome": "comment", "case_number": n})
    );
    let thread = comments(&s, &token, n).await;
    let last = thread.last().unwrap();
    assert_eq!(last["body"], "It came back, log attached.");
    assert_eq!(last["attachments"][0]["filename"], "server.log");
    let id = last["attachments"][0]["id"].as_str().unwrap();
    let content = s
        .http
        .get(s.url(&format!("/attachments/{id}")))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert_eq!(content.trim_end(), "ERROR queue stalled");
    let case = s.get(&token, &format!("/cases/{n}")).await;
    assert_eq!(case.assert_status(200)["status"], "waiting-on-vendor");
}

#[tokio::test]
async fn strangers_other_organisations_forged_tokens_and_machines_change_nothing() {
    let sink = SmtpSink::start();
    let s = server(&sink).await;
    let token = s.login(acme()).await;
    let engineer = s.login(ENGINEER).await;
    let n = file_case(&s, &token, "Guarded").await;
    let address = reply_address(&sink, acme(), n).await;
    let before = comments(&s, &token, n).await.len();
    let newest = newest_case(&s, &engineer).await;

    // Somebody without an account: refused, and not answered.
    let stranger = message("mallory@evil.example", &address, "Re: x", "let me in", "");
    assert_eq!(
        post_mail(&s, &stranger).await,
        json!({"outcome": "refused", "case_number": n, "reason": "unknown_sender"})
    );
    // Another organisation's contact, with a genuine reply address: refused.
    let other = message(OTHER_ORG, &address, "Re: x", "not my case", "");
    assert_eq!(
        post_mail(&s, &other).await,
        json!({"outcome": "refused", "case_number": n, "reason": "other_organisation"})
    );
    // An engineer answering a customer's reply address: not a contact, and not answered (the
    // refusal texts speak to customers).
    let by_engineer = message(ENGINEER, &address, "Re: x", "engineer by mail", "");
    assert_eq!(
        post_mail(&s, &by_engineer).await,
        json!({"outcome": "refused", "case_number": n, "reason": "not_a_contact"})
    );
    // A forged token: one character changed.
    let (local, domain) = address.split_once('@').unwrap();
    let last = local.chars().last().unwrap();
    let swapped = if last == 'a' { 'b' } else { 'a' };
    let forged = format!("{}{swapped}@{domain}", &local[..local.len() - 1]);
    let raw = message(acme(), &forged, "Re: x", "forged", "");
    assert_eq!(
        post_mail(&s, &raw).await,
        json!({"outcome": "refused", "reason": "bad_token"})
    );
    // Machines: an out-of-office answer, a bounce, our own address.
    let auto = message(
        acme(),
        &address,
        "Out of office",
        "away",
        "Auto-Submitted: auto-replied\r\n",
    );
    assert_eq!(
        post_mail(&s, &auto).await,
        json!({"outcome": "ignored", "reason": "automatic"})
    );
    let bounce = message(
        "MAILER-DAEMON@customer.example",
        &address,
        "Undeliverable",
        "no",
        "",
    );
    assert_eq!(
        post_mail(&s, &bounce).await,
        json!({"outcome": "ignored", "reason": "automatic"})
    );
    let looped = message(FROM, &address, "Re: x", "ours", "");
    assert_eq!(
        post_mail(&s, &looped).await,
        json!({"outcome": "ignored", "reason": "own_address"})
    );
    // A stranger writing to the plain address opens nothing either.
    let new = message("mallory@evil.example", FROM, "Open a case", "please", "");
    assert_eq!(
        post_mail(&s, &new).await,
        json!({"outcome": "refused", "reason": "unknown_sender"})
    );

    assert_eq!(comments(&s, &token, n).await.len(), before);
    assert_eq!(newest_case(&s, &engineer).await, newest);
    // The registered senders were told (each once); nobody else heard anything. A mail queued
    // afterwards arrives after them, so once it is here the refusals would be too.
    let marker = file_case(&s, &token, "Marker").await;
    let got = sink
        .wait_for(|r| {
            r.iter().any(|m| {
                m.parsed()
                    .subject()
                    .is_some_and(|s| s.contains(&format!("[Case #{marker}]")))
            })
        })
        .await;
    assert!(!got.iter().any(|m| m.is_to("mallory@evil.example")));
    assert!(!got.iter().any(|m| m.is_to(ENGINEER)
        && m.parsed()
            .subject()
            .is_some_and(|s| s.starts_with("Not accepted"))));
    assert!(!got
        .iter()
        .any(|m| m.is_to("mailer-daemon@customer.example")));
    let refused: Vec<&Received> = got
        .iter()
        .filter(|m| {
            m.parsed()
                .subject()
                .is_some_and(|s| s.starts_with("Not accepted"))
        })
        .collect();
    assert_eq!(
        refused.len(),
        2,
        "{:?}",
        refused.iter().map(|m| &m.to).collect::<Vec<_>>()
    );
    let to_other = refused
        .iter()
        .find(|m| m.is_to(OTHER_ORG))
        .expect("the other organisation's contact is told");
    assert!(
        text(to_other).contains("another organisation"),
        "{}",
        text(to_other)
    );
    let to_acme = refused
        .iter()
        .find(|m| m.is_to(acme()))
        .expect("the forger's victim is told");
    assert!(text(to_acme).contains("not valid"), "{}", text(to_acme));
    assert_eq!(
        to_acme.parsed().header_raw("Auto-Submitted").map(str::trim),
        Some("auto-replied")
    );
}

#[tokio::test]
async fn a_closed_case_takes_no_more_mail() {
    let sink = SmtpSink::start();
    let s = server(&sink).await;
    let token = s.login(acme()).await;
    let n = file_case(&s, &token, "To be closed").await;
    let address = reply_address(&sink, acme(), n).await;
    s.patch(&token, &format!("/cases/{n}"), json!({"status": "closed"}))
        .await
        .assert_status(200);
    let before = comments(&s, &token, n).await.len();
    let raw = message(acme(), &address, "Re: closed", "one more thing", "");
    assert_eq!(
        post_mail(&s, &raw).await,
        json!({"outcome": "refused", "case_number": n, "reason": "closed_case"})
    );
    assert_eq!(comments(&s, &token, n).await.len(), before);
    let got = sink
        .wait_for(|r| {
            r.iter().any(|m| {
                m.is_to(acme())
                    && m.parsed()
                        .subject()
                        .is_some_and(|s| s.starts_with("Not accepted"))
            })
        })
        .await;
    let refusal = got
        .iter()
        .find(|m| {
            m.parsed()
                .subject()
                .is_some_and(|s| s.starts_with("Not accepted"))
        })
        .unwrap();
    assert!(text(refusal).contains("is closed"), "{}", text(refusal));
}

#[tokio::test]
async fn a_refusal_goes_to_an_address_once_an_hour() {
    let sink = SmtpSink::start();
    let s = server(&sink).await;
    for i in 0..3 {
        let raw = message(
            acme(),
            "support+c1a1kaaaaaaaaaaaaaaaa@vendor.example",
            &format!("attempt {i}"),
            "hello",
            "",
        );
        assert_eq!(
            post_mail(&s, &raw).await,
            json!({"outcome": "refused", "reason": "bad_token"})
        );
    }
    // A new case by mail afterwards: its confirmation is queued after any refusal.
    let raw = message(acme(), FROM, "After the refusals", "the queue stalls", "");
    let n = post_mail(&s, &raw).await["case_number"].as_i64().unwrap();
    let got = sink
        .wait_for(|r| {
            r.iter().any(|m| {
                m.is_to(acme())
                    && m.parsed()
                        .subject()
                        .is_some_and(|s| s.contains(&format!("[Case #{n}]")))
            })
        })
        .await;
    let refusals = got
        .iter()
        .filter(|m| {
            m.parsed()
                .subject()
                .is_some_and(|s| s.starts_with("Not accepted"))
        })
        .count();
    assert_eq!(refusals, 1);
}

#[tokio::test]
async fn a_mail_to_the_support_address_opens_a_case_with_its_files() {
    let sink = SmtpSink::start();
    let s = server(&sink).await;
    let raw = with_attachment(
        acme(),
        &format!("Support <{FROM}>"),
        "Fwd: Checkout search is slow",
        "Since this morning every search takes 20 s.\n\n-- \nLi Wei\nAcme Retail",
    );
    let answer = post_mail(&s, &raw).await;
    assert_eq!(answer["outcome"], "case");
    let n = answer["case_number"].as_i64().unwrap();
    let token = s.login(acme()).await;
    let case = s.get(&token, &format!("/cases/{n}")).await;
    let case = case.assert_status(200);
    assert_eq!(case["subject"], "Fwd: Checkout search is slow");
    assert_eq!(
        case["situation"],
        "Since this morning every search takes 20 s."
    );
    assert_eq!(case["severity"], 3);
    assert_eq!(case["environment"], "production");
    assert_eq!(case["type"], "problem");
    assert_eq!(case["opened_by"]["name"], "Li Wei");
    assert!(case["impact"].as_str().unwrap().contains("e-mail"));
    let files = s.get(&token, &format!("/cases/{n}/attachments")).await;
    assert_eq!(
        files.assert_status(200)["attachments"][0]["filename"],
        "server.log"
    );
    // Confirmed by mail like any other case, with a reply address for answering.
    let address = reply_address(&sink, acme(), n).await;
    assert!(address.starts_with("support+"), "{address}");
}

#[tokio::test]
async fn a_development_contract_files_severity_4_non_production_by_mail() {
    let sink = SmtpSink::start();
    let s = server(&sink).await;
    let raw = with_attachment(DEVELOPMENT, FROM, "", "The staging index will not build.");
    let answer = post_mail(&s, &raw).await;
    assert_eq!(answer["outcome"], "case", "{answer}");
    let n = answer["case_number"].as_i64().unwrap();
    let token = s.login(DEVELOPMENT).await;
    let case = s.get(&token, &format!("/cases/{n}")).await;
    let case = case.assert_status(200);
    assert_eq!(case["subject"], "(no subject)");
    assert_eq!(case["severity"], 4);
    assert_eq!(case["environment"], "non-production");
    let files = s.get(&token, &format!("/cases/{n}/attachments")).await;
    assert_eq!(
        files.assert_status(200)["attachments"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
    sink.wait_for_mail_to(DEVELOPMENT).await;
}

#[tokio::test]
async fn only_the_secret_opens_the_gate_and_without_one_there_is_none() {
    let sink = SmtpSink::start();
    let s = server(&sink).await;
    let raw = message(acme(), FROM, "hello", "text", "");
    post_mail_with(&s, "not-the-secret-at-all-no", "message/rfc822", &raw)
        .await
        .assert_problem(401, "unauthorized");
    post_mail_with(&s, SECRET, "text/plain", &raw)
        .await
        .assert_problem(415, "unsupported_media_type");
    post_mail_with(&s, SECRET, "message/rfc822", b"\r\n")
        .await
        .assert_problem(400, "invalid_argument");
    post_mail_with(
        &s,
        SECRET,
        "message/rfc822",
        b"just some words without headers",
    )
    .await
    .assert_problem(400, "invalid_argument");

    let off = TestServer::start().await;
    post_mail_with(&off, SECRET, "message/rfc822", &raw)
        .await
        .assert_problem(404, "not_found");
}

#[tokio::test]
async fn a_short_secret_or_one_without_a_support_address_stops_the_start() {
    let dir = tempfile::tempdir().unwrap();
    let mut config = common::test_config(dir.path());
    config.mailgate_secret = Some(SECRET.into());
    let err = refused_start(config.clone()).await;
    assert!(err.contains("--mail-from"), "{err}");
    config.mail_from = Some(FROM.into());
    config.mailgate_secret = Some("short".into());
    let err = refused_start(config).await;
    assert!(err.contains("at least 16"), "{err}");
    assert!(!err.contains("short"), "{err}");
}

#[tokio::test]
async fn an_engineer_answers_the_notice_by_mail_and_the_customers_get_the_reply() {
    let sink = SmtpSink::start();
    let s = server(&sink).await;
    let token = s.login(acme()).await;
    let n = file_case(&s, &token, "Answered from the engineer's mailbox").await;
    let engineer_address = reply_address(&sink, ENGINEER, n).await;
    let customer_address = reply_address(&sink, acme(), n).await;

    // The customer's reply address names the customer: the engineer cannot write with it.
    let forged = message(
        ENGINEER,
        &customer_address,
        "Re: x",
        "Not through here.",
        "",
    );
    assert_eq!(post_mail(&s, &forged).await["outcome"], "refused");
    assert_eq!(comments(&s, &token, n).await.len(), 0);

    let raw = message(
        ENGINEER,
        &engineer_address,
        &format!("Re: [Case #{n}] Answered from the engineer's mailbox"),
        "Please send the **indexer log**.\r\n\r\nOn Mon, 30 Nov 2026 at 09:12, Casewatch Support wrote:\r\n> a new case",
        "",
    );
    assert_eq!(
        post_mail(&s, &raw).await,
        json!({"outcome": "comment", "case_number": n})
    );
    let thread = comments(&s, &token, n).await;
    assert_eq!(thread.len(), 1);
    assert_eq!(thread[0]["author"]["role"], "engineer");
    assert_eq!(thread[0]["body"], "Please send the **indexer log**.");
    let case = s.get(&token, &format!("/cases/{n}")).await;
    assert_eq!(case.assert_status(200)["status"], "waiting-on-customer");
    // The customers hear of it by mail, as of a reply written in the portal.
    let got = sink
        .wait_for(|r| {
            r.iter()
                .any(|m| m.is_to(acme()) && text(m).contains("indexer log"))
        })
        .await;
    assert!(got
        .iter()
        .any(|m| m.is_to(acme()) && m.html().contains("<strong>indexer log</strong>")));
}
