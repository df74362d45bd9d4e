//! The pure part of running a feed: the viewer's moderation and the definition's filters,
//! dedupe and the per-author cap across pages, sorting, and the collapsed view. No I/O.
//!
//! Order of a run (the fetcher drives it): [`Engine::filter`] (moderation, then each filter
//! in the order written), [`Memory::dedupe`], [`Memory::cap_per_author`], [`sort`], and
//! [`collapse`] when the definition asks. Each stage appends a [`Step`] saying how many
//! posts went in and came out, so the editor can show why a post is or is not there.

use std::collections::{HashMap, HashSet};

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::definition::{compile_regex, Definition, Filter, MediaKind, Sort, TextField};
use super::moderation::{lowercase, Moderation, PostText};
use super::{Candidate, Problem, Step};
use crate::grouping::{self, Block, PlanOptions, Unit};
use crate::library::time::parse_rfc3339;
use crate::model::embed::{EmbedView, MediaView};
use crate::model::feed::MaybePost;

/// What the engine knows about the viewer and the moment, besides the definition.
#[derive(Debug, Clone, Default)]
pub struct Context {
    /// Now, in milliseconds since the epoch (for `since` and the hot sort).
    pub now_ms: i64,
    /// The viewer's moderation (muted words, labels); `Moderation::default()` signed out.
    pub moderation: Moderation,
    /// Members' DIDs of each list the `exclude` filters name, keyed by the list as written in
    /// the definition (see `Definition::lists_needed`). A missing list skips its filter.
    pub lists: HashMap<String, Vec<String>>,
    /// The viewer's DID when signed in (a reply to the viewer counts as a reply to someone
    /// followed).
    pub viewer: Option<String>,
}

/// One compiled filter.
#[derive(Debug)]
enum Stage {
    Text {
        any: WordSet,
        all: WordSet,
        regex: Option<regex_lite::Regex>,
        /// Literals every match of `regex` contains, when known.
        required: Option<Literals>,
        exclude: bool,
        case_sensitive: bool,
        fields: Vec<usize>,
    },
    Media(Vec<MediaKind>),
    Lang {
        langs: Vec<String>,
        keep_unknown: bool,
    },
    Replies {
        keep: bool,
        only_following: bool,
    },
    Reposts {
        keep: bool,
        from: Vec<String>,
    },
    Quotes {
        keep: bool,
    },
    Min {
        likes: u64,
        reposts: u64,
        replies: u64,
    },
    Since {
        from_ms: i64,
    },
    Exclude(HashSet<String>),
    MutedWords,
}

/// A definition's filters, compiled for one run.
#[derive(Debug)]
pub struct Engine {
    stages: Vec<(String, Stage)>,
    moderation: Moderation,
    viewer: Option<String>,
}

fn field_index(f: TextField) -> usize {
    match f {
        TextField::Text => 0,
        TextField::Alt => 1,
        TextField::Link => 2,
    }
}

/// "a, b or c" / "a, b and c".
fn join_words(items: &[String], last: &str) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [rest @ .., end] => format!("{} {last} {end}", rest.join(", ")),
    }
}

fn plural(n: u64, one: &str, many: &str) -> String {
    if n == 1 {
        format!("1 {one}")
    } else {
        format!("{n} {many}")
    }
}

fn normalise_phrase(s: &str, case_sensitive: bool) -> String {
    let words: Vec<&str> = s.split_whitespace().collect();
    let joined = words.join(" ");
    if case_sensitive {
        joined
    } else {
        lowercase(&joined)
    }
}

