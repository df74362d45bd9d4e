//! People computed from the viewer's follows: **mutuals** (followed accounts that follow the
//! viewer back) and **quiet posters** (followed accounts that post rarely), and the members
//! of a list. Results are cached through the [`Host`] for a day.
//!
//! ## Quiet posters, measured
//! For each followed account, its own posts (`getAuthorFeed` with `posts_no_replies`: what a
//! quiet-posters feed shows; reposts are not posts and are not counted) are read page by page
//! (100 a page) until the window is covered: rate = posts whose record `createdAt` is in the
//! last `days` days ÷ `days`. Reading stops early once the count alone exceeds the limit
//! (not quiet) — so an account whose first page of 100 is entirely inside a 30-day window
//! posts at least 3.3 a day and is never taken for quiet. An account with no posts in the
//! window is quiet. At most [`MAX_RATE_PAGES`] pages are read per account; if the window is
//! still not covered the account posts too much to be quiet under any sensible limit, and
//! is not counted as quiet.
//!
//! Before any of that, the follows' profiles are read (25 a request): an account whose
//! `postsCount` (all its posts ever, replies included) is within what the window allows
//! cannot exceed the limit, and is quiet without its feed being read — over 1,000 follows,
//! most quiet accounts cost a 25th of a request.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;

use super::fetch::Host;
use super::limit::join_all;
use crate::library::time::parse_rfc3339;
use crate::model::{FeedItem, FeedViewPost, ProfileViewBasic, Reason};
use crate::xrpc::{Auth, AuthorFilter, Client, FeedSource, Transport};
use crate::Error;

/// How long mutuals and quiet posters are reused from the cache: a day.
pub const CACHE_MS: i64 = 24 * 60 * 60 * 1000;
/// Most members of a list a `listMembers` source reads.
pub const MAX_LIST_MEMBERS: usize = 150;
/// Most author-feed pages read per account to measure its posting rate.
pub const MAX_RATE_PAGES: usize = 3;
/// The author-feed filter the posting rate is measured on (replies are not counted).
pub const QUIET_FILTER: AuthorFilter = AuthorFilter::PostsNoReplies;
const DAY_MS: f64 = 86_400_000.0;

/// A cached list of accounts: when it was computed and the accounts' DIDs.
#[derive(Serialize, Deserialize)]
struct Cached {
    at: i64,
    dids: Vec<String>,
}

async fn cached<H: Host>(host: &H, key: &str, now_ms: i64) -> Option<Vec<String>> {
    let text = host.cache_get(key).await?;
    let c: Cached = serde_json::from_str(&text).ok()?;
    (now_ms - c.at < CACHE_MS && c.at <= now_ms).then_some(c.dids)
}

async fn remember<H: Host>(host: &H, key: &str, now_ms: i64, dids: &[String]) {
    if let Ok(text) = serde_json::to_string(&Cached { at: now_ms, dids: dids.to_vec() }) {
        host.cache_put(key, &text).await;
    }
}

/// Everyone `viewer` follows, all pages (100 a page), reporting progress as `label`.
pub async fn follows<T: Transport, H: Host>(
    client: &Client<T>,
    host: &H,
    viewer: &str,
    label: &str,
) -> Result<Vec<ProfileViewBasic>, Error> {
    // The profile's count gives the progress bar its end; a failure only loses the bar.
    // (Only the count is read: the whole profile view's parser would grow the wasm.)
    #[derive(Deserialize)]
    struct Counts {
        #[serde(rename = "followsCount", default)]
        follows_count: Option<u64>,
    }
    let counts = client.query("app.bsky.actor.getProfile", &[("actor", viewer)], Auth::Optional).await;
    let total = counts
        .ok()
        .and_then(|b| crate::model::from_json_bytes::<Counts>(&b).ok())
        .and_then(|c| c.follows_count)
        .unwrap_or(0) as usize;
    let mut out: Vec<ProfileViewBasic> = Vec::new();
    let mut cursor: Option<String> = None;
    host.progress(label, 0, total);
    loop {
        let (page, next) = client.get_follows(viewer, 100, cursor.as_deref()).await?;
        let got = page.len();
        out.extend(page);
        host.progress(label, out.len(), total.max(out.len()));
        match next {
            Some(n) if got > 0 && Some(&n) != cursor.as_ref() => cursor = Some(n),
            _ => return Ok(out),
        }
    }
}

