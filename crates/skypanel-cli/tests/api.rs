//! Every call of the core's XRPC client, natively, against the real reference Bluesky
//! network started by the test harness (`$SKYPANEL_TEST_NETWORK`). Ignored by a bare
//! `cargo test`; `make test` runs them with `--include-ignored`.

use serde_json::Value;
use sha2::{Digest, Sha256};
use skypanel_cli::http::UreqTransport;
use skypanel_core::identity::{self, ServiceConfig};
use skypanel_core::model::{EmbedView, MaybePost, Reason, ThreadView};
use skypanel_core::xrpc::{AuthorFilter, Client, FeedSource, SearchQuery, Session};
use skypanel_core::ErrorKind;

fn net() -> Value {
    let path = std::env::var("SKYPANEL_TEST_NETWORK")
        .expect("SKYPANEL_TEST_NETWORK is not set: run through `make test` or scripts/with-network.sh");
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

fn s<'a>(v: &'a Value, path: &str) -> &'a str {
    path.split('.').fold(v, |v, k| &v[k]).as_str().unwrap_or_else(|| panic!("{path} missing"))
}

fn config(net: &Value) -> ServiceConfig {
    ServiceConfig {
        plc_url: s(net, "plc").into(),
        appview_url: s(net, "appview").into(),
        entryway_url: s(net, "pds").into(),
    }
}

fn block<F: std::future::Future>(f: F) -> F::Output {
    pollster::block_on(f)
}

fn signed_in(net: &Value, who: &str) -> Client<UreqTransport> {
    let t = UreqTransport::new();
    let handle = s(net, &format!("accounts.{who}.handle")).to_owned();
    let signed = block(identity::sign_in(&t, &config(net), &handle, s(net, "password"), None)).unwrap();
    Client::new(t, &signed.service).unwrap().with_session(signed.session)
}

#[test]
#[ignore = "needs the local Bluesky network: run `make test` or scripts/with-network.sh"]
fn sign_in_finds_the_pds_from_the_handle_and_reports_each_failure_clearly() {
    let net = net();
    let t = UreqTransport::new();
    let cfg = config(&net);
    let ok = block(identity::sign_in(&t, &cfg, "@Alice.test", s(&net, "password"), None)).unwrap();
    assert_eq!(ok.service, s(&net, "pds"));
    assert_eq!(ok.session.did, s(&net, "viewer.did"));
    let by_did =
        block(identity::sign_in(&t, &cfg, s(&net, "viewer.did"), s(&net, "password"), None)).unwrap();
    assert_eq!(by_did.service, ok.service);

    let wrong = block(identity::sign_in(&t, &cfg, "alice.test", "nope", None)).unwrap_err();
    assert_eq!(wrong.kind(), ErrorKind::AuthenticationRequired);
    let unknown = block(identity::sign_in(&t, &cfg, "nobody-here.test", "x", None)).unwrap_err();
    assert_eq!(unknown.kind(), ErrorKind::UnknownAccount, "{unknown}");
    assert!(unknown.to_string().contains("nobody-here.test"));
    let dead = block(identity::sign_in(&t, &cfg, "alice.test", "x", Some("http://127.0.0.1:1"))).unwrap_err();
    assert_eq!(dead.kind(), ErrorKind::Network);
    assert!(dead.to_string().contains("could not reach http://127.0.0.1:1"), "{dead}");
}

