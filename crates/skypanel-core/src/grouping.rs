//! Timeline regrouping for the collapsed view: which units of a timeline fold into one
//! block per account.
//!
//! A *unit* is what must never be split: one feed item as the page shows it (a post, a
//! repost, or a thread slice of several rows). The content script reads units off the page
//! in order and the core answers with a plan; turning the view off is simply not applying
//! it, so the page's own order and nodes are untouched.

use serde::{Deserialize, Serialize};

/// A maximal sequence of consecutive rows owned by one account.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Run {
    /// The owning account's handle (the reposter for a repost, else the author).
    pub account: String,
    /// Index of the run's first row.
    pub start: usize,
    /// Number of rows in the run (at least 1).
    pub len: usize,
}

/// Splits a sequence of row owners into maximal runs of the same owner, in order.
///
/// Every row lands in exactly one run and the runs, concatenated, give back the input.
pub fn account_runs<S: AsRef<str>>(owners: &[S]) -> Vec<Run> {
    let mut runs: Vec<Run> = Vec::new();
    for (i, owner) in owners.iter().enumerate() {
        let owner = owner.as_ref();
        match runs.last_mut() {
            Some(run) if run.account == owner => run.len += 1,
            _ => runs.push(Run { account: owner.to_owned(), start: i, len: 1 }),
        }
    }
    runs
}

/// One unit of a timeline as the page shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Unit {
    /// The account that put it there: the reposter for a repost, else the author.
    pub owner: String,
    /// Whether it is a repost.
    #[serde(default)]
    pub repost: bool,
}

/// How units fold.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Mode {
    /// `threshold` or more *consecutive* units from one account fold into one block.
    #[default]
    Runs,
    /// All units from an account with `threshold` or more in the timeline fold into one
    /// block at its first (newest) position.
    Bundle,
}

/// Collapsed-view settings.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct PlanOptions {
    /// Runs or bundle.
    pub mode: Mode,
    /// The fewest units that fold (clamped to 2–10).
    pub threshold: u8,
}

impl Default for PlanOptions {
    fn default() -> Self {
        PlanOptions { mode: Mode::Runs, threshold: 3 }
    }
}

/// One block of the plan: units folded together, shown where the first of them was.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Block {
    /// The account.
    pub account: String,
    /// Indices of the folded units, ascending; the block sits where the first one is.
    pub units: Vec<usize>,
    /// How many of them are posts (not reposts).
    pub posts: usize,
    /// How many are reposts.
    pub reposts: usize,
}

