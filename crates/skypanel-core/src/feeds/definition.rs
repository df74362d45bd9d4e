//! The `skypanel.feed` format: a feed definition as a JSON file that people write, share,
//! import and export (reference: `docs/feeds.md`).
//!
//! [`parse`] refuses a file only when it is not a feed definition at all, or one from a
//! newer SkyPanel; everything else that is wrong is a [`Problem`] at its field, and the rest
//! of the feed still runs. A source or filter that cannot run (an unknown kind, a missing
//! field, a malformed handle, an invalid regular expression) is kept verbatim as `Unknown`,
//! so saving the feed again loses nothing the user wrote, and is skipped when the feed runs.

use serde::ser::SerializeMap;
use serde::{Serialize, Serializer};
use serde_json::{Map, Value};

use super::Problem;
use crate::grouping::{Mode, PlanOptions};
use crate::uri::{is_valid_did, is_valid_handle, AtUri, BskyLink};
use crate::xrpc::SearchQuery;

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

    fn to_value(&self) -> Value {
        let mut m = Ordered::new();
        m.put("kind", self.kind().into());
        match self {
            Source::Unknown(v) => return v.clone(),
            Source::Timeline { .. } | Source::Saved { .. } | Source::Mutuals { .. } => {}
            Source::Author { actor, replies, reposts, .. } => {
                m.put("actor", actor.as_str().into());
                if !replies {
                    m.put("replies", false.into());
                }
                if !reposts {
                    m.put("reposts", false.into());
                }
            }
            Source::List { uri, .. } | Source::ListMembers { uri, .. } | Source::Feed { uri, .. } => {
                m.put("uri", uri.as_str().into());
            }
            Source::Search { query, .. } => {
                m.put("q", query.q.as_str().into());
                for (k, v) in [
                    ("sort", &query.sort),
                    ("lang", &query.lang),
                    ("since", &query.since),
                    ("until", &query.until),
                    ("author", &query.author),
                    ("mentions", &query.mentions),
                    ("domain", &query.domain),
                    ("url", &query.url),
                ] {
                    if let Some(v) = v {
                        m.put(k, v.as_str().into());
                    }
                }
                if !query.tags.is_empty() {
                    m.put("tags", query.tags.clone().into());
                }
            }
            Source::Quiet { days, max_per_day, .. } => {
                if *days != 30 {
                    m.put("days", (*days).into());
                }
                if *max_per_day != 0.5 {
                    m.put("maxPerDay", number(*max_per_day));
                }
            }
        }
        let label = match self {
            Source::Timeline { label }
            | Source::Author { label, .. }
            | Source::List { label, .. }
            | Source::ListMembers { label, .. }
            | Source::Feed { label, .. }
            | Source::Search { label, .. }
            | Source::Saved { label }
            | Source::Mutuals { label }
            | Source::Quiet { label, .. } => label,
            Source::Unknown(_) => &None,
        };
        if let Some(l) = label {
            m.put("label", l.as_str().into());
        }
        m.into_value()
    }
}

/// Which posts a feed keeps. Each known filter keeps or drops posts; `Unknown` ones are
/// kept verbatim and skipped.
#[derive(Debug, Clone, PartialEq)]
pub enum Filter {
    /// Words, phrases or a regular expression in the text, alt texts or links.
    Text(TextFilter),
    /// Keeps posts with any of these kinds of media.
    Media {
        /// The kinds (at least one).
        has: Vec<MediaKind>,
    },
    /// Keeps posts in these languages.
    Lang {
        /// Language codes (BCP-47, e.g. `en`, `pt-BR`); `en` also matches `en-US`. JSON key `in`.
        langs: Vec<String>,
        /// Keep posts that do not say their language (default `true`).
        keep_unknown: bool,
    },
    /// Replies: drop them, or keep only those to people the viewer follows.
    Replies {
        /// Keep replies at all (default `false`).
        keep: bool,
        /// With `keep`, only replies to someone the viewer follows, the viewer, or the
        /// author themselves (default `false`).
        only_following: bool,
    },
    /// Reposts: drop them all, or only those by some accounts.
    Reposts {
        /// Keep reposts (default `false`).
        keep: bool,
        /// When not empty, drop only reposts by these handles or DIDs.
        from: Vec<String>,
    },
    /// Quote posts.
    Quotes {
        /// Keep quote posts (default `false`).
        keep: bool,
    },
    /// Minimum counts; every one given must be met.
    Min {
        /// At least this many likes.
        likes: Option<u64>,
        /// At least this many reposts.
        reposts: Option<u64>,
        /// At least this many replies.
        replies: Option<u64>,
    },
    /// Only posts from the last `hours` (by the item's time: a repost's is when it was reposted).
    Since {
        /// The window, in hours (> 0).
        hours: f64,
    },
    /// Drops posts by (or reposted by) these accounts or the members of a list.
    Exclude {
        /// Handles or DIDs.
        actors: Vec<String>,
        /// A list (at-uri or bsky.app URL) whose members are excluded.
        list: Option<String>,
    },
    /// The viewer's own Bluesky muted words.
    MutedWords,
    /// A filter this SkyPanel cannot run, kept verbatim.
    Unknown(Value),
}

