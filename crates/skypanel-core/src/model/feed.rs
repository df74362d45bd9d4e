//! Posts, feed items and threads (`app.bsky.feed.defs`), and pages of them.

use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;
use serde_json::{Map, Value};

use super::actor::ProfileViewBasic;
use super::embed::{type_of, EmbedView};
use super::label::Label;
use super::post::{FacetFeature, PostRecord};
use super::union::open_union;

/// The `$type` of a repost reason.
pub const REASON_REPOST: &str = "app.bsky.feed.defs#reasonRepost";
/// The `$type` of a pinned-post reason.
pub const REASON_PIN: &str = "app.bsky.feed.defs#reasonPin";
/// The `$type` of a post record.
pub const POST_RECORD: &str = "app.bsky.feed.post";

/// The viewer's relationship to a post.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PostViewerState {
    /// The viewer's like record, if liked.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub like: Option<String>,
    /// The viewer's repost record, if reposted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub repost: Option<String>,
    /// Whether the viewer bookmarked it on Bluesky.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bookmarked: Option<bool>,
    /// Everything else, kept as sent.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// One post as the AppView presents it (`#postView`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PostView {
    /// `at://<did>/app.bsky.feed.post/<rkey>`.
    pub uri: String,
    /// Content hash of the record.
    pub cid: String,
    /// Who wrote it.
    pub author: ProfileViewBasic,
    /// The record itself, kept exactly as sent (see [`PostView::post_record`]).
    pub record: Value,
    /// The hydrated embed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub embed: Option<EmbedView>,
    /// Number of replies.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reply_count: Option<u64>,
    /// Number of reposts.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub repost_count: Option<u64>,
    /// Number of likes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub like_count: Option<u64>,
    /// Number of quotes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub quote_count: Option<u64>,
    /// When the AppView indexed it.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub indexed_at: String,
    /// The viewer's relationship to it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub viewer: Option<PostViewerState>,
    /// Labels on it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub labels: Option<Vec<Label>>,
    /// Everything else (bookmarkCount, threadgate, …), kept as sent.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl PostView {
    /// The record as a post, if it is one SkyPanel can read.
    pub fn post_record(&self) -> Option<PostRecord> {
        serde_json::from_value(self.record.clone()).ok()
    }

    /// The post's text, or `""` if the record has none.
    pub fn text(&self) -> &str {
        self.record.get("text").and_then(Value::as_str).unwrap_or("")
    }

    /// The record's `createdAt`, if present.
    pub fn created_at(&self) -> Option<&str> {
        self.record.get("createdAt").and_then(Value::as_str)
    }

    /// The record key: the last segment of the at-uri.
    pub fn rkey(&self) -> &str {
        self.uri.rsplit('/').next().unwrap_or("")
    }

    /// The `$type`s in this post that SkyPanel does not know: a record that is not a post,
    /// unknown embed members, unknown facet features.
    pub fn unsupported(&self) -> Vec<String> {
        let mut out = Vec::new();
        match self.record.get("$type").and_then(Value::as_str) {
            Some(POST_RECORD) | None => {}
            Some(other) => out.push(other.to_owned()),
        }
        if let Some(embed) = &self.embed {
            embed.unsupported(&mut out);
        }
        if let Some(facets) = self.post_record().and_then(|r| r.facets) {
            for feature in facets.iter().flat_map(|f| &f.features) {
                if let FacetFeature::Unknown(v) = feature {
                    out.push(type_of(v));
                }
            }
        }
        out
    }
}

/// A post that could not be found (`#notFoundPost`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NotFoundPost {
    /// The missing post's at-uri.
    pub uri: String,
    /// Everything else (`notFound: true`), kept as sent.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// A post hidden by a block (`#blockedPost`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BlockedPost {
    /// The blocked post's at-uri.
    pub uri: String,
    /// Everything else (`blocked: true`, `author`), kept as sent.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

fn infer_maybe_post(v: &Value) -> Option<&'static str> {
    if v.get("notFound").and_then(Value::as_bool) == Some(true) {
        Some("app.bsky.feed.defs#notFoundPost")
    } else if v.get("blocked").and_then(Value::as_bool) == Some(true) {
        Some("app.bsky.feed.defs#blockedPost")
    } else if v.get("author").is_some() && v.get("record").is_some() {
        Some("app.bsky.feed.defs#postView")
    } else {
        None
    }
}

