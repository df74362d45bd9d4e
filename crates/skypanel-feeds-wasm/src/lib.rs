//! The extension's door into SkyPanel's on-the-fly feeds: [`check_feed`] reads a
//! `skypanel.feed` definition (no network), [`run_feed`] runs one page of a feed.
//!
//! Its own module, not part of the protocol module (`skypanel_wasm`): the engine and its
//! regular expressions (regex-lite) would take that module over its size budget, and only
//! the feeds need them. It shares the transport, the call context and the boundary's
//! conventions with it through `skypanel-web` (JSON text both ways; errors as JavaScript
//! `Error`s named after the core's error kind). Nothing is kept between calls.

use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;
use skypanel_core::feeds::answer;
use skypanel_core::feeds::definition::{self, Definition};
use skypanel_core::feeds::fetch::{self, Host};
use skypanel_core::feeds::limit::{PerHost, MAX_PER_HOST};
use skypanel_core::feeds::Problem;
use skypanel_core::Error;
use skypanel_web::{client_with, core_error, from_json, js_error, to_json, FETCH};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

/// `{definition: <object or JSON text>, cursor?, limit?}`.
#[derive(Deserialize)]
struct Request {
    definition: Box<RawValue>,
    #[serde(default)]
    cursor: Option<String>,
    #[serde(default)]
    limit: Option<usize>,
}

#[derive(Serialize)]
struct Checked<'a> {
    definition: &'a RawValue,
    problems: &'a [Problem],
}

/// A fatal problem (not a feed, a newer version) as an `InvalidInput` error.
fn refused(p: Problem) -> JsValue {
    let message = if p.path.is_empty() { p.message } else { format!("{} (at {})", p.message, p.path) };
    js_error("InvalidInput", &message)
}

fn read_definition(text: &str) -> Result<(Definition, Vec<Problem>), JsValue> {
    definition::parse(text).map_err(refused)
}

/// Reads a feed definition (JSON text) without running it: answers `{definition, problems}`
/// as JSON, where `definition` is the normalised definition (what saving it writes) and
/// `problems` `[{path, name, message}]`; throws an `InvalidInput` error for a file that is
/// not a feed definition or comes from a newer SkyPanel.
#[wasm_bindgen(js_name = checkFeed)]
pub fn check_feed(text: &str) -> Result<String, JsValue> {
    let (def, problems) = read_definition(text)?;
    let normalised =
        RawValue::from_string(def.to_json()).map_err(|e| js_error("Internal", &e.to_string()))?;
    to_json(&Checked { definition: &normalised, problems: &problems })
}

/// Runs one page of a feed. `ctx` as for the protocol module's `call` (`{service, session?,
/// policy?, autoRefresh?}`); `request` `{definition, cursor?, limit? (30)}`; `host` an object
/// with `savedPage(cursor, limit) → Promise<{posts: [postViewJsonText], cursor}>`,
/// `cacheGet(key) → Promise<string|null>`, `cachePut(key, value) → Promise` and
/// `progress(label, done, total)`. Answers `{posts: [{uri, id, time, sources, repostedBy,
/// item}], cursor, steps, errors, blocks, session}` as JSON.
#[wasm_bindgen(js_name = runFeed)]
pub async fn run_feed(ctx: String, request: String, host: JsValue) -> Result<String, JsValue> {
    let request: Request = from_json(&request, "expected {definition, cursor?, limit?}")?;
    let text = match serde_json::from_str::<String>(request.definition.get()) {
        Ok(inner) => inner,
        Err(_) => request.definition.get().to_owned(),
    };
    let (def, problems) = read_definition(&text)?;
    let client = client_with(&ctx, PerHost::new(&FETCH, MAX_PER_HOST))?;
    let host = JsHost(host);
    let now = js_sys::Date::now() as i64;
    let limit = request.limit.unwrap_or(30);
    let page = fetch::run(&client, &host, &def, problems, request.cursor.as_deref(), limit, now)
        .await
        .map_err(core_error)?;
    answer::to_json(&page, client.session().as_ref()).map_err(|e| js_error("Internal", &e.to_string()))
}

/// The page's host object, called through its methods.
struct JsHost(JsValue);

impl JsHost {
    fn method(&self, name: &str) -> Result<js_sys::Function, Error> {
        js_sys::Reflect::get(&self.0, &JsValue::from_str(name))
            .ok()
            .and_then(|f| f.dyn_into::<js_sys::Function>().ok())
            .ok_or_else(|| Error::InvalidInput(format!("the feed's host has no {name}() method")))
    }

    /// Calls `name` and awaits its answer (a promise or a plain value).
    async fn call(&self, name: &str, args: &[JsValue]) -> Result<JsValue, Error> {
        let f = self.method(name)?;
        let array: js_sys::Array = args.iter().collect();
        let value = f.apply(&self.0, &array).map_err(|e| host_error(name, &e))?;
        let promise = js_sys::Promise::resolve(&value);
        JsFuture::from(promise).await.map_err(|e| host_error(name, &e))
    }
}

fn host_error(name: &str, e: &JsValue) -> Error {
    let detail = e
        .dyn_ref::<js_sys::Error>()
        .map(|e| String::from(e.message()))
        .or_else(|| e.as_string())
        .unwrap_or_else(|| "failed".into());
    Error::InvalidInput(format!("{name}: {detail}"))
}

impl Host for JsHost {
    async fn saved_page(
        &self,
        cursor: Option<String>,
        limit: usize,
    ) -> Result<(Vec<String>, Option<String>), Error> {
        let cursor = cursor.map_or(JsValue::NULL, |c| JsValue::from_str(&c));
        let answer = self.call("savedPage", &[cursor, JsValue::from_f64(limit as f64)]).await?;
        let get =
            |key: &str| js_sys::Reflect::get(&answer, &JsValue::from_str(key)).unwrap_or(JsValue::UNDEFINED);
        let posts = get("posts");
        let posts: Vec<String> = if js_sys::Array::is_array(&posts) {
            js_sys::Array::from(&posts).iter().filter_map(|p| p.as_string()).collect()
        } else {
            Vec::new()
        };
        Ok((posts, get("cursor").as_string().filter(|c| !c.is_empty())))
    }

    async fn cache_get(&self, key: &str) -> Option<String> {
        self.call("cacheGet", &[JsValue::from_str(key)]).await.ok()?.as_string()
    }

    async fn cache_put(&self, key: &str, value: &str) {
        // Best effort: a cache that cannot write only costs time next run.
        let _ = self.call("cachePut", &[JsValue::from_str(key), JsValue::from_str(value)]).await;
    }

    fn progress(&self, label: &str, done: usize, total: usize) {
        if let Ok(f) = self.method("progress") {
            let _ = f.call3(
                &self.0,
                &JsValue::from_str(label),
                &JsValue::from_f64(done as f64),
                &JsValue::from_f64(total as f64),
            );
        }
    }
}
