//! Benchmark: search a library of 50,000 saved posts, natively (the budget is 50 ms per
//! search; wasm runs about 2× slower).
//! Run with `cargo run --release -p skypanel-core --example bench_library`.
//! The posts are synthetic, from a fixed-seed generator (no external data): varied text
//! with some non-ASCII words, 500 authors, images with alt text, link cards, videos, quotes,
//! tags and notes. Prints one JSON line: {"posts", "save_ms", "index_ms", "haystack_bytes",
//! "runs", "queries": [{"name", "median_ms", "p95_ms", "total"}]}.

use std::time::Instant;

use serde_json::json;
use skypanel_core::library::{DateBasis, Kind, Query, SavedPost, SearchIndex};

const POSTS: usize = 50_000;
const RUNS: usize = 50;
const T0: i64 = 1_640_995_200_000; // 2022-01-01T00:00:00Z
const DAY: i64 = 86_400_000;

/// SplitMix64: a tiny deterministic generator, so every run benchmarks the same library.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
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
    "it",
    "was",
    "at",
    "by",
    "from",
    "new",
    "today",
    "just",
    "really",
    "great",
    "rust",
    "wasm",
    "browser",
    "bluesky",
    "protocol",
    "feed",
    "post",
    "thread",
    "reply",
    "quote",
    "image",
    "video",
    "photo",
    "camera",
    "harbour",
    "boat",
    "river",
    "mountain",
    "coffee",
    "morning",
    "evening",
    "weekend",
    "release",
    "version",
    "update",
    "bug",
    "fix",
    "build",
    "compiler",
    "server",
    "network",
    "open",
    "source",
    "community",
    "music",
    "album",
    "concert",
    "guitar",
    "piano",
    "book",
    "chapter",
    "novel",
    "poem",
    "garden",
    "tomato",
    "rain",
    "sunny",
    "winter",
    "summer",
    "election",
    "policy",
    "science",
    "climate",
    "ocean",
    "rocket",
    "launch",
    "moon",
    "planet",
    "telescope",
    "galaxy",
    "football",
    "match",
    "goal",
    "team",
    "season",
    "recipe",
    "bread",
    "cheese",
    "soup",
    "school",
    "teacher",
    "student",
    "paper",
    "research",
    "data",
    "model",
    "chart",
    "city",
    "train",
    "bicycle",
    "street",
    "market",
    "museum",
    "painting",
    "film",
    "cinema",
    "series",
    "episode",
    "podcast",
    "interview",
    "article",
    "newsletter",
    "link",
    "thanks",
    "congrats",
    "love",
    "wonderful",
    "terrible",
    "funny",
    "weird",
    "café",
    "naïve",
    "élan",
    "straße",
    "über",
    "größe",
    "東京",
    "日本語",
    "こんにちは",
    "привет",
    "мир",
    "καλημέρα",
    "θάλασσα",
    "مرحبا",
    "🚀",
    "🎉",
];
const TAGS: &[&str] = &[
    "rust", "to read", "recipes", "science", "music", "photos", "work", "funny", "later", "space", "climate",
    "books", "film", "travel", "football", "code", "design", "art", "history", "garden",
];
const DOMAINS: &[&str] =
    &["example.com", "blog.example.org", "news.example.net", "docs.example.dev", "video.example.tv"];

fn sentence(rng: &mut Rng, words: usize) -> String {
    (0..words).map(|_| rng.pick(WORDS)).collect::<Vec<_>>().join(" ")
}

