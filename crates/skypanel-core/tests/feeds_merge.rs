//! Paging many sources as one feed (feeds::merge), checked against a reference merge of
//! in-memory sources, and the per-host limit of requests in flight (feeds::limit).

use std::cell::{Cell, RefCell};
use std::collections::{HashMap, HashSet};
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use proptest::prelude::*;
use skypanel_core::feeds::limit::{join_all, PerHost, MAX_PER_HOST};
use skypanel_core::feeds::merge::{fill, Fetched, Merger, Page, StreamSpec};
use skypanel_core::feeds::{Candidate, SortKey};
use skypanel_core::library::time::format_rfc3339;
use skypanel_core::model::TimelinePage;
use skypanel_core::xrpc::{Client, HttpRequest, HttpResponse, Transport, TransportError};
use skypanel_core::ErrorKind;

const BASE_MS: i64 = 1_760_000_000_000;
const FP: u64 = 0x5eed;

/// One item of a fake source: post number `post` (its time comes from the post table), or
/// a repost of it by reposter `r` at its own time.
#[derive(Debug, Clone)]
struct Item {
    post: usize,
    repost: Option<(u8, i64)>,
}

fn post_uri(n: usize) -> String {
    format!("at://did:plc:author{}/app.bsky.feed.post/p{n}", n % 4)
}

