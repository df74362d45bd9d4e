//! Running a feed: fetching its sources in parallel through the XRPC client, merging them by
//! time ([`super::merge`]), and applying the engine ([`super::engine`]).
//!
//! [`run`] gives one page of a feed and the cursor of the next. Each source is read as one or
//! more streams (see [`super::merge`]):
//!
//! | source | read with |
//! |---|---|
//! | `timeline` | `getTimeline` (needs an account) |
//! | `author` | `getAuthorFeed`, `posts_with_replies` or `posts_no_replies` per `replies`; reposts dropped here when `reposts: false` |
//! | `list` | `getListFeed` |
//! | `listMembers` | `getList` (at most 150 members, reported when capped), then each member's `getAuthorFeed` (`posts_no_replies`) as its own stream |
//! | `feed` | `getFeed` (a bsky.app URL's handle is resolved to a DID first) |
//! | `search` | `searchPosts` (needs an account: bsky.app's AppView answers searches only signed in) |
//! | `saved` | the host's library ([`Host::saved_page`]) |
//! | `mutuals` | the home timeline, keeping items whose owner (author, or reposter) is a mutual |
//! | `quiet` | the home timeline, keeping quiet posters' own posts (no reposts, no replies) |
//!
//! Quiet posters are read from the home timeline rather than from each one's author feed:
//! from the cache, a feed over hundreds of quiet accounts then costs a few timeline pages,
//! not hundreds of requests (their posts are sparse there: pages of 100 are read).
//!
//! A source that fails (unknown handle, deleted list, unknown feed, signed out) becomes a
//! [`Problem`] at its place in the definition and the others still run; only a failure of
//! every source (or an expired token, which the caller refreshes once for all) fails the
//! run.
//!
//! ## The page's order and steps
//! The page holds the posts the merge took (newest first), filtered, one per post, capped per
//! author; then sorted by the definition's `sort` *within the page*: `newest` keeps the merge
//! order, `oldest`, `top` and `hot` re-rank the page's posts (a feed of many pages is paged
//! newest first; each page is ordered as asked). Steps count this page's posts: one per
//! source (what it brought to this page), "merged", then the engine's stages.

use std::collections::{HashMap, HashSet};
use std::rc::Rc;

use serde::Deserialize;
use serde_json::Value;

use super::computed::{self, post_as_item, MAX_LIST_MEMBERS};
use super::definition::{Definition, Source};
use super::engine::{self, Context, Engine, Memory};
use super::limit::{join_all, PerHost};
use super::merge::{self, fill, Fetched, Keep, Merger, Page, StreamSpec};
use super::moderation::Moderation;
use super::{Candidate, Problem, SortKey, Step};
use crate::grouping::Block;
use crate::model::{FeedItem, FeedViewPost};
use crate::xrpc::{AuthorFilter, Client, FeedSource, SearchQuery, Transport};
use crate::{Error, ErrorKind};

/// What the platform provides besides HTTP: the local library, a cache, progress.
#[allow(async_fn_in_trait)]
pub trait Host {
    /// One page of the user's saved posts, newest saved first: post views as JSON text, and
    /// the cursor of the next page (`None` at the end).
    async fn saved_page(
        &self,
        cursor: Option<String>,
        limit: usize,
    ) -> Result<(Vec<String>, Option<String>), Error>;
    /// A cached value, if any.
    async fn cache_get(&self, key: &str) -> Option<String>;
    /// Caches a value (best effort).
    async fn cache_put(&self, key: &str, value: &str);
    /// Reports progress of a long computation (mutuals, quiet posters): `done` of `total`.
    fn progress(&self, label: &str, done: usize, total: usize);
}

/// One page of a feed.
#[derive(Debug)]
pub struct FeedPage {
    /// The posts, in the order shown.
    pub posts: Vec<Candidate>,
    /// The cursor of the next page; `None` at the end of the feed.
    pub cursor: Option<String>,
    /// How many posts went into and out of each stage.
    pub steps: Vec<Step>,
    /// Problems with the definition and with sources that failed (the rest still ran).
    pub errors: Vec<Problem>,
    /// The collapsed view's blocks, when the definition asks for it.
    pub blocks: Vec<Block>,
}

