//! Benchmark: the feed engine over 10,000 candidate posts, natively (budget 5 ms; the wasm
//! budget is 15 ms). Run with `cargo run --release -p skypanel-core --example bench_feeds`.
//!
//! The posts are synthetic, from a fixed-seed generator: text of 4–38 everyday words (some
//! non-ASCII), about 6% of posts on the filter's topic and 5% with a muted word, 400
//! authors, images with alt text, videos, link cards, quotes, four languages, like and
//! repost counts, replies, and reposts of the same posts by other accounts (so dedupe has
//! work). One run = `Engine::new` + `filter` (moderation; text words + regex; media; lang;
//! min likes; reposts from two accounts; muted words, five of them) + dedupe + the
//! per-author cap + the hot sort + collapse. Building the candidates is not timed.
//! Prints one JSON line: {"posts", "runs", "kept", "blocks", "median_ms", "p95_ms",
//! "cpu_mean_ms", "filter_ms", "passing_ms", "free_ms", "budget_ms", "verdict"}:
//! - `median_ms`, `p95_ms`: wall clock of a whole run;
//! - `cpu_mean_ms`: the mean time on a CPU per run (Linux; null elsewhere), the figure to
//!   trust on a busy shared machine;
//! - `filter_ms`: the median of the filter stage alone;
//! - `passing_ms`: the same filters through `Engine::passing`, which moves and frees
//!   nothing: the engine's own work;
//! - `free_ms`: how long merely freeing as many posts as the run drops takes (the memory
//!   allocator's share, included in `median_ms` and `filter_ms`).
//!
//! The verdict is "met" when `median_ms` is within the budget, "MISSED" otherwise.

use std::time::Instant;

use serde_json::{json, Value};
use skypanel_core::feeds::definition::parse;
use skypanel_core::feeds::engine::{collapse, sort, Context, Engine, Memory};
use skypanel_core::feeds::moderation::Moderation;
use skypanel_core::feeds::{Candidate, SortKey};
use skypanel_core::library::time::format_rfc3339;
use skypanel_core::model::FeedViewPost;

const POSTS: usize = 10_000;
const RUNS: usize = 40;
const BUDGET_MS: f64 = 5.0;
const NOW: i64 = 1_796_000_000_000;
const MINUTE: i64 = 60_000;

/// xorshift64*: a tiny deterministic generator, so every run sees the same posts.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len())]
    }
    fn chance(&mut self, percent: usize) -> bool {
        self.below(100) < percent
    }
}

/// Everyday words: most of a timeline's text.
const WORDS: &[&str] = &[
    "the",
    "a",
    "and",
    "of",
    "to",
    "in",
    "is",
    "for",
    "on",
    "with",
    "this",
    "that",
    "today",
    "just",
    "really",
    "great",
    "browser",
    "bluesky",
    "feed",
    "thread",
    "photo",
    "camera",
    "harbour",
    "boat",
    "river",
    "coffee",
    "morning",
    "weekend",
    "release",
    "update",
    "bug",
    "fix",
    "build",
    "compiler",
    "server",
    "music",
    "album",
    "guitar",
    "book",
    "novel",
    "garden",
    "tomato",
    "rain",
    "winter",
    "policy",
    "science",
    "climate",
    "ocean",
    "planet",
    "match",
    "goal",
    "recipe",
    "bread",
    "school",
    "research",
    "data",
    "city",
    "train",
    "bicycle",
    "museum",
    "film",
    "podcast",
    "article",
    "thanks",
    "love",
    "funny",
    "weird",
    "new",
    "old",
    "good",
    "bad",
    "people",
    "time",
    "year",
    "day",
    "week",
    "night",
    "work",
    "home",
    "friend",
    "family",
    "game",
    "story",
    "news",
    "world",
    "water",
    "light",
    "sun",
    "dog",
    "cat",
    "bird",
    "tree",
    "food",
    "tea",
    "walk",
    "read",
    "write",
    "think",
    "know",
    "see",
    "look",
    "want",
    "need",
    "feel",
    "try",
    "make",
    "take",
    "come",
    "go",
    "10",
    "3",
    "2024",
    "ok",
    "yes",
    "no",
    "why",
    "how",
    "what",
    "when",
    "here",
    "there",
    "now",
    "still",
    "café",
    "naïve",
    "über",
    "東京",
    "日本語",
    "привет",
    "καλημέρα",
    "🚀",
    "(really)",
    "don't",
    "it's",
];
/// Words the bench's text filter and regex look for: a topic a few posts in a hundred are about.
const TOPIC: &[&str] = &["rocket", "launch", "moon", "telescope", "liftoff!", "T-minus 10", "#space"];
/// The bench's muted words, each in about one post in a hundred.
const MUTED: &[&str] = &["football", "election", "(spoilers)", "straße", "bug fix"];
const LANGS: &[&str] = &["en", "en", "en", "de", "ja", "pt-BR"];

