//! Feed items (`app.bsky.feed.defs#feedViewPost`) and pages of them.

use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;
use serde_json::{Map, Value};

use super::actor::ProfileViewBasic;

/// The `$type` of a repost reason.
pub const REASON_REPOST: &str = "app.bsky.feed.defs#reasonRepost";
/// The `$type` of a pinned-post reason.
pub const REASON_PIN: &str = "app.bsky.feed.defs#reasonPin";

/// One post as the AppView presents it (`app.bsky.feed.defs#postView`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PostView {
    /// `at://<did>/app.bsky.feed.post/<rkey>`.
    pub uri: String,
    /// Content hash of the record.
    pub cid: String,
    /// Who wrote it.
    pub author: ProfileViewBasic,
    /// The post record itself (`app.bsky.feed.post`), kept exactly as sent.
    pub record: Value,
    /// When the AppView indexed it.
    pub indexed_at: String,
    /// Everything else (embed, counts, labels, viewer state, …), kept as sent.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl PostView {
    /// The post's text, or `""` if the record has none.
    pub fn text(&self) -> &str {
        self.record
            .get("text")
            .and_then(Value::as_str)
            .unwrap_or("")
    }

    /// The record's `createdAt`, if present.
    pub fn created_at(&self) -> Option<&str> {
        self.record.get("createdAt").and_then(Value::as_str)
    }

    /// The record key: the last segment of the at-uri.
    pub fn rkey(&self) -> &str {
        self.uri.rsplit('/').next().unwrap_or("")
    }
}

/// Why a post is in a feed. The lexicon's union is open: unknown kinds are kept, not refused.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Reason {
    /// The union member, e.g. [`REASON_REPOST`] or [`REASON_PIN`].
    #[serde(rename = "$type", default)]
    pub kind: String,
    /// For a repost: who reposted it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub by: Option<ProfileViewBasic>,
    /// Everything else, kept as sent.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// One entry of a feed (`app.bsky.feed.defs#feedViewPost`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FeedViewPost {
    /// The post shown.
    pub post: PostView,
    /// For a reply: its root and parent (each a postView, notFoundPost or blockedPost).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reply: Option<Value>,
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
        self.reason
            .as_ref()
            .filter(|r| r.kind == REASON_REPOST)
            .and_then(|r| r.by.as_ref())
    }

    /// The account that put this item in the timeline: the reposter for a repost, otherwise
    /// the author. Collapsed view groups by this.
    pub fn owner(&self) -> &ProfileViewBasic {
        self.reposted_by().unwrap_or(&self.post.author)
    }

    /// The at-uri of the parent post, for a reply.
    pub fn reply_parent_uri(&self) -> Option<&str> {
        self.reply.as_ref()?.get("parent")?.get("uri")?.as_str()
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
            let view: FeedViewPost =
                serde_json::from_str(raw.get()).map_err(|e| format!("feed item {i}: {e}"))?;
            feed.push(FeedItem {
                raw: raw.to_owned(),
                view,
            });
        }
        Ok(TimelinePage {
            cursor: page.cursor,
            feed,
        })
    }

    /// The summaries of all items, in order.
    pub fn summaries(&self) -> Vec<FeedItemSummary> {
        self.feed.iter().map(|i| i.view.summary()).collect()
    }
}