/// How long the viewer's preferences are reused from the cache: 10 minutes.
pub const PREFERENCES_CACHE_MS: i64 = 10 * 60 * 1000;
/// Pages fetched per run beyond the first round: enough for filters that keep few posts,
/// bounded so a feed that keeps nothing still answers.
pub const EXTRA_PAGES: usize = 12;
/// More pages per run for a feed with a `quiet` source: a quiet poster's post may sit behind
/// thousands of busier ones in the home timeline (pages of 100: up to 6,000 items a run).
pub const QUIET_EXTRA_PAGES: usize = 48;

/// One page of `def`'s feed, continuing from `cursor` (from the previous page's
/// [`FeedPage::cursor`]), with at most about `limit` posts (more only when several sources
/// bring the very same item at the cut with dedupe off). `problems` are those `parse`
/// reported; they are returned with the others. The client's transport must be a
/// [`PerHost`] limiter (at most 6 requests in flight per host).
pub async fn run<T: Transport, H: Host>(
    client: &Client<PerHost<T>>,
    host: &H,
    def: &Definition,
    problems: Vec<Problem>,
    cursor: Option<&str>,
    limit: usize,
    now_ms: i64,
) -> Result<FeedPage, Error> {
    let limit = limit.clamp(1, 100);
    let fp = merge::fingerprint(&def.to_json());
    let mut errors = problems;
    let viewer = client.session().map(|s| s.did);

    let resumed = match cursor.map(str::trim).filter(|c| !c.is_empty()) {
        Some(c) => Some(Merger::from_cursor::<Memory>(c, fp)?),
        None => None,
    };

    // What the page needs before its first request for posts, all at once (one wait, not
    // one per piece): the viewer's preferences (cached for a few minutes), the lists the
    // exclude filters name, and the sources' setup (not when resuming: the cursor has it).
    enum Ready {
        Preferences(Result<Vec<Value>, Error>),
        List(String, Option<Vec<String>>),
        Streams(Result<Vec<StreamSpec>, Error>, Plan),
    }
    type Work<'a> = std::pin::Pin<Box<dyn std::future::Future<Output = Ready> + 'a>>;
    let mut work: Vec<Work<'_>> = Vec::new();
    if let Some(did) = viewer.as_deref() {
        work.push(Box::pin(async move { Ready::Preferences(preferences(client, host, did, now_ms).await) }));
    }
    if resumed.is_none() {
        let viewer = viewer.as_deref();
        work.push(Box::pin(async move {
            let mut plan = Plan::default();
            let specs = streams(client, host, def, viewer, now_ms, &mut plan).await;
            Ready::Streams(specs, plan)
        }));
    }
    for written in def.lists_needed() {
        work.push(Box::pin(async move {
            let members = match resolve_target_uri(client, &written, super::definition::LIST_COLLECTION).await
            {
                Ok(uri) => computed::list_members(client, &uri, 5_000).await.ok().map(|(m, _)| m),
                Err(_) => None,
            };
            Ready::List(written, members)
        }));
    }
    let mut prefs = None;
    let mut set_up = None;
    // Lists that cannot be read are left out: their filters are skipped.
    let mut lists = HashMap::new();
    for done in join_all(work).await {
        match done {
            Ready::Preferences(p) => prefs = Some(p),
            Ready::List(written, Some(members)) => {
                lists.insert(written, members);
            }
            Ready::List(_, None) => {}
            Ready::Streams(specs, plan) => set_up = Some((specs, plan)),
        }
    }

    // The viewer's moderation.
    let mut moderation = Moderation::default();
    match prefs {
        None => {}
        Some(Ok(prefs)) => {
            let (m, p) = Moderation::from_preferences(&prefs, now_ms);
            moderation = m;
            errors.extend(p);
        }
        Some(Err(e)) if e.kind() == ErrorKind::ExpiredToken => return Err(e),
        Some(Err(e)) => errors.push(Problem {
            path: String::new(),
            name: e.kind().name().into(),
            message: format!("your muted words and content settings could not be read ({e}); they are not applied to this page"),
        }),
    }
    let ctx = Context { now_ms, moderation, lists, viewer: viewer.clone() };
    let (engine, engine_problems) = Engine::new(def, &ctx);
    errors.extend(engine_problems);

    // The streams: from the cursor, or those the sources' setup found.
    let (mut plan, (mut merger, mut memory)) = match (resumed, set_up) {
        (Some(r), _) => (Plan::default(), r),
        (None, Some((specs, plan))) => (plan, (Merger::new(specs?), Memory::default())),
        (None, None) => return Err(Error::InvalidInput("the feed's sources were not set up".into())),
    };
    let specs = merger.specs();
    // Mutuals and quiet posters needed again when resuming (from the cache).
    for spec in &specs {
        let Some(src) = source(def, spec) else { continue };
        if plan.people.contains_key(&spec.source)
            || !matches!(src, Source::Mutuals { .. } | Source::Quiet { .. })
        {
            continue;
        }
        if let Some(did) = &viewer {
            match people(client, host, src, did, now_ms).await {
                Ok(set) => {
                    plan.people.insert(spec.source, Rc::new(set.into_iter().collect()));
                }
                Err(e) if e.kind() == ErrorKind::ExpiredToken => return Err(e),
                Err(_) => {}
            }
        }
    }
    errors.append(&mut plan.problems);

    // Each stream's page holds at least `limit` items: when every stream brings that many (or
    // ends), the newest `limit` items overall are all safe after one round, as none of them
    // can be older than a stream's `limit`-th item; a page then costs one round of requests
    // when the filters keep what comes. Small limits over few sources still read a little
    // more (pages of 10 or more), for filters that drop some.
    let per_stream = limit.max((2 * limit / specs.len().max(1) + 10).clamp(10, 100)).min(100);
    // Quiet posters' posts are sparse in the home timeline: dig deeper for them.
    let sparse = specs.iter().any(|s| matches!(source(def, s), Some(Source::Quiet { .. })));
    let budget = specs.len() + EXTRA_PAGES + if sparse { QUIET_EXTRA_PAGES } else { 0 };
    let people_of = &plan.people;
    let fetch = |i: usize, cursor: Option<String>| {
        let spec = specs.get(i).cloned();
        let people = spec.as_ref().and_then(|s| people_of.get(&s.source)).cloned();
        async move {
            let spec = spec.ok_or_else(|| Error::InvalidInput("no such stream".into()))?;
            let src = source(def, &spec).ok_or_else(|| Error::InvalidInput("no such source".into()))?;
            fetch_page(client, host, src, &spec, cursor, per_stream, people).await
        }
    };
    let dedupe = def.dedupe;
    let cap = def.per_author;
    let trial_memory = memory.clone();
    let keep = |ready: Vec<Candidate>| -> Vec<SortKey> {
        let mut steps = Vec::new();
        let mut mem = trial_memory.clone();
        let mut kept = engine.filter(ready, &mut steps);
        if dedupe {
            kept = mem.dedupe(kept, &mut steps);
        }
        if let Some(cap) = cap {
            kept = mem.cap_per_author(kept, cap, &mut steps);
        }
        kept.into_iter().map(|c| c.key).collect()
    };
    let filled = fill(&mut merger, limit, budget, fetch, keep).await;

    // Failures of whole streams, reported at their source.
    let mut first_error: Option<Error> = None;
    for (i, e) in &filled.failures {
        if e.kind() == ErrorKind::ExpiredToken {
            return Err(e.clone());
        }
        let Some(spec) = specs.get(*i) else { continue };
        if let Some(src) = source(def, spec) {
            errors.push(problem_for(spec.source, src, spec.sub.as_deref(), e));
        }
        first_error.get_or_insert_with(|| e.clone());
    }
    let any_ok = specs.iter().enumerate().any(|(i, _)| !filled.failures.iter().any(|(f, _)| *f == i));
    if !any_ok && (plan.failed_setup > 0 || !filled.failures.is_empty()) {
        if let Some(e) = plan.first_error.take().or(first_error) {
            return Err(e);
        }
    }

    // The page: per-source counts, merged, the engine's stages.
    let taken = filled.taken;
    let mut steps = Vec::new();
    for (i, s) in def.sources.iter().enumerate() {
        if matches!(s, Source::Unknown(_)) {
            continue;
        }
        let n = taken.iter().filter(|c| c.sources.first() == Some(&(i as u16))).count();
        steps.push(Step { label: s.label(), input: n, output: n });
    }
    steps.push(Step { label: "merged".into(), input: taken.len(), output: taken.len() });
    let mut posts = engine.filter(taken, &mut steps);
    if def.dedupe {
        posts = memory.dedupe(posts, &mut steps);
    }
    if let Some(cap) = def.per_author {
        posts = memory.cap_per_author(posts, cap, &mut steps);
    }
    engine::sort(&mut posts, def.sort, now_ms);
    let blocks = def.collapse.map(|opts| engine::collapse(&posts, opts)).unwrap_or_default();
    let cursor = merger.cursor(fp, &memory)?;
    Ok(FeedPage { posts, cursor, steps, errors, blocks })
}

