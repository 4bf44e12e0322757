//! Every word the support centre's mails say, in English and Simplified Chinese.
//!
//! Kept apart from [`crate::compose`] so a translator reads one file, and so the two
//! languages sit next to each other and cannot drift apart unnoticed. Names of severities
//! and case types are the product's own and come from casewatch-core.

use casewatch_core::{CaseType, Lang, Severity};
use chrono::{DateTime, Datelike, Utc};
use chrono_tz::Tz;

/// A moment as a reader of this language expects it, in a zone, naming the zone:
/// `Tue 1 Dec 2026, 14:00 (Europe/Berlin)` or `2026年12月1日 周二 14:00（Asia/Shanghai）`.
pub fn when(t: DateTime<Utc>, zone: Tz, lang: Lang) -> String {
    let local = t.with_timezone(&zone);
    match lang {
        Lang::En => format!("{} ({})", local.format("%a %-d %b %Y, %H:%M"), zone.name()),
        Lang::ZhCn => {
            const DAYS: [&str; 7] = ["周一", "周二", "周三", "周四", "周五", "周六", "周日"];
            format!(
                "{}年{}月{}日 {} {}（{}）",
                local.year(),
                local.month(),
                local.day(),
                DAYS[local.weekday().num_days_from_monday() as usize],
                local.format("%H:%M"),
                zone.name()
            )
        }
    }
}

/// What separates a label from its value: `: ` in English, a full-width `：` in Chinese.
pub fn colon(lang: Lang) -> &'static str {
    match lang {
        Lang::En => ": ",
        Lang::ZhCn => "：",
    }
}

/// `3 – Normal` / `3 – 普通`.
pub fn severity(s: Severity, lang: Lang) -> String {
    format!("{} – {}", s.number(), s.name(lang))
}

/// The case type's name.
pub fn case_type(t: CaseType, lang: Lang) -> &'static str {
    t.name(lang)
}

/// The subject of every mail about a case. The `[Case #N]` tag is the same in both
/// languages: customers' mail filters and our own inbound handling key on it.
pub fn case_subject(case_number: i64, subject: &str) -> String {
    format!("[Case #{case_number}] {subject}")
}

/// Labels of the facts block.
pub fn label(key: Label, lang: Lang) -> &'static str {
    match (key, lang) {
        (Label::Case, Lang::En) => "Case",
        (Label::Subject, Lang::En) => "Subject",
        (Label::Type, Lang::En) => "Type",
        (Label::Severity, Lang::En) => "Severity",
        (Label::Product, Lang::En) => "Product",
        (Label::Organisation, Lang::En) => "Organisation",
        (Label::InitialResponse, Lang::En) => "Initial response due",
        (Label::BestEffortResponse, Lang::En) => "Initial response (best effort, not guaranteed)",
        (Label::Case, Lang::ZhCn) => "案件",
        (Label::Subject, Lang::ZhCn) => "主题",
        (Label::Type, Lang::ZhCn) => "类型",
        (Label::Severity, Lang::ZhCn) => "严重级别",
        (Label::Product, Lang::ZhCn) => "产品",
        (Label::Organisation, Lang::ZhCn) => "组织",
        (Label::InitialResponse, Lang::ZhCn) => "首次响应截止时间",
        (Label::BestEffortResponse, Lang::ZhCn) => "首次响应（尽力而为，不作保证）",
    }
}

/// The facts a mail may list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Label {
    /// The case number.
    Case,
    /// The case's subject.
    Subject,
    /// The case type.
    Type,
    /// The severity.
    Severity,
    /// The product.
    Product,
    /// The customer organisation.
    Organisation,
    /// The initial-response deadline.
    InitialResponse,
    /// The best-effort expectation, where the contract has no target.
    BestEffortResponse,
}

/// Said when a case has no initial-response target (severity 4 outside a development
/// subscription).
pub fn no_response_target(lang: Lang) -> &'static str {
    match lang {
        Lang::En => "No response-time target applies to this case.",
        Lang::ZhCn => "此案件不适用响应时间目标。",
    }
}

/// The line offering the portal link.
pub fn open_in_portal(lang: Lang) -> &'static str {
    match lang {
        Lang::En => "Open the case in the portal",
        Lang::ZhCn => "在门户中查看案件",
    }
}

