//! Demonstration data (`casewatch server --demo`, and what the desktop app's demo mode embeds):
//! four organisations covering the contract shapes of SPEC §1, two contacts each, one vendor
//! engineer, a bilingual knowledge base about the fictional product *Orbit Search*, and case
//! threads in every status, including an open severity-1 case whose deadline falls a few
//! minutes after start-up so deadline alerts can be seen.
//!
//! Seeding is idempotent: a second start on the same data adds nothing (it only refreshes
//! changed articles and moves the severity-1 case's clock so that its deadline is again a few
//! minutes away). Everything is plainly marked as demo: organisation names end in "(demo)"
//! and `/healthz` reports `demo: true`.

use crate::admin::NewOrg;
use crate::error::{ApiError, ApiResult};
use crate::service::accounts::hash_password;
use crate::service::cases::{plan_case, validate_new_case};
use crate::state::AppState;
use crate::store::{
    ArticleInput, DemoSeed, DemoSeedCase, DemoSeedComment, DemoSeedOrg, NewAccount, OrgRecord,
    DEMO_COUNTDOWN_KEY, DEMO_SEEDED_KEY,
};
use casewatch_api::{NewCase, Role, Window};
use casewatch_core::{
    response_target, Calendar, CaseStatus, CaseType, Contract, Deployment, Environment,
    ResponseDeadline, Severity, Subscription,
};
use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

/// The password of every demo account.
pub const DEMO_PASSWORD: &str = "casewatch-demo";
/// The demo engineer.
pub const ENGINEER_EMAIL: &str = "engineer@vendor.example";
/// How long after start-up the countdown case falls due.
pub const COUNTDOWN_MINUTES: i64 = 5;

const KB_JSON: &str = include_str!("../demo/kb.json");
const THREADS_JSON: &str = include_str!("../demo/threads.json");

/// A demo organisation.
struct DemoOrg {
    slug: &'static str,
    name: &'static str,
    deployment: Deployment,
    subscription: Subscription,
    spend: f64,
    tz: &'static str,
    hours: &'static str,
    key_name: &'static str,
    ops_name: &'static str,
}

const ORGS: [DemoOrg; 4] = [
    DemoOrg {
        slug: "acme",
        name: "Acme Retail (demo)",
        deployment: Deployment::Cloud,
        subscription: Subscription::Enterprise,
        spend: 120_000.0,
        tz: "Asia/Shanghai",
        hours: "mon-fri 09:00-18:00",
        key_name: "Li Wei",
        ops_name: "Zhang Min",
    },
    DemoOrg {
        slug: "umbrella",
        name: "Umbrella Logistics (demo)",
        deployment: Deployment::Cloud,
        subscription: Subscription::Standard,
        spend: 6_000.0,
        tz: "Europe/London",
        hours: "mon-fri 09:00-17:00",
        key_name: "Alice Barker",
        ops_name: "Tom Reid",
    },
    DemoOrg {
        slug: "globex",
        name: "Globex Manufacturing (demo)",
        deployment: Deployment::SelfManaged,
        subscription: Subscription::Gold,
        spend: 18_000.0,
        tz: "America/New_York",
        hours: "mon-fri 08:00-17:00",
        key_name: "Hank Scorpio",
        ops_name: "Maria Lopez",
    },
    DemoOrg {
        slug: "initech",
        name: "Initech Labs (demo)",
        deployment: Deployment::SelfManaged,
        subscription: Subscription::Development,
        spend: 4_000.0,
        tz: "Europe/Berlin",
        hours: "mon-fri 09:00-17:00",
        key_name: "Jonas Weber",
        ops_name: "Petra Schulz",
    },
];

/// A text in both of the apps' languages.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct DemoText {
    /// English.
    pub en: &'static str,
    /// Simplified Chinese.
    #[serde(rename = "zh-CN")]
    pub zh_cn: &'static str,
}

/// A demo account as the desktop app's sign-in screen offers it: who it is and what it
/// shows off. The one list of them (the app and the UI's mock backend read it from here).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DemoAccount {
    /// Sign-in e-mail address (the password is [`DEMO_PASSWORD`]).
    pub email: String,
    /// The contact's name.
    pub name: &'static str,
    /// The organisation's name.
    pub organisation: &'static str,
    /// The organisation's key contact (may manage contacts).
    pub key_contact: bool,
    /// The contract's deployment.
    pub deployment: Deployment,
    /// The contract's subscription.
    pub subscription: Subscription,
    /// What the account shows off.
    pub description: DemoText,
}

