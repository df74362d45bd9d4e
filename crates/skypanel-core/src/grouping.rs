//! Timeline regrouping: which consecutive rows belong to the same account.
//!
//! This is the seed of the collapsed view. The content script reports, for each visible
//! timeline row, the account that put it there; the core answers with the runs.

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

#[cfg(test)]
mod tests {
    use super::*;

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
