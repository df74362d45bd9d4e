//! The feed model against real responses captured from the reference network and bsky.app.

use skypanel_core::model::feed::REASON_REPOST;
use skypanel_core::model::TimelinePage;

#[test]
fn parses_reference_network_timeline_losslessly() {
    let json = include_str!("fixtures/getTimeline.json");
    let page = TimelinePage::from_json(json).expect("fixture parses");
    let original: serde_json::Value = serde_json::from_str(json).unwrap();
    let items = original["feed"].as_array().unwrap();
    assert_eq!(page.feed.len(), items.len());
    for (item, orig) in page.feed.iter().zip(items) {
        // The raw JSON is exactly what was sent, and the typed view re-serialises to it.
        let raw: serde_json::Value = serde_json::from_str(item.raw.get()).unwrap();
        assert_eq!(&raw, orig);
        assert_eq!(&serde_json::to_value(&item.view).unwrap(), orig);
    }
}

#[test]
fn repost_owner_is_the_reposter() {
    let page = TimelinePage::from_json(include_str!("fixtures/getTimeline.json")).unwrap();
    let repost = page
        .feed
        .iter()
        .find(|i| {
            i.view
                .reason
                .as_ref()
                .is_some_and(|r| r.kind == REASON_REPOST)
        })
        .expect("fixture has a repost");
    let by = repost.view.reposted_by().unwrap();
    assert_eq!(repost.view.owner().did, by.did);
    assert_eq!(
        repost.view.summary().reposted_by.as_deref(),
        Some(by.handle.as_str())
    );
}

#[test]
fn fifty_post_page_from_bsky_app() {
    let page = TimelinePage::from_json(include_str!("fixtures/timeline_50.json")).unwrap();
    assert_eq!(page.feed.len(), 50);
    assert!(page
        .feed
        .iter()
        .all(|i| i.view.post.uri.starts_with("at://did:")));
}

#[test]
fn unknown_reason_kind_is_kept_not_refused() {
    let json = r#"{"feed":[{"post":{"uri":"at://did:plc:a/app.bsky.feed.post/1","cid":"c","author":{"did":"did:plc:a","handle":"a.test"},"record":{"text":"hi"},"indexedAt":"2026-01-01T00:00:00Z"},"reason":{"$type":"app.bsky.feed.defs#reasonSomethingNew","by":{"did":"did:plc:b","handle":"b.test"},"future":true}}]}"#;
    let page = TimelinePage::from_json(json).unwrap();
    let item = &page.feed[0].view;
    assert_eq!(
        item.reason.as_ref().unwrap().kind,
        "app.bsky.feed.defs#reasonSomethingNew"
    );
    assert!(
        item.reposted_by().is_none(),
        "an unknown reason is not a repost"
    );
    assert_eq!(item.owner().handle, "a.test");
    assert_eq!(
        serde_json::to_value(item).unwrap()["reason"]["future"],
        true
    );
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
    ] {
        assert!(TimelinePage::from_json(bad).is_err(), "{bad:?} should fail");
    }
}
