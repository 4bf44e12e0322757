//! Sign-in, the embedded demo portal, sign-out and the session status.

use std::sync::Arc;

use casewatch_api::{Me, Role};
use casewatch_client::{ClientError, Profile};
use casewatch_server::ServerConfig;
use serde::Serialize;
use serde_json::{json, Value};
use tauri::{AppHandle, State};

use crate::background;
use crate::error::AppError;
use crate::state::{write_json, AppState, DemoServer, Engine};

/// What the UI needs to pick its first screen (`SessionStatus` of the contract).
#[derive(Debug, Clone, Serialize)]
pub struct SessionStatus {
    /// A session exists.
    pub signed_in: bool,
    /// Signed in to the embedded demo portal.
    pub demo: bool,
    /// The portal of the session, else of the last sign-in.
    pub portal_url: Option<String>,
    /// The portal could not be reached at the last attempt.
    pub offline: bool,
    /// The cached account.
    pub me: Option<Me>,
}

/// The status as it is now.
pub async fn status_of(state: &AppState) -> Result<SessionStatus, AppError> {
    Ok(match state.current().await {
        Some(engine) => SessionStatus {
            signed_in: true,
            demo: engine.demo,
            portal_url: Some(engine.session.profile.portal.clone()),
            offline: state.is_offline(),
            me: engine.me()?,
        },
        None => SessionStatus {
            signed_in: false,
            demo: false,
            portal_url: state.settings().portal_url,
            offline: false,
            me: None,
        },
    })
}

/// `session_status`: signed in or not, and as whom.
#[tauri::command(rename_all = "snake_case")]
pub async fn session_status(state: State<'_, AppState>) -> Result<SessionStatus, AppError> {
    status_of(&state).await
}

/// `login`: signs in to a portal; the refresh token goes to the OS keyring.
#[tauri::command(rename_all = "snake_case")]
pub async fn login(
    app: AppHandle,
    state: State<'_, AppState>,
    portal_url: String,
    email: String,
    password: String,
) -> Result<SessionStatus, AppError> {
    let profile = profile_for(&portal_url, &email)?;
    sign_in(&app, &state, profile, &password, false).await?;
    let mut settings = state.settings();
    settings.portal_url = Some(portal_url.trim().trim_end_matches('/').to_owned());
    state.store_settings(settings)?;
    status_of(&state).await
}

fn profile_for(portal_url: &str, email: &str) -> Result<Profile, AppError> {
    // The portal is checked on its own first so its error has its own code.
    Profile::new(portal_url, "check@portal.invalid")
        .map_err(|e| AppError::new("invalid_portal_url", e.to_string()))?;
    Ok(Profile::new(portal_url, email)?)
}

/// Replaces any session by a new one for `profile`, signed in with `password`.
async fn sign_in(
    app: &AppHandle,
    state: &AppState,
    profile: Profile,
    password: &str,
    demo: bool,
) -> Result<(), AppError> {
    let mut slot = state.engine_slot().await;
    if let Some(old) = slot.take() {
        end_session(state, &old).await;
    }
    let session = state.open_session(profile)?;
    if let Err(e) = session.login(password).await {
        return Err(match e {
            ClientError::Unauthorized(m) => AppError::new("invalid_credentials", m),
            ClientError::Offline(m) | ClientError::Timeout(m) => {
                AppError::new("portal_unreachable", m)
            }
            ClientError::Protocol(m) => AppError::new("portal_unreachable", m),
            other => other.into(),
        });
    }
    let me = session.cache.me()?;
    if me.as_ref().is_some_and(|m| m.user.role == Role::Engineer) {
        let _ = session.logout().await;
        return Err(AppError::new(
            "forbidden",
            "this is a vendor engineer account; Casewatch is for customer support contacts",
        ));
    }
    if demo {
        write_json(&state.demo_marker(), &session.profile)?;
    } else {
        let _ = std::fs::remove_file(state.demo_marker());
    }
    state.set_offline(false);
    let engine = Arc::new(Engine::new(session, demo));
    *slot = Some(engine.clone());
    drop(slot);
    background::after_sign_in(app, engine);
    Ok(())
}

/// Signs a session out (best effort on the server, always locally) and stops its demo server.
pub async fn end_session(state: &AppState, engine: &Engine) {
    if let Err(e) = engine.session.logout().await {
        tracing::warn!("sign-out: {e}");
    }
    if engine.demo {
        let _ = std::fs::remove_file(state.demo_marker());
        stop_demo(state).await;
    }
    state.set_offline(false);
    state.set_kb_status(|s| {
        *s = crate::state::KbSyncStatus {
            state: "idle",
            ..Default::default()
        }
    });
}

async fn stop_demo(state: &AppState) {
    if let Some(demo) = state.demo.lock().await.take() {
        if let Err(e) = demo.server.shutdown().await {
            tracing::warn!("demo portal shutdown: {e}");
        }
    }
}

