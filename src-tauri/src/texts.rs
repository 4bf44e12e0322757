//! The texts the app shows outside its web page — the tray menu and tooltip, the window menu
//! and native notifications — taken from the UI's strings catalogue (`ui/i18n/<language>.json`), so that
//! everything a user reads is translated in one place.
//!
//! The Rust side owns the keys under `native.`; they follow the UI's conventions: `{name}`
//! placeholders, and a singular `<key>.one` used when the parameter `n` is exactly 1 (only where
//! a language has singulars). The catalogues are compiled into the binary and parsed once, on
//! first use. A key missing from a language falls back to English, and a key missing
//! everywhere shows itself, as in the UI: a missing translation is visible, never a crash.

use std::collections::HashMap;
use std::fmt::Display;
use std::sync::LazyLock;

use casewatch_client::AlertEvent;

const EN_JSON: &str = include_str!("../../ui/i18n/en.json");
const ZH_CN_JSON: &str = include_str!("../../ui/i18n/zh-CN.json");

/// The language whose texts stand in for missing ones.
const FALLBACK: &str = "en";

type Catalogue = HashMap<String, String>;

/// The catalogues by language code, parsed on first use. A catalogue that does not parse is
/// empty (every text then shows its key); the tests below make sure both parse.
static CATALOGUES: LazyLock<HashMap<&'static str, Catalogue>> = LazyLock::new(|| {
    [(FALLBACK, EN_JSON), ("zh-CN", ZH_CN_JSON)]
        .into_iter()
        .map(|(code, json)| (code, serde_json::from_str(json).unwrap_or_default()))
        .collect()
});

/// Every `native.*` key this module asks for (the test checks each against both catalogues,
/// and that the catalogues hold no `native.*` key outside this list).
#[cfg(test)]
const KEYS: [&str; 12] = [
    "native.tray.none",
    "native.tray.count",
    "native.tray.open",
    "native.tray.quit",
    "native.tray.tooltip",
    "native.notify.due",
    "native.notify.overdue",
    "native.notify.reply",
    "native.menu.file",
    "native.menu.logs",
    "native.notify.missed",
    "native.notify.open",
];

fn lookup<'a>(table: &'a Catalogue, key: &str, params: &[(&str, &dyn Display)]) -> Option<&'a str> {
    let singular = params
        .iter()
        .any(|(name, value)| *name == "n" && value.to_string() == "1");
    singular
        .then(|| table.get(&format!("{key}.one")))
        .flatten()
        .or_else(|| table.get(key))
        .map(String::as_str)
}

/// The text for `key` in `language`, with its `{name}` placeholders filled from `params`.
/// Unknown languages read English; unknown placeholders stay as written.
pub fn text(language: &str, key: &str, params: &[(&str, &dyn Display)]) -> String {
    let found = CATALOGUES
        .get(language)
        .and_then(|table| lookup(table, key, params))
        .or_else(|| {
            CATALOGUES
                .get(FALLBACK)
                .and_then(|table| lookup(table, key, params))
        });
    match found {
        Some(template) => fill(template, params),
        None => key.to_owned(),
    }
}

