//! Who receives which mail about a case (issue 11): the decisions, kept apart from the SQL
//! (the store only inserts what a [`MailPlan`] answers) and from the sending (`crate::mailer`).
//!
//! Each plan is built before the write from the accounts that may receive mail about the
//! organisation's cases, and run by the store inside the write's transaction with the case as
//! the write left it — the case number and the assigned engineer exist only there.
//!
//! The rules: the opener, the case's CC addresses and every contact of the organisation who
//! chose `all` receive the customer mails (each address once); an account that chose `none`
//! receives none; a CC address that is an account gets mail in its language, any other in
//! English. The engineer a new case is assigned to is told about it (every engineer, when it
//! could not be assigned).

use crate::store::{CaseRecord, MailAccount, MailPlan, MailPreference, OrgRecord, QueuedMail};
use casewatch_api::Role;
use casewatch_core::{best_effort, CallbackWindow};
use casewatch_mail::Mail;
use std::collections::HashSet;
use std::sync::Arc;

/// One address a case mail goes to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Recipient {
    /// The address.
    pub email: String,
    /// Its account, if it is one.
    pub account_id: Option<i64>,
    /// `en` or `zh-CN`.
    pub locale: String,
    /// Its own time zone (IANA name), when it is an account that set one.
    pub time_zone: Option<String>,
}

/// The customers who receive mail about `case`, each address once, opener first.
pub fn case_recipients(accounts: &[MailAccount], case: &CaseRecord) -> Vec<Recipient> {
    let mut seen = HashSet::new();
    let mut out = Vec::new();
    let mut add = |email: &str, account: Option<&MailAccount>| {
        if account.is_some_and(|a| a.mail == MailPreference::None) {
            return;
        }
        if !seen.insert(email.trim().to_lowercase()) {
            return;
        }
        out.push(Recipient {
            email: email.trim().to_string(),
            account_id: account.map(|a| a.id),
            locale: account.map_or_else(|| "en".to_string(), |a| a.locale.clone()),
            time_zone: account.and_then(|a| a.time_zone.clone()),
        });
    };
    if let Some(opener) = accounts.iter().find(|a| a.id == case.opened_by.id) {
        add(&opener.email, Some(opener));
    }
    for cc in &case.cc {
        let account = accounts
            .iter()
            .find(|a| a.email.eq_ignore_ascii_case(cc.trim()));
        add(cc, account);
    }
    for a in accounts.iter().filter(|a| {
        a.role == Role::Contact && a.org_id == Some(case.org_id) && a.mail == MailPreference::All
    }) {
        add(&a.email, Some(a));
    }
    out
}

/// The zone a reader sees times in: their account's own, else the contract's.
fn reader_zone(r: &Recipient, contract: chrono_tz::Tz) -> chrono_tz::Tz {
    r.time_zone
        .as_deref()
        .and_then(|z| z.parse().ok())
        .unwrap_or(contract)
}

fn queued(mail: &Mail, case: &CaseRecord, r: &Recipient) -> Option<QueuedMail> {
    // A `Mail` always serialises; a failure would only drop this one mail, never the write.
    let payload = serde_json::to_string(mail).ok()?;
    Some(QueuedMail {
        case_number: Some(case.number),
        to_address: r.email.clone(),
        account_id: r.account_id,
        lang: r.locale.clone(),
        payload,
    })
}

/// The same mail to every customer recipient of the case.
fn to_customers(
    accounts: &[MailAccount],
    case: &CaseRecord,
    mail: impl Fn(&Recipient) -> Mail,
) -> Vec<QueuedMail> {
    case_recipients(accounts, case)
        .iter()
        .filter_map(|r| queued(&mail(r), case, r))
        .collect()
}