/// What working out the streams found besides them.
#[derive(Default)]
struct Plan {
    problems: Vec<Problem>,
    first_error: Option<Error>,
    failed_setup: usize,
    /// The mutuals or quiet posters (DIDs) of each such source, by source index.
    people: HashMap<u16, Rc<HashSet<String>>>,
}

impl Plan {
    fn fail(&mut self, i: usize, src: &Source, e: Error) {
        self.problems.push(problem_for(i as u16, src, None, &e));
        self.first_error.get_or_insert(e);
        self.failed_setup += 1;
    }
}

fn source<'a>(def: &'a Definition, spec: &StreamSpec) -> Option<&'a Source> {
    def.sources.get(usize::from(spec.source))
}

fn no_reposts() -> Keep {
    Rc::new(|v: &FeedViewPost| v.reposted_by().is_none())
}

/// What setting up one source found.
enum Setup {
    /// Nothing to run (an unknown kind).
    Skip,
    /// The source's streams, and a problem to report with them (a list read only in part).
    Streams(Vec<StreamSpec>, Option<Problem>),
    /// The viewer's mutuals or quiet posters (DIDs), read by one stream.
    People(Vec<String>),
    /// The source cannot run: a problem at its place.
    Failed(Error),
    /// The whole run fails (an expired token, which the caller refreshes once for all).
    Abort(Error),
}

