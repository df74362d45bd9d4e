//! Which posts a feed keeps: the [`Filter`] kinds with their text and media options, and
//! [`compile_regex`], the one way a text filter's regular expression is compiled (bounded in
//! size), shared by the reader, which checks it, and the engine, which runs it.

use serde_json::Value;

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
    pub(super) fn name(self) -> &'static str {
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
}

/// Where a text filter looks when its `in` is not given, in the order `in` is written.
pub(super) const ALL_FIELDS: [TextField; 3] = [TextField::Text, TextField::Alt, TextField::Link];

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
