//! Reply tokens: which case, and whose mail, a reply answers.
//!
//! Every case mail carries `Reply-To: <local>+<token>@<domain>`, a plus-address of the
//! support centre's own address. The token names the case and the recipient account and is
//! signed with the server's key (HMAC-SHA256, truncated to 80 bits), so nobody can write into
//! a case by guessing numbers: a forged token costs 2^80 tries against a server that answers
//! each with a refusal.
//!
//! The token uses only `[a-z0-9]` because mail systems may lowercase local parts or drop
//! other characters, and it reads as `c<case>a<account>k<signature>` so an operator can tell
//! from a log line which case a mail was meant for. Numbers are decimal without leading
//! zeros (an `m` marks a negative one, which the server never issues but which must not
//! break the encoding), so each token has exactly one spelling.

use crate::address;
use crate::error::MailError;
use hmac::{Hmac, Mac};
use sha2::Sha256;
use std::fmt;

type HmacSha256 = Hmac<Sha256>;

/// Bytes of the HMAC kept in a token: 80 bits.
const TAG_BYTES: usize = 10;
/// Lowercase base32 (RFC 4648's alphabet, lowercased): 10 bytes are exactly 16 characters.
const BASE32: &[u8; 32] = b"abcdefghijklmnopqrstuvwxyz234567";
/// Domain separation, so a signature made here can never be valid for another use of the key.
const CONTEXT: &[u8] = b"casewatch reply token v1\0";

/// The server's secret for signing reply tokens (32 bytes).
///
/// Keep it stable: changing it makes every reply address already sent a bad token.
#[derive(Clone, PartialEq, Eq)]
pub struct ReplyKey([u8; 32]);

impl ReplyKey {
    /// The key made of these bytes.
    pub fn from_bytes(bytes: [u8; 32]) -> ReplyKey {
        ReplyKey(bytes)
    }

    /// A fresh random key from the operating system's random source.
    pub fn generate() -> Result<ReplyKey, MailError> {
        let mut bytes = [0u8; 32];
        getrandom::fill(&mut bytes).map_err(|e| MailError::InvalidKey(e.to_string()))?;
        Ok(ReplyKey(bytes))
    }

    /// Reads a key saved with [`ReplyKey::to_hex`] (surrounding whitespace, such as a file's
    /// final newline, is ignored).
    pub fn from_hex(text: &str) -> Result<ReplyKey, MailError> {
        let bytes = hex::decode(text.trim()).map_err(|e| MailError::InvalidKey(e.to_string()))?;
        let bytes: [u8; 32] = bytes.try_into().map_err(|b: Vec<u8>| {
            MailError::InvalidKey(format!("expected 32 bytes, got {}", b.len()))
        })?;
        Ok(ReplyKey(bytes))
    }

    /// The key as 64 lowercase hex digits, for saving in a file.
    pub fn to_hex(&self) -> String {
        hex::encode(self.0)
    }

    fn mac(&self, target: ReplyTarget) -> HmacSha256 {
        // A 32-byte key is always a valid HMAC key; `new_from_slice` only fails for
        // fixed-size MACs, which HMAC is not.
        let mut mac = <HmacSha256 as Mac>::new_from_slice(&self.0)
            .unwrap_or_else(|_| unreachable!("HMAC takes keys of any length"));
        mac.update(CONTEXT);
        mac.update(&target.case_number.to_be_bytes());
        mac.update(&target.account_id.to_be_bytes());
        mac
    }
}

impl fmt::Debug for ReplyKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Never print the secret (it ends up in logs through `{:?}` of a config).
        f.write_str("ReplyKey(..)")
    }
}

/// What a reply address stands for: a case, and the account the mail was sent to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ReplyTarget {
    /// The case's number.
    pub case_number: i64,
    /// The recipient's account id.
    pub account_id: i64,
}

/// What an address the support centre received mail at means.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Recipient {
    /// The plain support address: the mail opens a new case.
    NewCase,
    /// A valid reply address: the mail answers this case.
    Reply(ReplyTarget),
    /// A plus-address of ours whose token is forged, mangled or signed with another key.
    BadToken,
    /// Not an address of the support centre.
    Other,
}

/// The reply address for one recipient of one case's mail: `<local>+<token>@<domain>` of
/// `mail_from`. When `mail_from` is not an address, it is returned unchanged, so the mail
/// still has a usable Reply-To (replies then open cases instead of landing as comments).
pub fn reply_address(mail_from: &str, key: &ReplyKey, target: ReplyTarget) -> String {
    match address::split(mail_from) {
        Some((local, domain)) => format!("{local}+{}@{domain}", token(key, target)),
        None => mail_from.to_string(),
    }
}

