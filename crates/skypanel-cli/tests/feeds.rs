//! On-the-fly feeds, natively, against the real reference Bluesky network started by the
//! test harness (`$SKYPANEL_TEST_NETWORK`; the seed's `feeds` section describes what was
//! made for them). Every source kind, the viewer's moderation, errors at their field, and
//! paging; the expected posts are computed from raw API calls. (The same definitions run
//! natively and from the extension's worker are compared in tests/e2e/feeds-native.test.mjs.)
//! Ignored by a bare `cargo test`; `make test` runs them with `--include-ignored`.

use std::cell::RefCell;
use std::collections::{HashMap, HashSet};

use serde_json::{json, Value};
use skypanel_cli::http::UreqTransport;
use skypanel_core::feeds::computed::{self, Rate};
use skypanel_core::feeds::definition;
use skypanel_core::feeds::fetch::{run, FeedPage, Host};
use skypanel_core::feeds::limit::{PerHost, MAX_PER_HOST};
use skypanel_core::identity::{self, ServiceConfig};
use skypanel_core::xrpc::{AuthorFilter, Client, FeedSource};
use skypanel_core::Error;

fn net() -> Value {
    let path = std::env::var("SKYPANEL_TEST_NETWORK")
        .expect("SKYPANEL_TEST_NETWORK is not set: run through `make test` or scripts/with-network.sh");
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

fn s<'a>(v: &'a Value, path: &str) -> &'a str {
    path.split('.').fold(v, |v, k| &v[k]).as_str().unwrap_or_else(|| panic!("{path} missing"))
}

fn block<F: std::future::Future>(f: F) -> F::Output {
    pollster::block_on(f)
}

type Feeds = Client<PerHost<UreqTransport>>;

/// A client for `who` (a name in the seed's accounts), or signed out at the AppView.
fn client(net: &Value, who: Option<&str>) -> Feeds {
    let t = PerHost::new(UreqTransport::new(), MAX_PER_HOST);
    let Some(who) = who else { return Client::new(t, s(net, "appview")).unwrap() };
    let config = ServiceConfig {
        plc_url: s(net, "plc").into(),
        appview_url: s(net, "appview").into(),
        entryway_url: s(net, "pds").into(),
    };
    let handle = s(net, &format!("accounts.{who}.handle")).to_owned();
    let signed = block(identity::sign_in(t.inner(), &config, &handle, s(net, "password"), None)).unwrap();
    Client::new(t, &signed.service).unwrap().with_session(signed.session)
}

/// The library's saved posts (post views' text) and a cache, in memory.
#[derive(Default)]
struct TestHost {
    saved: Vec<String>,
    cache: RefCell<HashMap<String, String>>,
    progress: RefCell<Vec<(String, usize, usize)>>,
}

impl Host for TestHost {
    async fn saved_page(
        &self,
        cursor: Option<String>,
        limit: usize,
    ) -> Result<(Vec<String>, Option<String>), Error> {
        let from: usize = cursor.and_then(|c| c.parse().ok()).unwrap_or(0);
        let to = (from + limit).min(self.saved.len());
        Ok((self.saved[from..to].to_vec(), (to < self.saved.len()).then(|| to.to_string())))
    }
    async fn cache_get(&self, key: &str) -> Option<String> {
        self.cache.borrow().get(key).cloned()
    }
    async fn cache_put(&self, key: &str, value: &str) {
        self.cache.borrow_mut().insert(key.into(), value.into());
    }
    fn progress(&self, label: &str, done: usize, total: usize) {
        self.progress.borrow_mut().push((label.into(), done, total));
    }
}

fn feed(sources: Value, rest: Value) -> String {
    let mut def = json!({"format": "skypanel.feed", "version": 1, "name": "test", "sources": sources});
    if let Value::Object(extra) = rest {
        def.as_object_mut().unwrap().extend(extra);
    }
    def.to_string()
}