/// The streams of each runnable source (at most `MAX_SOURCES`); sources that cannot run
/// are reported in `plan`, in the definition's order.
///
/// The sources are set up together (resolving handles, checking lists, reading list
/// members: one round trip's wait, not one per source), except the viewer's mutuals and
/// quiet posters, which are worked out one after another while the others run: each may
/// read every follow and reports progress under its own label, and a second source of the
/// same kind then finds the first's result in the cache.
async fn streams<T: Transport, H: Host>(
    client: &Client<PerHost<T>>,
    host: &H,
    def: &Definition,
    viewer: Option<&str>,
    now_ms: i64,
    plan: &mut Plan,
) -> Result<Vec<StreamSpec>, Error> {
    let sources: Vec<(usize, &Source)> =
        def.sources.iter().enumerate().take(super::definition::MAX_SOURCES).collect();
    let (people_sources, others): (Vec<_>, Vec<_>) =
        sources.iter().partition(|(_, s)| matches!(s, Source::Mutuals { .. } | Source::Quiet { .. }));
    type Batch<'a> = std::pin::Pin<Box<dyn std::future::Future<Output = Vec<(usize, Setup)>> + 'a>>;
    let together: Batch<'_> = Box::pin(async {
        let setups = others.iter().map(|&&(i, src)| setup(client, host, i, src, viewer, now_ms)).collect();
        others.iter().map(|&&(i, _)| i).zip(join_all(setups).await).collect()
    });
    let one_by_one: Batch<'_> = Box::pin(async {
        let mut out = Vec::new();
        for &&(i, src) in &people_sources {
            let done = setup(client, host, i, src, viewer, now_ms).await;
            let stop = matches!(done, Setup::Abort(_));
            out.push((i, done));
            if stop {
                break;
            }
        }
        out
    });
    let mut setups: Vec<Option<Setup>> = sources.iter().map(|_| None).collect();
    for (i, done) in join_all(vec![together, one_by_one]).await.into_iter().flatten() {
        if let Some(slot) = setups.get_mut(i) {
            *slot = Some(done);
        }
    }

    let mut specs = Vec::new();
    for (&(i, src), done) in sources.iter().zip(setups) {
        match done {
            None | Some(Setup::Skip) => {}
            Some(Setup::Streams(streams, problem)) => {
                plan.problems.extend(problem);
                specs.extend(streams);
            }
            Some(Setup::People(dids)) => {
                plan.people.insert(i as u16, Rc::new(dids.into_iter().collect()));
                specs.push(StreamSpec { source: i as u16, sub: None });
            }
            Some(Setup::Failed(e)) => plan.fail(i, src, e),
            Some(Setup::Abort(e)) => return Err(e),
        }
    }
    Ok(specs)
}

