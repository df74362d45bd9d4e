//! Posts, feed items and threads (`app.bsky.feed.defs`), and pages of them.

use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;
use serde_json::Value;

use super::actor::ProfileViewBasic;
use super::embed::{type_of, EmbedView};
use super::label::Label;
use super::object::lexicon_object;
use super::post::{FacetFeature, PostRecord};
use super::union::{open_union, Peek};

/// The `$type` of a repost reason.
pub const REASON_REPOST: &str = "app.bsky.feed.defs#reasonRepost";
/// The `$type` of a pinned-post reason.
pub const REASON_PIN: &str = "app.bsky.feed.defs#reasonPin";
/// The `$type` of a post record.
pub const POST_RECORD: &str = "app.bsky.feed.post";

lexicon_object! {
    /// The viewer's relationship to a post.
    #[derive(Debug, Clone, Default, PartialEq)]
    pub struct PostViewerState {
        /// The viewer's like record, if liked.
        #[serde(skip_serializing_if = "Option::is_none")]
        pub like: Option<String> => opt "like",
        /// The viewer's repost record, if reposted.
        #[serde(skip_serializing_if = "Option::is_none")]
        pub repost: Option<String> => opt "repost",
        /// Whether the viewer bookmarked it on Bluesky.
        #[serde(skip_serializing_if = "Option::is_none")]
        pub bookmarked: Option<bool> => opt "bookmarked",
    }
    /// Everything else, kept as sent.
    extra;
}

lexicon_object! {
    /// One post as the AppView presents it (`#postView`).
    #[derive(Debug, Clone, PartialEq)]
    pub struct PostView {
        /// `at://<did>/app.bsky.feed.post/<rkey>`.
        pub uri: String => req "uri",
        /// Content hash of the record.
        pub cid: String => req "cid",
        /// Who wrote it.
        pub author: ProfileViewBasic => req "author",
        /// The record itself, kept exactly as sent (see [`PostView::post_record`]).
        pub record: Value => req "record",
        /// The hydrated embed.
        #[serde(skip_serializing_if = "Option::is_none")]
        pub embed: Option<EmbedView> => opt "embed",
        /// Number of replies.
        #[serde(skip_serializing_if = "Option::is_none")]
        pub reply_count: Option<u64> => opt "replyCount",
        /// Number of reposts.
        #[serde(skip_serializing_if = "Option::is_none")]
        pub repost_count: Option<u64> => opt "repostCount",
        /// Number of likes.
        #[serde(skip_serializing_if = "Option::is_none")]
        pub like_count: Option<u64> => opt "likeCount",
        /// Number of quotes.
        #[serde(skip_serializing_if = "Option::is_none")]
        pub quote_count: Option<u64> => opt "quoteCount",
        /// When the AppView indexed it.
        #[serde(skip_serializing_if = "String::is_empty")]
        pub indexed_at: String => opt "indexedAt",
        /// The viewer's relationship to it.
        #[serde(skip_serializing_if = "Option::is_none")]
        pub viewer: Option<PostViewerState> => opt "viewer",
        /// Labels on it.
        #[serde(skip_serializing_if = "Option::is_none")]
        pub labels: Option<Vec<Label>> => opt "labels",
    }
    /// Everything else (bookmarkCount, threadgate, …), kept as sent.
    extra;
}

impl PostView {
    /// The record as a post, if it is one SkyPanel can read.
    pub fn post_record(&self) -> Option<PostRecord> {
        // Through text, not `from_value`: the model types are parsed from text everywhere
        // else, and a second parser per type would grow the wasm.
        serde_json::from_str(&self.record.to_string()).ok()
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
        // Read the facets' `$type`s in place: parsing the whole record again for every item
        // was a tenth of a page's parse time.
        let features = self.record.get("facets").and_then(Value::as_array).into_iter().flatten();
        let features = features.filter_map(|f| f.get("features")?.as_array()).flatten();
        for feature in features {
            if !FacetFeature::is_known_type(feature.get("$type").and_then(Value::as_str)) {
                out.push(type_of(feature));
            }
        }
        out
    }
}

lexicon_object! {
    /// A post that could not be found (`#notFoundPost`).
    #[derive(Debug, Clone, PartialEq)]
    pub struct NotFoundPost {
        /// The missing post's at-uri.
        pub uri: String => req "uri",
    }
    /// Everything else (`notFound: true`), kept as sent.
    extra;
}

