//! What SkyPanel's wasm modules share in the browser: the core's [`Transport`] over the
//! global `fetch` ([`FetchTransport`]), the call context every networked export takes
//! (`{service, session?, policy?, autoRefresh?}` → a [`Client`]), and the JSON and error
//! conventions of the boundary (JSON text both ways; errors as JavaScript `Error`s whose
//! `name` is the core's error kind).
//!
//! A plain library with no `#[wasm_bindgen]` exports of its own: a wasm module that depends
//! on it carries only the exports it declares itself (exports of a dependency would be
//! linked into every module that depends on it).

pub mod fetch_transport;

use serde::{Deserialize, Serialize};
use skypanel_core::xrpc::{Client, RetryPolicy, Session, Transport};
use wasm_bindgen::JsValue;

pub use fetch_transport::FetchTransport;

/// The one transport. Everything uses it by reference, so the generic client is compiled
/// once for `&FetchTransport` rather than once per way of holding it (smaller wasm).
pub static FETCH: FetchTransport = FetchTransport;

/// Where a call goes and as whom: `{service, session?, policy?, autoRefresh?}`. Without a
/// session, reads go signed out; `policy` overrides retries and timeouts (`{maxRetries,
/// baseDelayMs, maxWaitMs, timeoutMs}`, each optional).
#[derive(Deserialize)]
pub struct Context {
    /// The service URL (the account's PDS, or an AppView signed out).
    pub service: String,
    /// The account's session, if signed in.
    #[serde(default)]
    pub session: Option<Session>,
    /// Retry and timeout settings.
    #[serde(default)]
    pub policy: Option<RetryPolicy>,
    /// `false`: an expired token fails the call with `ExpiredToken` instead of being
    /// refreshed inside it, so that the caller can refresh once for all its calls in flight.
    #[serde(default = "yes", rename = "autoRefresh")]
    pub auto_refresh: bool,
}

fn yes() -> bool {
    true
}

/// A client over `transport` for the context `ctx` (JSON text).
pub fn client_with<T: Transport>(ctx: &str, transport: T) -> Result<Client<T>, JsValue> {
    let ctx: Context = from_json(ctx, "expected {service, session?}")?;
    let mut client =
        Client::new(transport, &ctx.service).map_err(core_error)?.with_auto_refresh(ctx.auto_refresh);
    if let Some(policy) = ctx.policy {
        client = client.with_policy(policy);
    }
    Ok(match ctx.session {
        Some(s) => client.with_session(s),
        None => client,
    })
}

/// Reads JSON text; an `InvalidInput` error saying `what` was expected otherwise.
pub fn from_json<T: serde::de::DeserializeOwned>(json: &str, what: &str) -> Result<T, JsValue> {
    serde_json::from_str(json).map_err(|e| js_error("InvalidInput", &format!("{what}: {e}")))
}

/// Writes JSON text.
pub fn to_json<T: Serialize + ?Sized>(value: &T) -> Result<String, JsValue> {
    serde_json::to_string(value).map_err(|e| js_error("Internal", &e.to_string()))
}

/// The core's error as a JavaScript `Error` named after its kind.
pub fn core_error(err: skypanel_core::Error) -> JsValue {
    js_error(err.kind().name(), &err.to_string())
}

/// A JavaScript `Error` with this `name` and `message`.
pub fn js_error(name: &str, message: &str) -> JsValue {
    let error = js_sys::Error::new(message);
    error.set_name(name);
    error.into()
}
