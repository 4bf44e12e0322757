//! Engineers write replies in Markdown; mail clients show HTML. The HTML part of a reply is
//! the Markdown rendered and then cleaned with a short allow-list, because the Markdown may
//! contain raw HTML (pasted, or written by someone testing us) and mail clients are not all
//! careful about what they run or load.
//!
//! Allowed: text structure (paragraphs, headings, lists, emphasis, code, quotes, tables) and
//! links to `http`, `https` and `mailto` addresses, which get `rel="noopener noreferrer"`.
//! Not allowed: scripts and styles (with their content), event handlers and every other
//! attribute, forms, frames, and images: a remote image would tell its host who read the
//! reply and when, and the support centre has nowhere to serve attached ones from.

use pulldown_cmark::{html, Options, Parser};
use std::collections::HashSet;
use std::sync::OnceLock;

/// Markdown as sanitised HTML, for the HTML part of a mail.
pub fn to_safe_html(md: &str) -> String {
    let mut options = Options::empty();
    options.insert(Options::ENABLE_TABLES);
    options.insert(Options::ENABLE_STRIKETHROUGH);
    let mut rendered = String::new();
    html::push_html(&mut rendered, Parser::new_ext(md, options));
    cleaner().clean(&rendered).to_string()
}

fn cleaner() -> &'static ammonia::Builder<'static> {
    static CLEANER: OnceLock<ammonia::Builder<'static>> = OnceLock::new();
    CLEANER.get_or_init(|| {
        let mut builder = ammonia::Builder::empty();
        builder
            .add_tags([
                "p",
                "br",
                "hr",
                "h1",
                "h2",
                "h3",
                "h4",
                "h5",
                "h6",
                "em",
                "strong",
                "del",
                "code",
                "pre",
                "blockquote",
                "ul",
                "ol",
                "li",
                "a",
                "table",
                "thead",
                "tbody",
                "tr",
                "th",
                "td",
            ])
            .add_tag_attributes("a", ["href"])
            .add_tag_attributes("ol", ["start"])
            .url_schemes(HashSet::from(["http", "https", "mailto"]))
            .link_rel(Some("noopener noreferrer"))
            .clean_content_tags(HashSet::from(["script", "style"]));
        builder
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markdown_structure_survives() {
        let html = to_safe_html(
            "# Fix\n\nRun `restart` **now**:\n\n- one\n- two\n\n[KB](https://kb.example/1)",
        );
        assert!(html.contains("<h1>Fix</h1>"), "{html}");
        assert!(html.contains("<code>restart</code>"), "{html}");
        assert!(html.contains("<strong>now</strong>"), "{html}");
        assert!(html.contains("<li>one</li>"), "{html}");
        assert!(
            html.contains(r#"<a href="https://kb.example/1" rel="noopener noreferrer">KB</a>"#),
            "{html}"
        );
    }

    #[test]
    fn scripts_handlers_and_remote_images_come_out_inert() {
        let html = to_safe_html(
            "<script>alert(1)</script>\n\n[x](javascript:alert(1))\n\n<img src=x onerror=alert(2)>\n\n\
             ![tracker](https://evil.example/t.png)\n\n<a href=\"https://ok.example\" onclick=\"alert(3)\">ok</a>",
        );
        let lower = html.to_lowercase();
        for bad in [
            "<script",
            "alert(1)",
            "javascript:",
            "onerror",
            "<img",
            "evil.example",
            "onclick",
        ] {
            assert!(!lower.contains(bad), "{bad} in {html}");
        }
        assert!(html.contains(">x</a>"), "the link text stays: {html}");
        assert!(html.contains("https://ok.example"), "{html}");
    }
}
