//! The ready-made feeds offered when a person makes a new feed, built from the same
//! definition types a file is read into, so they save, share and run like any other feed.

use super::{Definition, Filter, Source};

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