/// Where a text filter looks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TextField {
    /// The post's text (not a quoted post's).
    Text,
    /// Alt texts of images and video.
    Alt,
    /// Link card URL, title and description, and link facets' URLs.
    Link,
}

impl TextField {
    fn name(self) -> &'static str {
        match self {
            TextField::Text => "text",
            TextField::Alt => "alt",
            TextField::Link => "link",
        }
    }
}

/// A text filter: see [`Filter::Text`] and `docs/feeds.md` for the matching rules.
#[derive(Debug, Clone, PartialEq)]
pub struct TextFilter {
    /// At least one of these words or phrases.
    pub any: Vec<String>,
    /// Every one of these words or phrases.
    pub all: Vec<String>,
    /// A regular expression (regex-lite syntax), searched, not anchored.
    pub regex: Option<String>,
    /// Drop the posts that match instead of keeping them (default `false`).
    pub exclude: bool,
    /// Match letter case exactly (default `false`).
    pub case_sensitive: bool,
    /// Where to look (JSON key `in`; default all three).
    pub fields: Vec<TextField>,
}

/// A kind of media for [`Filter::Media`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum MediaKind {
    /// Images (also with a quote).
    Images,
    /// A video (also with a quote).
    Video,
    /// A link card or a link in the text.
    Link,
    /// A quoted post (or other record).
    Quote,
    /// No embed at all.
    None,
}

impl MediaKind {
    /// The name in the file.
    pub fn name(self) -> &'static str {
        match self {
            MediaKind::Images => "images",
            MediaKind::Video => "video",
            MediaKind::Link => "link",
            MediaKind::Quote => "quote",
            MediaKind::None => "none",
        }
    }
}

impl Filter {
    /// The `kind` as written in the file.
    pub fn kind(&self) -> &str {
        match self {
            Filter::Text(_) => "text",
            Filter::Media { .. } => "media",
            Filter::Lang { .. } => "lang",
            Filter::Replies { .. } => "replies",
            Filter::Reposts { .. } => "reposts",
            Filter::Quotes { .. } => "quotes",
            Filter::Min { .. } => "min",
            Filter::Since { .. } => "since",
            Filter::Exclude { .. } => "exclude",
            Filter::MutedWords => "mutedWords",
            Filter::Unknown(v) => v.get("kind").and_then(Value::as_str).unwrap_or(""),
        }
    }

    fn to_value(&self) -> Value {
        let mut m = Ordered::new();
        m.put("kind", self.kind().into());
        match self {
            Filter::Unknown(v) => return v.clone(),
            Filter::Text(t) => {
                if !t.any.is_empty() {
                    m.put("any", t.any.clone().into());
                }
                if !t.all.is_empty() {
                    m.put("all", t.all.clone().into());
                }
                if let Some(r) = &t.regex {
                    m.put("regex", r.as_str().into());
                }
                if t.exclude {
                    m.put("exclude", true.into());
                }
                if t.case_sensitive {
                    m.put("caseSensitive", true.into());
                }
                if t.fields != ALL_FIELDS {
                    m.put("in", t.fields.iter().map(|f| Value::from(f.name())).collect());
                }
            }
            Filter::Media { has } => m.put("has", has.iter().map(|k| Value::from(k.name())).collect()),
            Filter::Lang { langs, keep_unknown } => {
                m.put("in", langs.clone().into());
                if !keep_unknown {
                    m.put("keepUnknown", false.into());
                }
            }
            Filter::Replies { keep, only_following } => {
                m.put("keep", (*keep).into());
                if *only_following {
                    m.put("onlyFollowing", true.into());
                }
            }
            Filter::Reposts { keep, from } => {
                m.put("keep", (*keep).into());
                if !from.is_empty() {
                    m.put("from", from.clone().into());
                }
            }
            Filter::Quotes { keep } => m.put("keep", (*keep).into()),
            Filter::Min { likes, reposts, replies } => {
                for (k, v) in [("likes", likes), ("reposts", reposts), ("replies", replies)] {
                    if let Some(v) = v {
                        m.put(k, (*v).into());
                    }
                }
            }
            Filter::Since { hours } => m.put("hours", number(*hours)),
            Filter::Exclude { actors, list } => {
                m.put("actors", actors.clone().into());
                if let Some(l) = list {
                    m.put("list", l.as_str().into());
                }
            }
            Filter::MutedWords => {}
        }
        m.into_value()
    }
}

const ALL_FIELDS: [TextField; 3] = [TextField::Text, TextField::Alt, TextField::Link];

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

/// A JSON object that keeps its keys in the order written (serde_json's map sorts them).
struct Ordered(Vec<(String, Value)>);

impl Ordered {
    fn new() -> Self {
        Ordered(Vec::new())
    }
    fn put(&mut self, k: &str, v: Value) {
        self.0.push((k.to_owned(), v));
    }
    fn into_value(self) -> Value {
        Value::Object(self.0.into_iter().collect())
    }
}