fn now() -> i64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_millis() as i64
}

fn page(
    c: &Feeds,
    host: &TestHost,
    text: &str,
    cursor: Option<&str>,
    limit: usize,
) -> Result<FeedPage, Error> {
    let (def, problems) = definition::parse(text).expect("a feed definition");
    block(run(c, host, &def, problems, cursor, limit, now()))
}

fn ok(c: &Feeds, host: &TestHost, text: &str, limit: usize) -> FeedPage {
    page(c, host, text, None, limit).unwrap_or_else(|e| panic!("{text}: {e}"))
}

fn uris(p: &FeedPage) -> Vec<String> {
    p.posts.iter().map(|c| c.view.post.uri.clone()).collect()
}

fn ids(p: &FeedPage) -> Vec<String> {
    p.posts.iter().map(|c| c.key.id.clone()).collect()
}

/// Every page of a feed through its cursor.
fn all_pages(c: &Feeds, host: &TestHost, text: &str, limit: usize) -> Vec<String> {
    let mut out = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let p = page(c, host, text, cursor.as_deref(), limit).unwrap();
        assert!(p.posts.len() <= limit);
        out.extend(ids(&p));
        match p.cursor {
            Some(next) => cursor = Some(next),
            None => return out,
        }
        assert!(out.len() < 2000, "the feed ends");
    }
}

/// A feed's raw items (ids as the merge names them: post uri, or `uri#repost:<did>`).
fn raw_ids(c: &Feeds, source: &FeedSource) -> Vec<String> {
    let (items, _) = block(c.collect_feed(source, 1000, None)).unwrap();
    items
        .iter()
        .map(|i| match i.view.reposted_by() {
            Some(by) => format!("{}#repost:{}", i.view.post.uri, by.did),
            None => i.view.post.uri.clone(),
        })
        .collect()
}

fn did(net: &Value, name: &str) -> String {
    s(net, &format!("accounts.{name}.did")).to_owned()
}