open_union! {
    /// A post, or the reason it cannot be shown (reply parents, bookmarks).
    pub enum MaybePost {
        /// The post.
        Post(Box<PostView>) = "app.bsky.feed.defs#postView",
        /// Deleted or never existed.
        NotFound(NotFoundPost) = "app.bsky.feed.defs#notFoundPost",
        /// Hidden by a block.
        Blocked(BlockedPost) = "app.bsky.feed.defs#blockedPost",
    }
    infer = infer_maybe_post;
}

impl MaybePost {
    /// The at-uri, whichever member this is.
    pub fn uri(&self) -> Option<&str> {
        match self {
            MaybePost::Post(p) => Some(&p.uri),
            MaybePost::NotFound(p) => Some(&p.uri),
            MaybePost::Blocked(p) => Some(&p.uri),
            MaybePost::Unknown(v) => v.get("uri").and_then(Value::as_str),
        }
    }

    /// The post, if it can be shown.
    pub fn post(&self) -> Option<&PostView> {
        match self {
            MaybePost::Post(p) => Some(p),
            _ => None,
        }
    }
}

/// A reply's context in a feed (`#replyRef`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FeedReplyRef {
    /// The thread's first post.
    pub root: MaybePost,
    /// The post replied to.
    pub parent: MaybePost,
    /// The author of the parent's parent, when the parent is itself a reply.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub grandparent_author: Option<ProfileViewBasic>,
    /// Everything else, kept as sent.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// A repost reason.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ReasonRepost {
    /// Who reposted.
    pub by: ProfileViewBasic,
    /// When.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub indexed_at: String,
    /// Everything else (uri, cid of the repost record), kept as sent.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// A pinned-post reason (no fields of its own).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReasonPin {
    /// Everything, kept as sent.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

open_union! {
    /// Why a post is in a feed.
    pub enum Reason {
        /// Someone reposted it.
        Repost(ReasonRepost) = "app.bsky.feed.defs#reasonRepost",
        /// Its author pinned it (author feeds).
        Pin(ReasonPin) = "app.bsky.feed.defs#reasonPin",
    }
}

/// One entry of a feed (`#feedViewPost`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FeedViewPost {
    /// The post shown.
    pub post: PostView,
    /// For a reply: its root and parent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reply: Option<FeedReplyRef>,
    /// Why it is in the feed (repost, pin, or a kind SkyPanel does not know yet).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<Reason>,
    /// Everything else (feedContext, reqId, …), kept as sent.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl FeedViewPost {
    /// The account that reposted this item, if it is a repost.
    pub fn reposted_by(&self) -> Option<&ProfileViewBasic> {
        match &self.reason {
            Some(Reason::Repost(r)) => Some(&r.by),
            _ => None,
        }
    }

    /// The account that put this item in the timeline: the reposter for a repost, otherwise
    /// the author. Collapsed view groups by this.
    pub fn owner(&self) -> &ProfileViewBasic {
        self.reposted_by().unwrap_or(&self.post.author)
    }

    /// The at-uri of the parent post, for a reply.
    pub fn reply_parent_uri(&self) -> Option<&str> {
        self.reply.as_ref()?.parent.uri()
    }

    /// Everything in this item SkyPanel does not know (reported, never dropped).
    pub fn unsupported(&self) -> Vec<String> {
        let mut out = self.post.unsupported();
        if let Some(Reason::Unknown(v)) = &self.reason {
            out.push(type_of(v));
        }
        if let Some(reply) = &self.reply {
            for p in [&reply.root, &reply.parent] {
                if let MaybePost::Unknown(v) = p {
                    out.push(type_of(v));
                }
            }
        }
        out
    }

    /// A compact, stable summary of this item: what the extension and CLI display and what
    /// tests compare across the native and wasm builds.
    pub fn summary(&self) -> FeedItemSummary {
        FeedItemSummary {
            uri: self.post.uri.clone(),
            cid: self.post.cid.clone(),
            author: self.post.author.handle.clone(),
            author_did: self.post.author.did.clone(),
            author_name: self.post.author.display_name.clone(),
            text: self.post.text().to_owned(),
            indexed_at: self.post.indexed_at.clone(),
            reposted_by: self.reposted_by().map(|p| p.handle.clone()),
            reply_parent: self.reply_parent_uri().map(str::to_owned),
            embed: self.post.embed.as_ref().and_then(|e| e.type_name()).map(str::to_owned),
            unsupported: self.unsupported(),
        }
    }
}

