//! Contracts: deployment × subscription → support level (SPEC §1), the kind of help the annual
//! spend buys (SPEC §6) and whether phone callbacks are included (SPEC §7).

use crate::error::{CoreError, ErrorCode};
use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// Where the customer runs the product.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "kebab-case")]
pub enum Deployment {
    /// Hosted by the vendor.
    Cloud,
    /// Run by the customer on their own machines.
    SelfManaged,
}

/// The subscription the organisation bought.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "kebab-case")]
pub enum Subscription {
    /// Entry level.
    Standard,
    /// Gold (self-managed gold is legacy).
    Gold,
    /// Platinum.
    Platinum,
    /// Enterprise.
    Enterprise,
    /// Development (self-managed only).
    Development,
}

/// The support level a contract resolves to; this, not the subscription, decides targets.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "kebab-case")]
pub enum SupportLevel {
    /// Cloud standard: no guaranteed response time.
    Limited,
    /// Cloud gold.
    Base,
    /// Cloud platinum.
    Enhanced,
    /// Cloud enterprise.
    Premium,
    /// Self-managed gold, kept by existing contracts only.
    Gold,
    /// Self-managed platinum.
    Platinum,
    /// Self-managed enterprise.
    Enterprise,
    /// Self-managed development: non-production severity 4 only.
    Development,
}

/// Break/fix only, or advisory as well (SPEC §6).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub enum SupportKind {
    /// Help when something is broken, plus general best practice.
    #[serde(rename = "break-fix")]
    BreakFix,
    /// Break/fix plus guidance on evaluating, tuning, integrating, migrating and upgrading.
    #[serde(rename = "advisory")]
    Advisory,
}

/// Annual spend, in USD, above which a project gets advisory support (SPEC §6).
pub const ADVISORY_SPEND_THRESHOLD_USD: f64 = 25_000.0;

impl SupportKind {
    /// The kind of help a project's annual spend buys; no recorded spend means break/fix.
    pub fn for_annual_spend(spend_usd: Option<f64>) -> Result<SupportKind, CoreError> {
        match spend_usd {
            None => Ok(SupportKind::BreakFix),
            Some(s) if !s.is_finite() || s < 0.0 => Err(CoreError::invalid(format!(
                "annual spend must be a non-negative amount in USD, not {s}"
            ))),
            Some(s) if s > ADVISORY_SPEND_THRESHOLD_USD => Ok(SupportKind::Advisory),
            Some(_) => Ok(SupportKind::BreakFix),
        }
    }

    /// The wire name: `break-fix` or `advisory`.
    pub fn as_str(self) -> &'static str {
        match self {
            SupportKind::BreakFix => "break-fix",
            SupportKind::Advisory => "advisory",
        }
    }
}

impl SupportLevel {
    /// Resolves a deployment and subscription to a support level, per the table of SPEC §1.
    ///
    /// Self-managed gold resolves (it exists on legacy contracts); use
    /// [`SupportLevel::is_legacy`] and [`Contract::new_sale`] to refuse it for new contracts.
    pub fn resolve(
        deployment: Deployment,
        subscription: Subscription,
    ) -> Result<SupportLevel, CoreError> {
        use Deployment::*;
        use Subscription::*;
        match (deployment, subscription) {
            (Cloud, Standard) => Ok(SupportLevel::Limited),
            (Cloud, Gold) => Ok(SupportLevel::Base),
            (Cloud, Platinum) => Ok(SupportLevel::Enhanced),
            (Cloud, Enterprise) => Ok(SupportLevel::Premium),
            (Cloud, Development) => Err(CoreError::new(
                ErrorCode::NotSupported,
                "the development subscription is not offered for cloud deployments; \
                 choose self-managed, or a cloud subscription (standard, gold, platinum, enterprise)",
            )),
            (SelfManaged, Standard) => Err(CoreError::new(
                ErrorCode::NotSupported,
                "the standard subscription does not support self-managed deployments; \
                 choose platinum, enterprise or development, or a cloud deployment",
            )),
            (SelfManaged, Gold) => Ok(SupportLevel::Gold),
            (SelfManaged, Platinum) => Ok(SupportLevel::Platinum),
            (SelfManaged, Enterprise) => Ok(SupportLevel::Enterprise),
            (SelfManaged, Development) => Ok(SupportLevel::Development),
        }
    }