impl Engine {
    /// Compiles the definition's filters; problems for filters that cannot run (they are
    /// skipped): an `exclude` list missing from `ctx.lists`, an invalid regex in a
    /// definition built in code. `Unknown` filters are skipped silently (`parse` reported them).
    pub fn new(def: &Definition, ctx: &Context) -> (Engine, Vec<Problem>) {
        let mut stages = Vec::new();
        let mut problems = Vec::new();
        for (i, f) in def.filters.iter().enumerate() {
            let stage = match f {
                Filter::Unknown(_) => continue,
                Filter::Text(t) => {
                    let regex = match t.regex.as_deref().map(|r| compile_regex(r, t.case_sensitive)) {
                        None => None,
                        Some(Ok(r)) => Some(r),
                        Some(Err(e)) => {
                            problems.push(Problem {
                                path: format!("filters[{i}].regex"),
                                name: "InvalidInput".into(),
                                message: format!("this regular expression is invalid (filter not run): {e}"),
                            });
                            continue;
                        }
                    };
                    let phrases = |v: &[String]| -> Vec<String> {
                        v.iter()
                            .map(|w| normalise_phrase(w, t.case_sensitive))
                            .filter(|w| !w.is_empty())
                            .collect()
                    };
                    let (any, all) = (WordSet::new(phrases(&t.any)), WordSet::new(phrases(&t.all)));
                    if any.is_empty() && all.is_empty() && regex.is_none() {
                        continue; // nothing to look for: `parse` reported it
                    }
                    let mut fields: Vec<usize> = t.fields.iter().map(|f| field_index(*f)).collect();
                    if fields.is_empty() {
                        fields = vec![0, 1, 2];
                    }
                    let mut parts = Vec::new();
                    if !t.any.is_empty() {
                        parts.push(join_words(&t.any, "or"));
                    }
                    if !t.all.is_empty() {
                        parts.push(join_words(&t.all, "and"));
                    }
                    if let Some(r) = &t.regex {
                        parts.push(format!("/{r}/"));
                    }
                    let label =
                        format!("{}: {}", if t.exclude { "no text" } else { "text" }, parts.join(", "));
                    let required = t.regex.as_deref().and_then(required_literals);
                    let stage = Stage::Text {
                        any,
                        all,
                        regex,
                        required,
                        exclude: t.exclude,
                        case_sensitive: t.case_sensitive,
                        fields,
                    };
                    stages.push((label, stage));
                    continue;
                }
                Filter::Media { has } => {
                    if has.is_empty() {
                        continue;
                    }
                    let names: Vec<String> = has
                        .iter()
                        .map(|k| if *k == MediaKind::None { "no media".into() } else { k.name().to_owned() })
                        .collect();
                    (join_words(&names, "or"), Stage::Media(has.clone()))
                }
                Filter::Lang { langs, keep_unknown } => {
                    if langs.is_empty() {
                        continue;
                    }
                    let label =
                        format!("language{} {}", if langs.len() == 1 { "" } else { "s" }, langs.join(", "));
                    let langs = langs.iter().map(|l| l.to_ascii_lowercase()).collect();
                    (label, Stage::Lang { langs, keep_unknown: *keep_unknown })
                }
                Filter::Replies { keep, only_following } => {
                    let label = match (keep, only_following) {
                        (false, _) => "no replies",
                        (true, true) => "replies only to people you follow",
                        (true, false) => "replies kept",
                    };
                    (label.into(), Stage::Replies { keep: *keep, only_following: *only_following })
                }
                Filter::Reposts { keep, from } => {
                    let label = match (keep, from.as_slice()) {
                        (true, _) => "reposts kept".into(),
                        (false, []) => "no reposts".into(),
                        (false, [one]) => format!("no reposts from {one}"),
                        (false, many) => format!("no reposts from {} accounts", many.len()),
                    };
                    let from = from.iter().map(|a| a.to_ascii_lowercase()).collect();
                    (label, Stage::Reposts { keep: *keep, from })
                }
                Filter::Quotes { keep } => (
                    if *keep { "quote posts kept" } else { "no quote posts" }.into(),
                    Stage::Quotes { keep: *keep },
                ),
                Filter::Min { likes, reposts, replies } => {
                    let mut parts = Vec::new();
                    if let Some(n) = likes {
                        parts.push(plural(*n, "like", "likes"));
                    }
                    if let Some(n) = reposts {
                        parts.push(plural(*n, "repost", "reposts"));
                    }
                    if let Some(n) = replies {
                        parts.push(plural(*n, "reply", "replies"));
                    }
                    if parts.is_empty() {
                        continue;
                    }
                    let stage = Stage::Min {
                        likes: likes.unwrap_or(0),
                        reposts: reposts.unwrap_or(0),
                        replies: replies.unwrap_or(0),
                    };
                    (format!("at least {}", parts.join(", ")), stage)
                }
                Filter::Since { hours } => {
                    if !(hours.is_finite() && *hours > 0.0) {
                        continue;
                    }
                    let label = if *hours == 1.0 {
                        "last hour".to_owned()
                    } else if hours.fract() == 0.0 {
                        format!("last {hours:.0} hours")
                    } else {
                        format!("last {hours} hours")
                    };
                    // Saturating: a window of a million years is simply everything.
                    let span = (hours * 3_600_000.0).min(i64::MAX as f64 / 2.0) as i64;
                    (label, Stage::Since { from_ms: ctx.now_ms.saturating_sub(span) })
                }
                Filter::Exclude { actors, list } => {
                    let mut set: HashSet<String> = actors.iter().map(|a| a.to_ascii_lowercase()).collect();
                    let mut parts = Vec::new();
                    if !actors.is_empty() {
                        parts.push(if actors.len() == 1 {
                            actors[0].clone()
                        } else {
                            format!("{} accounts", actors.len())
                        });
                    }
                    if let Some(l) = list {
                        match ctx.lists.get(l) {
                            Some(members) => {
                                set.extend(members.iter().map(|m| m.to_ascii_lowercase()));
                                parts.push("a list's members".into());
                            }
                            None => {
                                problems.push(Problem {
                                    path: format!("filters[{i}].list"),
                                    name: "UnknownList".into(),
                                    message: "this list could not be read, so this filter was skipped: check that the list still exists".into(),
                                });
                                continue;
                            }
                        }
                    }
                    if set.is_empty() && list.is_none() {
                        continue;
                    }
                    (format!("not from {}", parts.join(" or ")), Stage::Exclude(set))
                }
                Filter::MutedWords => ("muted words".into(), Stage::MutedWords),
            };
            stages.push(stage);
        }

        let engine = Engine { stages, moderation: ctx.moderation.clone(), viewer: ctx.viewer.clone() };
        (engine, problems)
    }

    /// The labels of the filter steps this engine appends, in order (after "moderation").
    pub fn step_labels(&self) -> Vec<&str> {
        self.stages.iter().map(|(l, _)| l.as_str()).collect()
    }

