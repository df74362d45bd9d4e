//! The viewer's own moderation, applied to every feed: muted and blocked accounts, labels
//! the viewer's preferences hide, and (through the `mutedWords` filter) muted words.
//!
//! Bluesky's AppView already leaves out some of these, but not all of them everywhere (a
//! custom feed or a search brings whatever it brings), so the client checks again.
//!
//! Muted words follow the semantics of atproto's reference matcher
//! (`packages/api/src/moderation/mutewords.ts`), written anew here:
//! - a word muted for tags matches the post's hashtags (facet tags and the record's `tags`),
//!   ignoring case and a leading `#`; a word muted for content matches tags too;
//! - content: a single character, a word in a language written without spaces (the post's
//!   first language is ja, zh, ko, th or vi; or the muted word itself is CJK or Thai), or a
//!   muted value containing spaces or punctuation matches anywhere in the text;
//! - otherwise it matches whole words: the text split at whitespace, each word also compared
//!   without leading and trailing punctuation, with inner punctuation removed, and split at
//!   inner punctuation (so `rust` matches `rust!`, `(rust)` and `rust/wasm` but not `rusty`);
//! - the text is the post's text, its images' and video's alt texts, and its link card's
//!   URL, title and description (each matched on its own);
//! - `exclude-following` skips posts by accounts the viewer follows; expired words are
//!   ignored.

use serde_json::Value;

use super::{Candidate, Problem};
use crate::library::time::parse_rfc3339;
use crate::model::embed::{EmbedView, MediaView};
use crate::model::feed::MaybePost;
use crate::model::label::Label;
use crate::model::ProfileViewBasic;

/// One muted word, ready to match.
#[derive(Debug, Clone, PartialEq)]
pub struct MutedWord {
    /// The value, lowercased, without a leading `#`.
    pub value: String,
    /// Matches the post's text, alt texts and link card.
    pub content: bool,
    /// Matches the post's hashtags.
    pub tag: bool,
    /// Not applied to posts by accounts the viewer follows.
    pub exclude_following: bool,
    /// Matches anywhere in the text, not only whole words: a single character, CJK or Thai,
    /// or a value with spaces or punctuation.
    pub anywhere: bool,
}

/// What the viewer's preferences say about one label.
#[derive(Debug, Clone, PartialEq)]
struct LabelPref {
    label: String,
    /// Only labels from this labeler; `None`: from any.
    labeler: Option<String>,
    hide: bool,
}

/// The labels hidden unless the viewer enabled adult content.
const ADULT_LABELS: [&str; 4] = ["porn", "sexual", "nudity", "graphic-media"];

/// The viewer's moderation settings. `Moderation::default()` is a signed-out viewer: no
/// muted words, adult content off, system labels applied.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Moderation {
    signed_in: bool,
    adult_content: bool,
    label_prefs: Vec<LabelPref>,
    /// The muted words in force (expired ones are left out).
    pub muted_words: Vec<MutedWord>,
}

fn malformed(i: usize, message: String) -> Problem {
    Problem { path: format!("preferences[{i}]"), name: "Malformed".into(), message }
}

impl Moderation {
    /// Reads the items of `app.bsky.actor.getPreferences` (the `preferences` array) for a
    /// signed-in viewer. Items of other types are ignored; malformed ones are reported and
    /// skipped. Words whose `expiresAt` is before `now_ms` are left out.
    pub fn from_preferences(prefs: &[Value], now_ms: i64) -> (Moderation, Vec<Problem>) {
        let mut m = Moderation { signed_in: true, ..Moderation::default() };
        let mut problems = Vec::new();
        for (i, pref) in prefs.iter().enumerate() {
            match pref.get("$type").and_then(Value::as_str) {
                Some("app.bsky.actor.defs#adultContentPref") => {
                    m.adult_content = pref.get("enabled").and_then(Value::as_bool).unwrap_or(false);
                }
                Some("app.bsky.actor.defs#contentLabelPref") => {
                    let label = pref.get("label").and_then(Value::as_str);
                    let visibility = pref.get("visibility").and_then(Value::as_str);
                    match (label, visibility) {
                        (Some(label), Some(visibility)) => m.label_prefs.push(LabelPref {
                            label: label.to_owned(),
                            labeler: pref.get("labelerDid").and_then(Value::as_str).map(str::to_owned),
                            hide: visibility == "hide",
                        }),
                        _ => problems.push(malformed(
                            i,
                            "a label setting without label or visibility was ignored: check your moderation settings on bsky.app".into(),
                        )),
                    }
                }
                Some("app.bsky.actor.defs#mutedWordsPref") => {
                    let items = pref.get("items").and_then(Value::as_array).map(Vec::as_slice).unwrap_or(&[]);
                    for item in items {
                        match muted_word(item, now_ms) {
                            Ok(Some(w)) => m.muted_words.push(w),
                            Ok(None) => {}
                            Err(message) => problems.push(malformed(i, message)),
                        }
                    }
                }
                _ => {}
            }
        }
        (m, problems)
    }