/// Replaces each `{name}` whose name is in `params`.
fn fill(template: &str, params: &[(&str, &dyn Display)]) -> String {
    let mut out = String::with_capacity(template.len());
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        let value = after.find('}').and_then(|close| {
            let name = &after[..close];
            params
                .iter()
                .find(|(n, _)| *n == name)
                .map(|(_, v)| (v.to_string(), close))
        });
        match value {
            Some((value, close)) => {
                out.push_str(&value);
                rest = &after[close + 1..];
            }
            None => {
                out.push('{');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// The tray's line counting the open cases near their first-response deadline.
pub fn tray_count(count: usize, language: &str) -> String {
    if count == 0 {
        text(language, "native.tray.none", &[])
    } else {
        text(language, "native.tray.count", &[("n", &count)])
    }
}

/// The tray menu's item that brings the window back.
pub fn tray_open(language: &str) -> String {
    text(language, "native.tray.open", &[])
}

/// The label of a notification's "Open case" action.
pub fn notify_open(language: &str) -> String {
    text(language, "native.notify.open", &[])
}

/// The tray menu's item that quits the app.
pub fn tray_quit(language: &str) -> String {
    text(language, "native.tray.quit", &[])
}

/// The tray icon's tooltip around the count line ([`tray_count`]).
pub fn tray_tooltip(count_line: &str, language: &str) -> String {
    text(language, "native.tray.tooltip", &[("status", &count_line)])
}

/// The notification's title and body for an alert, in `language`.
pub fn notification_text(event: &AlertEvent, language: &str) -> (String, String) {
    match event {
        AlertEvent::Deadline {
            case_number,
            subject,
            severity,
            remaining_seconds,
            ..
        } => {
            let minutes = remaining_seconds.unsigned_abs().div_ceil(60);
            let key = if *remaining_seconds > 0 {
                "native.notify.due"
            } else {
                "native.notify.overdue"
            };
            let title = text(
                language,
                key,
                &[
                    ("case", case_number),
                    ("severity", severity),
                    ("minutes", &minutes),
                ],
            );
            (title, subject.clone())
        }
        AlertEvent::Missed { cases, .. } => {
            let title = text(language, "native.notify.missed", &[("n", &cases.len())]);
            let body: Vec<String> = cases
                .iter()
                .map(|c| format!("#{} {}", c.case_number, c.subject))
                .collect();
            (title, body.join("\n"))
        }
        AlertEvent::Reply {
            case_number,
            subject,
            author,
            ..
        } => {
            let title = text(
                language,
                "native.notify.reply",
                &[("case", case_number), ("author", author)],
            );
            (title, subject.clone())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Utc;
    use std::collections::BTreeSet;

    fn placeholders(text: &str) -> BTreeSet<&str> {
        text.split('{')
            .skip(1)
            .filter_map(|part| part.split_once('}').map(|(name, _)| name))
            .collect()
    }

    #[test]
    fn every_native_key_is_in_both_catalogues_with_the_same_placeholders() {
        for (code, json) in [("en", EN_JSON), ("zh-CN", ZH_CN_JSON)] {
            let parsed: Result<Catalogue, _> = serde_json::from_str(json);
            assert!(parsed.is_ok(), "{code}.json is one flat object of strings");
        }
        let en = &CATALOGUES["en"];
        let zh = &CATALOGUES["zh-CN"];
        for key in KEYS {
            let english = en.get(key).unwrap_or_else(|| panic!("{key} missing in en"));
            let chinese = zh
                .get(key)
                .unwrap_or_else(|| panic!("{key} missing in zh-CN"));
            assert!(
                !english.trim().is_empty() && !chinese.trim().is_empty(),
                "{key}"
            );
            assert_eq!(placeholders(english), placeholders(chinese), "{key}");
            for table in [en, zh] {
                if let Some(one) = table.get(&format!("{key}.one")) {
                    assert_eq!(placeholders(one), placeholders(english), "{key}.one");
                }
            }
        }
        for table in [en, zh] {
            for key in table.keys().filter(|k| k.starts_with("native.")) {
                let base = key.strip_suffix(".one").unwrap_or(key);
                assert!(KEYS.contains(&base), "{key} is in a catalogue but unused");
            }
        }
    }

    #[test]
    fn tray_counts_in_both_languages() {
        assert_eq!(tray_count(0, "en"), "No case near its deadline");
        assert_eq!(tray_count(1, "en"), "1 case near its deadline");
        assert_eq!(tray_count(2, "en"), "2 cases near their deadline");
        assert_eq!(tray_count(3, "zh-CN"), "3 个案件临近期限");
        assert_eq!(tray_count(1, "zh-CN"), "1 个案件临近期限");
        assert_eq!(tray_quit("zh-CN"), "退出 Casewatch");
        assert_eq!(
            tray_tooltip(&tray_count(2, "en"), "en"),
            "Casewatch — 2 cases near their deadline"
        );
    }

    #[test]
    fn an_unknown_language_reads_english_and_an_unknown_key_shows_itself() {
        assert_eq!(tray_open("fr"), "Open Casewatch");
        assert_eq!(text("en", "native.no.such", &[]), "native.no.such");
        assert_eq!(fill("{a} and {b}", &[("a", &1)]), "1 and {b}");
        assert_eq!(fill("{ unclosed", &[("a", &1)]), "{ unclosed");
    }

    #[test]
    fn notifications_speak_both_languages() {
        let event = AlertEvent::Deadline {
            case_number: 7,
            subject: "Cluster down".into(),
            severity: 1,
            due_at: Utc::now(),
            lead_seconds: 600,
            remaining_seconds: 540,
            at: Utc::now(),
            catch_up: false,
        };
        let (title, body) = notification_text(&event, "en");
        assert_eq!(title, "Case #7 (S1): first reply due in 9 min");
        assert_eq!(body, "Cluster down");
        let (title, _) = notification_text(&event, "zh-CN");
        assert_eq!(title, "案件 #7（S1）：首次回复将在 9 分钟后到期");
        let overdue = AlertEvent::Deadline {
            case_number: 7,
            subject: "Cluster down".into(),
            severity: 1,
            due_at: Utc::now(),
            lead_seconds: 0,
            remaining_seconds: -120,
            at: Utc::now(),
            catch_up: true,
        };
        let (title, _) = notification_text(&overdue, "en");
        assert_eq!(
            title,
            "Case #7 (S1): first reply target reached — overdue by 2 min"
        );
        let reply = AlertEvent::Reply {
            case_number: 8,
            subject: "Slow queries".into(),
            author: "Dana Kim".into(),
            comment_id: 1,
            created_at: Utc::now(),
            at: Utc::now(),
        };
        assert_eq!(
            notification_text(&reply, "zh-CN").0,
            "案件 #8：Dana Kim 回复了"
        );
        assert_eq!(
            notification_text(&reply, "en").0,
            "Case #8: new reply from Dana Kim"
        );
    }
}
