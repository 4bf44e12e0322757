//! Severities, environments and the filing rules of SPEC §2.
//!
//! The server enforces these and the app checks them before submitting; both call
//! [`check_severity`], so the two can never disagree.

use crate::contract::SupportLevel;
use crate::error::{CoreError, ErrorCode};
use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// A case severity, 1 (urgent) to 4 (development).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(as = "u8"))]
#[serde(try_from = "u8", into = "u8")]
pub struct Severity(u8);

impl Severity {
    /// Production down or severely impaired, no workaround.
    pub const URGENT: Severity = Severity(1);
    /// Capacity reduced, or an imminent deadline at risk.
    pub const HIGH: Severity = Severity(2);
    /// The default.
    pub const NORMAL: Severity = Severity(3);
    /// Non-production cases only.
    pub const DEVELOPMENT: Severity = Severity(4);
    /// All four, most severe first.
    pub const ALL: [Severity; 4] = [Self::URGENT, Self::HIGH, Self::NORMAL, Self::DEVELOPMENT];

    /// Validates a number as a severity.
    pub fn new(n: u8) -> Result<Severity, CoreError> {
        if (1..=4).contains(&n) {
            Ok(Severity(n))
        } else {
            Err(CoreError::invalid(format!(
                "severity must be 1, 2, 3 or 4, not {n}"
            )))
        }
    }

    /// The number, 1–4.
    pub fn number(self) -> u8 {
        self.0
    }

    /// The short name in English and Chinese (the Chinese names are the vendor's support
    /// guide's: 紧急, 高, 普通, 开发支持). This is the only copy: the UI reads it through
    /// [`crate::case_form::form_rules`].
    pub fn name(self, lang: Lang) -> &'static str {
        match (self.0, lang) {
            (1, Lang::En) => "Urgent",
            (2, Lang::En) => "High",
            (3, Lang::En) => "Normal",
            (_, Lang::En) => "Development",
            (1, Lang::ZhCn) => "紧急",
            (2, Lang::ZhCn) => "高",
            (3, Lang::ZhCn) => "普通",
            // The vendor's Chinese support guide names severity 4 "开发支持" (development
            // support); "开发" alone reads as "development" the activity.
            (_, Lang::ZhCn) => "开发支持",
        }
    }

    /// What the severity means, as the case wizard shows it.
    pub fn meaning(self, lang: Lang) -> &'static str {
        match (self.0, lang) {
            (1, Lang::En) => "Production is down or severely impaired and there is no workaround; revenue, security or brand is being hit.",
            (2, Lang::En) => "The environment runs but with reduced capacity, or an imminent deadline is at risk; revenue, security or brand is threatened.",
            (3, Lang::En) => "The default. Something does not work as expected, or a general question about the deployment.",
            (_, Lang::En) => "Non-production cases only. No response-time requirement, except the development subscription's target.",
            (1, Lang::ZhCn) => "生产环境无法正常运行或严重受损，且没有可用的替代方案；收入、安全或品牌正在受到影响。",
            (2, Lang::ZhCn) => "环境仍在运行但容量下降，或迫近的截止日期面临风险；收入、安全或品牌受到威胁。",
            (3, Lang::ZhCn) => "默认级别。某些功能未按预期工作，或关于部署的一般性问题。",
            (_, Lang::ZhCn) => "仅限非生产环境的案件。没有响应时间要求（开发级订阅的目标除外）。",
        }
    }
}

impl TryFrom<u8> for Severity {
    type Error = CoreError;
    fn try_from(n: u8) -> Result<Self, CoreError> {
        Severity::new(n)
    }
}

impl From<Severity> for u8 {
    fn from(s: Severity) -> u8 {
        s.0
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

/// The two languages every user-visible string exists in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub enum Lang {
    /// English.
    #[serde(rename = "en")]
    En,
    /// Simplified Chinese.
    #[serde(rename = "zh-CN")]
    ZhCn,
}

/// The environment a case is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "kebab-case")]
pub enum Environment {
    /// Serves real users.
    Production,
    /// Development, test, staging.
    NonProduction,
}

impl FromStr for Environment {
    type Err = CoreError;
    fn from_str(s: &str) -> Result<Self, CoreError> {
        match s.trim().to_ascii_lowercase().as_str() {
            "production" => Ok(Environment::Production),
            "non-production" => Ok(Environment::NonProduction),
            other => Err(CoreError::invalid(format!(
                "unknown environment '{other}'; expected production or non-production"
            ))),
        }
    }
}

impl fmt::Display for Environment {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Environment::Production => "production",
            Environment::NonProduction => "non-production",
        })
    }
}

/// The severities a support level may file, most severe first.
pub fn allowed_severities(level: SupportLevel) -> Vec<Severity> {
    if level == SupportLevel::Development {
        vec![Severity::DEVELOPMENT]
    } else {
        vec![Severity::URGENT, Severity::HIGH, Severity::NORMAL]
    }
}

/// Checks SPEC §2 for one case: may this contract file this severity in this environment?
///
/// The subscription rule is checked before the environment rule, so a development contract
/// asking for severity 1 hears about its subscription first (that is what it must change).
pub fn check_severity(
    level: SupportLevel,
    severity: Severity,
    environment: Environment,
) -> Result<(), CoreError> {
    if level == SupportLevel::Development && severity != Severity::DEVELOPMENT {
        return Err(CoreError::new(
            ErrorCode::SeverityNotAllowed,
            format!(
                "the development subscription may only file severity 4 (development) cases, \
                 not severity {severity}; choose severity 4"
            ),
        ));
    }
    if level != SupportLevel::Development && severity == Severity::DEVELOPMENT {
        return Err(CoreError::new(
            ErrorCode::SeverityNotAllowed,
            format!(
                "severity 4 (development) is only for the development subscription; \
                 the {} support level files severities 1-3, so choose severity 3 (normal)",
                level.as_str()
            ),
        ));
    }
    if severity == Severity::URGENT && environment == Environment::NonProduction {
        return Err(CoreError::new(
            ErrorCode::SeverityRequiresProduction,
            "severity 1 means production is down, so a non-production case cannot be severity 1; \
             choose severity 2 or 3, or set the environment to production",
        ));
    }
    Ok(())
}
