//! On-the-fly feeds: a `skypanel.feed` definition ([`definition`]) says which sources to read,
//! how to filter, sort, dedupe, cap and collapse them; the engine ([`engine`], pure) applies it
//! to candidate posts; moderation ([`moderation`]) honours the viewer's muted words, muted and
//! blocked accounts and hidden labels; [`merge`] pages many sources by time with one cursor;
//! [`fetch`] fetches the sources in parallel through the XRPC client, and [`computed`] works
//! out mutuals and quiet posters. The same code runs in the extension's worker (wasm) and in
//! the terminal reader, so one definition gives the same posts in both.
//!
//! The shared vocabulary of those modules is here: a [`Candidate`] (one feed item with the
//! sources that brought it and its place in time), a [`Problem`] (something wrong at one
//! field of a definition, or one source that failed: reported, while the rest of the feed
//! still runs) and a [`Step`] (how many posts went into and out of one stage).

pub mod answer;
pub mod computed;
pub mod definition;
pub mod engine;
pub mod fetch;
pub mod limit;
pub mod merge;
pub mod moderation;

use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;

use crate::model::FeedViewPost;

/// Where a candidate sits in time, newest first: milliseconds since the epoch, then the
/// at-uri to break ties. Larger keys come first in a `newest` feed.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct SortKey {
    /// Milliseconds since the Unix epoch (the repost's time for a repost).
    pub time_ms: i64,
    /// The feed item's identity: the post's at-uri, or `<post uri>#repost:<reposter did>`.
    pub id: String,
}

/// One feed item on its way through a feed: the item exactly as the server sent it, its
/// typed view, and the sources (indices into the definition's `sources`) that brought it.
#[derive(Debug, Clone)]
pub struct Candidate {
    /// The `#feedViewPost` exactly as received (a bare post view from search or the library
    /// is wrapped as `{"post": …}`), for lossless display and saving.
    pub raw: Box<RawValue>,
    /// The typed view of the same item.
    pub view: FeedViewPost,
    /// Its place in the merged order (see [`SortKey`]).
    pub key: SortKey,
    /// Indices into the definition's `sources` of every source that brought this post.
    pub sources: Vec<u16>,
    /// Handles of the accounts whose reposts brought this post, after dedupe merged them.
    pub reposted_by: Vec<String>,
}

/// Something wrong at one place of a definition, or with one source while it ran: shown at
/// that field in the editor; the rest of the feed still runs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Problem {
    /// Where: a JSON path into the definition, e.g. `sources[2].actor` or `filters[0].regex`;
    /// empty for the definition as a whole.
    pub path: String,
    /// The error kind (`InvalidInput`, `NotFound`, `UnknownList`, `NotSignedIn`, …).
    pub name: String,
    /// What is wrong and what to do, for a person.
    pub message: String,
}

/// How many posts went into one stage of a feed and came out of it, e.g.
/// `{label: "no reposts", in: 150, out: 112}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Step {
    /// The stage, as a person reads it ("timeline", "no reposts", "at least 5 likes").
    pub label: String,
    /// Posts going in.
    #[serde(rename = "in")]
    pub input: usize,
    /// Posts coming out.
    #[serde(rename = "out")]
    pub output: usize,
}
