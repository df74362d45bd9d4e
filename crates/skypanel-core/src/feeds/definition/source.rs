//! Where a feed's posts come from: the [`Source`] kinds as the rest of SkyPanel sees them,
//! their display labels and whether they need an account, and [`read_target`], which reads
//! a list or custom feed written as an at-uri or a bsky.app link into the record it names.

use serde_json::Value;

use crate::uri::{AtUri, BskyLink};
use crate::xrpc::SearchQuery;

/// Where a feed's posts come from. Every known kind may carry a `label`, the name shown on
/// the posts it brings (see [`Source::label`]).
#[derive(Debug, Clone, PartialEq)]
pub enum Source {
    /// The viewer's home timeline (needs an account).
    Timeline {
        /// Display name, if the user gave one.
        label: Option<String>,
    },
    /// One account's posts.
    Author {
        /// A handle or DID, as written (without a leading `@`).
        actor: String,
        /// Include the account's replies (default `true`).
        replies: bool,
        /// Include the account's reposts (default `true`).
        reposts: bool,
        /// Display name, if the user gave one.
        label: Option<String>,
    },
    /// A list's feed: posts by its members.
    List {
        /// An at-uri or a bsky.app list URL, as written; see [`Source::target`].
        uri: String,
        /// Display name, if the user gave one.
        label: Option<String>,
    },
    /// A list's members as people: each member's own posts.
    ListMembers {
        /// An at-uri or a bsky.app list URL, as written; see [`Source::target`].
        uri: String,
        /// Display name, if the user gave one.
        label: Option<String>,
    },
    /// A custom feed (feed generator).
    Feed {
        /// An at-uri or a bsky.app feed URL, as written; see [`Source::target`].
        uri: String,
        /// Display name, if the user gave one.
        label: Option<String>,
    },
    /// A Bluesky search, with the options `app.bsky.feed.searchPosts` takes.
    Search {
        /// The query and its options (`q`, `sort`, `lang`, `since`, `until`, `author`,
        /// `mentions`, `domain`, `url`, `tags`). Boxed: it is the largest kind by far.
        query: Box<SearchQuery>,
        /// Display name, if the user gave one.
        label: Option<String>,
    },
    /// The user's SkyPanel library of saved posts.
    Saved {
        /// Display name, if the user gave one.
        label: Option<String>,
    },
    /// Posts of mutuals: people the viewer follows who follow back (needs an account).
    Mutuals {
        /// Display name, if the user gave one.
        label: Option<String>,
    },
    /// Posts of quiet posters: people the viewer follows who post rarely (needs an account).
    Quiet {
        /// The window the posting rate is measured over, in days (default 30).
        days: u32,
        /// Quiet means at most this many posts a day over the window (default 0.5).
        max_per_day: f64,
        /// Display name, if the user gave one.
        label: Option<String>,
    },
    /// A source this SkyPanel cannot run (unknown kind, or a required field missing or
    /// malformed), kept verbatim.
    Unknown(Value),
}

/// Which account's list or feed a [`Source`] names, once its `uri` is read: the fetcher
/// resolves `actor` to a DID when it is a handle, then calls [`Target::at_uri`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    /// The owning account: a DID, or a handle still to resolve.
    pub actor: String,
    /// `app.bsky.graph.list` or `app.bsky.feed.generator`.
    pub collection: &'static str,
    /// The record key.
    pub rkey: String,
    /// Whether it was written as a bsky.app URL (else an at-uri).
    pub from_url: bool,
}

impl Target {
    /// Whether `actor` is a handle that must be resolved to a DID first.
    pub fn needs_resolution(&self) -> bool {
        !self.actor.starts_with("did:")
    }

    /// The at-uri, given the owner's DID (pass `actor` itself when it already is one).
    pub fn at_uri(&self, did: &str) -> String {
        format!("at://{did}/{}/{}", self.collection, self.rkey)
    }
}

/// The collection of list records.
pub const LIST_COLLECTION: &str = "app.bsky.graph.list";
/// The collection of feed generator records.
pub const FEED_COLLECTION: &str = "app.bsky.feed.generator";

