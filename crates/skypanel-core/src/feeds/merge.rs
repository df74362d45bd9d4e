//! Paging many sources as one feed, newest first, with one cursor. Pure: fetching is the
//! caller's (see [`fill`], which drives the paging with a fetch function it is given).
//!
//! ## Streams, keys and frontiers
//! Each source is read as one or more *streams* (a list's members or the quiet posters are
//! one stream per account) that yield pages newest first. Every item gets a [`SortKey`]:
//! its time ([`item_time`]) and its id. To keep each stream strictly decreasing even when
//! the source is not ordered by time (a custom feed, a search sorted by `top`), an item's
//! time is *clamped* to just below the previous item's of the same stream:
//! `time = min(own time, previous time − 1 ms)`. A time-ordered source is unchanged but for
//! posts in the same millisecond; a ranked one keeps its own order and reads as if each
//! item were a little older than the one before.
//!
//! A stream's *frontier* is the key of the oldest item fetched from it: anything it yields
//! later is older. An item is *safe* to show when its key is at or above the frontier of
//! every stream that is not exhausted — no stream can bring anything newer later. Streams
//! that block what the page needs are fetched again (in parallel) until enough is safe.
//!
//! ## The cursor
//! When a page has been cut at its last item (the *watermark*), every stream's position is
//! recorded: the API cursor of the page holding its newest item not yet shown (and the clamp
//! at that page's start), or the API cursor after its last page if everything it brought
//! was shown; streams with nothing left are left out. The next page fetches those pages
//! again and skips the items at or above the watermark — exactly the ones already shown,
//! since keys are recomputed the same way. The cursor also carries the engine's memory (posts shown, posts per author) and a
//! fingerprint of the definition, and is base64url of a small JSON document.

use std::collections::VecDeque;
use std::future::Future;
use std::rc::Rc;

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;

use super::limit::join_all;
use super::{Candidate, SortKey};
use crate::library::time::parse_rfc3339;
use crate::model::{FeedItem, FeedViewPost};
use crate::{Error, ErrorKind};

/// Version of the cursor's JSON document.
const CURSOR_VERSION: u32 = 1;

/// What a stream reads: one source of the definition, or one account within it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StreamSpec {
    /// Index of the source in the definition.
    pub source: u16,
    /// The account (DID) for sources read as one stream per account; `None` otherwise.
    pub sub: Option<String>,
}

/// Where a page fetched again starts: the API cursor that fetched it and the clamp before it.
#[derive(Debug, Clone, PartialEq)]
struct PageStart {
    cursor: Option<String>,
    clamp: Option<i64>,
}

#[derive(Debug, Clone)]
struct Stream {
    spec: StreamSpec,
    /// The API cursor of the next page to fetch (`None`: the first page).
    next: Option<String>,
    /// Whether another page may be fetched.
    more: bool,
    /// The time of the last item keyed: the next item's time is clamped below it.
    clamp: Option<i64>,
    /// The key of the oldest item fetched in this run (`None`: nothing fetched yet, so the
    /// stream blocks every item while it has more).
    frontier: Option<SortKey>,
    /// Fetched, not yet shown, newest first, each with the start of its page.
    buffer: VecDeque<(Candidate, Rc<PageStart>)>,
    /// Whether the last fetch failed (the stream stops for this run; the cursor retries it).
    failed: bool,
}

impl Stream {
    fn new(spec: StreamSpec, next: Option<String>, clamp: Option<i64>, more: bool) -> Stream {
        Stream { spec, next, more, clamp, frontier: None, buffer: VecDeque::new(), failed: false }
    }

    /// Whether this stream may still bring items newer than `key` (or any item, for `None`).
    fn blocks(&self, key: Option<&SortKey>) -> bool {
        self.more && !self.failed && (key.is_none() || self.frontier.as_ref().is_none_or(|f| Some(f) > key))
    }
}

/// The state of a merged feed between fetches.
#[derive(Debug, Clone)]
pub struct Merger {
    streams: Vec<Stream>,
    watermark: Option<SortKey>,
}

/// Whether and how far items are safe to show.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Bound {
    /// Every stream is exhausted: all buffered items are safe.
    All,
    /// Items at or above this key are safe.
    From(SortKey),
    /// Some stream has not been read yet: nothing is safe.
    Nothing,
}