    /// Why the viewer's moderation hides this item, if it does: `"muted account"`,
    /// `"blocked"` (the author or reposter blocks or is blocked), `"blocked reply"` (a reply
    /// in a thread with a blocked post or account), or `"label"`.
    pub fn hides(&self, c: &Candidate) -> Option<&'static str> {
        let post = &c.view.post;
        let reposter = c.view.reposted_by();
        let people = std::iter::once(&post.author).chain(reposter);
        let mut blocked = false;
        for p in people {
            let v = p.viewer.as_ref();
            if v.and_then(|v| v.muted) == Some(true) {
                return Some("muted account");
            }
            blocked |= is_blocked(p);
        }
        if blocked {
            return Some("blocked");
        }
        if let Some(reply) = &c.view.reply {
            for mp in [&reply.parent, &reply.root] {
                match mp {
                    MaybePost::Blocked(_) => return Some("blocked reply"),
                    MaybePost::Post(p) if is_blocked(&p.author) => return Some("blocked reply"),
                    _ => {}
                }
            }
            if reply.grandparent_author.as_ref().is_some_and(is_blocked) {
                return Some("blocked reply");
            }
        }
        let post_labels = post.labels.as_deref().unwrap_or(&[]);
        // Account labels only: a label on the profile record (`…/app.bsky.actor.profile/self`)
        // is about the avatar and banner, not the account's posts.
        let author_labels = post.author.labels.as_deref().unwrap_or(&[]);
        let author_labels = author_labels.iter().filter(|l| l.uri.starts_with("did:"));
        if active(post_labels.iter()).chain(active(author_labels)).any(|l| self.label_hides(l)) {
            return Some("label");
        }
        None
    }

    fn label_hides(&self, l: &Label) -> bool {
        match l.val.as_str() {
            "!hide" | "!takedown" => return true,
            "!no-unauthenticated" => return !self.signed_in,
            _ => {}
        }
        if ADULT_LABELS.contains(&l.val.as_str()) && !self.adult_content {
            return true;
        }
        // A setting for this labeler wins over a setting for the label from any labeler.
        let specific =
            self.label_prefs.iter().find(|p| p.label == l.val && p.labeler.as_deref() == Some(&l.src));
        let general = || self.label_prefs.iter().find(|p| p.label == l.val && p.labeler.is_none());
        specific.or_else(general).is_some_and(|p| p.hide)
    }

    /// Whether one of the viewer's muted words matches this item.
    pub fn muted_word(&self, c: &Candidate) -> bool {
        if self.muted_words.is_empty() {
            return false;
        }
        self.muted_word_in(c, &PostText::new(c, Forms::default()))
    }

    /// [`Moderation::muted_word`] with the item's text already prepared.
    pub(crate) fn muted_word_in(&self, c: &Candidate, t: &PostText) -> bool {
        let followed = c.view.post.author.viewer.as_ref().is_some_and(|v| v.following.is_some());
        // Each field's words with inner punctuation, squeezed, worked out once per post when
        // a word needs them (see `content_matches`).
        let mut squeezed: [Option<String>; 3] = Default::default();
        self.muted_words.iter().any(|w| {
            if w.exclude_following && followed {
                return false;
            }
            if (w.tag || w.content) && t.tags.contains(&w.value) {
                return true;
            }
            w.content
                && (0..3).any(|f| {
                    let anywhere = w.anywhere || t.no_spaces_language;
                    content_matches(&w.value, anywhere, &t.lower[f], &mut squeezed[f])
                })
        })
    }
}

