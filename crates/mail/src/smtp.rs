//! Handing rendered mail to an SMTP relay.
//!
//! The queue decides when to retry; this only has to say whether a failure is worth
//! retrying. A `5xx` answer is permanent (the relay will never take this mail: give up and
//! record why); a `4xx`, a refused connection, a TLS failure or a timeout is transient (try
//! again later). Anything unclear is treated as transient, because giving up loses a mail
//! while retrying costs at most a delay.

use crate::error::MailError;
use lettre::address::Envelope;
use lettre::{Address, AsyncSmtpTransport, AsyncTransport, Tokio1Executor};
use std::time::Duration;
use thiserror::Error;

/// How long one SMTP exchange may take before it counts as a (transient) failure.
const TIMEOUT: Duration = Duration::from_secs(60);

/// A connection setting for one SMTP relay (connections are opened per send and pooled).
#[derive(Clone)]
pub struct SmtpSender {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    url: String,
}

impl std::fmt::Debug for SmtpSender {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SmtpSender")
            .field("url", &redacted(&self.url))
            .finish()
    }
}

/// Why a mail was not delivered to the relay.
#[derive(Debug, Error, Clone, PartialEq, Eq)]
#[error("{message}")]
pub struct SendError {
    permanent: bool,
    message: String,
}

impl SendError {
    /// True when retrying cannot help (the relay answered 5xx, or an address is invalid).
    pub fn is_permanent(&self) -> bool {
        self.permanent
    }

    /// The stable code: `smtp_permanent` or `smtp_transient`.
    pub fn code(&self) -> &'static str {
        if self.permanent {
            "smtp_permanent"
        } else {
            "smtp_transient"
        }
    }
}

impl SmtpSender {
    /// A sender for lettre's URL form: `smtp://host:port` (plain, for a relay on loopback),
    /// `smtp://host:587?tls=required` (STARTTLS), `smtps://user:pass@host:465` (TLS).
    pub fn from_url(url: &str) -> Result<SmtpSender, MailError> {
        let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
            .map_err(|e| MailError::InvalidSmtpUrl(format!("{}: {e}", redacted(url))))?
            .timeout(Some(TIMEOUT))
            .build();
        Ok(SmtpSender {
            transport,
            url: url.to_string(),
        })
    }

    /// Delivers one rendered message to the relay for these envelope addresses.
    pub async fn send(&self, from: &str, to: &[String], raw: &[u8]) -> Result<(), SendError> {
        let address = |a: &str| {
            a.trim().parse::<Address>().map_err(|e| SendError {
                permanent: true,
                message: format!("invalid address '{a}': {e}"),
            })
        };
        let recipients = to
            .iter()
            .map(|a| address(a))
            .collect::<Result<Vec<_>, _>>()?;
        let envelope = Envelope::new(Some(address(from)?), recipients).map_err(|e| SendError {
            permanent: true,
            message: e.to_string(),
        })?;
        self.transport
            .send_raw(&envelope, raw)
            .await
            .map(|_| ())
            .map_err(|e| SendError {
                permanent: e.is_permanent(),
                message: e.to_string(),
            })
    }
}

/// The URL with its password replaced by `***`, for logs.
pub fn redacted(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_string();
    };
    let authority_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let (authority, tail) = rest.split_at(authority_end);
    match authority.rsplit_once('@') {
        Some((userinfo, host)) => {
            let user = userinfo.split(':').next().unwrap_or("");
            let hidden = if userinfo.contains(':') { ":***" } else { "" };
            format!("{scheme}://{user}{hidden}@{host}{tail}")
        }
        None => url.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_never_reach_logs() {
        assert_eq!(
            redacted("smtps://mailer:s3cr%40t@mail.example:465"),
            "smtps://mailer:***@mail.example:465"
        );
        assert_eq!(
            redacted("smtp://mail.example:587?tls=required"),
            "smtp://mail.example:587?tls=required"
        );
        assert_eq!(
            redacted("smtp://user@host/ehlo.name"),
            "smtp://user@host/ehlo.name"
        );
        let sender = SmtpSender::from_url("smtps://u:topsecret@mail.example").unwrap();
        assert!(!format!("{sender:?}").contains("topsecret"));
    }

    #[test]
    fn unusable_urls_are_refused_without_their_password() {
        let err = SmtpSender::from_url("ftp://u:topsecret@mail.example").unwrap_err();
        assert_eq!(err.code(), "invalid_smtp_url");
        assert!(!err.to_string().contains("topsecret"), "{err}");
        assert!(SmtpSender::from_url("smtp://127.0.0.1:2525").is_ok());
        assert!(SmtpSender::from_url("smtp://mail.example:587?tls=required").is_ok());
    }
}