/// The time an item sorts by, before clamping: for a repost, when it was reposted (the
/// reason's `indexedAt`); for a post, the earlier of its record's `createdAt` and its
/// `indexedAt` (the AppView's own `sortAt`, so a backdated post sorts at its claimed time
/// and a post dated in the future at when it was seen). Unreadable times count as 0.
pub fn item_time(view: &FeedViewPost) -> i64 {
    if let Some(crate::model::Reason::Repost(r)) = &view.reason {
        if let Some(t) = parse_rfc3339(&r.indexed_at) {
            return t;
        }
    }
    let created = view.post.created_at().and_then(parse_rfc3339);
    let indexed = parse_rfc3339(&view.post.indexed_at);
    match (created, indexed) {
        (Some(c), Some(i)) => c.min(i),
        (c, i) => c.or(i).unwrap_or(0),
    }
}

/// The id of a feed item: the post's at-uri, or `<post uri>#repost:<reposter DID>`.
pub fn item_id(view: &FeedViewPost) -> String {
    match view.reposted_by() {
        Some(by) => format!("{}#repost:{}", view.post.uri, by.did),
        None => view.post.uri.clone(),
    }
}

/// A candidate for an item `source` brought, keyed at `time_ms`.
pub fn candidate(item: FeedItem, source: u16, time_ms: i64) -> Candidate {
    let FeedItem { raw, view } = item;
    let key = SortKey { time_ms, id: item_id(&view) };
    let reposted_by = view.reposted_by().map(|p| vec![p.handle.clone()]).unwrap_or_default();
    Candidate { raw, view, key, sources: vec![source], reposted_by }
}

impl Merger {
    /// A feed at its start: every stream at its first page.
    pub fn new(specs: Vec<StreamSpec>) -> Merger {
        Merger {
            streams: specs.into_iter().map(|s| Stream::new(s, None, None, true)).collect(),
            watermark: None,
        }
    }

    /// The streams, in order (their indices are what [`Merger::add_page`] and [`fill`] use).
    pub fn specs(&self) -> Vec<StreamSpec> {
        self.streams.iter().map(|s| s.spec.clone()).collect()
    }

    /// The API cursor the next page of stream `i` is fetched with (`None`: its first page).
    pub fn next_cursor(&self, i: usize) -> Option<&str> {
        self.streams.get(i).and_then(|s| s.next.as_deref())
    }

    /// The last key shown (the watermark), if any page was shown.
    pub fn watermark(&self) -> Option<&SortKey> {
        self.watermark.as_ref()
    }

    /// Adds a page fetched for stream `i` with its API cursor `fetched_with`. Every item is
    /// keyed (clamped, see the module's doc) and moves the stream's frontier; those the
    /// page's `keep` refuses, and those at or above the watermark, are then dropped. An
    /// empty page, or one whose next cursor repeats the one it was fetched with, ends the
    /// stream.
    pub fn add_page(&mut self, i: usize, fetched_with: Option<String>, page: Page) {
        let watermark = self.watermark.clone();
        let Some(stream) = self.streams.get_mut(i) else { return };
        let start = Rc::new(PageStart { cursor: fetched_with.clone(), clamp: stream.clamp });
        let Page { items, next, keep } = page;
        let empty = items.is_empty();
        for item in items {
            let own = item_time(&item.view);
            let time = match stream.clamp {
                Some(c) => own.min(c.saturating_sub(1)),
                None => own,
            };
            stream.clamp = Some(time);
            let wanted = keep.as_ref().is_none_or(|k| k(&item.view));
            let c = candidate(item, stream.spec.source, time);
            stream.frontier = Some(c.key.clone());
            if !wanted || watermark.as_ref().is_some_and(|w| c.key >= *w) {
                continue;
            }
            stream.buffer.push_back((c, start.clone()));
        }
        stream.more = !empty && next.is_some() && next != fetched_with;
        stream.next = if stream.more { next } else { None };
        stream.failed = false;
    }

