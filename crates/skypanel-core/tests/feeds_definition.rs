//! The `skypanel.feed` format: what is refused, what is reported where, defaults, labels,
//! targets, the round trip, and that no input makes it panic.

use proptest::prelude::*;
use serde_json::{json, Value};
use skypanel_core::feeds::definition::{
    from_value, parse, starters, Definition, Filter, MediaKind, Sort, Source, TextField, FEED_COLLECTION,
    LIST_COLLECTION,
};
use skypanel_core::feeds::Problem;
use skypanel_core::grouping::{Mode, PlanOptions};

const LIST: &str = "at://did:plc:owner/app.bsky.graph.list/3kxyz";
const FEED: &str = "at://did:plc:owner/app.bsky.feed.generator/whats-hot";

fn feed(fields: Value) -> Value {
    let mut d =
        json!({"format": "skypanel.feed", "version": 1, "name": "t", "sources": [{"kind": "timeline"}]});
    for (k, v) in fields.as_object().unwrap() {
        d[k] = v.clone();
    }
    d
}

fn ok(v: &Value) -> (Definition, Vec<Problem>) {
    parse(&v.to_string()).unwrap_or_else(|e| panic!("refused: {e:?}"))
}

fn refused(text: &str) -> Problem {
    parse(text).expect_err("should be refused")
}

/// (path, message) of every problem.
fn problems(v: Value) -> Vec<(String, String)> {
    let (_, p) = ok(&v);
    assert!(p.iter().all(|p| p.name == "InvalidInput"), "{p:?}");
    p.into_iter().map(|p| (p.path, p.message)).collect()
}

fn paths(v: Value) -> Vec<String> {
    problems(v).into_iter().map(|(p, _)| p).collect()
}

fn round_trips(d: &Definition) {
    let text = d.to_json();
    let (again, _) = parse(&text).unwrap_or_else(|e| panic!("{e:?} in\n{text}"));
    assert_eq!(&again, d, "\n{text}");
}

#[test]
fn the_documented_example_reads_without_problems() {
    let text = r##"{"format": "skypanel.feed", "version": 1, "name": "Rockets, best first", "description": "launches",
     "sources": [{"kind": "timeline"}, {"kind": "author", "actor": "bob.test", "replies": false, "reposts": true},
                 {"kind": "list", "uri": "at://did:plc:owner/app.bsky.graph.list/3kxyz"},
                 {"kind": "listMembers", "uri": "https://bsky.app/profile/alice.test/lists/3kxyz"},
                 {"kind": "feed", "uri": "https://bsky.app/profile/did:plc:owner/feed/whats-hot"},
                 {"kind": "search", "q": "rocket", "lang": "en", "sort": "top", "tags": ["#space"]},
                 {"kind": "saved"}, {"kind": "mutuals", "label": "friends"}, {"kind": "quiet", "days": 14}],
     "filters": [{"kind": "text", "any": ["launch"], "regex": "T-minus \\d+", "exclude": false},
                 {"kind": "media", "has": ["images", "video", "link", "quote"]}, {"kind": "lang", "in": ["en"]},
                 {"kind": "replies", "keep": false}, {"kind": "reposts", "keep": false, "from": ["dan.test"]},
                 {"kind": "quotes", "keep": false}, {"kind": "min", "likes": 5}, {"kind": "since", "hours": 24},
                 {"kind": "exclude", "actors": ["@eve.test", "did:plc:abc"], "list": "at://did:plc:owner/app.bsky.graph.list/3kxyz"},
                 {"kind": "mutedWords"}],
     "sort": "hot", "dedupe": true, "perAuthor": 3, "collapse": {"mode": "bundle", "threshold": 4}}"##;
    let (d, p) = parse(text).unwrap();
    assert_eq!(p, []);
    assert_eq!(d.name, "Rockets, best first");
    assert_eq!(d.description.as_deref(), Some("launches"));
    assert_eq!(d.sources.len(), 9);
    assert_eq!(
        d.sources[1],
        Source::Author { actor: "bob.test".into(), replies: false, reposts: true, label: None }
    );
    let Source::Search { query, .. } = &d.sources[5] else { panic!("{:?}", d.sources[5]) };
    assert_eq!(
        (query.q.as_str(), query.lang.as_deref(), query.sort.as_deref()),
        ("rocket", Some("en"), Some("top"))
    );
    assert_eq!(query.tags, ["space"]);
    assert_eq!(d.sources[8], Source::Quiet { days: 14, max_per_day: 0.5, label: None });
    let Filter::Text(t) = &d.filters[0] else { panic!() };
    assert_eq!((t.any.as_slice(), t.regex.as_deref()), (&["launch".to_string()][..], Some("T-minus \\d+")));
    assert_eq!(t.fields, [TextField::Text, TextField::Alt, TextField::Link]);
    assert!(!t.case_sensitive && !t.exclude);
    assert_eq!(
        d.filters[1],
        Filter::Media { has: vec![MediaKind::Images, MediaKind::Video, MediaKind::Link, MediaKind::Quote] }
    );
    assert_eq!(
        d.filters[8],
        Filter::Exclude { actors: vec!["eve.test".into(), "did:plc:abc".into()], list: Some(LIST.into()) }
    );
    assert_eq!(d.filters[9], Filter::MutedWords);
    assert_eq!((d.sort, d.dedupe, d.per_author), (Sort::Hot, true, Some(3)));
    assert_eq!(d.collapse, Some(PlanOptions { mode: Mode::Bundle, threshold: 4 }));
    assert_eq!(d.lists_needed(), [LIST]);
    assert!(d.uses_muted_words());
    round_trips(&d);
}

