//! Merging two copies of a library: the rules, and properties that hold for any input —
//! nothing is lost, merging is idempotent, and order does not change what survives.

use std::collections::BTreeSet;

use proptest::prelude::*;
use serde_json::json;
use skypanel_core::library::{
    merge, merge_into, Availability, MediaKind, MediaRef, MediaState, MergeReport, PostStatus, SavedPost,
};

fn raw(n: u8, text: &str) -> String {
    json!({
        "uri": format!("at://did:plc:merge/app.bsky.feed.post/p{n}"),
        "cid": format!("bafyrei{n}{}", text.len()),
        "author": {"did": "did:plc:merge", "handle": "merge.test"},
        "record": {"text": text, "createdAt": "2025-01-01T00:00:00Z"},
    })
    .to_string()
}

fn post(n: u8, saved_at: i64) -> SavedPost {
    SavedPost::from_post_json(&raw(n, "hello"), saved_at).unwrap()
}

fn media(stem: &str, state: MediaState) -> MediaRef {
    let mut m =
        MediaRef::new(MediaKind::Image, "did:plc:merge", Some(stem.into()), None, Some("image/png".into()));
    m.state = state;
    m
}

fn folded(tags: &[String]) -> BTreeSet<String> {
    tags.iter().map(|t| t.to_lowercase()).collect()
}

#[test]
fn the_rules() {
    let mut mine = post(1, 2_000);
    mine.set_tags(["Rust", "later"]);
    mine.note = "mine".into();
    mine.media =
        vec![media("bafkreia", MediaState::Pending), media("bafkreib", MediaState::Done { size: 7 })];
    mine.mark_checked(Availability::Live, 5_000);

    let mut theirs = SavedPost::from_post_json(&raw(1, "a different copy"), 1_000).unwrap();
    theirs.set_tags(["rust", "talks"]);
    theirs.note = "theirs".into();
    theirs.media = vec![
        media("bafkreia", MediaState::Done { size: 3 }),
        media("bafkreib", MediaState::Failed { error: "404".into(), attempts: 2 }),
        media("bafkreic", MediaState::Pending),
    ];
    theirs.mark_checked(Availability::Deleted, 9_000);

    let m = merge(&mine, &theirs);
    assert_eq!(m.saved_at, 1_000, "the earliest save");
    assert_eq!(m.tags(), ["Rust", "later", "talks"], "union, first spelling kept");
    assert_eq!(m.note, "mine\n\ntheirs");
    assert_eq!(m.post_json(), mine.post_json(), "the existing copy is kept");
    assert_eq!(m.cid, mine.cid);
    let states: Vec<(&str, &MediaState)> = m.media.iter().map(|x| (x.file.as_str(), &x.state)).collect();
    assert_eq!(
        states,
        [
            ("media/bafkreia.png", &MediaState::Done { size: 3 }),
            ("media/bafkreib.png", &MediaState::Done { size: 7 }),
            ("media/bafkreic.png", &MediaState::Pending),
        ],
        "union by file, downloaded copies win"
    );
    assert_eq!(
        m.status,
        PostStatus { state: Availability::Deleted, checked_at: Some(9_000) },
        "latest check"
    );

    let mut no_copy = post(1, 3_000);
    no_copy.post = None;
    let filled = merge(&no_copy, &theirs);
    assert_eq!(filled.post_json(), theirs.post_json(), "a missing copy is filled in");
    assert_eq!(filled.cid, theirs.cid);
}

#[test]
fn report_counts_added_merged_and_skipped() {
    let mut library = vec![post(1, 10), post(2, 20)];
    let mut tagged = post(2, 20);
    tagged.set_tags(["new"]);
    let report = merge_into(&mut library, vec![post(1, 10), tagged, post(3, 30)]);
    assert_eq!(
        report,
        MergeReport {
            added: 1,
            merged: 1,
            skipped: 1,
            changed: vec![
                "at://did:plc:merge/app.bsky.feed.post/p2".into(),
                "at://did:plc:merge/app.bsky.feed.post/p3".into()
            ],
        }
    );
    assert_eq!(library.len(), 3);
    assert_eq!(library[1].tags(), ["new"]);
}

