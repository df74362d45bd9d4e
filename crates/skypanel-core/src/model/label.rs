//! Moderation labels (`com.atproto.label.defs#label`).

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// A label applied to an account or a record.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Label {
    /// Who applied it (a labeler's DID).
    pub src: String,
    /// What it applies to (an at-uri or a DID).
    pub uri: String,
    /// The label value, e.g. `porn`, `!hide`, `!no-unauthenticated`.
    pub val: String,
    /// True when this negates an earlier label.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub neg: Option<bool>,
    /// When it was applied.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cts: Option<String>,
    /// Everything else, kept as sent.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}