    /// Moderation, then each filter in order; appends one Step per stage: always one
    /// labelled "moderation" (muted and blocked accounts, hidden labels), then one per filter
    /// that runs, labelled as a person reads it ("no reposts", "at least 5 likes",
    /// "text: launch", "images or video", "language en", "muted words", "last 24 hours",
    /// "not from 2 accounts"). Keeps the candidates' order.
    pub fn filter(&self, candidates: Vec<Candidate>, steps: &mut Vec<Step>) -> Vec<Candidate> {
        let keep = self.passing(&candidates, steps);
        let mut next = keep.iter().copied().peekable();
        let mut out = Vec::with_capacity(keep.len());
        for (i, c) in candidates.into_iter().enumerate() {
            if next.peek() == Some(&i) {
                next.next();
                out.push(c);
            }
        }
        out
    }

    /// Which candidates pass, as ascending indices, with the same steps as
    /// [`Engine::filter`]; nothing is moved or freed, so a caller can try the engine on
    /// posts it keeps anyway.
    pub fn passing(&self, candidates: &[Candidate], steps: &mut Vec<Step>) -> Vec<usize> {
        // Post by post through every stage, stopping at the first that drops it: each post's
        // text is prepared at most once, into buffers reused from post to post.
        // passed[0]: posts through moderation; passed[k + 1]: posts through stage k.
        let mut passed = vec![0usize; self.stages.len() + 1];
        let mut keep = Vec::with_capacity(candidates.len());
        let mut text = PostText::default();
        for (i, c) in candidates.iter().enumerate() {
            if self.moderation.hides(c).is_some() {
                continue;
            }
            passed[0] += 1;
            text.reset();
            let mut kept = true;
            for (k, (_, stage)) in self.stages.iter().enumerate() {
                let pass = match stage {
                    Stage::MutedWords => !self.moderation.muted_word_in(c, &mut text),
                    Stage::Text { .. } => text_keeps(stage, c, &mut text),
                    _ => self.keeps(stage, c),
                };
                if !pass {
                    kept = false;
                    break;
                }
                passed[k + 1] += 1;
            }
            if kept {
                keep.push(i);
            }
        }
        steps.push(Step { label: "moderation".into(), input: candidates.len(), output: passed[0] });
        for (k, (label, _)) in self.stages.iter().enumerate() {
            steps.push(Step { label: label.clone(), input: passed[k], output: passed[k + 1] });
        }
        keep
    }

    fn keeps(&self, stage: &Stage, c: &Candidate) -> bool {
        let view = &c.view;
        let post = &view.post;
        match stage {
            Stage::Text { .. } | Stage::MutedWords => true,
            Stage::Media(has) => has.iter().any(|k| has_media(c, *k)),
            Stage::Lang { langs, keep_unknown } => {
                let declared = post.record.get("langs").and_then(|v| v.as_array());
                let mut declared = declared.into_iter().flatten().filter_map(|v| v.as_str()).peekable();
                if declared.peek().is_none() {
                    return *keep_unknown;
                }
                declared.any(|d| {
                    langs.iter().any(|l| {
                        d.len() >= l.len()
                            && d[..l.len()].eq_ignore_ascii_case(l)
                            && (d.len() == l.len() || d.as_bytes()[l.len()] == b'-')
                    })
                })
            }
            Stage::Replies { keep, only_following } => {
                if !is_reply(c) {
                    return true;
                }
                if !keep {
                    return false;
                }
                !only_following || self.replies_to_followed(c)
            }
            Stage::Reposts { keep, from } => match view.reposted_by() {
                None => true,
                Some(_) if *keep => true,
                Some(_) if from.is_empty() => false,
                Some(by) => !from
                    .iter()
                    .any(|a| a.eq_ignore_ascii_case(&by.did) || a.eq_ignore_ascii_case(&by.handle)),
            },
            Stage::Quotes { keep } => *keep || !has_media(c, MediaKind::Quote),
            Stage::Min { likes, reposts, replies } => {
                post.like_count.unwrap_or(0) >= *likes
                    && post.repost_count.unwrap_or(0) >= *reposts
                    && post.reply_count.unwrap_or(0) >= *replies
            }
            Stage::Since { from_ms } => c.key.time_ms >= *from_ms,
            Stage::Exclude(set) => {
                let people = std::iter::once(&post.author).chain(view.reposted_by());
                !people.into_iter().any(|p| {
                    set.contains(&p.did.to_ascii_lowercase()) || set.contains(&p.handle.to_ascii_lowercase())
                })
            }
        }
    }

    /// Whether a reply answers someone the viewer follows, the viewer, or its own author.
    fn replies_to_followed(&self, c: &Candidate) -> bool {
        let me = &c.view.post.author.did;
        match c.view.reply.as_ref().map(|r| &r.parent) {
            Some(MaybePost::Post(parent)) => {
                let a = &parent.author;
                a.viewer.as_ref().is_some_and(|v| v.following.is_some())
                    || &a.did == me
                    || self.viewer.as_deref() == Some(a.did.as_str())
            }
            Some(_) => false,
            // A bare post view (search, the library) has no reply context, only the parent's
            // at-uri: enough to tell a self-thread or a reply to the viewer, not a follow.
            None => {
                let parent =
                    c.view.post.record.pointer("/reply/parent/uri").and_then(|v| v.as_str()).unwrap_or("");
                let did = parent.strip_prefix("at://").and_then(|r| r.split('/').next()).unwrap_or("");
                !did.is_empty() && (did == me || self.viewer.as_deref() == Some(did))
            }
        }
    }
}

fn is_reply(c: &Candidate) -> bool {
    c.view.reply.is_some() || c.view.post.record.get("reply").is_some()
}