/// Classifies one recipient address of an incoming mail.
pub fn classify_recipient(addr: &str, mail_from: &str, key: &ReplyKey) -> Recipient {
    let (Some((local, domain)), Some((our_local, our_domain))) =
        (address::split(addr), address::split(mail_from))
    else {
        return Recipient::Other;
    };
    if domain != our_domain {
        return Recipient::Other;
    }
    if local == our_local {
        return Recipient::NewCase;
    }
    match local
        .strip_prefix(our_local.as_str())
        .and_then(|rest| rest.strip_prefix('+'))
    {
        Some(token) => match verify(key, token) {
            Some(target) => Recipient::Reply(target),
            None => Recipient::BadToken,
        },
        None => Recipient::Other,
    }
}

/// Classifies a mail by all the addresses it was delivered to (To, Cc, Delivered-To, …),
/// the most specific answer winning: the first valid reply address, else a bad token, else
/// the plain address, else [`Recipient::Other`].
///
/// A bad token outranks the plain address on purpose: a mail to both is a reply whose
/// address was forged or mangled, and a refusal that says so is better than a stray case.
pub fn classify_recipients(addrs: &[String], mail_from: &str, key: &ReplyKey) -> Recipient {
    let all: Vec<Recipient> = addrs
        .iter()
        .map(|a| classify_recipient(a, mail_from, key))
        .collect();
    all.iter()
        .find(|r| matches!(r, Recipient::Reply(_)))
        .or_else(|| all.iter().find(|r| **r == Recipient::BadToken))
        .or_else(|| all.iter().find(|r| **r == Recipient::NewCase))
        .copied()
        .unwrap_or(Recipient::Other)
}

fn token(key: &ReplyKey, target: ReplyTarget) -> String {
    let tag = key.mac(target).finalize().into_bytes();
    format!(
        "c{}a{}k{}",
        number(target.case_number),
        number(target.account_id),
        base32(&tag[..TAG_BYTES])
    )
}

/// The target a token names, when its signature is this key's.
fn verify(key: &ReplyKey, token: &str) -> Option<ReplyTarget> {
    let rest = token.strip_prefix('c')?;
    let (case_text, rest) = rest.split_once('a')?;
    let (account_text, tag_text) = rest.split_once('k')?;
    let target = ReplyTarget {
        case_number: parse_number(case_text)?,
        account_id: parse_number(account_text)?,
    };
    let tag = unbase32(tag_text)?;
    // `verify_truncated_left` compares in constant time, so timing tells a forger nothing
    // about how many leading bytes were right.
    key.mac(target).verify_truncated_left(&tag).ok()?;
    Some(target)
}

fn number(n: i64) -> String {
    if n < 0 {
        format!("m{}", n.unsigned_abs())
    } else {
        n.to_string()
    }
}

fn parse_number(text: &str) -> Option<i64> {
    let (negative, digits) = match text.strip_prefix('m') {
        Some(d) => (true, d),
        None => (false, text),
    };
    let canonical = !digits.is_empty()
        && digits.bytes().all(|b| b.is_ascii_digit())
        && (digits == "0" || !digits.starts_with('0'))
        && !(negative && digits == "0");
    if !canonical {
        return None;
    }
    let magnitude: u64 = digits.parse().ok()?;
    if negative {
        0i64.checked_sub_unsigned(magnitude)
    } else {
        i64::try_from(magnitude).ok()
    }
}

fn base32(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len() * 8 / 5 + 1);
    let (mut buffer, mut bits) = (0u32, 0u32);
    for &b in bytes {
        buffer = (buffer << 8) | u32::from(b);
        bits += 8;
        while bits >= 5 {
            bits -= 5;
            out.push(char::from(BASE32[((buffer >> bits) & 31) as usize]));
        }
    }
    if bits > 0 {
        out.push(char::from(BASE32[((buffer << (5 - bits)) & 31) as usize]));
    }
    out
}