/// A float as JSON: integers without a fraction (`24`, not `24.0`); NaN/infinity as null
/// (never produced by `parse`).
fn number(x: f64) -> Value {
    if x.fract() == 0.0 && x.abs() < 9.0e15 {
        Value::from(x as i64)
    } else {
        serde_json::Number::from_f64(x).map_or(Value::Null, Value::Number)
    }
}

impl Definition {
    /// The top-level fields in file order.
    fn entries(&self) -> Vec<(String, Value)> {
        let mut out: Vec<(String, Value)> = vec![
            ("format".into(), FORMAT.into()),
            ("version".into(), VERSION.into()),
            ("name".into(), self.name.as_str().into()),
        ];
        if let Some(d) = &self.description {
            out.push(("description".into(), d.as_str().into()));
        }
        out.push(("sources".into(), self.sources.iter().map(Source::to_value).collect()));
        out.push(("filters".into(), self.filters.iter().map(Filter::to_value).collect()));
        out.push(("sort".into(), self.sort.name().into()));
        out.push(("dedupe".into(), self.dedupe.into()));
        out.push(("perAuthor".into(), self.per_author.map_or(Value::Null, Value::from)));
        let collapse = self.collapse.map_or(Value::Null, |c| {
            let mut m = Ordered::new();
            m.put("mode", if c.mode == Mode::Bundle { "bundle" } else { "runs" }.into());
            m.put("threshold", c.threshold.into());
            m.into_value()
        });
        out.push(("collapse".into(), collapse));
        out.extend(self.extra.iter().map(|(k, v)| (k.clone(), v.clone())));
        out
    }

    /// The definition as a `skypanel.feed` file: pretty JSON, top-level fields in the
    /// documented order, one source or filter per line. `parse` reads it back equal.
    pub fn to_json(&self) -> String {
        let mut s = String::from("{\n");
        let entries = self.entries();
        let n = entries.len();
        for (i, (k, v)) in entries.into_iter().enumerate() {
            s.push_str("  ");
            s.push_str(&json_string(&k));
            s.push_str(": ");
            match (&v, k.as_str()) {
                (Value::Array(items), "sources" | "filters") if !items.is_empty() => {
                    s.push_str("[\n");
                    for (j, item) in items.iter().enumerate() {
                        s.push_str("    ");
                        write_inline(&mut s, item);
                        s.push_str(if j + 1 < items.len() { ",\n" } else { "\n" });
                    }
                    s.push_str("  ]");
                }
                _ => write_inline(&mut s, &v),
            }
            s.push_str(if i + 1 < n { ",\n" } else { "\n" });
        }
        s.push('}');
        s
    }

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

impl Serialize for Definition {
    /// The same object `to_json` writes (compact, keys in file order).
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let entries = self.entries();
        let mut map = serializer.serialize_map(Some(entries.len()))?;
        for (k, v) in &entries {
            map.serialize_entry(k, &InOrder(v))?;
        }
        map.end()
    }
}

/// Serialises a value written by `to_value`, whose objects were built in file order.
/// (`serde_json::Map` sorts keys, so the order is recovered from [`KEY_ORDER`].)
struct InOrder<'a>(&'a Value);

/// The order keys are written in inside sources, filters and `collapse`; keys not listed
/// (inside `Unknown` values) follow in sorted order.
const KEY_ORDER: &[&str] = &[
    "kind",
    "actor",
    "uri",
    "q",
    "sort",
    "lang",
    "since",
    "until",
    "author",
    "mentions",
    "domain",
    "url",
    "tags",
    "days",
    "maxPerDay",
    "any",
    "all",
    "regex",
    "exclude",
    "caseSensitive",
    "has",
    "in",
    "keepUnknown",
    "keep",
    "onlyFollowing",
    "from",
    "likes",
    "reposts",
    "replies",
    "hours",
    "actors",
    "list",
    "mode",
    "threshold",
    "label",
];

fn ordered_keys(m: &Map<String, Value>) -> Vec<&String> {
    let rank = |k: &str| KEY_ORDER.iter().position(|o| *o == k).unwrap_or(KEY_ORDER.len());
    let mut keys: Vec<&String> = m.keys().collect();
    keys.sort_by(|a, b| rank(a).cmp(&rank(b)).then_with(|| a.cmp(b)));
    keys
}

impl Serialize for InOrder<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self.0 {
            Value::Object(m) => {
                let mut map = serializer.serialize_map(Some(m.len()))?;
                for k in ordered_keys(m) {
                    map.serialize_entry(k, &InOrder(&m[k]))?;
                }
                map.end()
            }
            Value::Array(items) => serializer.collect_seq(items.iter().map(InOrder)),
            other => other.serialize(serializer),
        }
    }
}

fn json_string(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_else(|_| "\"\"".into())
}

/// Writes `v` on one line with `": "` and `", "` separators, objects in [`KEY_ORDER`].
fn write_inline(out: &mut String, v: &Value) {
    match v {
        Value::Object(m) => {
            out.push('{');
            for (i, k) in ordered_keys(m).into_iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                out.push_str(&json_string(k));
                out.push_str(": ");
                write_inline(out, &m[k]);
            }
            out.push('}');
        }
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                write_inline(out, item);
            }
            out.push(']');
        }
        other => out.push_str(&other.to_string()),
    }
}

