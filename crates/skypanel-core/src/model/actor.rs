//! Accounts (`app.bsky.actor.defs`).

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::label::Label;

/// The viewer's relationship to an account.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ActorViewerState {
    /// The viewer muted this account.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub muted: Option<bool>,
    /// This account blocks the viewer.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub blocked_by: Option<bool>,
    /// The viewer's block record, if the viewer blocks this account.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub blocking: Option<String>,
    /// The viewer's follow record, if the viewer follows this account.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub following: Option<String>,
    /// This account's follow record of the viewer, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub followed_by: Option<String>,
    /// Everything else, kept as sent.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// The short profile embedded in posts, reposts and replies (`#profileViewBasic`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ProfileViewBasic {
    /// The account's permanent identifier (`did:plc:…` or `did:web:…`).
    pub did: String,
    /// The account's current handle, e.g. `alice.bsky.social`.
    pub handle: String,
    /// The display name, if the account set one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub display_name: Option<String>,
    /// URL of the avatar thumbnail, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub avatar: Option<String>,
    /// The viewer's relationship to the account.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub viewer: Option<ActorViewerState>,
    /// Labels on the account.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub labels: Option<Vec<Label>>,
    /// Fields SkyPanel does not model (associated, createdAt, verification, …), kept as sent.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// A full profile (`#profileViewDetailed`, from `app.bsky.actor.getProfile`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ProfileViewDetailed {
    /// The account's DID.
    pub did: String,
    /// The account's handle.
    pub handle: String,
    /// The display name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub display_name: Option<String>,
    /// The profile's description (bio).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Avatar URL.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub avatar: Option<String>,
    /// Banner URL.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub banner: Option<String>,
    /// Number of followers.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub followers_count: Option<u64>,
    /// Number of accounts followed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub follows_count: Option<u64>,
    /// Number of posts.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub posts_count: Option<u64>,
    /// The viewer's relationship to the account.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub viewer: Option<ActorViewerState>,
    /// Labels on the account.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub labels: Option<Vec<Label>>,
    /// Everything else, kept as sent.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}