    /// Marks stream `i` as failed for this run: it no longer blocks. A failure that may pass
    /// (`retry`: offline, timeout, server trouble) keeps its position in the cursor so the
    /// next page tries again (what it would have brought above the watermark by then is
    /// skipped: a failing source must not hold up the others); any other ends the stream.
    pub fn fail(&mut self, i: usize, retry: bool) {
        if let Some(s) = self.streams.get_mut(i) {
            s.failed = true;
            if !retry {
                s.more = false;
                s.next = None;
            }
        }
    }

    fn bound(&self) -> Bound {
        let mut bound: Option<&SortKey> = None;
        for s in &self.streams {
            if !s.more || s.failed {
                continue;
            }
            match &s.frontier {
                None => return Bound::Nothing,
                Some(f) => bound = Some(bound.map_or(f, |b| b.max(f))),
            }
        }
        match bound {
            None => Bound::All,
            Some(k) => Bound::From(k.clone()),
        }
    }

    /// The buffered items at or above `upto` (all for `None`), newest first, as (stream,
    /// position in its buffer); ties between streams keep stream order. A k-way merge of the
    /// streams' buffers, each already newest first (no sort: smaller wasm).
    fn order(&self, upto: Option<&SortKey>) -> Vec<usize> {
        let mut next = vec![0usize; self.streams.len()];
        let mut out = Vec::new();
        loop {
            let mut best: Option<(usize, &SortKey)> = None;
            for (i, s) in self.streams.iter().enumerate() {
                let Some((c, _)) = s.buffer.get(next[i]) else { continue };
                if upto.is_some_and(|u| c.key < *u) {
                    continue;
                }
                if best.is_none_or(|(_, k)| c.key > *k) {
                    best = Some((i, &c.key));
                }
            }
            match best {
                Some((i, _)) => {
                    next[i] += 1;
                    out.push(i);
                }
                None => return out,
            }
        }
    }

    /// Every buffered item, newest first (copies; ties between streams keep stream order).
    pub fn buffered(&self) -> Vec<Candidate> {
        let mut next = vec![0usize; self.streams.len()];
        self.order(None)
            .into_iter()
            .filter_map(|i| {
                let c = self.streams[i].buffer.get(next[i]).map(|(c, _)| c.clone());
                next[i] += 1;
                c
            })
            .collect()
    }

    /// The buffered items that are safe to show, newest first.
    pub fn ready(&self) -> Vec<Candidate> {
        let mut all = self.buffered();
        match self.bound() {
            Bound::All => {}
            Bound::Nothing => all.clear(),
            Bound::From(k) => all.retain(|c| c.key >= k),
        }
        all
    }

    /// The streams to fetch next: those not exhausted whose frontier is above `key` (the
    /// key of the last post the page needs, as far as known), or all of them for `None`.
    pub fn blocking(&self, key: Option<&SortKey>) -> Vec<usize> {
        self.streams.iter().enumerate().filter(|(_, s)| s.blocks(key)).map(|(i, _)| i).collect()
    }

    /// Whether every stream is exhausted and nothing is left to show.
    pub fn finished(&self) -> bool {
        self.streams.iter().all(|s| !s.more && s.buffer.is_empty())
    }

    /// Takes (shows) every buffered item at or above `upto` — which must be safe, i.e. at or
    /// above the bound of [`Merger::ready`] — newest first, and moves the watermark there.
    pub fn take(&mut self, upto: &SortKey) -> Vec<Candidate> {
        let order = self.order(Some(upto));
        let out =
            order.into_iter().filter_map(|i| self.streams[i].buffer.pop_front().map(|(c, _)| c)).collect();
        if self.watermark.as_ref().is_none_or(|w| upto < w) {
            self.watermark = Some(upto.clone());
        }
        out
    }

