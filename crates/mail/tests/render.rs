//! Outgoing mails read back with a mail parser, as a recipient's client would read them.

use casewatch_core::{CallbackWindow, CaseType, Lang, Severity};
use casewatch_mail::compose::RefusalReason;
use casewatch_mail::{render, Mail, RenderContext};
use chrono::{TimeZone, Utc};
use mail_parser::{HeaderValue, MessageParser};

fn ctx(lang: Lang) -> RenderContext {
    RenderContext {
        mail_from: "support@vendor.example".into(),
        public_url: "https://support.vendor.example/".into(),
        message_id: "mail-17".into(),
        reply_to: Some("support+c42a7kmfrggzdfmztwq3lo@vendor.example".into()),
        lang,
        to: vec!["wang.wei@customer.example".into()],
        date: Utc.with_ymd_and_hms(2026, 12, 1, 8, 14, 0).unwrap(),
    }
}

fn created() -> Mail {
    Mail::CaseCreated {
        case_number: 42,
        subject: "数据库在夜间任务后变慢".into(),
        case_type: CaseType::Problem,
        severity: Severity::HIGH,
        product: "Casewatch DB".into(),
        opener_name: "王伟".into(),
        initial_response_due: Some(Utc.with_ymd_and_hms(2026, 12, 1, 13, 0, 0).unwrap()),
        best_effort: false,
        contact_zone: chrono_tz::Asia::Shanghai,
        contract_zone: chrono_tz::Europe::Berlin,
    }
}

struct Read {
    subject: String,
    message_id: Option<String>,
    in_reply_to: Vec<String>,
    references: Vec<String>,
    reply_to: Option<String>,
    text: String,
    html: String,
    headers: String,
}

fn ids(v: &HeaderValue<'_>) -> Vec<String> {
    match v {
        HeaderValue::Text(t) => vec![t.to_string()],
        HeaderValue::TextList(l) => l.iter().map(|t| t.to_string()).collect(),
        _ => vec![],
    }
}

fn read(raw: &[u8]) -> Read {
    let m = MessageParser::default().parse(raw).expect("a message");
    let text_part = m.text_part(0).expect("a text part");
    let html_part = m.html_part(0).expect("an HTML part");
    assert!(!text_part.is_text_html(), "the text part is plain text");
    assert!(html_part.is_text_html(), "the HTML part is HTML");
    let raw_text = String::from_utf8_lossy(raw);
    let headers = raw_text.split("\r\n\r\n").next().unwrap().to_string();
    Read {
        subject: m.subject().unwrap_or("").to_string(),
        message_id: m.message_id().map(str::to_string),
        in_reply_to: ids(m.in_reply_to()),
        references: ids(m.references()),
        reply_to: m
            .reply_to()
            .and_then(|a| a.first())
            .and_then(|a| a.address())
            .map(str::to_string),
        text: text_part.text_contents().unwrap().to_string(),
        html: html_part.text_contents().unwrap().to_string(),
        headers,
    }
}

#[test]
fn a_case_confirmation_threads_links_and_answers_to_its_token() {
    let raw = render(&created(), &ctx(Lang::En)).unwrap();
    let m = read(&raw);
    assert_eq!(m.subject, "[Case #42] 数据库在夜间任务后变慢");
    assert!(
        m.headers.is_ascii() && m.headers.to_ascii_lowercase().contains("=?utf-8?"),
        "the subject is RFC 2047 encoded: {}",
        m.headers
    );
    assert!(m.headers.contains("multipart/alternative"), "{}", m.headers);
    assert!(
        m.headers.contains("Auto-Submitted: auto-generated"),
        "{}",
        m.headers
    );
    assert_eq!(m.message_id.as_deref(), Some("mail-17@vendor.example"));
    assert_eq!(m.in_reply_to, ["case-42@vendor.example"]);
    assert_eq!(m.references, ["case-42@vendor.example"]);
    assert_eq!(
        m.reply_to.as_deref(),
        Some("support+c42a7kmfrggzdfmztwq3lo@vendor.example")
    );
    for part in [&m.text, &m.html] {
        assert!(
            part.contains("https://support.vendor.example/cases/42"),
            "{part}"
        );
        assert!(part.contains("casewatch://case/42"), "{part}");
        assert!(part.contains("2 – High"), "{part}");
        assert!(part.contains("Problem"), "{part}");
        assert!(part.contains("Casewatch DB"), "{part}");
        assert!(
            part.contains(
                "Tue 1 Dec 2026, 21:00 (Asia/Shanghai) / Tue 1 Dec 2026, 14:00 (Europe/Berlin)"
            ),
            "the deadline in both zones: {part}"
        );
    }
}

#[test]
fn a_zh_cn_contact_reads_chinese() {
    let m = read(&render(&created(), &ctx(Lang::ZhCn)).unwrap());
    assert!(m.text.contains("王伟 已创建案件 #42"), "{}", m.text);
    assert!(m.text.contains("严重级别：2 – 高"), "{}", m.text);
    assert!(m.text.contains("类型：问题"), "{}", m.text);
    assert!(
        m.text.contains("2026年12月1日 周二 21:00（Asia/Shanghai）"),
        "{}",
        m.text
    );
    assert!(m.html.contains("lang=\"zh-CN\""), "{}", m.html);
    assert!(
        m.headers.contains("Content-Language: zh-CN"),
        "{}",
        m.headers
    );
}

