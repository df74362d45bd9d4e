//! Searching the library: terms, phrases, filters, order and paging, and an index kept
//! right through any sequence of saves, edits and removals.

use proptest::prelude::*;
use serde_json::{json, Value};
use skypanel_core::library::{DateBasis, IndexEntry, Kind, Order, Query, SavedPost, SearchIndex};

const DAY: i64 = 86_400_000;
const T0: i64 = 1_735_689_600_000; // 2025-01-01T00:00:00Z

fn post_json(
    rkey: &str,
    handle: &str,
    name: &str,
    text: &str,
    created: &str,
    embed: Option<Value>,
) -> String {
    let did = format!("did:plc:{}", handle.replace('.', ""));
    let mut record = json!({"$type": "app.bsky.feed.post", "createdAt": created, "text": text});
    let mut post = json!({
        "uri": format!("at://{did}/app.bsky.feed.post/{rkey}"),
        "cid": format!("bafyrei{rkey}"),
        "author": {"did": did, "handle": handle, "displayName": name},
        "record": {},
    });
    if let Some(embed) = embed {
        record["embed"] = json!({"$type": embed["$type"].as_str().unwrap().trim_end_matches("#view")});
        post["embed"] = embed;
    }
    post["record"] = record;
    post.to_string()
}

fn saved(raw: &str, saved_at: i64, tags: &[&str], note: &str) -> SavedPost {
    let mut p = SavedPost::from_post_json(raw, saved_at).unwrap();
    p.set_tags(tags);
    p.note = note.to_owned();
    p
}

fn images(alt: &str) -> Value {
    json!({"$type": "app.bsky.embed.images#view", "images": [{"thumb": "https://cdn.example/t@jpeg", "fullsize": "https://cdn.example/f@jpeg", "alt": alt}]})
}

fn external(url: &str, title: &str) -> Value {
    json!({"$type": "app.bsky.embed.external#view", "external": {"uri": url, "title": title, "description": "A long read"}})
}

fn video() -> Value {
    json!({"$type": "app.bsky.embed.video#view", "cid": "bafkreivid", "playlist": "https://video.example/p.m3u8"})
}

fn quote() -> Value {
    json!({"$type": "app.bsky.embed.record#view", "record": {"$type": "app.bsky.embed.record#viewNotFound", "uri": "at://did:plc:x/app.bsky.feed.post/gone", "notFound": true}})
}

/// Six posts saved a day apart (p1 oldest), each with something to find.
fn library() -> Vec<SavedPost> {
    vec![
        saved(
            &post_json(
                "p1",
                "alice.test",
                "Alice Å",
                "Rust and WebAssembly, together",
                "2024-06-01T00:00:00Z",
                None,
            ),
            T0,
            &["rust", "to read"],
            "",
        ),
        saved(
            &post_json(
                "p2",
                "bob.test",
                "Bob",
                "Harbour photos",
                "2024-07-01T00:00:00Z",
                Some(images("Boats at the PIER")),
            ),
            T0 + DAY,
            &["Photos"],
            "",
        ),
        saved(
            &post_json(
                "p3",
                "alice.test",
                "Alice Å",
                "A good article",
                "2024-08-01T00:00:00Z",
                Some(external("https://blog.example/wasm-gc", "Garbage collection in WASM")),
            ),
            T0 + 2 * DAY,
            &["rust"],
            "cite this in the talk",
        ),
        saved(
            &post_json(
                "p4",
                "carol.test",
                "Κάρολ",
                "ΟΔΟΣ ΣΟΦΙΑΣ και ÉCOLE",
                "2024-09-01T00:00:00Z",
                Some(video()),
            ),
            T0 + 3 * DAY,
            &[],
            "",
        ),
        saved(
            &post_json(
                "p5",
                "dave.test",
                "Dave",
                "quoting a deleted post 日本語テキスト",
                "bad date",
                Some(quote()),
            ),
            T0 + 4 * DAY,
            &[],
            "",
        ),
        saved(
            &post_json("p6", "bob.test", "Bob", "hello world, hello rust", "2024-11-01T00:00:00Z", None),
            T0 + 5 * DAY,
            &["RUST"],
            "",
        ),
    ]
}

fn rkeys(index: &SearchIndex, query: &Query) -> Vec<String> {
    index.search(query).uris.iter().map(|u| u.rsplit('/').next().unwrap().to_owned()).collect()
}

fn text(t: &str) -> Query {
    Query { text: t.into(), ..Query::default() }
}