fn has_media(c: &Candidate, kind: MediaKind) -> bool {
    let embed = c.view.post.embed.as_ref();
    let media = match embed {
        Some(EmbedView::RecordWithMedia(rm)) => Some(&rm.media),
        _ => None,
    };
    match kind {
        MediaKind::None => embed.is_none(),
        MediaKind::Images => {
            matches!(embed, Some(EmbedView::Images(_))) || matches!(media, Some(MediaView::Images(_)))
        }
        MediaKind::Video => {
            matches!(embed, Some(EmbedView::Video(_))) || matches!(media, Some(MediaView::Video(_)))
        }
        MediaKind::Quote => matches!(embed, Some(EmbedView::Record(_) | EmbedView::RecordWithMedia(_))),
        MediaKind::Link => {
            matches!(embed, Some(EmbedView::External(_)))
                || matches!(media, Some(MediaView::External(_)))
                || has_link_facet(c)
        }
    }
}

fn has_link_facet(c: &Candidate) -> bool {
    let facets = c.view.post.record.get("facets").and_then(|v| v.as_array()).into_iter().flatten();
    facets
        .filter_map(|f| f.get("features")?.as_array())
        .flatten()
        .any(|f| f.get("$type").and_then(|t| t.as_str()) == Some("app.bsky.richtext.facet#link"))
}

/// Words and phrases to look for, found in one pass over a text.
#[derive(Debug)]
struct WordSet {
    words: Vec<String>,
    /// Which bytes start one of the words (boxed: the stage enum stays small).
    starts: Box<[bool; 256]>,
}

impl WordSet {
    fn new(words: Vec<String>) -> WordSet {
        let mut starts = Box::new([false; 256]);
        for w in &words {
            if let Some(&b) = w.as_bytes().first() {
                starts[usize::from(b)] = true;
            }
        }
        WordSet { words, starts }
    }

    fn is_empty(&self) -> bool {
        self.words.is_empty()
    }

    /// Looks for the words in `hay` at word boundaries (see [`contains_words`]), marking
    /// each found in `seen` (bit i for word i). True when one was found (`every`: when all
    /// have been, over every call with the same `seen`).
    fn scan(&self, hay: &str, every: bool, seen: &mut u64) -> bool {
        let n = self.words.len();
        if n > 64 {
            // Beyond what the mask holds: one search per word.
            let mut found = self.words.iter().map(|w| contains_words(hay, w));
            return if every { found.all(|f| f) } else { found.any(|f| f) };
        }
        let full = if n == 64 { u64::MAX } else { (1u64 << n) - 1 };
        let b = hay.as_bytes();
        for i in 0..b.len() {
            if !self.starts[usize::from(b[i])] {
                continue;
            }
            for (k, w) in self.words.iter().enumerate() {
                let wb = w.as_bytes();
                // Two bytes compared here save most calls to the full comparison.
                if wb[0] != b[i]
                    || (wb.len() > 1 && b.get(i + 1) != Some(&wb[1]))
                    || *seen & (1 << k) != 0
                    || !b[i..].starts_with(wb)
                    || !at_boundaries(hay, i, w)
                {
                    continue;
                }
                *seen |= 1 << k;
                if !every || *seen == full {
                    return true;
                }
            }
        }
        every && *seen == full
    }
}

/// Whether `w`, found in `hay` at byte `at`, stands at word boundaries there.
fn at_boundaries(hay: &str, at: usize, w: &str) -> bool {
    let starts_word = w.chars().next().is_some_and(is_word_char);
    let ends_word = w.chars().next_back().is_some_and(is_word_char);
    let before_ok = !starts_word || !hay[..at].chars().next_back().is_some_and(is_word_char);
    let after_ok = !ends_word || !hay[at + w.len()..].chars().next().is_some_and(is_word_char);
    before_ok && after_ok
}

fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

/// Whether `needle` occurs in `hay` at word boundaries: where the needle starts (ends) with
/// a letter or digit, the character before (after) it must not be one.
pub(crate) fn contains_words(hay: &str, needle: &str) -> bool {
    if needle.is_empty() || needle.len() > hay.len() {
        return false;
    }
    let starts_word = needle.chars().next().is_some_and(is_word_char);
    let ends_word = needle.chars().next_back().is_some_and(is_word_char);
    hay.match_indices(needle).any(|(at, _)| {
        let before_ok = !starts_word || !hay[..at].chars().next_back().is_some_and(is_word_char);
        let after_ok = !ends_word || !hay[at + needle.len()..].chars().next().is_some_and(is_word_char);
        before_ok && after_ok
    })
}

fn text_keeps(stage: &Stage, c: &Candidate, t: &mut PostText) -> bool {
    let Stage::Text { any, all, regex, required, exclude, case_sensitive, fields } = stage else {
        return true;
    };
    let mut found = |set: &WordSet, every: bool| {
        let mut seen = 0u64;
        fields.iter().any(|&f| {
            let hay = if *case_sensitive { t.exact(c, f) } else { t.lower(c, f) };
            set.scan(hay, every, &mut seen)
        })
    };
    let matched = (any.is_empty() || found(any, false)) && (all.is_empty() || found(all, true));
    let matched = matched
        && regex.as_ref().is_none_or(|r| {
            fields.iter().any(|&f| {
                // The regex engine is the slow part: skip it where a literal it needs is
                // absent, and start it where the match must start when that is known.
                if let Some(Literals { any_of, prefixes: None }) = required {
                    let lower = t.lower(c, f);
                    if !any_of.iter().any(|l| lower.contains(l.as_str())) {
                        return false;
                    }
                }
                regex_matches(r, required.as_ref(), t.raw(c, f))
            })
        });
    matched != *exclude
}

