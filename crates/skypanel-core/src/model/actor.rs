//! Accounts as they appear inside posts and feeds (`app.bsky.actor.defs#profileViewBasic`).

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// The short profile embedded in posts, reposts and replies.
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
    /// Fields SkyPanel does not model (labels, viewer state, associated, …), kept as sent.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}