    /// True for self-managed gold: existing contracts keep it, new ones cannot have it.
    pub fn is_legacy(self) -> bool {
        self == SupportLevel::Gold
    }

    /// Whether a scheduled phone callback is included (every level but cloud limited).
    pub fn phone_callback(self) -> bool {
        self != SupportLevel::Limited
    }

    /// The wire name, e.g. `base` or `premium`.
    pub fn as_str(self) -> &'static str {
        match self {
            SupportLevel::Limited => "limited",
            SupportLevel::Base => "base",
            SupportLevel::Enhanced => "enhanced",
            SupportLevel::Premium => "premium",
            SupportLevel::Gold => "gold",
            SupportLevel::Platinum => "platinum",
            SupportLevel::Enterprise => "enterprise",
            SupportLevel::Development => "development",
        }
    }
}

/// An organisation's support contract, without its calendar.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Contract {
    /// Where the product runs.
    pub deployment: Deployment,
    /// What was bought.
    pub subscription: Subscription,
    /// What that resolves to.
    pub support_level: SupportLevel,
    /// Self-managed gold, kept until the term ends.
    pub legacy: bool,
    /// Annual spend on commercial features and support for the project, in USD.
    pub annual_spend_usd: Option<f64>,
    /// Break/fix only, or advisory as well.
    pub support_kind: SupportKind,
}

impl Contract {
    /// An existing contract (legacy gold accepted).
    pub fn existing(
        deployment: Deployment,
        subscription: Subscription,
        annual_spend_usd: Option<f64>,
    ) -> Result<Contract, CoreError> {
        let support_level = SupportLevel::resolve(deployment, subscription)?;
        let support_kind = SupportKind::for_annual_spend(annual_spend_usd)?;
        Ok(Contract {
            deployment,
            subscription,
            support_level,
            legacy: support_level.is_legacy(),
            annual_spend_usd,
            support_kind,
        })
    }

    /// A contract being sold today: legacy gold is refused with `not_supported`.
    pub fn new_sale(
        deployment: Deployment,
        subscription: Subscription,
        annual_spend_usd: Option<f64>,
    ) -> Result<Contract, CoreError> {
        let contract = Contract::existing(deployment, subscription, annual_spend_usd)?;
        if contract.legacy {
            return Err(CoreError::new(
                ErrorCode::NotSupported,
                "self-managed gold is legacy: existing contracts keep it until their term ends, \
                 but no new contract may be created with it; choose platinum or enterprise",
            ));
        }
        Ok(contract)
    }

    /// Whether a scheduled phone callback is included.
    pub fn phone_callback(&self) -> bool {
        self.support_level.phone_callback()
    }
}

macro_rules! wire_names {
    ($ty:ty, $what:literal, $($variant:path => $name:literal),+ $(,)?) => {
        impl FromStr for $ty {
            type Err = CoreError;
            fn from_str(s: &str) -> Result<Self, CoreError> {
                match s.trim().to_ascii_lowercase().as_str() {
                    $($name => Ok($variant),)+
                    other => Err(CoreError::invalid(format!(
                        concat!("unknown ", $what, " '{}'; expected one of: {}"),
                        other,
                        [$($name),+].join(", ")
                    ))),
                }
            }
        }
        impl fmt::Display for $ty {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(match self { $($variant => $name,)+ })
            }
        }
    };
}

wire_names!(Deployment, "deployment",
    Deployment::Cloud => "cloud", Deployment::SelfManaged => "self-managed");
wire_names!(Subscription, "subscription",
    Subscription::Standard => "standard", Subscription::Gold => "gold",
    Subscription::Platinum => "platinum", Subscription::Enterprise => "enterprise",
    Subscription::Development => "development");
wire_names!(SupportLevel, "support level",
    SupportLevel::Limited => "limited", SupportLevel::Base => "base",
    SupportLevel::Enhanced => "enhanced", SupportLevel::Premium => "premium",
    SupportLevel::Gold => "gold", SupportLevel::Platinum => "platinum",
    SupportLevel::Enterprise => "enterprise", SupportLevel::Development => "development");
wire_names!(SupportKind, "support kind",
    SupportKind::BreakFix => "break-fix", SupportKind::Advisory => "advisory");
