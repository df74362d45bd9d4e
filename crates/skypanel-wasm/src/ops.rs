//! The API operations the extension can run through [`call`](crate::call), as one enum so
//! that the JavaScript side has a single, typed entry point.

use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;
use serde_json::Value;
use skypanel_core::model::feed::FeedItemSummary;
use skypanel_core::xrpc::{Client, FeedSource, SearchQuery, Transport};
use skypanel_core::Error;

/// One operation, `{op: "feedPage", …}` on the JavaScript side.
#[derive(Deserialize)]
#[serde(tag = "op", rename_all = "camelCase", rename_all_fields = "camelCase")]
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
    Preferences,
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
        Op::Search { query, limit, cursor } => {
            json(client.search_posts(&query, limit, cursor.as_deref()).await?)
        }
        Op::Profile { actor } => json(client.get_profile(&actor).await?),
        Op::Profiles { actors } => json(client.get_profiles(&actors).await?),
        Op::FeedGenerator { uri } => json(client.get_feed_generator(&uri).await?),
        Op::FeedGenerators { uris } => json(client.get_feed_generators(&uris).await?),
        Op::Preferences => json(client.get_preferences().await?),
        Op::CreateBookmark { uri, cid } => json(client.create_bookmark(&uri, &cid).await?),
        Op::DeleteBookmark { uri } => json(client.delete_bookmark(&uri).await?),
        Op::Bookmarks { limit, cursor } => json(client.get_bookmarks(limit, cursor.as_deref()).await?),
        Op::ResolveHandle { handle } => json(client.resolve_handle(&handle).await?),
    }
}
