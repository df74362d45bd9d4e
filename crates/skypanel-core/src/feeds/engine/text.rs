//! Text filters: words and phrases found at word boundaries in one pass over a post's text,
//! alt texts or links ([`WordSet`]), and [`text_keeps`], which combines them with the
//! filter's regular expression (started only where its required literals allow).

use super::literals::{regex_matches, Literals};
use super::Stage;
use crate::feeds::moderation::PostText;
use crate::feeds::Candidate;

/// Words and phrases to look for, found in one pass over a text.
#[derive(Debug)]
pub(super) struct WordSet {
    words: Vec<String>,
    /// Which bytes start one of the words (boxed: the stage enum stays small).
    starts: Box<[bool; 256]>,
}

impl WordSet {
    pub(super) fn new(words: Vec<String>) -> WordSet {
        let mut starts = Box::new([false; 256]);
        for w in &words {
            if let Some(&b) = w.as_bytes().first() {
                starts[usize::from(b)] = true;
            }
        }
        WordSet { words, starts }
    }

    pub(super) fn is_empty(&self) -> bool {
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

pub(super) fn text_keeps(stage: &Stage, c: &Candidate, t: &mut PostText) -> bool {
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

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

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

    }
}
