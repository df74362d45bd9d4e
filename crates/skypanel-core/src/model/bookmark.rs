//! Bluesky's own private bookmarks (`app.bsky.bookmark.defs#bookmarkView`).

use super::feed::MaybePost;
use super::object::lexicon_object;
use super::post::StrongRef;

lexicon_object! {
    /// One bookmark and the post it points at.
    #[derive(Debug, Clone, PartialEq)]
    pub struct BookmarkView {
        /// The bookmarked post.
        pub subject: StrongRef => req "subject",
        /// When it was bookmarked.
        #[serde(skip_serializing_if = "Option::is_none")]
        pub created_at: Option<String> => opt "createdAt",
        /// The post, or why it cannot be shown.
        pub item: MaybePost => req "item",
    }
    /// Everything else, kept as sent.
    extra;
}
