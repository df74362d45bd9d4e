//! Accounts (`app.bsky.actor.defs`).

use super::label::Label;
use super::object::lexicon_object;

lexicon_object! {
    /// The viewer's relationship to an account.
    #[derive(Debug, Clone, Default, PartialEq)]
    pub struct ActorViewerState {
        /// The viewer muted this account.
        #[serde(skip_serializing_if = "Option::is_none")]
        pub muted: Option<bool> => opt "muted",
        /// This account blocks the viewer.
        #[serde(skip_serializing_if = "Option::is_none")]
        pub blocked_by: Option<bool> => opt "blockedBy",
        /// The viewer's block record, if the viewer blocks this account.
        #[serde(skip_serializing_if = "Option::is_none")]
        pub blocking: Option<String> => opt "blocking",
        /// The viewer's follow record, if the viewer follows this account.
        #[serde(skip_serializing_if = "Option::is_none")]
        pub following: Option<String> => opt "following",
        /// This account's follow record of the viewer, if any.
        #[serde(skip_serializing_if = "Option::is_none")]
        pub followed_by: Option<String> => opt "followedBy",
    }
    /// Everything else, kept as sent.
    extra;
}

lexicon_object! {
    /// The short profile embedded in posts, reposts and replies (`#profileViewBasic`).
    #[derive(Debug, Clone, PartialEq)]
    pub struct ProfileViewBasic {
        /// The account's permanent identifier (`did:plc:…` or `did:web:…`).
        pub did: String => req "did",
        /// The account's current handle, e.g. `alice.bsky.social`.
        pub handle: String => req "handle",
        /// The display name, if the account set one.
        #[serde(skip_serializing_if = "Option::is_none")]
        pub display_name: Option<String> => opt "displayName",
        /// URL of the avatar thumbnail, if any.
        #[serde(skip_serializing_if = "Option::is_none")]
        pub avatar: Option<String> => opt "avatar",
        /// The viewer's relationship to the account.
        #[serde(skip_serializing_if = "Option::is_none")]
        pub viewer: Option<ActorViewerState> => opt "viewer",
        /// Labels on the account.
        #[serde(skip_serializing_if = "Option::is_none")]
        pub labels: Option<Vec<Label>> => opt "labels",
    }
    /// Fields SkyPanel does not model (associated, createdAt, verification, …), kept as sent.
    extra;
}

lexicon_object! {
    /// A full profile (`#profileViewDetailed`, from `app.bsky.actor.getProfile`).
    #[derive(Debug, Clone, PartialEq)]
    pub struct ProfileViewDetailed {
        /// The account's DID.
        pub did: String => req "did",
        /// The account's handle.
        pub handle: String => req "handle",
        /// The display name.
        #[serde(skip_serializing_if = "Option::is_none")]
        pub display_name: Option<String> => opt "displayName",
        /// The profile's description (bio).
        #[serde(skip_serializing_if = "Option::is_none")]
        pub description: Option<String> => opt "description",
        /// Avatar URL.
        #[serde(skip_serializing_if = "Option::is_none")]
        pub avatar: Option<String> => opt "avatar",
        /// Banner URL.
        #[serde(skip_serializing_if = "Option::is_none")]
        pub banner: Option<String> => opt "banner",
        /// Number of followers.
        #[serde(skip_serializing_if = "Option::is_none")]
        pub followers_count: Option<u64> => opt "followersCount",
        /// Number of accounts followed.
        #[serde(skip_serializing_if = "Option::is_none")]
        pub follows_count: Option<u64> => opt "followsCount",
        /// Number of posts.
        #[serde(skip_serializing_if = "Option::is_none")]
        pub posts_count: Option<u64> => opt "postsCount",
        /// The viewer's relationship to the account.
        #[serde(skip_serializing_if = "Option::is_none")]
        pub viewer: Option<ActorViewerState> => opt "viewer",
        /// Labels on the account.
        #[serde(skip_serializing_if = "Option::is_none")]
        pub labels: Option<Vec<Label>> => opt "labels",
    }
    /// Everything else, kept as sent.
    extra;
}
