//! The post record (`app.bsky.feed.post`) and its rich-text facets.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::union::open_union;

/// A reference to one version of a record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StrongRef {
    /// The record's at-uri.
    pub uri: String,
    /// The record version's content hash.
    pub cid: String,
}

/// Where a reply sits in its thread (`app.bsky.feed.post#replyRef`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RecordReplyRef {
    /// The thread's first post.
    pub root: StrongRef,
    /// The post replied to.
    pub parent: StrongRef,
}

/// A post record as its author wrote it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PostRecord {
    /// The text (at most 300 graphemes on Bluesky, but never trust that).
    #[serde(default)]
    pub text: String,
    /// Links, mentions and tags, by UTF-8 byte range of `text`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub facets: Option<Vec<Facet>>,
    /// Languages of the text (BCP-47).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub langs: Option<Vec<String>>,
    /// For a reply: its root and parent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reply: Option<RecordReplyRef>,
    /// The embed as written (images with blob refs, a record ref, …); the hydrated view of it
    /// is `PostView::embed`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub embed: Option<Value>,
    /// When the author says it was written.
    #[serde(default)]
    pub created_at: String,
    /// Everything else (`$type`, labels, tags, …), kept as sent.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// A UTF-8 byte range of a post's text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ByteSlice {
    /// First byte (inclusive).
    pub byte_start: u64,
    /// Last byte (exclusive).
    pub byte_end: u64,
}

/// A rich-text annotation of part of a post's text.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Facet {
    /// The annotated bytes.
    pub index: ByteSlice,
    /// What they are (usually exactly one feature).
    #[serde(default)]
    pub features: Vec<FacetFeature>,
    /// Everything else, kept as sent.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// A link feature.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LinkFeature {
    /// The full URL (the text may show it shortened).
    pub uri: String,
    /// Everything else, kept as sent.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// A mention feature.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MentionFeature {
    /// The mentioned account's DID.
    pub did: String,
    /// Everything else, kept as sent.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// A hashtag feature.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TagFeature {
    /// The tag, without `#`.
    pub tag: String,
    /// Everything else, kept as sent.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

open_union! {
    /// What a facet marks (`app.bsky.richtext.facet#…`).
    pub enum FacetFeature {
        /// A link.
        Link(LinkFeature) = "app.bsky.richtext.facet#link",
        /// A mention of an account.
        Mention(MentionFeature) = "app.bsky.richtext.facet#mention",
        /// A hashtag.
        Tag(TagFeature) = "app.bsky.richtext.facet#tag",
    }
}
