//! An incoming message as the support centre needs it: who wrote, to which of our
//! addresses, about which thread, the text, the attachments, and whether a machine sent it.
//!
//! The text is the plain part when there is one, else the HTML part turned into text; it is
//! *not* yet stripped of quotes (see [`crate::strip`]), because a new case by mail keeps its
//! whole body. Message ids are given without angle brackets, as mail-parser reads them.
//!
//! [`Inbound::automatic`] marks mail that must never be answered: auto-replies, bounces,
//! list traffic. Answering them is how two systems end up mailing each other forever.

use crate::address;
use crate::error::MailError;
use crate::html_text::html_to_text;
use mail_parser::{HeaderValue, Message, MessageParser, MessagePart, MimeHeaders};

/// One incoming message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Inbound {
    /// The sender's address, lowercased.
    pub from: String,
    /// The sender's display name, when given.
    pub from_name: Option<String>,
    /// Every address the message was delivered to (`To`, `Cc`, `Delivered-To`,
    /// `X-Original-To`), lowercased, each once, in that order.
    pub recipients: Vec<String>,
    /// The decoded subject, trimmed (empty when there is none).
    pub subject: String,
    /// The message's own id.
    pub message_id: Option<String>,
    /// The ids it answers.
    pub in_reply_to: Vec<String>,
    /// The ids of its thread.
    pub references: Vec<String>,
    /// The plain-text body, or the HTML body as text; quotes not yet removed.
    pub text: String,
    /// Attached files, including inline images and attached messages.
    pub attachments: Vec<InboundAttachment>,
    /// True when a machine sent it (auto-reply, bounce, list): never answer it.
    pub automatic: bool,
}

/// One attached file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InboundAttachment {
    /// The file name the sender gave, or a generic one.
    pub file_name: String,
    /// The MIME type, such as `application/pdf`.
    pub content_type: String,
    /// The decoded content.
    pub bytes: Vec<u8>,
}

/// Reads one raw RFC 5322 message.
pub fn parse(raw: &[u8]) -> Result<Inbound, MailError> {
    let message = MessageParser::default()
        .parse(raw)
        .ok_or_else(|| MailError::InvalidMessage("no message could be read".into()))?;
    if message.headers().is_empty() {
        return Err(MailError::InvalidMessage(
            "the message has no headers".into(),
        ));
    }
    let sender = message.from().and_then(|a| a.first());
    let from = sender
        .and_then(|a| a.address())
        .and_then(address::normalise)
        .ok_or(MailError::MissingFrom)?;
    let from_name = sender
        .and_then(|a| a.name())
        .map(|n| n.trim().to_string())
        .filter(|n| !n.is_empty());
    let headers = raw_headers(&message);

    let mut recipients = Vec::new();
    for list in [message.to(), message.cc()].into_iter().flatten() {
        for addr in list.iter().filter_map(|a| a.address()) {
            push_unique(&mut recipients, addr);
        }
    }
    for (name, value) in &headers {
        if name == "delivered-to" || name == "x-original-to" {
            push_unique(&mut recipients, value);
        }
    }

    Ok(Inbound {
        automatic: is_automatic(&message, &headers, &from),
        from,
        from_name,
        recipients,
        subject: message.subject().unwrap_or("").trim().to_string(),
        message_id: message.message_id().map(str::to_string),
        in_reply_to: ids(message.in_reply_to()),
        references: ids(message.references()),
        // Comments are stored with `\n` line ends, whatever the sender's system used.
        text: body_text(&message).replace("\r\n", "\n"),
        attachments: message.attachments().map(attachment).collect(),
    })
}

/// Every header of the top level as (lowercased name, raw value without folding).
fn raw_headers(message: &Message<'_>) -> Vec<(String, String)> {
    let raw = message.raw_message();
    message
        .headers()
        .iter()
        .map(|h| {
            let value = raw
                .get(h.offset_start() as usize..h.offset_end() as usize)
                .map(String::from_utf8_lossy)
                .unwrap_or_default();
            let unfolded = value.split_whitespace().collect::<Vec<_>>().join(" ");
            (h.name().to_ascii_lowercase(), unfolded)
        })
        .collect()
}

fn push_unique(list: &mut Vec<String>, addr: &str) {
    if let Some(norm) = address::normalise(addr) {
        if !list.contains(&norm) {
            list.push(norm);
        }
    }
}

fn ids(value: &HeaderValue<'_>) -> Vec<String> {
    match value {
        HeaderValue::Text(id) => vec![id.to_string()],
        HeaderValue::TextList(ids) => ids.iter().map(|id| id.to_string()).collect(),
        _ => Vec::new(),
    }
}

