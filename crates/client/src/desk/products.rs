//! Product and version suggestions for the new-case form, from the cases seen so far (the
//! portal keeps no product catalogue).

use std::collections::BTreeMap;

use serde::Serialize;

use super::{Desk, DeskResult};

/// A product with the versions cases named, newest first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ProductSuggestion {
    /// The product's name.
    pub name: String,
    /// Its versions, in descending order.
    pub versions: Vec<String>,
}

/// The suggestions, by product name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ProductList {
    /// Alphabetical.
    pub products: Vec<ProductSuggestion>,
}

impl Desk {
    /// Products and versions named by the cached cases.
    pub fn products(&self) -> DeskResult<ProductList> {
        let mut products: BTreeMap<String, Vec<String>> = BTreeMap::new();
        for case in self.session.cache.cases(None)? {
            if case.product.trim().is_empty() {
                continue;
            }
            let versions = products.entry(case.product.clone()).or_default();
            if !case.version.trim().is_empty() && !versions.contains(&case.version) {
                versions.push(case.version.clone());
            }
        }
        Ok(ProductList {
            products: products
                .into_iter()
                .map(|(name, mut versions)| {
                    versions.sort_by(|a, b| b.cmp(a));
                    ProductSuggestion { name, versions }
                })
                .collect(),
        })
    }
}
