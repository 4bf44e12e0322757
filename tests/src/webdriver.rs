//! A minimal, blocking W3C WebDriver client.
//!
//! Only what the Casewatch tests use: sessions, CSS element lookup, text and attributes,
//! clear / send keys, script execution and screenshots. Each call is one HTTP request; errors
//! carry the remote end's `error` and `message` so a failing test says what the driver said.

use std::time::Duration;

use base64::Engine as _;
use serde_json::{json, Value};

use crate::{e2e_error, Result};

/// The key under which W3C WebDriver returns an element reference.
const ELEMENT_KEY: &str = "element-6066-11e4-a52e-4f735466cecf";

/// Connection to a WebDriver remote end (e.g. `tauri-driver`), without a session yet.
#[derive(Clone)]
pub struct Client {
    base: String,
    agent: ureq::Agent,
}

impl Client {
    /// A client for the remote end at `base` (e.g. `http://127.0.0.1:4444`).
    ///
    /// `timeout` bounds every single request, including session creation, which starts the app.
    pub fn new(base: impl Into<String>, timeout: Duration) -> Self {
        let agent = ureq::Agent::config_builder()
            .timeout_global(Some(timeout))
            // WebDriver reports failures as 4xx/5xx with a JSON body we want to read.
            .http_status_as_error(false)
            // Always talk to the loopback server directly, whatever proxy the environment sets.
            .proxy(None)
            .build()
            .into();
        Self {
            base: base.into().trim_end_matches('/').to_owned(),
            agent,
        }
    }

    /// True when the remote end answers `GET /status` with `ready: true`.
    pub fn is_ready(&self) -> bool {
        match self.request("GET", "/status", None) {
            Ok(value) => value.get("ready").and_then(Value::as_bool).unwrap_or(false),
            Err(_) => false,
        }
    }

    /// Opens a session with the given `capabilities` object (sent as `{"capabilities": …}`).
    pub fn new_session(&self, capabilities: Value) -> Result<Session> {
        let value = self.request(
            "POST",
            "/session",
            Some(json!({ "capabilities": capabilities })),
        )?;
        let id = value
            .get("sessionId")
            .and_then(Value::as_str)
            .ok_or_else(|| e2e_error!("new session: no sessionId in {value}"))?;
        Ok(Session {
            client: self.clone(),
            id: id.to_owned(),
        })
    }

    /// Sends one command and returns the `value` member of the answer.
    fn request(&self, method: &str, path: &str, body: Option<Value>) -> Result<Value> {
        let url = format!("{}{}", self.base, path);
        let mut response = match (method, body) {
            ("GET", _) => self.agent.get(&url).call()?,
            ("DELETE", _) => self.agent.delete(&url).call()?,
            ("POST", body) => self
                .agent
                .post(&url)
                .send_json(body.unwrap_or_else(|| json!({})))?,
            (other, _) => return Err(e2e_error!("unsupported HTTP method {other}")),
        };
        let status = response.status().as_u16();
        let bytes = response
            .body_mut()
            .with_config()
            .limit(64 * 1024 * 1024)
            .read_to_vec()?;
        let answer: Value = serde_json::from_slice(&bytes).map_err(|err| {
            e2e_error!(
                "{method} {path}: HTTP {status}, body is not JSON ({err}): {}",
                String::from_utf8_lossy(&bytes)
            )
        })?;
        let value = answer.get("value").cloned().unwrap_or(Value::Null);
        if status >= 400 {
            let error = value
                .get("error")
                .and_then(Value::as_str)
                .unwrap_or("unknown error");
            let message = value.get("message").and_then(Value::as_str).unwrap_or("");
            return Err(e2e_error!(
                "{method} {path}: HTTP {status} {error}: {message}"
            ));
        }
        Ok(value)
    }
}

/// An open WebDriver session. [`Session::delete`] ends it; the harness calls it on drop.
pub struct Session {
    client: Client,
    id: String,
}

/// A reference to an element of the current page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Element(String);

