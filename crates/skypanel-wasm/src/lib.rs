//! The extension's door into SkyPanel's core.
//!
//! A thin layer: each export converts JavaScript values to Rust with serde-wasm-bindgen,
//! calls `skypanel-core`, and converts the answer back. HTTP goes through the global
//! `fetch` (the service worker has no `window`), wrapped as a core `Transport` in
//! [`fetch_transport`]. Errors reach JavaScript as `Error` objects whose message is the
//! core's human-readable text and whose `name` is the XRPC error name when there is one.

mod fetch_transport;

use serde::Serialize;
use skypanel_core::model::feed::FeedItemSummary;
use skypanel_core::xrpc::{Client, Session};
use wasm_bindgen::prelude::*;

use fetch_transport::FetchTransport;

/// The core's version, e.g. `0.1.0`.
#[wasm_bindgen]
pub fn version() -> String {
    skypanel_core::VERSION.to_owned()
}

/// Splits a list of row owners (handles) into runs of consecutive rows by the same account.
/// Takes `string[]`, returns `{account, start, len}[]`.
#[wasm_bindgen(js_name = accountRuns)]
pub fn account_runs(owners: JsValue) -> Result<JsValue, JsValue> {
    let owners: Vec<String> = serde_wasm_bindgen::from_value(owners)
        .map_err(|e| js_error("InvalidInput", &format!("accountRuns expects an array of handles: {e}")))?;
    to_js(&skypanel_core::grouping::account_runs(&owners))
}

/// Signs in with an app password. Returns the session `{did, handle, accessJwt, refreshJwt}`.
#[wasm_bindgen(js_name = createSession)]
pub async fn create_session(
    service: String,
    identifier: String,
    password: String,
) -> Result<JsValue, JsValue> {
    let mut client = Client::new(FetchTransport, &service).map_err(core_error)?;
    let session = client.create_session(&identifier, &password).await.map_err(core_error)?;
    to_js(&session)
}

#[derive(Serialize)]
struct TimelineAnswer {
    cursor: Option<String>,
    items: Vec<FeedItemSummary>,
}

/// One page of the home timeline for `session`. Returns `{cursor, items}` where each item is
/// the core's feed item summary.
#[wasm_bindgen(js_name = getTimeline)]
pub async fn get_timeline(
    service: String,
    session: JsValue,
    limit: u8,
    cursor: Option<String>,
) -> Result<JsValue, JsValue> {
    let session: Session = serde_wasm_bindgen::from_value(session)
        .map_err(|e| js_error("InvalidInput", &format!("not a session object: {e}")))?;
    let client = Client::new(FetchTransport, &service).map_err(core_error)?.with_session(session);
    let page = client.get_timeline(limit, cursor.as_deref()).await.map_err(core_error)?;
    to_js(&TimelineAnswer { cursor: page.cursor.clone(), items: page.summaries() })
}

fn to_js<T: Serialize>(value: &T) -> Result<JsValue, JsValue> {
    // Plain objects, not Maps, so the answer can cross chrome.runtime messaging unchanged.
    let serializer = serde_wasm_bindgen::Serializer::json_compatible();
    value.serialize(&serializer).map_err(|e| js_error("Internal", &e.to_string()))
}

fn core_error(err: skypanel_core::Error) -> JsValue {
    let name = match &err {
        skypanel_core::Error::Xrpc { error: Some(name), .. } => name.clone(),
        skypanel_core::Error::Xrpc { .. } => "XrpcError".to_owned(),
        skypanel_core::Error::Network { .. } => "NetworkError".to_owned(),
        skypanel_core::Error::Malformed { .. } => "MalformedResponse".to_owned(),
        skypanel_core::Error::NotSignedIn { .. } => "NotSignedIn".to_owned(),
        skypanel_core::Error::InvalidInput(_) => "InvalidInput".to_owned(),
    };
    js_error(&name, &err.to_string())
}

fn js_error(name: &str, message: &str) -> JsValue {
    let error = js_sys::Error::new(message);
    error.set_name(name);
    error.into()
}
