//! A loopback TCP proxy that can break the network on purpose, for the outbox scenarios.
//!
//! [`FaultProxy`] listens on 127.0.0.1 with a free port and relays every connection to one
//! upstream address. Its [`Mode`] can be switched at any time and applies to connections already
//! open (HTTP clients keep connections alive), checked at every chunk relayed:
//!
//! - [`Mode::Forward`]: relay both ways, like a working network;
//! - [`Mode::DropResponses`]: relay the request to the server, but close the connection as soon
//!   as the server starts answering, without passing a byte of the answer on: the server acts on
//!   the request (e.g. creates the case) and the client never hears back;
//! - [`Mode::Refuse`]: close every connection at once without contacting the server;
//! - [`Mode::Hold`]: relay requests but hold the answers back while the mode lasts, like a
//!   portal that is very slow to answer.
//!
//! Plain std threads, two per connection; dropping the proxy stops accepting.

use std::io::{Read as _, Write as _};
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, AtomicU8, AtomicUsize, Ordering};
use std::sync::Arc;
use std::thread;
use std::time::Duration;

use crate::Result;

/// What the proxy does with the traffic.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Relay both ways.
    Forward,
    /// Relay requests; cut the connection when the answer starts, passing none of it on.
    DropResponses,
    /// Close every connection without contacting the server.
    Refuse,
    /// Relay requests; hold the answers back (passed on once the mode changes to Forward).
    Hold,
}

impl Mode {
    fn from_u8(value: u8) -> Mode {
        match value {
            1 => Mode::DropResponses,
            2 => Mode::Refuse,
            3 => Mode::Hold,
            _ => Mode::Forward,
        }
    }

    fn as_u8(self) -> u8 {
        match self {
            Mode::Forward => 0,
            Mode::DropResponses => 1,
            Mode::Refuse => 2,
            Mode::Hold => 3,
        }
    }
}

struct Shared {
    mode: AtomicU8,
    stop: AtomicBool,
    /// Answers the proxy swallowed in [`Mode::DropResponses`].
    dropped: AtomicUsize,
}

impl Shared {
    fn mode(&self) -> Mode {
        Mode::from_u8(self.mode.load(Ordering::SeqCst))
    }
}

/// The running proxy.
pub struct FaultProxy {
    address: SocketAddr,
    shared: Arc<Shared>,
}

impl FaultProxy {
    /// Starts a proxy to `upstream` in [`Mode::Forward`].
    pub fn start(upstream: SocketAddr) -> Result<FaultProxy> {
        let listener = TcpListener::bind("127.0.0.1:0")?;
        let address = listener.local_addr()?;
        let shared = Arc::new(Shared {
            mode: AtomicU8::new(Mode::Forward.as_u8()),
            stop: AtomicBool::new(false),
            dropped: AtomicUsize::new(0),
        });
        let accepting = shared.clone();
        thread::spawn(move || {
            for client in listener.incoming() {
                if accepting.stop.load(Ordering::SeqCst) {
                    break;
                }
                let Ok(client) = client else { continue };
                let shared = accepting.clone();
                thread::spawn(move || relay(client, upstream, &shared));
            }
        });
        Ok(FaultProxy { address, shared })
    }

    /// `http://127.0.0.1:<port>`, the URL clients use instead of the server's.
    pub fn url(&self) -> String {
        format!("http://{}", self.address)
    }

    /// Switches the mode; connections already open follow from their next chunk on.
    pub fn set_mode(&self, mode: Mode) {
        self.shared.mode.store(mode.as_u8(), Ordering::SeqCst);
    }

    /// The current mode.
    pub fn mode(&self) -> Mode {
        self.shared.mode()
    }

    /// How many answers were swallowed in [`Mode::DropResponses`] so far.
    pub fn dropped_responses(&self) -> usize {
        self.shared.dropped.load(Ordering::SeqCst)
    }
}

impl Drop for FaultProxy {
    fn drop(&mut self) {
        self.shared.stop.store(true, Ordering::SeqCst);
        // Wake the accept loop so it sees `stop`.
        let _ = TcpStream::connect_timeout(&self.address, Duration::from_secs(1));
    }
}

fn close(a: &TcpStream, b: &TcpStream) {
    let _ = a.shutdown(Shutdown::Both);
    let _ = b.shutdown(Shutdown::Both);
}

fn relay(client: TcpStream, upstream: SocketAddr, shared: &Arc<Shared>) {
    if shared.stop.load(Ordering::SeqCst) || shared.mode() == Mode::Refuse {
        let _ = client.shutdown(Shutdown::Both);
        return;
    }
    let Ok(server) = TcpStream::connect_timeout(&upstream, Duration::from_secs(5)) else {
        let _ = client.shutdown(Shutdown::Both);
        return;
    };
    let _ = client.set_nodelay(true);
    let _ = server.set_nodelay(true);
    let (Ok(mut client_in), Ok(mut server_out), Ok(client_guard), Ok(server_guard)) = (
        client.try_clone(),
        server.try_clone(),
        client.try_clone(),
        server.try_clone(),
    ) else {
        close(&client, &server);
        return;
    };
    // Client to server: requests pass in Forward and DropResponses.
    let upward = shared.clone();
    let up = thread::spawn(move || {
        let mut buffer = [0u8; 16 * 1024];
        loop {
            let n = match client_in.read(&mut buffer) {
                Ok(0) | Err(_) => break,
                Ok(n) => n,
            };
            if upward.mode() == Mode::Refuse || server_out.write_all(&buffer[..n]).is_err() {
                break;
            }
        }
        close(&client_guard, &server_guard);
    });
    // Server to client: answers pass only in Forward.
    let mut server_in = server;
    let mut client_out = client;
    let mut buffer = [0u8; 16 * 1024];
    loop {
        let n = match server_in.read(&mut buffer) {
            Ok(0) | Err(_) => break,
            Ok(n) => n,
        };
        while shared.mode() == Mode::Hold && !shared.stop.load(Ordering::SeqCst) {
            thread::sleep(Duration::from_millis(50));
        }
        match shared.mode() {
            Mode::Forward | Mode::Hold => {
                if client_out.write_all(&buffer[..n]).is_err() {
                    break;
                }
            }
            Mode::DropResponses => {
                shared.dropped.fetch_add(1, Ordering::SeqCst);
                break;
            }
            Mode::Refuse => break,
        }
    }
    close(&client_out, &server_in);
    let _ = up.join();
}