/// Sets up source `i`: what it needs before its first page (see [`streams`]).
async fn setup<T: Transport, H: Host>(
    client: &Client<PerHost<T>>,
    host: &H,
    i: usize,
    src: &Source,
    viewer: Option<&str>,
    now_ms: i64,
) -> Setup {
    let one = |sub: Option<String>| StreamSpec { source: i as u16, sub };
    if matches!(src, Source::Unknown(_)) {
        return Setup::Skip;
    }
    if src.needs_account() && viewer.is_none() {
        let method = match src {
            Source::Search { .. } => "app.bsky.feed.searchPosts",
            _ => "app.bsky.feed.getTimeline",
        };
        return Setup::Failed(Error::NotSignedIn { method: method.into() });
    }
    match src {
        Source::Timeline { .. } | Source::Author { .. } | Source::Search { .. } | Source::Saved { .. } => {
            Setup::Streams(vec![one(None)], None)
        }
        Source::List { uri, .. } | Source::Feed { uri, .. } => {
            let collection = if matches!(src, Source::List { .. }) {
                super::definition::LIST_COLLECTION
            } else {
                super::definition::FEED_COLLECTION
            };
            let mut found = resolve_target_uri(client, uri, collection).await;
            if let (Ok(at), Source::List { .. }) = (&found, src) {
                // getListFeed answers a deleted list with its old members' posts: ask
                // for the list itself (one member) to tell the user it is gone.
                if let Err(e) = computed::list_members(client, at, 1).await {
                    found = Err(e);
                }
            }
            match found {
                Ok(at) => Setup::Streams(vec![one(Some(at))], None),
                Err(e) => Setup::Failed(e),
            }
        }
        Source::ListMembers { uri, .. } => {
            let members = match resolve_target_uri(client, uri, super::definition::LIST_COLLECTION).await {
                Ok(at) => computed::list_members(client, &at, MAX_LIST_MEMBERS).await,
                Err(e) => Err(e),
            };
            match members {
                Ok((dids, capped)) => {
                    let problem = capped.then(|| Problem {
                        path: format!("sources[{i}]"),
                        name: "InvalidInput".into(),
                        message: format!(
                            "this list has more than {MAX_LIST_MEMBERS} members; only the first {MAX_LIST_MEMBERS} are read (use the list's own feed, kind \"list\", for all of them)"
                        ),
                    });
                    Setup::Streams(dids.into_iter().map(|d| one(Some(d))).collect(), problem)
                }
                Err(e) => Setup::Failed(e),
            }
        }
        Source::Mutuals { .. } | Source::Quiet { .. } => {
            let Some(did) = viewer else { return Setup::Skip };
            match people(client, host, src, did, now_ms).await {
                Ok(dids) => Setup::People(dids),
                Err(e) if e.kind() == ErrorKind::ExpiredToken => Setup::Abort(e),
                Err(e) => Setup::Failed(e),
            }
        }
        Source::Unknown(_) => Setup::Skip,
    }
}

