//! Feed generators and lists (`app.bsky.feed.defs#generatorView`, `app.bsky.graph.defs`).

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::actor::ProfileViewBasic;

/// A custom feed (`app.bsky.feed.defs#generatorView`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct GeneratorView {
    /// `at://<did>/app.bsky.feed.generator/<rkey>`.
    pub uri: String,
    /// Record version.
    pub cid: String,
    /// The feed service's DID.
    pub did: String,
    /// Who made the feed.
    pub creator: ProfileViewBasic,
    /// The feed's name.
    pub display_name: String,
    /// Its description.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Its avatar URL.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub avatar: Option<String>,
    /// Number of likes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub like_count: Option<u64>,
    /// Everything else, kept as sent.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// A list (`app.bsky.graph.defs#listView` or `#listViewBasic`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ListView {
    /// `at://<did>/app.bsky.graph.list/<rkey>`.
    pub uri: String,
    /// Record version.
    pub cid: String,
    /// The list's name.
    pub name: String,
    /// `app.bsky.graph.defs#curatelist`, `#modlist` or `#referencelist`.
    pub purpose: String,
    /// Who made it (absent in the basic view).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub creator: Option<ProfileViewBasic>,
    /// Its description.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Its avatar URL.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub avatar: Option<String>,
    /// Everything else, kept as sent.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}