#[test]
#[ignore = "needs the local Bluesky network: run `make test` or scripts/with-network.sh"]
fn feeds_of_every_kind_and_pagination() {
    let net = net();
    let alice = signed_in(&net, "alice");
    let all = block(alice.get_timeline(100, None)).unwrap();
    assert!(all.cursor.is_none() || all.feed.len() < 100);
    // Pages of 7 give the same items in the same order as one big page.
    let (paged, rest) = block(alice.collect_feed(&FeedSource::Timeline, 1000, None)).unwrap();
    assert_eq!(rest, None);
    let uris = |items: &[skypanel_core::model::FeedItem]| {
        items.iter().map(|i| i.view.post.uri.clone()).collect::<Vec<_>>()
    };
    let mut small = Vec::new();
    let mut cursor = None;
    loop {
        let page = block(alice.get_timeline(7, cursor.as_deref())).unwrap();
        small.extend(page.feed);
        match page.cursor {
            Some(c) if !small.is_empty() => cursor = Some(c),
            _ => break,
        }
        assert!(small.len() < 500, "pagination does not end");
    }
    assert_eq!(uris(&small), uris(&all.feed));
    assert_eq!(uris(&paged), uris(&all.feed));

    let author = |filter| FeedSource::Author { actor: "carla.test".into(), filter, include_pins: false };
    let media = block(alice.feed_page(&author(AuthorFilter::PostsWithMedia), 50, None)).unwrap();
    assert!(!media.feed.is_empty());
    assert!(media.feed.iter().all(|i| matches!(i.view.post.embed, Some(EmbedView::Images(_)))));
    let with_replies = block(alice.feed_page(&author(AuthorFilter::PostsWithReplies), 50, None)).unwrap();
    let no_replies = block(alice.feed_page(&author(AuthorFilter::PostsNoReplies), 50, None)).unwrap();
    assert!(with_replies.feed.iter().any(|i| i.view.reply.is_some()));
    assert!(no_replies.feed.iter().all(|i| i.view.reply.is_none()));
    for filter in [AuthorFilter::PostsAndAuthorThreads, AuthorFilter::PostsWithVideo] {
        block(alice.feed_page(&author(filter), 10, None)).unwrap();
    }
    let video = block(alice.feed_page(
        &FeedSource::Author {
            actor: "dan.test".into(),
            filter: AuthorFilter::PostsWithVideo,
            include_pins: true,
        },
        10,
        None,
    ))
    .unwrap();
    assert!(matches!(video.feed[0].view.post.embed, Some(EmbedView::Video(_))));

    let feed =
        block(alice.feed_page(&FeedSource::Feed { uri: s(&net, "feed.uri").into() }, 50, None)).unwrap();
    let expected: Vec<String> =
        net["feed"]["posts"].as_array().unwrap().iter().map(|v| v.as_str().unwrap().to_owned()).collect();
    assert_eq!(uris(&feed.feed), expected);

    let list =
        block(alice.feed_page(&FeedSource::List { uri: s(&net, "list.uri").into() }, 50, None)).unwrap();
    let members: Vec<&str> =
        net["list"]["members"].as_array().unwrap().iter().map(|v| v.as_str().unwrap()).collect();
    assert!(!list.feed.is_empty());
    assert!(list.feed.iter().all(|i| members.contains(&i.view.post.author.handle.as_str())));

    // Reposts by heidi carry her as the reason.
    assert!(all
        .feed
        .iter()
        .any(|i| matches!(&i.view.reason, Some(Reason::Repost(r)) if r.by.handle == "heidi.test")));
}

#[test]
#[ignore = "needs the local Bluesky network: run `make test` or scripts/with-network.sh"]
fn lookups_threads_search_profiles_generators_preferences() {
    let net = net();
    let alice = signed_in(&net, "alice");
    let timeline = block(alice.get_timeline(100, None)).unwrap();

    let answer = timeline.feed.iter().find(|i| i.view.post.text().starts_with("Agreed")).unwrap();
    let thread = block(alice.get_post_thread(&answer.view.post.uri, 6, 80)).unwrap();
    let ThreadView::Post(t) = thread else { panic!("a visible thread") };
    let Some(parent) = &t.parent else { panic!("has a parent") };
    let ThreadView::Post(p) = parent.as_ref() else { panic!() };
    assert!(p.post.text().starts_with("Floods of reposts"));
    let missing = format!("at://{}/app.bsky.feed.post/3zzzzzzzzzzzz", s(&net, "viewer.did"));
    let gone = block(alice.get_post_thread(&missing, 1, 1));
    assert!(matches!(gone, Err(ref e) if e.kind() == ErrorKind::NotFound), "{gone:?}");

    let uris: Vec<String> = timeline.feed.iter().map(|i| i.view.post.uri.clone()).collect();
    assert!(uris.len() > 25, "exercises batching");
    let mut unique = uris.clone();
    unique.sort();
    unique.dedup();
    let posts = block(alice.get_posts(&unique)).unwrap();
    assert_eq!(posts.len(), unique.len());

    let found =
        block(alice.search_posts(&SearchQuery { q: "Launch".into(), ..Default::default() }, 10, None))
            .unwrap();
    assert!(found.posts.iter().any(|p| p.author.handle == "dan.test"), "{:?}", found.posts.len());
    let empty = block(alice.search_posts(&SearchQuery::default(), 10, None)).unwrap_err();
    assert_eq!(empty.kind(), ErrorKind::InvalidInput);

    let profile = block(alice.get_profile("grace.test")).unwrap();
    assert_eq!(profile.display_name.as_deref(), Some("Grace 優雅"));
    assert!(profile.posts_count.unwrap_or(0) >= 12);
    let handles: Vec<String> = ["bob", "carla", "dan"].iter().map(|n| format!("{n}.test")).collect();
    let profiles = block(alice.get_profiles(&handles)).unwrap();
    assert_eq!(profiles.iter().map(|p| p.handle.clone()).collect::<Vec<_>>(), handles);

    let generator = block(alice.get_feed_generator(s(&net, "feed.uri"))).unwrap();
    assert_eq!(generator.display_name, "Rockets");
    assert_eq!(block(alice.get_feed_generators(&[s(&net, "feed.uri").to_owned()])).unwrap().len(), 1);

    block(alice.get_preferences()).unwrap();
    assert_eq!(block(alice.resolve_handle("bob.test")).unwrap(), s(&net, "accounts.bob.did"));
    let (follows, _) = block(alice.get_follows("alice.test", 50, None)).unwrap();
    assert_eq!(follows.len(), 7);
}