/// The line offering the desktop app link.
pub fn open_in_app(lang: Lang) -> &'static str {
    match lang {
        Lang::En => "Open it in the Casewatch desktop app",
        Lang::ZhCn => "在 Casewatch 桌面应用中打开",
    }
}

/// The footer of mails a customer may answer by mail.
pub fn reply_hint(lang: Lang) -> &'static str {
    match lang {
        Lang::En => "Reply to this mail to add a comment to the case. Please write above the quoted text; it is removed.",
        Lang::ZhCn => "直接回复此邮件即可在案件中添加评论。请在引用内容上方书写，引用内容会被自动移除。",
    }
}

/// First paragraph of the case confirmation.
pub fn case_created(case_number: i64, opener: &str, lang: Lang) -> String {
    match lang {
        Lang::En => format!("Case #{case_number} has been created by {opener}. Our engineers will answer here and in the portal."),
        Lang::ZhCn => format!("{opener} 已创建案件 #{case_number}。我们的工程师会通过邮件和门户进行答复。"),
    }
}

/// First line of an engineer's reply.
pub fn engineer_replied(case_number: i64, engineer: &str, lang: Lang) -> String {
    match lang {
        Lang::En => format!("{engineer} replied on case #{case_number}:"),
        Lang::ZhCn => format!("{engineer} 回复了案件 #{case_number}："),
    }
}

/// The case-solved mail.
pub fn case_solved(case_number: i64, lang: Lang) -> String {
    match lang {
        Lang::En => format!("Case #{case_number} has been marked as solved. If the problem is not solved for you, reply to this mail or comment in the portal: that reopens the case."),
        Lang::ZhCn => format!("案件 #{case_number} 已标记为已解决。如果问题仍未解决，请回复此邮件或在门户中评论，案件将重新打开。"),
    }
}

/// The callback-scheduled mail.
pub fn callback_scheduled(case_number: i64, start: &str, end: &str, lang: Lang) -> String {
    match lang {
        Lang::En => format!(
            "An engineer will call you about case #{case_number} between {start} and {end}."
        ),
        Lang::ZhCn => format!("工程师将于 {start} 至 {end} 之间就案件 #{case_number} 给您回电。"),
    }
}

/// Subject of an invitation.
pub fn invitation_subject(org: &str, lang: Lang) -> String {
    match lang {
        Lang::En => format!("You have been added as a support contact of {org}"),
        Lang::ZhCn => format!("您已被添加为 {org} 的技术支持联系人"),
    }
}

/// Body of an invitation.
pub fn invitation(org: &str, inviter: &str, lang: Lang) -> String {
    match lang {
        Lang::En => format!("{inviter} has registered you as a support contact of {org}. With it you can open support cases and follow them in the Casewatch portal, in the desktop app and by mail. To start, choose your password:"),
        Lang::ZhCn => format!("{inviter} 已将您注册为 {org} 的技术支持联系人。您可以在 Casewatch 门户、桌面应用或通过邮件提交并跟踪技术支持案件。请先设置您的密码："),
    }
}

/// The link label of invitations.
pub fn set_password(lang: Lang) -> &'static str {
    match lang {
        Lang::En => "Set your password",
        Lang::ZhCn => "设置密码",
    }
}

/// How long a single-use link works.
pub fn link_expires(expires: &str, lang: Lang) -> String {
    match lang {
        Lang::En => format!("The link works once and expires on {expires}."),
        Lang::ZhCn => format!("此链接只能使用一次，将于 {expires} 失效。"),
    }
}

/// Closing line of mails the reader may not have asked for.
pub fn not_expected(lang: Lang) -> &'static str {
    match lang {
        Lang::En => "If you did not expect this mail, you can ignore it.",
        Lang::ZhCn => "如果您并未预期收到此邮件，请忽略。",
    }
}

/// Subject of a password reset.
pub fn password_reset_subject(lang: Lang) -> &'static str {
    match lang {
        Lang::En => "Reset your Casewatch password",
        Lang::ZhCn => "重置您的 Casewatch 密码",
    }
}

/// Body of a password reset.
pub fn password_reset(lang: Lang) -> &'static str {
    match lang {
        Lang::En => "Someone, hopefully you, asked to reset the password of your Casewatch account. To choose a new password:",
        Lang::ZhCn => "有人（希望是您本人）请求重置您的 Casewatch 账户密码。请通过以下链接设置新密码：",
    }
}