/// What every match of a regular expression must contain (see [`required_literals`]).
#[derive(Debug, Clone, PartialEq)]
struct Literals {
    /// Lowercase ASCII literals; every match contains one of them.
    any_of: Vec<String>,
    /// When every alternative starts with a literal: those literals. Every match then
    /// starts where one of them occurs, so the search can begin at the first occurrence.
    prefixes: Option<Vec<String>>,
}

/// Where `lit` (lowercase ASCII) first occurs in `hay`, ignoring ASCII case.
fn find_ascii_ci(hay: &str, lit: &str) -> Option<usize> {
    let (h, l) = (hay.as_bytes(), lit.as_bytes());
    let first = *l.first()?;
    if l.len() > h.len() {
        return None;
    }
    (0..=h.len() - l.len())
        .find(|&i| h[i].to_ascii_lowercase() == first && h[i..i + l.len()].eq_ignore_ascii_case(l))
}

/// Whether `r` matches `hay`, starting the search where one of `lits` first occurs (or
/// everywhere when `lits` is `None`).
fn regex_matches(r: &regex_lite::Regex, lits: Option<&Literals>, hay: &str) -> bool {
    match lits.and_then(|l| l.prefixes.as_ref()) {
        Some(prefixes) => prefixes
            .iter()
            .filter_map(|p| find_ascii_ci(hay, p))
            .min()
            .is_some_and(|at| r.is_match_at(hay, at)),
        None => r.is_match(hay),
    }
}

/// Literals, one of which every match of `pattern` contains, lowercased; `None` when that
/// cannot be worked out simply. Conservative by construction: each top-level alternative
/// contributes its longest run of plain ASCII characters that must appear in every match
/// of that alternative (no whitespace, nothing optional, nothing inside groups or classes);
/// patterns with flags (`(?…`) get no literals. Matching is ASCII-case-insensitive at most
/// (regex-lite's `(?i)` is ASCII only), and the literals are compared against the
/// lowercased text, so a post the regex matches always contains one of them.
fn required_literals(pattern: &str) -> Option<Literals> {
    if pattern.contains("(?") {
        return None;
    }
    let chars: Vec<char> = pattern.chars().collect();
    let mut out: Vec<String> = Vec::new();
    // Each alternative's first run, when the alternative starts with it.
    let mut prefixes: Vec<String> = Vec::new();
    let mut prefix: Option<String> = None;
    let (mut best, mut run) = (String::new(), String::new());
    let mut last_literal = false;
    // A quantifier on a quantified item (`a+{0,2}`) can make the item optional after all.
    let mut last_quantifier = false;
    let mut i = 0;
    let finish_run = |best: &mut String, run: &mut String, prefix: &mut Option<String>| {
        if prefix.is_none() {
            *prefix = Some(run.clone());
        }
        if run.len() > best.len() {
            *best = run.clone();
        }
        run.clear();
    };
    while i < chars.len() {
        let c = chars[i];
        i += 1;
        let after_quantifier = std::mem::take(&mut last_quantifier);
        match c {
            '|' => {
                finish_run(&mut best, &mut run, &mut prefix);
                if best.is_empty() {
                    return None;
                }
                out.push(std::mem::take(&mut best));
                prefixes.push(prefix.take().unwrap_or_default());
                last_literal = false;
            }
            '?' | '*' | '{' | '+' if after_quantifier => return None,
            '?' | '*' | '{' => {
                last_quantifier = true;
                if last_literal {
                    run.pop();
                }
                if c == '{' {
                    while i < chars.len() && chars[i] != '}' {
                        i += 1;
                    }
                    i += 1;
                }
                if chars.get(i) == Some(&'?') {
                    i += 1; // lazy
                }
                finish_run(&mut best, &mut run, &mut prefix);
                last_literal = false;
            }
            '+' => {
                last_quantifier = true;
                if chars.get(i) == Some(&'?') {
                    i += 1;
                }
                finish_run(&mut best, &mut run, &mut prefix);
                last_literal = false;
            }
            '(' => {
                finish_run(&mut best, &mut run, &mut prefix);
                i = skip_group(&chars, i);
                last_literal = false;
            }
            '[' => {
                finish_run(&mut best, &mut run, &mut prefix);
                i = skip_class(&chars, i);
                last_literal = false;
            }
            '\\' => {
                let &e = chars.get(i)?;
                i += 1;
                // `\<` and `\>` are word boundaries in regex-lite, not characters.
                if e.is_ascii_punctuation() && e != '<' && e != '>' {
                    run.push(e.to_ascii_lowercase());
                    last_literal = true;
                } else {
                    if chars.get(i) == Some(&'{') {
                        while i < chars.len() && chars[i] != '}' {
                            i += 1;
                        }
                        i += 1;
                    }
                    finish_run(&mut best, &mut run, &mut prefix);
                    last_literal = false;
                }
            }
            c if c.is_ascii_alphanumeric() || (c.is_ascii_punctuation() && !"^$.)]}".contains(c)) => {
                run.push(c.to_ascii_lowercase());
                last_literal = true;
            }
            _ => {
                finish_run(&mut best, &mut run, &mut prefix);
                last_literal = false;
            }
        }
    }
    finish_run(&mut best, &mut run, &mut prefix);
    if best.is_empty() {
        return None;
    }
    out.push(best);
    prefixes.push(prefix.unwrap_or_default());
    let prefixes = prefixes.iter().all(|p| !p.is_empty()).then_some(prefixes);
    Some(Literals { any_of: out, prefixes })
}

