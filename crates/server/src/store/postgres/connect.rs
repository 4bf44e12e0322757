//! From a `postgres://` URL to a connection pool: the URL parameters libpq users expect
//! (`sslmode`, `sslrootcert`) plus the pool's own (`pool_max_size`, `pool_timeout`), and TLS
//! through rustls.
//!
//! Why parse the URL here: tokio-postgres understands only `disable`, `prefer` and `require`
//! for `sslmode`, and refuses parameters it does not know. Operators copy URLs from libpq
//! tools and managed-database consoles (`sslmode=verify-full&sslrootcert=…`), so those are
//! taken off the URL and honoured here with libpq's meaning:
//!
//! | `sslmode`          | TLS                 | certificate checked                       |
//! |--------------------|---------------------|-------------------------------------------|
//! | `disable`          | never               | —                                         |
//! | `allow`, `prefer`  | if the server has it| no                                        |
//! | `require`          | always              | no (chain only when `sslrootcert` is set) |
//! | `verify-ca`        | always              | chain                                     |
//! | `verify-full`      | always              | chain and host name                       |
//!
//! Without `sslmode` the default is `prefer`, like libpq. The chain is checked against
//! `sslrootcert` when given, else the system's trust store (`/etc/ssl/certs`).

use super::super::{StoreError, StoreResult};
use deadpool_postgres::{Manager, ManagerConfig, Pool, RecyclingMethod, Runtime};
use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::client::WebPkiServerVerifier;
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{ClientConfig, DigitallySignedStruct, RootCertStore, SignatureScheme};
use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;
use tokio_postgres::config::SslMode;
use tokio_postgres_rustls::MakeRustlsConnect;

/// Connections in the pool when the URL does not say (`pool_max_size`).
pub const DEFAULT_POOL_SIZE: usize = 16;
/// How long a request waits for a free connection (or a new one) before the database counts
/// as unavailable (`pool_timeout`, seconds).
pub const DEFAULT_POOL_TIMEOUT: Duration = Duration::from_secs(5);

/// How much of the server's certificate is checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verify {
    /// Encryption only (libpq's `prefer`/`require` without a root certificate).
    Nothing,
    /// The chain up to a trusted root (`verify-ca`).
    Chain,
    /// The chain and the host name (`verify-full`).
    Full,
}

/// A database URL taken apart.
#[derive(Debug, Clone)]
pub struct DbUrl {
    /// What tokio-postgres connects with.
    pub config: tokio_postgres::Config,
    /// How the certificate is checked when TLS is used.
    pub verify: Verify,
    /// A PEM file of trusted roots instead of the system's.
    pub root_cert: Option<String>,
    /// Largest number of connections.
    pub pool_size: usize,
    /// Wait for a connection at most this long.
    pub pool_timeout: Duration,
}

fn bad_url(detail: impl std::fmt::Display) -> StoreError {
    StoreError::Internal(format!("the database URL is not usable: {detail}"))
}

