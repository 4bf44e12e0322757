//! What a knowledge-base article must look like before it is stored.

use crate::error::{ApiError, ApiResult};
use crate::store::ArticleInput;

/// The article kinds.
pub const KINDS: [&str; 3] = ["guide", "faq", "known-issue"];
/// The locales.
pub const LOCALES: [&str; 2] = ["en", "zh-CN"];

impl ArticleInput {
    /// Checks the fields.
    pub fn validate(&self) -> ApiResult<()> {
        if self.id.trim().is_empty() || self.id.len() > 300 {
            return Err(ApiError::invalid("an article id must have 1-300 bytes"));
        }
        if !LOCALES.contains(&self.locale.as_str()) {
            return Err(ApiError::invalid(format!(
                "article {}: locale must be en or zh-CN, not '{}'",
                self.id, self.locale
            )));
        }
        if !KINDS.contains(&self.kind.as_str()) {
            return Err(ApiError::invalid(format!(
                "article {}: kind must be guide, faq or known-issue, not '{}'",
                self.id, self.kind
            )));
        }
        if self.title.trim().is_empty() {
            return Err(ApiError::invalid(format!(
                "article {}: empty title",
                self.id
            )));
        }
        Ok(())
    }
}