/// The demo accounts offered for signing in, in the order the app lists them: every
/// organisation's key contact, and Acme's second contact (a contact who is not the key one).
pub fn demo_accounts() -> Vec<DemoAccount> {
    const ABOUT: [(&str, bool, DemoText); 5] = [
        ("acme", true, DemoText {
            en: "Cloud enterprise (premium): an urgent case falls due a few minutes after the start, advisory support, phone callbacks, contacts management.",
            zh_cn: "云端企业版（高级支持）：一个紧急案件在启动几分钟后到期；含顾问支持、电话回电和联系人管理。",
        }),
        ("acme", false, DemoText {
            en: "A support contact who is not the key contact: same cases, no contacts management.",
            zh_cn: "非主要联系人的支持联系人：案件相同，但不能管理联系人。",
        }),
        ("umbrella", true, DemoText {
            en: "Cloud standard (limited): best-effort response only, no phone callback.",
            zh_cn: "云端标准版（有限支持）：仅尽力响应，不含电话回电。",
        }),
        ("globex", true, DemoText {
            en: "Self-managed gold (legacy): targets in business hours of New York, break/fix support.",
            zh_cn: "自管理黄金版（旧合同）：按纽约工作时间计算的响应目标，仅故障修复支持。",
        }),
        ("initech", true, DemoText {
            en: "Development subscription: severity 4 only, two business days.",
            zh_cn: "开发版订阅：只能提交严重程度 4，两个工作日内响应。",
        }),
    ];
    ABOUT
        .iter()
        .filter_map(|(slug, key, description)| {
            let org = ORGS.iter().find(|o| o.slug == *slug)?;
            Some(DemoAccount {
                email: format!(
                    "{}@{}.example",
                    if *key { "admin" } else { "ops" },
                    org.slug
                ),
                name: if *key { org.key_name } else { org.ops_name },
                organisation: org.name,
                key_contact: *key,
                deployment: org.deployment,
                subscription: org.subscription,
                description: *description,
            })
        })
        .collect()
}

#[derive(Debug, Deserialize)]
struct ThreadComment {
    by: String,
    body: String,
    minutes_ago: i64,
}

#[derive(Debug, Deserialize)]
struct RelativeWindow {
    start_in_minutes: i64,
    end_in_minutes: i64,
}

#[derive(Debug, Deserialize)]
struct Thread {
    org: String,
    #[serde(rename = "type")]
    case_type: CaseType,
    subject: String,
    severity: Severity,
    environment: Environment,
    product: String,
    version: String,
    situation: String,
    #[serde(default)]
    impact: String,
    status: CaseStatus,
    created_minutes_ago: i64,
    #[serde(default)]
    maintenance_window: Option<RelativeWindow>,
    #[serde(default)]
    comments: Vec<ThreadComment>,
}

/// The demo knowledge base.
pub fn articles() -> ApiResult<Vec<ArticleInput>> {
    serde_json::from_str(KB_JSON).map_err(|e| ApiError::internal(format!("demo/kb.json: {e}")))
}

fn threads() -> ApiResult<Vec<Thread>> {
    serde_json::from_str(THREADS_JSON)
        .map_err(|e| ApiError::internal(format!("demo/threads.json: {e}")))
}

/// The accounts, for the start-up banner and the README.
pub fn summary() -> String {
    let mut s = String::from(
        "DEMO MODE: demonstration data only. Every account's password is 'casewatch-demo'.\n",
    );
    for o in &ORGS {
        s.push_str(&format!(
            "  {:<28} {} {}: admin@{}.example (key contact), ops@{}.example\n",
            o.name, o.deployment, o.subscription, o.slug, o.slug
        ));
    }
    s.push_str(&format!("  vendor engineer: {ENGINEER_EMAIL}\n"));
    s
}

/// Seeds the demo, or (when it is there already) refreshes changed articles; either way moves
/// the countdown case's clock. Safe when several instances start at once: the store seeds at
/// most once ([`Store::seed_demo_once`]). Returns the banner.
///
/// [`Store::seed_demo_once`]: crate::store::Store::seed_demo_once
pub async fn seed(state: &AppState) -> ApiResult<String> {
    let articles = articles()?;
    for a in &articles {
        a.validate()?;
    }
    let store = &state.store;
    if store.meta_get(DEMO_SEEDED_KEY).await?.is_none() {
        // Hash outside any transaction: argon2 is slow on purpose.
        let cost = state.config.password_cost;
        let hash = tokio::task::spawn_blocking(move || hash_password(DEMO_PASSWORD, cost))
            .await
            .map_err(ApiError::internal)??;
        let plan = plan(articles.clone(), threads()?, &hash, Utc::now())?;
        if store.seed_demo_once(plan).await?.is_some() {
            rewind_countdown(state).await?;
            return Ok(summary());
        }
    }
    store.upsert_articles(articles, Utc::now()).await?;
    rewind_countdown(state).await?;
    Ok(summary())
}

fn account(email: String, name: &str, role: Role, key: bool, hash: &str) -> NewAccount {
    NewAccount {
        org_id: None,
        email,
        name: name.to_string(),
        role,
        key_contact: key,
        password_hash: hash.to_string(),
        created_at: Utc::now(),
    }
}

