//! The names and types of stored files, cleaned the same way whether they came in a portal
//! upload or attached to an incoming mail: a sender controls both, and neither may carry a
//! path or a character that breaks the `Content-Disposition` header of a download.

/// A file name as stored: without any path, quotes or control characters, at most 200
/// characters, and `attachment` when nothing usable is left.
pub fn clean_filename(name: Option<&str>) -> String {
    let base = name
        .unwrap_or("")
        .rsplit(['/', '\\'])
        .next()
        .unwrap_or("")
        .chars()
        .filter(|c| !c.is_control() && *c != '"')
        .take(200)
        .collect::<String>();
    let base = base.trim().to_string();
    if base.is_empty() || base == "." || base == ".." {
        "attachment".into()
    } else {
        base
    }
}

/// A content type as stored: the given one when it is short printable ASCII with a `/`,
/// else `application/octet-stream`.
pub fn clean_content_type(ct: Option<&str>) -> String {
    match ct {
        Some(ct)
            if ct.len() <= 100
                && ct.contains('/')
                && ct.bytes().all(|b| b.is_ascii_graphic() || b == b' ') =>
        {
            ct.to_string()
        }
        _ => "application/octet-stream".into(),
    }
}