/// Decodes exactly [`TAG_BYTES`] bytes; any other length is not one of our tokens.
fn unbase32(text: &str) -> Option<Vec<u8>> {
    if text.len() != TAG_BYTES * 8 / 5 {
        return None;
    }
    let mut out = Vec::with_capacity(TAG_BYTES);
    let (mut buffer, mut bits) = (0u32, 0u32);
    for c in text.bytes() {
        let value = BASE32.iter().position(|&a| a == c)? as u32;
        buffer = (buffer << 5) | value;
        bits += 5;
        if bits >= 8 {
            bits -= 8;
            out.push((buffer >> bits) as u8);
            buffer &= (1 << bits) - 1;
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const FROM: &str = "Support@Vendor.Example";

    fn key(seed: u8) -> ReplyKey {
        ReplyKey::from_bytes([seed; 32])
    }

    #[test]
    fn a_reply_address_is_a_lowercase_plus_address_of_ours() {
        let t = ReplyTarget {
            case_number: 42,
            account_id: 7,
        };
        let addr = reply_address(FROM, &key(1), t);
        assert!(addr.starts_with("support+c42a7k"), "{addr}");
        assert!(addr.ends_with("@vendor.example"), "{addr}");
        let token = addr
            .strip_prefix("support+")
            .and_then(|a| a.strip_suffix("@vendor.example"))
            .unwrap();
        assert!(token
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit()));
        assert!(
            token.len() >= "c42a7k".len() + 16,
            "at least 80 bits of signature"
        );
        assert_eq!(
            classify_recipient(&addr.to_uppercase(), FROM, &key(1)),
            Recipient::Reply(t)
        );
    }

    #[test]
    fn plain_foreign_and_mangled_addresses_are_told_apart() {
        let k = key(1);
        assert_eq!(
            classify_recipient("<SUPPORT@vendor.example>", FROM, &k),
            Recipient::NewCase
        );
        assert_eq!(
            classify_recipient("support@elsewhere.example", FROM, &k),
            Recipient::Other
        );
        assert_eq!(
            classify_recipient("sales@vendor.example", FROM, &k),
            Recipient::Other
        );
        assert_eq!(
            classify_recipient("supportx+c1a1kaaaa@vendor.example", FROM, &k),
            Recipient::Other
        );
        assert_eq!(
            classify_recipient("support+hello@vendor.example", FROM, &k),
            Recipient::BadToken
        );
        assert_eq!(
            classify_recipient("support+c1a1k@vendor.example", FROM, &k),
            Recipient::BadToken
        );
        assert_eq!(classify_recipient("garbage", FROM, &k), Recipient::Other);
    }

    #[test]
    fn the_most_specific_recipient_decides() {
        let k = key(1);
        let t = ReplyTarget {
            case_number: 5,
            account_id: 9,
        };
        let reply = reply_address(FROM, &k, t);
        let all = |a: &[&str]| a.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(
            classify_recipients(
                &all(&["x@other.example", "support@vendor.example", &reply]),
                FROM,
                &k
            ),
            Recipient::Reply(t)
        );
        assert_eq!(
            classify_recipients(
                &all(&["support@vendor.example", "support+c5a9kzz@vendor.example"]),
                FROM,
                &k
            ),
            Recipient::BadToken
        );
        assert_eq!(
            classify_recipients(
                &all(&["x@other.example", "support@vendor.example"]),
                FROM,
                &k
            ),
            Recipient::NewCase
        );
        assert_eq!(classify_recipients(&[], FROM, &k), Recipient::Other);
    }

    #[test]
    fn keys_survive_hex_and_are_never_printed() {
        let k = ReplyKey::generate().unwrap();
        assert_eq!(ReplyKey::from_hex(&format!("{}\n", k.to_hex())).unwrap(), k);
        assert_ne!(ReplyKey::generate().unwrap(), k);
        assert_eq!(
            ReplyKey::from_hex("abcd").unwrap_err().code(),
            "invalid_key"
        );
        assert!(!format!("{k:?}").contains(&k.to_hex()[..8]));
    }

    #[test]
    fn base32_round_trips() {
        let bytes = [0u8, 255, 1, 128, 77, 3, 9, 200, 17, 64];
        assert_eq!(unbase32(&base32(&bytes)).unwrap(), bytes);
    }

    fn target() -> impl Strategy<Value = ReplyTarget> {
        (any::<i64>(), any::<i64>()).prop_map(|(case_number, account_id)| ReplyTarget {
            case_number,
            account_id,
        })
    }

    proptest! {
        #[test]
        fn tokens_round_trip(t in target(), seed in any::<u8>()) {
            let addr = reply_address(FROM, &key(seed), t);
            prop_assert_eq!(classify_recipient(&addr, FROM, &key(seed)), Recipient::Reply(t));
        }

        #[test]
        fn any_single_character_change_is_rejected(
            t in target(),
            position in any::<prop::sample::Index>(),
            replacement in prop::sample::select(
                b"abcdefghijklmnopqrstuvwxyz0123456789".to_vec()
            ),
        ) {
            let addr = reply_address(FROM, &key(9), t);
            let token = addr.strip_prefix("support+").unwrap().strip_suffix("@vendor.example").unwrap();
            let i = position.index(token.len());
            prop_assume!(token.as_bytes()[i] != replacement);
            let mut changed = token.as_bytes().to_vec();
            changed[i] = replacement;
            let forged = format!("support+{}@vendor.example", String::from_utf8(changed).unwrap());
            prop_assert_eq!(classify_recipient(&forged, FROM, &key(9)), Recipient::BadToken);
        }

        #[test]
        fn a_token_made_with_another_key_is_rejected(t in target(), a in any::<u8>(), b in any::<u8>()) {
            prop_assume!(a != b);
            let addr = reply_address(FROM, &key(a), t);
            prop_assert_eq!(classify_recipient(&addr, FROM, &key(b)), Recipient::BadToken);
        }
    }
}