lexicon_object! {
    /// A post hidden by a block (`#blockedPost`).
    #[derive(Debug, Clone, PartialEq)]
    pub struct BlockedPost {
        /// The blocked post's at-uri.
        pub uri: String => req "uri",
    }
    /// Everything else (`blocked: true`, `author`), kept as sent.
    extra;
}

fn infer_maybe_post(v: &Peek) -> Option<&'static str> {
    if v.not_found {
        Some("app.bsky.feed.defs#notFoundPost")
    } else if v.blocked {
        Some("app.bsky.feed.defs#blockedPost")
    } else if v.author && v.record {
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

lexicon_object! {
    /// A reply's context in a feed (`#replyRef`).
    #[derive(Debug, Clone, PartialEq)]
    pub struct FeedReplyRef {
        /// The thread's first post.
        pub root: MaybePost => req "root",
        /// The post replied to.
        pub parent: MaybePost => req "parent",
        /// The author of the parent's parent, when the parent is itself a reply.
        #[serde(skip_serializing_if = "Option::is_none")]
        pub grandparent_author: Option<ProfileViewBasic> => opt "grandparentAuthor",
    }
    /// Everything else, kept as sent.
    extra;
}

lexicon_object! {
    /// A repost reason.
    #[derive(Debug, Clone, PartialEq)]
    pub struct ReasonRepost {
        /// Who reposted.
        pub by: ProfileViewBasic => req "by",
        /// When.
        #[serde(skip_serializing_if = "String::is_empty")]
        pub indexed_at: String => opt "indexedAt",
    }
    /// Everything else (uri, cid of the repost record), kept as sent.
    extra;
}

lexicon_object! {
    /// A pinned-post reason (no fields of its own).
    #[derive(Debug, Clone, PartialEq)]
    pub struct ReasonPin {
    }
    /// Everything, kept as sent.
    extra;
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

lexicon_object! {
    /// One entry of a feed (`#feedViewPost`).
    #[derive(Debug, Clone, PartialEq)]
    pub struct FeedViewPost {
        /// The post shown.
        pub post: PostView => req "post",
        /// For a reply: its root and parent.
        #[serde(skip_serializing_if = "Option::is_none")]
        pub reply: Option<FeedReplyRef> => opt "reply",
        /// Why it is in the feed (repost, pin, or a kind SkyPanel does not know yet).
        #[serde(skip_serializing_if = "Option::is_none")]
        pub reason: Option<Reason> => opt "reason",
    }
    /// Everything else (feedContext, reqId, …), kept as sent.
    extra;
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
    #[serde(skip_serializing_if = "Option::is_none")]
    pub author_name: Option<String>,
    /// The post's text.
    pub text: String,
    /// When the AppView indexed the post.
    pub indexed_at: String,
    /// Handle of the reposter, for a repost.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reposted_by: Option<String>,
    /// The at-uri of the parent, for a reply.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reply_parent: Option<String>,
    /// The embed's `$type`, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub embed: Option<String>,
    /// `$type`s in the item SkyPanel cannot show yet.
    #[serde(skip_serializing_if = "Vec::is_empty")]
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
            let view: FeedViewPost =
                serde_json::from_str(raw.get()).map_err(|e| format!("feed item {i}: {e}"))?;
            feed.push(FeedItem { raw: raw.to_owned(), view });
        }
        Ok(TimelinePage { cursor: page.cursor, feed })
    }

    /// The summaries of all items, in order.
    pub fn summaries(&self) -> Vec<FeedItemSummary> {
        self.feed.iter().map(|i| i.view.summary()).collect()
    }
}

lexicon_object! {
    /// A thread around one post (`#threadViewPost`).
    #[derive(Debug, Clone, PartialEq)]
    pub struct ThreadViewPost {
        /// The post.
        pub post: PostView => req "post",
        /// Its parent, up to the requested height.
        #[serde(skip_serializing_if = "Option::is_none")]
        pub parent: Option<Box<ThreadView>> => opt "parent",
        /// Its replies, down to the requested depth.
        #[serde(skip_serializing_if = "Option::is_none")]
        pub replies: Option<Vec<ThreadView>> => opt "replies",
    }
    /// Everything else (threadContext, …), kept as sent.
    extra;
}

fn infer_thread(v: &Peek) -> Option<&'static str> {
    match infer_maybe_post(v) {
        Some("app.bsky.feed.defs#postView") => None,
        other => other,
    }
    .or_else(|| v.post.then_some("app.bsky.feed.defs#threadViewPost"))
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