/// The DIDs of the viewer's mutuals: followed accounts whose profile view says they follow
/// the viewer back (`viewer.followedBy`). Cached for a day under `feeds:mutuals:<viewer>`.
pub async fn mutuals<T: Transport, H: Host>(
    client: &Client<T>,
    host: &H,
    viewer: &str,
    now_ms: i64,
) -> Result<Vec<String>, Error> {
    let key = format!("feeds:mutuals:{viewer}");
    if let Some(dids) = cached(host, &key, now_ms).await {
        return Ok(dids);
    }
    let all = follows(client, host, viewer, "mutuals").await?;
    let dids: Vec<String> = all
        .into_iter()
        .filter(|p| p.viewer.as_ref().is_some_and(|v| v.followed_by.is_some()))
        .map(|p| p.did)
        .collect();
    remember(host, &key, now_ms, &dids).await;
    Ok(dids)
}

/// What measuring one account's posting rate found.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Rate {
    /// Posts a day over the window, measured on every post in it.
    Measured(f64),
    /// At least this many posts a day: reading stopped before the window was covered.
    AtLeast(f64),
}

impl Rate {
    /// Whether an account posting at this rate is quiet under `max_per_day`.
    pub fn is_quiet(self, max_per_day: f64) -> bool {
        match self {
            Rate::Measured(r) => r <= max_per_day,
            Rate::AtLeast(_) => false,
        }
    }
}

/// The time a post was written: its record's `createdAt`, else when it was indexed.
fn written_ms(item: &FeedViewPost) -> Option<i64> {
    item.post.created_at().and_then(parse_rfc3339).or_else(|| parse_rfc3339(&item.post.indexed_at))
}

/// Counts `author`'s own posts (not reposts) written in the window `[since_ms, …)` among
/// `items`; and whether the items reach back past the window's start.
pub fn count_in_window(items: &[FeedViewPost], author: &str, since_ms: i64) -> (usize, bool) {
    let mut count = 0;
    let mut covered = false;
    for item in items {
        if matches!(item.reason, Some(Reason::Repost(_))) {
            continue;
        }
        match written_ms(item) {
            Some(t) if t >= since_ms => {
                if item.post.author.did == author || item.post.author.handle == author {
                    count += 1;
                }
            }
            _ => covered = true,
        }
    }
    (count, covered)
}

/// One account's measured posting rate.
#[derive(Debug, Clone, PartialEq)]
pub struct Measured {
    /// The account's DID.
    pub did: String,
    /// Its rate.
    pub rate: Rate,
}

/// Measures one account's posting rate over the last `days` days (see the module's doc).
pub async fn measure<T: Transport>(
    client: &Client<T>,
    did: &str,
    days: u32,
    max_per_day: f64,
    now_ms: i64,
) -> Result<Measured, Error> {
    let days_f = f64::from(days.max(1));
    let since = now_ms - (days_f * DAY_MS) as i64;
    let source = FeedSource::Author { actor: did.to_owned(), filter: QUIET_FILTER, include_pins: false };
    let mut cursor: Option<String> = None;
    let mut count = 0usize;
    for _ in 0..MAX_RATE_PAGES {
        let page = client.feed_page(&source, 100, cursor.as_deref()).await?;
        let views: Vec<FeedViewPost> = page.feed.iter().map(|i| i.view.clone()).collect();
        let (n, covered) = count_in_window(&views, did, since);
        count += n;
        let next = page.cursor.clone().filter(|c| !page.feed.is_empty() && Some(c) != cursor.as_ref());
        let rate = count as f64 / days_f;
        if covered || next.is_none() {
            return Ok(Measured { did: did.to_owned(), rate: Rate::Measured(rate) });
        }
        if rate > max_per_day {
            return Ok(Measured { did: did.to_owned(), rate: Rate::AtLeast(rate) });
        }
        cursor = next;
    }
    Ok(Measured { did: did.to_owned(), rate: Rate::AtLeast(count as f64 / days_f) })
}

#[derive(Deserialize)]
struct PostCount {
    did: String,
    #[serde(rename = "postsCount", default)]
    posts_count: Option<u64>,
}

