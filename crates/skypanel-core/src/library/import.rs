//! Reading a `skypanel.saved` file (see [`super::export`] for the format), strictly: a
//! damaged or foreign file is an error that says what is wrong, and nothing else.

use std::collections::BTreeMap;

use serde_json::value::RawValue;
use serde_json::Value;

use super::entry::{check_post, Availability, PostStatus, SavedPost};
use super::export::{FORMAT, VERSION};
use super::media::{is_valid_file_name, media_from_value, MediaRef, MediaState};
use super::merge::{merge_into, MergeReport};
use super::time::parse_rfc3339;
use crate::uri::AtUri;
use crate::Error;

/// A `skypanel.saved` file, read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Export {
    /// When it was written (ms since the epoch), if it says.
    pub exported_at: Option<i64>,
    /// What wrote it, if it says.
    pub generator: String,
    /// Its entries, in file order.
    pub posts: Vec<SavedPost>,
}

/// A JSON object with its values still as text: only what is needed gets parsed, and a
/// post's JSON is kept byte for byte.
type RawObject<'a> = BTreeMap<String, &'a RawValue>;

const CHOOSE: &str = "choose a file SkyPanel exported";
const DAMAGED: &str = "the file is damaged; export it again";

fn fail(message: String) -> Error {
    Error::InvalidInput(message)
}

fn value(object: &RawObject<'_>, key: &str) -> Option<Value> {
    object.get(key).and_then(|raw| serde_json::from_str(raw.get()).ok())
}

/// Reads a `skypanel.saved` file. Fails on anything that is not one, naming the first
/// problem (and, inside `posts`, the entry: `entry 3` is the third).
pub fn read_export(text: &str) -> Result<Export, Error> {
    let top: RawObject<'_> = serde_json::from_str(text).map_err(|e| match e.classify() {
        serde_json::error::Category::Data => {
            fail(format!("this file is not a SkyPanel export (it is JSON, but not an object); {CHOOSE}"))
        }
        _ => fail(format!("this file is not valid JSON ({e}): it may be damaged or cut short; {CHOOSE}")),
    })?;
    match value(&top, "format") {
        Some(Value::String(f)) if f == FORMAT => {}
        Some(Value::String(f)) => {
            return Err(fail(format!(
                "this is a \"{f}\" file, not a SkyPanel export (\"{FORMAT}\"); {CHOOSE}"
            )))
        }
        _ => {
            return Err(fail(format!(
                "this file is not a SkyPanel export (it has no \"format\": \"{FORMAT}\"); {CHOOSE}"
            )))
        }
    }
    match value(&top, "version").as_ref().and_then(Value::as_u64) {
        Some(VERSION) => {}
        Some(v) if v > VERSION => {
            return Err(fail(format!(
                "this export was made by a newer SkyPanel (format version {v}; this SkyPanel reads version {VERSION}); update SkyPanel to import it"
            )))
        }
        _ => return Err(fail(format!("this SkyPanel export has no valid format version; {DAMAGED}"))),
    }
    let posts = top
        .get("posts")
        .ok_or_else(|| fail(format!("this SkyPanel export has no \"posts\" list; {DAMAGED}")))?;
    let entries: Vec<&RawValue> = serde_json::from_str(posts.get())
        .map_err(|_| fail(format!("this SkyPanel export's \"posts\" is not a list; {DAMAGED}")))?;
    // Plain loops rather than collecting Results: measurably less wasm.
    let mut posts = Vec::with_capacity(entries.len());
    for (i, raw) in entries.iter().enumerate() {
        let post =
            read_entry(raw).map_err(|why| fail(format!("entry {} of the file {why}; {DAMAGED}", i + 1)))?;
        posts.push(post);
    }
    Ok(Export {
        exported_at: value(&top, "exportedAt").as_ref().and_then(Value::as_str).and_then(parse_rfc3339),
        generator: value(&top, "generator").as_ref().and_then(Value::as_str).unwrap_or("").to_owned(),
        posts,
    })
}

