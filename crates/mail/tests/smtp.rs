//! The SMTP layer against a real (if minimal) SMTP server on loopback: a listener speaking
//! the protocol over TCP, answering each command with a reply the test chooses. Not a mocked
//! transport: lettre opens the connection, greets, and streams the message as it would to
//! Postfix.

use casewatch_mail::SmtpSender;
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpListener;
use tokio::sync::mpsc;

/// What the listener saw in one session.
#[derive(Debug, Default)]
struct Session {
    commands: Vec<String>,
    data: String,
}

/// Starts a one-session SMTP server that answers `RCPT TO` with `rcpt_reply`.
async fn server(rcpt_reply: &'static str) -> (u16, mpsc::Receiver<Session>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let (tx, rx) = mpsc::channel(1);
    tokio::spawn(async move {
        let (socket, _) = listener.accept().await.unwrap();
        let (read, mut write) = socket.into_split();
        let mut lines = BufReader::new(read).lines();
        let mut session = Session::default();
        write.write_all(b"220 test.local ESMTP\r\n").await.unwrap();
        while let Ok(Some(line)) = lines.next_line().await {
            let upper = line.to_ascii_uppercase();
            session.commands.push(line.clone());
            let reply: &[u8] = if upper.starts_with("EHLO") {
                b"250-test.local\r\n250 8BITMIME\r\n"
            } else if upper.starts_with("MAIL FROM") {
                b"250 OK\r\n"
            } else if upper.starts_with("RCPT TO") {
                rcpt_reply.as_bytes()
            } else if upper == "DATA" {
                write.write_all(b"354 go ahead\r\n").await.unwrap();
                while let Ok(Some(data_line)) = lines.next_line().await {
                    if data_line == "." {
                        break;
                    }
                    session.data.push_str(&data_line);
                    session.data.push('\n');
                }
                b"250 queued\r\n"
            } else if upper.starts_with("QUIT") {
                write.write_all(b"221 bye\r\n").await.unwrap();
                break;
            } else if upper.starts_with("RSET") || upper.starts_with("NOOP") {
                b"250 OK\r\n"
            } else {
                b"502 not implemented\r\n"
            };
            if write.write_all(reply).await.is_err() {
                break;
            }
        }
        let _ = tx.send(session).await;
    });
    (port, rx)
}

const RAW: &[u8] = b"From: support@vendor.example\r\nTo: wang.wei@customer.example\r\n\
Subject: [Case #42] hello\r\n\r\nThe body.\r\n";

#[tokio::test]
async fn a_plain_smtp_url_delivers_to_a_loopback_server() {
    let (port, mut seen) = server("250 OK\r\n").await;
    let sender = SmtpSender::from_url(&format!("smtp://127.0.0.1:{port}")).unwrap();
    sender
        .send(
            "support@vendor.example",
            &["wang.wei@customer.example".to_string()],
            RAW,
        )
        .await
        .unwrap();
    let session = seen.recv().await.unwrap();
    assert!(session.commands.iter().any(|c| c
        .eq_ignore_ascii_case("MAIL FROM:<support@vendor.example>")
        || c.to_ascii_uppercase()
            .starts_with("MAIL FROM:<SUPPORT@VENDOR.EXAMPLE>")));
    assert!(session.commands.iter().any(|c| c
        .to_ascii_lowercase()
        .contains("rcpt to:<wang.wei@customer.example>")));
    assert!(
        session.data.contains("Subject: [Case #42] hello"),
        "{:?}",
        session.data
    );
    assert!(session.data.contains("The body."), "{:?}", session.data);
}

#[tokio::test]
async fn a_5xx_answer_is_permanent() {
    let (port, _seen) = server("550 5.1.1 no such user\r\n").await;
    let sender = SmtpSender::from_url(&format!("smtp://127.0.0.1:{port}")).unwrap();
    let err = sender
        .send(
            "support@vendor.example",
            &["gone@customer.example".into()],
            RAW,
        )
        .await
        .unwrap_err();
    assert!(err.is_permanent(), "{err}");
    assert_eq!(err.code(), "smtp_permanent");
}

#[tokio::test]
async fn a_4xx_answer_is_transient() {
    let (port, _seen) = server("451 4.7.1 greylisted, try later\r\n").await;
    let sender = SmtpSender::from_url(&format!("smtp://127.0.0.1:{port}")).unwrap();
    let err = sender
        .send(
            "support@vendor.example",
            &["a@customer.example".into()],
            RAW,
        )
        .await
        .unwrap_err();
    assert!(!err.is_permanent(), "{err}");
    assert_eq!(err.code(), "smtp_transient");
}

#[tokio::test]
async fn a_refused_connection_is_transient() {
    // A port that was just free: nothing listens on it any more.
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let sender = SmtpSender::from_url(&format!("smtp://127.0.0.1:{port}")).unwrap();
    let err = sender
        .send(
            "support@vendor.example",
            &["a@customer.example".into()],
            RAW,
        )
        .await
        .unwrap_err();
    assert!(!err.is_permanent(), "{err}");
}

#[tokio::test]
async fn an_invalid_envelope_address_is_permanent() {
    let sender = SmtpSender::from_url("smtp://127.0.0.1:1").unwrap();
    let err = sender
        .send("support@vendor.example", &["not an address".into()], RAW)
        .await
        .unwrap_err();
    assert!(err.is_permanent(), "{err}");
}
