//! The extension's door into SkyPanel's saved-post library (`skypanel_core::library`):
//! entries made from posts, tag and note edits, media states, the search index, export,
//! import and merge.
//!
//! A separate wasm module from `skypanel-wasm` (the protocol core and client): the library
//! does no networking (the worker fetches posts through `skypanel-wasm` and files with
//! `fetch`), so its module holds none of the client, and the protocol module none of the
//! library — each is loaded only where it is used, and measured on its own.
//!
//! Entries cross to JavaScript as JSON *text* inside the JSON answers (`"entry": "{…}"`), so
//! the post JSON they hold stays byte for byte what the server sent: JavaScript stores the
//! text and hands it back, and never re-serialises it. The search index lives in the wasm
//! instance while the worker does; the worker rebuilds it from IndexedDB after a restart
//! ([`library_index_load`]). Errors reach JavaScript as `Error`s named by the core's error
//! kind.

use std::cell::RefCell;

use serde::{Deserialize, Serialize};
use serde_json::Value;
use skypanel_core::library::{
    self, merge, Availability, IndexEntry, MediaRef, MediaState, Query, SavedPost, SearchIndex,
};
use wasm_bindgen::prelude::*;

thread_local! {
    static INDEX: RefCell<SearchIndex> = RefCell::new(SearchIndex::new());
}

/// One library entry as JavaScript stores it.
#[derive(Serialize)]
struct Item<'a> {
    uri: &'a str,
    /// The `skypanel.saved` entry, as JSON text.
    entry: String,
    /// Its search record.
    index: IndexEntry,
    /// Its media files (also inside `entry`), for queueing downloads.
    media: &'a [MediaRef],
    #[serde(skip_serializing_if = "Option::is_none")]
    outcome: Option<&'static str>,
}

fn item<'a>(post: &'a SavedPost, outcome: Option<&'static str>) -> Item<'a> {
    Item {
        uri: &post.uri,
        entry: post.to_json(),
        index: IndexEntry::from_saved(post),
        media: &post.media,
        outcome,
    }
}

fn entry(text: &str) -> Result<SavedPost, JsValue> {
    SavedPost::from_entry_json(text).map_err(core_error)
}

/// Makes a library entry of a post view (its JSON text, exactly as the server sent it),
/// saved at `saved_at` (ms since the epoch). Answers `{uri, entry, index, media}`.
#[wasm_bindgen(js_name = libraryEntry)]
pub fn library_entry(post: &str, saved_at: f64) -> Result<String, JsValue> {
    let post = SavedPost::from_post_json(post, saved_at as i64).map_err(core_error)?;
    to_json(&item(&post, None))
}

/// Reads an entry's text (checking it) and answers `{uri, entry, index, media}`.
#[wasm_bindgen(js_name = libraryItem)]
pub fn library_item(entry_text: &str) -> Result<String, JsValue> {
    to_json(&item(&entry(entry_text)?, None))
}

/// Sets the state of one media file (`{state: "pending"} | {state: "done", size} |
/// {state: "failed", error, attempts}` as JSON) in an entry; answers the entry's new text.
#[wasm_bindgen(js_name = libraryMediaState)]
pub fn library_media_state(entry_text: &str, file: &str, state: &str) -> Result<String, JsValue> {
    let mut post = entry(entry_text)?;
    let state: Value = from_json(state, "expected {state, size?, error?, attempts?}")?;
    let state = MediaState::from_value(&state)
        .map_err(|e| js_error("InvalidInput", &format!("the media state {e}")))?;
    post.set_media_state(file, state).map_err(core_error)?;
    Ok(post.to_json())
}

/// Records a re-check of a saved post on Bluesky: `state` is `live`, `deleted`, `blocked`
/// or `unknown`, checked at `at` (ms since the epoch). Answers the entry's new text.
#[wasm_bindgen(js_name = libraryMarkChecked)]
pub fn library_mark_checked(entry_text: &str, state: &str, at: f64) -> Result<String, JsValue> {
    let mut post = entry(entry_text)?;
    let state = Availability::from_name(state).ok_or_else(|| {
        js_error("InvalidInput", &format!("unknown state {state}: use live, deleted, blocked or unknown"))
    })?;
    post.mark_checked(state, at as i64);
    Ok(post.to_json())
}

/// What [`library_edit`] may change; a field left out stays as it is.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Changes {
    tags: Option<Vec<String>>,
    note: Option<String>,
}

/// Edits what the user added to a saved post: `changes` is `{tags?: [string], note?:
/// string}` as JSON. Tags replace the old ones and are normalised (trimmed, no leading `#`,
/// each once whatever its case, the first spelling kept); the note is trimmed. Answers
/// `{uri, entry, index, media}`; the post's copy is untouched.
#[wasm_bindgen(js_name = libraryEdit)]
pub fn library_edit(entry_text: &str, changes: &str) -> Result<String, JsValue> {
    let mut post = entry(entry_text)?;
    let changes: Changes = from_json(changes, "expected {tags?: [string], note?: string}")?;
    if let Some(tags) = changes.tags {
        post.set_tags(tags);
    }
    if let Some(note) = changes.note {
        post.note = note.trim().to_owned();
    }
    to_json(&item(&post, None))
}

