//! Plain text from HTML-only mail.
//!
//! Some clients (Outlook on the web, many phones) send only HTML. A comment on a case is
//! plain text, so the HTML becomes the text a reader would see: blocks on their own lines,
//! list items as `- ` lines, links as `text (url)` so the address is not lost, entities
//! decoded. Scripts, styles and the document head are not text and go. Quoted mail that the
//! client marked up as such (Gmail's `gmail_quote`, Apple Mail's and Thunderbird's
//! `<blockquote type="cite">`) goes before [`crate::strip`] ever sees the text, because
//! after conversion its `>` markers would be gone.
//!
//! This walks html5ever's tokenizer (the one ammonia already brings) instead of building a
//! DOM: mail HTML is often malformed, and a flat walk with a skip depth degrades gracefully.

use html5ever::tendril::StrTendril;
use html5ever::tokenizer::states::RawKind;
use html5ever::tokenizer::{
    BufferQueue, Tag, TagKind, Token, TokenSink, TokenSinkResult, Tokenizer, TokenizerOpts,
};
use std::cell::RefCell;

/// The text a reader sees in `html`.
pub fn html_to_text(html: &str) -> String {
    let sink = Sink::default();
    let input = BufferQueue::default();
    input.push_back(StrTendril::from_slice(html));
    let tokenizer = Tokenizer::new(sink, TokenizerOpts::default());
    let _ = tokenizer.feed(&input);
    tokenizer.end();
    let out = tokenizer.sink.state.into_inner().out;
    tidy(&out)
}

#[derive(Default)]
struct Sink {
    state: RefCell<State>,
}

#[derive(Default)]
struct State {
    out: String,
    /// The element being skipped and how deeply it is nested in itself.
    skip: Option<(String, usize)>,
    /// Open `<pre>` elements: whitespace is kept inside.
    pre: usize,
    /// Open lists: `None` for `<ul>`, the next number for `<ol>`.
    lists: Vec<Option<u32>>,
    /// Open links: the href and where their text starts in `out`.
    links: Vec<(String, usize)>,
}

impl TokenSink for Sink {
    type Handle = ();

    fn process_token(&self, token: Token, _line: u64) -> TokenSinkResult<()> {
        let mut st = self.state.borrow_mut();
        match token {
            Token::TagToken(tag) => return st.tag(&tag),
            Token::CharacterTokens(text) if st.skip.is_none() => st.text(&text),
            _ => {}
        }
        TokenSinkResult::Continue
    }
}

/// Elements whose content is never text.
const DROPPED: &[&str] = &["script", "style", "head", "title", "template", "noscript"];
/// Elements that separate paragraphs.
const PARAGRAPHS: &[&str] = &[
    "p",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "ul",
    "ol",
    "table",
    "pre",
    "blockquote",
];
/// Elements that start a new line.
const LINES: &[&str] = &[
    "div", "tr", "hr", "dl", "dt", "dd", "section", "article", "header", "footer",
];

fn attr<'a>(tag: &'a Tag, name: &str) -> Option<&'a str> {
    tag.attrs
        .iter()
        .find(|a| &*a.name.local == name)
        .map(|a| &*a.value)
}

/// Quoted mail as the big clients mark it up.
fn is_quote(tag: &Tag) -> bool {
    let name = &*tag.name;
    let class = attr(tag, "class").unwrap_or("");
    let cite = attr(tag, "type").is_some_and(|t| t.eq_ignore_ascii_case("cite"));
    (name == "blockquote" && (cite || class.contains("gmail_quote")))
        || (name == "div" && class.split_whitespace().any(|c| c == "gmail_quote"))
}