fn invalid(path: impl Into<String>, message: impl Into<String>) -> Problem {
    Problem { path: path.into(), name: "InvalidInput".into(), message: message.into() }
}

/// The top-level fields this version knows, in the order they are written.
const TOP_LEVEL: [&str; 10] = [
    "format",
    "version",
    "name",
    "description",
    "sources",
    "filters",
    "sort",
    "dedupe",
    "perAuthor",
    "collapse",
];

/// Rounds a positive number up to a million to millionths (at least one millionth), so a
/// number read from a file, written and read again is the same number (serde_json's fast
/// float reading may be one unit in the last place off for long fractions).
fn tidy(x: f64) -> f64 {
    ((x * 1e6).round() / 1e6).max(1e-6)
}

/// Reads a feed definition. `Err` refuses the whole file (not JSON, not a feed definition,
/// or from a newer SkyPanel); `Ok` carries the definition with every non-fatal problem, each
/// at its field. Never panics.
pub fn parse(text: &str) -> Result<(Definition, Vec<Problem>), Problem> {
    let value: Value = serde_json::from_str(text).map_err(|e| {
        let detail = e.to_string();
        // serde_json ends its messages with " at line L column C"; say it once, plainly.
        let detail = detail.split(" at line ").next().unwrap_or(&detail).to_owned();
        invalid(
            "",
            format!(
                "this is not a feed definition: it is not valid JSON ({detail} at line {} column {})",
                e.line(),
                e.column()
            ),
        )
    })?;
    from_value(&value)
}

/// Reads a feed definition that is already JSON (see [`parse`]).
pub fn from_value(value: &Value) -> Result<(Definition, Vec<Problem>), Problem> {
    let Some(top) = value.as_object() else {
        return Err(invalid(
            "",
            "not a SkyPanel feed definition (no \"format\": \"skypanel.feed\"): a feed is a JSON object",
        ));
    };
    match top.get("format") {
        Some(Value::String(f)) if f == FORMAT => {}
        Some(Value::String(f)) => {
            return Err(invalid("format", format!("this file is a {f} file, not a SkyPanel feed")));
        }
        _ => {
            return Err(invalid(
                "format",
                "not a SkyPanel feed definition (no \"format\": \"skypanel.feed\")",
            ))
        }
    }
    match top.get("version") {
        Some(v) if v.as_u64() == Some(VERSION) => {}
        Some(v) if v.as_u64().is_some_and(|n| n > VERSION) => {
            return Err(invalid(
                "version",
                format!(
                    "made by a newer SkyPanel (version {v}); this one reads version {VERSION} — update SkyPanel"
                ),
            ));
        }
        Some(v) => {
            return Err(invalid(
                "version",
                format!(
                    "\"version\" must be the whole number {VERSION}, not {v}: write \"version\": {VERSION}"
                ),
            ));
        }
        None => {
            return Err(invalid(
                "version",
                format!("the definition has no \"version\": add \"version\": {VERSION}"),
            ));
        }
    }

    let mut p: Vec<Problem> = Vec::new();
    let mut def = Definition::default();
    // Known fields in file order (so problems come in reading order), then the rest.
    let known = TOP_LEVEL.iter().filter_map(|k| Some((*k, top.get(*k)?)));
    let others = top.iter().filter(|(k, _)| !TOP_LEVEL.contains(&k.as_str())).map(|(k, v)| (k.as_str(), v));
    for (k, v) in known.chain(others) {
        match k {
            "format" | "version" => {}
            "name" => match v.as_str() {
                Some(s) => def.name = s.to_owned(),
                None => p.push(invalid("name", "\"name\" should be text: give the feed a name")),
            },
            "description" => match v {
                Value::String(s) => def.description = Some(s.clone()),
                Value::Null => {}
                _ => p.push(invalid("description", "\"description\" should be text")),
            },
            "sources" => match v.as_array() {
                Some(items) => {
                    for (i, item) in items.iter().enumerate() {
                        let path = format!("sources[{i}]");
                        let source = if i >= MAX_SOURCES {
                            Source::Unknown(item.clone())
                        } else {
                            read_source(item, &path, &mut p)
                        };
                        def.sources.push(source);
                    }
                    if items.len() > MAX_SOURCES {
                        p.push(invalid(
                            "sources",
                            format!(
                                "{} sources; a feed runs at most {MAX_SOURCES}: the first {MAX_SOURCES} run, the rest are kept but not run — split the feed in two",
                                items.len()
                            ),
                        ));
                    }
                }
                None => p.push(invalid("sources", "\"sources\" should be a list of sources")),
            },
            "filters" => match v {
                Value::Array(items) => {
                    let mut regexes = 0;
                    for (i, item) in items.iter().enumerate() {
                        let path = format!("filters[{i}]");
                        let mut filter = read_filter(item, &path, &mut p);
                        if let Filter::Text(TextFilter { regex: Some(_), .. }) = filter {
                            regexes += 1;
                            if regexes > MAX_REGEX_FILTERS {
                                p.push(invalid(
                                    format!("{path}.regex"),
                                    format!("a feed runs at most {MAX_REGEX_FILTERS} filters with a regex: this one is kept but not run — combine patterns with |"),
                                ));
                                filter = Filter::Unknown(item.clone());
                            }
                        }
                        def.filters.push(filter);
                    }
                }
                Value::Null => {}
                _ => p.push(invalid("filters", "\"filters\" should be a list of filters")),
            },
            "sort" => {
                def.sort = match v.as_str() {
                    Some("newest") => Sort::Newest,
                    Some("oldest") => Sort::Oldest,
                    Some("top") => Sort::Top,
                    Some("hot") => Sort::Hot,
                    _ => {
                        p.push(invalid(
                            "sort",
                            format!("unknown sort {v}: use newest, oldest, top or hot (newest is used)"),
                        ));
                        Sort::Newest
                    }
                }
            }
            "dedupe" => match v {
                Value::Bool(b) => def.dedupe = *b,
                Value::Null => {}
                _ => p.push(invalid("dedupe", "\"dedupe\" should be true or false (true is used)")),
            },
            "perAuthor" => match v {
                Value::Null => {}
                v => match v.as_u64() {
                    Some(0) => p.push(invalid(
                        "perAuthor",
                        "perAuthor 0 would hide every post: use null for no cap, or 1 or more",
                    )),
                    Some(n) => def.per_author = Some(u32::try_from(n).unwrap_or(u32::MAX)),
                    None => p.push(invalid(
                        "perAuthor",
                        "\"perAuthor\" should be a whole number of posts, or null for no cap",
                    )),
                },
            },
            "collapse" => def.collapse = read_collapse(v, &mut p),
            _ => {
                def.extra.insert(k.to_owned(), v.clone());
            }
        }
    }
    if def.sources.is_empty() {
        p.push(invalid("sources", "the feed has no sources: add at least one source"));
    }
    Ok((def, p))
}

