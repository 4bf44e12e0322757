//! The set-password page the invitation and reset mails link to (`/account/password`): the
//! one screen of the support centre meant for a browser, since a link in a mail opens one.
//!
//! A plain HTML form with no script and no outside resources. The token travels in the link,
//! so the page sends `Referrer-Policy: no-referrer` and `Cache-Control: no-store`, and a
//! Content-Security-Policy that allows nothing but its own inline style and posting to
//! itself. It speaks the language of the account the token is for (or the browser's, when
//! the link is dead). The JSON twin for programs is `POST /api/v1/auth/set-password`.

use crate::error::ApiError;
use crate::service::passwords::{self, PAGE_PATH};
use crate::state::AppState;
use axum::extract::{Query, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Form;
use casewatch_mail::escape_html;
use serde::Deserialize;

/// `?token=…` of the link.
#[derive(Debug, Deserialize)]
pub struct TokenQuery {
    #[serde(default)]
    token: String,
}

/// The form's fields.
#[derive(Debug, Deserialize)]
pub struct PasswordForm {
    #[serde(default)]
    token: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    repeat: String,
}

#[derive(Clone, Copy, PartialEq)]
enum Lang {
    En,
    Zh,
}

struct Texts {
    title: &'static str,
    intro: &'static str,
    password: &'static str,
    repeat: &'static str,
    submit: &'static str,
    mismatch: &'static str,
    done_title: &'static str,
    done: &'static str,
    dead_title: &'static str,
    dead: &'static str,
}

const EN: Texts = Texts {
    title: "Choose your Casewatch password",
    intro: "For the account",
    password: "New password (at least 12 characters)",
    repeat: "The same again",
    submit: "Set password",
    mismatch: "The two passwords differ.",
    done_title: "Your password is set",
    done: "Sign in to Casewatch with your e-mail address and this password.",
    dead_title: "This link does not work any more",
    dead: "It was used already, it expired, or it is not a Casewatch link. Ask for a new one: \
           \u{201c}Forgot password?\u{201d} on the Casewatch sign-in screen, or your \
           organisation's key contact.",
};

const ZH: Texts = Texts {
    title: "设置 Casewatch 密码",
    intro: "账户",
    password: "新密码（至少 12 个字符）",
    repeat: "再次输入",
    submit: "设置密码",
    mismatch: "两次输入的密码不一致。",
    done_title: "密码已设置",
    done: "请使用您的电子邮件地址和此密码登录 Casewatch。",
    dead_title: "此链接已失效",
    dead: "链接已被使用、已过期，或不是 Casewatch 的链接。请在 Casewatch 登录界面点击“忘记密码？”\
           重新获取，或联系贵组织的主要联系人。",
};

fn texts(lang: Lang) -> &'static Texts {
    match lang {
        Lang::En => &EN,
        Lang::Zh => &ZH,
    }
}

fn lang_of_locale(locale: &str) -> Lang {
    if locale == "zh-CN" {
        Lang::Zh
    } else {
        Lang::En
    }
}

/// The browser's first choice between the two languages (for a dead link: no account).
fn lang_of_browser(headers: &HeaderMap) -> Lang {
    let accept = headers
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    if accept.trim_start().to_ascii_lowercase().starts_with("zh") {
        Lang::Zh
    } else {
        Lang::En
    }
}

fn page(status: StatusCode, lang: Lang, title: &str, body: &str) -> Response {
    let html_lang = if lang == Lang::Zh { "zh-CN" } else { "en" };
    let html = format!(
        "<!doctype html>\n<html lang=\"{html_lang}\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>{title}</title><style>\
         body{{font-family:system-ui,sans-serif;max-width:28rem;margin:3rem auto;padding:0 1rem;\
         color:#1d2733}}label{{display:block;margin:1rem 0 .25rem}}\
         input{{width:100%;padding:.5rem;font-size:1rem;box-sizing:border-box}}\
         button{{margin-top:1.25rem;padding:.6rem 1.2rem;font-size:1rem}}\
         .error{{color:#a4262c}}</style></head>\
         <body><h1>{title}</h1>{body}</body></html>\n",
        title = escape_html(title),
    );
    let mut response = (status, html).into_response();
    let headers = response.headers_mut();
    let fixed = [
        (header::CONTENT_TYPE, "text/html; charset=utf-8"),
        (header::CACHE_CONTROL, "no-store"),
        (header::REFERRER_POLICY, "no-referrer"),
        (
            header::CONTENT_SECURITY_POLICY,
            "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; \
             frame-ancestors 'none'",
        ),
    ];
    for (name, value) in fixed {
        headers.insert(name, header::HeaderValue::from_static(value));
    }
    response
}

