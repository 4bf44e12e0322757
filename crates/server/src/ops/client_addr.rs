//! The client's address: who is really on the other end of a request.
//!
//! Behind a reverse proxy every request arrives from the proxy's address, so counting failed
//! logins per socket peer would lock out every customer at once after twenty typos. The proxy
//! names the client in `X-Forwarded-For`, but anyone can send that header, so it is believed
//! only when the socket peer is a proxy the operator named with `--trusted-proxy <CIDR>`. Then
//! the client is the right-most address of the header that is not itself a trusted proxy: each
//! proxy appends the address it saw, so everything left of that entry was written by the
//! client and proves nothing.

use crate::cidr::{canonical, Cidr};
use crate::AppState;
use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::request::Parts;
use axum::http::HeaderMap;
use std::net::{IpAddr, SocketAddr};
use std::str::FromStr;

/// The client address of a request, as [`client_address`] finds it; extract it in a handler
/// instead of `ConnectInfo`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClientAddr(pub IpAddr);

/// The client behind `peer`: `peer` itself unless it is inside one of `trusted`, else the
/// right-most `X-Forwarded-For` entry that is not a trusted proxy. When every entry is a
/// trusted proxy, or an entry cannot be read, the last address walked is the answer: it is the
/// furthest hop that a trusted proxy vouched for.
pub fn client_address(peer: IpAddr, headers: &HeaderMap, trusted: &[Cidr]) -> IpAddr {
    let peer = canonical(peer);
    let is_trusted = |a: IpAddr| trusted.iter().any(|c| c.contains(a));
    if !is_trusted(peer) {
        return peer;
    }
    // Several X-Forwarded-For headers are one list, in order (RFC 9110 §5.3).
    let entries: Vec<&str> = headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(str::trim)
        .collect();
    let mut client = peer;
    for entry in entries.iter().rev() {
        let Some(addr) = parse_hop(entry) else {
            break;
        };
        client = addr;
        if !is_trusted(addr) {
            break;
        }
    }
    client
}

/// One `X-Forwarded-For` entry: an address, possibly with a port (`192.0.2.1:4711`,
/// `[2001:db8::1]:4711`) as some proxies write it.
fn parse_hop(entry: &str) -> Option<IpAddr> {
    if let Ok(a) = IpAddr::from_str(entry) {
        return Some(canonical(a));
    }
    SocketAddr::from_str(entry).ok().map(|s| canonical(s.ip()))
}

impl FromRequestParts<AppState> for ClientAddr {
    type Rejection = crate::ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<ClientAddr, crate::ApiError> {
        let peer = parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map(|c| c.0.ip())
            .ok_or_else(|| crate::ApiError::internal("the connection's peer address is unknown"))?;
        Ok(ClientAddr(client_address(
            peer,
            &parts.headers,
            &state.config.trusted_proxies,
        )))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn cidrs(list: &[&str]) -> Vec<Cidr> {
        list.iter().map(|c| c.parse().unwrap()).collect()
    }

    fn xff(values: &[&str]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for v in values {
            h.append("x-forwarded-for", HeaderValue::from_str(v).unwrap());
        }
        h
    }

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    #[test]
    fn blocks_parse_and_match() {
        let c: Cidr = "10.1.2.3/8".parse().unwrap();
        assert_eq!(c.to_string(), "10.0.0.0/8");
        assert!(c.contains(ip("10.255.0.1")));
        assert!(!c.contains(ip("11.0.0.1")));
        assert!(c.contains(ip("::ffff:10.0.0.9")), "IPv4-mapped peers count");
        let host: Cidr = "192.0.2.7".parse().unwrap();
        assert_eq!(host.to_string(), "192.0.2.7/32");
        assert!(!host.contains(ip("192.0.2.8")));
        let v6: Cidr = "fd00::/8".parse().unwrap();
        assert!(v6.contains(ip("fd12::1")));
        assert!(!v6.contains(ip("10.0.0.1")));
        let all: Cidr = "0.0.0.0/0".parse().unwrap();
        assert!(all.contains(ip("203.0.113.1")));
        for bad in [
            "",
            "10.0.0.0/33",
            "10.0.0.0/",
            "10.0.0.0/-1",
            "example.com",
            "::/129",
            "1.2.3.4/+8",
        ] {
            assert!(bad.parse::<Cidr>().is_err(), "{bad} was accepted");
        }
    }

    #[test]
    fn an_untrusted_peer_is_the_client_whatever_it_claims() {
        let trusted = cidrs(&["10.0.0.0/8"]);
        let got = client_address(ip("203.0.113.9"), &xff(&["198.51.100.1"]), &trusted);
        assert_eq!(got, ip("203.0.113.9"));
        let got = client_address(ip("203.0.113.9"), &xff(&["198.51.100.1"]), &[]);
        assert_eq!(got, ip("203.0.113.9"));
    }

    #[test]
    fn behind_trusted_proxies_the_right_most_untrusted_entry_is_the_client() {
        let trusted = cidrs(&["10.0.0.0/8", "192.168.1.1"]);
        // The client forged the first entry; the edge proxy appended the real address, and an
        // inner proxy appended the edge proxy's.
        let headers = xff(&["1.1.1.1, 198.51.100.7", "192.168.1.1"]);
        assert_eq!(
            client_address(ip("10.0.0.2"), &headers, &trusted),
            ip("198.51.100.7")
        );
        // No header: the proxy itself (a health check from the proxy host, say).
        assert_eq!(
            client_address(ip("10.0.0.2"), &HeaderMap::new(), &trusted),
            ip("10.0.0.2")
        );
        // Garbage left of the real address is never reached; garbage at the right stops the
        // walk at the last vouched-for hop.
        let headers = xff(&["not-an-address, 198.51.100.7:4711"]);
        assert_eq!(
            client_address(ip("10.0.0.2"), &headers, &trusted),
            ip("198.51.100.7")
        );
        let headers = xff(&["198.51.100.7, garbage"]);
        assert_eq!(
            client_address(ip("10.0.0.2"), &headers, &trusted),
            ip("10.0.0.2")
        );
        // Every entry trusted: the furthest one.
        let headers = xff(&["10.9.9.9, 10.0.0.5"]);
        assert_eq!(
            client_address(ip("10.0.0.2"), &headers, &trusted),
            ip("10.9.9.9")
        );
        // IPv6 with a port.
        let headers = xff(&["[2001:db8::1]:5000"]);
        assert_eq!(
            client_address(ip("10.0.0.2"), &headers, &trusted),
            ip("2001:db8::1")
        );
    }
}