fn read_collapse(v: &Value, p: &mut Vec<Problem>) -> Option<PlanOptions> {
    let m = match v {
        Value::Null => return None,
        Value::Object(m) => m,
        _ => {
            p.push(invalid(
                "collapse",
                "\"collapse\" should be null or {\"mode\": \"runs\" | \"bundle\", \"threshold\": 3}",
            ));
            return None;
        }
    };
    let mut opts = PlanOptions::default();
    match m.get("mode") {
        None | Some(Value::Null) => {}
        Some(Value::String(s)) if s == "runs" => opts.mode = Mode::Runs,
        Some(Value::String(s)) if s == "bundle" => opts.mode = Mode::Bundle,
        Some(other) => p.push(invalid(
            "collapse.mode",
            format!("unknown mode {other}: use runs or bundle (runs is used)"),
        )),
    }
    match m.get("threshold") {
        None | Some(Value::Null) => {}
        Some(t) => match t.as_u64() {
            Some(n) if (2..=10).contains(&n) => opts.threshold = n as u8,
            Some(n) => {
                opts.threshold = n.clamp(2, 10) as u8;
                p.push(invalid(
                    "collapse.threshold",
                    format!("threshold {n} is outside 2–10: {} is used", opts.threshold),
                ));
            }
            None => p.push(invalid(
                "collapse.threshold",
                "\"threshold\" should be a whole number from 2 to 10 (3 is used)",
            )),
        },
    }
    for k in m.keys().filter(|k| *k != "mode" && *k != "threshold") {
        p.push(invalid(
            format!("collapse.{k}"),
            format!("unknown field \"{k}\" in collapse (ignored): use mode and threshold"),
        ));
    }
    Some(opts)
}

/// Reads the fields of one source or filter object, reporting wrong types at their paths.
struct Fields<'a> {
    m: &'a Map<String, Value>,
    path: &'a str,
    p: &'a mut Vec<Problem>,
    used: Vec<&'static str>,
    /// Set when a required field is missing or unusable: the item becomes `Unknown`.
    broken: bool,
}

impl<'a> Fields<'a> {
    fn at(&self, k: &str) -> String {
        format!("{}.{k}", self.path)
    }