/// The demo accounts: what each shows off (see crates/server/src/demo.rs).
fn demo_account_list() -> Value {
    json!([
        {
            "email": "admin@acme.example", "name": "Li Wei",
            "organisation": "Acme Retail (demo)", "key_contact": true,
            "deployment": "cloud", "subscription": "enterprise",
            "description": {
                "en": "Cloud enterprise (premium): an urgent case falls due a few minutes after the start, advisory support, phone callbacks, contacts management.",
                "zh-CN": "云端企业版（高级支持）：一个紧急案件在启动几分钟后到期；含顾问支持、电话回电和联系人管理。"
            }
        },
        {
            "email": "ops@acme.example", "name": "Zhang Min",
            "organisation": "Acme Retail (demo)", "key_contact": false,
            "deployment": "cloud", "subscription": "enterprise",
            "description": {
                "en": "A support contact who is not the key contact: same cases, no contacts management.",
                "zh-CN": "非主要联系人的支持联系人：案件相同，但不能管理联系人。"
            }
        },
        {
            "email": "admin@umbrella.example", "name": "Alice Barker",
            "organisation": "Umbrella Logistics (demo)", "key_contact": true,
            "deployment": "cloud", "subscription": "standard",
            "description": {
                "en": "Cloud standard (limited): best-effort response only, no phone callback.",
                "zh-CN": "云端标准版（有限支持）：仅尽力响应，不含电话回电。"
            }
        },
        {
            "email": "admin@globex.example", "name": "Hank Scorpio",
            "organisation": "Globex Manufacturing (demo)", "key_contact": true,
            "deployment": "self-managed", "subscription": "gold",
            "description": {
                "en": "Self-managed gold (legacy): targets in business hours of New York, break/fix support.",
                "zh-CN": "自管理黄金版（旧合同）：按纽约工作时间计算的响应目标，仅故障修复支持。"
            }
        },
        {
            "email": "admin@initech.example", "name": "Jonas Weber",
            "organisation": "Initech Labs (demo)", "key_contact": true,
            "deployment": "self-managed", "subscription": "development",
            "description": {
                "en": "Development subscription: severity 4 only, two business days.",
                "zh-CN": "开发版订阅：只能提交严重程度 4，两个工作日内响应。"
            }
        }
    ])
}

/// `demo_accounts`: the demo portal's accounts (starts nothing).
#[tauri::command(rename_all = "snake_case")]
pub fn demo_accounts() -> Value {
    json!({ "accounts": demo_account_list() })
}

/// `demo_start`: starts the embedded demo portal (once) and signs in as `email`.
#[tauri::command(rename_all = "snake_case")]
pub async fn demo_start(
    app: AppHandle,
    state: State<'_, AppState>,
    email: String,
) -> Result<SessionStatus, AppError> {
    let email = email.trim().to_lowercase();
    let known = demo_account_list()
        .as_array()
        .is_some_and(|list| list.iter().any(|a| a["email"] == email.as_str()));
    if !known {
        return Err(AppError::invalid(format!("{email} is not a demo account")));
    }
    // Sign out first: ending a demo session stops its portal, which must not happen to the
    // portal about to be reused.
    let mut slot = state.engine_slot().await;
    if let Some(old) = slot.take() {
        end_session(&state, &old).await;
    }
    drop(slot);
    let base_url = {
        let mut demo = state.demo.lock().await;
        if demo.is_none() {
            let mut config = ServerConfig::new(([127, 0, 0, 1], 0).into(), state.demo_data_dir());
            config.demo = true;
            let server = casewatch_server::serve(config)
                .await
                .map_err(|e| AppError::new("storage", format!("demo portal: {e}")))?;
            tracing::info!(url = %server.base_url(), "demo portal started");
            *demo = Some(DemoServer { server });
        }
        demo.as_ref()
            .map(|d| d.server.base_url())
            .unwrap_or_default()
    };
    let profile = Profile::new(&base_url, &email)?;
    sign_in(
        &app,
        &state,
        profile,
        casewatch_server::demo::DEMO_PASSWORD,
        true,
    )
    .await?;
    status_of(&state).await
}

/// `logout`: revokes the session, forgets the tokens, stops a demo portal.
#[tauri::command(rename_all = "snake_case")]
pub async fn logout(app: AppHandle, state: State<'_, AppState>) -> Result<(), AppError> {
    let mut slot = state.engine_slot().await;
    if let Some(engine) = slot.take() {
        end_session(&state, &engine).await;
    }
    drop(slot);
    background::after_sign_out(&app);
    Ok(())
}

/// Restores the session of the last sign-in at start-up. A demo session is signed out (its
/// portal ended with the previous run).
pub async fn restore(state: &AppState) -> Option<Arc<Engine>> {
    let profile = match state.dirs.current_profile() {
        Ok(Some(p)) => p,
        Ok(None) => return None,
        Err(e) => {
            tracing::warn!("cannot read the current profile: {e}");
            return None;
        }
    };
    let session = match state.open_session(profile.clone()) {
        Ok(s) => s,
        Err(e) => {
            tracing::warn!("cannot open the profile {}: {e}", profile.portal);
            return None;
        }
    };
    let demo_profile: Option<Profile> = std::fs::read(state.demo_marker())
        .ok()
        .and_then(|b| serde_json::from_slice(&b).ok());
    if demo_profile.is_some() {
        let _ = std::fs::remove_file(state.demo_marker());
        if demo_profile.as_ref() == Some(&profile) {
            let _ = session.logout().await;
            return None;
        }
    }
    match session.is_signed_in() {
        Ok(true) => Some(Arc::new(Engine::new(session, false))),
        Ok(false) => None,
        Err(e) => {
            tracing::warn!("keyring: {e}");
            None
        }
    }
}