#[test]
fn best_effort_and_missing_targets_are_said_so() {
    let mut mail = created();
    if let Mail::CaseCreated { best_effort, .. } = &mut mail {
        *best_effort = true;
    }
    let m = read(&render(&mail, &ctx(Lang::En)).unwrap());
    assert!(m.text.contains("best effort, not guaranteed"), "{}", m.text);
    if let Mail::CaseCreated {
        initial_response_due,
        ..
    } = &mut mail
    {
        *initial_response_due = None;
    }
    let m = read(&render(&mail, &ctx(Lang::En)).unwrap());
    assert!(m.text.contains("No response-time target"), "{}", m.text);
}

#[test]
fn an_engineers_markdown_script_arrives_inert() {
    let mail = Mail::EngineerReply {
        case_number: 42,
        subject: "Nightly job fails".into(),
        engineer_name: "Li Na".into(),
        body_markdown: "Please **restart** the scheduler.\n\n<script>alert(1)</script>\n\n[docs](javascript:alert(2))"
            .into(),
    };
    let m = read(&render(&mail, &ctx(Lang::En)).unwrap());
    assert!(m.html.contains("<strong>restart</strong>"), "{}", m.html);
    let lower = m.html.to_lowercase();
    assert!(!lower.contains("<script"), "{}", m.html);
    assert!(!lower.contains("javascript:"), "{}", m.html);
    assert!(
        m.text.contains("Please **restart** the scheduler."),
        "{}",
        m.text
    );
    assert!(m.text.contains("Li Na replied on case #42:"), "{}", m.text);
    assert_eq!(m.subject, "[Case #42] Nightly job fails");
}

#[test]
fn rendering_is_deterministic_so_a_retry_is_the_same_mail() {
    let json = serde_json::to_string(&created()).unwrap();
    let back: Mail = serde_json::from_str(&json).unwrap();
    assert_eq!(back, created());
    assert_eq!(
        render(&created(), &ctx(Lang::En)).unwrap(),
        render(&back, &ctx(Lang::En)).unwrap()
    );
    assert!(json.contains("\"kind\":\"case-created\""), "{json}");
}

#[test]
fn every_mail_renders_in_both_languages() {
    let when = Utc.with_ymd_and_hms(2026, 12, 2, 9, 0, 0).unwrap();
    let mails = [
        created(),
        Mail::CaseSolved {
            case_number: 42,
            subject: "s".into(),
        },
        Mail::CallbackScheduled {
            case_number: 42,
            subject: "s".into(),
            window: CallbackWindow {
                start: when,
                end: when + chrono::Duration::hours(2),
            },
            zone: chrono_tz::Europe::Berlin,
        },
        Mail::Invitation {
            org_name: "ACME <Corp>".into(),
            inviter_name: "Anna".into(),
            link: "https://support.vendor.example/set-password#t=abc".into(),
            expires: when,
            zone: chrono_tz::UTC,
        },
        Mail::PasswordReset {
            link: "https://support.vendor.example/reset#t=abc".into(),
            expires: when,
            zone: chrono_tz::UTC,
        },
        Mail::EngineerNewCase {
            assigned_to_you: false,
            case_number: 42,
            org_name: "ACME".into(),
            severity: Severity::URGENT,
            subject: "s".into(),
        },
        Mail::Refusal {
            reason: RefusalReason::ClosedCase,
            case_number: Some(42),
            original_subject: "Re: [Case #42] s".into(),
            in_reply_to: Some("<abc@customer.example>".into()),
        },
    ];
    for mail in &mails {
        for lang in [Lang::En, Lang::ZhCn] {
            let raw = render(mail, &ctx(lang)).unwrap();
            let m = read(&raw);
            assert!(!m.text.trim().is_empty());
            assert!(!m.html.contains("ACME <Corp>"), "escaped: {}", m.html);
        }
    }
    let refusal = read(&render(&mails[6], &ctx(Lang::En)).unwrap());
    assert_eq!(refusal.in_reply_to, ["abc@customer.example"]);
    assert!(refusal.headers.contains("Auto-Submitted: auto-replied"));
    assert!(
        refusal.text.contains("case #42 is closed"),
        "{}",
        refusal.text
    );
    assert!(
        refusal.text.contains("support@vendor.example"),
        "{}",
        refusal.text
    );
    let invitation = read(&render(&mails[3], &ctx(Lang::ZhCn)).unwrap());
    assert!(
        invitation.subject.contains("技术支持联系人"),
        "{}",
        invitation.subject
    );
    assert!(invitation
        .text
        .contains("https://support.vendor.example/set-password#t=abc"));
    assert!(
        invitation.text.contains("2026年12月2日 周三 09:00（UTC）"),
        "{}",
        invitation.text
    );
}

#[test]
fn bad_contexts_are_errors_not_panics() {
    let mut c = ctx(Lang::En);
    c.to = vec!["not an address".into()];
    assert_eq!(
        render(&created(), &c).unwrap_err().code(),
        "invalid_address"
    );
    let mut c = ctx(Lang::En);
    c.to.clear();
    assert_eq!(render(&created(), &c).unwrap_err().code(), "render_failed");
    let mut c = ctx(Lang::En);
    c.message_id = "has space".into();
    assert_eq!(render(&created(), &c).unwrap_err().code(), "render_failed");
}
