//! The new text of a reply: what the writer typed, without the quoted mail below it and
//! without their signature.
//!
//! Mail clients mark the start of a quote in a handful of ways: an attribution line
//! (`On … wrote:`, which Gmail wraps over two lines; `在 … 写道：` from Apple Mail and
//! Thunderbird in Chinese, `<name> 于<date>写道：` from Gmail in Chinese), a separator
//! (`-----Original Message-----`, Foxmail's and QQ Mail's `原始邮件` line), or Outlook's
//! header block (`From:` / `发件人:` followed by `Sent:`, `To:`, `Subject:` and their Chinese
//! forms, with ASCII or full-width colons). Everything from the first such mark on is the
//! old mail and goes, as does everything after a `-- ` signature line and a mobile client's
//! "Sent from my …" / "发自我的…" line at the end.
//!
//! `>` lines before any mark are kept when more new text follows them: that is an
//! interleaved answer, and the quoted lines are what the writer is answering, so dropping
//! them would leave the answers without their questions. A `>` block with nothing new after
//! it is the old mail under a top-posted answer and goes.
//!
//! The rules look at whole lines only, so text that merely mentions "wrote" stays.

/// The new text of a reply (`body` is the plain text, or HTML converted to text).
pub fn reply_text(body: &str) -> String {
    let text = body.replace("\r\n", "\n").replace('\r', "\n");
    let lines: Vec<&str> = text.lines().collect();
    let cut = (0..lines.len())
        .find(|&i| starts_quote(&lines, i))
        .unwrap_or(lines.len());
    let mut kept: Vec<&str> = lines[..cut].to_vec();
    drop_trailing(&mut kept);
    // Clients pad signatures with runs of empty lines; one is enough in a comment.
    let mut out: Vec<&str> = Vec::with_capacity(kept.len());
    for line in kept.iter().map(|l| l.trim_end()) {
        if line.is_empty() && matches!(out.last(), None | Some(&"")) {
            continue;
        }
        out.push(line);
    }
    out.join("\n").trim_matches('\n').to_string()
}

/// True when the old mail (or a signature) starts at line `i`.
fn starts_quote(lines: &[&str], i: usize) -> bool {
    let line = lines[i].trim();
    if lines[i].trim_end_matches([' ', '\t']) == "--" || lines[i] == "-- " {
        return true;
    }
    if is_attribution(line) {
        return true;
    }
    // Gmail wraps a long attribution, often inside the address: join it with the next line.
    // A wrapped attribution always carries the address, which keeps two ordinary lines
    // from being joined into one.
    if (line.starts_with("On ") || line.contains('于')) && !is_attribution(line) {
        if let Some(next) = lines.get(i + 1) {
            let joined = format!("{line} {}", next.trim());
            if joined.contains('@') && is_attribution(&joined) {
                return true;
            }
        }
    }
    if is_separator(line) {
        return true;
    }
    is_header_block(lines, i)
}

/// `On <date>, <name> wrote:` and its Chinese, German and French forms. A date is required
/// (a digit), which every client's attribution has and ordinary sentences rarely do; the
/// English form also needs the comma after the date or an address, which every client
/// writes.
fn is_attribution(line: &str) -> bool {
    let has_digit = line.chars().any(|c| c.is_ascii_digit());
    let english = line.starts_with("On ")
        && line.ends_with("wrote:")
        && (line.contains(',') || line.contains('@'));
    // Apple Mail and Thunderbird write `在 <date>，<name> 写道：`; Gmail writes
    // `<name> 于<date>写道：`.
    let chinese = (line.starts_with('在') || line.contains('于'))
        && (line.ends_with("写道：") || line.ends_with("写道:"));
    let german = line.starts_with("Am ") && line.ends_with(':') && line.contains(" schrieb");
    let french = line.starts_with("Le ") && line.ends_with(':') && line.contains(" a écrit");
    has_digit && (english || chinese || german || french)
}

/// Outlook's and the Chinese clients' separator lines.
fn is_separator(line: &str) -> bool {
    let inner = line.trim_matches(|c: char| c == '-' || c == ' ' || c == '—');
    let dashed = line.starts_with("--") || line.starts_with('—');
    dashed
        && (inner.eq_ignore_ascii_case("original message")
            || inner.eq_ignore_ascii_case("forwarded message")
            || inner == "原始邮件"
            || inner == "邮件原件"
            || inner == "回复的原邮件")
}

