//! What a library search asks for, and how search text is compared.

use serde::{Deserialize, Serialize};

use super::facts::{KIND_IMAGES, KIND_LINK, KIND_QUOTE, KIND_VIDEO};

/// A kind of post the library can filter by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Kind {
    /// Has a link card or a link in its text (its own or its quoted post's).
    Link,
    /// Has images (its own or its quoted post's).
    Images,
    /// Has a video (its own or its quoted post's).
    Video,
    /// Quotes another post.
    Quote,
}

impl Kind {
    /// The bit this kind sets in [`super::IndexEntry::kinds`].
    pub fn flag(self) -> u8 {
        match self {
            Kind::Link => KIND_LINK,
            Kind::Images => KIND_IMAGES,
            Kind::Video => KIND_VIDEO,
            Kind::Quote => KIND_QUOTE,
        }
    }
}

/// In which order results come.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Order {
    /// Most recently saved first.
    #[default]
    NewestFirst,
    /// Earliest saved first.
    OldestFirst,
}

/// Which time `since` and `until` apply to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum DateBasis {
    /// When the user saved the post.
    #[default]
    Saved,
    /// When the author posted it (posts without a readable date never match a date range).
    Posted,
}

/// A search of the library. Every filter given must hold; an empty query lists everything.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct Query {
    /// Words that must all appear (any case) in the text, alt texts, links, author, tags or
    /// note; `"a phrase"` in double quotes must appear as written.
    pub text: String,
    /// Kinds the post must all have.
    pub kinds: Vec<Kind>,
    /// The author's handle (with or without `@`) or DID.
    pub author: Option<String>,
    /// A tag the post must carry (any case, with or without `#`).
    pub tag: Option<String>,
    /// Only posts at or after this time (ms since the epoch).
    pub since: Option<i64>,
    /// Only posts before this time (ms since the epoch).
    pub until: Option<i64>,
    /// Which time `since` and `until` compare with.
    pub dates: DateBasis,
    /// Result order (by saved time).
    pub order: Order,
    /// How many matches to skip (for paging).
    pub offset: usize,
    /// How many at-uris to return at most (default 50; 0 just counts).
    pub limit: usize,
}

impl Default for Query {
    fn default() -> Self {
        Query {
            text: String::new(),
            kinds: Vec::new(),
            author: None,
            tag: None,
            since: None,
            until: None,
            dates: DateBasis::Saved,
            order: Order::NewestFirst,
            offset: 0,
            limit: 50,
        }
    }
}

/// A page of search results.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct SearchResult {
    /// How many posts match in all.
    pub total: usize,
    /// The at-uris of the requested page of matches, in order.
    pub uris: Vec<String>,
}

/// Text as search compares it: Unicode lowercase, final sigma as sigma, and every run of
/// whitespace as one space.
pub fn fold(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for word in s.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        out.extend(word.chars().flat_map(char::to_lowercase).map(|c| if c == 'ς' { 'σ' } else { c }));
    }
    out
}

/// The folded terms of a search text: words, and `"quoted phrases"` kept whole (an
/// unclosed quote runs to the end).
pub fn terms(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    for (i, part) in text.split('"').enumerate() {
        if i % 2 == 1 {
            out.push(fold(part)); // inside quotes
        } else {
            out.extend(part.split_whitespace().map(fold));
        }
    }
    out.retain(|t| !t.is_empty());
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folding_is_unicode_aware() {
        assert_eq!(fold("  ÉCOLE\n\tÜber  ΟΔΟΣ "), "école über οδοσ");
        assert_eq!(fold("İstanbul"), "i\u{307}stanbul");
    }

    #[test]
    fn terms_and_phrases() {
        assert_eq!(terms(r#"Rust "Hello   World" wasm"#), ["rust", "hello world", "wasm"]);
        assert_eq!(terms(r#"a "unclosed phrase"#), ["a", "unclosed phrase"]);
        assert_eq!(terms(r#" "" "#), Vec::<String>::new());
    }

    #[test]
    fn queries_read_from_json_with_defaults() {
        let q: Query =
            serde_json::from_str(r#"{"text":"x","kinds":["video"],"order":"oldestFirst"}"#).unwrap();
        assert_eq!(q.limit, 50);
        assert_eq!(q.kinds, [Kind::Video]);
        assert_eq!(q.order, Order::OldestFirst);
    }
}