/// The display summary of one feed item. See [`FeedViewPost::summary`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FeedItemSummary {
    /// The post's at-uri.
    pub uri: String,
    /// The post's cid.
    pub cid: String,
    /// The author's handle.
    pub author: String,
    /// The author's DID.
    pub author_did: String,
    /// The author's display name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub author_name: Option<String>,
    /// The post's text.
    pub text: String,
    /// When the AppView indexed the post.
    pub indexed_at: String,
    /// Handle of the reposter, for a repost.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reposted_by: Option<String>,
    /// The at-uri of the parent, for a reply.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reply_parent: Option<String>,
    /// The embed's `$type`, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub embed: Option<String>,
    /// `$type`s in the item SkyPanel cannot show yet.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub unsupported: Vec<String>,
}

/// A feed item together with the exact JSON the server sent for it.
#[derive(Debug, Clone)]
pub struct FeedItem {
    /// The item exactly as received, for lossless storage and export.
    pub raw: Box<RawValue>,
    /// The typed view of the same item.
    pub view: FeedViewPost,
}

/// One page of a feed: `{cursor?, feed: feedViewPost[]}`.
#[derive(Debug, Clone)]
pub struct TimelinePage {
    /// Pass back to get the next page; `None` at the end of the feed.
    pub cursor: Option<String>,
    /// The items, newest first.
    pub feed: Vec<FeedItem>,
}

#[derive(Deserialize)]
struct RawPage<'a> {
    #[serde(default)]
    cursor: Option<String>,
    #[serde(borrow)]
    feed: Vec<&'a RawValue>,
}

impl TimelinePage {
    /// Parses a feed page, keeping each item's exact JSON. Fails with a description of the
    /// first problem; never panics.
    pub fn from_json(json: &str) -> Result<Self, String> {
        let page: RawPage<'_> = serde_json::from_str(json).map_err(|e| e.to_string())?;
        let mut feed = Vec::with_capacity(page.feed.len());
        for (i, raw) in page.feed.into_iter().enumerate() {
            // Through `Value`, like every typed parse in the core: each model type then has a
            // single Deserialize instantiation, which keeps the wasm small.
            let view: FeedViewPost = serde_json::from_str::<Value>(raw.get())
                .and_then(serde_json::from_value)
                .map_err(|e| format!("feed item {i}: {e}"))?;
            feed.push(FeedItem { raw: raw.to_owned(), view });
        }
        Ok(TimelinePage { cursor: page.cursor, feed })
    }

    /// The summaries of all items, in order.
    pub fn summaries(&self) -> Vec<FeedItemSummary> {
        self.feed.iter().map(|i| i.view.summary()).collect()
    }
}

/// A thread around one post (`#threadViewPost`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ThreadViewPost {
    /// The post.
    pub post: PostView,
    /// Its parent, up to the requested height.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parent: Option<Box<ThreadView>>,
    /// Its replies, down to the requested depth.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub replies: Option<Vec<ThreadView>>,
    /// Everything else (threadContext, …), kept as sent.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

fn infer_thread(v: &Value) -> Option<&'static str> {
    match infer_maybe_post(v) {
        Some("app.bsky.feed.defs#postView") => None,
        other => other,
    }
    .or_else(|| v.get("post").map(|_| "app.bsky.feed.defs#threadViewPost"))
}

open_union! {
    /// A node of a thread (`app.bsky.feed.getPostThread`).
    pub enum ThreadView {
        /// A visible post with its context.
        Post(Box<ThreadViewPost>) = "app.bsky.feed.defs#threadViewPost",
        /// Deleted or never existed.
        NotFound(NotFoundPost) = "app.bsky.feed.defs#notFoundPost",
        /// Hidden by a block.
        Blocked(BlockedPost) = "app.bsky.feed.defs#blockedPost",
    }
    infer = infer_thread;
}