fn body_text(message: &Message<'_>) -> String {
    // Apple Mail splits the text around an inline image into several plain parts: keep all.
    let plain: Vec<&str> = message
        .text_bodies()
        .filter(|p| p.is_text() && !p.is_text_html())
        .filter_map(|p| p.text_contents())
        .collect();
    if !plain.is_empty() {
        return plain.join("\n");
    }
    // mail-parser offers an HTML part as the text body of an HTML-only mail; use our own
    // conversion then, which drops the quoted mail that HTML marks up.
    message
        .html_bodies()
        .filter(|p| p.is_text_html())
        .filter_map(|p| p.text_contents())
        .map(html_to_text)
        .collect::<Vec<_>>()
        .join("\n")
}

fn attachment(part: &MessagePart<'_>) -> InboundAttachment {
    let content_type = part
        .content_type()
        .map(|ct| match ct.subtype() {
            Some(sub) => format!("{}/{}", ct.ctype(), sub),
            None => ct.ctype().to_string(),
        })
        .unwrap_or_else(|| "application/octet-stream".into())
        .to_ascii_lowercase();
    let file_name = part
        .attachment_name()
        .map(|n| n.trim().to_string())
        .filter(|n| !n.is_empty())
        .unwrap_or_else(|| {
            if content_type == "message/rfc822" {
                "message.eml".into()
            } else {
                "attachment".into()
            }
        });
    InboundAttachment {
        file_name,
        content_type,
        bytes: part.contents().to_vec(),
    }
}