fn item_json(item: &Item, post_times: &[i64]) -> String {
    let t = format_rfc3339(BASE_MS + post_times[item.post] * 1000);
    let author = item.post % 4;
    let post = format!(
        r#"{{"uri":"{}","cid":"bafy{}","author":{{"did":"did:plc:author{author}","handle":"a{author}.test"}},"record":{{"$type":"app.bsky.feed.post","text":"post {}","createdAt":"{t}"}},"indexedAt":"{t}"}}"#,
        post_uri(item.post),
        item.post,
        item.post
    );
    match item.repost {
        None => format!(r#"{{"post":{post}}}"#),
        Some((r, at)) => format!(
            r#"{{"post":{post},"reason":{{"$type":"app.bsky.feed.defs#reasonRepost","by":{{"did":"did:plc:rp{r}","handle":"rp{r}.test"}},"indexedAt":"{}"}}}}"#,
            format_rfc3339(BASE_MS + at * 1000)
        ),
    }
}

fn item_time(item: &Item, post_times: &[i64]) -> i64 {
    BASE_MS + 1000 * item.repost.map_or(post_times[item.post], |(_, at)| at)
}

fn item_id(item: &Item) -> String {
    match item.repost {
        None => post_uri(item.post),
        Some((r, _)) => format!("{}#repost:did:plc:rp{r}", post_uri(item.post)),
    }
}

/// A fake source: its items in the order it serves them, paged by `page` with offsets as
/// cursors.
#[derive(Debug, Clone)]
struct Source {
    items: Vec<Item>,
    page: usize,
}

impl Source {
    fn fetch(&self, cursor: Option<&str>, post_times: &[i64]) -> Fetched {
        let from: usize = cursor.map_or(0, |c| c.parse().unwrap());
        let to = (from + self.page).min(self.items.len());
        let feed: Vec<String> = self.items[from..to].iter().map(|i| item_json(i, post_times)).collect();
        let page = TimelinePage::from_json(&format!(r#"{{"feed":[{}]}}"#, feed.join(","))).unwrap();
        let next = (to < self.items.len()).then(|| to.to_string());
        Ok(Page::new(page.feed, next))
    }
}

/// The whole feed computed directly: every item keyed by the documented clamp rule, merged
/// newest first (ties: the earlier source first), filtered, one row per post.
fn reference(
    sources: &[Source],
    post_times: &[i64],
    keep: &dyn Fn(&str) -> bool,
    dedupe: bool,
) -> Vec<String> {
    let mut all: Vec<(SortKey, usize)> = Vec::new();
    for (s, source) in sources.iter().enumerate() {
        let mut clamp: Option<i64> = None;
        for item in &source.items {
            let own = item_time(item, post_times);
            let t = clamp.map_or(own, |c| own.min(c - 1));
            clamp = Some(t);
            all.push((SortKey { time_ms: t, id: item_id(item) }, s));
        }
    }
    all.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    let mut seen = HashSet::new();
    let mut out = Vec::new();
    for (key, _) in all {
        let uri = key.id.split('#').next().unwrap().to_owned();
        if keep(&key.id) && (!dedupe || seen.insert(uri)) {
            out.push(key.id);
        }
    }
    out
}

fn post_of(c: &Candidate) -> String {
    c.view.post.uri.clone()
}

/// The test's stand-in for the engine: a filter, then one row per post across pages.
fn kept<'a>(
    cands: &'a [Candidate],
    seen: &HashSet<String>,
    keep: &dyn Fn(&str) -> bool,
    dedupe: bool,
) -> Vec<&'a Candidate> {
    let mut seen = seen.clone();
    cands.iter().filter(|c| keep(&c.key.id) && (!dedupe || seen.insert(post_of(c)))).collect()
}

struct Run {
    pages: Vec<Vec<Candidate>>,
}

/// Pages through the whole feed, going through the cursor's text between pages.
fn run_all(
    sources: &[Source],
    post_times: &[i64],
    limit: usize,
    budget: usize,
    keep: &dyn Fn(&str) -> bool,
    dedupe: bool,
) -> Run {
    let specs: Vec<StreamSpec> =
        (0..sources.len()).map(|i| StreamSpec { source: i as u16, sub: None }).collect();
    let mut cursor: Option<String> = None;
    let mut pages = Vec::new();
    for _ in 0..2000 {
        let (mut merger, mut seen): (Merger, HashSet<String>) = match &cursor {
            None => (Merger::new(specs.clone()), HashSet::new()),
            Some(c) => Merger::from_cursor(c, FP).expect("our own cursor reads back"),
        };
        let stream_sources: Vec<u16> = merger.specs().iter().map(|s| s.source).collect();
        let filled = pollster::block_on(fill(
            &mut merger,
            limit,
            budget,
            |i, c| {
                let result = sources[stream_sources[i] as usize].fetch(c.as_deref(), post_times);
                async move { result }
            },
            |ready| kept(&ready, &seen, keep, dedupe).into_iter().map(|c| c.key.clone()).collect(),
        ));
        assert!(filled.failures.is_empty());
        let page: Vec<Candidate> = kept(&filled.taken, &seen, keep, dedupe).into_iter().cloned().collect();
        // At most `limit` posts, but for the very same item brought by several sources at
        // the cut (without dedupe each is a row, and they cannot be split across pages).
        assert!(
            page.len() <= limit || page[limit - 1..].iter().all(|c| c.key == page[limit - 1].key),
            "a page holds at most `limit` posts"
        );
        seen.extend(page.iter().map(post_of));
        pages.push(page);
        cursor = merger.cursor(FP, &seen).unwrap();
        if cursor.is_none() {
            return Run { pages };
        }
    }
    panic!("the feed never ended");
}

fn sources_strategy(ordered: bool) -> impl Strategy<Value = (Vec<i64>, Vec<Source>)> {
    let times = proptest::collection::vec(0i64..400, 30);
    let sources = proptest::collection::vec(
        (
            proptest::collection::vec(
                (0usize..30, proptest::option::weighted(0.2, (0u8..3, 0i64..400))),
                0..25,
            ),
            1usize..8,
        ),
        1..6,
    );
    (times, sources).prop_map(move |(times, raw)| {
        let sources = raw
            .into_iter()
            .map(|(items, page)| {
                let mut items: Vec<Item> =
                    items.into_iter().map(|(post, repost)| Item { post, repost }).collect();
                if ordered {
                    // A time-ordered source: newest first, no item twice.
                    let mut seen = HashSet::new();
                    items.retain(|i| seen.insert(item_id(i)));
                    items.sort_by_key(|i| std::cmp::Reverse(item_time(i, &times)));
                }
                Source { items, page }
            })
            .collect();
        (times, sources)
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    /// Time-ordered sources: the pages, concatenated, are exactly the merged feed — every
    /// post once, newest first, nothing lost, no page repeating another.
    #[test]
    fn pages_of_time_ordered_sources_are_the_merged_feed(
        (times, sources) in sources_strategy(true), limit in 1usize..8, budget in 1usize..6, drop_every in 0usize..4,
    ) {
        let keep = move |id: &str| drop_every == 0 || id.len() % (drop_every + 1) != 0;
        // Without dedupe first: the merge alone shows every item of every source exactly once.
        let plain = run_all(&sources, &times, limit, budget, &keep, false);
        let got: Vec<String> = plain.pages.iter().flatten().map(|c| c.key.id.clone()).collect();
        prop_assert_eq!(&got, &reference(&sources, &times, &keep, false));
        let run = run_all(&sources, &times, limit, budget, &keep, true);
        let got: Vec<String> = run.pages.iter().flatten().map(|c| c.key.id.clone()).collect();
        prop_assert_eq!(&got, &reference(&sources, &times, &keep, true));
        let posts: Vec<String> = run.pages.iter().flatten().map(post_of).collect();
        prop_assert_eq!(posts.iter().collect::<HashSet<_>>().len(), posts.len(), "every post at most once");
        let keys: Vec<&SortKey> = run.pages.iter().flatten().map(|c| &c.key).collect();
        prop_assert!(keys.windows(2).all(|w| w[0] >= w[1]), "newest first across pages");
        for pair in run.pages.windows(2) {
            let before: HashSet<String> = pair[0].iter().map(post_of).collect();
            prop_assert!(pair[1].iter().all(|c| !before.contains(&post_of(c))), "page N+1 repeats page N");
        }
    }

    /// Sources in any order (ranked feeds, search by top): still every post once and nothing
    /// lost; each source's own order is kept.
    #[test]
    fn pages_of_ranked_sources_lose_nothing_and_repeat_nothing(
        (times, sources) in sources_strategy(false), limit in 1usize..8, budget in 1usize..6,
    ) {
        let keep = |_: &str| true;
        let plain = run_all(&sources, &times, limit, budget, &keep, false);
        let got: Vec<String> = plain.pages.iter().flatten().map(|c| c.key.id.clone()).collect();
        prop_assert_eq!(&got, &reference(&sources, &times, &keep, false));
        let run = run_all(&sources, &times, limit, budget, &keep, true);
        let got: Vec<String> = run.pages.iter().flatten().map(|c| c.key.id.clone()).collect();
        prop_assert_eq!(&got, &reference(&sources, &times, &keep, true));
        let all_posts: HashSet<String> = sources.iter().flat_map(|s| s.items.iter().map(|i| post_uri(i.post))).collect();
        let posts: Vec<String> = run.pages.iter().flatten().map(post_of).collect();
        prop_assert_eq!(posts.len(), all_posts.len(), "every post exactly once");
        for (s, source) in sources.iter().enumerate() {
            // The rows this source brought keep this source's order.
            let order: HashMap<String, usize> = run
                .pages
                .iter()
                .flatten()
                .enumerate()
                .filter(|(_, c)| c.sources == [s as u16])
                .map(|(i, c)| (c.key.id.clone(), i))
                .collect();
            let mut once = HashSet::new();
            let mine: Vec<usize> = source
                .items
                .iter()
                .filter(|i| once.insert(item_id(i)))
                .filter_map(|i| order.get(&item_id(i)).copied())
                .collect();
            prop_assert!(mine.windows(2).all(|w| w[0] < w[1]), "a source's order holds");
        }
    }
}

fn empty_merger() -> Merger {
    Merger::new(vec![
        StreamSpec { source: 0, sub: None },
        StreamSpec { source: 1, sub: Some("did:plc:x".into()) },
    ])
}

#[test]
fn a_damaged_or_foreign_cursor_says_start_again() {
    let mut m = empty_merger();
    let sources = [Source { items: (0..10).map(|p| Item { post: p, repost: None }).collect(), page: 3 }];
    let times: Vec<i64> = (0..30).rev().collect();
    let filled = pollster::block_on(fill(
        &mut m,
        2,
        5,
        |_, c| {
            let r = sources[0].fetch(c.as_deref(), &times);
            async move { r }
        },
        |ready| ready.iter().map(|c| c.key.clone()).collect(),
    ));
    assert_eq!(filled.taken.len(), 2);
    let cursor = m.cursor(FP, &Vec::<String>::new()).unwrap().expect("more to come");
    assert!(cursor.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'), "{cursor}");
    let (back, _): (Merger, Vec<String>) = Merger::from_cursor(&cursor, FP).unwrap();
    assert_eq!(back.specs(), m.specs(), "the streams (and the account of a per-account stream) come back");
    assert_eq!(back.watermark(), m.watermark());

    for bad in ["", "not a cursor!", "eyJ2Ijo5fQ", &cursor[..cursor.len() / 2]] {
        let err = Merger::from_cursor::<Vec<String>>(bad, FP).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::InvalidInput, "{bad}");
        assert!(err.to_string().contains("start the feed again"), "{err}");
    }
    let foreign = Merger::from_cursor::<Vec<String>>(&cursor, FP + 1).unwrap_err();
    assert!(foreign.to_string().contains("another feed"), "{foreign}");
}

#[test]
fn a_failing_stream_does_not_hold_up_the_others_and_is_tried_again_next_page() {
    let mut m = empty_merger();
    let good = Source { items: (0..6).map(|p| Item { post: p, repost: None }).collect(), page: 10 };
    let times: Vec<i64> = (0..30).rev().collect();
    let filled = pollster::block_on(fill(
        &mut m,
        10,
        5,
        |i, c| {
            let r = if i == 0 {
                good.fetch(c.as_deref(), &times)
            } else {
                Err(skypanel_core::Error::Timeout { url: "x".into(), after_ms: 1 })
            };
            async move { r }
        },
        |ready| ready.iter().map(|c| c.key.clone()).collect(),
    ));
    assert_eq!(filled.taken.len(), 6, "the good stream's posts are shown");
    assert_eq!(filled.failures.len(), 1);
    assert_eq!(filled.failures[0].0, 1);
    let cursor = m.cursor(FP, &()).unwrap().expect("the failed stream is tried again");
    let (mut again, ()): (Merger, ()) = Merger::from_cursor(&cursor, FP).unwrap();
    assert_eq!(
        again.specs(),
        vec![StreamSpec { source: 1, sub: Some("did:plc:x".into()) }],
        "the stream read to its end is left out of the cursor"
    );
    let asked = RefCell::new(Vec::new());
    pollster::block_on(fill(
        &mut again,
        10,
        5,
        |i, _| {
            asked.borrow_mut().push(i);
            async move { Ok(Page::new(Vec::new(), None)) }
        },
        |ready| ready.iter().map(|c| c.key.clone()).collect(),
    ));
    assert_eq!(*asked.borrow(), vec![0], "only the failed stream is fetched again");
    assert_eq!(again.cursor(FP, &()).unwrap(), None, "then the feed is at its end");
}

/// Answers every request after yielding a few times, counting requests in flight.
struct Slow {
    in_flight: Cell<usize>,
    peak: Cell<usize>,
    sent: Cell<usize>,
}

struct YieldTimes(u8);
impl Future for YieldTimes {
    type Output = ();
    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        if self.0 == 0 {
            return Poll::Ready(());
        }
        self.0 -= 1;
        cx.waker().wake_by_ref();
        Poll::Pending
    }
}

impl Transport for Slow {
    async fn send(&self, request: HttpRequest) -> Result<HttpResponse, TransportError> {
        self.in_flight.set(self.in_flight.get() + 1);
        self.peak.set(self.peak.get().max(self.in_flight.get()));
        self.sent.set(self.sent.get() + 1);
        YieldTimes(5).await;
        self.in_flight.set(self.in_flight.get() - 1);
        assert!(request.url.contains("getAuthorFeed"));
        Ok(HttpResponse { status: 200, headers: vec![], body: br#"{"feed":[]}"#.to_vec() })
    }
    async fn sleep(&self, _ms: u64) {}
    fn now_ms(&self) -> u64 {
        0
    }
}

#[test]
fn never_more_than_six_requests_in_flight_per_host_while_twenty_fetch() {
    let slow = Slow { in_flight: Cell::new(0), peak: Cell::new(0), sent: Cell::new(0) };
    let limited = PerHost::new(&slow, MAX_PER_HOST);
    let client = Client::new(&limited, "http://localhost:2584").unwrap();
    let source = |i: usize| skypanel_core::xrpc::FeedSource::Author {
        actor: format!("user{i}.test"),
        filter: Default::default(),
        include_pins: false,
    };
    let sources: Vec<_> = (0..20).map(source).collect();
    let pages = pollster::block_on(join_all(sources.iter().map(|s| client.feed_page(s, 30, None)).collect()));
    assert_eq!(pages.len(), 20);
    assert!(pages.iter().all(Result::is_ok));
    assert_eq!(slow.sent.get(), 20);
    assert_eq!(slow.peak.get(), MAX_PER_HOST, "six at once, not fewer (parallel) and not more");
    assert_eq!(limited.peak("localhost:2584"), MAX_PER_HOST);
    assert_eq!(slow.in_flight.get(), 0);
}

// ---- The runner (feeds::fetch::run) against a scripted AppView ----

use skypanel_core::feeds::definition;
use skypanel_core::feeds::fetch::{run, FeedPage, Host};
use skypanel_core::xrpc::Session;

/// A small AppView in memory: `posts[u]` are account `user<u>.test`'s posts (one a minute,
/// newest first), served by getAuthorFeed in pages with offsets as cursors; unknown
/// accounts get the AppView's 400 "Profile not found", and every list its "List not found".
/// Counts requests in flight.
struct FakeAppView {
    posts_per_user: usize,
    users: usize,
    in_flight: Cell<usize>,
    peak: Cell<usize>,
    requests: RefCell<Vec<String>>,
    /// Answers getPreferences with ExpiredToken (the access token ran out).
    expire_preferences: Cell<bool>,
}

impl FakeAppView {
    fn new(users: usize, posts_per_user: usize) -> Self {
        FakeAppView {
            posts_per_user,
            users,
            in_flight: Cell::new(0),
            peak: Cell::new(0),
            requests: RefCell::default(),
            expire_preferences: Cell::new(false),
        }
    }

    fn author_page(&self, url: &str) -> (u16, String) {
        let param = |name: &str| {
            url.split(['?', '&']).find_map(|kv| kv.strip_prefix(&format!("{name}="))).map(str::to_owned)
        };
        let actor = param("actor").unwrap_or_default();
        let limit: usize = param("limit").and_then(|l| l.parse().ok()).unwrap_or(50);
        let from: usize = param("cursor").and_then(|c| c.parse().ok()).unwrap_or(0);
        let Some(u) = actor
            .strip_prefix("user")
            .and_then(|a| a.strip_suffix(".test"))
            .and_then(|n| n.parse::<usize>().ok())
        else {
            return (400, r#"{"error":"InvalidRequest","message":"Profile not found"}"#.into());
        };
        if u >= self.users {
            return (400, r#"{"error":"InvalidRequest","message":"Profile not found"}"#.into());
        }
        let to = (from + limit).min(self.posts_per_user);
        let items: Vec<String> = (from..to)
            .map(|k| {
                // Interleaved times across users: post k of user u at minute -(k * users + u).
                let t = format_rfc3339(BASE_MS - 60_000 * (k * self.users + u) as i64);
                format!(
                    r#"{{"post":{{"uri":"at://did:plc:user{u}/app.bsky.feed.post/k{k}","cid":"c","author":{{"did":"did:plc:user{u}","handle":"user{u}.test"}},"record":{{"$type":"app.bsky.feed.post","text":"post {k} of {u}","createdAt":"{t}"}},"indexedAt":"{t}","likeCount":{k}}}}}"#
                )
            })
            .collect();
        let cursor = if to < self.posts_per_user { format!(r#","cursor":"{to}""#) } else { String::new() };
        (200, format!(r#"{{"feed":[{}]{cursor}}}"#, items.join(",")))
    }
}

impl Transport for FakeAppView {
    async fn send(&self, request: HttpRequest) -> Result<HttpResponse, TransportError> {
        self.in_flight.set(self.in_flight.get() + 1);
        self.peak.set(self.peak.get().max(self.in_flight.get()));
        self.requests.borrow_mut().push(request.url.clone());
        YieldTimes(3).await;
        self.in_flight.set(self.in_flight.get() - 1);
        let (status, body) = if request.url.contains("getAuthorFeed") {
            self.author_page(&request.url)
        } else if request.url.contains("getList") {
            // No lists here: every one was deleted.
            (400, r#"{"error":"InvalidRequest","message":"List not found"}"#.into())
        } else if request.url.contains("getPreferences") && self.expire_preferences.get() {
            (400, r#"{"error":"ExpiredToken","message":"Token has expired"}"#.into())
        } else if request.url.contains("getPreferences") {
            (200, r#"{"preferences":[]}"#.into())
        } else {
            (501, r#"{"error":"MethodNotImplemented"}"#.into())
        };
        Ok(HttpResponse { status, headers: vec![], body: body.into_bytes() })
    }
    async fn sleep(&self, _ms: u64) {}
    fn now_ms(&self) -> u64 {
        BASE_MS as u64
    }
}

/// A host with an in-memory cache and no library.
#[derive(Default)]
struct MemoryHost {
    cache: RefCell<HashMap<String, String>>,
}

impl Host for MemoryHost {
    async fn saved_page(
        &self,
        _cursor: Option<String>,
        _limit: usize,
    ) -> Result<(Vec<String>, Option<String>), skypanel_core::Error> {
        Ok((Vec::new(), None))
    }
    async fn cache_get(&self, key: &str) -> Option<String> {
        self.cache.borrow().get(key).cloned()
    }
    async fn cache_put(&self, key: &str, value: &str) {
        self.cache.borrow_mut().insert(key.into(), value.into());
    }
    fn progress(&self, _label: &str, _done: usize, _total: usize) {}
}

fn authors_definition(actors: &[String], extra: &str) -> String {
    let sources: Vec<String> =
        actors.iter().map(|a| format!(r#"{{"kind":"author","actor":"{a}"}}"#)).collect();
    format!(r#"{{"format":"skypanel.feed","version":1,"name":"t","sources":[{}]{extra}}}"#, sources.join(","))
}

fn run_page(
    app: &FakeAppView,
    signed_in: bool,
    text: &str,
    cursor: Option<&str>,
    limit: usize,
) -> Result<FeedPage, skypanel_core::Error> {
    let (def, problems) = definition::parse(text).expect("a feed definition");
    let mut client = Client::new(PerHost::new(app, MAX_PER_HOST), "http://localhost:2584").unwrap();
    if signed_in {
        client = client.with_session(Session {
            did: "did:plc:viewer".into(),
            handle: "viewer.test".into(),
            access_jwt: "a".into(),
            refresh_jwt: "r".into(),
        });
    }
    let host = MemoryHost::default();
    pollster::block_on(run(&client, &host, &def, problems, cursor, limit, BASE_MS))
}

#[test]
fn twenty_sources_fetch_in_parallel_six_at_a_time_and_merge_by_time() {
    let app = FakeAppView::new(20, 40);
    let actors: Vec<String> = (0..20).map(|u| format!("user{u}.test")).collect();
    let text = authors_definition(&actors, "");
    let page = run_page(&app, true, &text, None, 30).unwrap();
    assert_eq!(app.peak.get(), MAX_PER_HOST, "six requests at once, never more");
    assert!(page.errors.is_empty(), "{:?}", page.errors);
    assert_eq!(page.posts.len(), 30);
    // Interleaved by time: the newest 30 are posts 0 of all 20 users, then posts 1 of 10.
    let expected: Vec<String> =
        (0..30).map(|n| format!("at://did:plc:user{}/app.bsky.feed.post/k{}", n % 20, n / 20)).collect();
    let got: Vec<String> = page.posts.iter().map(|c| c.view.post.uri.clone()).collect();
    assert_eq!(got, expected);
    assert_eq!(page.steps.len(), 20 + 1 + 2, "one step per source, merged, moderation, one per post");
    assert_eq!(page.steps[0].label, "@user0.test");
    assert_eq!(page.steps[20].label, "merged");
    assert_eq!(page.steps[20].output, 30);

    // Page after page through the cursor: every post once, newest first, to the end.
    let mut all = got;
    let mut cursor = page.cursor;
    while let Some(c) = cursor {
        let next = run_page(&app, true, &text, Some(&c), 30).unwrap();
        assert!(next.posts.len() <= 30);
        all.extend(next.posts.iter().map(|c| c.view.post.uri.clone()));
        cursor = next.cursor;
        assert!(all.len() <= 800, "the feed ends");
    }
    let expected: Vec<String> =
        (0..800).map(|n| format!("at://did:plc:user{}/app.bsky.feed.post/k{}", n % 20, n / 20)).collect();
    assert_eq!(all, expected, "nothing lost, nothing repeated, newest first across pages");
}

#[test]
fn a_source_that_fails_is_a_problem_at_its_field_and_the_others_still_run() {
    let app = FakeAppView::new(3, 5);
    let text = r#"{"format":"skypanel.feed","version":1,"name":"t","sources":[{"kind":"timeline"},{"kind":"author","actor":"user1.test"},{"kind":"author","actor":"nobody.test"},{"kind":"search","q":"rocket"}],"sort":"top"}"#;
    let page = run_page(&app, false, text, None, 30).unwrap();
    let at: Vec<(&str, &str)> = page.errors.iter().map(|p| (p.path.as_str(), p.name.as_str())).collect();
    assert_eq!(
        at,
        vec![
            ("sources[0]", "NotSignedIn"),
            ("sources[3]", "NotSignedIn"),
            ("sources[2].actor", "UnknownAccount")
        ]
    );
    assert!(page.errors[0].message.contains("sign in"), "{}", page.errors[0].message);
    assert!(page.errors[2].message.contains("nobody.test"), "{}", page.errors[2].message);
    assert_eq!(page.posts.len(), 5, "user1's posts still come");
    let likes: Vec<u64> = page.posts.iter().map(|c| c.view.post.like_count.unwrap_or(0)).collect();
    assert_eq!(likes, vec![4, 3, 2, 1, 0], "sorted by top within the page");
    assert!(page.cursor.is_none(), "the only source ran to its end");
    assert!(!app.requests.borrow().iter().any(|u| u.contains("getTimeline") || u.contains("searchPosts")));

    // Every source failing fails the run, with the first failure.
    let text = r#"{"format":"skypanel.feed","version":1,"name":"t","sources":[{"kind":"timeline"},{"kind":"author","actor":"nobody.test"}]}"#;
    let err = run_page(&app, false, text, None, 30).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::NotSignedIn);

    // A cursor from another feed is refused.
    let one = authors_definition(&["user0.test".into()], "");
    let first = run_page(&app, true, &one, None, 2).unwrap();
    let other = authors_definition(&["user1.test".into()], "");
    let err = run_page(&app, true, &other, first.cursor.as_deref(), 2).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidInput);
    assert!(err.to_string().contains("start the feed again"), "{err}");
}

#[test]
fn sources_are_set_up_together_and_their_problems_keep_the_definitions_order() {
    let app = FakeAppView::new(2, 3);
    let lists: Vec<String> = (0..12)
        .map(|n| format!(r#"{{"kind":"list","uri":"at://did:plc:owner/app.bsky.graph.list/l{n}"}}"#))
        .collect();
    let text = format!(
        r#"{{"format":"skypanel.feed","version":1,"name":"t","sources":[{},{{"kind":"author","actor":"user1.test"}}]}}"#,
        lists.join(",")
    );
    let page = run_page(&app, false, &text, None, 30).unwrap();
    // The twelve lists are checked at once (six in flight), not one after another.
    let checks = app.requests.borrow().iter().filter(|u| u.contains("getList")).count();
    assert_eq!(checks, 12);
    assert_eq!(app.peak.get(), MAX_PER_HOST, "the lists are checked six at a time");
    let at: Vec<(String, String)> = page.errors.iter().map(|p| (p.path.clone(), p.name.clone())).collect();
    let expected: Vec<(String, String)> =
        (0..12).map(|n| (format!("sources[{n}].uri"), "UnknownList".to_string())).collect();
    assert_eq!(at, expected, "one problem per deleted list, in the definition's order");
    assert_eq!(page.posts.len(), 3, "the author's posts still come");
}

#[test]
fn preferences_exclude_lists_and_source_setup_are_read_together() {
    let app = FakeAppView::new(2, 3);
    let excludes: Vec<String> = (0..6)
        .map(|n| format!(r#"{{"kind":"exclude","list":"at://did:plc:owner/app.bsky.graph.list/x{n}"}}"#))
        .collect();
    let text = format!(
        r#"{{"format":"skypanel.feed","version":1,"name":"t","sources":[{{"kind":"list","uri":"at://did:plc:owner/app.bsky.graph.list/l0"}},{{"kind":"author","actor":"user1.test"}}],"filters":[{}]}}"#,
        excludes.join(",")
    );
    let page = run_page(&app, true, &text, None, 30).unwrap();
    let requests = app.requests.borrow().clone();
    let first_feed = requests.iter().position(|u| u.contains("getAuthorFeed")).expect("the author is read");
    let before: Vec<&String> = requests[..first_feed].iter().collect();
    assert_eq!(before.iter().filter(|u| u.contains("getPreferences")).count(), 1, "{before:?}");
    assert_eq!(
        before.iter().filter(|u| u.contains("list%2Fx") || u.contains("list/x")).count(),
        6,
        "{before:?}"
    );
    assert_eq!(
        before.iter().filter(|u| u.contains("list%2Fl0") || u.contains("list/l0")).count(),
        1,
        "{before:?}"
    );
    // Eight requests before the first page, read together: six in flight at once (the
    // per-host limit), where one after another never has more than one.
    assert_eq!(app.peak.get(), MAX_PER_HOST, "{requests:?}");
    // The problems in the same order as before: the filters' (lists that could not be read
    // are missing), then the sources'.
    let at: Vec<(String, String)> = page.errors.iter().map(|p| (p.path.clone(), p.name.clone())).collect();
    let mut expected: Vec<(String, String)> =
        (0..6).map(|n| (format!("filters[{n}].list"), "UnknownList".to_string())).collect();
    expected.push(("sources[0].uri".into(), "UnknownList".into()));
    assert_eq!(at, expected);
    assert_eq!(page.posts.len(), 3, "the author's posts still come");

    // From a cursor, the sources are not set up again: only the preferences and the lists.
    let app = FakeAppView::new(2, 3);
    let first = run_page(&app, true, &text, None, 1).unwrap();
    let cursor = first.cursor.expect("more posts to come");
    let again = FakeAppView::new(2, 3);
    let next = run_page(&again, true, &text, Some(&cursor), 1).unwrap();
    assert_eq!(next.errors.len(), 6, "the exclude lists, again: {:?}", next.errors);
    assert_eq!(next.posts.len(), 1);
    let requests = again.requests.borrow();
    assert!(!requests.iter().any(|u| u.contains("list%2Fl0") || u.contains("list/l0")), "{requests:?}");
    assert_eq!(requests.iter().filter(|u| u.contains("getList")).count(), 6, "{requests:?}");
}

#[test]
fn an_expired_token_while_reading_preferences_fails_the_run_though_the_sources_were_set_up() {
    let app = FakeAppView::new(2, 3);
    app.expire_preferences.set(true);
    let text = r#"{"format":"skypanel.feed","version":1,"name":"t","sources":[{"kind":"list","uri":"at://did:plc:owner/app.bsky.graph.list/l0"},{"kind":"author","actor":"user1.test"}],"filters":[{"kind":"exclude","list":"at://did:plc:owner/app.bsky.graph.list/x0"}]}"#;
    let (def, problems) = definition::parse(text).expect("a feed definition");
    let client = Client::new(PerHost::new(&app, MAX_PER_HOST), "http://localhost:2584")
        .unwrap()
        .with_auto_refresh(false)
        .with_session(Session {
            did: "did:plc:viewer".into(),
            handle: "viewer.test".into(),
            access_jwt: "a".into(),
            refresh_jwt: "r".into(),
        });
    let host = MemoryHost::default();
    let err = pollster::block_on(run(&client, &host, &def, problems, None, 30, BASE_MS)).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::ExpiredToken, "{err}");
    let requests = app.requests.borrow();
    assert_eq!(requests.iter().filter(|u| u.contains("getList")).count(), 2, "read together: {requests:?}");
    assert!(!requests.iter().any(|u| u.contains("getAuthorFeed")), "no page is read: {requests:?}");
}