fn sentence(rng: &mut Rng, words: usize) -> String {
    let mut text: Vec<&str> = (0..words).map(|_| rng.pick(WORDS)).collect();
    // A topic post mentions it a few times; a muted word turns up here and there.
    if rng.chance(6) {
        for _ in 0..1 + rng.below(3) {
            let at = rng.below(text.len() + 1);
            text.insert(at, rng.pick(TOPIC));
        }
    }
    if rng.chance(5) {
        let at = rng.below(text.len() + 1);
        text.insert(at, rng.pick(MUTED));
    }
    text.join(" ")
}

fn profile(i: usize, following: bool) -> Value {
    let viewer = if following {
        json!({"following": "at://did:plc:viewer/app.bsky.graph.follow/x"})
    } else {
        json!({})
    };
    json!({"did": format!("did:plc:author{i:05}"), "handle": format!("author{i}.test"), "viewer": viewer})
}

fn embed(rng: &mut Rng) -> Option<Value> {
    Some(match rng.below(10) {
        0 | 1 => json!({"$type": "app.bsky.embed.images#view", "images": [
            {"thumb": "https://cdn.test/t", "fullsize": "https://cdn.test/f", "alt": sentence(rng, 6)},
            {"thumb": "https://cdn.test/t", "fullsize": "https://cdn.test/f", "alt": ""}]}),
        2 => {
            json!({"$type": "app.bsky.embed.video#view", "cid": "bafyv", "playlist": "https://v.test/p.m3u8", "alt": sentence(rng, 4)})
        }
        3 => {
            json!({"$type": "app.bsky.embed.external#view", "external": {"uri": "https://news.example.com/a/b",
            "title": sentence(rng, 6), "description": sentence(rng, 14)}})
        }
        4 => {
            json!({"$type": "app.bsky.embed.record#view", "record": {"$type": "app.bsky.embed.record#viewRecord",
            "uri": "at://did:plc:q/app.bsky.feed.post/q", "cid": "bafyq", "author": profile(1, false),
            "value": {"$type": "app.bsky.feed.post", "text": sentence(rng, 10), "createdAt": format_rfc3339(NOW)},
            "indexedAt": format_rfc3339(NOW)}})
        }
        _ => return None,
    })
}

fn post(rng: &mut Rng, i: usize) -> Value {
    let author = rng.below(400);
    let created = NOW - rng.below(72 * 60) as i64 * MINUTE;
    let text_len = 4 + rng.below(35);
    let mut record = json!({"$type": "app.bsky.feed.post", "text": sentence(rng, text_len),
        "createdAt": format_rfc3339(created), "langs": [rng.pick(LANGS)]});
    if rng.chance(10) {
        record["facets"] = json!([{"index": {"byteStart": 0, "byteEnd": 3},
            "features": [{"$type": "app.bsky.richtext.facet#tag", "tag": rng.pick(&["space", "rust", "news"])}]}]);
    }
    let mut p = json!({"uri": format!("at://did:plc:author{author:05}/app.bsky.feed.post/p{i}"), "cid": format!("bafy{i}"),
        "author": profile(author, rng.chance(50)), "record": record, "indexedAt": format_rfc3339(created),
        "likeCount": rng.below(40), "repostCount": rng.below(8), "replyCount": rng.below(6)});
    if let Some(e) = embed(rng) {
        p["embed"] = e;
    }
    p
}

fn candidates() -> Vec<Candidate> {
    let mut rng = Rng(0x5eed_feed_0000_0001);
    let mut out = Vec::with_capacity(POSTS);
    let mut originals: Vec<Value> = Vec::new();
    for i in 0..POSTS {
        let item = if i % 20 == 19 && !originals.is_empty() {
            // A repost of an earlier post, by another account.
            let original = originals[rng.below(originals.len())].clone();
            let by = rng.below(400);
            json!({"post": original, "reason": {"$type": "app.bsky.feed.defs#reasonRepost", "by": profile(by, true),
                   "indexedAt": format_rfc3339(NOW - rng.below(60) as i64 * MINUTE)}})
        } else {
            let p = post(&mut rng, i);
            originals.push(p.clone());
            let mut item = json!({ "post": p });
            if rng.chance(15) {
                let parent = json!({"$type": "app.bsky.feed.defs#postView", "uri": "at://did:plc:author00002/app.bsky.feed.post/parent",
                    "cid": "bafyparent", "author": profile(2, true), "record": {"text": "parent", "createdAt": format_rfc3339(NOW)},
                    "indexedAt": format_rfc3339(NOW)});
                item["reply"] = json!({"root": parent, "parent": parent});
            }
            item
        };
        let text = item.to_string();
        let view: FeedViewPost = serde_json::from_str(&text).expect("synthetic items are valid");
        let time_ms = item
            .pointer("/reason/indexedAt")
            .or_else(|| item.pointer("/post/indexedAt"))
            .and_then(Value::as_str)
            .and_then(skypanel_core::library::time::parse_rfc3339)
            .unwrap_or(0);
        let id = match view.reposted_by() {
            Some(by) => format!("{}#repost:{}", view.post.uri, by.did),
            None => view.post.uri.clone(),
        };
        let reposted_by = view.reposted_by().map(|b| vec![b.handle.clone()]).unwrap_or_default();
        out.push(Candidate {
            raw: serde_json::value::RawValue::from_string(text).expect("valid JSON"),
            view,
            key: SortKey { time_ms, id },
            sources: vec![(i % 3) as u16],
            reposted_by,
        });
    }
    // The merger hands the engine items newest first.
    out.sort_by(|a, b| b.key.cmp(&a.key));
    out
}