#[derive(Deserialize)]
struct PostCounts {
    profiles: Vec<PostCount>,
}

/// The post counts of up to 25 accounts (`getProfiles`; only the counts are read: the whole
/// profile view's parser would grow the wasm).
async fn post_counts<T: Transport>(
    client: &Client<T>,
    actors: &[(&str, &str)],
) -> Result<Vec<PostCount>, Error> {
    const METHOD: &str = "app.bsky.actor.getProfiles";
    let bytes = client.query(METHOD, actors, Auth::Optional).await?;
    let page: PostCounts = crate::model::from_json_bytes(&bytes)
        .map_err(|e| Error::Malformed { method: METHOD.into(), detail: e.to_string() })?;
    Ok(page.profiles)
}

/// Quiet posters among the viewer's follows.
pub struct Quiet {
    /// The quiet accounts' DIDs, in the order of the viewer's follows.
    pub dids: Vec<String>,
}

/// The viewer's quiet posters: followed accounts posting at most `max_per_day` posts a day
/// over the last `days` days. First the follows' profiles (25 a request): an account with
/// no more posts in all than the window allows (`postsCount` ≤ `max_per_day × days`) cannot
/// have more in the window, and is quiet without reading its feed; the others are measured
/// ([`measure`]). Accounts whose profile or feed cannot be read are left out. Cached for a
/// day under `feeds:quiet:<viewer>:<days>:<max_per_day>`.
pub async fn quiet<T: Transport, H: Host>(
    client: &Client<T>,
    host: &H,
    viewer: &str,
    days: u32,
    max_per_day: f64,
    now_ms: i64,
) -> Result<Quiet, Error> {
    const LABEL: &str = "quiet posters";
    let key = format!("feeds:quiet:{viewer}:{days}:{max_per_day}");
    if let Some(dids) = cached(host, &key, now_ms).await {
        return Ok(Quiet { dids });
    }
    let all = follows(client, host, viewer, LABEL).await?;
    let total = all.len();
    let done = std::cell::Cell::new(0usize);
    let tick = |n: usize| {
        done.set(done.get() + n);
        host.progress(LABEL, done.get().min(total), total);
    };
    host.progress(LABEL, 0, total);
    let allowed = (max_per_day * f64::from(days.max(1))).floor();
    let batches: Vec<Vec<(&str, &str)>> = all
        .chunks(crate::xrpc::MAX_BATCH)
        .map(|c| c.iter().map(|p| ("actors", p.did.as_str())).collect())
        .collect();
    let counted = join_all(batches.iter().map(|b| post_counts(client, b)).collect()).await;
    let mut posts: HashMap<String, u64> = HashMap::new();
    let mut first_error = None;
    for result in counted {
        match result {
            Ok(profiles) => {
                posts.extend(profiles.into_iter().map(|p| (p.did, p.posts_count.unwrap_or(u64::MAX))))
            }
            Err(e) => {
                first_error.get_or_insert(e);
            }
        }
    }
    if posts.is_empty() && total > 0 {
        return Err(first_error.unwrap_or_else(|| Error::InvalidInput("no follows could be read".into())));
    }
    let (sure, unsure): (Vec<&ProfileViewBasic>, Vec<&ProfileViewBasic>) =
        all.iter().filter(|p| posts.contains_key(&p.did)).partition(|p| posts[&p.did] as f64 <= allowed);
    tick(total - unsure.len());
    let measured = join_all(
        unsure
            .iter()
            .map(|p| async {
                let m = measure(client, &p.did, days, max_per_day, now_ms).await;
                tick(1);
                m
            })
            .collect(),
    )
    .await;
    let quiet_measured: std::collections::HashSet<String> = measured
        .into_iter()
        .filter_map(|m| m.ok().filter(|m| m.rate.is_quiet(max_per_day)).map(|m| m.did))
        .collect();
    let sure: std::collections::HashSet<&str> = sure.iter().map(|p| p.did.as_str()).collect();
    let dids: Vec<String> = all
        .iter()
        .filter(|p| sure.contains(p.did.as_str()) || quiet_measured.contains(&p.did))
        .map(|p| p.did.clone())
        .collect();
    remember(host, &key, now_ms, &dids).await;
    Ok(Quiet { dids })
}