#[test]
#[ignore = "needs the local Bluesky network: run `make test` or scripts/with-network.sh"]
fn every_source_kind_gives_what_the_api_gives() {
    let net = net();
    let alice = client(&net, Some("alice"));
    let host = TestHost::default();

    // timeline: exactly the home timeline, repost items and all (dedupe off), in its order.
    let p = ok(&alice, &host, &feed(json!([{"kind": "timeline"}]), json!({"dedupe": false})), 100);
    assert_eq!(ids(&p), raw_ids(&alice, &FeedSource::Timeline));
    assert_eq!(p.steps[0].label, "timeline");
    assert_eq!(p.steps[0].output, p.posts.len());
    assert!(p.errors.is_empty(), "{:?}", p.errors);
    // …and with dedupe, one row per post: heidi's reposts of posts already there merge.
    let deduped = ok(&alice, &host, &feed(json!([{"kind": "timeline"}]), json!({})), 100);
    let unique: HashSet<String> = uris(&p).into_iter().collect();
    assert_eq!(deduped.posts.len(), unique.len());
    assert!(deduped.posts.len() < p.posts.len(), "the seeded timeline has reposts of posts in it");
    assert!(deduped.posts.iter().any(|c| c.reposted_by.contains(&"heidi.test".to_owned())));

    // author, replies and reposts switched off.
    let carla = ok(
        &alice,
        &host,
        &feed(json!([{"kind": "author", "actor": "carla.test", "replies": false}]), json!({})),
        50,
    );
    let author =
        |actor: &str, filter| FeedSource::Author { actor: actor.into(), filter, include_pins: false };
    assert_eq!(ids(&carla), raw_ids(&alice, &author("carla.test", AuthorFilter::PostsNoReplies)));
    assert!(carla.posts.iter().all(|c| c.view.reply.is_none()));
    let carla_all =
        ok(&alice, &host, &feed(json!([{"kind": "author", "actor": "carla.test"}]), json!({})), 50);
    assert!(carla_all.posts.iter().any(|c| c.view.reply.is_some()), "replies come by default");
    let heidi = ok(
        &alice,
        &host,
        &feed(json!([{"kind": "author", "actor": "heidi.test", "reposts": false}]), json!({})),
        50,
    );
    assert!(heidi.posts.iter().all(|c| c.view.reposted_by().is_none()));
    let heidi_all =
        ok(&alice, &host, &feed(json!([{"kind": "author", "actor": "heidi.test"}]), json!({})), 50);
    assert_eq!(heidi_all.posts.iter().filter(|c| !c.reposted_by.is_empty()).count(), 8, "heidi's 8 reposts");

    // list: the list's feed; listMembers: each member's own posts.
    let list = ok(
        &alice,
        &host,
        &feed(json!([{"kind": "list", "uri": s(&net, "list.uri")}]), json!({"dedupe": false})),
        100,
    );
    assert_eq!(ids(&list), raw_ids(&alice, &FeedSource::List { uri: s(&net, "list.uri").into() }));
    assert!(!list.posts.is_empty());
    let members = ok(
        &alice,
        &host,
        &feed(json!([{"kind": "listMembers", "uri": s(&net, "list.uri")}]), json!({})),
        100,
    );
    let mut expected: Vec<String> = raw_ids(&alice, &author("bob.test", AuthorFilter::PostsNoReplies));
    expected.extend(raw_ids(&alice, &author("grace.test", AuthorFilter::PostsNoReplies)));
    let mut got = ids(&members);
    expected.sort();
    got.sort();
    assert_eq!(got, expected, "bob's and grace's posts, merged");
    assert!(members.posts.windows(2).all(|w| w[0].key >= w[1].key), "newest first");

    // feed: by at-uri and by bsky.app URL with a handle, the generator's order.
    let rockets: Vec<String> =
        net["feed"]["posts"].as_array().unwrap().iter().map(|v| v.as_str().unwrap().to_owned()).collect();
    let by_uri =
        ok(&alice, &host, &feed(json!([{"kind": "feed", "uri": s(&net, "feed.uri")}]), json!({})), 50);
    assert_eq!(uris(&by_uri), rockets);
    let url = "https://bsky.app/profile/dan.test/feed/rockets";
    let by_url = ok(&alice, &host, &feed(json!([{"kind": "feed", "uri": url}]), json!({})), 50);
    assert_eq!(uris(&by_url), rockets);
    // Signed out too: custom feeds are public.
    let public = ok(&client(&net, None), &host, &feed(json!([{"kind": "feed", "uri": url}]), json!({})), 50);
    assert_eq!(uris(&public), rockets);

    // search: the AppView's answer, each post as sent.
    let guten = ok(&alice, &host, &feed(json!([{"kind": "search", "q": "Guten"}]), json!({})), 10);
    assert_eq!(uris(&guten), vec![s(&net, "feeds.posts.de").to_owned()]);
    assert!(
        guten.posts[0].raw.get().starts_with("{\"post\":{"),
        "a bare post view is wrapped as a feed item"
    );

    // saved: the host's library, in its order (newest saved first).
    let saved =
        block(alice.get_posts_raw(&[s(&net, "feeds.posts.en").into(), s(&net, "feeds.posts.ja").into()]))
            .unwrap();
    let library =
        TestHost { saved: saved.iter().map(|r| r.get().to_owned()).collect(), ..Default::default() };
    let from_library = ok(&alice, &library, &feed(json!([{"kind": "saved"}]), json!({})), 10);
    assert_eq!(
        uris(&from_library),
        vec![s(&net, "feeds.posts.en").to_owned(), s(&net, "feeds.posts.ja").to_owned()]
    );
}