#[test]
fn every_term_must_appear_in_any_case() {
    let index = SearchIndex::build(&library());
    assert_eq!(rkeys(&index, &text("rust")), ["p6", "p3", "p1"], "text or tag, newest saved first");
    assert_eq!(rkeys(&index, &text("RUST webassembly")), ["p1"]);
    assert_eq!(rkeys(&index, &text("rust nowhere")), Vec::<String>::new());
    assert_eq!(rkeys(&index, &text("\"hello rust\"")), ["p6"]);
    assert_eq!(rkeys(&index, &text("\"rust hello\"")), Vec::<String>::new(), "a phrase keeps its order");
    assert_eq!(rkeys(&index, &text("  ")).len(), 6, "no terms: everything");
}

#[test]
fn alt_text_links_author_tags_and_note_are_searchable() {
    let index = SearchIndex::build(&library());
    assert_eq!(rkeys(&index, &text("pier")), ["p2"], "alt text");
    assert_eq!(rkeys(&index, &text("garbage collection")), ["p3"], "link title");
    assert_eq!(rkeys(&index, &text("blog.example/wasm")), ["p3"], "link URL");
    assert_eq!(rkeys(&index, &text("long read")), ["p3"], "link description");
    assert_eq!(rkeys(&index, &text("carol.test")), ["p4"], "handle");
    assert_eq!(rkeys(&index, &text("å")), ["p3", "p1"], "display name");
    assert_eq!(rkeys(&index, &text("photos")), ["p2"], "text and tag");
    assert_eq!(rkeys(&index, &text("\"to read\"")), ["p1"], "tag with a space");
    assert_eq!(rkeys(&index, &text("talk")), ["p3"], "note");
}

#[test]
fn unicode_case_folding() {
    let index = SearchIndex::build(&library());
    assert_eq!(rkeys(&index, &text("école")), ["p4"]);
    assert_eq!(rkeys(&index, &text("οδος σοφιας")), ["p4"], "final sigma matches sigma");
    assert_eq!(rkeys(&index, &text("ΟΔΟΣ")), ["p4"]);
    assert_eq!(rkeys(&index, &text("κάρολ")), ["p4"]);
    assert_eq!(rkeys(&index, &text("日本語")), ["p5"]);
}

#[test]
fn filters_by_kind_author_and_tag() {
    let index = SearchIndex::build(&library());
    let q = |kinds: &[Kind]| Query { kinds: kinds.to_vec(), ..Query::default() };
    assert_eq!(rkeys(&index, &q(&[Kind::Images])), ["p2"]);
    assert_eq!(rkeys(&index, &q(&[Kind::Link])), ["p3"]);
    assert_eq!(rkeys(&index, &q(&[Kind::Video])), ["p4"]);
    assert_eq!(rkeys(&index, &q(&[Kind::Quote])), ["p5"]);
    assert_eq!(rkeys(&index, &q(&[Kind::Link, Kind::Images])), Vec::<String>::new(), "all kinds must hold");

    let by = |a: &str| Query { author: Some(a.into()), ..Query::default() };
    assert_eq!(rkeys(&index, &by("@Alice.test")), ["p3", "p1"]);
    assert_eq!(rkeys(&index, &by("did:plc:bobtest")), ["p6", "p2"]);
    assert_eq!(rkeys(&index, &by("alice")), Vec::<String>::new(), "a whole handle, not a part");

    let tagged = |t: &str| Query { tag: Some(t.into()), ..Query::default() };
    assert_eq!(rkeys(&index, &tagged("#Rust")), ["p6", "p3", "p1"]);
    assert_eq!(rkeys(&index, &tagged("photos")), ["p2"]);
    assert_eq!(rkeys(&index, &tagged("rus")), Vec::<String>::new(), "a whole tag");

    let both = Query {
        text: "hello".into(),
        author: Some("bob.test".into()),
        tag: Some("rust".into()),
        ..Query::default()
    };
    assert_eq!(rkeys(&index, &both), ["p6"]);
}

#[test]
fn date_ranges_on_saved_or_posted_time() {
    let index = SearchIndex::build(&library());
    let saved = Query { since: Some(T0 + DAY), until: Some(T0 + 3 * DAY), ..Query::default() };
    assert_eq!(rkeys(&index, &saved), ["p3", "p2"], "since inclusive, until exclusive");
    let posted = Query {
        since: Some(T0 - 200 * DAY), // 2024-06-15
        dates: DateBasis::Posted,
        ..Query::default()
    };
    assert_eq!(rkeys(&index, &posted), ["p6", "p4", "p3", "p2"], "p5 has no readable date");
}

