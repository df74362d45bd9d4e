//! The data model against real responses captured from the reference network and bsky.app,
//! and against the shapes the lexicons allow but the fixtures lack.

use serde_json::{json, Value};
use skypanel_core::model::embed::{MediaView, RecordViewRecord};
use skypanel_core::model::{
    BookmarkView, EmbedView, FeedViewPost, MaybePost, PostView, ProfileViewDetailed, Reason, ThreadView,
    TimelinePage,
};

/// Parses `json` as `T` and checks that serialising gives back the same JSON value.
fn round_trip<T: serde::de::DeserializeOwned + serde::Serialize>(json: &Value) -> T {
    let typed: T = serde_json::from_value(json.clone()).expect("parses");
    assert_eq!(&serde_json::to_value(&typed).unwrap(), json, "typed view re-serialises losslessly");
    typed
}

fn fixture(name: &str) -> Value {
    let path = format!("{}/tests/fixtures/{name}.json", env!("CARGO_MANIFEST_DIR"));
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

#[test]
fn feeds_from_the_reference_network_and_bsky_app_round_trip() {
    for name in ["getTimeline", "timeline_50", "getAuthorFeed", "getAuthorFeed_appview_unauth"] {
        let page = fixture(name);
        let parsed = TimelinePage::from_json(&page.to_string()).unwrap_or_else(|e| panic!("{name}: {e}"));
        let items = page["feed"].as_array().unwrap();
        assert_eq!(parsed.feed.len(), items.len(), "{name}");
        for (item, orig) in parsed.feed.iter().zip(items) {
            let raw: Value = serde_json::from_str(item.raw.get()).unwrap();
            assert_eq!(&raw, orig, "{name}: raw JSON kept exactly");
            assert_eq!(&serde_json::to_value(&item.view).unwrap(), orig, "{name}: typed view is lossless");
            assert!(item.view.unsupported().is_empty(), "{name}: {:?}", item.view.unsupported());
        }
    }
}

#[test]
fn the_fixtures_exercise_every_known_embed_kind() {
    let mut kinds = std::collections::BTreeSet::new();
    for name in ["getTimeline", "timeline_50", "getAuthorFeed"] {
        for item in TimelinePage::from_json(&fixture(name).to_string()).unwrap().feed {
            if let Some(t) = item.view.post.embed.as_ref().and_then(|e| e.type_name()) {
                kinds.insert(t.to_owned());
            }
        }
    }
    for kind in ["images", "external", "record", "recordWithMedia", "video"] {
        assert!(kinds.contains(&format!("app.bsky.embed.{kind}#view")), "{kind} missing from {kinds:?}");
    }
}

#[test]
fn search_results_threads_bookmarks_and_profiles_round_trip() {
    for post in fixture("searchPosts")["posts"].as_array().unwrap() {
        round_trip::<PostView>(post);
    }
    let thread: ThreadView = round_trip(&fixture("getPostThread")["thread"]);
    let ThreadView::Post(t) = thread else { panic!("thread root is a post") };
    assert!(!t.post.uri.is_empty());

    // The reference AppView omits `$type` on bookmark items: the member is inferred.
    for b in fixture("getBookmarks")["bookmarks"].as_array().unwrap() {
        let bookmark: BookmarkView = round_trip(b);
        assert!(matches!(bookmark.item, MaybePost::Post(_)));
        assert_eq!(bookmark.item.uri(), Some(bookmark.subject.uri.as_str()));
    }
    let profile: ProfileViewDetailed = round_trip(&fixture("getProfile"));
    assert!(profile.handle.ends_with(".test"));
}

#[test]
fn repost_owner_is_the_reposter() {
    let page = TimelinePage::from_json(&fixture("getTimeline").to_string()).unwrap();
    let repost = page
        .feed
        .iter()
        .find(|i| matches!(i.view.reason, Some(Reason::Repost(_))))
        .expect("fixture has a repost");
    let by = repost.view.reposted_by().unwrap();
    assert_eq!(repost.view.owner().did, by.did);
    assert_eq!(repost.view.summary().reposted_by.as_deref(), Some(by.handle.as_str()));
}

fn post(extra: Value) -> Value {
    let mut p = json!({
        "uri": "at://did:plc:a/app.bsky.feed.post/1", "cid": "c",
        "author": {"did": "did:plc:a", "handle": "a.test"},
        "record": {"$type": "app.bsky.feed.post", "text": "hi", "createdAt": "2026-01-01T00:00:00Z"},
        "indexedAt": "2026-01-01T00:00:00Z"
    });
    p.as_object_mut().unwrap().extend(extra.as_object().unwrap().clone());
    p
}

#[test]
fn unknown_members_of_every_union_are_kept_and_reported() {
    let future = |t: &str| json!({"$type": t, "shiny": [1, 2, 3]});
    let item = json!({
        "post": post(json!({
            "embed": {
                "$type": "app.bsky.embed.recordWithMedia#view",
                "record": {"record": future("app.bsky.embed.record#viewSomethingNew")},
                "media": future("app.bsky.embed.gallery#view")
            },
            "record": {"$type": "app.bsky.feed.post", "text": "hi #x", "createdAt": "2026-01-01T00:00:00Z",
                "facets": [{"index": {"byteStart": 3, "byteEnd": 5}, "features": [future("app.bsky.richtext.facet#sparkle")]}]}
        })),
        "reason": future("app.bsky.feed.defs#reasonSomethingNew"),
        "reply": {"root": future("app.bsky.feed.defs#ghostPost"), "parent": future("app.bsky.feed.defs#ghostPost")}
    });
    let view: FeedViewPost = round_trip(&item);
    assert!(view.reason.as_ref().unwrap().is_unknown());
    assert!(view.reposted_by().is_none(), "an unknown reason is not a repost");
    assert_eq!(view.owner().handle, "a.test");
    let Some(EmbedView::RecordWithMedia(rm)) = &view.post.embed else { panic!("known outer embed") };
    assert!(matches!(rm.media, MediaView::Unknown(_)));
    assert!(matches!(rm.record.record, RecordViewRecord::Unknown(_)));
    assert_eq!(
        view.unsupported(),
        [
            "app.bsky.embed.record#viewSomethingNew",
            "app.bsky.embed.gallery#view",
            "app.bsky.richtext.facet#sparkle",
            "app.bsky.feed.defs#reasonSomethingNew",
            "app.bsky.feed.defs#ghostPost",
            "app.bsky.feed.defs#ghostPost",
        ]
    );
    assert_eq!(view.summary().unsupported.len(), 6);

    // A whole unknown embed, and a record that is not a post.
    let odd: PostView = round_trip(&post(json!({
        "embed": future("app.bsky.embed.poll#view"),
        "record": {"$type": "app.bsky.feed.poll", "question": "?"}
    })));
    assert_eq!(odd.unsupported(), ["app.bsky.feed.poll", "app.bsky.embed.poll#view"]);
    assert_eq!(odd.text(), "");
}

#[test]
fn unavailable_posts_and_quotes_are_typed() {
    let item = json!({
        "post": post(json!({"embed": {"$type": "app.bsky.embed.record#view",
            "record": {"$type": "app.bsky.embed.record#viewBlocked", "uri": "at://did:plc:b/app.bsky.feed.post/2",
                "blocked": true, "author": {"did": "did:plc:b"}}}})),
        "reply": {
            "root": {"$type": "app.bsky.feed.defs#notFoundPost", "uri": "at://did:plc:c/app.bsky.feed.post/3", "notFound": true},
            "parent": {"uri": "at://did:plc:d/app.bsky.feed.post/4", "blocked": true, "author": {"did": "did:plc:d"}}
        }
    });
    let view: FeedViewPost = round_trip(&item);
    let reply = view.reply.as_ref().unwrap();
    assert!(matches!(reply.root, MaybePost::NotFound(_)));
    assert!(matches!(reply.parent, MaybePost::Blocked(_)), "inferred without $type");
    assert_eq!(view.reply_parent_uri(), Some("at://did:plc:d/app.bsky.feed.post/4"));
    let Some(EmbedView::Record(r)) = &view.post.embed else { panic!() };
    assert!(matches!(r.record, RecordViewRecord::Blocked(_)));
    assert!(view.unsupported().is_empty());
}

#[test]
fn missing_optional_fields_are_fine() {
    let minimal = json!({"post": {"uri": "at://did:plc:a/app.bsky.feed.post/1", "cid": "c",
        "author": {"did": "did:plc:a", "handle": "a.test"}, "record": {}}});
    let view: FeedViewPost = round_trip(&minimal);
    assert_eq!(view.post.text(), "");
    assert_eq!(view.post.created_at(), None);
    assert!(view.post.post_record().is_some());
}

#[test]
fn malformed_pages_are_errors_not_panics() {
    for bad in [
        "",
        "{",
        "[]",
        r#"{"feed": 3}"#,
        r#"{"feed":[{"post":{}}]}"#,
        "\u{0}",
        r#"{"feed":[{"post":{"uri":"u","cid":"c","author":{"did":"d","handle":"h"},"record":{},"embed":"not an object"}}]}"#,
        r#"{"feed":[{"post":{"uri":"u","cid":"c","author":{"did":"d","handle":"h"},"record":{},"embed":{"$type":"app.bsky.embed.images#view","images":"nope"}}}]}"#,
    ] {
        assert!(TimelinePage::from_json(bad).is_err(), "{bad:?} should fail");
    }
}
