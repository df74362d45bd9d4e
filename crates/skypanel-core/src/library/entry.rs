//! One saved post: the server's JSON exactly as it came, plus what the user added to it.

use serde::Serialize;
use serde_json::value::RawValue;
use serde_json::Value;

use super::facts::PostFacts;
use super::media::MediaRef;
use super::query::fold;
use super::time::{serialize_ms, serialize_opt_ms};
use crate::uri::{is_valid_did, AtUri};
use crate::Error;

/// Whether a saved post was still on Bluesky when last checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum Availability {
    /// Never checked.
    #[default]
    Unknown,
    /// Still there.
    Live,
    /// Deleted by its author (the saved copy is kept).
    Deleted,
    /// Hidden by a block between the viewer and the author (the saved copy is kept).
    Blocked,
}

impl Availability {
    /// The name used in files: `unknown`, `live`, `deleted`, `blocked`.
    pub fn name(self) -> &'static str {
        match self {
            Availability::Unknown => "unknown",
            Availability::Live => "live",
            Availability::Deleted => "deleted",
            Availability::Blocked => "blocked",
        }
    }

    /// The availability with that name.
    pub fn from_name(name: &str) -> Option<Availability> {
        [Availability::Unknown, Availability::Live, Availability::Deleted, Availability::Blocked]
            .into_iter()
            .find(|a| a.name() == name)
    }
}

/// A saved post's availability and when it was established.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PostStatus {
    /// What the last check found.
    pub state: Availability,
    /// When that check ran, in ms since the epoch (`None` if never).
    #[serde(serialize_with = "serialize_opt_ms", skip_serializing_if = "Option::is_none")]
    pub checked_at: Option<i64>,
}

/// A post in the library.
///
/// Times are milliseconds since the Unix epoch (UTC); files carry them as RFC 3339. Build
/// one with [`SavedPost::from_post_json`]; change tags only through [`SavedPost::set_tags`],
/// which keeps them normalised.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SavedPost {
    /// The post's at-uri: its identity in the library.
    pub uri: String,
    /// The post's cid when it was saved.
    pub cid: String,
    /// When the user saved it (ms since the epoch).
    #[serde(serialize_with = "serialize_ms")]
    pub saved_at: i64,
    tags: Vec<String>,
    /// The user's note (may be empty).
    pub note: String,
    /// Whether it is still on Bluesky.
    pub status: PostStatus,
    /// The postView exactly as the server sent it (`None` only for an entry whose copy was
    /// never fetched).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub post: Option<Box<RawValue>>,
    /// Its media files.
    pub media: Vec<MediaRef>,
}

impl PartialEq for SavedPost {
    fn eq(&self, other: &Self) -> bool {
        self.uri == other.uri
            && self.cid == other.cid
            && self.saved_at == other.saved_at
            && self.tags == other.tags
            && self.note == other.note
            && self.status == other.status
            && self.post_json() == other.post_json()
            && self.media == other.media
    }
}

impl Eq for SavedPost {}

/// Tags as the library keeps them: trimmed, without leading `#`, inner whitespace as single
/// spaces, no empty ones, each tag once (compared case-insensitively; the first spelling
/// wins), in the order given.
pub fn normalize_tags<I, S>(tags: I) -> Vec<String>
where
    I: IntoIterator<Item = S>,
    S: AsRef<str>,
{
    let mut out: Vec<String> = Vec::new();
    let mut seen: Vec<String> = Vec::new();
    for tag in tags {
        let tag = tag.as_ref().trim().trim_start_matches('#');
        let tag = tag.split_whitespace().collect::<Vec<_>>().join(" ");
        let folded = fold(&tag);
        if !tag.is_empty() && !seen.contains(&folded) {
            seen.push(folded);
            out.push(tag);
        }
    }
    out
}

/// Checks that `post` is a postView SkyPanel can keep and returns its at-uri and cid.
pub(crate) fn check_post(post: &Value) -> Result<(&str, &str), String> {
    if !post.is_object() {
        return Err("it is not a JSON object".into());
    }
    let uri = post.get("uri").and_then(Value::as_str).ok_or("it has no \"uri\"")?;
    let parsed = AtUri::parse(uri).map_err(|_| format!("its uri '{uri}' is not an at:// URI"))?;
    if parsed.collection.as_deref() != Some("app.bsky.feed.post") || parsed.rkey.is_none() {
        return Err(format!("its uri '{uri}' is not a post's"));
    }
    let cid = post.get("cid").and_then(Value::as_str).filter(|c| !c.is_empty()).ok_or("it has no \"cid\"")?;
    let did = post.get("author").and_then(|a| a.get("did")).and_then(Value::as_str).unwrap_or("");
    if !is_valid_did(did) {
        return Err("it has no valid author.did".into());
    }
    Ok((uri, cid))
}

