//! The server's mail tests' shared set-up: a demo server that mails through an [`SmtpSink`],
//! a case filed, a start that must be refused. Kept apart from `smtp.rs`, which the CLI's
//! tests include on its own and which must not depend on this crate's `TestServer`.
#![allow(dead_code)]

use super::smtp::{SmtpSink, FROM};

/// A demo server sending mail from [`FROM`] through `sink`, retrying quickly (the production
/// first retry is a minute later); `more` changes the configuration further.
pub async fn mail_server(
    sink: &SmtpSink,
    more: impl FnOnce(&mut casewatch_server::ServerConfig),
) -> super::TestServer {
    let url = sink.url();
    super::TestServer::start_with(move |c| {
        c.smtp_url = Some(url);
        c.mail_from = Some(FROM.into());
        c.public_url = Some("https://support.vendor.example".into());
        c.mail_retry_base = std::time::Duration::from_millis(100);
        c.mail_poll = std::time::Duration::from_millis(200);
        more(c);
    })
    .await
}

/// Files a case (severity 2) as `token`; answers its number.
pub async fn file_case(s: &super::TestServer, token: &str, subject: &str) -> i64 {
    s.post(token, "/cases", super::new_case(subject, 2))
        .await
        .assert_status(201)["number"]
        .as_i64()
        .unwrap()
}

/// Starts a server with `config`, which must be refused; answers the refusal's message.
pub async fn refused_start(config: casewatch_server::ServerConfig) -> String {
    match casewatch_server::serve(config).await {
        Ok(_) => panic!("the server started with settings it must refuse"),
        Err(e) => e.to_string(),
    }
}
