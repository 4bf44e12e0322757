//! Case vocabulary (SPEC §5) and callback windows (SPEC §7).

use crate::contract::SupportLevel;
use crate::error::{CoreError, ErrorCode};
use crate::severity::Lang;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// What kind of case is being filed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "kebab-case")]
pub enum CaseType {
    /// Something is broken, including suspected bugs.
    Problem,
    /// A request for something the product does not do.
    FeatureRequest,
    /// A question about how to do something.
    HowTo,
    /// Changes to the account, such as adding or removing users.
    AccountChange,
    /// Advance notice of planned maintenance; carries its window.
    MaintenanceNotice,
}

impl CaseType {
    /// Every type, in the order the wizard offers them.
    pub const ALL: [CaseType; 5] = [
        CaseType::Problem,
        CaseType::FeatureRequest,
        CaseType::HowTo,
        CaseType::AccountChange,
        CaseType::MaintenanceNotice,
    ];

    /// True when the type asks for advice rather than a fix (SPEC §6): guidance is advisory
    /// support, which a break/fix contract does not include, so the wizard says so.
    pub fn is_advisory(self) -> bool {
        matches!(self, CaseType::HowTo)
    }

    /// The wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            CaseType::Problem => "problem",
            CaseType::FeatureRequest => "feature-request",
            CaseType::HowTo => "how-to",
            CaseType::AccountChange => "account-change",
            CaseType::MaintenanceNotice => "maintenance-notice",
        }
    }

    /// The type's name in a language, as mails and other texts outside the desktop UI show
    /// it. The desktop UI's catalogue (`ui/i18n`, `type.<wire name>`) uses the same words.
    pub fn name(self, lang: Lang) -> &'static str {
        match (self, lang) {
            (CaseType::Problem, Lang::En) => "Problem",
            (CaseType::FeatureRequest, Lang::En) => "Feature request",
            (CaseType::HowTo, Lang::En) => "How-to question",
            (CaseType::AccountChange, Lang::En) => "Account change",
            (CaseType::MaintenanceNotice, Lang::En) => "Maintenance notice",
            (CaseType::Problem, Lang::ZhCn) => "问题",
            (CaseType::FeatureRequest, Lang::ZhCn) => "功能请求",
            (CaseType::HowTo, Lang::ZhCn) => "操作咨询",
            (CaseType::AccountChange, Lang::ZhCn) => "账户变更",
            (CaseType::MaintenanceNotice, Lang::ZhCn) => "维护通知",
        }
    }
}

impl std::str::FromStr for CaseType {
    type Err = CoreError;
    fn from_str(s: &str) -> Result<Self, CoreError> {
        CaseType::ALL
            .into_iter()
            .find(|t| t.as_str() == s.trim())
            .ok_or_else(|| {
                CoreError::invalid(format!(
                    "unknown case type '{s}'; expected problem, feature-request, how-to, \
                     account-change or maintenance-notice"
                ))
            })
    }
}

/// A case's status as the customer sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "kebab-case")]
pub enum CaseStatus {
    /// New, or the customer spoke last.
    WaitingOnVendor,
    /// The engineer spoke last and asked for something.
    WaitingOnCustomer,
    /// The engineer proposed a solution.
    Solved,
    /// Finished.
    Closed,
}

impl CaseStatus {
    /// Every status, in the order a case usually passes through them.
    pub const ALL: [CaseStatus; 4] = [
        CaseStatus::WaitingOnVendor,
        CaseStatus::WaitingOnCustomer,
        CaseStatus::Solved,
        CaseStatus::Closed,
    ];

    /// The wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            CaseStatus::WaitingOnVendor => "waiting-on-vendor",
            CaseStatus::WaitingOnCustomer => "waiting-on-customer",
            CaseStatus::Solved => "solved",
            CaseStatus::Closed => "closed",
        }
    }

    /// The open statuses ([`is_open`](Self::is_open)), for filters that cannot call it, such
    /// as a SQL `IN (…)` list.
    pub fn open() -> impl Iterator<Item = CaseStatus> {
        CaseStatus::ALL.into_iter().filter(|s| s.is_open())
    }

    /// True while the case still expects work from someone. The one definition of "open":
    /// the server's queues, the client's watcher and the app's lists all ask it.
    pub fn is_open(self) -> bool {
        matches!(
            self,
            CaseStatus::WaitingOnVendor | CaseStatus::WaitingOnCustomer
        )
    }

    /// The status after a public comment: whoever spoke last decides who is waited on.
    /// A comment reopens a solved case; a closed case stays closed.
    pub fn after_comment(self, by_engineer: bool) -> CaseStatus {
        match (self, by_engineer) {
            (CaseStatus::Closed, _) => CaseStatus::Closed,
            (_, true) => CaseStatus::WaitingOnCustomer,
            (_, false) => CaseStatus::WaitingOnVendor,
        }
    }
}

/// A window in which a contact can take the vendor's call.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct CallbackWindow {
    /// Opens.
    pub start: DateTime<Utc>,
    /// Closes.
    pub end: DateTime<Utc>,
}

/// Checks a callback request (SPEC §7): the contract must include phone support, and each
/// window must lie ahead of `now` and close after it opens.
pub fn check_callback(
    level: SupportLevel,
    windows: &[CallbackWindow],
    now: DateTime<Utc>,
) -> Result<(), CoreError> {
    if !level.phone_callback() {
        return Err(CoreError::new(
            ErrorCode::CallbackNotIncluded,
            "the limited support level does not include phone support; follow up in the case thread",
        ));
    }
    if windows.is_empty() {
        return Err(CoreError::invalid(
            "give at least one window when you can take the call",
        ));
    }
    for w in windows {
        if w.end <= w.start {
            return Err(CoreError::invalid(format!(
                "the window {} – {} ends before it starts",
                w.start.to_rfc3339(),
                w.end.to_rfc3339()
            )));
        }
        if w.end <= now {
            return Err(CoreError::invalid(format!(
                "the window {} – {} is in the past",
                w.start.to_rfc3339(),
                w.end.to_rfc3339()
            )));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_case_type_has_a_distinct_name_in_both_languages() {
        for lang in [Lang::En, Lang::ZhCn] {
            let names: std::collections::HashSet<_> =
                CaseType::ALL.iter().map(|t| t.name(lang)).collect();
            assert_eq!(names.len(), CaseType::ALL.len());
        }
        assert_eq!(CaseType::HowTo.name(Lang::ZhCn), "操作咨询");
        assert_eq!(CaseType::FeatureRequest.name(Lang::En), "Feature request");
    }

    #[test]
    fn statuses_are_named_as_on_the_wire_and_two_are_open() {
        for s in CaseStatus::ALL {
            assert_eq!(
                serde_json::to_value(s).unwrap(),
                serde_json::Value::from(s.as_str())
            );
        }
        let open: Vec<_> = CaseStatus::open().collect();
        assert_eq!(
            open,
            [CaseStatus::WaitingOnVendor, CaseStatus::WaitingOnCustomer]
        );
    }
}