fn is_blocked(p: &ProfileViewBasic) -> bool {
    p.viewer.as_ref().is_some_and(|v| v.blocking.is_some() || v.blocked_by == Some(true))
}

/// The labels in force: those not cancelled by a negation of the same value from the same
/// labeler.
fn active<'a>(labels: impl Iterator<Item = &'a Label> + Clone) -> impl Iterator<Item = &'a Label> {
    let negations = labels.clone().filter(|l| l.neg == Some(true));
    let negated: Vec<(&str, &str)> = negations.map(|l| (l.src.as_str(), l.val.as_str())).collect();
    labels.filter(move |l| l.neg != Some(true) && !negated.contains(&(l.src.as_str(), l.val.as_str())))
}

fn muted_word(item: &Value, now_ms: i64) -> Result<Option<MutedWord>, String> {
    let value = item.get("value").and_then(Value::as_str).map(str::trim).unwrap_or("");
    let value = lowercase(value.strip_prefix('#').unwrap_or(value));
    if value.is_empty() {
        return Err("a muted word without a value was ignored".into());
    }
    if let Some(expires) = item.get("expiresAt").and_then(Value::as_str) {
        // An unreadable expiry keeps the word muted: muting too much is the safer mistake.
        if parse_rfc3339(expires).is_some_and(|t| t <= now_ms) {
            return Ok(None);
        }
    }
    let targets: Vec<&str> = item
        .get("targets")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .collect();
    // No targets at all is not something Bluesky writes; treat it as both, to err on muting.
    let (content, tag) = if targets.is_empty() {
        (true, true)
    } else {
        (targets.contains(&"content"), targets.contains(&"tag"))
    };
    let exclude_following = item.get("actorTarget").and_then(Value::as_str) == Some("exclude-following");
    let mut chars = value.chars();
    let single = chars.next().is_some() && chars.next().is_none();
    let anywhere =
        single || value.chars().any(|c| is_unspaced_script(c) || c.is_whitespace() || is_punctuation(c));
    Ok(Some(MutedWord { value, content, tag, exclude_following, anywhere }))
}

/// Unicode general category P (punctuation), for the characters posts use: ASCII
/// punctuation (not the symbols `$+<=>^`|~`), Latin-1's, the General Punctuation block, CJK
/// and full-width punctuation.
#[inline]
pub(crate) fn is_punctuation(c: char) -> bool {
    if c.is_ascii_alphanumeric() || c == ' ' {
        return false;
    }
    match c {
        '!'..='/' | ':'..='@' | '['..='`' | '{'..='~' => {
            !matches!(c, '$' | '+' | '<' | '=' | '>' | '^' | '`' | '|' | '~')
        }
        '\u{a1}' | '\u{a7}' | '\u{ab}' | '\u{b6}' | '\u{b7}' | '\u{bb}' | '\u{bf}' => true,
        '\u{2010}'..='\u{2027}'
        | '\u{2030}'..='\u{2043}'
        | '\u{2045}'..='\u{2051}'
        | '\u{2053}'..='\u{205e}' => true,
        '\u{3001}'..='\u{3003}' | '\u{3008}'..='\u{3011}' | '\u{3014}'..='\u{301f}' | '\u{30fb}' => true,
        '\u{ff01}'..='\u{ff03}'
        | '\u{ff05}'..='\u{ff0a}'
        | '\u{ff0c}'..='\u{ff0f}'
        | '\u{ff1a}'
        | '\u{ff1b}' => true,
        '\u{ff1f}'
        | '\u{ff20}'
        | '\u{ff3b}'..='\u{ff3d}'
        | '\u{ff3f}'
        | '\u{ff5b}'
        | '\u{ff5d}'
        | '\u{ff5f}'..='\u{ff65}' => true,
        _ => false,
    }
}

/// Scripts written without spaces between words, where only a substring match makes sense.
fn is_unspaced_script(c: char) -> bool {
    matches!(c,
        '\u{0e00}'..='\u{0e7f}' // Thai
        | '\u{3040}'..='\u{30ff}' // Hiragana, Katakana
        | '\u{3400}'..='\u{4dbf}' | '\u{4e00}'..='\u{9fff}' | '\u{f900}'..='\u{faff}' // Han
        | '\u{ac00}'..='\u{d7af}' | '\u{1100}'..='\u{11ff}' // Hangul
    )
}

