//! The extension's door into SkyPanel's core.
//!
//! A thin layer: each export takes JSON text, calls `skypanel-core`, and answers JSON text
//! (`extension/background/core.js` does the `JSON.stringify`/`JSON.parse` on the other
//! side). JSON text rather than serde-wasm-bindgen object conversion: measured 18 KB less
//! wasm, and the answers cross `chrome.runtime` messaging as plain JSON anyway. HTTP goes
//! through the global `fetch` (the service worker has no `window`), wrapped as a core
//! `Transport` in `skypanel_web::fetch_transport`. Nothing is kept between calls — the worker may be
//! stopped at any time — so calls take the account's service and session and hand back the
//! session, which the core may have refreshed. Errors reach JavaScript as `Error` objects
//! whose `name` is the core's error kind (`AuthenticationRequired`, `NetworkError`, …) and
//! whose message says what to do.

mod ops;

use serde::Serialize;
use serde_json::Value;
use skypanel_core::identity::{self, ServiceConfig};
use skypanel_core::model::TimelinePage;
use skypanel_core::xrpc::{Client, Session};
use skypanel_web::{FetchTransport, FETCH};
use wasm_bindgen::prelude::*;

// The transport, the call context and the boundary's JSON and error conventions are shared
// with the feeds module (crates/skypanel-web).
pub(crate) use skypanel_web::{core_error, from_json, js_error, to_json};

/// The core's version, e.g. `0.1.0`.
#[wasm_bindgen]
pub fn version() -> String {
    skypanel_core::VERSION.to_owned()
}

/// Splits row owners (`string[]` as JSON) into runs of consecutive rows by the same
/// account: `[{account, start, len}]` as JSON.
#[wasm_bindgen(js_name = accountRuns)]
pub fn account_runs(owners: &str) -> Result<String, JsValue> {
    let owners: Vec<String> = from_json(owners, "accountRuns expects an array of handles")?;
    to_json(&skypanel_core::grouping::account_runs(&owners))
}

/// Plans the collapsed view: `units` is `[{owner, repost}]` and `options` is
/// `{mode: "runs"|"bundle", threshold}`, both as JSON; answers `[{account, units, posts,
/// reposts}]`.
#[wasm_bindgen(js_name = collapsePlan)]
pub fn collapse_plan(units: &str, options: &str) -> Result<String, JsValue> {
    use skypanel_core::grouping::{plan, PlanOptions, Unit};
    let units: Vec<Unit> = from_json(units, "expected [{owner, repost}]")?;
    let options: PlanOptions = from_json(options, "expected {mode, threshold}")?;
    to_json(&plan(&units, options))
}

/// Signs in. `config` is `{plcUrl, appviewUrl, entrywayUrl}` as JSON (defaults for missing
/// fields); `service`, when given, is the PDS to sign in at directly. Answers
/// `{service, session}`.
#[wasm_bindgen(js_name = signIn)]
pub async fn sign_in(
    config: String,
    identifier: String,
    password: String,
    service: Option<String>,
) -> Result<String, JsValue> {
    let config: ServiceConfig = from_json(&config, "expected {plcUrl, appviewUrl, entrywayUrl}")?;
    let signed_in = identity::sign_in(&FETCH, &config, &identifier, &password, service.as_deref())
        .await
        .map_err(core_error)?;
    to_json(&signed_in)
}

#[derive(Serialize)]
struct Answer {
    value: Value,
    /// The session after the call: different from the one passed in when it was refreshed.
    session: Option<Session>,
}

pub(crate) fn client(ctx: &str) -> Result<Client<&'static FetchTransport>, JsValue> {
    skypanel_web::client_with(ctx, &FETCH)
}

/// Runs one API operation (see `ops.rs` for the list): `ctx` and `op` as JSON; answers
/// `{value, session}`.
#[wasm_bindgen]
pub async fn call(ctx: String, op: String) -> Result<String, JsValue> {
    let client = client(&ctx)?;
    let op = ops::Op::from_json(&op)
        .map_err(|e| js_error("InvalidInput", &format!("not a known operation: {e}")))?;
    let value = ops::run(&client, op).await.map_err(core_error)?;
    to_json(&Answer { value, session: client.session() })
}

/// Refreshes the session in `ctx` (`com.atproto.server.refreshSession`) and answers the new
/// one as JSON. The caller must store it: the old refresh token is spent.
#[wasm_bindgen(js_name = refreshSession)]
pub async fn refresh_session(ctx: String) -> Result<String, JsValue> {
    let session = client(&ctx)?.refresh_session().await.map_err(core_error)?;
    to_json(&session)
}

/// The PDS of an account (DID or handle), through its DID document; `config` as for
/// `signIn`. The library's media backup fetches original blobs there.
#[wasm_bindgen(js_name = findPds)]
pub async fn find_pds(config: String, identifier: String) -> Result<String, JsValue> {
    let config: ServiceConfig = from_json(&config, "expected {plcUrl, appviewUrl, entrywayUrl}")?;
    identity::find_pds(&FETCH, &config, &identifier).await.map_err(core_error)
}

/// Ends the session on its server (best effort: the caller forgets it either way).
#[wasm_bindgen(js_name = signOut)]
pub async fn sign_out(ctx: String) -> Result<(), JsValue> {
    client(&ctx)?.delete_session().await.map_err(core_error)
}

/// Parses a feed page (`{cursor, feed}`) and returns how many items it holds: the parse +
/// model cost the benchmark measures.
#[wasm_bindgen(js_name = parseFeedPage)]
pub fn parse_feed_page(json: &str) -> Result<u32, JsValue> {
    let page = TimelinePage::from_json(json).map_err(|e| js_error("MalformedResponse", &e))?;
    Ok(page.feed.len() as u32)
}

/// Checks and normalises a service URL (`https://host[:port]`, no path, no trailing slash),
/// as the core does for every service it calls: the options page's settings are checked by
/// the same rule.
#[wasm_bindgen(js_name = normalizeService)]
pub fn normalize_service(service: &str) -> Result<String, JsValue> {
    skypanel_core::xrpc::normalize_service(service).map_err(core_error)
}

/// Whether SkyPanel makes `uri` a clickable link (http and https only).
#[wasm_bindgen(js_name = isSafeLink)]
pub fn is_safe_link(uri: &str) -> bool {
    skypanel_core::richtext::is_safe_link(uri)
}

/// Cuts post text into segments by its facets (JSON array, or empty): answers
/// `[{text, kind, uri?|did?|tag?}]` as JSON.
#[wasm_bindgen(js_name = richText)]
pub fn rich_text(text: &str, facets: &str) -> Result<String, JsValue> {
    let facets: Vec<skypanel_core::model::Facet> =
        if facets.trim().is_empty() { Vec::new() } else { from_json(facets, "facets must be an array")? };
    to_json(&skypanel_core::richtext::segments(text, &facets))
}