/// Splits `url` into tokio-postgres's part and ours. The password never appears in an error.
pub fn parse(url: &str) -> StoreResult<DbUrl> {
    let (base, query) = match url.split_once('?') {
        Some((b, q)) => (b, q),
        None => (url, ""),
    };
    let mut kept: Vec<&str> = Vec::new();
    let mut sslmode: Option<String> = None;
    let mut root_cert = None;
    let mut pool_size = DEFAULT_POOL_SIZE;
    let mut pool_timeout = DEFAULT_POOL_TIMEOUT;
    for pair in query.split('&').filter(|p| !p.is_empty()) {
        let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
        match k {
            "sslmode" => sslmode = Some(v.to_string()),
            "sslrootcert" => root_cert = Some(percent_decode(v)),
            "pool_max_size" => {
                pool_size = v
                    .parse::<usize>()
                    .ok()
                    .filter(|n| (1..=1000).contains(n))
                    .ok_or_else(|| bad_url("pool_max_size must be a number from 1 to 1000"))?
            }
            "pool_timeout" => {
                pool_timeout = v
                    .parse::<u64>()
                    .ok()
                    .filter(|n| (1..=3600).contains(n))
                    .map(Duration::from_secs)
                    .ok_or_else(|| bad_url("pool_timeout must be seconds from 1 to 3600"))?
            }
            _ => kept.push(pair),
        }
    }
    let (mode, verify) = match sslmode.as_deref() {
        None | Some("prefer") | Some("allow") => (SslMode::Prefer, Verify::Nothing),
        Some("disable") => (SslMode::Disable, Verify::Nothing),
        Some("require") if root_cert.is_some() => (SslMode::Require, Verify::Chain),
        Some("require") => (SslMode::Require, Verify::Nothing),
        Some("verify-ca") => (SslMode::Require, Verify::Chain),
        Some("verify-full") => (SslMode::Require, Verify::Full),
        Some(other) => {
            return Err(bad_url(format!(
                "sslmode must be disable, allow, prefer, require, verify-ca or verify-full, \
                 not '{other}'"
            )))
        }
    };
    let rest = if kept.is_empty() {
        base.to_string()
    } else {
        format!("{base}?{}", kept.join("&"))
    };
    let mut config = tokio_postgres::Config::from_str(&rest).map_err(bad_url)?;
    config.ssl_mode(mode);
    if config.get_connect_timeout().is_none() {
        config.connect_timeout(pool_timeout);
    }
    if config.get_application_name().is_none() {
        config.application_name("casewatch-server");
    }
    Ok(DbUrl {
        config,
        verify,
        root_cert,
        pool_size,
        pool_timeout,
    })
}

fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).unwrap_or("");
            if let Ok(b) = u8::from_str_radix(hex, 16) {
                out.push(b);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Accepts any certificate but still checks that the server holds its key (libpq's `require`).
#[derive(Debug)]
struct EncryptOnly(Arc<rustls::crypto::CryptoProvider>);

impl ServerCertVerifier for EncryptOnly {
    fn verify_server_cert(
        &self,
        _end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _server_name: &ServerName<'_>,
        _ocsp_response: &[u8],
        _now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        Ok(ServerCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(
            message,
            cert,
            dss,
            &self.0.signature_verification_algorithms,
        )
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(
            message,
            cert,
            dss,
            &self.0.signature_verification_algorithms,
        )
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.0.signature_verification_algorithms.supported_schemes()
    }
}

/// Checks the chain but not the host name (libpq's `verify-ca`).
#[derive(Debug)]
struct ChainOnly(Arc<WebPkiServerVerifier>);

impl ServerCertVerifier for ChainOnly {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        server_name: &ServerName<'_>,
        ocsp_response: &[u8],
        now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        match self
            .0
            .verify_server_cert(end_entity, intermediates, server_name, ocsp_response, now)
        {
            Err(rustls::Error::InvalidCertificate(rustls::CertificateError::NotValidForName))
            | Err(rustls::Error::InvalidCertificate(
                rustls::CertificateError::NotValidForNameContext { .. },
            )) => Ok(ServerCertVerified::assertion()),
            other => other,
        }
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.0.verify_tls12_signature(message, cert, dss)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.0.verify_tls13_signature(message, cert, dss)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.0.supported_verify_schemes()
    }
}

fn roots(root_cert: Option<&str>) -> StoreResult<RootCertStore> {
    let mut roots = RootCertStore::empty();
    match root_cert {
        Some(path) => {
            let pem = std::fs::read(path)
                .map_err(|e| bad_url(format!("cannot read sslrootcert {path}: {e}")))?;
            let certs = rustls::pki_types::pem::PemObject::pem_slice_iter(&pem)
                .collect::<Result<Vec<CertificateDer<'static>>, _>>()
                .map_err(|e| bad_url(format!("sslrootcert {path}: {e}")))?;
            let (added, _) = roots.add_parsable_certificates(certs);
            if added == 0 {
                return Err(bad_url(format!("sslrootcert {path} holds no certificate")));
            }
        }
        None => {
            let found = rustls_native_certs::load_native_certs();
            roots.add_parsable_certificates(found.certs);
        }
    }
    Ok(roots)
}

/// The rustls configuration for `url`'s `sslmode`. The crypto provider is named here rather
/// than left to rustls's process default, which is ambiguous when another crate in the build
/// enables a second provider.
fn tls_config(url: &DbUrl) -> StoreResult<ClientConfig> {
    let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
    let builder = ClientConfig::builder_with_provider(provider.clone())
        .with_safe_default_protocol_versions()
        .map_err(StoreError::internal)?;
    let config = match url.verify {
        Verify::Nothing => builder
            .dangerous()
            .with_custom_certificate_verifier(Arc::new(EncryptOnly(provider)))
            .with_no_client_auth(),
        Verify::Chain | Verify::Full => {
            let roots = Arc::new(roots(url.root_cert.as_deref())?);
            let webpki = WebPkiServerVerifier::builder_with_provider(roots, provider)
                .build()
                .map_err(|e| bad_url(format!("no usable trusted root certificate: {e}")))?;
            if url.verify == Verify::Full {
                builder.with_webpki_verifier(webpki).with_no_client_auth()
            } else {
                builder
                    .dangerous()
                    .with_custom_certificate_verifier(Arc::new(ChainOnly(webpki)))
                    .with_no_client_auth()
            }
        }
    };
    Ok(config)
}

/// A pool for `url`. Nothing connects yet: the first request (or the migration at start-up)
/// does, and a connection found broken is dropped and replaced on the next checkout, which is
/// how an instance recovers by itself when the database comes back.
pub fn pool(url: &DbUrl) -> StoreResult<Pool> {
    let manager_config = ManagerConfig {
        // `Fast` hands out a pooled connection unless its connection task has seen the socket
        // close — which is what a database restart or shutdown does — so broken connections
        // are replaced without the extra round trip per request that `Verified` costs.
        recycling_method: RecyclingMethod::Fast,
    };
    let manager = if url.config.get_ssl_mode() == SslMode::Disable {
        Manager::from_config(url.config.clone(), tokio_postgres::NoTls, manager_config)
    } else {
        Manager::from_config(
            url.config.clone(),
            MakeRustlsConnect::new(tls_config(url)?),
            manager_config,
        )
    };
    Pool::builder(manager)
        .max_size(url.pool_size)
        .runtime(Runtime::Tokio1)
        .wait_timeout(Some(url.pool_timeout))
        .create_timeout(Some(url.pool_timeout))
        .recycle_timeout(Some(url.pool_timeout))
        .build()
        .map_err(StoreError::internal)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn libpq_parameters_are_taken_off_the_url() {
        let u = parse(
            "postgres://cw:s3cret@db.example:6432/casewatch?sslmode=verify-full\
             &sslrootcert=%2Fetc%2Fca.pem&pool_max_size=32&application_name=x",
        )
        .unwrap();
        assert_eq!(u.verify, Verify::Full);
        assert_eq!(u.root_cert.as_deref(), Some("/etc/ca.pem"));
        assert_eq!(u.pool_size, 32);
        assert_eq!(u.config.get_ssl_mode(), SslMode::Require);
        assert_eq!(u.config.get_dbname(), Some("casewatch"));
        assert_eq!(u.config.get_ports(), &[6432]);
        assert_eq!(u.config.get_application_name(), Some("x"));
    }

    #[test]
    fn sslmode_keeps_libpq_meanings() {
        let mode = |q: &str| {
            let u = parse(&format!("postgres://u@localhost/db{q}")).unwrap();
            (u.config.get_ssl_mode(), u.verify)
        };
        assert_eq!(mode(""), (SslMode::Prefer, Verify::Nothing));
        assert_eq!(
            mode("?sslmode=disable"),
            (SslMode::Disable, Verify::Nothing)
        );
        assert_eq!(
            mode("?sslmode=require"),
            (SslMode::Require, Verify::Nothing)
        );
        assert_eq!(
            mode("?sslmode=verify-ca"),
            (SslMode::Require, Verify::Chain)
        );
        assert!(parse("postgres://u@localhost/db?sslmode=sometimes").is_err());
        assert!(parse("postgres://u@localhost/db?pool_max_size=0").is_err());
    }

    #[test]
    fn an_unusable_url_does_not_echo_the_password() {
        let e = parse("postgres://u:hunter2@localhost/db?nonsense=1").unwrap_err();
        assert!(!e.to_string().contains("hunter2"), "{e}");
    }
}