#[test]
fn order_and_paging() {
    let index = SearchIndex::build(&library());
    let all = |order, offset, limit| Query { order, offset, limit, ..Query::default() };
    assert_eq!(rkeys(&index, &all(Order::OldestFirst, 0, 50)), ["p1", "p2", "p3", "p4", "p5", "p6"]);
    let page = index.search(&all(Order::NewestFirst, 2, 2));
    assert_eq!(page.total, 6);
    assert_eq!(page.uris.iter().map(|u| &u[u.len() - 2..]).collect::<Vec<_>>(), ["p4", "p3"]);
    assert_eq!(rkeys(&index, &all(Order::NewestFirst, 5, 10)), ["p1"]);
    assert_eq!(rkeys(&index, &all(Order::NewestFirst, 9, 10)), Vec::<String>::new());
    let count = index.search(&all(Order::NewestFirst, 0, 0));
    assert_eq!((count.total, count.uris.len()), (6, 0), "limit 0 only counts");
}

#[test]
fn edits_and_removals_show_at_once() {
    let mut posts = library();
    let mut index = SearchIndex::build(&posts);
    assert!(rkeys(&index, &text("conference")).is_empty());
    posts[1].note = "show at the conference".into();
    posts[1].set_tags(["slides"]);
    index.upsert(&posts[1]);
    assert_eq!(index.len(), 6);
    assert_eq!(rkeys(&index, &text("conference")), ["p2"]);
    assert_eq!(rkeys(&index, &Query { tag: Some("slides".into()), ..Query::default() }), ["p2"]);
    assert!(
        rkeys(&index, &Query { tag: Some("photos".into()), ..Query::default() }).is_empty(),
        "old tag gone"
    );

    assert!(index.remove(&posts[0].uri));
    assert!(!index.remove(&posts[0].uri));
    assert!(!index.contains(&posts[0].uri));
    assert_eq!(rkeys(&index, &Query::default()), ["p6", "p5", "p4", "p3", "p2"]);
    assert_eq!(index.tag_counts(), [("rust".to_owned(), 2), ("slides".to_owned(), 1)]);
}

#[test]
fn stored_records_rebuild_the_same_index() {
    let index = SearchIndex::build(&library());
    let stored = serde_json::to_string(index.entries()).unwrap();
    let restored = SearchIndex::from_entries(serde_json::from_str::<Vec<IndexEntry>>(&stored).unwrap());
    for q in [text("rust"), Query { order: Order::OldestFirst, ..Query::default() }, text("pier")] {
        assert_eq!(restored.search(&q), index.search(&q));
    }
}

#[derive(Debug, Clone)]
enum Op {
    Save(u8, i64),
    Remove(u8),
}

proptest! {
    /// After any sequence of saves, re-saves and removals, a search returns exactly what a
    /// brute-force filter and sort of the current posts does.
    #[test]
    fn index_agrees_with_brute_force(ops in proptest::collection::vec(
        prop_oneof![
            (0u8..20, 0i64..8).prop_map(|(k, t)| Op::Save(k, t)),
            (0u8..20).prop_map(Op::Remove),
        ],
        0..60,
    )) {
        let mut index = SearchIndex::new();
        let mut current: std::collections::BTreeMap<u8, SavedPost> = Default::default();
        for op in ops {
            match op {
                Op::Save(k, t) => {
                    let word = if k % 3 == 0 { "alpha" } else { "beta" };
                    let raw = post_json(&format!("k{k}"), "x.test", "X", word, "2025-01-01T00:00:00Z", None);
                    let p = saved(&raw, T0 + t * DAY, &[], "");
                    index.upsert(&p);
                    current.insert(k, p);
                }
                Op::Remove(k) => {
                    let uri = format!("at://did:plc:xtest/app.bsky.feed.post/k{k}");
                    prop_assert_eq!(index.remove(&uri), current.remove(&k).is_some());
                }
            }
        }
        prop_assert_eq!(index.len(), current.len());
        let mut expected: Vec<&SavedPost> = current.values().filter(|p| p.post_json().unwrap().contains("alpha")).collect();
        expected.sort_by(|a, b| (b.saved_at, &b.uri).cmp(&(a.saved_at, &a.uri)));
        let got = index.search(&Query { text: "ALPHA".into(), limit: 100, ..Query::default() });
        prop_assert_eq!(got.uris, expected.iter().map(|p| p.uri.clone()).collect::<Vec<_>>());
    }
}