/// The viewer's mutuals or quiet posters (DIDs) for a `mutuals` or `quiet` source.
async fn people<T: Transport, H: Host>(
    client: &Client<T>,
    host: &H,
    src: &Source,
    viewer: &str,
    now_ms: i64,
) -> Result<Vec<String>, Error> {
    match src {
        Source::Quiet { days, max_per_day, .. } => {
            Ok(computed::quiet(client, host, viewer, *days, *max_per_day, now_ms).await?.dids)
        }
        _ => computed::mutuals(client, host, viewer, now_ms).await,
    }
}

/// The at-uri of a list or feed written as an at-uri or a bsky.app URL (a handle in either is
/// resolved to a DID).
async fn resolve_target_uri<T: Transport>(
    client: &Client<T>,
    written: &str,
    collection: &'static str,
) -> Result<String, Error> {
    let target = super::definition::read_target(written, collection).map_err(Error::InvalidInput)?;
    if !target.needs_resolution() {
        return Ok(target.at_uri(&target.actor));
    }
    let did = client.resolve_handle(&target.actor).await.map_err(|e| match e.kind() {
        ErrorKind::Network | ErrorKind::Timeout | ErrorKind::Server | ErrorKind::RateLimited => e,
        _ => Error::UnknownAccount { identifier: target.actor.clone(), detail: e.to_string() },
    })?;
    Ok(target.at_uri(&did))
}

/// One page of one stream.
async fn fetch_page<T: Transport, H: Host>(
    client: &Client<PerHost<T>>,
    host: &H,
    src: &Source,
    spec: &StreamSpec,
    cursor: Option<String>,
    size: usize,
    people: Option<Rc<HashSet<String>>>,
) -> Fetched {
    let limit = size.min(100) as u8;
    let at = cursor.clone();
    let feed_of = |source: FeedSource, keep: Option<Keep>, n: u8| {
        let at = at.clone();
        async move {
            let page = client.feed_page(&source, n, at.as_deref()).await?;
            Ok(Page { items: page.feed, next: page.cursor, keep })
        }
    };
    let feed = |source: FeedSource, keep: Option<Keep>| feed_of(source, keep, limit);
    match (src, &spec.sub) {
        (Source::Timeline { .. }, _) => feed(FeedSource::Timeline, None).await,
        (Source::Mutuals { .. }, _) => {
            let set = people.unwrap_or_default();
            let keep: Keep = Rc::new(move |v: &FeedViewPost| set.contains(&v.owner().did));
            feed_of(FeedSource::Timeline, Some(keep), 100).await
        }
        (Source::Quiet { .. }, _) => {
            let set = people.unwrap_or_default();
            let keep: Keep = Rc::new(move |v: &FeedViewPost| {
                v.reason.is_none() && v.reply.is_none() && set.contains(&v.post.author.did)
            });
            feed_of(FeedSource::Timeline, Some(keep), 100).await
        }
        (Source::Author { actor, replies, reposts, .. }, _) => {
            let filter = if *replies { AuthorFilter::PostsWithReplies } else { AuthorFilter::PostsNoReplies };
            let keep = (!reposts).then(no_reposts);
            feed(FeedSource::Author { actor: actor.clone(), filter, include_pins: false }, keep).await
        }
        (Source::List { .. }, Some(uri)) => feed(FeedSource::List { uri: uri.clone() }, None).await,
        (Source::Feed { .. }, Some(uri)) => feed(FeedSource::Feed { uri: uri.clone() }, None).await,
        (Source::ListMembers { .. }, Some(did)) => {
            let filter = AuthorFilter::PostsNoReplies;
            feed(FeedSource::Author { actor: did.clone(), filter, include_pins: false }, None).await
        }
        (Source::Search { query, .. }, _) => {
            let (posts, next) = search_raw(client, query, limit, cursor.as_deref()).await?;
            Ok(Page { items: posts, next, keep: None })
        }
        (Source::Saved { .. }, _) => {
            let (texts, next) = host.saved_page(cursor, usize::from(limit)).await?;
            let items = texts.iter().filter_map(|t| post_as_item(t).ok()).collect();
            Ok(Page { items, next, keep: None })
        }
        _ => Err(Error::InvalidInput("this source cannot run".into())),
    }
}