    /// The cursor of the next page, or `None` when the feed has nothing more.
    pub fn cursor<M: Serialize>(&self, fingerprint: u64, memory: &M) -> Result<Option<String>, Error> {
        if self.finished() {
            return Ok(None);
        }
        // Streams with nothing left are left out: a feed of hundreds of quiet posters, most
        // of them read to their end on the first page, keeps a short cursor.
        let streams = self
            .streams
            .iter()
            .filter_map(|s| {
                let (cursor, clamp) = match s.buffer.front() {
                    Some((_, page)) => (page.cursor.clone(), page.clamp),
                    None if s.more => (s.next.clone(), s.clamp),
                    None => return None,
                };
                Some(WireStream {
                    source: s.spec.source,
                    sub: s.spec.sub.clone(),
                    cursor,
                    clamp,
                    done: false,
                })
            })
            .collect();
        let memory = serde_json::to_string(memory).map_err(|e| Error::InvalidInput(e.to_string()))?;
        let memory = RawValue::from_string(memory).map_err(|e| Error::InvalidInput(e.to_string()))?;
        let wire = WireCursor {
            v: CURSOR_VERSION,
            f: format!("{fingerprint:016x}"),
            w: self.watermark.clone(),
            s: streams,
            m: memory,
        };
        let json = serde_json::to_string(&wire).map_err(|e| Error::InvalidInput(e.to_string()))?;
        Ok(Some(base64url_encode(json.as_bytes())))
    }

    /// The feed where `cursor` left it, with the engine's memory. The cursor must come from
    /// this same definition (`fingerprint`); anything else is an `InvalidInput` error.
    pub fn from_cursor<M: DeserializeOwned>(cursor: &str, fingerprint: u64) -> Result<(Merger, M), Error> {
        let bad = || {
            Error::InvalidInput(
                "this feed's page cursor is damaged or belongs to another feed; start the feed again from the top"
                    .into(),
            )
        };
        let bytes = base64url_decode(cursor.trim()).ok_or_else(bad)?;
        let text = std::str::from_utf8(&bytes).map_err(|_| bad())?;
        let wire: WireCursor = serde_json::from_str(text).map_err(|_| bad())?;
        if wire.v != CURSOR_VERSION || wire.f != format!("{fingerprint:016x}") {
            return Err(bad());
        }
        let memory: M = serde_json::from_str(wire.m.get()).map_err(|_| bad())?;
        let streams = wire
            .s
            .into_iter()
            .map(|w| Stream::new(StreamSpec { source: w.source, sub: w.sub }, w.cursor, w.clamp, !w.done))
            .collect();
        Ok((Merger { streams, watermark: wire.w }, memory))
    }
}

#[derive(Serialize, Deserialize)]
struct WireStream {
    #[serde(rename = "i")]
    source: u16,
    #[serde(rename = "a", default, skip_serializing_if = "Option::is_none")]
    sub: Option<String>,
    #[serde(rename = "c", default, skip_serializing_if = "Option::is_none")]
    cursor: Option<String>,
    #[serde(rename = "t", default, skip_serializing_if = "Option::is_none")]
    clamp: Option<i64>,
    #[serde(rename = "d", default, skip_serializing_if = "std::ops::Not::not")]
    done: bool,
}

#[derive(Serialize, Deserialize)]
struct WireCursor {
    v: u32,
    f: String,
    #[serde(default)]
    w: Option<SortKey>,
    s: Vec<WireStream>,
    m: Box<RawValue>,
}

/// Which items of a page a stream shows (the others still move its frontier).
pub type Keep = Rc<dyn Fn(&FeedViewPost) -> bool>;

/// One page of one stream, as fetched.
pub struct Page {
    /// The items, as the server sent them, in its order.
    pub items: Vec<FeedItem>,
    /// The API cursor of the page after this one (`None`: the last page).
    pub next: Option<String>,
    /// Which items the stream shows (e.g. only the mutuals' posts of the home timeline, no
    /// reposts from an author); `None`: all.
    pub keep: Option<Keep>,
}

impl Page {
    /// A page whose items are all shown.
    pub fn new(items: Vec<FeedItem>, next: Option<String>) -> Page {
        Page { items, next, keep: None }
    }
}

/// What a fetch function answers for one page of one stream.
pub type Fetched = Result<Page, Error>;

/// What [`fill`] did: the posts the page shows (in merge order, already taken from the
/// merger), the pages fetched, and the streams whose fetch failed.
pub struct Filled {
    /// The candidates taken for this page, newest first.
    pub taken: Vec<Candidate>,
    /// How many pages were fetched.
    pub pages: usize,
    /// Streams whose fetch failed, with the error.
    pub failures: Vec<(usize, Error)>,
}