#[test]
#[ignore = "needs the local Bluesky network: run `make test` or scripts/with-network.sh"]
fn mutuals_and_quiet_posters_are_computed_from_follows_and_real_times() {
    let net = net();
    let alice = client(&net, Some("alice"));
    let vera = client(&net, Some("vera"));
    let host = TestHost::default();

    let mutual_dids = block(computed::mutuals(&alice, &host, &did(&net, "alice"), now())).unwrap();
    let mut expected = vec![did(&net, "eve"), did(&net, "frank")];
    let mut got = mutual_dids.clone();
    expected.sort();
    got.sort();
    assert_eq!(got, expected, "eve and frank follow alice back");
    assert!(
        host.progress.borrow().iter().any(|(l, d, t)| l == "mutuals" && d == t && *t == 7),
        "progress over 7 follows"
    );

    // The mutuals feed: alice's timeline items owned by eve or frank, nothing else.
    let mutuals = ok(&alice, &host, &feed(json!([{"kind": "mutuals"}]), json!({"dedupe": false})), 100);
    let timeline = ok(&alice, &host, &feed(json!([{"kind": "timeline"}]), json!({"dedupe": false})), 100);
    let theirs: Vec<String> = timeline
        .posts
        .iter()
        .filter(|c| mutual_dids.contains(&c.view.owner().did))
        .map(|c| c.key.id.clone())
        .collect();
    assert!(!theirs.is_empty());
    assert_eq!(ids(&mutuals), theirs);

    // Quiet posters among vera's follows: quinn (2 posts in 30 days) is quiet, basil (110
    // posts, 5 hours apart: a first page of 100 all inside the window) is not.
    let v = did(&net, "vera");
    let q = block(computed::quiet(&vera, &host, &v, 30, 0.5, now())).unwrap();
    assert_eq!(q.dids, vec![did(&net, "quinn")]);
    let basil = block(computed::measure(&vera, &did(&net, "basil"), 30, 0.5, now())).unwrap();
    assert!(matches!(basil.rate, Rate::AtLeast(r) if r >= 100.0 / 30.0), "{:?}", basil.rate);
    let quinn = block(computed::measure(&vera, &did(&net, "quinn"), 30, 0.5, now())).unwrap();
    assert_eq!(quinn.rate, Rate::Measured(2.0 / 30.0), "the post 40 days ago is outside the window");
    // With a shorter window, quinn has no post in it and is still quiet; basil never is.
    let q7 = block(computed::quiet(&vera, &host, &v, 7, 0.5, now())).unwrap();
    assert_eq!(q7.dids, vec![did(&net, "quinn")]);
    // A generous limit: basil posts ~4.8 a day over 30 days, under 10 a day.
    let generous = block(computed::measure(&vera, &did(&net, "basil"), 30, 10.0, now())).unwrap();
    assert!(
        matches!(generous.rate, Rate::Measured(r) if (r - 110.0 / 30.0).abs() < 1e-9),
        "{:?}",
        generous.rate
    );

    let quiet_feed = ok(&vera, &host, &feed(json!([{"kind": "quiet"}]), json!({})), 50);
    let mut expected: Vec<String> = net["feeds"]["quiet"]["posts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap().into())
        .collect();
    expected.push(s(&net, "feeds.quiet.older").into());
    assert_eq!(uris(&quiet_feed), expected, "quinn's posts, newest first; none of basil's");
    // From the cache the second time: the same answer without reading the follows again.
    let cached = std::time::Instant::now();
    let again = ok(&vera, &host, &feed(json!([{"kind": "quiet"}]), json!({})), 50);
    assert_eq!(uris(&again), expected);
    assert!(cached.elapsed().as_secs_f64() < 1.0, "quiet posters from the cache within 1 s");
    let vera_mutuals = ok(&vera, &host, &feed(json!([{"kind": "mutuals"}]), json!({})), 50);
    assert!(!vera_mutuals.posts.is_empty());
    assert!(vera_mutuals.posts.iter().all(|c| c.view.owner().handle == "quinn.test"));
}

#[test]
#[ignore = "needs the local Bluesky network: run `make test` or scripts/with-network.sh"]
fn the_viewers_moderation_applies_muted_words_accounts_and_labels() {
    let net = net();
    let alice = client(&net, Some("alice"));
    let host = TestHost::default();
    let post = |k: &str| s(&net, &format!("feeds.posts.{k}")).to_owned();

    // nora's posts, then with alice's muted words: "balloon" (content), #spoilers (tag),
    // "launch" (muted for people alice does not follow, nora included); "coffee" expired.
    let nora = feed(json!([{"kind": "author", "actor": "nora.test"}]), json!({}));
    let plain = ok(&alice, &host, &nora, 50);
    let labelled = post("labelled");
    assert!(!uris(&plain).contains(&labelled), "graphic media is hidden: adult content is off");
    let moderation = plain.steps.iter().find(|s| s.label == "moderation").unwrap();
    assert_eq!((moderation.input, moderation.output), (8, 7));
    for k in ["balloon", "launch", "spoilers", "coffee", "de", "ja", "en"] {
        assert!(uris(&plain).contains(&post(k)), "{k} is there without the muted-words filter");
    }
    let muted = ok(
        &alice,
        &host,
        &feed(
            json!([{"kind": "author", "actor": "nora.test"}]),
            json!({"filters": [{"kind": "mutedWords"}]}),
        ),
        50,
    );
    let got: HashSet<String> = uris(&muted).into_iter().collect();
    let expected: HashSet<String> = ["coffee", "de", "ja", "en"].iter().map(|k| post(k)).collect();
    assert_eq!(got, expected);
    let step = muted.steps.iter().find(|s| s.label == "muted words").unwrap();
    assert_eq!((step.input, step.output), (7, 4));
    // "launch" is muted only for people alice does not follow: dan's launch post stays.
    let dan = ok(
        &alice,
        &host,
        &feed(json!([{"kind": "author", "actor": "dan.test"}]), json!({"filters": [{"kind": "mutedWords"}]})),
        50,
    );
    assert!(dan.posts.iter().any(|c| c.view.post.text().starts_with("Launch window")));

    // Languages.
    let de = ok(
        &alice,
        &host,
        &feed(
            json!([{"kind": "author", "actor": "nora.test"}]),
            json!({"filters": [{"kind": "lang", "in": ["de"]}]}),
        ),
        50,
    );
    assert_eq!(uris(&de), vec![post("de")]);

    // The muted account's posts never show; the blocked account's feed is refused at its field.
    let watch = feed(
        json!([{"kind": "list", "uri": s(&net, "feeds.watchList.uri")}, {"kind": "author", "actor": "mutey.test"}]),
        json!({}),
    );
    let list = ok(&alice, &host, &watch, 50);
    let shown: HashSet<String> = list.posts.iter().map(|c| c.view.post.author.handle.clone()).collect();
    assert_eq!(shown, HashSet::from(["nora.test".to_owned()]), "only nora from the Watch list");
    assert!(list.steps.iter().any(|s| s.label == "moderation" && s.output < s.input), "{:?}", list.steps);
    let blocked = ok(
        &alice,
        &host,
        &feed(
            json!([{"kind": "author", "actor": "mutey.test"}, {"kind": "author", "actor": "blocky.test"}]),
            json!({}),
        ),
        50,
    );
    assert!(blocked.posts.is_empty());
    assert_eq!(blocked.errors.len(), 1, "{:?}", blocked.errors);
    assert_eq!(
        (blocked.errors[0].path.as_str(), blocked.errors[0].name.as_str()),
        ("sources[1]", "BlockedActor")
    );
    assert!(blocked.errors[0].message.contains("you block this account"), "{}", blocked.errors[0].message);
}

#[test]
#[ignore = "needs the local Bluesky network: run `make test` or scripts/with-network.sh"]
fn failing_sources_are_reported_at_their_field_and_the_rest_still_runs() {
    let net = net();
    let alice = client(&net, Some("alice"));
    let host = TestHost::default();
    let unknown_feed = format!("at://{}/app.bsky.feed.generator/no-such-feed", did(&net, "dan"));
    let text = feed(
        json!([
            {"kind": "list", "uri": s(&net, "feeds.deletedList")},
            {"kind": "feed", "uri": unknown_feed},
            {"kind": "author", "actor": "nobody-here.test"},
            {"kind": "listMembers", "uri": s(&net, "feeds.deletedList")},
            {"kind": "author", "actor": "carla.test"},
            {"kind": "feed", "uri": "https://bsky.app/profile/nobody-here.test/feed/x"},
            {"kind": "regexless"}
        ]),
        json!({"filters": [{"kind": "text", "regex": "("}]}),
    );
    let p = ok(&alice, &host, &text, 30);
    let at: Vec<(&str, &str)> = p.errors.iter().map(|e| (e.path.as_str(), e.name.as_str())).collect();
    for expected in [
        ("sources[0].uri", "UnknownList"),
        ("sources[1].uri", "UnknownFeed"),
        ("sources[2].actor", "UnknownAccount"),
        ("sources[3].uri", "UnknownList"),
        ("sources[5].uri", "UnknownFeed"),
        ("sources[6].kind", "InvalidInput"),
        ("filters[0].regex", "InvalidInput"),
    ] {
        assert!(at.contains(&expected), "{expected:?} in {at:?}");
    }
    assert!(p.errors.iter().find(|e| e.path == "sources[0].uri").unwrap().message.contains("does not exist"));
    assert!(
        !p.posts.is_empty() && p.posts.iter().all(|c| c.view.post.author.handle == "carla.test"),
        "carla still runs"
    );

    // Signed out: public sources run, the others say to sign in at their field.
    let out = client(&net, None);
    let text = feed(
        json!([{"kind": "timeline"}, {"kind": "search", "q": "Guten"}, {"kind": "author", "actor": "carla.test"}, {"kind": "mutuals"}]),
        json!({}),
    );
    let p = ok(&out, &host, &text, 30);
    let at: Vec<(&str, &str)> = p.errors.iter().map(|e| (e.path.as_str(), e.name.as_str())).collect();
    assert_eq!(
        at,
        vec![("sources[0]", "NotSignedIn"), ("sources[1]", "NotSignedIn"), ("sources[3]", "NotSignedIn")]
    );
    assert!(p.errors.iter().all(|e| e.message.contains("sign in")));
    assert!(!p.posts.is_empty());
    // Every source failing fails the run.
    let err = page(&out, &host, &feed(json!([{"kind": "timeline"}]), json!({})), None, 30).unwrap_err();
    assert_eq!(err.kind(), skypanel_core::ErrorKind::NotSignedIn);
}

#[test]
#[ignore = "needs the local Bluesky network: run `make test` or scripts/with-network.sh"]
fn pages_through_many_sources_give_the_whole_feed_once() {
    let net = net();
    let alice = client(&net, Some("alice"));
    let host = TestHost::default();
    let text = feed(
        json!([
            {"kind": "timeline"},
            {"kind": "list", "uri": s(&net, "feeds.watchList.uri")},
            {"kind": "feed", "uri": s(&net, "feed.uri")},
            {"kind": "author", "actor": "ivan.test"}
        ]),
        json!({}),
    );
    let whole = ok(&alice, &host, &text, 100);
    assert!(whole.cursor.is_none(), "everything fits one page of 100");
    assert!(whole.steps.iter().take(4).all(|s| s.output > 0), "{:?}", whole.steps);
    for limit in [1, 4, 7] {
        let paged = all_pages(&alice, &host, &text, limit);
        assert_eq!(paged, ids(&whole), "pages of {limit}");
    }
}