/// RFC 3834's `Auto-Submitted`, the older `Precedence` and `X-Autoreply` conventions,
/// mailing lists, bounces (daemon senders, the null return path, delivery reports).
fn is_automatic(message: &Message<'_>, headers: &[(String, String)], from: &str) -> bool {
    let header_says = headers.iter().any(|(name, value)| {
        let value = value.trim().to_ascii_lowercase();
        match name.as_str() {
            "auto-submitted" => value.split(';').next().unwrap_or("").trim() != "no",
            "precedence" => matches!(value.as_str(), "bulk" | "list" | "junk" | "auto_reply"),
            "x-autoreply" | "x-autorespond" | "list-id" => true,
            "return-path" => value
                .trim_matches(|c| c == '<' || c == '>' || c == ' ')
                .is_empty(),
            _ => false,
        }
    });
    let local = from.split('@').next().unwrap_or("");
    let daemon = local == "mailer-daemon" || local == "postmaster";
    let report = message.parts.iter().any(|part| {
        part.content_type().is_some_and(|ct| {
            let sub = ct.subtype().unwrap_or("").to_ascii_lowercase();
            let main = ct.ctype().to_ascii_lowercase();
            (main == "multipart"
                && sub == "report"
                && ct
                    .attribute("report-type")
                    .is_some_and(|t| t.eq_ignore_ascii_case("delivery-status")))
                || (main == "message" && sub == "delivery-status")
        })
    });
    header_says || daemon || report
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const PLAIN: &str = "Return-Path: <wang.wei@customer.example>\r\n\
        Delivered-To: support+c42a7kabc@vendor.example\r\n\
        From: =?UTF-8?B?546L5Lyf?= <Wang.Wei@Customer.Example>\r\n\
        To: Support <SUPPORT+c42a7kabc@vendor.example>, other@customer.example\r\n\
        Cc: boss@customer.example\r\n\
        Subject: =?UTF-8?B?UmU6IFtDYXNlICM0Ml0g5pWw5o2u5bqT?=\r\n\
        Message-ID: <reply-1@customer.example>\r\n\
        In-Reply-To: <case-42@vendor.example>\r\n\
        References: <case-42@vendor.example> <m-1@vendor.example>\r\n\
        MIME-Version: 1.0\r\n\
        Content-Type: multipart/mixed; boundary=\"b1\"\r\n\
        \r\n\
        --b1\r\n\
        Content-Type: text/plain; charset=utf-8\r\n\
        \r\n\
        It works now.\r\n\
        --b1\r\n\
        Content-Type: application/pdf; name=\"log.pdf\"\r\n\
        Content-Disposition: attachment; filename=\"log.pdf\"\r\n\
        Content-Transfer-Encoding: base64\r\n\
        \r\n\
        JVBERi0xLjQK\r\n\
        --b1--\r\n";

    #[test]
    fn a_reply_is_read_whole() {
        let m = parse(PLAIN.as_bytes()).unwrap();
        assert_eq!(m.from, "wang.wei@customer.example");
        assert_eq!(m.from_name.as_deref(), Some("王伟"));
        assert_eq!(
            m.recipients,
            [
                "support+c42a7kabc@vendor.example",
                "other@customer.example",
                "boss@customer.example"
            ]
        );
        assert_eq!(m.subject, "Re: [Case #42] 数据库");
        assert_eq!(m.message_id.as_deref(), Some("reply-1@customer.example"));
        assert_eq!(m.in_reply_to, ["case-42@vendor.example"]);
        assert_eq!(
            m.references,
            ["case-42@vendor.example", "m-1@vendor.example"]
        );
        assert_eq!(m.text, "It works now.");
        assert_eq!(m.attachments.len(), 1);
        assert_eq!(m.attachments[0].file_name, "log.pdf");
        assert_eq!(m.attachments[0].content_type, "application/pdf");
        assert_eq!(m.attachments[0].bytes, b"%PDF-1.4\n");
        assert!(!m.automatic);
    }

    #[test]
    fn html_only_mail_becomes_text_without_its_quote() {
        let raw = "From: a@customer.example\r\nTo: support@vendor.example\r\nSubject: x\r\n\
            Content-Type: text/html; charset=utf-8\r\n\r\n\
            <div>Restarted &amp; fine.</div><blockquote type=\"cite\">old</blockquote>";
        let m = parse(raw.as_bytes()).unwrap();
        assert_eq!(m.text, "Restarted & fine.");
    }

    #[test]
    fn text_split_around_an_inline_image_is_kept_whole() {
        let raw = "From: a@customer.example\r\nTo: support@vendor.example\r\n\
            Content-Type: multipart/mixed; boundary=\"x\"\r\n\r\n\
            --x\r\nContent-Type: text/plain\r\n\r\nThe error:\r\n\
            --x\r\nContent-Type: image/png\r\nContent-Disposition: inline; filename=shot.png\r\n\
            Content-Transfer-Encoding: base64\r\n\r\niVBORw==\r\n\
            --x\r\nContent-Type: text/plain\r\n\r\nIt happens daily.\r\n--x--\r\n";
        let m = parse(raw.as_bytes()).unwrap();
        assert_eq!(m.text, "The error:\nIt happens daily.");
        assert_eq!(m.attachments.len(), 1);
        assert_eq!(m.attachments[0].file_name, "shot.png");
        assert_eq!(m.attachments[0].content_type, "image/png");
    }

    #[test]
    fn line_ends_become_newlines() {
        let raw = "From: a@customer.example\r\nSubject: x\r\n\r\nline one\r\nline two\r\n";
        assert_eq!(parse(raw.as_bytes()).unwrap().text, "line one\nline two\n");
    }

    fn with_header(header: &str) -> Inbound {
        let raw = format!(
            "From: Someone <someone@customer.example>\r\nTo: support@vendor.example\r\n\
             {header}Subject: hi\r\n\r\nbody\r\n"
        );
        parse(raw.as_bytes()).unwrap()
    }

    #[test]
    fn machine_mail_is_marked_automatic() {
        for header in [
            "Auto-Submitted: auto-replied\r\n",
            "Auto-Submitted: auto-generated; owner-email=x@y\r\n",
            "Precedence: bulk\r\n",
            "Precedence: auto_reply\r\n",
            "X-Autoreply: yes\r\n",
            "X-Autorespond: Out of office\r\n",
            "List-Id: <dev.lists.example>\r\n",
            "Return-Path: <>\r\n",
        ] {
            assert!(with_header(header).automatic, "{header}");
        }
        for header in ["Auto-Submitted: no\r\n", "Precedence: first-class\r\n", ""] {
            assert!(!with_header(header).automatic, "{header}");
        }
        let bounce =
            "From: MAILER-DAEMON@mx.customer.example\r\nTo: support@vendor.example\r\n\r\nx";
        assert!(parse(bounce.as_bytes()).unwrap().automatic);
        let report = "From: mx@customer.example\r\nTo: support@vendor.example\r\n\
            Content-Type: multipart/report; report-type=delivery-status; boundary=\"r\"\r\n\r\n\
            --r\r\nContent-Type: text/plain\r\n\r\nFailed.\r\n\
            --r\r\nContent-Type: message/delivery-status\r\n\r\nStatus: 5.1.1\r\n--r--\r\n";
        assert!(parse(report.as_bytes()).unwrap().automatic);
    }

    #[test]
    fn bad_input_is_an_error_with_a_code() {
        assert_eq!(parse(b"").unwrap_err().code(), "invalid_message");
        let no_from = "To: support@vendor.example\r\nSubject: x\r\n\r\nbody";
        assert_eq!(
            parse(no_from.as_bytes()).unwrap_err().code(),
            "missing_from"
        );
        let bad_from = "From: nobody\r\nSubject: x\r\n\r\nbody";
        assert_eq!(
            parse(bad_from.as_bytes()).unwrap_err().code(),
            "missing_from"
        );
    }

    proptest! {
        #[test]
        fn random_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..2048)) {
            let _ = parse(&bytes);
        }

        #[test]
        fn random_headers_never_panic(body in "[ -~\r\n:<>@;=\"]{0,600}") {
            let _ = parse(format!("From: a@b.example\r\n{body}").as_bytes());
        }
    }
}