/// The index just past the group whose `(` is before `i`.
fn skip_group(chars: &[char], mut i: usize) -> usize {
    let mut depth = 1;
    while i < chars.len() && depth > 0 {
        match chars[i] {
            '\\' => i += 1,
            '[' => {
                i = skip_class(chars, i + 1);
                continue;
            }
            '(' => depth += 1,
            ')' => depth -= 1,
            _ => {}
        }
        i += 1;
    }
    i
}

/// The index just past the class whose `[` is before `i` (classes may nest).
fn skip_class(chars: &[char], mut i: usize) -> usize {
    if chars.get(i) == Some(&'^') {
        i += 1;
    }
    if chars.get(i) == Some(&']') {
        i += 1; // a literal `]` first
    }
    let mut depth = 1;
    while i < chars.len() && depth > 0 {
        match chars[i] {
            '\\' => i += 1,
            '[' => depth += 1,
            ']' => depth -= 1,
            _ => {}
        }
        i += 1;
    }
    i
}

/// The top score: likes + 2 × reposts + replies. A repost spreads a post further than a
/// like, so it weighs double (the weights are documented in `docs/feeds.md`).
pub fn score_top(c: &Candidate) -> f64 {
    let p = &c.view.post;
    p.like_count.unwrap_or(0) as f64
        + 2.0 * p.repost_count.unwrap_or(0) as f64
        + p.reply_count.unwrap_or(0) as f64
}

/// When the post was written, for the hot sort: its `createdAt`, unless that is missing,
/// unreadable or in the future (clocks lie), then its `indexedAt`, then the item's time.
fn written_ms(c: &Candidate, now_ms: i64) -> i64 {
    let post = &c.view.post;
    let created = post.created_at().and_then(parse_rfc3339).filter(|&t| t <= now_ms);
    created.or_else(|| parse_rfc3339(&post.indexed_at)).unwrap_or(c.key.time_ms)
}

/// The hot score: likes / (hours + 2)^1.8, hours since the post was written (see
/// `written_ms`; never negative). Never NaN.
pub fn score_hot(c: &Candidate, now_ms: i64) -> f64 {
    hot(c.view.post.like_count.unwrap_or(0), written_ms(c, now_ms), now_ms)
}

fn hot(likes: u64, written_ms: i64, now_ms: i64) -> f64 {
    let hours = (now_ms.saturating_sub(written_ms)).max(0) as f64 / 3_600_000.0;
    likes as f64 / (hours + 2.0).powf(1.8)
}

/// Sorts a page in place. Stable. Newest: by the item's key, largest first. Oldest: by
/// time, oldest first, then by id. Top and hot: by score, highest first; ties newer first,
/// then by id.
pub fn sort(page: &mut [Candidate], sort: Sort, now_ms: i64) {
    match sort {
        Sort::Newest => page.sort_by(|a, b| b.key.cmp(&a.key)),
        Sort::Oldest => page.sort_by(|a, b| a.key.cmp(&b.key)),
        Sort::Top | Sort::Hot => {
            // Scores computed once per post (the hot score parses a date), then the page is
            // permuted in place: candidates are large to move around by cloning.
            let scores: Vec<f64> = match sort {
                Sort::Top => page.iter().map(score_top).collect(),
                _ => page.iter().map(|c| score_hot(c, now_ms)).collect(),
            };
            let mut order: Vec<usize> = (0..page.len()).collect();
            order.sort_by(|&a, &b| {
                scores[b]
                    .total_cmp(&scores[a])
                    .then_with(|| page[b].key.time_ms.cmp(&page[a].key.time_ms))
                    .then_with(|| page[a].key.id.cmp(&page[b].key.id))
            });
            permute(page, &order);
        }
    }
}

/// Rearranges `items` so that position `j` holds what was at `order[j]`.
fn permute<T>(items: &mut [T], order: &[usize]) {
    // dest[i]: where the element now at i must go.
    let mut dest = vec![0; order.len()];
    for (j, &i) in order.iter().enumerate() {
        dest[i] = j;
    }
    for i in 0..items.len() {
        while dest[i] != i {
            let d = dest[i];
            items.swap(i, d);
            dest.swap(i, d);
        }
    }
}

/// The collapsed view of a page: blocks of units owned by one account (the reposter for a
/// repost, else the author, by handle — as `FeedViewPost::owner`), as `grouping::plan`.
pub fn collapse(page: &[Candidate], opts: PlanOptions) -> Vec<Block> {
    let units: Vec<Unit> = page
        .iter()
        .map(|c| Unit { owner: c.view.owner().handle.clone(), repost: c.view.reposted_by().is_some() })
        .collect();
    grouping::plan(&units, opts)
}

/// How many seen posts [`Memory`] remembers (the oldest are forgotten first).
pub const MEMORY_SEEN: usize = 5_000;
/// How many authors [`Memory`] counts for the per-author cap.
pub const MEMORY_AUTHORS: usize = 5_000;

