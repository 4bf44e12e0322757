//! Markdown to plain text.
//!
//! Articles are written in Markdown, but neither the index nor the snippets should see its
//! syntax: `**`, link targets and table pipes would become search terms and would show up in
//! the snippet a user reads. The text events of pulldown-cmark are exactly the words a reader
//! sees, so they are what gets indexed and stored. Raw HTML is dropped.

use pulldown_cmark::{Event, Options, Parser, TagEnd};

/// The readable text of a Markdown document, on one line: block boundaries and line breaks
/// become single spaces, runs of whitespace collapse, HTML and link targets are dropped.
pub fn to_plain_text(markdown: &str) -> String {
    let mut out = String::with_capacity(markdown.len());
    let opts = Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH | Options::ENABLE_TASKLISTS;
    for event in Parser::new_ext(markdown, opts) {
        match event {
            Event::Text(t) | Event::Code(t) => push_collapsed(&mut out, &t),
            Event::SoftBreak | Event::HardBreak | Event::Rule => push_space(&mut out),
            Event::End(
                TagEnd::Paragraph
                | TagEnd::Heading(_)
                | TagEnd::Item
                | TagEnd::CodeBlock
                | TagEnd::TableCell
                | TagEnd::TableRow
                | TagEnd::TableHead
                | TagEnd::BlockQuote(_)
                | TagEnd::FootnoteDefinition,
            ) => push_space(&mut out),
            _ => {}
        }
    }
    let trimmed = out.trim_end().len();
    out.truncate(trimmed);
    out
}

fn push_space(out: &mut String) {
    if !out.is_empty() && !out.ends_with(' ') {
        out.push(' ');
    }
}

fn push_collapsed(out: &mut String, text: &str) {
    for c in text.chars() {
        if c.is_whitespace() || c.is_control() {
            push_space(out);
        } else {
            out.push(c);
        }
    }
}

/// Collapses whitespace and control characters of a plain string (titles) to single spaces.
pub fn normalize_line(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    push_collapsed(&mut out, text.trim());
    let trimmed = out.trim_end().len();
    out.truncate(trimmed);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn syntax_is_removed() {
        let md = "# Title\n\nSome **bold** and [a link](http://x.example/y) with `code`.\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n<div>html</div>\n";
        let t = to_plain_text(md);
        assert_eq!(t, "Title Some bold and a link with code. a b 1 2");
    }
}