/// Every tag in use (as search compares them: lowercase) with how many posts carry it, most
/// used first: `[{tag, count}]`, for the library page's tag filter.
#[wasm_bindgen(js_name = libraryTags)]
pub fn library_tags() -> Result<String, JsValue> {
    #[derive(Serialize)]
    struct TagCount {
        tag: String,
        count: usize,
    }
    let counts = INDEX.with(|i| i.borrow().tag_counts());
    to_json(&counts.into_iter().map(|(tag, count)| TagCount { tag, count }).collect::<Vec<_>>())
}

/// Replaces the search index with these records (`[IndexEntry]` as JSON).
#[wasm_bindgen(js_name = libraryIndexLoad)]
pub fn library_index_load(records: &str) -> Result<(), JsValue> {
    let records: Vec<IndexEntry> = from_json(records, "expected an array of index records")?;
    INDEX.with(|i| *i.borrow_mut() = SearchIndex::from_entries(records));
    Ok(())
}

/// Adds or replaces one record (`IndexEntry` as JSON).
#[wasm_bindgen(js_name = libraryIndexUpsert)]
pub fn library_index_upsert(record: &str) -> Result<(), JsValue> {
    let record: IndexEntry = from_json(record, "expected an index record")?;
    INDEX.with(|i| i.borrow_mut().upsert_entry(record));
    Ok(())
}

/// Removes a post from the index; answers whether it was there.
#[wasm_bindgen(js_name = libraryIndexRemove)]
pub fn library_index_remove(uri: &str) -> bool {
    INDEX.with(|i| i.borrow_mut().remove(uri))
}

/// How many posts the index holds.
#[wasm_bindgen(js_name = libraryIndexSize)]
pub fn library_index_size() -> u32 {
    INDEX.with(|i| i.borrow().len() as u32)
}

/// Searches the index (`Query` as JSON); answers `{total, uris}`.
#[wasm_bindgen(js_name = librarySearch)]
pub fn library_search(query: &str) -> Result<String, JsValue> {
    let query: Query = from_json(query, "expected a library query")?;
    INDEX.with(|i| to_json(&i.borrow().search(&query)))
}

/// Writes entries (a JSON array of entry texts) as a `skypanel.saved` file.
#[wasm_bindgen(js_name = libraryExport)]
pub fn library_export(entries: &str, exported_at: f64) -> Result<String, JsValue> {
    let texts: Vec<String> = from_json(entries, "expected an array of entries")?;
    let posts = texts.iter().map(|t| entry(t)).collect::<Result<Vec<_>, _>>()?;
    Ok(library::export::to_json(&posts, exported_at as i64))
}

/// The same entries as Markdown (a reading list) or CSV (one row per link): `kind` is
/// `markdown` or `csv`.
#[wasm_bindgen(js_name = libraryExportAs)]
pub fn library_export_as(entries: &str, kind: &str) -> Result<String, JsValue> {
    let texts: Vec<String> = from_json(entries, "expected an array of entries")?;
    let posts = texts.iter().map(|t| entry(t)).collect::<Result<Vec<_>, _>>()?;
    match kind {
        "markdown" => Ok(library::to_markdown(&posts)),
        "csv" => Ok(library::to_csv(&posts)),
        other => Err(js_error("InvalidInput", &format!("unknown export kind {other}: use markdown or csv"))),
    }
}

/// Reads a `skypanel.saved` file strictly (a damaged or foreign file is an error naming the
/// problem); answers `{posts: [{uri, entry, index, media}]}`.
#[wasm_bindgen(js_name = libraryReadExport)]
pub fn library_read_export(text: &str) -> Result<String, JsValue> {
    let export = library::read_export(text).map_err(core_error)?;
    #[derive(Serialize)]
    struct Answer<'a> {
        posts: Vec<Item<'a>>,
    }
    to_json(&Answer { posts: export.posts.iter().map(|p| item(p, None)).collect() })
}

/// Merges an incoming copy of a post into the library's (both entry texts); answers
/// `{uri, entry, index, media, outcome}` with outcome `merged` or `skipped` (nothing new).
#[wasm_bindgen(js_name = libraryMerge)]
pub fn library_merge(existing: &str, incoming: &str) -> Result<String, JsValue> {
    let (existing, incoming) = (entry(existing)?, entry(incoming)?);
    if existing.uri != incoming.uri {
        return Err(js_error("InvalidInput", "only two copies of the same post can be merged"));
    }
    let merged = merge(&existing, &incoming);
    let outcome = if merged == existing { "skipped" } else { "merged" };
    to_json(&item(&merged, Some(outcome)))
}

fn from_json<T: serde::de::DeserializeOwned>(json: &str, what: &str) -> Result<T, JsValue> {
    serde_json::from_str(json).map_err(|e| js_error("InvalidInput", &format!("{what}: {e}")))
}

fn to_json<T: Serialize + ?Sized>(value: &T) -> Result<String, JsValue> {
    serde_json::to_string(value).map_err(|e| js_error("Internal", &e.to_string()))
}

fn core_error(err: skypanel_core::Error) -> JsValue {
    js_error(err.kind().name(), &err.to_string())
}

fn js_error(name: &str, message: &str) -> JsValue {
    let error = js_sys::Error::new(message);
    error.set_name(name);
    error.into()
}
