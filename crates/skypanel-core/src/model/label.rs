//! Moderation labels (`com.atproto.label.defs#label`).

use super::object::lexicon_object;

lexicon_object! {
    /// A label applied to an account or a record.
    #[derive(Debug, Clone, PartialEq)]
    pub struct Label {
        /// Who applied it (a labeler's DID).
        pub src: String => req "src",
        /// What it applies to (an at-uri or a DID).
        pub uri: String => req "uri",
        /// The label value, e.g. `porn`, `!hide`, `!no-unauthenticated`.
        pub val: String => req "val",
        /// True when this negates an earlier label.
        #[serde(skip_serializing_if = "Option::is_none")]
        pub neg: Option<bool> => opt "neg",
        /// When it was applied.
        #[serde(skip_serializing_if = "Option::is_none")]
        pub cts: Option<String> => opt "cts",
    }
    /// Everything else, kept as sent.
    extra;
}
