//! Feed generators and lists (`app.bsky.feed.defs#generatorView`, `app.bsky.graph.defs`).

use super::actor::ProfileViewBasic;
use super::object::lexicon_object;

lexicon_object! {
    /// A custom feed (`app.bsky.feed.defs#generatorView`).
    #[derive(Debug, Clone, PartialEq)]
    pub struct GeneratorView {
        /// `at://<did>/app.bsky.feed.generator/<rkey>`.
        pub uri: String => req "uri",
        /// Record version.
        pub cid: String => req "cid",
        /// The feed service's DID.
        pub did: String => req "did",
        /// Who made the feed.
        pub creator: ProfileViewBasic => req "creator",
        /// The feed's name.
        pub display_name: String => req "displayName",
        /// Its description.
        #[serde(skip_serializing_if = "Option::is_none")]
        pub description: Option<String> => opt "description",
        /// Its avatar URL.
        #[serde(skip_serializing_if = "Option::is_none")]
        pub avatar: Option<String> => opt "avatar",
        /// Number of likes.
        #[serde(skip_serializing_if = "Option::is_none")]
        pub like_count: Option<u64> => opt "likeCount",
    }
    /// Everything else, kept as sent.
    extra;
}

lexicon_object! {
    /// A list (`app.bsky.graph.defs#listView` or `#listViewBasic`).
    #[derive(Debug, Clone, PartialEq)]
    pub struct ListView {
        /// `at://<did>/app.bsky.graph.list/<rkey>`.
        pub uri: String => req "uri",
        /// Record version.
        pub cid: String => req "cid",
        /// The list's name.
        pub name: String => req "name",
        /// `app.bsky.graph.defs#curatelist`, `#modlist` or `#referencelist`.
        pub purpose: String => req "purpose",
        /// Who made it (absent in the basic view).
        #[serde(skip_serializing_if = "Option::is_none")]
        pub creator: Option<ProfileViewBasic> => opt "creator",
        /// Its description.
        #[serde(skip_serializing_if = "Option::is_none")]
        pub description: Option<String> => opt "description",
        /// Its avatar URL.
        #[serde(skip_serializing_if = "Option::is_none")]
        pub avatar: Option<String> => opt "avatar",
    }
    /// Everything else, kept as sent.
    extra;
}