/// A new case: the confirmation to the customers, and a notice to the assigned engineer.
pub fn case_created(accounts: Vec<MailAccount>, org: Arc<OrgRecord>) -> MailPlan {
    Arc::new(move |case: &CaseRecord| {
        let zone = org.calendar.tz();
        let mut out = to_customers(&accounts, case, |r| Mail::CaseCreated {
            case_number: case.number,
            subject: case.subject.clone(),
            case_type: case.case_type,
            severity: case.severity,
            product: case.product.clone(),
            opener_name: case.opened_by.name.clone(),
            initial_response_due: case.due_at,
            best_effort: best_effort(org.contract.support_level).is_some(),
            // The reader's own zone when their account has one (the desktop app sets the
            // computer's); else the contract's, which is then shown once.
            contact_zone: reader_zone(r, zone),
            contract_zone: zone,
        });
        // The assigned engineer; a case nobody could be assigned to goes to every engineer
        // (there is no duty roster: every current engineer is on duty).
        let assigned = case.assignee.as_ref().map(|e| e.id);
        let engineers = accounts.iter().filter(|a| {
            a.role == Role::Engineer
                && a.mail != MailPreference::None
                && assigned.is_none_or(|id| id == a.id)
        });
        for e in engineers {
            let mail = Mail::EngineerNewCase {
                assigned_to_you: assigned.is_some(),
                case_number: case.number,
                org_name: org.name.clone(),
                severity: case.severity,
                subject: case.subject.clone(),
            };
            let r = Recipient {
                email: e.email.clone(),
                account_id: Some(e.id),
                locale: e.locale.clone(),
                time_zone: e.time_zone.clone(),
            };
            out.extend(queued(&mail, case, &r));
        }
        out
    })
}

/// An engineer's public reply (and, when it solves the case, the solved notice).
pub fn engineer_reply(
    accounts: Vec<MailAccount>,
    engineer_name: String,
    body_markdown: String,
    solves: bool,
) -> MailPlan {
    Arc::new(move |case: &CaseRecord| {
        let mut out = to_customers(&accounts, case, |_| Mail::EngineerReply {
            case_number: case.number,
            subject: case.subject.clone(),
            engineer_name: engineer_name.clone(),
            body_markdown: body_markdown.clone(),
        });
        if solves && case.status == casewatch_core::CaseStatus::Solved {
            out.extend(solved_mails(&accounts, case));
        }
        out
    })
}

fn solved_mails(accounts: &[MailAccount], case: &CaseRecord) -> Vec<QueuedMail> {
    to_customers(accounts, case, |_| Mail::CaseSolved {
        case_number: case.number,
        subject: case.subject.clone(),
    })
}

/// The case was marked solved.
pub fn case_solved(accounts: Vec<MailAccount>) -> MailPlan {
    Arc::new(move |case: &CaseRecord| {
        if case.status == casewatch_core::CaseStatus::Solved {
            solved_mails(&accounts, case)
        } else {
            Vec::new()
        }
    })
}