/// The whole demo as one [`DemoSeed`]: organisations with their key contact (`admin@`) and
/// second contact (`ops@`), the engineer, and the threads, each case checked and given its
/// deadline by the same rules as a case filed through the API.
fn plan(
    articles: Vec<ArticleInput>,
    threads: Vec<Thread>,
    hash: &str,
    now: DateTime<Utc>,
) -> ApiResult<DemoSeed> {
    let mut orgs = Vec::new();
    let mut records = Vec::new();
    for (i, o) in ORGS.iter().enumerate() {
        let contract = Contract::existing(o.deployment, o.subscription, Some(o.spend))?;
        let calendar = Calendar::parse(o.tz, o.hours, &[], None)?;
        records.push(OrgRecord {
            id: i as i64,
            slug: o.slug.into(),
            name: o.name.into(),
            demo: true,
            contract,
            calendar: calendar.clone(),
        });
        orgs.push(DemoSeedOrg {
            org: NewOrg {
                slug: o.slug.into(),
                name: o.name.into(),
                contract,
                calendar,
                demo: true,
            }
            .to_insert()?,
            contacts: vec![
                account(
                    format!("admin@{}.example", o.slug),
                    o.key_name,
                    Role::Contact,
                    true,
                    hash,
                ),
                account(
                    format!("ops@{}.example", o.slug),
                    o.ops_name,
                    Role::Contact,
                    false,
                    hash,
                ),
            ],
        });
    }
    let mut cases = Vec::new();
    let mut countdown_seen = false;
    for (i, t) in threads.iter().enumerate() {
        let org = ORGS
            .iter()
            .position(|o| o.slug == t.org)
            .ok_or_else(|| ApiError::internal(format!("demo thread for unknown org {}", t.org)))?;
        let countdown = !countdown_seen
            && t.severity == Severity::URGENT
            && t.status == CaseStatus::WaitingOnVendor
            && t.comments.iter().all(|c| c.by != "engineer");
        countdown_seen |= countdown;
        cases.push(plan_thread(&records[org], org, i % 2, t, countdown, now)?);
    }
    if !countdown_seen {
        cases.push(plan_thread(
            &records[0],
            0,
            0,
            &fallback_countdown(),
            true,
            now,
        )?);
    }
    Ok(DemoSeed {
        articles,
        engineer: account(
            ENGINEER_EMAIL.into(),
            "Dana Kim (vendor engineer)",
            Role::Engineer,
            false,
            hash,
        ),
        orgs,
        cases,
        at: now,
    })
}

fn fallback_countdown() -> Thread {
    Thread {
        org: "acme".into(),
        case_type: CaseType::Problem,
        subject: "Production search cluster down".into(),
        severity: Severity::URGENT,
        environment: Environment::Production,
        product: "Orbit Search".into(),
        version: "8.4.1".into(),
        situation: "All searches fail since a few minutes ago.".into(),
        impact: "The web shop cannot search.".into(),
        status: CaseStatus::WaitingOnVendor,
        created_minutes_ago: 25,
        maintenance_window: None,
        comments: vec![],
    }
}

fn plan_thread(
    org: &OrgRecord,
    org_index: usize,
    opener: usize,
    t: &Thread,
    countdown: bool,
    now: DateTime<Utc>,
) -> ApiResult<DemoSeedCase> {
    let created = now - Duration::minutes(t.created_minutes_ago);
    let new = NewCase {
        case_type: t.case_type,
        subject: t.subject.clone(),
        severity: t.severity,
        environment: t.environment,
        product: t.product.clone(),
        version: t.version.clone(),
        situation: t.situation.clone(),
        impact: t.impact.clone(),
        maintenance_window: t.maintenance_window.as_ref().map(|w| Window {
            start: now + Duration::minutes(w.start_in_minutes),
            end: now + Duration::minutes(w.end_in_minutes),
        }),
        cc: vec![],
    };
    validate_new_case(&new)?;
    let case = plan_case(org, 0, &new, created)?;
    let mut comments: Vec<&ThreadComment> = t.comments.iter().collect();
    comments.sort_by_key(|c| std::cmp::Reverse(c.minutes_ago));
    Ok(DemoSeedCase {
        org: org_index,
        opener,
        case,
        comments: comments
            .into_iter()
            .map(|c| DemoSeedComment {
                by_engineer: c.by == "engineer",
                body: c.body.clone(),
                at: now - Duration::minutes(c.minutes_ago.min(t.created_minutes_ago)),
            })
            .collect(),
        status: t.status,
        countdown,
    })
}

/// Moves the countdown case's creation time so that it falls due [`COUNTDOWN_MINUTES`] from
/// now (its 24×7 target, computed by `casewatch-core`), unless it was answered meanwhile.
async fn rewind_countdown(state: &AppState) -> ApiResult<()> {
    let store = &state.store;
    let Some(number) = store
        .meta_get(DEMO_COUNTDOWN_KEY)
        .await?
        .and_then(|n| n.parse::<i64>().ok())
    else {
        return Ok(());
    };
    let row = store.case(number, None).await?;
    if row.first_response_at.is_some() || !row.status.is_open() {
        return Ok(());
    }
    let org = store.org(row.org_id).await?;
    let level = org.contract.support_level;
    let Some(target) = response_target(level, row.severity).and_then(|t| t.elapsed_duration())
    else {
        return Ok(());
    };
    let now = Utc::now();
    let created = now - target + Duration::minutes(COUNTDOWN_MINUTES);
    let deadline = ResponseDeadline::compute(level, row.severity, &org.calendar, created)?;
    store.set_case_clock(number, created, deadline.due).await?;
    Ok(())
}
