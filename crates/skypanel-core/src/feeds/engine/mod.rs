//! The pure part of running a feed: the viewer's moderation and the definition's filters,
//! dedupe and the per-author cap across pages, sorting, and the collapsed view. No I/O.
//!
//! Order of a run (the fetcher drives it): [`Engine::filter`] (moderation, then each filter
//! in the order written), [`Memory::dedupe`], [`Memory::cap_per_author`], [`sort`], and
//! [`collapse`] when the definition asks. Each stage appends a [`Step`] saying how many
//! posts went in and came out, so the editor can show why a post is or is not there.
//!
//! Here: the [`Context`], the [`Engine`] and its run over the posts, and [`collapse`]. The
//! rest is in this module's files: compiling the filters into stages with their labels in
//! `compile.rs`, what each non-text stage keeps in `filters.rs`, word and phrase matching in
//! `text.rs`, the regular-expression shortcut in `literals.rs`, scores and [`sort`] in
//! `order.rs`, and the cross-page [`Memory`] in `memory.rs`.

use std::collections::{HashMap, HashSet};

use super::definition::MediaKind;
use super::moderation::{Moderation, PostText};
use super::{Candidate, Step};
use crate::grouping::{self, Block, PlanOptions, Unit};

mod compile;
mod filters;
mod literals;
mod memory;
mod order;
mod text;

pub use memory::{Memory, MEMORY_AUTHORS, MEMORY_SEEN};
pub use order::{score_hot, score_top, sort};

use literals::Literals;
use text::{text_keeps, WordSet};

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

impl Engine {
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
