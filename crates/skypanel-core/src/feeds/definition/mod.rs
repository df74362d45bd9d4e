//! The `skypanel.feed` format: a feed definition as a JSON file that people write, share,
//! import and export (reference: `docs/feeds.md`).
//!
//! [`parse`] refuses a file only when it is not a feed definition at all, or one from a
//! newer SkyPanel; everything else that is wrong is a [`Problem`](super::Problem) at its field, and the rest
//! of the feed still runs. A source or filter that cannot run (an unknown kind, a missing
//! field, a malformed handle, an invalid regular expression) is kept verbatim as `Unknown`,
//! so saving the feed again loses nothing the user wrote, and is skipped when the feed runs.
//!
//! The format is in this module's files: the top level ([`Definition`], [`Sort`], the limits)
//! here, sources in `source.rs` and filters in `filter.rs`; reading and checking a file in
//! `read.rs` (the top level), `read_fields.rs` (typed fields of one item), `read_source.rs` and
//! `read_filter.rs`; writing it back in `write.rs`; the ready-made feeds in `starters.rs`.

use serde_json::{Map, Value};

use crate::grouping::PlanOptions;

mod filter;
mod read;
mod read_fields;
mod read_filter;
mod read_source;
mod source;
mod starters;
mod write;

pub use filter::{compile_regex, Filter, MediaKind, TextField, TextFilter};
pub use read::{from_value, parse};
pub use source::{read_target, Source, Target, FEED_COLLECTION, LIST_COLLECTION};
pub use starters::starters;

/// The value of `format` in every feed definition.
pub const FORMAT: &str = "skypanel.feed";
/// The newest format version this SkyPanel reads and writes.
pub const VERSION: u64 = 1;
/// At most this many sources run; the rest are reported and kept, not run.
pub const MAX_SOURCES: usize = 32;
/// At most this many filters with a regular expression run; the rest are reported and kept.
pub const MAX_REGEX_FILTERS: usize = 10;

/// One feed: where its posts come from, which to keep, and how to order them.
#[derive(Debug, Clone, PartialEq)]
pub struct Definition {
    /// The feed's name, as shown in the list of feeds.
    pub name: String,
    /// What the feed is for, optionally.
    pub description: Option<String>,
    /// Where posts come from, in the order written.
    pub sources: Vec<Source>,
    /// Which posts to keep, applied in order after the viewer's own moderation.
    pub filters: Vec<Filter>,
    /// The order of the posts.
    pub sort: Sort,
    /// One row per post however many sources bring it (default `true`).
    pub dedupe: bool,
    /// At most this many posts per author, across pages (`None`: no cap).
    pub per_author: Option<u32>,
    /// Show the feed in the collapsed view with these settings (`None`: not collapsed).
    pub collapse: Option<PlanOptions>,
    /// Top-level fields this SkyPanel does not know, kept verbatim and written back.
    pub extra: Map<String, Value>,
}

impl Default for Definition {
    fn default() -> Self {
        Definition {
            name: String::new(),
            description: None,
            sources: Vec::new(),
            filters: Vec::new(),
            sort: Sort::Newest,
            dedupe: true,
            per_author: None,
            collapse: None,
            extra: Map::new(),
        }
    }
}

/// The order of a feed's posts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Sort {
    /// Newest first (by the item's time: a repost's is when it was reposted).
    #[default]
    Newest,
    /// Oldest first.
    Oldest,
    /// Most engagement first: likes + 2 × reposts + replies.
    Top,
    /// Likes decayed by age: likes / (hours + 2)^1.8.
    Hot,
}

impl Sort {
    /// The name in the file.
    pub fn name(self) -> &'static str {
        match self {
            Sort::Newest => "newest",
            Sort::Oldest => "oldest",
            Sort::Top => "top",
            Sort::Hot => "hot",
        }
    }
}

impl Definition {
    /// The list uris (as written) whose members the `exclude` filters need.
    pub fn lists_needed(&self) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        for f in &self.filters {
            if let Filter::Exclude { list: Some(l), .. } = f {
                if !out.contains(l) {
                    out.push(l.clone());
                }
            }
        }
        out
    }

    /// Whether running this feed needs the viewer's Bluesky preferences (muted words and
    /// label settings). Always true when signed in: muted-account and label moderation
    /// always applies; kept as a method so the fetcher asks one place.
    pub fn needs_preferences(&self) -> bool {
        true
    }

    /// Whether any filter uses the viewer's muted words.
    pub fn uses_muted_words(&self) -> bool {
        self.filters.iter().any(|f| matches!(f, Filter::MutedWords))
    }
}