#[test]
#[ignore = "needs the local Bluesky network: run `make test` or scripts/with-network.sh"]
fn public_reads_signed_out_and_calls_that_need_a_session() {
    let net = net();
    let appview = Client::new(UreqTransport::new(), s(&net, "appview")).unwrap();
    let feed = block(appview.feed_page(
        &FeedSource::Author {
            actor: "grace.test".into(),
            filter: AuthorFilter::PostsNoReplies,
            include_pins: false,
        },
        20,
        None,
    ))
    .unwrap();
    assert_eq!(feed.feed.len(), 12);
    let err = block(appview.get_timeline(10, None)).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::NotSignedIn);
    assert!(err.to_string().contains("sign in"));
}

#[test]
#[ignore = "needs the local Bluesky network: run `make test` or scripts/with-network.sh"]
fn bookmarks_round_trip() {
    let net = net();
    let bob = signed_in(&net, "bob");
    let timeline = block(bob.feed_page(
        &FeedSource::Author {
            actor: "carla.test".into(),
            filter: AuthorFilter::PostsNoReplies,
            include_pins: false,
        },
        1,
        None,
    ))
    .unwrap();
    let post = &timeline.feed[0].view.post;
    block(bob.create_bookmark(&post.uri, &post.cid)).unwrap();
    block(bob.create_bookmark(&post.uri, &post.cid)).unwrap(); // repeating is harmless
    let listed = || {
        block(bob.get_bookmarks(100, None))
            .unwrap()
            .bookmarks
            .iter()
            .filter_map(|b| b.item.uri().map(str::to_owned))
            .collect::<Vec<_>>()
    };
    let mut tries = 0;
    while !listed().contains(&post.uri) {
        tries += 1;
        assert!(tries < 100, "the bookmark never appeared");
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    let page = block(bob.get_bookmarks(100, None)).unwrap();
    let b = page.bookmarks.iter().find(|b| b.subject.uri == post.uri).unwrap();
    assert!(matches!(&b.item, MaybePost::Post(p) if p.cid == post.cid));
    block(bob.delete_bookmark(&post.uri)).unwrap();
    let mut tries = 0;
    while listed().contains(&post.uri) {
        tries += 1;
        assert!(tries < 100, "the bookmark was never removed");
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
}

#[test]
#[ignore = "needs the local Bluesky network: run `make test` or scripts/with-network.sh"]
fn get_blob_returns_the_original_bytes() {
    let net = net();
    let media = net["media"].as_array().unwrap();
    assert!(media.len() >= 3);
    let pds = Client::new(UreqTransport::new(), s(&net, "pds")).unwrap();
    for m in media {
        let bytes = block(pds.get_blob(s(m, "did"), s(m, "cid"))).unwrap();
        assert_eq!(bytes.len() as u64, m["size"].as_u64().unwrap());
        assert_eq!(format!("{:x}", Sha256::digest(&bytes)), s(m, "sha256"));
    }
    let err = block(
        pds.get_blob(s(&media[0], "did"), "bafkreiaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"),
    )
    .unwrap_err();
    assert!(matches!(err.kind(), ErrorKind::NotFound | ErrorKind::Other), "{err:?}");
}

#[test]
#[ignore = "needs the local Bluesky network: run `make test` or scripts/with-network.sh"]
fn an_expired_access_token_is_refreshed_and_a_signed_out_session_is_dead() {
    let net = net();
    let alice = signed_in(&net, "alice");
    let real = alice.session().unwrap();
    let expired = Session { access_jwt: s(&net, "expiredAccessJwt").into(), ..real.clone() };
    alice.set_session(Some(expired.clone()));
    let page = block(alice.get_timeline(5, None)).unwrap();
    assert_eq!(page.feed.len(), 5);
    let now = alice.session().unwrap();
    assert_ne!(now.access_jwt, expired.access_jwt, "the access token was refreshed");
    assert_ne!(now.refresh_jwt, real.refresh_jwt, "refresh tokens rotate");

    // Signing out ends the session on the server: its refresh token stops working.
    let dead = now.clone();
    block(alice.delete_session()).unwrap();
    assert!(alice.session().is_none());
    let zombie = Client::new(UreqTransport::new(), s(&net, "pds")).unwrap().with_session(dead);
    let err = block(zombie.refresh_session()).unwrap_err();
    assert!(
        matches!(
            err.kind(),
            ErrorKind::ExpiredToken
                | ErrorKind::InvalidToken
                | ErrorKind::AuthenticationRequired
                | ErrorKind::Other
        ),
        "{err:?}"
    );
}