impl SavedPost {
    /// A new saved post from a postView's JSON text (as the server sent it; surrounding
    /// whitespace is dropped, everything else is kept byte for byte), saved at `saved_at`
    /// (ms since the epoch). Its media list is read from the post; its status is `live`,
    /// checked at `saved_at` (it was just seen).
    pub fn from_post_json(raw: &str, saved_at: i64) -> Result<SavedPost, Error> {
        let fail = |detail: String| {
            Error::InvalidInput(format!(
                "SkyPanel cannot save this post because {detail}; reload the post and save it again"
            ))
        };
        let value: Value =
            serde_json::from_str(raw).map_err(|e| fail(format!("its data is not valid JSON ({e})")))?;
        let (uri, cid) = check_post(&value).map_err(|d| fail(format!("the post data is damaged: {d}")))?;
        let post = RawValue::from_string(raw.trim().to_owned())
            .map_err(|e| fail(format!("its data is not valid JSON ({e})")))?;
        Ok(SavedPost {
            uri: uri.to_owned(),
            cid: cid.to_owned(),
            saved_at,
            tags: Vec::new(),
            note: String::new(),
            status: PostStatus { state: Availability::Live, checked_at: Some(saved_at) },
            media: PostFacts::read(&value).media,
            post: Some(post),
        })
    }

    /// A saved post from its parts, as read from a file. Tags are normalised.
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn from_parts(
        uri: String,
        cid: String,
        saved_at: i64,
        tags: Vec<String>,
        note: String,
        status: PostStatus,
        post: Option<Box<RawValue>>,
        media: Vec<MediaRef>,
    ) -> SavedPost {
        SavedPost { uri, cid, saved_at, tags: normalize_tags(tags), note, status, post, media }
    }

    /// The user's tags, normalised (see [`normalize_tags`]).
    pub fn tags(&self) -> &[String] {
        &self.tags
    }

    /// Replaces the tags (normalising them).
    pub fn set_tags<I, S>(&mut self, tags: I)
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        self.tags = normalize_tags(tags);
    }

    /// The saved postView JSON text, exactly as the server sent it.
    pub fn post_json(&self) -> Option<&str> {
        self.post.as_deref().map(RawValue::get)
    }

    /// The post's searchable facts, read from the saved JSON (empty if there is none).
    pub fn facts(&self) -> PostFacts {
        let value = self.post_json().and_then(|p| serde_json::from_str::<Value>(p).ok());
        let mut facts = value.as_ref().map(PostFacts::read).unwrap_or_default();
        if facts.author_did.is_empty() {
            facts.author_did = AtUri::parse(&self.uri).map(|u| u.authority).unwrap_or_default();
        }
        facts
    }

    /// Records the result of a re-check: whether the post is still on Bluesky, at `at`.
    pub fn mark_checked(&mut self, state: Availability, at: i64) {
        self.status = PostStatus { state, checked_at: Some(at) };
    }

    /// This entry as JSON, in the form of an entry of the `skypanel.saved` format
    /// (see [`super::export`]); the post JSON is written verbatim.
    pub fn to_json(&self) -> String {
        // Serialising plain strings, numbers and a RawValue cannot fail.
        serde_json::to_string(self).unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_are_normalised() {
        let tags = normalize_tags([
            "  #Rust ",
            "rust",
            "##to   read",
            "",
            "#",
            "RUST",
            "Straße",
            "STRASSE",
            "ÉTÉ",
            "été",
        ]);
        assert_eq!(tags, ["Rust", "to read", "Straße", "STRASSE", "ÉTÉ"]);
    }

    #[test]
    fn post_json_is_kept_verbatim() {
        let raw = r#"{"uri":"at://did:plc:a/app.bsky.feed.post/1","cid":"bafy1",  "author":{"did":"did:plc:a","handle":"a.test"},"record":{"text":"caf\u00e9 1.0e3"}}"#;
        let saved = SavedPost::from_post_json(&format!("\n {raw} \n"), 5).unwrap();
        assert_eq!(saved.post_json(), Some(raw));
        assert_eq!(saved.status, PostStatus { state: Availability::Live, checked_at: Some(5) });
        assert!(saved.to_json().contains(raw));
    }

    #[test]
    fn what_is_not_a_post_is_refused_with_a_reason() {
        for (raw, why) in [
            ("not json", "not valid JSON"),
            ("[1]", "not a JSON object"),
            (r#"{"cid":"b"}"#, "no \"uri\""),
            (r#"{"uri":"https://bsky.app","cid":"b"}"#, "not an at:// URI"),
            (r#"{"uri":"at://did:plc:a/app.bsky.feed.like/1","cid":"b"}"#, "not a post's"),
            (r#"{"uri":"at://did:plc:a/app.bsky.feed.post/1"}"#, "no \"cid\""),
            (r#"{"uri":"at://did:plc:a/app.bsky.feed.post/1","cid":"b","author":{}}"#, "author.did"),
        ] {
            let err = SavedPost::from_post_json(raw, 0).unwrap_err().to_string();
            assert!(err.contains(why) && err.contains("save it again"), "{raw}: {err}");
        }
    }
}
