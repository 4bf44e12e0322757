//! The crate's error: one type with a stable code per kind, so the server can map a mail
//! failure to its own error codes (and tests can assert on them) without matching on texts.

use thiserror::Error;

/// What went wrong while reading, classifying or rendering mail.
#[derive(Debug, Error, Clone, PartialEq, Eq)]
pub enum MailError {
    /// The bytes are not an RFC 5322 message (no headers could be read).
    #[error("not an e-mail message: {0}")]
    InvalidMessage(String),
    /// The message has no usable `From` address.
    #[error("the message has no sender address")]
    MissingFrom,
    /// An address (ours, the sender's or a recipient's) cannot be used.
    #[error("invalid e-mail address '{0}'")]
    InvalidAddress(String),
    /// A reply key is not 32 bytes of hex, or the system's random source failed.
    #[error("invalid reply key: {0}")]
    InvalidKey(String),
    /// The SMTP URL cannot be used.
    #[error("invalid SMTP URL: {0}")]
    InvalidSmtpUrl(String),
    /// The outgoing message could not be built.
    #[error("cannot build the mail: {0}")]
    Render(String),
}

impl MailError {
    /// The stable machine-readable code of this error.
    pub fn code(&self) -> &'static str {
        match self {
            MailError::InvalidMessage(_) => "invalid_message",
            MailError::MissingFrom => "missing_from",
            MailError::InvalidAddress(_) => "invalid_address",
            MailError::InvalidKey(_) => "invalid_key",
            MailError::InvalidSmtpUrl(_) => "invalid_smtp_url",
            MailError::Render(_) => "render_failed",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_distinct_and_snake_case() {
        let all = [
            MailError::InvalidMessage(String::new()),
            MailError::MissingFrom,
            MailError::InvalidAddress(String::new()),
            MailError::InvalidKey(String::new()),
            MailError::InvalidSmtpUrl(String::new()),
            MailError::Render(String::new()),
        ];
        let codes: std::collections::HashSet<_> = all.iter().map(MailError::code).collect();
        assert_eq!(codes.len(), all.len());
        assert!(codes
            .iter()
            .all(|c| c.chars().all(|ch| ch.is_ascii_lowercase() || ch == '_')));
    }
}
