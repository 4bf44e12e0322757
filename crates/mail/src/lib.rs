//! # casewatch-mail
//!
//! Everything about the support centre's e-mail that is neither storage nor HTTP, so the
//! server only has to queue, call and store.
//!
//! **Outgoing.** When an event needs a mail (a case was created, an engineer answered, a
//! contact was invited…), the server builds a [`Mail`] and stores it as JSON in its mail
//! queue *in the same transaction as the event*: no case without its confirmation, no
//! confirmation without its case. A background sender later takes a queued row, calls
//! [`render`] with a [`RenderContext`] (whose `message_id` and `date` come from the row, so
//! a send repeated after a crash is the same message, byte for byte) and hands the bytes to
//! [`SmtpSender::send`]. A [`SendError`] says whether to retry ([`SendError::is_permanent`]).
//!
//! **Incoming.** The MTA pipes a message to the server. The server calls [`parse`] for an
//! [`Inbound`], skips [`Inbound::automatic`] mail (never answered, so two systems cannot loop),
//! calls [`classify_recipients`] on its recipients (a plain address opens a case, a
//! signed plus-address answers one, a bad token is refused) and [`reply_text`] on the text to
//! drop the quoted mail before storing the comment. Whether the sender may write to that
//! case is the server's decision: it knows the accounts. So are the other loop guards that
//! need state: drop mail whose sender is the support address itself, and answer any one
//! address at most once an hour.
//!
//! **What the MTA must check.** This crate trusts the `From` header it is given. Forging a
//! `From` is trivial, so the MTA in front of the support centre must verify SPF, DKIM and
//! DMARC for the sender's domain and reject (or at least not pipe on) mail that fails
//! DMARC; it should also reject mail to unknown local parts other than the support address
//! and its plus-addresses. The reply token limits a forged `From` to cases whose mail the
//! forger has seen, but only sender authentication at the MTA closes that door.

#![warn(missing_docs)]

pub mod address;
pub mod compose;
pub mod error;
pub mod html_text;
pub mod inbound;
pub mod markdown;
pub mod smtp;
pub mod strip;
pub mod texts;
pub mod token;

pub use compose::{
    escape as escape_html, render, thread_root_id, Mail, RefusalReason, RenderContext,
};
pub use error::MailError;
pub use html_text::html_to_text;
pub use inbound::{parse, Inbound, InboundAttachment};
pub use markdown::to_safe_html;
pub use smtp::{redacted, SendError, SmtpSender};
pub use strip::reply_text;
pub use token::{
    classify_recipient, classify_recipients, reply_address, Recipient, ReplyKey, ReplyTarget,
};