/// The link label of password resets.
pub fn choose_new_password(lang: Lang) -> &'static str {
    match lang {
        Lang::En => "Choose a new password",
        Lang::ZhCn => "设置新密码",
    }
}

/// Closing line of a password reset.
pub fn reset_not_you(lang: Lang) -> &'static str {
    match lang {
        Lang::En => "If you did not ask for this, ignore this mail: your password stays as it is.",
        Lang::ZhCn => "如果这不是您本人的操作，请忽略此邮件，您的密码不会改变。",
    }
}

/// An engineer's new-case notice.
pub fn engineer_new_case(case_number: i64, org: &str, assigned_to_you: bool, lang: Lang) -> String {
    match (assigned_to_you, lang) {
        (true, Lang::En) => format!("Case #{case_number} from {org} has been assigned to you."),
        (false, Lang::En) => {
            format!("New case #{case_number} from {org} is not assigned yet; you are on duty.")
        }
        (true, Lang::ZhCn) => format!("来自 {org} 的案件 #{case_number} 已分配给您。"),
        (false, Lang::ZhCn) => format!("来自 {org} 的新案件 #{case_number} 尚未分配；您正在值班。"),
    }
}

/// Subject of a refusal.
pub fn refusal_subject(original: &str, lang: Lang) -> String {
    match lang {
        Lang::En => format!("Not accepted: {original}"),
        Lang::ZhCn => format!("未受理：{original}"),
    }
}

/// Why a mail was refused, as the sender reads it. `support` is the address for new cases.
pub fn refusal(
    reason: crate::compose::RefusalReason,
    case: Option<i64>,
    support: &str,
    lang: Lang,
) -> String {
    use crate::compose::RefusalReason as R;
    let case = case.map(|n| format!(" #{n}")).unwrap_or_default();
    match (reason, lang) {
        (R::UnknownCase, Lang::En) => format!("Your mail was not added to any case: the case{case} it answers does not exist. To open a new case, write to {support}."),
        (R::ClosedCase, Lang::En) => format!("Your mail was not added: case{case} is closed. To continue, open a new case by writing to {support}, or in the portal."),
        (R::OtherOrganisation, Lang::En) => format!("Your mail was not added: case{case} belongs to another organisation."),
        (R::BadToken, Lang::En) => "Your mail was not added: the address it was sent to is not valid (it may have been changed on the way). Please reply to the latest mail about the case, or comment in the portal.".to_string(),
        (R::NotAContact, Lang::En) => "Your mail was not accepted: your account is not a support contact of this organisation. Your organisation's key contact can register you.".to_string(),
        (R::UnknownCase, Lang::ZhCn) => format!("您的邮件未被添加到任何案件：所回复的案件{case}不存在。如需新建案件，请发送邮件至 {support}。"),
        (R::ClosedCase, Lang::ZhCn) => format!("您的邮件未被添加：案件{case}已关闭。如需继续，请发送邮件至 {support} 或在门户中新建案件。"),
        (R::OtherOrganisation, Lang::ZhCn) => format!("您的邮件未被添加：案件{case}属于其他组织。"),
        (R::BadToken, Lang::ZhCn) => "您的邮件未被添加：收件地址无效（可能在传递过程中被修改）。请回复该案件最新的邮件，或在门户中评论。".to_string(),
        (R::NotAContact, Lang::ZhCn) => "您的邮件未被受理：您的账户不是该组织的技术支持联系人。请联系贵组织的主要联系人为您注册。".to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn moments_read_naturally_in_both_languages() {
        let t = Utc.with_ymd_and_hms(2026, 12, 1, 13, 0, 0).unwrap();
        assert_eq!(
            when(t, chrono_tz::Europe::Berlin, Lang::En),
            "Tue 1 Dec 2026, 14:00 (Europe/Berlin)"
        );
        assert_eq!(
            when(t, chrono_tz::Asia::Shanghai, Lang::ZhCn),
            "2026年12月1日 周二 21:00（Asia/Shanghai）"
        );
    }

    #[test]
    fn severities_carry_number_and_name() {
        assert_eq!(severity(Severity::URGENT, Lang::En), "1 – Urgent");
        assert_eq!(severity(Severity::NORMAL, Lang::ZhCn), "3 – 普通");
    }
}