    fn get(&mut self, k: &'static str) -> Option<&'a Value> {
        self.used.push(k);
        self.m.get(k).filter(|v| !v.is_null())
    }

    fn string(&mut self, k: &'static str) -> Option<String> {
        let v = self.get(k)?;
        match v.as_str() {
            Some(s) => Some(s.to_owned()),
            None => {
                let at = self.at(k);
                self.p.push(invalid(at, format!("\"{k}\" should be text")));
                None
            }
        }
    }

    fn required(&mut self, k: &'static str, what: &str) -> String {
        match self.string(k) {
            Some(s) if !s.trim().is_empty() => s.trim().to_owned(),
            other => {
                if other.is_some() || !self.m.contains_key(k) || self.m[k].is_null() {
                    let at = self.at(k);
                    self.p.push(invalid(at, format!("this needs \"{k}\": {what}")));
                }
                self.broken = true;
                String::new()
            }
        }
    }

    fn boolean(&mut self, k: &'static str, default: bool) -> bool {
        match self.get(k) {
            None => default,
            Some(Value::Bool(b)) => *b,
            Some(_) => {
                let at = self.at(k);
                self.p.push(invalid(at, format!("\"{k}\" should be true or false ({default} is used)")));
                default
            }
        }
    }

    fn count(&mut self, k: &'static str) -> Option<u64> {
        let v = self.get(k)?;
        match v.as_u64() {
            Some(n) => Some(n),
            None => {
                let at = self.at(k);
                self.p.push(invalid(at, format!("\"{k}\" should be a whole number, 0 or more")));
                None
            }
        }
    }

    fn strings(&mut self, k: &'static str) -> Vec<String> {
        let Some(v) = self.get(k) else { return Vec::new() };
        let items: Vec<Option<&str>> = match v {
            Value::Array(a) => a.iter().map(Value::as_str).collect(),
            Value::String(s) => vec![Some(s.as_str())],
            _ => vec![None],
        };
        if items.iter().any(Option::is_none) {
            let at = self.at(k);
            self.p.push(invalid(at, format!("\"{k}\" should be a list of texts, e.g. [\"one\", \"two\"]")));
        }
        items.into_iter().flatten().map(str::to_owned).collect()
    }

    fn label(&mut self) -> Option<String> {
        self.string("label")
    }

    /// Reports fields this kind does not have (they are dropped when the feed is saved).
    fn finish(self, kind: &str) {
        let known = self.used.join(", ");
        for k in self.m.keys() {
            if k != "kind" && !self.used.contains(&k.as_str()) {
                self.p.push(invalid(
                    format!("{}.{k}", self.path),
                    format!("a {kind} has no field \"{k}\" (ignored, and dropped when saved): its fields are {known}"),
                ));
            }
        }
    }
}

/// An account written by the user: a handle (a leading `@` is dropped) or a DID.
fn read_actor(s: &str) -> Option<String> {
    let s = s.trim();
    let s = s.strip_prefix('@').unwrap_or(s);
    (is_valid_handle(s) || is_valid_did(s)).then(|| s.to_owned())
}

fn read_source(item: &Value, path: &str, p: &mut Vec<Problem>) -> Source {
    let Some(m) = item.as_object() else {
        p.push(invalid(path, "a source should be an object such as {\"kind\": \"timeline\"}"));
        return Source::Unknown(item.clone());
    };
    let Some(kind) = m.get("kind").and_then(Value::as_str) else {
        p.push(invalid(
            format!("{path}.kind"),
            "this source has no \"kind\": use timeline, author, list, listMembers, feed, search, saved, mutuals or quiet",
        ));
        return Source::Unknown(item.clone());
    };
    let mut f = Fields { m, path, p, used: Vec::new(), broken: false };
    let source = match kind {
        "timeline" => Source::Timeline { label: f.label() },
        "saved" => Source::Saved { label: f.label() },
        "mutuals" => Source::Mutuals { label: f.label() },
        "author" => {
            let written = f.required("actor", "the account's handle (bob.bsky.social) or DID");
            let actor = if f.broken {
                String::new()
            } else if let Some(a) = read_actor(&written) {
                a
            } else {
                let at = f.at("actor");
                f.p.push(invalid(
                    at,
                    format!("'{written}' is not a handle or a DID: write e.g. bob.bsky.social or did:plc:…"),
                ));
                f.broken = true;
                String::new()
            };
            let replies = f.boolean("replies", true);
            let reposts = f.boolean("reposts", true);
            Source::Author { actor, replies, reposts, label: f.label() }
        }
        "list" | "listMembers" | "feed" => {
            let collection = if kind == "feed" { FEED_COLLECTION } else { LIST_COLLECTION };
            let what = if kind == "feed" {
                "the custom feed's at-uri or bsky.app link"
            } else {
                "the list's at-uri or bsky.app link"
            };
            let uri = f.required("uri", what);
            if !f.broken {
                if let Err(message) = read_target(&uri, collection) {
                    let at = f.at("uri");
                    f.p.push(invalid(at, message));
                    f.broken = true;
                }
            }
            let label = f.label();
            match kind {
                "list" => Source::List { uri, label },
                "listMembers" => Source::ListMembers { uri, label },
                _ => Source::Feed { uri, label },
            }
        }
        "search" => {
            let q = f.required("q", "the words to search for");
            let mut query = Box::new(SearchQuery { q, ..SearchQuery::default() });
            query.sort = f.string("sort");
            if let Some(s) = query.sort.as_deref() {
                if s != "latest" && s != "top" {
                    let at = f.at("sort");
                    f.p.push(invalid(
                        at,
                        format!("search sort '{s}' is unknown: use latest or top (latest is used)"),
                    ));
                    query.sort = None;
                }
            }
            query.lang = f.string("lang");
            query.since = f.string("since");
            query.until = f.string("until");
            query.author = f.string("author");
            query.mentions = f.string("mentions");
            for (k, v) in [("author", &mut query.author), ("mentions", &mut query.mentions)] {
                if let Some(written) = v.clone() {
                    match read_actor(&written) {
                        Some(a) => *v = Some(a),
                        None => {
                            let at = f.at(k);
                            f.p.push(invalid(at, format!("'{written}' is not a handle or a DID (ignored): write e.g. bob.bsky.social")));
                            *v = None;
                        }
                    }
                }
            }
            query.domain = f.string("domain");
            query.url = f.string("url");
            query.tags =
                f.strings("tags").into_iter().map(|t| t.trim_start_matches('#').to_owned()).collect();
            Source::Search { query, label: f.label() }
        }
        "quiet" => {
            let days = match f.count("days") {
                None => 30,
                Some(d) if (1..=365).contains(&d) => d as u32,
                Some(d) => {
                    let at = f.at("days");
                    f.p.push(invalid(at, format!("{d} days is outside 1–365 (30 is used)")));
                    30
                }
            };
            let max_per_day = match f.get("maxPerDay") {
                None => 0.5,
                Some(v) => {
                    match v.as_f64() {
                        Some(x) if x > 0.0 && x <= 1000.0 => tidy(x),
                        _ => {
                            let at = f.at("maxPerDay");
                            f.p.push(invalid(at, "\"maxPerDay\" should be a number of posts a day above 0, e.g. 0.5 (0.5 is used)"));
                            0.5
                        }
                    }
                }
            };
            Source::Quiet { days, max_per_day, label: f.label() }
        }
        other => {
            f.p.push(invalid(
                format!("{path}.kind"),
                format!("unknown source kind \"{other}\" (kept, not run): use timeline, author, list, listMembers, feed, search, saved, mutuals or quiet"),
            ));
            return Source::Unknown(item.clone());
        }
    };
    let broken = f.broken;
    f.finish(&format!("{kind} source"));
    if broken {
        Source::Unknown(item.clone())
    } else {
        source
    }
}

fn read_filter(item: &Value, path: &str, p: &mut Vec<Problem>) -> Filter {
    let Some(m) = item.as_object() else {
        p.push(invalid(
            path,
            "a filter should be an object such as {\"kind\": \"replies\", \"keep\": false}",
        ));
        return Filter::Unknown(item.clone());
    };
    let Some(kind) = m.get("kind").and_then(Value::as_str) else {
        p.push(invalid(format!("{path}.kind"), "this filter has no \"kind\": use text, media, lang, replies, reposts, quotes, min, since, exclude or mutedWords"));
        return Filter::Unknown(item.clone());
    };
    let mut f = Fields { m, path, p, used: Vec::new(), broken: false };
    let filter = match kind {
        "text" => {
            let clean =
                |v: Vec<String>| -> Vec<String> { v.into_iter().filter(|w| !w.trim().is_empty()).collect() };
            let any = clean(f.strings("any"));
            let all = clean(f.strings("all"));
            let regex = f.string("regex").filter(|r| !r.is_empty());
            let exclude = f.boolean("exclude", false);
            let case_sensitive = f.boolean("caseSensitive", false);
            let mut fields = Vec::new();
            let written = f.strings("in");
            for w in &written {
                match w.as_str() {
                    "text" => fields.push(TextField::Text),
                    "alt" => fields.push(TextField::Alt),
                    "link" => fields.push(TextField::Link),
                    other => {
                        let at = f.at("in");
                        f.p.push(invalid(
                            at,
                            format!("unknown place \"{other}\" (ignored): use text, alt or link"),
                        ));
                    }
                }
            }
            if fields.is_empty() {
                fields = ALL_FIELDS.to_vec();
            }
            // Same order whatever was written, so a round trip compares equal.
            fields.sort_by_key(|f| ALL_FIELDS.iter().position(|a| a == f));
            fields.dedup();
            if let Some(r) = &regex {
                if let Err(e) = compile_regex(r, case_sensitive) {
                    let at = f.at("regex");
                    f.p.push(invalid(
                        at,
                        format!("this regular expression is invalid (filter not run): {e}"),
                    ));
                    f.broken = true;
                }
            }
            if any.is_empty() && all.is_empty() && regex.is_none() {
                f.p.push(invalid(path, "this text filter has nothing to look for (not run): add words to \"any\" or \"all\", or a \"regex\""));
                f.broken = true;
            }
            Filter::Text(TextFilter { any, all, regex, exclude, case_sensitive, fields })
        }
        "media" => {
            let mut has = Vec::new();
            for w in f.strings("has") {
                let k = match w.as_str() {
                    "images" | "image" => MediaKind::Images,
                    "video" | "videos" => MediaKind::Video,
                    "link" | "links" => MediaKind::Link,
                    "quote" | "quotes" => MediaKind::Quote,
                    "none" => MediaKind::None,
                    other => {
                        let at = f.at("has");
                        f.p.push(invalid(
                            at,
                            format!(
                                "unknown media \"{other}\" (ignored): use images, video, link, quote or none"
                            ),
                        ));
                        continue;
                    }
                };
                if !has.contains(&k) {
                    has.push(k);
                }
            }
            if has.is_empty() {
                let at = f.at("has");
                f.p.push(invalid(
                    at,
                    "this media filter names no media (not run): list images, video, link, quote or none",
                ));
                f.broken = true;
            }
            Filter::Media { has }
        }
        "lang" => {
            let langs: Vec<String> =
                f.strings("in").into_iter().map(|l| l.trim().to_owned()).filter(|l| !l.is_empty()).collect();
            if langs.is_empty() {
                let at = f.at("in");
                f.p.push(invalid(
                    at,
                    "this language filter names no language (not run): e.g. \"in\": [\"en\"]",
                ));
                f.broken = true;
            }
            let keep_unknown = f.boolean("keepUnknown", true);
            Filter::Lang { langs, keep_unknown }
        }
        "replies" => Filter::Replies {
            keep: f.boolean("keep", false),
            only_following: f.boolean("onlyFollowing", false),
        },
        "reposts" => {
            let keep = f.boolean("keep", false);
            let from = actors(&mut f, "from");
            Filter::Reposts { keep, from }
        }
        "quotes" => Filter::Quotes { keep: f.boolean("keep", false) },
        "min" => {
            let (likes, reposts, replies) = (f.count("likes"), f.count("reposts"), f.count("replies"));
            if likes.is_none() && reposts.is_none() && replies.is_none() {
                f.p.push(invalid(
                    path,
                    "this min filter sets no minimum (it keeps everything): add likes, reposts or replies",
                ));
            }
            Filter::Min { likes, reposts, replies }
        }
        "since" => {
            let hours = match f.get("hours").map(|v| v.as_f64()) {
                Some(Some(h)) if h > 1e6 && h.is_finite() => {
                    let at = f.at("hours");
                    f.p.push(invalid(at, "more than a million hours is all of time: 1000000 is used"));
                    1e6
                }
                Some(Some(h)) if h > 0.0 => tidy(h),
                found => {
                    let at = f.at("hours");
                    let msg = if found.is_none() {
                        "this needs \"hours\": how far back, e.g. 24"
                    } else {
                        "\"hours\" should be a number above 0, e.g. 24 (filter not run)"
                    };
                    f.p.push(invalid(at, msg));
                    f.broken = true;
                    0.0
                }
            };
            Filter::Since { hours }
        }
        "exclude" => {
            let actors = actors(&mut f, "actors");
            let list = f.string("list").map(|l| l.trim().to_owned()).filter(|l| !l.is_empty());
            if let Some(l) = &list {
                if let Err(message) = read_target(l, LIST_COLLECTION) {
                    let at = f.at("list");
                    f.p.push(invalid(at, message));
                    f.broken = true;
                }
            }
            if actors.is_empty() && list.is_none() && !f.broken {
                f.p.push(invalid(
                    path,
                    "this exclude filter names nobody (it keeps everything): add \"actors\" or a \"list\"",
                ));
            }
            Filter::Exclude { actors, list }
        }
        "mutedWords" => Filter::MutedWords,
        other => {
            f.p.push(invalid(
                format!("{path}.kind"),
                format!("unknown filter kind \"{other}\" (kept, not run): use text, media, lang, replies, reposts, quotes, min, since, exclude or mutedWords"),
            ));
            return Filter::Unknown(item.clone());
        }
    };
    let broken = f.broken;
    f.finish(&format!("{kind} filter"));
    if broken {
        Filter::Unknown(item.clone())
    } else {
        filter
    }
}

/// A list of accounts; malformed ones are reported and left out.
fn actors(f: &mut Fields<'_>, k: &'static str) -> Vec<String> {
    let mut out = Vec::new();
    for (i, written) in f.strings(k).into_iter().enumerate() {
        match read_actor(&written) {
            Some(a) => out.push(a),
            None => {
                let at = format!("{}.{k}[{i}]", f.path);
                f.p.push(invalid(at, format!("'{written}' is not a handle or a DID (ignored): write e.g. bob.bsky.social or did:plc:…")));
            }
        }
    }
    out
}

/// Compiles a text filter's regular expression the way the engine runs it.
pub fn compile_regex(pattern: &str, case_sensitive: bool) -> Result<regex_lite::Regex, String> {
    regex_lite::RegexBuilder::new(pattern)
        .case_insensitive(!case_sensitive)
        // Bounded so a shared definition cannot make the worker build a huge program.
        .size_limit(1 << 20)
        .nest_limit(64)
        .build()
        .map_err(|e| e.to_string())
}

/// Ready-made feeds to start from: "Mutuals", "Quiet posters" and "Following without
/// reposts". ("Top of my lists today" needs lists the user picks, so the Feeds page builds
/// it: lists as sources, `since` 24 hours, sort `top`.)
pub fn starters() -> Vec<Definition> {
    let def = |name: &str, description: &str, sources: Vec<Source>, filters: Vec<Filter>| Definition {
        name: name.into(),
        description: Some(description.into()),
        sources,
        filters,
        ..Definition::default()
    };
    vec![
        def(
            "Mutuals",
            "Posts from people you follow who follow you back.",
            vec![Source::Mutuals { label: None }],
            vec![Filter::MutedWords],
        ),
        def(
            "Quiet posters",
            "People you follow who post at most one post every two days, so they are not drowned out.",
            vec![Source::Quiet { days: 30, max_per_day: 0.5, label: None }],
            vec![Filter::MutedWords],
        ),
        def(
            "Following without reposts",
            "Your home timeline with no reposts.",
            vec![Source::Timeline { label: None }],
            vec![Filter::Reposts { keep: false, from: Vec::new() }, Filter::MutedWords],
        ),
    ]
}