#[test]
fn defaults_fill_what_is_left_out() {
    let (d, p) = ok(&feed(
        json!({"sources": [{"kind": "author", "actor": "bob.test"}], "filters": [{"kind": "replies"}]}),
    ));
    assert_eq!(p, []);
    assert_eq!(
        d.sources[0],
        Source::Author { actor: "bob.test".into(), replies: true, reposts: true, label: None }
    );
    assert_eq!(d.filters[0], Filter::Replies { keep: false, only_following: false });
    assert_eq!((d.sort, d.dedupe, d.per_author, d.collapse), (Sort::Newest, true, None, None));
    let (d, _) = ok(&feed(json!({"collapse": {}})));
    assert_eq!(d.collapse, Some(PlanOptions { mode: Mode::Runs, threshold: 3 }));
}

#[test]
fn files_that_are_not_feeds_or_are_too_new_are_refused_with_what_to_do() {
    let e = refused("{\"format\": \"skypanel.feed\",\n \"version\": 1,,}");
    assert!(e.message.starts_with("this is not a feed definition"), "{}", e.message);
    assert!(e.message.contains("line 2 column"), "{}", e.message);
    assert_eq!(e.name, "InvalidInput");
    let e = refused(r#"{"version": 1, "sources": []}"#);
    assert_eq!(e.message, "not a SkyPanel feed definition (no \"format\": \"skypanel.feed\")");
    assert_eq!(e.path, "format");
    let e = refused(r#"{"format": "skypanel.library", "version": 1}"#);
    assert_eq!(e.message, "this file is a skypanel.library file, not a SkyPanel feed");
    let e = refused(r#"{"format": "skypanel.feed", "version": 2, "name": "x"}"#);
    assert_eq!(e.message, "made by a newer SkyPanel (version 2); this one reads version 1 — update SkyPanel");
    assert_eq!(e.path, "version");
    for bad in ["0", "1.5", "\"1\"", "-1", "null"] {
        let e = refused(&format!(r#"{{"format": "skypanel.feed", "version": {bad}}}"#));
        assert_eq!(e.path, "version", "{bad}");
        assert!(e.message.contains("write \"version\": 1"), "{bad}: {}", e.message);
    }
    let e = refused(r#"{"format": "skypanel.feed"}"#);
    assert!(e.message.contains("has no \"version\""));
    let e = refused("[1, 2]");
    assert!(e.message.starts_with("not a SkyPanel feed definition"));
    assert!(refused("").message.starts_with("this is not a feed definition"));
}

#[test]
fn unknown_kinds_are_kept_verbatim_reported_and_written_back() {
    let future_source = json!({"kind": "hologram", "depth": 3, "label": "holo"});
    let future_filter = json!({"kind": "vibes", "min": "good"});
    let v = feed(
        json!({"sources": [{"kind": "timeline"}, future_source], "filters": [future_filter], "theme": {"dark": true}}),
    );
    let (d, p) = ok(&v);
    let at: Vec<&str> = p.iter().map(|p| p.path.as_str()).collect();
    assert_eq!(at, ["sources[1].kind", "filters[0].kind"]);
    assert!(p[0].message.contains("unknown source kind \"hologram\""));
    assert_eq!(d.sources[1], Source::Unknown(future_source.clone()));
    assert_eq!(d.sources[1].label(), "holo");
    assert_eq!(d.filters[0], Filter::Unknown(future_filter.clone()));
    assert_eq!(d.extra["theme"], json!({"dark": true}));
    let written: Value = serde_json::from_str(&d.to_json()).unwrap();
    assert_eq!(written["sources"][1], future_source);
    assert_eq!(written["filters"][0], future_filter);
    assert_eq!(written["theme"], json!({"dark": true}));
    round_trips(&d);
}

#[test]
fn a_source_missing_what_it_needs_is_kept_as_unknown_and_reported_at_the_field() {
    let src = json!([
        {"kind": "author"},
        {"kind": "author", "actor": "not a handle"},
        {"kind": "list", "uri": "at://did:plc:owner/app.bsky.feed.generator/x"},
        {"kind": "feed", "uri": "https://bsky.app/profile/alice.test/lists/3k"},
        {"kind": "listMembers", "uri": "https://example.com/nope"},
        {"kind": "search"},
        {"kind": "feed", "uri": 7},
        "timeline",
        {"label": "no kind"}
    ]);
    let found = problems(feed(json!({"sources": src})));
    let at: Vec<&str> = found.iter().map(|(p, _)| p.as_str()).collect();
    assert_eq!(
        at,
        [
            "sources[0].actor",
            "sources[1].actor",
            "sources[2].uri",
            "sources[3].uri",
            "sources[4].uri",
            "sources[5].q",
            "sources[6].uri",
            "sources[7]",
            "sources[8].kind"
        ]
    );
    assert!(found[1].1.contains("'not a handle' is not a handle or a DID"));
    assert!(found[2].1.contains("is not a list"), "{}", found[2].1);
    assert!(found[3].1.contains("not to a custom feed"), "{}", found[3].1);
    let (d, _) = ok(&feed(json!({"sources": src})));
    assert!(d.sources.iter().all(|s| matches!(s, Source::Unknown(_))));
    round_trips(&d);
}

#[test]
fn filters_that_cannot_run_are_reported_at_their_field() {
    let f = json!([
        {"kind": "text", "regex": "(unclosed"},
        {"kind": "text"},
        {"kind": "media", "has": ["holograms"]},
        {"kind": "lang", "in": []},
        {"kind": "since", "hours": -2},
        {"kind": "since"},
        {"kind": "exclude", "list": "https://bsky.app/profile/a.test/feed/x"},
        {"kind": "exclude", "actors": ["bad handle!", "ok.test"]},
        {"kind": "min"},
        {"kind": "replies", "keep": "no"},
        {"kind": "reposts", "from": "dan.test", "keepp": true}
    ]);
    let found = problems(feed(json!({"filters": f})));
    let at: Vec<&str> = found.iter().map(|(p, _)| p.as_str()).collect();
    assert_eq!(
        at,
        [
            "filters[0].regex",
            "filters[1]",
            "filters[2].has",
            "filters[2].has",
            "filters[3].in",
            "filters[4].hours",
            "filters[5].hours",
            "filters[6].list",
            "filters[7].actors[0]",
            "filters[8]",
            "filters[9].keep",
            "filters[10].keepp"
        ]
    );
    let regex_message = &found[0].1;
    assert!(regex_message.starts_with("this regular expression is invalid"), "{regex_message}");
    assert!(regex_message.len() > "this regular expression is invalid (filter not run): ".len() + 5);
    let (d, _) = ok(&feed(json!({"filters": f})));
    for i in [0, 1, 2, 3, 4, 5, 6] {
        assert!(matches!(d.filters[i], Filter::Unknown(_)), "filters[{i}]");
    }
    assert_eq!(d.filters[7], Filter::Exclude { actors: vec!["ok.test".into()], list: None });
    assert_eq!(d.filters[9], Filter::Replies { keep: false, only_following: false });
    assert_eq!(d.filters[10], Filter::Reposts { keep: false, from: vec!["dan.test".into()] });
    round_trips(&d);
}

#[test]
fn top_level_mistakes_are_reported_and_fall_back() {
    let found = problems(feed(
        json!({"sort": "random", "perAuthor": 0, "collapse": {"mode": "piles", "threshold": 11}}),
    ));
    let at: Vec<&str> = found.iter().map(|(p, _)| p.as_str()).collect();
    assert_eq!(at, ["sort", "perAuthor", "collapse.mode", "collapse.threshold"], "in file order");
    assert!(found[0].1.contains("use newest, oldest, top or hot"));
    let (d, _) = ok(&feed(json!({"sort": "random", "perAuthor": 0, "collapse": {"threshold": 1}})));
    assert_eq!((d.sort, d.per_author), (Sort::Newest, None));
    assert_eq!(d.collapse.unwrap().threshold, 2);
    assert_eq!(
        paths(feed(json!({"perAuthor": "many", "dedupe": "yes", "name": 5}))),
        ["name", "dedupe", "perAuthor"]
    );
    let (d, _) = ok(&feed(json!({"dedupe": false})));
    assert!(!d.dedupe);
}

#[test]
fn a_feed_needs_sources_and_has_limits() {
    let found = problems(feed(json!({"sources": []})));
    assert_eq!(
        found,
        [("sources".to_string(), "the feed has no sources: add at least one source".to_string())]
    );
    assert_eq!(paths(json!({"format": "skypanel.feed", "version": 1, "name": "x"})), ["sources"]);

    let many: Vec<Value> =
        (0..34).map(|i| json!({"kind": "author", "actor": format!("u{i}.test")})).collect();
    let (d, p) = ok(&feed(json!({"sources": many})));
    assert_eq!(p.len(), 1);
    assert_eq!(p[0].path, "sources");
    assert!(p[0].message.contains("the first 32 run"));
    assert_eq!(d.sources.len(), 34, "nothing the user wrote is lost");
    assert!(matches!(d.sources[31], Source::Author { .. }));
    assert!(matches!(d.sources[32], Source::Unknown(_)));
    round_trips(&d);

    let regexes: Vec<Value> = (0..12).map(|i| json!({"kind": "text", "regex": format!("w{i}")})).collect();
    let (d, p) = ok(&feed(json!({"filters": regexes})));
    let at: Vec<&str> = p.iter().map(|p| p.path.as_str()).collect();
    assert_eq!(at, ["filters[10].regex", "filters[11].regex"]);
    assert_eq!(d.filters.iter().filter(|f| matches!(f, Filter::Text(_))).count(), 10);
}

#[test]
fn sources_say_their_labels_and_targets() {
    let src = json!([
        {"kind": "timeline"}, {"kind": "author", "actor": "@bob.test"}, {"kind": "list", "uri": LIST},
        {"kind": "listMembers", "uri": "https://bsky.app/profile/alice.test/lists/3kxyz"},
        {"kind": "feed", "uri": FEED}, {"kind": "search", "q": "rocket"}, {"kind": "saved"}, {"kind": "mutuals"},
        {"kind": "quiet"}, {"kind": "feed", "uri": FEED, "label": "Hot"}
    ]);
    let (d, p) = ok(&feed(json!({ "sources": src })));
    assert_eq!(p, []);
    let labels: Vec<String> = d.sources.iter().map(Source::label).collect();
    assert_eq!(
        labels,
        [
            "timeline",
            "@bob.test",
            "list",
            "list members",
            "custom feed",
            "search “rocket”",
            "saved posts",
            "mutuals",
            "quiet posters",
            "Hot"
        ]
    );
    let list = d.sources[2].target().unwrap();
    assert_eq!(
        (list.actor.as_str(), list.collection, list.rkey.as_str()),
        ("did:plc:owner", LIST_COLLECTION, "3kxyz")
    );
    assert!(!list.needs_resolution() && !list.from_url);
    assert_eq!(list.at_uri(&list.actor), LIST);
    let url = d.sources[3].target().unwrap();
    assert_eq!((url.actor.as_str(), url.rkey.as_str()), ("alice.test", "3kxyz"));
    assert!(url.needs_resolution() && url.from_url);
    assert_eq!(url.at_uri("did:plc:alice"), "at://did:plc:alice/app.bsky.graph.list/3kxyz");
    assert_eq!(d.sources[4].target().unwrap().collection, FEED_COLLECTION);
    assert_eq!(d.sources[0].target(), None);
    let Source::ListMembers { uri, .. } = &d.sources[3] else { panic!() };
    assert_eq!(uri, "https://bsky.app/profile/alice.test/lists/3kxyz", "kept as written");
    assert!(d.sources[0].needs_account() && !d.sources[1].needs_account());
}

#[test]
fn written_files_are_readable_and_ordered() {
    let (d, _) = ok(&feed(
        json!({"filters": [{"kind": "text", "any": ["a"], "in": ["link", "text"], "caseSensitive": true}]}),
    ));
    let text = d.to_json();
    let order: Vec<usize> = [
        "\"format\"",
        "\"version\"",
        "\"name\"",
        "\"sources\"",
        "\"filters\"",
        "\"sort\"",
        "\"dedupe\"",
        "\"perAuthor\"",
        "\"collapse\"",
    ]
    .iter()
    .map(|k| text.find(k).unwrap_or_else(|| panic!("{k} missing in {text}")))
    .collect();
    assert!(order.windows(2).all(|w| w[0] < w[1]), "{text}");
    assert!(
        text.contains(r#"{"kind": "text", "any": ["a"], "caseSensitive": true, "in": ["text", "link"]}"#),
        "{text}"
    );
    // serde gives the same object as the file.
    let via_serde: Value = serde_json::to_value(&d).unwrap();
    let via_file: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(via_serde, via_file);
    assert_eq!(from_value(&via_serde).unwrap().0, d);
}

#[test]
fn starters_are_valid_feeds() {
    let s = starters();
    let names: Vec<&str> = s.iter().map(|d| d.name.as_str()).collect();
    assert_eq!(names, ["Mutuals", "Quiet posters", "Following without reposts"]);
    for d in &s {
        let (again, p) = parse(&d.to_json()).unwrap();
        assert_eq!(p, [], "{}", d.name);
        assert_eq!(&again, d);
    }
    assert!(matches!(s[2].filters[0], Filter::Reposts { keep: false, .. }));
}

// ---- properties ----

fn arb_json() -> impl Strategy<Value = Value> {
    let key = prop::sample::select(vec![
        "format",
        "version",
        "name",
        "sources",
        "filters",
        "sort",
        "kind",
        "actor",
        "uri",
        "q",
        "any",
        "regex",
        "in",
        "has",
        "hours",
        "perAuthor",
        "collapse",
        "threshold",
        "mode",
        "label",
        "keep",
        "from",
        "list",
        "days",
    ]);
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        // Numbers a person writes; serde_json reads 17-digit fractions to within one unit in
        // the last place, so those would not compare equal after a round trip.
        any::<i32>().prop_map(|i| Value::from(f64::from(i) / 8.0)),
        ".{0,10}".prop_map(Value::from),
        prop::sample::select(vec![
            "skypanel.feed",
            "timeline",
            "author",
            "text",
            "(",
            "bob.test",
            LIST,
            FEED,
            "search",
            "quiet",
            "top",
        ])
        .prop_map(Value::from),
    ];
    leaf.prop_recursive(4, 48, 6, move |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..5).prop_map(Value::from),
            prop::collection::btree_map(key.clone().prop_map(String::from), inner, 0..6)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

fn arb_source() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(json!({"kind": "timeline"})),
        (
            prop::sample::select(vec!["bob.test", "did:plc:abc", "@al.test", "bad"]),
            any::<bool>(),
            any::<bool>()
        )
            .prop_map(|(a, r, p)| json!({"kind": "author", "actor": a, "replies": r, "reposts": p})),
        prop::sample::select(vec!["list", "listMembers"]).prop_map(|k| json!({"kind": k, "uri": LIST})),
        Just(json!({"kind": "feed", "uri": "https://bsky.app/profile/x.test/feed/hot", "label": "Hot"})),
        ("[a-z ]{1,8}", prop::option::of(prop::sample::select(vec!["top", "latest"])))
            .prop_map(|(q, s)| json!({"kind": "search", "q": q, "sort": s, "tags": ["a"]})),
        Just(json!({"kind": "saved"})),
        Just(json!({"kind": "mutuals"})),
        (1u32..60, 0.01f64..5.0).prop_map(|(d, m)| json!({"kind": "quiet", "days": d, "maxPerDay": m})),
        Just(json!({"kind": "later", "x": [1, 2]})),
    ]
}

fn arb_filter() -> impl Strategy<Value = Value> {
    prop_oneof![
        (prop::collection::vec("[a-z]{1,6}( [a-z]{1,6})?", 0..3), prop::option::of("[a-z\\\\d+(]{1,6}"), any::<bool>(), any::<bool>())
            .prop_map(|(w, r, x, c)| json!({"kind": "text", "any": w, "regex": r, "exclude": x, "caseSensitive": c, "in": ["alt", "text"]})),
        prop::collection::vec(prop::sample::select(vec!["images", "video", "link", "quote", "none"]), 1..4)
            .prop_map(|h| json!({"kind": "media", "has": h})),
        any::<bool>().prop_map(|k| json!({"kind": "lang", "in": ["en", "pt-BR"], "keepUnknown": k})),
        (any::<bool>(), any::<bool>()).prop_map(|(k, o)| json!({"kind": "replies", "keep": k, "onlyFollowing": o})),
        any::<bool>().prop_map(|k| json!({"kind": "reposts", "keep": k, "from": ["dan.test"]})),
        any::<bool>().prop_map(|k| json!({"kind": "quotes", "keep": k})),
        (0u64..100, prop::option::of(0u64..9)).prop_map(|(l, r)| json!({"kind": "min", "likes": l, "replies": r})),
        (0.1f64..1000.0).prop_map(|h| json!({"kind": "since", "hours": h})),
        Just(json!({"kind": "exclude", "actors": ["a.test"], "list": LIST})),
        Just(json!({"kind": "mutedWords"})),
    ]
}

fn arb_definition() -> impl Strategy<Value = Value> {
    (
        ".{0,20}",
        prop::collection::vec(arb_source(), 0..5),
        prop::collection::vec(arb_filter(), 0..6),
        prop::sample::select(vec!["newest", "oldest", "top", "hot", "sideways"]),
        prop::option::of(0u32..10),
        prop::option::of((any::<bool>(), 0u8..14)),
    )
        .prop_map(|(name, sources, filters, sort, per_author, collapse)| {
            let collapse = collapse.map(|(b, t)| json!({"mode": if b { "bundle" } else { "runs" }, "threshold": t}));
            json!({"format": "skypanel.feed", "version": 1, "name": name, "sources": sources, "filters": filters,
                   "sort": sort, "perAuthor": per_author, "collapse": collapse, "extra": {"kept": true}})
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn any_text_is_read_or_refused_without_panicking(text in ".{0,200}") {
        let _ = parse(&text);
        let _ = parse(&format!(r#"{{"format": "skypanel.feed", "version": 1, "name": {text:?}}}"#));
    }

    #[test]
    fn any_json_is_read_or_refused_without_panicking(v in arb_json()) {
        let _ = from_value(&v);
        let mut as_feed = v.clone();
        if let Value::Object(m) = &mut as_feed {
            m.insert("format".into(), "skypanel.feed".into());
            m.insert("version".into(), 1.into());
        }
        if let Ok((d, _)) = from_value(&as_feed) {
            let (again, _) = parse(&d.to_json()).unwrap();
            prop_assert_eq!(again, d);
        }
    }

    #[test]
    fn every_definition_read_is_written_back_equal(v in arb_definition()) {
        let (d, _) = from_value(&v).unwrap();
        let text = d.to_json();
        let (again, _) = parse(&text).unwrap();
        prop_assert_eq!(&again, &d);
        prop_assert_eq!(again.to_json(), text);
    }
}
