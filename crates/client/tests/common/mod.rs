//! Shared test harness: the real support-centre server started in-process on 127.0.0.1:0
//! with demo data in a temporary directory, a TCP proxy that can cut connections, and
//! sessions whose data and cache live in temporary directories.

#![allow(dead_code)]

use casewatch_client::{ApiConfig, CaseForm, Dirs, Profile, SecretStore, Session};
use casewatch_server::{Admin, ArticleInput, PasswordCost, RunningServer, ServerConfig};
use std::net::SocketAddr;
use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// The demo key contact of the cloud-enterprise organisation.
pub const ACME_ADMIN: &str = "admin@acme.example";
/// Every demo account's password.
pub const DEMO_PASSWORD: &str = casewatch_server::DEMO_PASSWORD;

/// A server on a temporary data directory.
pub struct TestServer {
    pub data: tempfile::TempDir,
    pub server: Option<RunningServer>,
}

impl TestServer {
    /// Starts the demo server.
    pub async fn start() -> TestServer {
        let data = tempfile::tempdir().unwrap();
        let server = Some(serve(data.path()).await);
        TestServer { data, server }
    }

    /// The base URL.
    pub fn url(&self) -> String {
        self.server.as_ref().expect("server running").base_url()
    }

    /// The bound address.
    pub fn addr(&self) -> SocketAddr {
        self.server.as_ref().expect("server running").addr()
    }

    /// Stops the server (its data stays).
    pub async fn stop(&mut self) {
        if let Some(s) = self.server.take() {
            s.shutdown().await.unwrap();
        }
    }

    /// Starts it again on the same data, on a new port.
    pub async fn restart(&mut self) {
        self.stop().await;
        self.server = Some(serve(self.data.path()).await);
    }

    /// Adds or changes an article through the admin API.
    pub async fn upsert_article(&self, article: ArticleInput) {
        admin(self.data.path(), move |admin| {
            admin.upsert_articles(vec![article]).map(drop)
        })
        .await;
    }

    /// Deletes an article (leaves a tombstone).
    pub async fn delete_article(&self, id: &str) {
        let id = id.to_string();
        admin(self.data.path(), move |admin| {
            admin.delete_articles(vec![id]).map(drop)
        })
        .await;
    }
}

async fn admin(
    dir: &Path,
    f: impl FnOnce(&Admin) -> casewatch_server::ApiResult<()> + Send + 'static,
) {
    let dir = dir.to_path_buf();
    tokio::task::spawn_blocking(move || {
        let admin = Admin::open(&dir, PasswordCost::InsecureFastForTests).unwrap();
        f(&admin).unwrap();
    })
    .await
    .unwrap();
}

async fn serve(dir: &Path) -> RunningServer {
    serve_at(dir, ([127, 0, 0, 1], 0).into()).await
}

/// The demo server on `dir`, listening on `addr` (a test that takes the portal away and brings
/// it back at the same address passes the first run's address).
pub async fn serve_at(dir: &Path, addr: SocketAddr) -> RunningServer {
    let mut config = ServerConfig::new(addr, dir);
    config.demo = true;
    config.password_cost = PasswordCost::InsecureFastForTests;
    casewatch_server::serve(config).await.unwrap()
}

/// An article for tests.
pub fn article(id: &str, locale: &str, title: &str, body: &str, kind: &str) -> ArticleInput {
    ArticleInput {
        id: id.into(),
        locale: locale.into(),
        title: title.into(),
        body: body.into(),
        kind: kind.into(),
        product: "Orbit Search".into(),
        versions: vec!["8.1".into()],
        tags: vec![],
    }
}

/// A case form with every field a case needs filled in (severity 2, production), for
/// `subject`.
pub fn filled_form(subject: &str) -> CaseForm {
    CaseForm {
        case_type: "problem".into(),
        subject: subject.into(),
        severity: "2".into(),
        environment: "production".into(),
        product: "Orbit Search".into(),
        version: "8.1.2".into(),
        situation: "Bulk indexing stalls after the upgrade.".into(),
        impact: "Orders are not searchable.".into(),
        ..CaseForm::default()
    }
}

/// Temporary XDG directories for a client.
pub struct ClientDirs {
    pub root: tempfile::TempDir,
    pub dirs: Dirs,
}

impl ClientDirs {
    pub fn new() -> ClientDirs {
        let root = tempfile::tempdir().unwrap();
        let dirs = Dirs::new(root.path().join("data"), root.path().join("cache"));
        ClientDirs { root, dirs }
    }
}

/// Fast-failing API settings for tests.
pub fn fast_config() -> ApiConfig {
    let mut c = ApiConfig::new("http://unused");
    c.timeout = Duration::from_secs(10);
    c.connect_timeout = Duration::from_secs(2);
    c.backoff_base = Duration::from_millis(5);
    c.backoff_max = Duration::from_millis(20);
    c
}

/// A session for `account` on `portal`.
pub fn session(
    dirs: &Dirs,
    portal: &str,
    account: &str,
    secrets: Arc<dyn SecretStore>,
    config: ApiConfig,
) -> Session {
    let profile = Profile::new(portal, account).unwrap();
    Session::open_with(dirs, profile, secrets, config).unwrap()
}

/// A TCP proxy in front of the server that can cut connections: each unit of
/// `drop_responses` makes it close a connection at the first bytes of the server's next
/// answer — the server has acted, the client never hears.
pub struct Proxy {
    pub addr: SocketAddr,
    pub target: Arc<Mutex<SocketAddr>>,
    pub drop_responses: Arc<AtomicUsize>,
    pub dropped: Arc<AtomicUsize>,
}

impl Proxy {
    pub async fn start(target: SocketAddr) -> Proxy {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let proxy = Proxy {
            addr,
            target: Arc::new(Mutex::new(target)),
            drop_responses: Arc::new(AtomicUsize::new(0)),
            dropped: Arc::new(AtomicUsize::new(0)),
        };
        let (target, drops, dropped) = (
            proxy.target.clone(),
            proxy.drop_responses.clone(),
            proxy.dropped.clone(),
        );
        tokio::spawn(async move {
            while let Ok((client, _)) = listener.accept().await {
                let to = *target.lock().unwrap();
                tokio::spawn(pipe(client, to, drops.clone(), dropped.clone()));
            }
        });
        proxy
    }

    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    pub fn retarget(&self, to: SocketAddr) {
        *self.target.lock().unwrap() = to;
    }
}

async fn pipe(
    client: TcpStream,
    to: SocketAddr,
    drops: Arc<AtomicUsize>,
    dropped: Arc<AtomicUsize>,
) {
    let Ok(server) = TcpStream::connect(to).await else {
        return; // dropping `client` closes it: the client sees a reset connection
    };
    let (mut cr, mut cw) = client.into_split();
    let (mut sr, mut sw) = server.into_split();
    let upstream = tokio::spawn(async move {
        let mut buf = vec![0u8; 16 * 1024];
        loop {
            match cr.read(&mut buf).await {
                Ok(0) | Err(_) => break,
                Ok(n) => {
                    if sw.write_all(&buf[..n]).await.is_err() {
                        break;
                    }
                }
            }
        }
    });
    let mut buf = vec![0u8; 16 * 1024];
    loop {
        match sr.read(&mut buf).await {
            Ok(0) | Err(_) => break,
            Ok(n) => {
                let cut = drops
                    .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |d| d.checked_sub(1))
                    .is_ok();
                if cut {
                    dropped.fetch_add(1, Ordering::SeqCst);
                    break;
                }
                if cw.write_all(&buf[..n]).await.is_err() {
                    break;
                }
            }
        }
    }
    upstream.abort();
}