/// Cross-page memory carried in the feed's cursor: which posts were shown (dedupe) and how
/// many per author (the perAuthor cap). Compact: 64-bit hashes (FNV-1a of the post's at-uri
/// and the author's DID), serialised as base64url text; bounded to the latest
/// [`MEMORY_SEEN`] posts and [`MEMORY_AUTHORS`] authors.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Memory {
    /// Hashes of posts already given out, oldest first.
    #[serde(default, with = "hashes")]
    seen: Vec<u64>,
    /// Hashes of authors with their post counts so far, in order of first appearance.
    #[serde(default, with = "counts")]
    authors: Vec<(u64, u32)>,
}

/// FNV-1a, 64-bit: stable across platforms and releases, unlike std's hasher.
fn fnv(s: &str) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in s.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    h
}

impl Memory {
    /// How many posts are remembered as seen.
    pub fn seen_len(&self) -> usize {
        self.seen.len()
    }

    /// One row per post: merges candidates with the same post at-uri (a repost and its
    /// original count once: the first in the given order stays, gaining the others'
    /// `sources` and `reposted_by`), and drops posts shown on earlier pages. Appends a Step
    /// "one per post".
    pub fn dedupe(&mut self, page: Vec<Candidate>, steps: &mut Vec<Step>) -> Vec<Candidate> {
        let input = page.len();
        let earlier: HashSet<u64> = self.seen.iter().copied().collect();
        let mut index: HashMap<u64, usize> = HashMap::with_capacity(page.len());
        let mut out: Vec<Candidate> = Vec::with_capacity(page.len());
        for mut c in page {
            let h = fnv(&c.view.post.uri);
            if earlier.contains(&h) {
                continue;
            }
            if let Some(by) = c.view.reposted_by() {
                if !c.reposted_by.contains(&by.handle) {
                    c.reposted_by.insert(0, by.handle.clone());
                }
            }
            match index.get(&h) {
                Some(&at) => {
                    let first = &mut out[at];
                    for s in c.sources {
                        if !first.sources.contains(&s) {
                            first.sources.push(s);
                        }
                    }
                    for r in c.reposted_by {
                        if !first.reposted_by.contains(&r) {
                            first.reposted_by.push(r);
                        }
                    }
                }
                None => {
                    index.insert(h, out.len());
                    out.push(c);
                }
            }
        }
        for c in &out {
            self.seen.push(fnv(&c.view.post.uri));
        }
        if self.seen.len() > MEMORY_SEEN {
            self.seen.drain(..self.seen.len() - MEMORY_SEEN);
        }
        steps.push(Step { label: "one per post".into(), input, output: out.len() });
        out
    }

    /// At most `cap` posts per author across all pages so far (by author DID; a repost
    /// counts for the post's author). Appends a Step "at most N per author".
    pub fn cap_per_author(
        &mut self,
        page: Vec<Candidate>,
        cap: u32,
        steps: &mut Vec<Step>,
    ) -> Vec<Candidate> {
        let input = page.len();
        let mut at: HashMap<u64, usize> =
            self.authors.iter().enumerate().map(|(i, (h, _))| (*h, i)).collect();
        let mut out = Vec::with_capacity(page.len());
        for c in page {
            let h = fnv(&c.view.post.author.did);
            let i = *at.entry(h).or_insert_with(|| {
                self.authors.push((h, 0));
                self.authors.len() - 1
            });
            if self.authors[i].1 < cap {
                self.authors[i].1 += 1;
                out.push(c);
            }
        }
        if self.authors.len() > MEMORY_AUTHORS {
            self.authors.drain(..self.authors.len() - MEMORY_AUTHORS);
        }
        steps.push(Step { label: format!("at most {cap} per author"), input, output: out.len() });
        out
    }
}

/// Base64url without padding, for the memory's hashes (the cursor is text).
mod b64 {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

    pub fn encode(bytes: &[u8]) -> String {
        let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
        for chunk in bytes.chunks(3) {
            let b = [chunk[0], *chunk.get(1).unwrap_or(&0), *chunk.get(2).unwrap_or(&0)];
            let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
            for k in 0..=chunk.len() {
                out.push(ALPHABET[((n >> (18 - 6 * k)) & 63) as usize] as char);
            }
        }
        out
    }

    pub fn decode(s: &str) -> Option<Vec<u8>> {
        let mut out = Vec::with_capacity(s.len() * 3 / 4);
        let (mut acc, mut bits) = (0u32, 0u32);
        for c in s.bytes() {
            let v = ALPHABET.iter().position(|&a| a == c)? as u32;
            acc = (acc << 6) | v;
            bits += 6;
            if bits >= 8 {
                bits -= 8;
                out.push((acc >> bits) as u8);
                acc &= (1 << bits) - 1;
            }
        }
        Some(out)
    }
}

mod hashes {
    use super::*;

    pub fn serialize<S: Serializer>(v: &[u64], s: S) -> Result<S::Ok, S::Error> {
        let bytes: Vec<u8> = v.iter().flat_map(|h| h.to_le_bytes()).collect();
        s.serialize_str(&b64::encode(&bytes))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<u64>, D::Error> {
        let text = String::deserialize(d)?;
        let bytes =
            b64::decode(&text).ok_or_else(|| serde::de::Error::custom("the cursor's memory is damaged"))?;
        Ok(bytes
            .chunks_exact(8)
            .map(|c| u64::from_le_bytes([c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7]]))
            .collect())
    }
}

mod counts {
    use super::*;