/// Whether the muted word `m` (lowercase) matches the text `t` (lowercase, whitespace
/// collapsed). `anywhere`: match as a substring. `squeezed` caches [`squeeze`] of `t`.
/// See the module documentation for the rules.
pub(crate) fn content_matches(m: &str, anywhere: bool, t: &str, squeezed: &mut Option<String>) -> bool {
    if t.is_empty() || m.is_empty() {
        return false;
    }
    if anywhere {
        return t.contains(m);
    }
    if m.len() > t.len() {
        return false;
    }
    if !t.contains(m) {
        // A whole word, a word without its outer punctuation and a part between inner
        // punctuation are all substrings of the text; only a word with its inner
        // punctuation removed ("r.u.s.t" for "rust") can match without one.
        return squeezed.get_or_insert_with(|| squeeze(t)).split(' ').any(|w| w == m);
    }
    words(t).any(|word| {
        let trimmed = word.trim_matches(is_punctuation);
        if word == m || trimmed == m {
            return true;
        }
        // `m` has no punctuation or spaces here, so a spaced form can never equal it; the
        // word with its inner punctuation removed and the parts between it can.
        m.len() <= trimmed.len()
            && trimmed.contains(is_punctuation)
            && (trimmed.chars().filter(|c| !is_punctuation(*c)).eq(m.chars())
                || trimmed.split(is_punctuation).any(|p| p == m))
    })
}

/// The words of prepared text (split at its single spaces and newlines), found byte by byte.
fn words(t: &str) -> impl Iterator<Item = &str> {
    let bytes = t.as_bytes();
    let mut start = 0;
    let mut i = 0;
    std::iter::from_fn(move || {
        while i <= bytes.len() {
            let at = i;
            i += 1;
            if at == bytes.len() || bytes[at] == b' ' || bytes[at] == b'\n' {
                let word = &t[start..at];
                start = at + 1;
                return Some(word);
            }
        }
        None
    })
}

/// The words of `t` (split at spaces and newlines) that have punctuation inside once their
/// outer punctuation is trimmed, with all punctuation removed, joined by spaces.
fn squeeze(t: &str) -> String {
    let mut out = String::new();
    // Most posts are ASCII: no ASCII punctuation at all means no such word.
    if t.is_ascii() && !t.bytes().any(|b| b.is_ascii_punctuation()) {
        return out;
    }
    for word in words(t) {
        // Bytes that start no punctuation character: skip the word without decoding it.
        if !word.bytes().any(|b| b.is_ascii_punctuation() || b == 0xc2 || b >= 0xe2) {
            continue;
        }
        let trimmed = word.trim_matches(is_punctuation);
        if trimmed.contains(is_punctuation) {
            if !out.is_empty() {
                out.push(' ');
            }
            out.extend(trimmed.chars().filter(|c| !is_punctuation(*c)));
        }
    }
    out
}

/// The searchable text of one post, prepared once per post for every filter that reads
/// it. Reused from post to post, so its buffers are allocated once per run, not per post.
#[derive(Debug, Clone, Default)]
pub(crate) struct PostText {
    /// Text, alt texts, link: as written (alt texts and link parts joined by newlines).
    /// Filled only when asked for (regular expressions read it).
    pub raw: [String; 3],
    /// The same, lowercased, whitespace runs within each part made one space.
    pub lower: [String; 3],
    /// The same as `lower` keeping letter case; filled only when asked for.
    pub exact: [String; 3],
    /// Hashtags, lowercased, without `#`.
    pub tags: Vec<String>,
    /// The post's first language is written without spaces (ja, zh, ko, th, vi).
    pub no_spaces_language: bool,
}

/// Which forms of the text [`PostText::fill`] prepares besides the lowercase one.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Forms {
    /// As written (for regular expressions).
    pub raw: bool,
    /// Whitespace-collapsed with letter case kept (for case-sensitive words).
    pub exact: bool,
}