impl Session {
    /// The session id the remote end assigned.
    pub fn id(&self) -> &str {
        &self.id
    }

    fn call(&self, method: &str, path: &str, body: Option<Value>) -> Result<Value> {
        self.client
            .request(method, &format!("/session/{}{}", self.id, path), body)
    }

    /// The title of the current page.
    pub fn title(&self) -> Result<String> {
        let value = self.call("GET", "/title", None)?;
        Ok(value.as_str().unwrap_or_default().to_owned())
    }

    /// The first element matching the CSS `selector`.
    pub fn find(&self, selector: &str) -> Result<Element> {
        let value = self.call(
            "POST",
            "/element",
            Some(json!({ "using": "css selector", "value": selector })),
        )?;
        value
            .get(ELEMENT_KEY)
            .and_then(Value::as_str)
            .map(|id| Element(id.to_owned()))
            .ok_or_else(|| e2e_error!("find {selector}: unexpected answer {value}"))
    }

    /// The rendered text of `element`, as a person sees it.
    pub fn text(&self, element: &Element) -> Result<String> {
        let value = self.call("GET", &format!("/element/{}/text", element.0), None)?;
        Ok(value.as_str().unwrap_or_default().to_owned())
    }

    /// The value of attribute `name` of `element`, if present.
    pub fn attribute(&self, element: &Element, name: &str) -> Result<Option<String>> {
        let value = self.call(
            "GET",
            &format!("/element/{}/attribute/{name}", element.0),
            None,
        )?;
        Ok(value.as_str().map(str::to_owned))
    }

    /// Whether `element` is displayed.
    pub fn is_displayed(&self, element: &Element) -> Result<bool> {
        let value = self.call("GET", &format!("/element/{}/displayed", element.0), None)?;
        Ok(value.as_bool().unwrap_or(false))
    }

    /// Clicks `element` (scrolled into view first by the remote end).
    pub fn click(&self, element: &Element) -> Result<()> {
        self.call(
            "POST",
            &format!("/element/{}/click", element.0),
            Some(json!({})),
        )?;
        Ok(())
    }

    /// Clears an editable `element` (fires `change` as a person's edit would).
    pub fn clear(&self, element: &Element) -> Result<()> {
        self.call(
            "POST",
            &format!("/element/{}/clear", element.0),
            Some(json!({})),
        )?;
        Ok(())
    }

    /// Types `text` into `element`, key by key.
    pub fn send_keys(&self, element: &Element, text: &str) -> Result<()> {
        self.call(
            "POST",
            &format!("/element/{}/value", element.0),
            Some(json!({ "text": text })),
        )?;
        Ok(())
    }

    /// Runs `script` (a function body; `arguments` holds `args`) and returns its result.
    pub fn execute(&self, script: &str, args: Vec<Value>) -> Result<Value> {
        self.call(
            "POST",
            "/execute/sync",
            Some(json!({ "script": script, "args": args })),
        )
    }

    /// Runs the asynchronous `script`; it finishes by calling the callback passed as its last
    /// argument, whose argument becomes the result.
    pub fn execute_async(&self, script: &str, args: Vec<Value>) -> Result<Value> {
        self.call(
            "POST",
            "/execute/async",
            Some(json!({ "script": script, "args": args })),
        )
    }

    /// A PNG screenshot of the window's page.
    pub fn screenshot(&self) -> Result<Vec<u8>> {
        let value = self.call("GET", "/screenshot", None)?;
        let encoded = value
            .as_str()
            .ok_or_else(|| e2e_error!("screenshot: unexpected answer type"))?;
        base64::engine::general_purpose::STANDARD
            .decode(encoded)
            .map_err(|err| e2e_error!("screenshot: bad base64: {err}"))
    }

    /// Ends the session; the remote end closes the app.
    pub fn delete(&self) -> Result<()> {
        self.client
            .request("DELETE", &format!("/session/{}", self.id), None)?;
        Ok(())
    }
}
