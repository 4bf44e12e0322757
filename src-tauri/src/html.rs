//! Markdown and search highlights to HTML that is safe to put into the webview.
//!
//! Comments and articles are written by other people (engineers, other contacts, the vendor's
//! authors), so their Markdown is rendered with pulldown-cmark and then cleaned with ammonia
//! before it crosses the IPC boundary: no script, no event handler, no `style`, no form, no
//! frame, and no remote resource. Images keep their `src` only when it is a `data:image/…` URL
//! (a remote image would tell its server who reads the thread, and when); links keep only
//! `http`, `https` and `mailto` targets and get `rel="noopener noreferrer"` (the UI opens them
//! outside the app, and the navigation guard in `lib.rs` never lets the webview follow one).
//!
//! Search snippets come from casewatch-kb's highlighter as escaped text with `<mark>`; they are
//! cleaned again here so that nothing but text and `<mark>` can pass.

use std::collections::HashSet;
use std::sync::OnceLock;

use pulldown_cmark::{html, Options, Parser};

/// Renders Markdown to sanitised HTML (for `body_html` fields).
pub fn markdown_to_html(markdown: &str) -> String {
    let options = Options::ENABLE_TABLES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_FOOTNOTES;
    let mut raw = String::with_capacity(markdown.len() * 3 / 2);
    html::push_html(&mut raw, Parser::new_ext(markdown, options));
    body_cleaner().clean(&raw).to_string()
}

/// Keeps only text and `<mark>` of highlighter output (for `snippet_html` and `title_html`).
pub fn highlight_only(html: &str) -> String {
    mark_cleaner().clean(html).to_string()
}

/// The text of highlighter output: tags dropped, entities decoded (for the plain `snippet`).
pub fn plain_text(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut in_tag = false;
    for ch in html.chars() {
        match ch {
            '<' => in_tag = true,
            '>' if in_tag => in_tag = false,
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
    out.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&#x27;", "'")
        .replace("&amp;", "&")
}

/// Plain text as HTML, shown literally: nothing in it becomes markup (an article's offline
/// copy is plain text that may contain `*`, `#` or `<`).
pub fn literal_text_html(text: &str) -> String {
    markdown_to_html(&escape_markdown(text))
}

/// Plain text made literal for the Markdown renderer: every ASCII punctuation character that
/// could start markup is backslash-escaped.
fn escape_markdown(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + text.len() / 8);
    for c in text.chars() {
        if c.is_ascii_punctuation() {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

fn body_cleaner() -> &'static ammonia::Builder<'static> {
    static CLEANER: OnceLock<ammonia::Builder<'static>> = OnceLock::new();
    CLEANER.get_or_init(|| {
        let mut builder = ammonia::Builder::default();
        builder
            .url_schemes(HashSet::from(["http", "https", "mailto", "data"]))
            .link_rel(Some("noopener noreferrer"))
            .rm_tags(["img"])
            .add_tags(["img", "input"])
            .rm_tag_attributes("img", ["width", "height"])
            .add_tag_attributes("input", ["type", "checked", "disabled"])
            .attribute_filter(|element, attribute, value| match (element, attribute) {
                // Only inline images: a remote `src` would be fetched by the webview.
                ("img", "src") => value
                    .trim_start()
                    .to_ascii_lowercase()
                    .starts_with("data:image/")
                    .then(|| value.into()),
                // `data:` is allowed above for images only.
                (_, "href") if value.trim_start().to_ascii_lowercase().starts_with("data:") => None,
                // Task-list boxes only, shown and never editable.
                ("input", "type") => (value == "checkbox").then(|| value.into()),
                _ => Some(value.into()),
            })
            .set_tag_attribute_value("input", "disabled", "");
        builder
    })
}

fn mark_cleaner() -> &'static ammonia::Builder<'static> {
    static CLEANER: OnceLock<ammonia::Builder<'static>> = OnceLock::new();
    CLEANER.get_or_init(|| {
        let mut builder = ammonia::Builder::empty();
        builder
            .add_tags(["mark"])
            .clean_content_tags(HashSet::from(["script", "style"]));
        builder
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markdown_renders() {
        let html = markdown_to_html("# Title\n\nSome *text* and `code`.\n\n- a\n- b\n");
        assert!(html.contains("<h1>Title</h1>"), "{html}");
        assert!(html.contains("<em>text</em>"), "{html}");
        assert!(html.contains("<code>code</code>"), "{html}");
        assert!(html.contains("<li>a</li>"), "{html}");
    }

    #[test]
    fn scripts_and_handlers_are_removed() {
        let html = markdown_to_html(
            "Hi <script>alert(1)</script> <img src=x onerror=\"alert(2)\"> \
             <a href=\"javascript:alert(3)\" onclick=\"alert(4)\">x</a> \
             <iframe src=\"https://evil.example\"></iframe><style>p{}</style>\
             <p style=\"color:red\">s</p>",
        );
        for bad in [
            "<script",
            "alert(1)",
            "onerror",
            "onclick",
            "javascript:",
            "<iframe",
            "<style",
            "style=",
        ] {
            assert!(!html.contains(bad), "{bad} survived: {html}");
        }
    }

    #[test]
    fn remote_images_lose_their_source_and_inline_ones_keep_it() {
        let html = markdown_to_html("![a](https://tracker.example/p.png)");
        assert!(!html.contains("tracker.example"), "{html}");
        let html = markdown_to_html("![a](data:image/png;base64,iVBORw0KGgo=)");
        assert!(
            html.contains("src=\"data:image/png;base64,iVBORw0KGgo=\""),
            "{html}"
        );
    }

    #[test]
    fn links_are_inert_outside_http() {
        let html = markdown_to_html("[docs](https://docs.example/a) [x](data:text/html,hi)");
        assert!(html.contains("href=\"https://docs.example/a\""), "{html}");
        assert!(html.contains("rel=\"noopener noreferrer\""), "{html}");
        assert!(!html.contains("data:text"), "{html}");
    }

    #[test]
    fn snippets_keep_only_mark() {
        let cleaned = highlight_only("a <mark>cluster</mark> &lt;b&gt; <b>x</b><script>y</script>");
        assert_eq!(cleaned, "a <mark>cluster</mark> &lt;b&gt; x");
        assert_eq!(plain_text("a <mark>b</mark> &amp; &lt;c&gt;"), "a b & <c>");
    }
}