impl PostText {
    /// Prepares `c`'s text (see [`Forms`]).
    pub(crate) fn new(c: &Candidate, forms: Forms) -> PostText {
        let mut t = PostText::default();
        t.fill(c, forms);
        t
    }

    /// Prepares `c`'s text in place, reusing the buffers of the previous post.
    pub(crate) fn fill(&mut self, c: &Candidate, forms: Forms) {
        let post = &c.view.post;
        let record = &post.record;
        for s in self.raw.iter_mut().chain(self.lower.iter_mut()).chain(self.exact.iter_mut()) {
            s.clear();
        }
        self.tags.clear();
        let mut put = |field: usize, part: &str| {
            if part.is_empty() {
                return;
            }
            let first = self.lower[field].is_empty();
            if !first {
                self.lower[field].push('\n');
            }
            push_folded(&mut self.lower[field], part, true);
            if forms.exact {
                if !first {
                    self.exact[field].push('\n');
                }
                push_folded(&mut self.exact[field], part, false);
            }
            if forms.raw {
                if !self.raw[field].is_empty() {
                    self.raw[field].push('\n');
                }
                self.raw[field].push_str(part);
            }
        };
        put(0, post.text());
        let card = |e: &crate::model::embed::ViewExternal, put: &mut dyn FnMut(usize, &str)| {
            put(2, &e.uri);
            put(2, &e.title);
            put(2, &e.description);
        };
        match &post.embed {
            Some(EmbedView::Images(i)) => i.images.iter().for_each(|i| put(1, &i.alt)),
            Some(EmbedView::Video(v)) => put(1, v.alt.as_deref().unwrap_or("")),
            Some(EmbedView::External(e)) => card(&e.external, &mut put),
            Some(EmbedView::RecordWithMedia(rm)) => match &rm.media {
                MediaView::Images(i) => i.images.iter().for_each(|i| put(1, &i.alt)),
                MediaView::Video(v) => put(1, v.alt.as_deref().unwrap_or("")),
                MediaView::External(e) => card(&e.external, &mut put),
                MediaView::Unknown(_) => {}
            },
            _ => {}
        }
        let facets = record.get("facets").and_then(Value::as_array).into_iter().flatten();
        for feature in facets.filter_map(|f| f.get("features")?.as_array()).flatten() {
            match feature.get("$type").and_then(Value::as_str) {
                Some("app.bsky.richtext.facet#link") => {
                    put(2, feature.get("uri").and_then(Value::as_str).unwrap_or(""))
                }
                Some("app.bsky.richtext.facet#tag") => {
                    self.tags.extend(feature.get("tag").and_then(Value::as_str).map(tag_key));
                }
                _ => {}
            }
        }
        let record_tags = record.get("tags").and_then(Value::as_array).into_iter().flatten();
        self.tags.extend(record_tags.filter_map(Value::as_str).map(tag_key));
        let first_lang = record.get("langs").and_then(|l| l.get(0)).and_then(Value::as_str).unwrap_or("");
        let primary = first_lang.split('-').next().unwrap_or("");
        self.no_spaces_language =
            ["ja", "zh", "ko", "th", "vi"].iter().any(|l| primary.eq_ignore_ascii_case(l));
    }
}

fn tag_key(t: &str) -> String {
    lowercase(t.trim_start_matches('#'))
}

/// Lowercases the way text is prepared for matching (character by character), so a word
/// and the text it is looked for in are lowercased alike.
pub(crate) fn lowercase(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    push_folded(&mut out, s, true);
    out
}

/// Appends `s` trimmed, with every run of whitespace made one space, lowercased when asked.
/// ASCII words (most of them) are copied whole and lowercased in place.
fn push_folded(out: &mut String, s: &str, lower: bool) {
    let words: &mut dyn Iterator<Item = &str> =
        if s.is_ascii() { &mut s.split_ascii_whitespace() } else { &mut s.split_whitespace() };
    for (i, word) in words.enumerate() {
        if i > 0 {
            out.push(' ');
        }
        if !lower {
            out.push_str(word);
        } else if word.is_ascii() {
            let start = out.len();
            out.push_str(word);
            out[start..].make_ascii_lowercase();
        } else {
            for c in word.chars() {
                out.extend(c.to_lowercase());
            }
        }
    }
}
