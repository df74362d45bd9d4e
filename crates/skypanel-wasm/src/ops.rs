//! The API operations the extension can run through [`call`](crate::call), as one enum so
//! that the JavaScript side has a single, typed entry point.

use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;
use serde_json::Value;
use skypanel_core::model::feed::FeedItemSummary;
use skypanel_core::xrpc::{Client, FeedSource, SearchQuery, Transport};
use skypanel_core::Error;

/// One operation, `{op: "feedPage", …}` on the JavaScript side (see [`Op::from_json`]).
#[derive(Deserialize)]
#[serde(rename_all = "camelCase", rename_all_fields = "camelCase")]
pub enum Op {
    /// One page of a feed: `{source, limit?, cursor?}`.
    FeedPage {
        source: FeedSource,
        #[serde(default = "default_limit")]
        limit: u8,
        cursor: Option<String>,
    },
    /// `{uri, depth?, parentHeight?}`
    Thread {
        uri: String,
        #[serde(default = "default_depth")]
        depth: u16,
        #[serde(default = "default_height")]
        parent_height: u16,
    },
    /// `{uris}` (batched by 25)
    Posts { uris: Vec<String> },
    /// `{uris}` → `{posts: [text]}`: each post view exactly as the server sent it, as JSON
    /// text (what the library keeps, byte for byte).
    PostsRaw { uris: Vec<String> },
    /// `{query: {q, …}, limit?, cursor?}`
    Search {
        query: Box<SearchQuery>,
        #[serde(default = "default_limit")]
        limit: u8,
        cursor: Option<String>,
    },
    /// `{actor}`
    Profile { actor: String },
    /// `{actors}` (batched by 25)
    Profiles { actors: Vec<String> },
    /// `{uri}`
    FeedGenerator { uri: String },
    /// `{uris}`
    FeedGenerators { uris: Vec<String> },
    /// `{}`
    Preferences {},
    /// `{uri, cid}`
    CreateBookmark { uri: String, cid: String },
    /// `{uri}`
    DeleteBookmark { uri: String },
    /// `{limit?, cursor?}`
    Bookmarks {
        #[serde(default = "default_limit")]
        limit: u8,
        cursor: Option<String>,
    },
    /// `{handle}`
    ResolveHandle { handle: String },
}

impl Op {
    /// Parses `{op: "name", …params}`.
    ///
    /// serde could read that shape itself (`#[serde(tag = "op")]`), but only by buffering
    /// every operation into an intermediate tree first, code that cost ~2 KB of the shipped
    /// wasm; rewriting it as `{"name": {…params}}` lets serde read the operation directly.
    pub fn from_json(json: &str) -> Result<Op, String> {
        let mut map: serde_json::Map<String, Value> =
            serde_json::from_str(json).map_err(|e| e.to_string())?;
        let name = match map.remove("op") {
            Some(Value::String(name)) => name,
            _ => return Err("missing \"op\" (the operation's name)".into()),
        };
        let mut wrapped = serde_json::Map::new();
        wrapped.insert(name, Value::Object(map));
        serde_json::from_str(&Value::Object(wrapped).to_string()).map_err(|e| e.to_string())
    }
}

fn default_limit() -> u8 {
    50
}
fn default_depth() -> u16 {
    6
}
fn default_height() -> u16 {
    80
}

/// A feed page for JavaScript: summaries for lists, and each item exactly as the server
/// sent it (checked by the typed parse, never re-serialised: nothing is lost or reordered).
#[derive(Serialize)]
struct FeedPageAnswer {
    cursor: Option<String>,
    items: Vec<FeedItemSummary>,
    feed: Vec<Box<RawValue>>,
}

fn json<T: Serialize>(value: T) -> Result<Value, Error> {
    serde_json::to_value(value).map_err(|e| Error::InvalidInput(e.to_string()))
}

/// Runs `op` with `client`.
pub async fn run<T: Transport>(client: &Client<T>, op: Op) -> Result<Value, Error> {
    match op {
        Op::FeedPage { source, limit, cursor } => {
            let page = client.feed_page(&source, limit, cursor.as_deref()).await?;
            let items = page.summaries();
            json(FeedPageAnswer {
                cursor: page.cursor,
                items,
                feed: page.feed.into_iter().map(|i| i.raw).collect(),
            })
        }
        Op::Thread { uri, depth, parent_height } => {
            json(client.get_post_thread(&uri, depth, parent_height).await?)
        }
        Op::Posts { uris } => json(client.get_posts(&uris).await?),
        Op::PostsRaw { uris } => {
            let raws = client.get_posts_raw(&uris).await?;
            let texts: Vec<&str> = raws.iter().map(|r| r.get()).collect();
            Ok(serde_json::json!({ "posts": texts }))
        }
        Op::Search { query, limit, cursor } => {
            json(client.search_posts(&query, limit, cursor.as_deref()).await?)
        }
        Op::Profile { actor } => json(client.get_profile(&actor).await?),
        Op::Profiles { actors } => json(client.get_profiles(&actors).await?),
        Op::FeedGenerator { uri } => json(client.get_feed_generator(&uri).await?),
        Op::FeedGenerators { uris } => json(client.get_feed_generators(&uris).await?),
        Op::Preferences {} => json(client.get_preferences().await?),
        Op::CreateBookmark { uri, cid } => json(client.create_bookmark(&uri, &cid).await?),
        Op::DeleteBookmark { uri } => json(client.delete_bookmark(&uri).await?),
        Op::Bookmarks { limit, cursor } => json(client.get_bookmarks(limit, cursor.as_deref()).await?),
        Op::ResolveHandle { handle } => json(client.resolve_handle(&handle).await?),
    }
}

#[cfg(test)]
mod tests {
    use super::Op;

    fn err(json: &str) -> String {
        match Op::from_json(json) {
            Ok(_) => panic!("accepted {json}"),
            Err(e) => e,
        }
    }

    #[test]
    fn operations_are_read_from_the_op_field() {
        let op = Op::from_json(r#"{"op":"feedPage","source":{"kind":"author","actor":"a.test","filter":"posts_with_media"},"limit":5}"#).unwrap();
        assert!(matches!(op, Op::FeedPage { limit: 5, .. }));
        assert!(matches!(Op::from_json(r#"{"op":"preferences"}"#).unwrap(), Op::Preferences {}));
        assert!(err(r#"{"source":{}}"#).contains("missing \"op\""));
        assert!(err(r#"{"op":"launchRockets"}"#).contains("launchRockets"));
        let e = err(r#"{"op":"feedPage","source":{"kind":"author"}}"#);
        assert!(e.contains("needs `actor`"), "{e}");
        let e = err(r#"{"op":"feedPage","source":{"kind":"mystery"}}"#);
        assert!(e.contains("unknown feed kind `mystery`"), "{e}");
    }
}