fn dead(lang: Lang) -> Response {
    let t = texts(lang);
    page(
        StatusCode::GONE,
        lang,
        t.dead_title,
        &format!("<p>{}</p>", escape_html(t.dead)),
    )
}

fn form(lang: Lang, email: &str, token: &str, error: Option<&str>) -> Response {
    let t = texts(lang);
    let error = error
        .map(|e| format!("<p class=\"error\" role=\"alert\">{}</p>", escape_html(e)))
        .unwrap_or_default();
    let body = format!(
        "<p>{intro} <strong>{email}</strong></p>{error}\
         <form method=\"post\" action=\"{PAGE_PATH}\">\
         <input type=\"hidden\" name=\"token\" value=\"{token}\">\
         <label for=\"password\">{password}</label>\
         <input id=\"password\" name=\"password\" type=\"password\" minlength=\"12\" required \
          autocomplete=\"new-password\">\
         <label for=\"repeat\">{repeat}</label>\
         <input id=\"repeat\" name=\"repeat\" type=\"password\" minlength=\"12\" required \
          autocomplete=\"new-password\">\
         <button type=\"submit\">{submit}</button></form>",
        intro = escape_html(t.intro),
        email = escape_html(email),
        token = escape_html(token),
        password = escape_html(t.password),
        repeat = escape_html(t.repeat),
        submit = escape_html(t.submit),
    );
    let status = if error.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::BAD_REQUEST
    };
    page(status, lang, t.title, &body)
}

fn failed(lang: Lang, e: &ApiError) -> Response {
    // A store outage or another fault: the page says so in words, the log has the cause.
    tracing::warn!(error = %e.detail, "set-password page");
    let detail = if lang == Lang::Zh {
        "暂时无法设置密码，请稍后再试。"
    } else {
        "The password cannot be set right now. Please try again in a few minutes."
    };
    page(
        StatusCode::SERVICE_UNAVAILABLE,
        lang,
        texts(lang).title,
        &format!("<p class=\"error\">{}</p>", escape_html(detail)),
    )
}

/// `GET /account/password?token=…`: the form, or why the link is dead.
pub async fn show(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(q): Query<TokenQuery>,
) -> Response {
    let browser = lang_of_browser(&headers);
    match passwords::token_account(&state, q.token.trim()).await {
        Ok(account) => form(
            lang_of_locale(&account.locale),
            &account.email,
            q.token.trim(),
            None,
        ),
        Err(e) if e.code == "token_invalid" => dead(browser),
        Err(e) => failed(browser, &e),
    }
}

/// `POST /account/password`: sets the password, or shows the form again with the reason.
pub async fn submit(
    State(state): State<AppState>,
    headers: HeaderMap,
    Form(f): Form<PasswordForm>,
) -> Response {
    let browser = lang_of_browser(&headers);
    let token = f.token.trim();
    let account = match passwords::token_account(&state, token).await {
        Ok(a) => a,
        Err(e) if e.code == "token_invalid" => return dead(browser),
        Err(e) => return failed(browser, &e),
    };
    let lang = lang_of_locale(&account.locale);
    if f.password != f.repeat {
        return form(lang, &account.email, token, Some(texts(lang).mismatch));
    }
    match passwords::set_password(&state, token, &f.password).await {
        Ok(_) => {
            let t = texts(lang);
            page(
                StatusCode::OK,
                lang,
                t.done_title,
                &format!(
                    "<p>{}</p><p><strong>{}</strong></p>",
                    escape_html(t.done),
                    escape_html(&account.email)
                ),
            )
        }
        Err(e) if e.code == "token_invalid" => dead(lang),
        Err(e) if e.code == "invalid_argument" => {
            let short = f.password.chars().count() < crate::service::accounts::MIN_PASSWORD_CHARS;
            let reason = if lang == Lang::Zh && short {
                "密码至少需要 12 个字符。".to_string()
            } else {
                e.detail.to_string()
            };
            form(lang, &account.email, token, Some(&reason))
        }
        Err(e) => failed(lang, &e),
    }
}