    pub fn serialize<S: Serializer>(v: &[(u64, u32)], s: S) -> Result<S::Ok, S::Error> {
        let bytes: Vec<u8> =
            v.iter().flat_map(|(h, n)| h.to_le_bytes().into_iter().chain(n.to_le_bytes())).collect();
        s.serialize_str(&b64::encode(&bytes))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<(u64, u32)>, D::Error> {
        let text = String::deserialize(d)?;
        let bytes =
            b64::decode(&text).ok_or_else(|| serde::de::Error::custom("the cursor's memory is damaged"))?;
        Ok(bytes
            .chunks_exact(12)
            .map(|c| {
                let h = u64::from_le_bytes([c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7]]);
                (h, u32::from_le_bytes([c[8], c[9], c[10], c[11]]))
            })
            .collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn required_literals_of_simple_patterns() {
        let lits = |p: &str| required_literals(p).map(|l| l.any_of);
        let prefixes = |p: &str| required_literals(p).and_then(|l| l.prefixes);
        assert_eq!(prefixes("T-minus \\d+|#space"), Some(vec!["t-minus".into(), "#space".into()]));
        assert_eq!(prefixes("colou?r"), Some(vec!["colo".into()]));
        assert_eq!(prefixes("x[abc]yz"), Some(vec!["x".into()]));
        assert_eq!(prefixes("[abc]yz"), None);
        assert_eq!(prefixes("a|\\d"), None);
        // The search starts at the earliest literal: here only the first alternative matches.
        let re = compile_regex("ab|x\\d", false).unwrap();
        let found = required_literals("ab|x\\d");
        assert!(regex_matches(&re, found.as_ref(), "AB then x y"));
        assert!(!regex_matches(&re, found.as_ref(), "a b x y"));
        assert_eq!(lits("T-minus \\d+|#space"), Some(vec!["t-minus".into(), "#space".into()]));
        assert_eq!(lits("colou?r"), Some(vec!["colo".into()]));
        assert_eq!(lits("ab+c"), Some(vec!["ab".into()]));
        assert_eq!(lits("a(b|c)d"), Some(vec!["a".into()]));
        assert_eq!(lits("x[abc]yz"), Some(vec!["yz".into()]));
        assert_eq!(lits("rocket\\.launch"), Some(vec!["rocket.launch".into()]));
        assert_eq!(lits("\\p{Greek}{2}abc"), Some(vec!["abc".into()]));
        assert_eq!(lits("(?i)abc"), None);
        assert_eq!(lits("abc|"), None);
        assert_eq!(lits("\\d+"), None);
        assert_eq!(lits(".*"), None);
        assert_eq!(lits("ab{0,2}"), Some(vec!["a".into()]));
        // Cases the property below once found.
        assert_eq!(lits("a+{0,2}"), None, "a quantified `a+` may match nothing");
        assert_eq!(lits("\\<abc"), Some(vec!["abc".into()]), "`\\<` is a word boundary, not `<`");
    }

    fn pieces() -> impl Strategy<Value = String> {
        prop::collection::vec(
            prop::sample::select(vec![
                "a", "b", "ab", "A", "-", "#", " ", "\\.", "\\d", "\\w", "\\b", ".", "?", "*", "+", "+?",
                "{0,2}", "{1}", "|", "(", ")", "[ab]", "[^a]", "^", "$", "é", "(a|b)", "\\s", "[]a]",
                "(?:ab)", "x", "\\<", "\\>", "\\-", "]", "}", "{",
            ]),
            0..8,
        )
        .prop_map(|v| v.concat())
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]

        /// One pass over the text finds what one search per word finds.
        #[test]
        fn word_sets_find_what_single_searches_find(
            words in prop::collection::vec(prop::sample::select(vec!["car", "cart", "a", "#rust", "c++", "new york", "é", "東京", "_x", "rust"]), 1..5),
            hays in prop::collection::vec("[a-z #+_.é東京 ]{0,16}|car|cart|#rust|c\\+\\+|new york", 1..3),
        ) {
            let words: Vec<String> = words.into_iter().map(str::to_owned).collect();
            let set = WordSet::new(words.clone());
            let mut seen = 0;
            let any = hays.iter().any(|h| set.scan(h, false, &mut seen));
            prop_assert_eq!(any, words.iter().any(|w| hays.iter().any(|h| contains_words(h, w))));
            let mut seen = 0;
            let every = hays.iter().any(|h| set.scan(h, true, &mut seen));
            prop_assert_eq!(every, words.iter().all(|w| hays.iter().any(|h| contains_words(h, w))), "{:?} in {:?}", words, hays);
        }

        /// The literal shortcut never hides a match: wherever the regex matches, the text
        /// contains one of the literals.
        #[test]
        fn required_literals_are_really_required(pattern in pieces(), text in "[abAB#\\-. x1é\n]{0,12}", case_sensitive in any::<bool>()) {
            if let (Ok(re), Some(lits)) = (compile_regex(&pattern, case_sensitive), required_literals(&pattern)) {
                if re.is_match(&text) {
                    let lower = lowercase(&text);
                    prop_assert!(lits.any_of.iter().any(|l| lower.contains(l.as_str())), "{pattern:?} matched {text:?} without {lits:?}");
                }
                prop_assert_eq!(regex_matches(&re, Some(&lits), &text), re.is_match(&text), "{:?} on {:?} with {:?}", pattern, text, lits);
            }
        }
    }
}