/// Reads a list or feed reference written as an at-uri or a bsky.app URL, expecting a
/// record of `collection`. The error says what to write instead.
pub fn read_target(uri: &str, collection: &'static str) -> Result<Target, String> {
    let what = if collection == LIST_COLLECTION { "list" } else { "custom feed" };
    let example = if collection == LIST_COLLECTION {
        "https://bsky.app/profile/alice.bsky.social/lists/3k… or at://did:plc:…/app.bsky.graph.list/3k…"
    } else {
        "https://bsky.app/profile/alice.bsky.social/feed/… or at://did:plc:…/app.bsky.feed.generator/…"
    };
    let uri = uri.trim();
    if uri.starts_with("at://") {
        let at = AtUri::parse(uri)
            .map_err(|_| format!("'{uri}' is not a valid at-uri: write a {what} as {example}"))?;
        return match (at.collection.as_deref(), at.rkey) {
            (Some(c), Some(rkey)) if c == collection => {
                Ok(Target { actor: at.authority, collection, rkey, from_url: false })
            }
            _ => Err(format!("'{uri}' is not a {what}: write a {what} as {example}")),
        };
    }
    match BskyLink::parse(uri) {
        Ok(BskyLink::List { actor, rkey }) if collection == LIST_COLLECTION => {
            Ok(Target { actor, collection, rkey, from_url: true })
        }
        Ok(BskyLink::Feed { actor, rkey }) if collection == FEED_COLLECTION => {
            Ok(Target { actor, collection, rkey, from_url: true })
        }
        Ok(_) => Err(format!("'{uri}' is a bsky.app link, but not to a {what}: write {example}")),
        Err(_) => {
            Err(format!("'{uri}' is neither an at-uri nor a bsky.app link: write a {what} as {example}"))
        }
    }
}

impl Source {
    /// The name shown for this source: its `label`, or a default such as `timeline`,
    /// `@bob.test`, `list`, `search “rocket”`, `saved posts`, `mutuals`, `quiet posters`.
    pub fn label(&self) -> String {
        let given = match self {
            Source::Timeline { label }
            | Source::Author { label, .. }
            | Source::List { label, .. }
            | Source::ListMembers { label, .. }
            | Source::Feed { label, .. }
            | Source::Search { label, .. }
            | Source::Saved { label }
            | Source::Mutuals { label }
            | Source::Quiet { label, .. } => label.as_deref(),
            Source::Unknown(v) => v.get("label").and_then(Value::as_str),
        };
        if let Some(l) = given.filter(|l| !l.trim().is_empty()) {
            return l.to_owned();
        }
        match self {
            Source::Timeline { .. } => "timeline".into(),
            Source::Author { actor, .. } => format!("@{actor}"),
            Source::List { .. } => "list".into(),
            Source::ListMembers { .. } => "list members".into(),
            Source::Feed { .. } => "custom feed".into(),
            Source::Search { query, .. } => format!("search “{}”", query.q),
            Source::Saved { .. } => "saved posts".into(),
            Source::Mutuals { .. } => "mutuals".into(),
            Source::Quiet { .. } => "quiet posters".into(),
            Source::Unknown(v) => match v.get("kind").and_then(Value::as_str) {
                Some(kind) => format!("{kind} (not run)"),
                None => "unknown source (not run)".into(),
            },
        }
    }

    /// The `kind` as written in the file.
    pub fn kind(&self) -> &str {
        match self {
            Source::Timeline { .. } => "timeline",
            Source::Author { .. } => "author",
            Source::List { .. } => "list",
            Source::ListMembers { .. } => "listMembers",
            Source::Feed { .. } => "feed",
            Source::Search { .. } => "search",
            Source::Saved { .. } => "saved",
            Source::Mutuals { .. } => "mutuals",
            Source::Quiet { .. } => "quiet",
            Source::Unknown(v) => v.get("kind").and_then(Value::as_str).unwrap_or(""),
        }
    }

    /// For a list, list-members or feed source: which record its `uri` names. `None` for
    /// other kinds, and for a `uri` that cannot be read (`parse` reported it already).
    pub fn target(&self) -> Option<Target> {
        match self {
            Source::List { uri, .. } | Source::ListMembers { uri, .. } => {
                read_target(uri, LIST_COLLECTION).ok()
            }
            Source::Feed { uri, .. } => read_target(uri, FEED_COLLECTION).ok(),
            _ => None,
        }
    }

    /// Whether this source needs a signed-in account.
    pub fn needs_account(&self) -> bool {
        matches!(
            self,
            Source::Timeline { .. } | Source::Search { .. } | Source::Mutuals { .. } | Source::Quiet { .. }
        )
    }
}
