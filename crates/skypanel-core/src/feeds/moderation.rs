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
        self.muted_word_in(c, &PostText::new(c, false))
    }

    /// [`Moderation::muted_word`] with the item's text already prepared.
    pub(crate) fn muted_word_in(&self, c: &Candidate, t: &PostText) -> bool {
        let followed = c.view.post.author.viewer.as_ref().is_some_and(|v| v.following.is_some());
        let exception = t.no_spaces_language;
        self.muted_words.iter().any(|w| {
            if w.exclude_following && followed {
                return false;
            }
            if (w.tag || w.content) && t.tags.contains(&w.value) {
                return true;
            }
            w.content && t.lower.iter().any(|field| content_matches(&w.value, field, exception))
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
    let value = value.strip_prefix('#').unwrap_or(value).to_lowercase();
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
    Ok(Some(MutedWord { value, content, tag, exclude_following }))
}

/// Unicode general category P (punctuation), for the characters posts use: ASCII
/// punctuation (not the symbols `$+<=>^`|~`), Latin-1's, the General Punctuation block, CJK
/// and full-width punctuation.
pub(crate) fn is_punctuation(c: char) -> bool {
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

/// Whether the muted word `m` (lowercase) matches the text `t` (lowercase). See the module
/// documentation for the rules.
pub(crate) fn content_matches(m: &str, t: &str, no_spaces_language: bool) -> bool {
    if t.is_empty() {
        return false;
    }
    let mut chars = m.chars();
    let single = chars.next().is_some() && chars.next().is_none();
    if single || no_spaces_language || m.chars().any(is_unspaced_script) {
        return t.contains(m);
    }
    if m.len() > t.len() {
        return false;
    }
    if m == t {
        return true;
    }
    if m.chars().any(|c| c.is_whitespace() || is_punctuation(c)) {
        return t.contains(m);
    }
    for word in t.split_whitespace() {
        if word == m {
            return true;
        }
        let trimmed = word.trim_matches(is_punctuation);
        if trimmed == m {
            return true;
        }
        if m.len() > trimmed.len() || !trimmed.contains(is_punctuation) {
            continue;
        }
        // `m` has no punctuation or spaces here, so the spaced form can never equal it; the
        // contiguous form and the parts can.
        let contiguous: String = trimmed.chars().filter(|c| !is_punctuation(*c)).collect();
        if contiguous == m || trimmed.split(is_punctuation).any(|part| part == m) {
            return true;
        }
    }
    false
}

/// The searchable text of one post, prepared once per post for every filter that reads it.
#[derive(Debug, Clone, Default)]
pub(crate) struct PostText {
    /// Text, alt texts, link: as written (alt texts and link parts joined by newlines).
    pub raw: [String; 3],
    /// The same, lowercased, whitespace runs within each part made one space.
    pub lower: [String; 3],
    /// The same as `lower` keeping letter case; empty unless asked for.
    pub exact: [String; 3],
    /// Hashtags, lowercased, without `#`.
    pub tags: Vec<String>,
    /// The post's first language is written without spaces (ja, zh, ko, th, vi).
    pub no_spaces_language: bool,
}

impl PostText {
    /// Prepares `c`'s text; `exact` also keeps the case-preserving form (for case-sensitive
    /// text filters).
    pub(crate) fn new(c: &Candidate, exact: bool) -> PostText {
        let post = &c.view.post;
        let record = &post.record;
        let mut alts: Vec<&str> = Vec::new();
        let mut links: Vec<&str> = Vec::new();
        match &post.embed {
            Some(EmbedView::Images(i)) => alts.extend(i.images.iter().map(|i| i.alt.as_str())),
            Some(EmbedView::Video(v)) => alts.extend(v.alt.as_deref()),
            Some(EmbedView::External(e)) => {
                links.extend([
                    e.external.uri.as_str(),
                    e.external.title.as_str(),
                    e.external.description.as_str(),
                ]);
            }
            Some(EmbedView::RecordWithMedia(rm)) => match &rm.media {
                MediaView::Images(i) => alts.extend(i.images.iter().map(|i| i.alt.as_str())),
                MediaView::Video(v) => alts.extend(v.alt.as_deref()),
                MediaView::External(e) => {
                    links.extend([
                        e.external.uri.as_str(),
                        e.external.title.as_str(),
                        e.external.description.as_str(),
                    ]);
                }
                MediaView::Unknown(_) => {}
            },
            _ => {}
        }
        let mut tags: Vec<String> = Vec::new();
        let facets = record.get("facets").and_then(Value::as_array).into_iter().flatten();
        for feature in facets.filter_map(|f| f.get("features")?.as_array()).flatten() {
            match feature.get("$type").and_then(Value::as_str) {
                Some("app.bsky.richtext.facet#link") => {
                    links.extend(feature.get("uri").and_then(Value::as_str))
                }
                Some("app.bsky.richtext.facet#tag") => {
                    tags.extend(feature.get("tag").and_then(Value::as_str).map(tag_key));
                }
                _ => {}
            }
        }
        let record_tags = record.get("tags").and_then(Value::as_array).into_iter().flatten();
        tags.extend(record_tags.filter_map(Value::as_str).map(tag_key));
        let first_lang = record.get("langs").and_then(|l| l.get(0)).and_then(Value::as_str).unwrap_or("");
        let primary = first_lang.split('-').next().unwrap_or("").to_ascii_lowercase();
        let no_spaces_language = ["ja", "zh", "ko", "th", "vi"].contains(&primary.as_str());
        let text = post.text();
        let raw = [text.to_owned(), alts.join("\n"), links.join("\n")];
        let lower = [lower_parts(&[text]), lower_parts(&alts), lower_parts(&links)];
        let exact = if exact {
            [collapsed_parts(&[text]), collapsed_parts(&alts), collapsed_parts(&links)]
        } else {
            Default::default()
        };
        PostText { raw, lower, exact, tags, no_spaces_language }
    }
}

fn tag_key(t: &str) -> String {
    t.trim_start_matches('#').to_lowercase()
}

/// Lowercases each part and makes every run of whitespace in it one space, then joins the
/// parts with newlines, so a phrase may span a line break in a post but never two alt texts
/// or two parts of a link card.
pub(crate) fn lower_parts(parts: &[&str]) -> String {
    let mut out = String::new();
    for (i, part) in parts.iter().enumerate() {
        if i > 0 {
            out.push('\n');
        }
        push_collapsed(&mut out, &part.to_lowercase());
    }
    out
}

/// Like [`lower_parts`], keeping letter case.
pub(crate) fn collapsed_parts(parts: &[&str]) -> String {
    let mut out = String::new();
    for (i, part) in parts.iter().enumerate() {
        if i > 0 {
            out.push('\n');
        }
        push_collapsed(&mut out, part);
    }
    out
}

fn push_collapsed(out: &mut String, s: &str) {
    let mut in_space = false;
    for c in s.trim().chars() {
        if c.is_whitespace() {
            if !in_space {
                out.push(' ');
            }
            in_space = true;
        } else {
            out.push(c);
            in_space = false;
        }
    }
}
