//! Bluesky's own private bookmarks (`app.bsky.bookmark.defs#bookmarkView`).

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::feed::MaybePost;
use super::post::StrongRef;

/// One bookmark and the post it points at.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BookmarkView {
    /// The bookmarked post.
    pub subject: StrongRef,
    /// When it was bookmarked.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub created_at: Option<String>,
    /// The post, or why it cannot be shown.
    pub item: MaybePost,
    /// Everything else, kept as sent.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}