fn synthetic_post(rng: &mut Rng, i: usize) -> SavedPost {
    let author = rng.below(500);
    let did = format!("did:plc:author{author:05}");
    let created = T0 + rng.below(3 * 365) as i64 * DAY;
    let text_len = 5 + rng.below(40);
    let mut record = json!({
        "$type": "app.bsky.feed.post",
        "createdAt": skypanel_core::library::time::format_rfc3339(created),
        "text": sentence(rng, text_len),
    });
    let blob = |cid: String, mime: &str| json!({"$type": "blob", "ref": {"$link": cid}, "mimeType": mime, "size": 1000});
    let (view, rec) = match rng.below(100) {
        0..=29 => {
            let n = 1 + rng.below(4);
            let cids: Vec<String> = (0..n).map(|k| format!("bafkreiimg{i:06}x{k}")).collect();
            let alts: Vec<String> = (0..n).map(|_| sentence(rng, 6)).collect();
            let views: Vec<_> = cids
                .iter()
                .zip(&alts)
                .map(|(c, a)| {
                    json!({
                        "thumb": format!("https://cdn.bsky.app/img/feed_thumbnail/plain/{did}/{c}@jpeg"),
                        "fullsize": format!("https://cdn.bsky.app/img/feed_fullsize/plain/{did}/{c}@jpeg"),
                        "alt": a,
                    })
                })
                .collect();
            let recs: Vec<_> = cids
                .iter()
                .zip(&alts)
                .map(|(c, a)| json!({"alt": a, "image": blob(c.clone(), "image/jpeg")}))
                .collect();
            (
                Some(json!({"$type": "app.bsky.embed.images#view", "images": views})),
                Some(json!({"$type": "app.bsky.embed.images", "images": recs})),
            )
        }
        30..=49 => {
            let url = format!("https://{}/{}/{}", rng.pick(DOMAINS), rng.pick(WORDS), i);
            let (title, description) = (sentence(rng, 8), sentence(rng, 20));
            (
                Some(
                    json!({"$type": "app.bsky.embed.external#view", "external": {"uri": url, "title": title, "description": description}}),
                ),
                Some(
                    json!({"$type": "app.bsky.embed.external", "external": {"uri": url, "title": title, "description": description}}),
                ),
            )
        }
        50..=54 => {
            let cid = format!("bafkreivid{i:06}");
            (
                Some(
                    json!({"$type": "app.bsky.embed.video#view", "cid": cid, "playlist": format!("https://video.bsky.app/watch/{did}/{cid}/playlist.m3u8")}),
                ),
                Some(json!({"$type": "app.bsky.embed.video", "video": blob(cid, "video/mp4")})),
            )
        }
        55..=64 => {
            let uri = format!("at://did:plc:author{:05}/app.bsky.feed.post/q{i}", rng.below(500));
            let quoted = json!({
                "$type": "app.bsky.embed.record#viewRecord", "uri": uri, "cid": "bafyreiq",
                "author": {"did": "did:plc:quoted", "handle": "quoted.test"},
                "value": {"$type": "app.bsky.feed.post", "text": sentence(rng, 12), "createdAt": "2022-01-01T00:00:00Z"},
            });
            (
                Some(json!({"$type": "app.bsky.embed.record#view", "record": quoted})),
                Some(json!({"$type": "app.bsky.embed.record", "record": {"uri": uri, "cid": "bafyreiq"}})),
            )
        }
        _ => (None, None),
    };
    if let Some(rec) = rec {
        record["embed"] = rec;
    }
    let mut post = json!({
        "uri": format!("at://{did}/app.bsky.feed.post/r{i:07}"),
        "cid": format!("bafyreipost{i:07}"),
        "author": {
            "did": did,
            "handle": format!("user{author}.bsky.social"),
            "displayName": format!("{} {}", rng.pick(WORDS), rng.pick(WORDS)),
            "avatar": format!("https://cdn.bsky.app/img/avatar/plain/{did}/bafkreiavatar{author:05}@jpeg"),
        },
        "record": record,
        "likeCount": rng.below(1000), "repostCount": rng.below(100), "indexedAt": "2025-01-01T00:00:00.000Z",
    });
    if let Some(view) = view {
        post["embed"] = view;
    }
    let saved_at = created + rng.below(30) as i64 * DAY + rng.below(86_400_000) as i64;
    let mut saved =
        SavedPost::from_post_json(&post.to_string(), saved_at).expect("synthetic posts are valid");
    let tags: Vec<&str> = (0..rng.below(4)).map(|_| rng.pick(TAGS)).collect();
    saved.set_tags(tags);
    if rng.chance(10) {
        saved.note = sentence(rng, 10);
    }
    saved
}

fn time_ms<T>(f: impl FnOnce() -> T) -> (T, f64) {
    let start = Instant::now();
    let out = f();
    (out, start.elapsed().as_secs_f64() * 1000.0)
}

fn main() {
    let mut rng = Rng(0x5eed_5a7e_d000_0001);
    let (posts, save_ms) = time_ms(|| (0..POSTS).map(|i| synthetic_post(&mut rng, i)).collect::<Vec<_>>());
    let (index, index_ms) = time_ms(|| SearchIndex::build(&posts));
    let haystack_bytes: usize = index.entries().iter().map(|e| e.haystack.len()).sum();

    let q = |text: &str| Query { text: text.into(), ..Query::default() };
    let queries: Vec<(&str, Query)> = vec![
        ("newest page, no filter", Query::default()),
        ("one common word", q("coffee")),
        ("two words", q("rocket launch")),
        ("rare word", q("telescope galaxy moon")),
        ("phrase", q("\"open source\"")),
        ("no match (full scan)", q("zqxjkv")),
        ("non-ASCII word", q("ΚΑΛΗΜΈΡΑ")),
        ("author", Query { author: Some("user42.bsky.social".into()), ..Query::default() }),
        ("tag + kind", Query { tag: Some("science".into()), kinds: vec![Kind::Images], ..Query::default() }),
        (
            "text + posted date range",
            Query {
                text: "rust".into(),
                since: Some(T0 + 365 * DAY),
                until: Some(T0 + 730 * DAY),
                dates: DateBasis::Posted,
                ..Query::default()
            },
        ),
        ("deep page", Query { offset: 40_000, ..Query::default() }),
    ];
    let mut out = Vec::new();
    for (name, query) in &queries {
        for _ in 0..3 {
            std::hint::black_box(index.search(query));
        }
        let mut times: Vec<f64> = (0..RUNS)
            .map(|_| time_ms(|| std::hint::black_box(index.search(std::hint::black_box(query)))).1)
            .collect();
        times.sort_by(|a, b| a.total_cmp(b));
        let total = index.search(query).total;
        out.push(format!(
            "{{\"name\": {}, \"median_ms\": {:.3}, \"p95_ms\": {:.3}, \"total\": {total}}}",
            serde_json::Value::from(*name),
            times[RUNS / 2],
            times[RUNS * 95 / 100]
        ));
    }
    println!(
        "{{\"posts\": {POSTS}, \"save_ms\": {save_ms:.0}, \"index_ms\": {index_ms:.0}, \"haystack_bytes\": {haystack_bytes}, \"runs\": {RUNS}, \"queries\": [{}]}}",
        out.join(", ")
    );
}