impl State {
    fn tag(&mut self, tag: &Tag) -> TokenSinkResult<()> {
        let name: &str = &tag.name;
        let start = tag.kind == TagKind::StartTag;
        if let Some((skipped, depth)) = &mut self.skip {
            if skipped == name && !tag.self_closing {
                if start {
                    *depth += 1;
                } else {
                    *depth -= 1;
                }
                if *depth == 0 {
                    self.skip = None;
                }
            }
            // Inside a skipped script or style the tokenizer must still not read `<` as tags.
            return raw_kind(name, start);
        }
        if start && !tag.self_closing && (DROPPED.contains(&name) || is_quote(tag)) {
            self.skip = Some((name.to_string(), 1));
            return raw_kind(name, start);
        }
        match (name, start) {
            ("br", _) if start => self.out.push('\n'),
            ("li", true) => {
                self.line();
                let marker = match self.lists.last_mut() {
                    Some(Some(n)) => {
                        *n += 1;
                        format!("{}. ", *n - 1)
                    }
                    _ => "- ".to_string(),
                };
                self.out.push_str(&marker);
            }
            ("li", false) => self.line(),
            ("ul", true) => {
                self.paragraph();
                self.lists.push(None);
            }
            ("ol", true) => {
                self.paragraph();
                self.lists.push(Some(1));
            }
            ("ul" | "ol", false) => {
                self.lists.pop();
                self.paragraph();
            }
            // Cells of a row stay on one line, two spaces apart.
            ("td" | "th", true) if !self.out.ends_with('\n') && !self.out.is_empty() => {
                self.out.push_str("  ");
            }
            ("a", true) => {
                let href = attr(tag, "href").unwrap_or("").trim().to_string();
                let at = self.out.len();
                self.links.push((href, at));
            }
            ("a", false) => {
                if let Some((href, at)) = self.links.pop() {
                    let text = self.out.get(at..).unwrap_or("").trim().to_string();
                    let shown = href.strip_prefix("mailto:").unwrap_or(&href);
                    let worth = !href.is_empty()
                        && !href.starts_with('#')
                        && !href.to_ascii_lowercase().starts_with("javascript:")
                        && shown != text;
                    if worth {
                        if text.is_empty() {
                            self.out.push_str(shown);
                        } else {
                            self.out.push_str(&format!(" ({shown})"));
                        }
                    }
                }
            }
            ("pre", _) => {
                if start {
                    self.pre += 1;
                } else {
                    self.pre = self.pre.saturating_sub(1);
                }
                self.paragraph();
            }
            (n, _) if PARAGRAPHS.contains(&n) => self.paragraph(),
            (n, _) if LINES.contains(&n) => self.line(),
            _ => {}
        }
        TokenSinkResult::Continue
    }

    fn text(&mut self, text: &str) {
        let text = text.replace('\u{a0}', " ");
        if self.pre > 0 {
            self.out.push_str(&text);
            return;
        }
        for (i, word) in text.split(char::is_whitespace).enumerate() {
            let at_line_start = self.out.is_empty() || self.out.ends_with('\n');
            if i > 0 && !at_line_start && !self.out.ends_with(' ') {
                self.out.push(' ');
            }
            self.out.push_str(word);
        }
    }

    fn line(&mut self) {
        if !self.out.is_empty() && !self.out.ends_with('\n') {
            self.out.push('\n');
        }
    }

    fn paragraph(&mut self) {
        self.line();
        if !self.out.is_empty() && !self.out.ends_with("\n\n") {
            self.out.push('\n');
        }
    }
}

fn raw_kind(name: &str, start: bool) -> TokenSinkResult<()> {
    match (name, start) {
        ("script", true) => TokenSinkResult::RawData(RawKind::ScriptData),
        ("style" | "noscript", true) => TokenSinkResult::RawData(RawKind::Rawtext),
        ("title", true) => TokenSinkResult::RawData(RawKind::Rcdata),
        _ => TokenSinkResult::Continue,
    }
}

/// Trailing spaces off every line, at most one blank line in a row, no blank edges.
fn tidy(out: &str) -> String {
    let mut lines: Vec<&str> = Vec::new();
    for line in out.lines().map(str::trim_end) {
        let blank = line.trim().is_empty();
        if blank && matches!(lines.last(), None | Some(&"")) {
            continue;
        }
        lines.push(if blank { "" } else { line });
    }
    while lines.last() == Some(&"") {
        lines.pop();
    }
    lines.join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn any_markup_converts_without_panicking(html in "(<[/a-z!]{0,10}[^>]{0,20}>?|[^<]{0,20}|&[a-z#0-9]{0,6};?){0,30}") {
            let text = html_to_text(&html);
            prop_assert!(!text.contains("\n\n\n"));
        }
    }

    #[test]
    fn blocks_lists_and_links_read_as_text() {
        let html = "<html><head><title>t</title><style>p{color:red}</style></head><body>\
            <p>Hello&nbsp;team,</p><div>line one<br>line two</div>\
            <ul><li>first</li><li>second &amp; last</li></ul>\
            <ol><li>a</li><li>b</li></ol>\
            <p>See <a href=\"https://kb.example/1\">the article</a> and \
            <a href=\"https://x.example\">https://x.example</a>.</p>\
            <script>if (a < b) { alert('<p>x</p>') }</script></body></html>";
        assert_eq!(
            html_to_text(html),
            "Hello team,\n\nline one\nline two\n\n- first\n- second & last\n\n1. a\n2. b\n\n\
             See the article (https://kb.example/1) and https://x.example."
        );
    }

    #[test]
    fn marked_up_quotes_are_dropped() {
        let gmail = "<div dir=\"ltr\">Fixed, thanks!</div><br><div class=\"gmail_quote\">\
            <div class=\"gmail_attr\">On Tue, 1 Dec 2026 wrote:<br></div>\
            <blockquote class=\"gmail_quote\"><div>old <div>nested</div> text</div></blockquote></div>";
        assert_eq!(html_to_text(gmail), "Fixed, thanks!");
        let apple = "<div>Yes.</div><blockquote type=\"cite\"><div>Question?</div></blockquote><div>Bye</div>";
        assert_eq!(html_to_text(apple), "Yes.\nBye");
    }
}