/// `searchPosts`, keeping each post view's text exactly (wrapped as a feed item).
async fn search_raw<T: Transport>(
    client: &Client<T>,
    query: &SearchQuery,
    limit: u8,
    cursor: Option<&str>,
) -> Result<(Vec<FeedItem>, Option<String>), Error> {
    let (posts, next) = client.search_posts_raw(query, limit, cursor).await?;
    let items = posts
        .iter()
        .map(|p| post_as_item(p.get()))
        .collect::<Result<Vec<_>, _>>()
        .map_err(|detail| Error::Malformed { method: "app.bsky.feed.searchPosts".into(), detail })?;
    Ok((items, next))
}

/// The viewer's Bluesky preferences, reused from the host's cache for a few minutes.
async fn preferences<T: Transport, H: Host>(
    client: &Client<T>,
    host: &H,
    did: &str,
    now_ms: i64,
) -> Result<Vec<Value>, Error> {
    #[derive(serde::Serialize, Deserialize)]
    struct Cached {
        at: i64,
        preferences: Vec<Value>,
    }
    let key = format!("feeds:preferences:{did}");
    if let Some(text) = host.cache_get(&key).await {
        if let Ok(c) = serde_json::from_str::<Cached>(&text) {
            if now_ms - c.at < PREFERENCES_CACHE_MS && c.at <= now_ms {
                return Ok(c.preferences);
            }
        }
    }
    let preferences = client.get_preferences().await?;
    if let Ok(text) = serde_json::to_string(&Cached { at: now_ms, preferences: preferences.clone() }) {
        host.cache_put(&key, &text).await;
    }
    Ok(preferences)
}

/// A source's failure as a problem at its field, saying what to do.
fn problem_for(i: u16, src: &Source, sub: Option<&str>, e: &Error) -> Problem {
    let at = format!("sources[{i}]");
    let kind = e.kind();
    let server_says = |e: &Error| match e {
        Error::Xrpc { message: Some(m), .. } => m.to_ascii_lowercase(),
        _ => String::new(),
    };
    let said = server_says(e);
    let (path, name, message) = match (src, kind) {
        (_, ErrorKind::NotSignedIn) => (
            at,
            "NotSignedIn",
            format!("{} needs a signed-in account: sign in to SkyPanel, or remove this source", src.label()),
        ),
        (Source::Author { actor, .. }, _)
            if matches!(kind, ErrorKind::NotFound | ErrorKind::UnknownAccount)
                || said.contains("not found")
                || said.contains("could not find") =>
        {
            (
                format!("{at}.actor"),
                "UnknownAccount",
                format!("no Bluesky account '{actor}' was found: check the handle or DID"),
            )
        }
        (Source::List { .. } | Source::ListMembers { .. }, _)
            if matches!(kind, ErrorKind::UnknownList | ErrorKind::NotFound | ErrorKind::UnknownAccount)
                || said.contains("not found") =>
        {
            (
                format!("{at}.uri"),
                "UnknownList",
                "this list does not exist (it was deleted, or the link is wrong): remove this source or choose another list".into(),
            )
        }
        (Source::Feed { .. }, _)
            if matches!(kind, ErrorKind::UnknownFeed | ErrorKind::NotFound | ErrorKind::UnknownAccount)
                || said.contains("not found")
                || said.contains("could not") =>
        {
            (
                format!("{at}.uri"),
                "UnknownFeed",
                "this custom feed does not exist or its server is offline: remove this source or choose another feed".into(),
            )
        }
        (_, ErrorKind::InvalidInput) if matches!(src, Source::List { .. } | Source::ListMembers { .. } | Source::Feed { .. }) => {
            (format!("{at}.uri"), "InvalidInput", e.to_string())
        }
        _ => {
            let whose = sub.map(|s| format!(" (account {s})")).unwrap_or_default();
            (at, kind.name(), format!("{} could not be read{whose}: {e}", src.label()))
        }
    };
    Problem { path, name: name.into(), message }
}