/// Plans the collapsed view of `units`. Every unit is in at most one block, each block has
/// at least `threshold` units of one account, and blocks come in page order.
pub fn plan(units: &[Unit], options: PlanOptions) -> Vec<Block> {
    let threshold = usize::from(options.threshold.clamp(2, 10));
    let block = |account: &str, indices: Vec<usize>| {
        let reposts = indices.iter().filter(|&&i| units[i].repost).count();
        Block { account: account.to_owned(), posts: indices.len() - reposts, reposts, units: indices }
    };
    match options.mode {
        Mode::Runs => {
            let owners: Vec<&str> = units.iter().map(|u| u.owner.as_str()).collect();
            account_runs(&owners)
                .into_iter()
                .filter(|r| r.len >= threshold && !r.account.is_empty())
                .map(|r| block(&r.account, (r.start..r.start + r.len).collect()))
                .collect()
        }
        Mode::Bundle => {
            // Accounts in order of first appearance. A linear search: a page holds tens of
            // accounts, and it keeps a hash map's code out of the wasm.
            let mut accounts: Vec<(&str, Vec<usize>)> = Vec::new();
            for (i, u) in units.iter().enumerate().filter(|(_, u)| !u.owner.is_empty()) {
                match accounts.iter_mut().find(|(owner, _)| *owner == u.owner) {
                    Some((_, indices)) => indices.push(i),
                    None => accounts.push((u.owner.as_str(), vec![i])),
                }
            }
            accounts
                .into_iter()
                .filter(|(_, indices)| indices.len() >= threshold)
                .map(|(owner, indices)| block(owner, indices))
                .collect()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn units(owners: &str) -> Vec<Unit> {
        owners
            .split_whitespace()
            .map(|o| match o.strip_suffix('*') {
                Some(owner) => Unit { owner: owner.into(), repost: true },
                None => Unit { owner: o.into(), repost: false },
            })
            .collect()
    }

    fn shape(blocks: &[Block]) -> Vec<(String, Vec<usize>)> {
        blocks.iter().map(|b| (b.account.clone(), b.units.clone())).collect()
    }

    #[test]
    fn empty_input_has_no_runs() {
        assert!(account_runs::<&str>(&[]).is_empty());
    }

    #[test]
    fn consecutive_owners_merge_and_others_split() {
        let runs = account_runs(&["a", "a", "b", "a", "a", "a"]);
        assert_eq!(
            runs,
            vec![
                Run { account: "a".into(), start: 0, len: 2 },
                Run { account: "b".into(), start: 2, len: 1 },
                Run { account: "a".into(), start: 3, len: 3 },
            ]
        );
    }

    #[test]
    fn runs_mode_folds_runs_at_the_threshold() {
        let u = units("a a b b b c a a a a* d");
        let blocks = plan(&u, PlanOptions { mode: Mode::Runs, threshold: 3 });
        assert_eq!(shape(&blocks), vec![("b".into(), vec![2, 3, 4]), ("a".into(), vec![6, 7, 8, 9])]);
        assert_eq!((blocks[1].posts, blocks[1].reposts), (3, 1));
        let two = plan(&u, PlanOptions { mode: Mode::Runs, threshold: 2 });
        assert_eq!(two.len(), 3, "a a at the top folds too with threshold 2");
    }

    #[test]
    fn the_same_account_split_by_another_makes_two_blocks_in_runs_mode_and_one_in_bundle_mode() {
        let u = units("a a a x a a a");
        assert_eq!(plan(&u, PlanOptions { mode: Mode::Runs, threshold: 3 }).len(), 2);
        let bundle = plan(&u, PlanOptions { mode: Mode::Bundle, threshold: 3 });
        assert_eq!(shape(&bundle), vec![("a".into(), vec![0, 1, 2, 4, 5, 6])]);
    }

    #[test]
    fn bundle_mode_anchors_at_the_first_unit_and_later_units_join() {
        let mut u = units("b a c a d");
        let opts = PlanOptions { mode: Mode::Bundle, threshold: 3 };
        assert!(plan(&u, opts).is_empty(), "two of a is under the threshold");
        u.extend(units("e a* f")); // a page appended by scrolling
        assert_eq!(shape(&plan(&u, opts)), vec![("a".into(), vec![1, 3, 6])]);
    }

    #[test]
    fn threshold_is_clamped_and_unknown_owners_never_fold() {
        let u = units("a a a a a a a a a a a a");
        assert_eq!(plan(&u, PlanOptions { mode: Mode::Runs, threshold: 0 }).len(), 1);
        assert!(plan(&u, PlanOptions { mode: Mode::Runs, threshold: 200 }).len() == 1);
        let anonymous = vec![Unit { owner: String::new(), repost: false }; 5];
        assert!(plan(&anonymous, PlanOptions::default()).is_empty());
        assert!(plan(&anonymous, PlanOptions { mode: Mode::Bundle, threshold: 2 }).is_empty());
    }

    #[test]
    fn runs_cover_every_row_once_in_order() {
        // A deterministic pseudo-random sequence over a small alphabet.
        let mut x: u32 = 12345;
        let owners: Vec<String> = (0..500)
            .map(|_| {
                x = x.wrapping_mul(1_103_515_245).wrapping_add(12345);
                format!("user{}", (x >> 16) % 4)
            })
            .collect();
        let runs = account_runs(&owners);
        let rebuilt: Vec<String> =
            runs.iter().flat_map(|r| std::iter::repeat_n(r.account.clone(), r.len)).collect();
        assert_eq!(rebuilt, owners);
        for pair in runs.windows(2) {
            assert_ne!(pair[0].account, pair[1].account, "adjacent runs must differ");
            assert_eq!(pair[0].start + pair[0].len, pair[1].start);
        }
    }
}
