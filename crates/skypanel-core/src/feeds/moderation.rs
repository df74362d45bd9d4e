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
        self.muted_word_in(c, &mut PostText::default())
    }

    /// [`Moderation::muted_word`] with the item's text already prepared.
    pub(crate) fn muted_word_in(&self, c: &Candidate, t: &mut PostText) -> bool {
        if self.muted_words.is_empty() {
            return false;
        }
        let followed = c.view.post.author.viewer.as_ref().is_some_and(|v| v.following.is_some());
        t.read_tags(c);
        // Each field's words with inner punctuation, squeezed, worked out once per post when
        // a word needs them (see `content_matches`).
        let mut squeezed: [Option<String>; 3] = Default::default();
        for w in &self.muted_words {
            if w.exclude_following && followed {
                continue;
            }
            if (w.tag || w.content) && t.tags.contains(&w.value) {
                return true;
            }
            if !w.content {
                continue;
            }
            let anywhere = w.anywhere || t.no_spaces_language;
            for (f, squeezed) in squeezed.iter_mut().enumerate() {
                if content_matches(&w.value, anywhere, t.lower(c, f), squeezed) {
                    return true;
                }
            }
        }
        false
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

/// The searchable text of one post, prepared on demand, each form of each field at most
/// once per post, for every filter that reads it. Reused from post to post (see
/// [`PostText::reset`]), so its buffers are allocated once per run, not once per post.
///
/// Fields: 0 the post's text, 1 its alt texts, 2 its link card (URL, title, description)
/// and link facets' URLs. Parts of a field are joined by newlines.
#[derive(Debug, Clone, Default)]
pub(crate) struct PostText {
    /// Lowercased, each run of whitespace within a part made one space.
    lower: [String; 3],
    /// The same keeping letter case.
    exact: [String; 3],
    /// As written (alt texts and link parts; the text itself is read from the post).
    raw: [String; 3],
    have: [[bool; 3]; 3],
    /// Hashtags, lowercased, without `#`.
    tags: Vec<String>,
    have_tags: bool,
    /// The post's first language is written without spaces (ja, zh, ko, th, vi).
    no_spaces_language: bool,
}

const LOWER: usize = 0;
const EXACT: usize = 1;
const RAW: usize = 2;

impl PostText {
    /// Forgets the previous post (keeping the buffers).
    pub(crate) fn reset(&mut self) {
        self.have = [[false; 3]; 3];
        self.have_tags = false;
    }

    /// Calls `each` with the parts of `field` of `c`.
    fn parts(c: &Candidate, field: usize, each: &mut dyn FnMut(&str)) {
        let post = &c.view.post;
        match field {
            0 => each(post.text()),
            1 => {
                let media = match &post.embed {
                    Some(EmbedView::RecordWithMedia(rm)) => Some(&rm.media),
                    _ => None,
                };
                match (&post.embed, media) {
                    (Some(EmbedView::Images(i)), _) | (_, Some(MediaView::Images(i))) => {
                        i.images.iter().for_each(|i| each(&i.alt));
                    }
                    (Some(EmbedView::Video(v)), _) | (_, Some(MediaView::Video(v))) => {
                        each(v.alt.as_deref().unwrap_or(""));
                    }
                    _ => {}
                }
            }
            _ => {
                let media = match &post.embed {
                    Some(EmbedView::RecordWithMedia(rm)) => Some(&rm.media),
                    _ => None,
                };
                if let (Some(EmbedView::External(e)), _) | (_, Some(MediaView::External(e))) =
                    (&post.embed, media)
                {
                    each(&e.external.uri);
                    each(&e.external.title);
                    each(&e.external.description);
                }
                let facets = post.record.get("facets").and_then(Value::as_array).into_iter().flatten();
                for feature in facets.filter_map(|f| f.get("features")?.as_array()).flatten() {
                    if feature.get("$type").and_then(Value::as_str) == Some("app.bsky.richtext.facet#link") {
                        each(feature.get("uri").and_then(Value::as_str).unwrap_or(""));
                    }
                }
            }
        }
    }

    fn form(&mut self, c: &Candidate, field: usize, form: usize) -> &str {
        if !self.have[form][field] {
            self.have[form][field] = true;
            let out = match form {
                LOWER => &mut self.lower[field],
                EXACT => &mut self.exact[field],
                _ => &mut self.raw[field],
            };
            out.clear();
            let mut first = true;
            PostText::parts(c, field, &mut |part: &str| {
                if part.is_empty() {
                    return;
                }
                if !first {
                    out.push('\n');
                }
                first = false;
                if form == RAW {
                    out.push_str(part);
                } else {
                    push_folded(out, part, form == LOWER);
                }
            });
        }
        match form {
            LOWER => &self.lower[field],
            EXACT => &self.exact[field],
            _ => &self.raw[field],
        }
    }

    /// `field` lowercased, whitespace collapsed.
    pub(crate) fn lower(&mut self, c: &Candidate, field: usize) -> &str {
        self.form(c, field, LOWER)
    }

    /// `field` with whitespace collapsed, letter case kept.
    pub(crate) fn exact(&mut self, c: &Candidate, field: usize) -> &str {
        self.form(c, field, EXACT)
    }

    /// `field` as written.
    pub(crate) fn raw<'a>(&'a mut self, c: &'a Candidate, field: usize) -> &'a str {
        if field == 0 {
            return c.view.post.text();
        }
        self.form(c, field, RAW)
    }

    /// Reads the hashtags and the first language, once per post.
    fn read_tags(&mut self, c: &Candidate) {
        if self.have_tags {
            return;
        }
        self.have_tags = true;
        self.tags.clear();
        let record = &c.view.post.record;
        let facets = record.get("facets").and_then(Value::as_array).into_iter().flatten();
        for feature in facets.filter_map(|f| f.get("features")?.as_array()).flatten() {
            if feature.get("$type").and_then(Value::as_str) == Some("app.bsky.richtext.facet#tag") {
                self.tags.extend(feature.get("tag").and_then(Value::as_str).map(tag_key));
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

/// Whether `s` is already folded but for ASCII letter case: no whitespace but single
/// spaces between words, and no character outside ASCII that lowercasing would change.
fn is_tidy(s: &str) -> bool {
    let b = s.as_bytes();
    if b.first() == Some(&b' ') || b.last() == Some(&b' ') {
        return false;
    }
    let (mut i, mut after_space) = (0, false);
    while i < b.len() {
        let x = b[i];
        if x < 0x80 {
            if x == b' ' {
                if after_space {
                    return false;
                }
                after_space = true;
            } else if x.is_ascii_whitespace() || x == 0x0b {
                return false;
            } else {
                after_space = false;
            }
            i += 1;
            continue;
        }
        let Some(c) = s[i..].chars().next() else { return false };
        let mut lower = c.to_lowercase();
        if c.is_whitespace() || !(lower.len() == 1 && lower.next() == Some(c)) {
            return false;
        }
        after_space = false;
        i += c.len_utf8();
    }
    true
}

/// Appends `s` trimmed, with every run of whitespace made one space, lowercased when asked.
/// ASCII words (most of them) are copied whole and lowercased in place.
fn push_folded(out: &mut String, s: &str, lower: bool) {
    // Most text is words between single spaces with nothing to lowercase outside ASCII:
    // copied whole.
    if is_tidy(s) {
        let at = out.len();
        out.push_str(s);
        if lower {
            out[at..].make_ascii_lowercase();
        }
        return;
    }
    // Otherwise byte by byte: runs of ASCII letters and signs are copied whole (and lowercased in
    // place); only other characters are decoded one by one.
    // ASCII whitespace as `char::is_whitespace` sees it (with the vertical tab).
    let blank = |b: u8| b.is_ascii_whitespace() || b == 0x0b;
    let bytes = s.as_bytes();
    let (mut i, mut space, mut started) = (0, false, false);
    while i < bytes.len() {
        let b = bytes[i];
        if blank(b) {
            space = started;
            i += 1;
            continue;
        }
        if b.is_ascii() {
            let mut j = i + 1;
            while j < bytes.len() && bytes[j].is_ascii() && !blank(bytes[j]) {
                j += 1;
            }
            if space {
                out.push(' ');
                space = false;
            }
            let at = out.len();
            out.push_str(&s[i..j]);
            if lower {
                out[at..].make_ascii_lowercase();
            }
            started = true;
            i = j;
            continue;
        }
        let Some(c) = s[i..].chars().next() else { break };
        i += c.len_utf8();
        if c.is_whitespace() {
            space = started;
            continue;
        }
        if space {
            out.push(' ');
            space = false;
        }
        if lower {
            out.extend(c.to_lowercase());
        } else {
            out.push(c);
        }
        started = true;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]

        /// The byte-wise folding gives what splitting at whitespace and lowercasing gives.
        #[test]
        fn folding_is_split_join_and_lowercase(s in "[a-zA-Z .,!\t\n\r\u{0b}\u{0c}\u{85}\u{a0}\u{1680}\u{2000}-\u{200b}\u{2028}\u{2029}\u{202f}\u{205f}\u{3000}\u{3001}ÉéΣσ東京İ🚀’-]{0,24}", lower in any::<bool>()) {
            let mut out = String::new();
            push_folded(&mut out, &s, lower);
            let words: Vec<String> = s
                .split_whitespace()
                .map(|w| if lower { w.chars().flat_map(char::to_lowercase).collect() } else { w.to_owned() })
                .collect();
            prop_assert_eq!(out, words.join(" "));
        }
    }
}