/// The header keys of a quoted mail, in the languages the support centre's customers use.
const FROM_KEYS: &[&str] = &["from", "发件人", "寄件者"];
const OTHER_KEYS: &[&str] = &[
    "sent",
    "date",
    "to",
    "cc",
    "subject",
    "发送时间",
    "时间",
    "日期",
    "收件人",
    "抄送",
    "主题",
];

/// The header key of a line like `From: …` or `发件人：…` (ASCII or full-width colon, and
/// Outlook's bold `*From:*` in text converted from HTML), lowercased.
fn header_key(line: &str) -> Option<String> {
    let line = line.trim().trim_start_matches('*');
    let end = line.find([':', '：'])?;
    let key = line[..end].trim().trim_end_matches('*').trim();
    (!key.is_empty() && key.chars().count() <= 12).then(|| key.to_lowercase())
}

/// A `From:` line followed, within the next few lines, by at least two other header lines:
/// Outlook's quoted header block (a lone `From:` in the text is not enough).
fn is_header_block(lines: &[&str], i: usize) -> bool {
    let Some(key) = header_key(lines[i]) else {
        return false;
    };
    if !FROM_KEYS.contains(&key.as_str()) {
        return false;
    }
    let others = lines[i + 1..]
        .iter()
        .take(6)
        .filter_map(|l| header_key(l))
        .filter(|k| OTHER_KEYS.contains(&k.as_str()))
        .count();
    others >= 2
}

/// Removes what may trail the new text: blank lines, a quoted `>` block with nothing after
/// it, separator rules (Outlook's `____` line above its header block), and a mobile
/// client's automatic signature.
fn drop_trailing(lines: &mut Vec<&str>) {
    loop {
        let Some(last) = lines.last().map(|l| l.trim()) else {
            return;
        };
        let rule = !last.is_empty() && last.chars().all(|c| matches!(c, '_' | '-' | '=' | '—'));
        if last.is_empty() || last.starts_with('>') || rule || is_mobile_signature(last) {
            lines.pop();
        } else {
            return;
        }
    }
}

fn is_mobile_signature(line: &str) -> bool {
    line.starts_with("Sent from my ")
        || line.starts_with("Get Outlook for ")
        || line.starts_with("发自我的")
        || line.starts_with("从我的")
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn stripping_only_ever_removes(body in "(\\PC{0,30}(\r?\n)?){0,12}") {
            let out = reply_text(&body);
            let normalised = body.replace("\r\n", "\n");
            prop_assert!(out.lines().all(|l| normalised.lines().any(|b| b.trim_end() == l)));
        }
    }

    #[test]
    fn a_plain_top_post_is_kept_whole() {
        assert_eq!(
            reply_text("Thanks,\n\nthat fixed it.\n\n"),
            "Thanks,\n\nthat fixed it."
        );
    }

    #[test]
    fn an_interleaved_answer_keeps_its_questions() {
        let body = "> Which version?\n8.2.1\n> Which OS?\nDebian 12\n\n> old tail\n";
        assert_eq!(
            reply_text(body),
            "> Which version?\n8.2.1\n> Which OS?\nDebian 12"
        );
    }

    #[test]
    fn sentences_that_mention_writing_are_not_attributions() {
        let body = "On the server the job wrote:\nnothing to the log.\nFrom: the web UI";
        assert_eq!(reply_text(body), body);
    }

    #[test]
    fn a_sentence_over_two_lines_is_not_a_wrapped_attribution() {
        let body = "On 3 servers, we saw:\nthe job wrote:\n  error 17";
        assert_eq!(reply_text(body), body);
    }

    #[test]
    fn a_wrapped_chinese_gmail_attribution_is_found() {
        let body = "好的\n\nCasewatch Support <support+c1a1k@vendor.example> 于2026年12月1日周二\n09:14写道：\n> 旧内容";
        assert_eq!(reply_text(body), "好的");
    }

    #[test]
    fn a_signature_goes() {
        assert_eq!(reply_text("Done.\n-- \nWang Wei\nACME"), "Done.");
        assert_eq!(reply_text("Done.\n\nSent from my iPhone"), "Done.");
    }
}