/// Fetches what one page of the feed needs and takes it from `merger`.
///
/// `fetch(stream, cursor)` fetches one page of a stream. `keep(ready)` tells which of the
/// safe candidates the page would show (the engine's filters, dedupe and cap, run on a
/// copy): the keys of the posts kept, in order. Streams that block are fetched in parallel
/// rounds until `limit` posts are safe, everything is exhausted, or `budget` pages were
/// fetched (the first round always fetches every stream it needs). Then the page is cut at
/// its `limit`-th kept post (or at the last safe candidate) and everything above is taken.
pub async fn fill<F, Fut, K>(
    merger: &mut Merger,
    limit: usize,
    budget: usize,
    fetch: F,
    mut keep: K,
) -> Filled
where
    F: Fn(usize, Option<String>) -> Fut,
    Fut: Future<Output = Fetched>,
    K: FnMut(Vec<Candidate>) -> Vec<SortKey>,
{
    let limit = limit.max(1);
    let mut pages = 0usize;
    let mut failures = Vec::new();
    let mut first_round = true;
    loop {
        // The key of the `limit`-th post among everything buffered, if there are that many.
        let kept_all = keep(merger.buffered());
        let target = kept_all.get(limit - 1).cloned();
        let wanted = merger.blocking(target.as_ref());
        if wanted.is_empty() || (!first_round && pages >= budget) {
            break;
        }
        first_round = false;
        let fetches: Vec<_> = wanted
            .iter()
            .map(|&i| {
                let cursor = merger.next_cursor(i).map(str::to_owned);
                let fut = fetch(i, cursor.clone());
                async move { (i, cursor, fut.await) }
            })
            .collect();
        for (i, cursor, result) in join_all(fetches).await {
            pages += 1;
            match result {
                Ok(page) => merger.add_page(i, cursor, page),
                Err(e) => {
                    let retry = matches!(
                        e.kind(),
                        ErrorKind::Network | ErrorKind::Timeout | ErrorKind::Server | ErrorKind::RateLimited
                    );
                    merger.fail(i, retry);
                    failures.push((i, e));
                }
            }
        }
    }
    let ready = merger.ready();
    let kept = keep(ready.clone());
    let cut = match kept.get(limit - 1) {
        Some(k) => Some(k.clone()),
        None => ready.last().map(|c| c.key.clone()),
    };
    let taken = match cut {
        Some(k) => merger.take(&k),
        None => Vec::new(),
    };
    Filled { taken, pages, failures }
}

/// A 64-bit FNV-1a hash: the definition's fingerprint in its cursors.
pub fn fingerprint(text: &str) -> u64 {
    text.bytes().fold(0xcbf2_9ce4_8422_2325u64, |h, b| (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3))
}

const B64: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/// base64url without padding.
fn base64url_encode(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let n = chunk.iter().enumerate().fold(0u32, |n, (i, &b)| n | u32::from(b) << (16 - 8 * i));
        for i in 0..=chunk.len() {
            out.push(B64[(n >> (18 - 6 * i) & 63) as usize] as char);
        }
    }
    out
}

/// Reads base64url without padding; `None` for anything else.
fn base64url_decode(text: &str) -> Option<Vec<u8>> {
    let value = |c: u8| B64.iter().position(|&x| x == c).map(|v| v as u32);
    if text.len() % 4 == 1 {
        return None;
    }
    let mut out = Vec::with_capacity(text.len() * 3 / 4);
    for chunk in text.as_bytes().chunks(4) {
        let n = chunk.iter().enumerate().try_fold(0u32, |n, (i, &c)| Some(n | value(c)? << (18 - 6 * i)))?;
        for i in 0..chunk.len() - 1 {
            out.push((n >> (16 - 8 * i)) as u8);
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64url_round_trips_every_length() {
        for len in 0..40u8 {
            let bytes: Vec<u8> = (0..len).map(|i| i.wrapping_mul(37).wrapping_add(200)).collect();
            let text = base64url_encode(&bytes);
            assert!(text.bytes().all(|c| B64.contains(&c)), "{text}");
            assert_eq!(base64url_decode(&text), Some(bytes));
        }
        assert_eq!(base64url_encode(b"hi?"), "aGk_");
        assert_eq!(base64url_decode("a"), None);
        assert_eq!(base64url_decode("a=b="), None);
    }
}