/// A callback was requested: the customers are told when the call may come (the first
/// window of the request), each in their own zone.
pub fn callback_scheduled(accounts: Vec<MailAccount>, org: Arc<OrgRecord>) -> MailPlan {
    Arc::new(move |case: &CaseRecord| {
        let Some(window) = case.callback_windows.first() else {
            return Vec::new();
        };
        let window: CallbackWindow = (*window).into();
        to_customers(&accounts, case, |r| Mail::CallbackScheduled {
            case_number: case.number,
            subject: case.subject.clone(),
            window,
            zone: reader_zone(r, org.calendar.tz()),
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use casewatch_api::UserRef;
    use casewatch_core::{CaseStatus, CaseType, Environment, Severity};
    use chrono::Utc;

    fn account(
        id: i64,
        org: Option<i64>,
        email: &str,
        locale: &str,
        mail: MailPreference,
    ) -> MailAccount {
        MailAccount {
            id,
            org_id: org,
            email: email.into(),
            name: format!("name {id}"),
            role: if org.is_some() {
                Role::Contact
            } else {
                Role::Engineer
            },
            locale: locale.into(),
            mail,
            time_zone: None,
        }
    }

    fn case(opener: i64, cc: &[&str]) -> CaseRecord {
        let now = Utc::now();
        CaseRecord {
            number: 7,
            org_id: 1,
            case_type: CaseType::Problem,
            severity: Severity::new(2).unwrap(),
            environment: Environment::Production,
            product: "p".into(),
            version: "1".into(),
            subject: "s".into(),
            situation: "x".into(),
            impact: "y".into(),
            status: CaseStatus::WaitingOnVendor,
            created_at: now,
            updated_at: now,
            first_response_at: None,
            due_at: None,
            cc: cc.iter().map(|c| c.to_string()).collect(),
            maintenance_window: None,
            opened_by: UserRef {
                id: opener,
                name: "opener".into(),
                role: Role::Contact,
            },
            assignee: None,
            callback_windows: vec![],
        }
    }

    #[test]
    fn each_customer_once_in_their_language_and_never_against_their_choice() {
        let accounts = vec![
            account(1, Some(1), "opener@a.example", "en", MailPreference::Mine),
            account(2, Some(1), "quiet@a.example", "en", MailPreference::None),
            account(
                3,
                Some(1),
                "Chinese@a.example",
                "zh-CN",
                MailPreference::Mine,
            ),
            account(
                4,
                Some(1),
                "everything@a.example",
                "en",
                MailPreference::All,
            ),
            account(5, Some(1), "mine@a.example", "en", MailPreference::Mine),
            account(6, Some(2), "other-org@b.example", "en", MailPreference::All),
            account(
                9,
                None,
                "engineer@vendor.example",
                "en",
                MailPreference::All,
            ),
        ];
        let c = case(
            1,
            &[
                "chinese@a.example",
                "quiet@a.example",
                "outsider@c.example",
                "OPENER@a.example",
            ],
        );
        let got: Vec<(String, Option<i64>, String)> = case_recipients(&accounts, &c)
            .into_iter()
            .map(|r| (r.email, r.account_id, r.locale))
            .collect();
        assert_eq!(
            got,
            [
                ("opener@a.example".into(), Some(1), "en".into()),
                ("chinese@a.example".into(), Some(3), "zh-CN".into()),
                ("outsider@c.example".into(), None, "en".into()),
                ("everything@a.example".into(), Some(4), "en".into()),
            ]
        );
    }

    #[test]
    fn a_quiet_opener_gets_nothing_and_the_assigned_engineer_is_told() {
        let accounts = vec![
            account(1, Some(1), "opener@a.example", "en", MailPreference::None),
            account(
                9,
                None,
                "engineer@vendor.example",
                "zh-CN",
                MailPreference::Mine,
            ),
        ];
        let mut c = case(1, &[]);
        c.assignee = Some(UserRef {
            id: 9,
            name: "eng".into(),
            role: Role::Engineer,
        });
        let org = OrgRecord {
            id: 1,
            slug: "a".into(),
            name: "A".into(),
            demo: false,
            contract: casewatch_core::Contract::existing(
                casewatch_core::Deployment::Cloud,
                casewatch_core::Subscription::Enterprise,
                Some(50_000.0),
            )
            .unwrap(),
            calendar: casewatch_core::Calendar::parse("UTC", "mon-fri 09:00-17:00", &[], None)
                .unwrap(),
        };
        let mut accounts = accounts;
        accounts.push(account(
            10,
            None,
            "second@vendor.example",
            "en",
            MailPreference::Mine,
        ));
        let plan = case_created(accounts, Arc::new(org));
        let mails = plan(&c);
        assert_eq!(mails.len(), 1);
        assert_eq!(mails[0].to_address, "engineer@vendor.example");
        assert_eq!(mails[0].lang, "zh-CN");
        assert!(
            mails[0].payload.contains("engineer-new-case"),
            "{}",
            mails[0].payload
        );
        assert!(
            mails[0].payload.contains("\"assigned_to_you\":true"),
            "{}",
            mails[0].payload
        );
        // Unassigned: every engineer hears of it.
        c.assignee = None;
        let to: Vec<String> = plan(&c).into_iter().map(|m| m.to_address).collect();
        assert_eq!(to, ["engineer@vendor.example", "second@vendor.example"]);
    }
}
