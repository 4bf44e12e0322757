//! Passwords and tokens: argon2id hashes and opaque bearer tokens.
//!
//! Tokens are 256 random bits, base64url, prefixed `cwa_` (access) or `cwr_` (refresh) so a
//! leaked one is recognisable. Only their SHA-256 is stored: a copy of the database does not
//! let anyone log in.

use crate::config::PasswordCost;
use crate::error::{ApiError, ApiResult};
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};
use base64::Engine;
use sha2::{Digest, Sha256};

/// Shortest password accepted for new accounts.
pub const MIN_PASSWORD_CHARS: usize = 12;

fn argon2(cost: PasswordCost) -> Argon2<'static> {
    let params = match cost {
        PasswordCost::Default => Params::default(),
        PasswordCost::InsecureFastForTests => {
            Params::new(Params::MIN_M_COST.max(64), 1, 1, None).unwrap_or_default()
        }
    };
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

/// Hashes a password with argon2id and a random salt (PHC string).
pub fn hash_password(password: &str, cost: PasswordCost) -> ApiResult<String> {
    let mut salt = [0u8; 16];
    getrandom::fill(&mut salt).map_err(ApiError::internal)?;
    let salt = SaltString::encode_b64(&salt).map_err(ApiError::internal)?;
    Ok(argon2(cost)
        .hash_password(password.as_bytes(), &salt)
        .map_err(ApiError::internal)?
        .to_string())
}

/// Checks a password against a stored PHC string (its own parameters apply).
pub fn verify_password(password: &str, stored: &str) -> bool {
    PasswordHash::new(stored)
        .map(|h| {
            Argon2::default()
                .verify_password(password.as_bytes(), &h)
                .is_ok()
        })
        .unwrap_or(false)
}

/// Refuses passwords too short to be worth hashing.
pub fn check_new_password(password: &str) -> ApiResult<()> {
    if password.chars().count() < MIN_PASSWORD_CHARS {
        return Err(ApiError::invalid(format!(
            "a password needs at least {MIN_PASSWORD_CHARS} characters"
        )));
    }
    if password.len() > 1024 {
        return Err(ApiError::invalid("a password may have at most 1024 bytes"));
    }
    Ok(())
}

/// A password given by an operator or key contact, or a generated one; `true` when generated
/// (so it can be shown once).
pub fn password_or_generate(password: Option<String>) -> ApiResult<(String, bool)> {
    match password {
        Some(p) => {
            check_new_password(&p)?;
            Ok((p, false))
        }
        None => Ok((random_token(15)?, true)),
    }
}

/// `len` random bytes, base64url without padding.
pub fn random_token(len: usize) -> ApiResult<String> {
    let mut bytes = vec![0u8; len];
    getrandom::fill(&mut bytes).map_err(ApiError::internal)?;
    Ok(base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes))
}

/// The stored form of a token.
pub fn token_hash(token: &str) -> Vec<u8> {
    Sha256::digest(token.as_bytes()).to_vec()
}

/// Checks an e-mail address closely enough to catch typos.
pub fn check_email(email: &str) -> ApiResult<()> {
    let ok = email.len() <= 254
        && !email.chars().any(|c| c.is_whitespace() || c.is_control())
        && email.split_once('@').is_some_and(|(local, domain)| {
            !local.is_empty() && domain.contains('.') && !domain.contains('@')
        });
    if ok {
        Ok(())
    } else {
        Err(ApiError::invalid(format!(
            "'{email}' is not an e-mail address"
        )))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_verify_with_their_own_parameters() {
        let fast =
            hash_password("correct horse battery", PasswordCost::InsecureFastForTests).unwrap();
        assert!(fast.starts_with("$argon2id$"));
        assert!(verify_password("correct horse battery", &fast));
        assert!(!verify_password("correct horse battery!", &fast));
        assert!(!verify_password("x", "not a hash"));
    }

    #[test]
    fn tokens_are_long_random_and_stored_hashed() {
        let a = random_token(32).unwrap();
        assert_eq!(a.len(), 43);
        assert_ne!(a, random_token(32).unwrap());
        assert_eq!(token_hash(&a).len(), 32);
    }
}
