//! A synthetic set of 10,000 feed candidates and a demanding feed over them, from a
//! fixed-seed generator: shared by the native engine benchmark
//! (`examples/bench_feeds.rs`) and the engine's timing in wasm
//! (`crates/skypanel-feeds-wasm/tests/engine.rs`), so both measure the same work.
//!
//! Text of 4–38 everyday words (some non-ASCII), about 6% of posts on the filter's topic
//! and 5% with a muted word, 400 authors, images with alt text, videos, link cards,
//! quotes, four languages, like and repost counts, replies, and reposts of the same posts
//! by other accounts (so dedupe has work).

use serde_json::{json, Value};
use skypanel_core::feeds::definition::{parse, Definition};
use skypanel_core::feeds::engine::Context;
use skypanel_core::feeds::moderation::Moderation;
use skypanel_core::feeds::{Candidate, SortKey};
use skypanel_core::library::time::format_rfc3339;
use skypanel_core::model::FeedViewPost;

/// How many candidates [`candidates`] makes.
pub const POSTS: usize = 10_000;
/// "Now" for the set: every post is at most three days older.
pub const NOW: i64 = 1_796_000_000_000;
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

/// The candidates, newest first (as the merger hands them to the engine).
pub fn candidates() -> Vec<Candidate> {
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

/// The feed every run applies: text words and a regex, media, language, minimum likes,
/// reposts from two accounts, muted words, dedupe, the per-author cap, the hot sort and
/// collapse; with the viewer's five muted words in its context.
pub fn feed() -> (Definition, Context) {
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
    (def, Context { now_ms: NOW, moderation, ..Context::default() })
}