/// Nanoseconds this thread has spent on a CPU (Linux; the kernel may count in ticks, so
/// only sums over many runs are precise); `None` elsewhere.
fn cpu_ns() -> Option<u64> {
    let text = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    text.split_whitespace().next()?.parse().ok()
}

fn median(v: &mut [f64]) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

fn main() {
    let definition = r#"{"format": "skypanel.feed", "version": 1, "name": "bench",
        "sources": [{"kind": "timeline"}, {"kind": "search", "q": "rocket"}, {"kind": "saved"}],
        "filters": [
            {"kind": "text", "any": ["rocket", "launch", "moon", "telescope", "liftoff"], "regex": "T-minus \\d+|#space"},
            {"kind": "media", "has": ["images", "video", "link", "none"]},
            {"kind": "lang", "in": ["en", "de"]},
            {"kind": "min", "likes": 3},
            {"kind": "reposts", "keep": false, "from": ["author7.test", "did:plc:author00011"]},
            {"kind": "mutedWords"}
        ],
        "sort": "hot", "dedupe": true, "perAuthor": 5, "collapse": {"mode": "bundle", "threshold": 3}}"#;
    let (def, problems) = parse(definition).expect("the bench definition is valid");
    assert!(problems.is_empty(), "{problems:?}");
    let words = ["football", "election", "spoilers", "straße", "bug fix"];
    let items: Vec<Value> = words
        .iter()
        .map(|w| json!({"value": w, "targets": ["content", "tag"], "actorTarget": "all"}))
        .collect();
    let prefs = vec![json!({"$type": "app.bsky.actor.defs#mutedWordsPref", "items": items})];
    let (moderation, _) = Moderation::from_preferences(&prefs, NOW);
    let ctx = Context { now_ms: NOW, moderation, ..Context::default() };
    let all = candidates();

    let mut times = Vec::with_capacity(RUNS);
    let mut filter_times = Vec::with_capacity(RUNS);
    let mut free_times = Vec::with_capacity(RUNS);
    let mut passing_times = Vec::with_capacity(RUNS);
    let mut cpu_total: Option<u64> = Some(0);
    let (mut kept, mut blocks) = (0, 0);
    for _ in 0..RUNS {
        let input = all.clone();
        let cpu_start = cpu_ns();
        let start = Instant::now();
        let mut steps = Vec::new();
        let (engine, _) = Engine::new(&def, &ctx);
        let page = engine.filter(input, &mut steps);
        let filtered = start.elapsed();
        let mut memory = Memory::default();
        let page = memory.dedupe(page, &mut steps);
        let mut page = memory.cap_per_author(page, def.per_author.unwrap_or(u32::MAX), &mut steps);
        sort(&mut page, def.sort, ctx.now_ms);
        let folded = collapse(&page, def.collapse.unwrap_or_default());
        times.push(start.elapsed().as_secs_f64() * 1000.0);
        cpu_total = cpu_total.zip(cpu_start).zip(cpu_ns()).map(|((total, a), b)| total + (b - a));
        filter_times.push(filtered.as_secs_f64() * 1000.0);
        kept = page.len();
        blocks = folded.len();
        // The allocator's share: free as many posts as the run dropped, nothing else.
        let dropped: Vec<Candidate> = all.iter().take(POSTS - kept).cloned().collect();
        let start = Instant::now();
        drop(dropped);
        free_times.push(start.elapsed().as_secs_f64() * 1000.0);
        let start = Instant::now();
        let (engine, _) = Engine::new(&def, &ctx);
        let passing = engine.passing(&all, &mut Vec::new());
        passing_times.push(start.elapsed().as_secs_f64() * 1000.0);
        assert!(passing.len() >= kept);
    }
    let p95 = {
        let mut t = times.clone();
        t.sort_by(f64::total_cmp);
        t[RUNS * 95 / 100]
    };
    let median_ms = median(&mut times);
    let cpu_mean = cpu_total.map_or("null".to_owned(), |ns| format!("{:.3}", ns as f64 / RUNS as f64 / 1e6));
    let verdict = if median_ms <= BUDGET_MS { "met" } else { "MISSED" };
    println!(
        "{{\"posts\": {POSTS}, \"runs\": {RUNS}, \"kept\": {kept}, \"blocks\": {blocks}, \"median_ms\": {median_ms:.3}, \"p95_ms\": {p95:.3}, \"cpu_mean_ms\": {cpu_mean}, \"filter_ms\": {:.3}, \"passing_ms\": {:.3}, \"free_ms\": {:.3}, \"budget_ms\": {BUDGET_MS}, \"verdict\": \"{verdict}\"}}",
        median(&mut filter_times),
        median(&mut passing_times),
        median(&mut free_times),
    );
}