/// Reads one entry; the error completes "entry N of the file …".
fn read_entry(raw: &RawValue) -> Result<SavedPost, String> {
    let entry: RawObject<'_> =
        serde_json::from_str(raw.get()).map_err(|_| "is not a JSON object".to_owned())?;
    let string = |key: &str| -> Result<Option<String>, String> {
        match value(&entry, key) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::String(s)) => Ok(Some(s)),
            Some(_) => Err(format!("has a \"{key}\" that is not text")),
        }
    };
    let uri = string("uri")?.unwrap_or_default();
    let is_post = AtUri::parse(&uri)
        .is_ok_and(|u| u.collection.as_deref() == Some("app.bsky.feed.post") && u.rkey.is_some());
    if !is_post {
        return Err(format!("has no valid post at-uri (\"uri\": \"{uri}\")"));
    }
    let cid = string("cid")?.filter(|c| !c.is_empty()).ok_or_else(|| format!("({uri}) has no \"cid\""))?;
    let saved_at = string("savedAt")?
        .as_deref()
        .and_then(parse_rfc3339)
        .ok_or_else(|| format!("({uri}) has no valid \"savedAt\" time"))?;
    let mut tags = Vec::new();
    match value(&entry, "tags") {
        None | Some(Value::Null) => {}
        Some(Value::Array(items)) => {
            for tag in items {
                let Value::String(tag) = tag else {
                    return Err(format!("({uri}) has a tag that is not text"));
                };
                tags.push(tag);
            }
        }
        Some(_) => return Err(format!("({uri}) has \"tags\" that are not a list")),
    }
    let note = string("note")?.unwrap_or_default();
    let status = read_status(value(&entry, "status")).map_err(|why| format!("({uri}) {why}"))?;
    let post = match entry.get("post").filter(|p| p.get() != "null") {
        None => None,
        Some(raw) => {
            let post: Value =
                serde_json::from_str(raw.get()).map_err(|_| format!("({uri}) has a damaged post"))?;
            let (post_uri, _) =
                check_post(&post).map_err(|why| format!("({uri}) has a damaged post: {why}"))?;
            if post_uri != uri {
                return Err(format!("({uri}) holds the post {post_uri} instead"));
            }
            Some((*raw).to_owned())
        }
    };
    let mut media = Vec::new();
    match value(&entry, "media") {
        None | Some(Value::Null) => {}
        Some(Value::Array(items)) => {
            for (i, item) in items.iter().enumerate() {
                media.push(read_media(item).map_err(|why| format!("({uri}), media file {}, {why}", i + 1))?);
            }
        }
        Some(_) => return Err(format!("({uri}) has \"media\" that is not a list")),
    }
    Ok(SavedPost::from_parts(uri, cid, saved_at, tags, note, status, post, media))
}

fn read_status(status: Option<Value>) -> Result<PostStatus, String> {
    let Some(status) = status.filter(|s| !s.is_null()) else { return Ok(PostStatus::default()) };
    let state = status
        .get("state")
        .and_then(Value::as_str)
        .and_then(Availability::from_name)
        .ok_or("has a \"status\" without a known \"state\" (unknown, live, deleted or blocked)")?;
    let checked_at = match status.get("checkedAt") {
        None | Some(Value::Null) => None,
        Some(t) => Some(
            t.as_str()
                .and_then(parse_rfc3339)
                .ok_or("has a \"status\" with an invalid \"checkedAt\" time")?,
        ),
    };
    Ok(PostStatus { state, checked_at })
}

fn read_media(item: &Value) -> Result<MediaRef, String> {
    let media = media_from_value(item)?;
    if !is_valid_file_name(&media.file) {
        return Err(format!("has an unsafe file name \"{}\"", media.file));
    }
    Ok(media)
}

impl SavedPost {
    /// Reads one entry of a `skypanel.saved` file (as [`SavedPost::to_json`] writes it),
    /// as strictly as a file's entries are read.
    pub fn from_entry_json(text: &str) -> Result<SavedPost, Error> {
        let raw: &RawValue = serde_json::from_str(text)
            .map_err(|e| fail(format!("a library entry is not valid JSON ({e}); {DAMAGED}")))?;
        read_entry(raw).map_err(|why| fail(format!("a library entry {why}; {DAMAGED}")))
    }

    /// Sets the download state of one of its media files; fails if it has no such file.
    pub fn set_media_state(&mut self, file: &str, state: MediaState) -> Result<(), Error> {
        let media = self
            .media
            .iter_mut()
            .find(|m| m.file == file)
            .ok_or_else(|| Error::InvalidInput(format!("this saved post has no media file {file}")))?;
        media.state = state;
        Ok(())
    }
}

/// Imports a `skypanel.saved` file into `library`, merging by at-uri (see
/// [`super::merge::merge`]). On any error the library is left exactly as it was.
pub fn import(library: &mut Vec<SavedPost>, text: &str) -> Result<MergeReport, Error> {
    let export = read_export(text)?;
    Ok(merge_into(library, export.posts))
}
