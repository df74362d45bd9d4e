//! The post record (`app.bsky.feed.post`) and its rich-text facets.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::object::lexicon_object;
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

lexicon_object! {
    /// A post record as its author wrote it.
    #[derive(Debug, Clone, PartialEq)]
    pub struct PostRecord {
        /// The text (at most 300 graphemes on Bluesky, but never trust that).
        pub text: String => opt "text",
        /// Links, mentions and tags, by UTF-8 byte range of `text`.
        #[serde(skip_serializing_if = "Option::is_none")]
        pub facets: Option<Vec<Facet>> => opt "facets",
        /// Languages of the text (BCP-47).
        #[serde(skip_serializing_if = "Option::is_none")]
        pub langs: Option<Vec<String>> => opt "langs",
        /// For a reply: its root and parent.
        #[serde(skip_serializing_if = "Option::is_none")]
        pub reply: Option<RecordReplyRef> => opt "reply",
        /// The embed as written (images with blob refs, a record ref, …); the hydrated view of it
        /// is `PostView::embed`.
        #[serde(skip_serializing_if = "Option::is_none")]
        pub embed: Option<Value> => opt "embed",
        /// When the author says it was written.
        pub created_at: String => opt "createdAt",
    }
    /// Everything else (`$type`, labels, tags, …), kept as sent.
    extra;
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

lexicon_object! {
    /// A rich-text annotation of part of a post's text.
    #[derive(Debug, Clone, PartialEq)]
    pub struct Facet {
        /// The annotated bytes.
        pub index: ByteSlice => req "index",
        /// What they are (usually exactly one feature).
        pub features: Vec<FacetFeature> => opt "features",
    }
    /// Everything else, kept as sent.
    extra;
}

lexicon_object! {
    /// A link feature.
    #[derive(Debug, Clone, PartialEq)]
    pub struct LinkFeature {
        /// The full URL (the text may show it shortened).
        pub uri: String => req "uri",
    }
    /// Everything else, kept as sent.
    extra;
}

lexicon_object! {
    /// A mention feature.
    #[derive(Debug, Clone, PartialEq)]
    pub struct MentionFeature {
        /// The mentioned account's DID.
        pub did: String => req "did",
    }
    /// Everything else, kept as sent.
    extra;
}

lexicon_object! {
    /// A hashtag feature.
    #[derive(Debug, Clone, PartialEq)]
    pub struct TagFeature {
        /// The tag, without `#`.
        pub tag: String => req "tag",
    }
    /// Everything else, kept as sent.
    extra;
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