#[derive(Deserialize)]
struct ListPage {
    #[serde(default)]
    cursor: Option<String>,
    items: Vec<ListItem>,
}

#[derive(Deserialize)]
struct ListItem {
    subject: ProfileViewBasic,
}

/// The members of a list (`app.bsky.graph.getList`, all pages up to `max`): their DIDs, and
/// whether the list has more members than that.
pub async fn list_members<T: Transport>(
    client: &Client<T>,
    list_uri: &str,
    max: usize,
) -> Result<(Vec<String>, bool), Error> {
    const METHOD: &str = "app.bsky.graph.getList";
    let mut out: Vec<String> = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let mut params = vec![("list", list_uri), ("limit", "100")];
        if let Some(c) = &cursor {
            params.push(("cursor", c.as_str()));
        }
        let bytes = client.query(METHOD, &params, Auth::Optional).await?;
        let page: ListPage = crate::model::from_json_bytes(&bytes)
            .map_err(|e| Error::Malformed { method: METHOD.into(), detail: e.to_string() })?;
        let got = page.items.len();
        for item in page.items {
            if out.len() == max {
                return Ok((out, true));
            }
            if !out.contains(&item.subject.did) {
                out.push(item.subject.did);
            }
        }
        match page.cursor {
            Some(n) if got > 0 && Some(&n) != cursor.as_ref() => cursor = Some(n),
            _ => return Ok((out, false)),
        }
    }
}

/// Wraps a bare post view (from search or the library) as a feed item `{"post": …}`, its
/// text kept exactly.
pub fn post_as_item(post_json: &str) -> Result<FeedItem, String> {
    let text = format!("{{\"post\":{post_json}}}");
    let view: FeedViewPost = serde_json::from_str(&text).map_err(|e| e.to_string())?;
    let raw = RawValue::from_string(text).map_err(|e| e.to_string())?;
    Ok(FeedItem { raw, view })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn item(author: &str, created: &str, repost: bool) -> FeedViewPost {
        let reason = if repost {
            r#","reason":{"$type":"app.bsky.feed.defs#reasonRepost","by":{"did":"did:plc:other","handle":"o.test"},"indexedAt":"2026-01-01T00:00:00Z"}"#
        } else {
            ""
        };
        let text = format!(
            r#"{{"post":{{"uri":"at://{author}/app.bsky.feed.post/x","cid":"c","author":{{"did":"{author}","handle":"a.test"}},"record":{{"text":"","createdAt":"{created}"}},"indexedAt":"2026-01-01T00:00:00Z"}}{reason}}}"#
        );
        serde_json::from_str(&text).unwrap()
    }

    #[test]
    fn counts_own_posts_in_the_window_by_their_record_time() {
        let since = parse_rfc3339("2025-12-01T00:00:00Z").unwrap();
        let items = vec![
            item("did:plc:a", "2025-12-20T00:00:00Z", false),
            item("did:plc:a", "2025-12-10T00:00:00Z", true),
            item("did:plc:a", "2025-12-02T00:00:00Z", false),
        ];
        assert_eq!(count_in_window(&items, "did:plc:a", since), (2, false), "reposts do not count");
        let mut older = items.clone();
        older.push(item("did:plc:a", "2025-11-01T00:00:00Z", false));
        assert_eq!(count_in_window(&older, "did:plc:a", since), (2, true), "the window is covered");
    }

    #[test]
    fn a_rate_read_only_in_part_is_never_quiet() {
        assert!(Rate::Measured(0.5).is_quiet(0.5));
        assert!(!Rate::Measured(0.6).is_quiet(0.5));
        assert!(!Rate::AtLeast(0.1).is_quiet(0.5));
    }

    #[test]
    fn bare_post_views_become_feed_items_kept_exactly() {
        let post = r#"{"uri":"at://did:plc:a/app.bsky.feed.post/x","cid":"c","author":{"did":"did:plc:a","handle":"a.test"},"record":{"text":"hé"},"indexedAt":"2026-01-01T00:00:00Z", "zz":1}"#;
        let item = post_as_item(post).unwrap();
        assert_eq!(item.raw.get(), format!("{{\"post\":{post}}}"));
        assert_eq!(item.view.post.text(), "hé");
        assert!(post_as_item("{").is_err());
    }
}
