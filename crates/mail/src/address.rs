//! Bare e-mail addresses as this crate compares them: trimmed, without angle brackets, and
//! lowercased. Domains are case-insensitive; local parts formally are not, but every mail
//! system the support centre meets treats them so, and some lowercase them in transit.

/// The address in comparable form, or `None` when it is not `local@domain` with both halves
/// non-empty and no whitespace or further `@`.
pub fn normalise(addr: &str) -> Option<String> {
    let bare = addr
        .trim()
        .trim_start_matches('<')
        .trim_end_matches('>')
        .trim();
    let (local, domain) = bare.rsplit_once('@')?;
    let valid = !local.is_empty()
        && !domain.is_empty()
        && !local.contains('@')
        && !bare.chars().any(|c| c.is_whitespace() || c.is_control());
    valid.then(|| bare.to_lowercase())
}

/// The local part and the domain of a normalised address.
pub fn split(addr: &str) -> Option<(String, String)> {
    let norm = normalise(addr)?;
    let (local, domain) = norm.rsplit_once('@')?;
    Some((local.to_string(), domain.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_compare_without_case_brackets_or_spaces() {
        assert_eq!(
            normalise(" <Support@Vendor.Example> ").as_deref(),
            Some("support@vendor.example")
        );
        assert_eq!(normalise("no-at-sign"), None);
        assert_eq!(normalise("@vendor.example"), None);
        assert_eq!(normalise("a b@vendor.example"), None);
        assert_eq!(normalise("a@b@c"), None);
        assert_eq!(
            split("Support+X@Vendor.Example"),
            Some(("support+x".into(), "vendor.example".into()))
        );
    }
}