const TAGS: &[&str] = &["rust", "Rust", "later", "#later", "to read", "ÉTÉ", "été", "art"];
const NOTES: &[&str] = &["", "a", "ab", "read later", "b"];

fn arb_post() -> impl Strategy<Value = SavedPost> {
    (
        0u8..6,
        0i64..5,
        proptest::collection::vec(0..TAGS.len(), 0..4),
        0..NOTES.len(),
        any::<bool>(),
        proptest::collection::vec((0u8..4, 0u8..3), 0..4),
        proptest::option::of((0u8..4, 0i64..5)),
    )
        .prop_map(|(n, saved, tags, note, has_copy, files, check)| {
            let mut p = SavedPost::from_post_json(&raw(n, NOTES[note]), saved).unwrap();
            p.set_tags(tags.iter().map(|&t| TAGS[t]));
            p.note = NOTES[note].to_owned();
            if !has_copy {
                p.post = None;
            }
            p.media.clear();
            for (f, s) in files {
                let state = match s {
                    0 => MediaState::Pending,
                    1 => MediaState::Done { size: 10 },
                    _ => MediaState::Failed { error: "timeout".into(), attempts: 1 },
                };
                let m = media(&format!("bafkreif{f}"), state);
                if !p.media.iter().any(|x| x.file == m.file) {
                    p.media.push(m);
                }
            }
            p.status = match check {
                None => PostStatus::default(),
                Some((s, at)) => PostStatus {
                    state: [
                        Availability::Unknown,
                        Availability::Live,
                        Availability::Deleted,
                        Availability::Blocked,
                    ][usize::from(s)],
                    checked_at: Some(at),
                },
            };
            p
        })
}

fn uris_and_tags(library: &[SavedPost]) -> BTreeSet<(String, BTreeSet<String>)> {
    library.iter().map(|p| (p.uri.clone(), folded(p.tags()))).collect()
}

proptest! {
    #[test]
    fn merging_a_post_with_itself_changes_nothing(p in arb_post()) {
        prop_assert_eq!(merge(&p, &p), p);
    }

    #[test]
    fn nothing_is_dropped_and_order_does_not_matter(
        a in proptest::collection::vec(arb_post(), 0..8),
        b in proptest::collection::vec(arb_post(), 0..8),
    ) {
        let mut ab = Vec::new();
        merge_into(&mut ab, a.clone());
        merge_into(&mut ab, b.clone());
        let mut ba = Vec::new();
        merge_into(&mut ba, b.clone());
        merge_into(&mut ba, a.clone());

        let all_uris: BTreeSet<&String> = a.iter().chain(&b).map(|p| &p.uri).collect();
        prop_assert_eq!(ab.iter().map(|p| &p.uri).collect::<BTreeSet<_>>(), all_uris.clone(), "no uri dropped");
        prop_assert_eq!(ab.len(), all_uris.len(), "each uri once");
        for p in a.iter().chain(&b) {
            let merged = ab.iter().find(|m| m.uri == p.uri).unwrap();
            prop_assert!(folded(p.tags()).is_subset(&folded(merged.tags())), "tags survive");
            prop_assert!(merged.note.contains(p.note.as_str()), "notes survive");
            prop_assert!(merged.saved_at <= p.saved_at);
            for m in &p.media {
                prop_assert!(merged.media.iter().any(|x| x.file == m.file), "files survive");
            }
        }
        prop_assert_eq!(uris_and_tags(&ab), uris_and_tags(&ba), "same uris and tags in either order");
    }

    #[test]
    fn importing_the_same_posts_again_is_a_no_op(
        a in proptest::collection::vec(arb_post(), 0..8),
        b in proptest::collection::vec(arb_post(), 0..8),
    ) {
        let mut library = a;
        merge_into(&mut library, b.clone());
        let before = library.clone();
        let again = merge_into(&mut library, b.clone());
        prop_assert_eq!(&library, &before);
        prop_assert_eq!((again.added, again.merged, again.skipped), (0, 0, b.len()));
    }
}
