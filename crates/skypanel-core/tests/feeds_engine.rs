//! The feed engine: moderation, every filter, sorts, dedupe, the per-author cap and
//! collapse, on captured API responses and on small synthetic posts. No network.

use std::collections::{HashMap, HashSet};

use proptest::prelude::*;
use serde_json::{json, Value};
use skypanel_core::feeds::definition::{parse, Definition, Filter, Sort};
use skypanel_core::feeds::engine::{collapse, score_hot, score_top, sort, Context, Engine, Memory};
use skypanel_core::feeds::moderation::Moderation;
use skypanel_core::feeds::{Candidate, SortKey, Step};
use skypanel_core::grouping::{Mode, PlanOptions};
use skypanel_core::library::time::parse_rfc3339;
use skypanel_core::model::FeedViewPost;

const NOW: &str = "2026-12-01T12:00:00.000Z";
const HOUR: i64 = 3_600_000;

fn now() -> i64 {
    parse_rfc3339(NOW).unwrap()
}

fn fixture(name: &str) -> String {
    std::fs::read_to_string(format!("{}/tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"))).unwrap()
}

/// A candidate from one feedViewPost JSON value, keyed like the merger keys it.
fn candidate(item: &Value, source: u16) -> Candidate {
    let text = item.to_string();
    let view: FeedViewPost = serde_json::from_str(&text).unwrap();
    let time_ms = match item.pointer("/reason/indexedAt").and_then(Value::as_str) {
        Some(t) => parse_rfc3339(t).unwrap(),
        None => parse_rfc3339(&view.post.indexed_at).unwrap_or(0),
    };
    let id = match view.reposted_by() {
        Some(by) => format!("{}#repost:{}", view.post.uri, by.did),
        None => view.post.uri.clone(),
    };
    let reposted_by = view.reposted_by().map(|p| vec![p.handle.clone()]).unwrap_or_default();
    Candidate {
        raw: serde_json::value::RawValue::from_string(text).unwrap(),
        view,
        key: SortKey { time_ms, id },
        sources: vec![source],
        reposted_by,
    }
}

fn fixture_page(name: &str, source: u16) -> Vec<Candidate> {
    let doc: Value = serde_json::from_str(&fixture(name)).unwrap();
    if let Some(feed) = doc["feed"].as_array() {
        feed.iter().map(|i| candidate(i, source)).collect()
    } else {
        doc["posts"].as_array().unwrap().iter().map(|p| candidate(&json!({ "post": p }), source)).collect()
    }
}

/// A synthetic post, built field by field.
#[derive(Clone, Debug)]
struct P {
    rkey: String,
    handle: String,
    text: String,
    embed: Option<Value>,
    facets: Vec<Value>,
    tags: Vec<String>,
    langs: Option<Vec<String>>,
    likes: u64,
    reposts: u64,
    replies: u64,
    created: String,
    indexed: String,
    author_viewer: Value,
    labels: Vec<Value>,
    author_labels: Vec<Value>,
    reposter: Option<(String, Value, String)>,
    reply: Option<Value>,
    record_type: Option<String>,
}

fn did(handle: &str) -> String {
    format!("did:plc:{}", handle.replace('.', "x"))
}

fn profile(handle: &str, viewer: Value) -> Value {
    json!({"did": did(handle), "handle": handle, "viewer": viewer})
}

fn at(hours_ago: f64) -> String {
    skypanel_core::library::time::format_rfc3339(now() - (hours_ago * HOUR as f64) as i64)
}

fn p(rkey: &str, handle: &str, text: &str) -> P {
    P {
        rkey: rkey.into(),
        handle: handle.into(),
        text: text.into(),
        embed: None,
        facets: Vec::new(),
        tags: Vec::new(),
        langs: Some(vec!["en".into()]),
        likes: 0,
        reposts: 0,
        replies: 0,
        created: at(1.0),
        indexed: at(1.0),
        author_viewer: json!({}),
        labels: Vec::new(),
        author_labels: Vec::new(),
        reposter: None,
        reply: None,
        record_type: None,
    }
}

fn image_embed(alt: &str) -> Value {
    json!({"$type": "app.bsky.embed.images#view", "images": [{"thumb": "https://cdn.test/t", "fullsize": "https://cdn.test/f", "alt": alt}]})
}

fn video_embed(alt: &str) -> Value {
    json!({"$type": "app.bsky.embed.video#view", "cid": "bafyvideo", "playlist": "https://video.test/p.m3u8", "alt": alt})
}

fn link_embed(uri: &str, title: &str, description: &str) -> Value {
    json!({"$type": "app.bsky.embed.external#view", "external": {"uri": uri, "title": title, "description": description}})
}

fn quote_view(text: &str) -> Value {
    json!({"$type": "app.bsky.embed.record#viewRecord", "uri": "at://did:plc:q/app.bsky.feed.post/q1", "cid": "bafyq",
           "author": profile("quoted.test", json!({})), "value": {"$type": "app.bsky.feed.post", "text": text, "createdAt": NOW},
           "indexedAt": NOW})
}

fn quote_embed(text: &str) -> Value {
    json!({"$type": "app.bsky.embed.record#view", "record": quote_view(text)})
}

fn quote_with_images(text: &str, alt: &str) -> Value {
    json!({"$type": "app.bsky.embed.recordWithMedia#view", "record": {"record": quote_view(text)}, "media": image_embed(alt)})
}

fn label(val: &str, src: &str, uri: &str) -> Value {
    json!({"src": src, "uri": uri, "val": val, "cts": NOW})
}

impl P {
    fn uri(&self) -> String {
        format!("at://{}/app.bsky.feed.post/{}", did(&self.handle), self.rkey)
    }
    fn likes(mut self, n: u64) -> P {
        self.likes = n;
        self
    }
    fn counts(mut self, likes: u64, reposts: u64, replies: u64) -> P {
        (self.likes, self.reposts, self.replies) = (likes, reposts, replies);
        self
    }
    fn embed(mut self, e: Value) -> P {
        self.embed = Some(e);
        self
    }
    fn langs(mut self, l: Option<&[&str]>) -> P {
        self.langs = l.map(|l| l.iter().map(|s| s.to_string()).collect());
        self
    }
    fn aged(mut self, hours: f64) -> P {
        self.created = at(hours);
        self.indexed = at(hours);
        self
    }
    fn viewer(mut self, v: Value) -> P {
        self.author_viewer = v;
        self
    }
    fn reposted(mut self, by: &str, hours_ago: f64) -> P {
        self.reposter = Some((by.into(), json!({}), at(hours_ago)));
        self
    }
    fn reposted_by_viewer(mut self, by: &str, viewer: Value) -> P {
        self.reposter = Some((by.into(), viewer, at(0.5)));
        self
    }
    fn reply_to(mut self, parent: Value) -> P {
        self.reply = Some(json!({"root": parent.clone(), "parent": parent}));
        self
    }
    fn link_facet(mut self, uri: &str) -> P {
        self.facets.push(json!({"index": {"byteStart": 0, "byteEnd": 1}, "features": [{"$type": "app.bsky.richtext.facet#link", "uri": uri}]}));
        self
    }
    fn tag_facet(mut self, tag: &str) -> P {
        self.facets.push(json!({"index": {"byteStart": 0, "byteEnd": 1}, "features": [{"$type": "app.bsky.richtext.facet#tag", "tag": tag}]}));
        self
    }
    fn json(&self) -> Value {
        let mut record = json!({"$type": self.record_type.clone().unwrap_or("app.bsky.feed.post".into()), "text": self.text, "createdAt": self.created});
        if let Some(l) = &self.langs {
            record["langs"] = json!(l);
        }
        if !self.facets.is_empty() {
            record["facets"] = json!(self.facets);
        }
        if !self.tags.is_empty() {
            record["tags"] = json!(self.tags);
        }
        if self.reply.is_some() {
            let parent = json!({"uri": "at://did:plc:parent/app.bsky.feed.post/p", "cid": "bafyp"});
            record["reply"] = json!({"root": parent, "parent": parent});
        }
        let mut author = profile(&self.handle, self.author_viewer.clone());
        if !self.author_labels.is_empty() {
            author["labels"] = json!(self.author_labels);
        }
        let mut post = json!({"uri": self.uri(), "cid": format!("bafy{}", self.rkey), "author": author, "record": record,
            "likeCount": self.likes, "repostCount": self.reposts, "replyCount": self.replies, "indexedAt": self.indexed});
        if let Some(e) = &self.embed {
            post["embed"] = e.clone();
        }
        if !self.labels.is_empty() {
            post["labels"] = json!(self.labels);
        }
        let mut item = json!({ "post": post });
        if let Some((by, viewer, when)) = &self.reposter {
            item["reason"] = json!({"$type": "app.bsky.feed.defs#reasonRepost", "by": profile(by, viewer.clone()), "indexedAt": when});
        }
        if let Some(r) = &self.reply {
            item["reply"] = r.clone();
        }
        item
    }
    fn c(&self) -> Candidate {
        candidate(&self.json(), 0)
    }
}

fn parent_post(handle: &str, viewer: Value) -> Value {
    json!({"$type": "app.bsky.feed.defs#postView", "uri": format!("at://{}/app.bsky.feed.post/parent", did(handle)),
           "cid": "bafyparent", "author": profile(handle, viewer), "record": {"text": "parent", "createdAt": NOW}, "indexedAt": NOW})
}

fn def(filters: Value) -> Definition {
    let text = json!({"format": "skypanel.feed", "version": 1, "name": "t", "sources": [{"kind": "timeline"}], "filters": filters});
    let (d, problems) = parse(&text.to_string()).unwrap();
    assert!(problems.is_empty(), "{problems:?}");
    d
}

fn ctx() -> Context {
    Context { now_ms: now(), ..Context::default() }
}

/// The rkeys of the posts one filter keeps.
fn kept(filters: Value, posts: &[P]) -> Vec<String> {
    kept_with(filters, posts, &ctx())
}

fn kept_with(filters: Value, posts: &[P], ctx: &Context) -> Vec<String> {
    let (engine, problems) = Engine::new(&def(filters), ctx);
    assert!(problems.is_empty(), "{problems:?}");
    let mut steps = Vec::new();
    let out = engine.filter(posts.iter().map(P::c).collect(), &mut steps);
    out.iter().map(|c| c.view.post.rkey().to_owned()).collect()
}

fn labels_of(steps: &[Step]) -> Vec<(String, usize, usize)> {
    steps.iter().map(|s| (s.label.clone(), s.input, s.output)).collect()
}

#[test]
fn words_match_whole_words_and_phrases_ignoring_case_and_spacing() {
    let posts = [
        p("a", "x.test", "My CAR is red"),
        p("b", "x.test", "I love cartoons"),
        p("c", "x.test", "launch   day\nis near"),
        p("d", "x.test", "day launch"),
        p("e", "x.test", "car, launch day"),
    ];
    assert_eq!(kept(json!([{"kind": "text", "any": ["car"]}]), &posts), ["a", "e"]);
    assert_eq!(kept(json!([{"kind": "text", "any": ["launch  day"]}]), &posts), ["c", "e"]);
    assert_eq!(kept(json!([{"kind": "text", "all": ["car", "launch"]}]), &posts), ["e"]);
    assert_eq!(kept(json!([{"kind": "text", "any": ["car"], "exclude": true}]), &posts), ["b", "c", "d"]);
    assert_eq!(kept(json!([{"kind": "text", "any": ["car"], "caseSensitive": true}]), &posts), ["e"]);
}

#[test]
fn a_regex_is_searched_case_insensitively_unless_asked() {
    let posts = [
        p("a", "x.test", "t-minus 10 and counting"),
        p("b", "x.test", "T-minus soon"),
        p("c", "x.test", "T-MINUS 3"),
    ];
    assert_eq!(kept(json!([{"kind": "text", "regex": "T-minus \\d+"}]), &posts), ["a", "c"]);
    assert_eq!(
        kept(json!([{"kind": "text", "regex": "T-minus \\d+", "caseSensitive": true}]), &posts),
        Vec::<String>::new()
    );
    assert_eq!(kept(json!([{"kind": "text", "regex": "^T-", "caseSensitive": true}]), &posts), ["b", "c"]);
    // Words and a regex together: both must hold.
    assert_eq!(kept(json!([{"kind": "text", "any": ["counting"], "regex": "\\d+"}]), &posts), ["a"]);
}

#[test]
fn text_filters_look_in_alt_text_and_links_but_not_in_quoted_posts() {
    let posts = [
        p("alt", "x.test", "look").embed(image_embed("a rocket on the pad")),
        p("vid", "x.test", "watch").embed(video_embed("Rocket launch video")),
        p("card", "x.test", "read").embed(link_embed("https://news.test/a", "Rocket news", "all about it")),
        p("facet", "x.test", "see").link_facet("https://rocket.test/x"),
        p("quote", "x.test", "ha").embed(quote_embed("rocket")),
        p("mixed", "x.test", "wow").embed(quote_with_images("nothing", "ROCKET!")),
    ];
    let all = json!([{"kind": "text", "any": ["rocket"]}]);
    assert_eq!(kept(all, &posts), ["alt", "vid", "card", "facet", "mixed"]);
    assert_eq!(
        kept(json!([{"kind": "text", "any": ["rocket"], "in": ["alt"]}]), &posts),
        ["alt", "vid", "mixed"]
    );
    assert_eq!(kept(json!([{"kind": "text", "any": ["rocket"], "in": ["link"]}]), &posts), ["card", "facet"]);
    assert_eq!(
        kept(json!([{"kind": "text", "any": ["rocket"], "in": ["text"]}]), &posts),
        Vec::<String>::new()
    );
}

#[test]
fn an_item_that_is_not_a_post_just_does_not_match() {
    let mut odd = p("odd", "x.test", "");
    odd.record_type = Some("app.example.thing".into());
    let posts = [odd, p("n", "x.test", "rocket")];
    assert_eq!(kept(json!([{"kind": "text", "any": ["rocket"], "exclude": true}]), &posts), ["odd"]);
    assert_eq!(kept(json!([{"kind": "text", "any": ["rocket"]}]), &posts), ["n"]);
}

#[test]
fn media_filters_pick_each_kind() {
    let posts = [
        p("img", "x.test", "").embed(image_embed("")),
        p("vid", "x.test", "").embed(video_embed("")),
        p("ext", "x.test", "").embed(link_embed("https://a.test", "", "")),
        p("facet", "x.test", "").link_facet("https://b.test"),
        p("quote", "x.test", "").embed(quote_embed("q")),
        p("qimg", "x.test", "").embed(quote_with_images("q", "")),
        p("plain", "x.test", "just text"),
    ];
    assert_eq!(kept(json!([{"kind": "media", "has": ["images"]}]), &posts), ["img", "qimg"]);
    assert_eq!(kept(json!([{"kind": "media", "has": ["video"]}]), &posts), ["vid"]);
    assert_eq!(kept(json!([{"kind": "media", "has": ["link"]}]), &posts), ["ext", "facet"]);
    assert_eq!(kept(json!([{"kind": "media", "has": ["quote"]}]), &posts), ["quote", "qimg"]);
    assert_eq!(kept(json!([{"kind": "media", "has": ["none"]}]), &posts), ["facet", "plain"]);
    assert_eq!(kept(json!([{"kind": "media", "has": ["images", "video"]}]), &posts), ["img", "vid", "qimg"]);
    assert_eq!(
        kept(json!([{"kind": "quotes", "keep": false}]), &posts),
        ["img", "vid", "ext", "facet", "plain"]
    );
    assert_eq!(kept(json!([{"kind": "quotes", "keep": true}]), &posts).len(), posts.len());
}

#[test]
fn language_filter_matches_subtags_and_can_drop_posts_without_a_language() {
    let posts = [
        p("en", "x.test", "").langs(Some(&["en"])),
        p("enus", "x.test", "").langs(Some(&["en-US"])),
        p("fr", "x.test", "").langs(Some(&["fr"])),
        p("both", "x.test", "").langs(Some(&["fr", "EN"])),
        p("none", "x.test", "").langs(None),
        p("eng", "x.test", "").langs(Some(&["eng"])),
    ];
    assert_eq!(kept(json!([{"kind": "lang", "in": ["en"]}]), &posts), ["en", "enus", "both", "none"]);
    assert_eq!(
        kept(json!([{"kind": "lang", "in": ["en"], "keepUnknown": false}]), &posts),
        ["en", "enus", "both"]
    );
    assert_eq!(kept(json!([{"kind": "lang", "in": ["en-us"], "keepUnknown": false}]), &posts), ["enus"]);
}

#[test]
fn replies_can_be_dropped_or_kept_only_towards_people_followed() {
    let me = "viewer.test";
    let posts = [
        p("top", "x.test", "top level"),
        p("tofollowed", "x.test", "").reply_to(parent_post("f.test", json!({"following": "at://f"}))),
        p("tostranger", "x.test", "").reply_to(parent_post("s.test", json!({}))),
        p("self", "x.test", "").reply_to(parent_post("x.test", json!({}))),
        p("tome", "x.test", "").reply_to(parent_post(me, json!({}))),
        p("gone", "x.test", "").reply_to(json!({"$type": "app.bsky.feed.defs#notFoundPost", "uri": "at://did:plc:z/app.bsky.feed.post/z", "notFound": true})),
    ];
    assert_eq!(kept(json!([{"kind": "replies", "keep": false}]), &posts), ["top"]);
    let ctx = Context { viewer: Some(did(me)), ..ctx() };
    let only = json!([{"kind": "replies", "keep": true, "onlyFollowing": true}]);
    assert_eq!(kept_with(only, &posts, &ctx), ["top", "tofollowed", "self", "tome"]);
    assert_eq!(kept(json!([{"kind": "replies", "keep": true}]), &posts).len(), posts.len());
}

#[test]
fn reposts_can_be_dropped_entirely_or_from_chosen_accounts() {
    let posts = [
        p("own", "x.test", ""),
        p("byDan", "x.test", "").reposted("dan.test", 0.5),
        p("byEve", "y.test", "").reposted("eve.test", 0.5),
    ];
    assert_eq!(kept(json!([{"kind": "reposts", "keep": false}]), &posts), ["own"]);
    assert_eq!(
        kept(json!([{"kind": "reposts", "keep": false, "from": ["dan.test"]}]), &posts),
        ["own", "byEve"]
    );
    assert_eq!(
        kept(json!([{"kind": "reposts", "keep": false, "from": [did("eve.test")]}]), &posts),
        ["own", "byDan"]
    );
    assert_eq!(kept(json!([{"kind": "reposts", "keep": true}]), &posts).len(), 3);
}

#[test]
fn minimum_counts_and_the_time_window() {
    let posts = [
        p("a", "x.test", "").counts(5, 0, 0).aged(2.0),
        p("b", "x.test", "").counts(4, 3, 1).aged(30.0),
        p("c", "x.test", "").counts(10, 3, 2).aged(23.5),
    ];
    assert_eq!(kept(json!([{"kind": "min", "likes": 5}]), &posts), ["a", "c"]);
    assert_eq!(kept(json!([{"kind": "min", "likes": 1, "reposts": 3, "replies": 2}]), &posts), ["c"]);
    assert_eq!(kept(json!([{"kind": "since", "hours": 24}]), &posts), ["a", "c"]);
    assert_eq!(kept(json!([{"kind": "since", "hours": 1.5}]), &posts), Vec::<String>::new());
    // A repost's time is when it was reposted.
    let reposted = [p("old", "x.test", "").aged(100.0).reposted("r.test", 0.5)];
    assert_eq!(kept(json!([{"kind": "since", "hours": 1}]), &reposted), ["old"]);
}

#[test]
fn exclude_drops_accounts_by_handle_or_did_as_author_or_reposter_and_list_members() {
    let posts = [
        p("a", "ann.test", ""),
        p("b", "bob.test", ""),
        p("c", "cat.test", "").reposted("ann.test", 0.5),
        p("d", "dee.test", ""),
    ];
    assert_eq!(kept(json!([{"kind": "exclude", "actors": ["ann.test"]}]), &posts), ["b", "d"]);
    assert_eq!(kept(json!([{"kind": "exclude", "actors": [did("bob.test")]}]), &posts), ["a", "c", "d"]);
    let list = "at://did:plc:owner/app.bsky.graph.list/l1";
    let mut ctx = ctx();
    ctx.lists.insert(list.into(), vec![did("dee.test"), did("bob.test")]);
    let f = json!([{"kind": "exclude", "actors": ["cat.test"], "list": list}]);
    assert_eq!(kept_with(f.clone(), &posts, &ctx), ["a"]);
    // Without the list's members the filter is skipped and says so.
    let (engine, problems) = Engine::new(&def(f), &self::ctx());
    assert_eq!(problems.len(), 1);
    assert_eq!((problems[0].path.as_str(), problems[0].name.as_str()), ("filters[0].list", "UnknownList"));
    let mut steps = Vec::new();
    assert_eq!(engine.filter(posts.iter().map(P::c).collect(), &mut steps).len(), 4);
    assert_eq!(labels_of(&steps), [("moderation".into(), 4, 4)]);
}

fn prefs_with_words(words: Value) -> Moderation {
    let prefs = vec![json!({"$type": "app.bsky.actor.defs#mutedWordsPref", "items": words})];
    let (m, problems) = Moderation::from_preferences(&prefs, now());
    assert!(problems.is_empty(), "{problems:?}");
    m
}

fn muted_kept(words: Value, posts: &[P]) -> Vec<String> {
    let ctx = Context { moderation: prefs_with_words(words), ..ctx() };
    kept_with(json!([{"kind": "mutedWords"}]), posts, &ctx)
}

fn word(value: &str, targets: &[&str]) -> Value {
    json!({"value": value, "targets": targets})
}

#[test]
fn muted_words_match_whole_words_with_punctuation_rules() {
    let posts = [
        p("plain", "x.test", "I like Rust a lot"),
        p("rusty", "x.test", "a rusty old bike"),
        p("bang", "x.test", "rust!"),
        p("paren", "x.test", "(rust) is fine"),
        p("slash", "x.test", "rust/wasm"),
        p("joined", "x.test", "r.u.s.t everywhere"),
        p("none", "x.test", "nothing here"),
    ];
    assert_eq!(muted_kept(json!([word("rust", &["content"])]), &posts), ["rusty", "none"]);
    // Found by the property below: "rust" inside "rusty" must not stop the check of "ru-st".
    let both = [p("both", "x.test", "rusty\nru-st")];
    assert_eq!(muted_kept(json!([word("rust", &["content"])]), &both), Vec::<String>::new());
    // A muted phrase with a space or punctuation matches anywhere.
    let phrase = [
        p("a", "x.test", "the new york times"),
        p("b", "x.test", "new yorkers"),
        p("c", "x.test", "york new"),
    ];
    assert_eq!(muted_kept(json!([word("New York", &["content"])]), &phrase), ["c"]);
    // A single character and text in a language without spaces match as substrings.
    let cjk = [
        p("ja", "x.test", "今日は東京に行きます").langs(Some(&["ja"])),
        p("en", "x.test", "Tokyo trip"),
        p("x", "x.test", "xylophone"),
    ];
    assert_eq!(muted_kept(json!([word("東京", &["content"])]), &cjk), ["en", "x"]);
    assert_eq!(muted_kept(json!([word("x", &["content"])]), &cjk), ["ja", "en"]);
}

#[test]
fn muted_words_look_in_alt_text_and_link_cards() {
    let posts = [
        p("alt", "x.test", "look").embed(image_embed("a spoiler picture")),
        p("card", "x.test", "read").embed(link_embed("https://x.test", "Big Spoiler inside", "")),
        p("clean", "x.test", "fine"),
    ];
    assert_eq!(muted_kept(json!([word("spoiler", &["content"])]), &posts), ["clean"]);
}

#[test]
fn muted_tags_match_hashtags_only_and_content_words_match_tags_too() {
    let posts = [
        p("facet", "x.test", "#Politics today").tag_facet("Politics"),
        p("word", "x.test", "politics today"),
        {
            let mut q = p("recordtag", "x.test", "quiet");
            q.tags = vec!["politics".into()];
            q
        },
    ];
    assert_eq!(muted_kept(json!([word("#politics", &["tag"])]), &posts), ["word"]);
    assert_eq!(muted_kept(json!([word("politics", &["content"])]), &posts), Vec::<String>::new());
}

#[test]
fn muted_words_honour_exclude_following_and_expiry() {
    let posts = [
        p("friend", "f.test", "football again").viewer(json!({"following": "at://f"})),
        p("stranger", "s.test", "football again"),
    ];
    let w = json!([{"value": "football", "targets": ["content"], "actorTarget": "exclude-following"}]);
    assert_eq!(muted_kept(w, &posts), ["friend"]);
    let expired = json!([{"value": "football", "targets": ["content"], "expiresAt": at(1.0)}]);
    assert_eq!(muted_kept(expired, &posts), ["friend", "stranger"]);
    let later = json!([{"value": "football", "targets": ["content"], "expiresAt": at(-1.0)}]);
    assert_eq!(muted_kept(later, &posts), Vec::<String>::new());
    // Muted words apply only through the mutedWords filter.
    let ctx = Context { moderation: prefs_with_words(json!([word("football", &["content"])])), ..ctx() };
    assert_eq!(kept_with(json!([]), &posts, &ctx).len(), 2);
}

fn hidden(posts: &[P], m: &Moderation) -> Vec<(String, &'static str)> {
    posts.iter().filter_map(|x| m.hides(&x.c()).map(|r| (x.rkey.clone(), r))).collect()
}

#[test]
fn muted_and_blocked_accounts_are_always_hidden() {
    let posts = [
        p("ok", "a.test", ""),
        p("muted", "m.test", "").viewer(json!({"muted": true})),
        p("mutedReposter", "a.test", "").reposted_by_viewer("m.test", json!({"muted": true})),
        p("blocking", "b.test", "").viewer(json!({"blocking": "at://block"})),
        p("blockedBy", "c.test", "").viewer(json!({"blockedBy": true})),
        p("blockedReposter", "a.test", "").reposted_by_viewer("b.test", json!({"blockedBy": true})),
        p("blockedParent", "a.test", "").reply_to(json!({"$type": "app.bsky.feed.defs#blockedPost", "uri": "at://did:plc:b/app.bsky.feed.post/b", "blocked": true, "author": {"did": "did:plc:b"}})),
        p("parentAuthorBlocked", "a.test", "").reply_to(parent_post("b.test", json!({"blocking": "at://block"}))),
    ];
    let m = Moderation::default();
    assert_eq!(
        hidden(&posts, &m),
        [
            ("muted".into(), "muted account"),
            ("mutedReposter".into(), "muted account"),
            ("blocking".into(), "blocked"),
            ("blockedBy".into(), "blocked"),
            ("blockedReposter".into(), "blocked"),
            ("blockedParent".into(), "blocked reply"),
            ("parentAuthorBlocked".into(), "blocked reply"),
        ]
    );
    let (engine, _) = Engine::new(&def(json!([])), &ctx());
    let mut steps = Vec::new();
    let out = engine.filter(posts.iter().map(P::c).collect(), &mut steps);
    assert_eq!(out.len(), 1);
    assert_eq!(labels_of(&steps), [("moderation".into(), 8, 1)]);
}

#[test]
fn labels_hide_by_the_viewers_preferences() {
    let lab = "did:plc:labeler";
    let with = |rkey: &str, labels: Vec<Value>| {
        let mut x = p(rkey, "a.test", "");
        x.labels = labels;
        x
    };
    let uri = |rkey: &str| format!("at://{}/app.bsky.feed.post/{rkey}", did("a.test"));
    let mut on_account = p("account", "a.test", "");
    on_account.author_labels = vec![label("!hide", lab, &did("a.test"))];
    let mut on_profile = p("profile", "a.test", "");
    on_profile.author_labels =
        vec![label("porn", lab, &format!("at://{}/app.bsky.actor.profile/self", did("a.test")))];
    let posts = vec![
        with("hide", vec![label("!hide", lab, &uri("hide"))]),
        with("porn", vec![label("porn", lab, &uri("porn"))]),
        with(
            "negated",
            vec![
                label("porn", lab, &uri("negated")),
                json!({"src": lab, "uri": uri("negated"), "val": "porn", "neg": true}),
            ],
        ),
        with("spoiler", vec![label("spoiler", lab, &uri("spoiler"))]),
        with("other", vec![label("spoiler", "did:plc:other", &uri("other"))]),
        with("noauth", vec![label("!no-unauthenticated", &did("a.test"), &uri("noauth"))]),
        on_account,
        on_profile,
    ];
    let signed_out = Moderation::default();
    let names = |v: Vec<(String, &str)>| v.into_iter().map(|(k, _)| k).collect::<Vec<_>>();
    assert_eq!(names(hidden(&posts, &signed_out)), ["hide", "porn", "noauth", "account"]);
    let prefs = vec![
        json!({"$type": "app.bsky.actor.defs#adultContentPref", "enabled": true}),
        json!({"$type": "app.bsky.actor.defs#contentLabelPref", "label": "spoiler", "visibility": "hide", "labelerDid": lab}),
        json!({"$type": "app.bsky.actor.defs#contentLabelPref", "label": "porn", "visibility": "warn"}),
    ];
    let (m, problems) = Moderation::from_preferences(&prefs, now());
    assert!(problems.is_empty());
    assert_eq!(names(hidden(&posts, &m)), ["hide", "spoiler", "account"]);
    let hide_porn = vec![
        json!({"$type": "app.bsky.actor.defs#adultContentPref", "enabled": true}),
        json!({"$type": "app.bsky.actor.defs#contentLabelPref", "label": "porn", "visibility": "hide"}),
    ];
    let (m, _) = Moderation::from_preferences(&hide_porn, now());
    assert_eq!(names(hidden(&posts, &m)), ["hide", "porn", "account"]);
}

#[test]
fn malformed_preferences_are_reported_and_skipped() {
    let prefs = vec![
        json!({"$type": "app.bsky.actor.defs#contentLabelPref", "label": "x"}),
        json!({"$type": "app.bsky.actor.defs#mutedWordsPref", "items": [{"targets": ["content"]}, {"value": "ok", "targets": ["content"]}]}),
        json!("not an object"),
    ];
    let (m, problems) = Moderation::from_preferences(&prefs, now());
    let paths: Vec<&str> = problems.iter().map(|p| p.path.as_str()).collect();
    assert_eq!(paths, ["preferences[0]", "preferences[1]"]);
    assert_eq!(m.muted_words.len(), 1);
    assert!(m.muted_word(&p("m", "x.test", "it is ok").c()));
}

#[test]
fn steps_say_what_each_stage_did_in_order() {
    let posts = [
        p("a", "x.test", "rocket launch").counts(9, 0, 0).embed(image_embed("")),
        p("b", "x.test", "rocket").counts(1, 0, 0),
        p("c", "x.test", "boat").counts(9, 0, 0).reposted("dan.test", 0.5),
        p("d", "x.test", "rocket").counts(9, 0, 0).reposted("eve.test", 0.5),
    ];
    let f = json!([
        {"kind": "reposts", "keep": false, "from": ["dan.test", "zed.test"]},
        {"kind": "min", "likes": 5},
        {"kind": "text", "any": ["rocket", "launch"]},
        {"kind": "media", "has": ["images", "video"]},
        {"kind": "lang", "in": ["en"]},
        {"kind": "since", "hours": 24},
        {"kind": "exclude", "actors": ["q.test", "r.test"]},
        {"kind": "mutedWords"}
    ]);
    let (engine, _) = Engine::new(&def(f), &ctx());
    let mut steps = Vec::new();
    let out = engine.filter(posts.iter().map(P::c).collect(), &mut steps);
    assert_eq!(out.len(), 1);
    assert_eq!(
        labels_of(&steps),
        [
            ("moderation".into(), 4, 4),
            ("no reposts from 2 accounts".into(), 4, 3),
            ("at least 5 likes".into(), 3, 2),
            ("text: rocket or launch".into(), 2, 2),
            ("images or video".into(), 2, 1),
            ("language en".into(), 1, 1),
            ("last 24 hours".into(), 1, 1),
            ("not from 2 accounts".into(), 1, 1),
            ("muted words".into(), 1, 1),
        ]
    );
}

#[test]
fn dedupe_merges_a_repost_with_its_original_and_remembers_across_pages() {
    // getTimeline.json holds carol's picture twice: reposted by bob, and as posted.
    let page = fixture_page("getTimeline.json", 0);
    let picture = page[0].view.post.uri.clone();
    assert_eq!(page.iter().filter(|c| c.view.post.uri == picture).count(), 2);
    let mut from_author = fixture_page("getAuthorFeed.json", 1);
    from_author.truncate(2);
    let mut mem = Memory::default();
    let mut steps = Vec::new();
    let mut input = page.clone();
    input.extend(from_author);
    let out = mem.dedupe(input, &mut steps);
    assert_eq!(out.len(), 8, "9 timeline items and 2 author-feed items are 8 posts");
    let row = out.iter().find(|c| c.view.post.uri == picture).unwrap();
    assert!(row.view.reposted_by().is_some(), "the first in order (the repost) stays");
    assert_eq!(row.sources, [0, 1]);
    assert_eq!(row.reposted_by, ["bob.test"]);
    assert_eq!(labels_of(&steps), [("one per post".into(), 11, 8)]);
    // Page 2 never repeats page 1, also after the memory went through a cursor.
    let mem_text = serde_json::to_string(&mem).unwrap();
    let mut mem: Memory = serde_json::from_str(&mem_text).unwrap();
    let again = mem.dedupe(fixture_page("searchPosts.json", 2), &mut steps);
    assert!(again.is_empty(), "every search result was on page 1");
    assert_eq!(mem.seen_len(), 8);
}

#[test]
fn the_repeated_timeline_fixture_dedupes_to_its_distinct_posts() {
    let items = fixture_page("timeline_50.json", 0);
    let distinct: HashSet<String> = items.iter().map(|c| c.view.post.uri.clone()).collect();
    let mut mem = Memory::default();
    let mut steps = Vec::new();
    let (first, second) = items.split_at(25);
    let a = mem.dedupe(first.to_vec(), &mut steps);
    let b = mem.dedupe(second.to_vec(), &mut steps);
    assert_eq!(a.len() + b.len(), distinct.len());
    assert!(b.iter().all(|c| !a.iter().any(|x| x.view.post.uri == c.view.post.uri)));
}

#[test]
fn the_memory_forgets_the_oldest_posts_beyond_its_bound() {
    let mut mem = Memory::default();
    let mut steps = Vec::new();
    let posts: Vec<P> = (0..5_100).map(|i| p(&format!("k{i}"), "x.test", "")).collect();
    let first = posts[0].c();
    let page: Vec<Candidate> = posts.iter().map(P::c).collect();
    assert_eq!(mem.dedupe(page, &mut steps).len(), 5_100);
    assert_eq!(mem.seen_len(), 5_000);
    assert_eq!(mem.dedupe(vec![first], &mut steps).len(), 1, "the oldest was forgotten");
    assert_eq!(mem.dedupe(vec![posts[5_099].c()], &mut steps).len(), 0);
    let text = serde_json::to_string(&mem).unwrap();
    assert!(text.len() < 60_000, "the cursor's memory stays compact: {} bytes", text.len());
}

#[test]
fn the_per_author_cap_holds_across_pages_and_counts_reposts_for_the_author() {
    let mut mem = Memory::default();
    let mut steps = Vec::new();
    let page1 = vec![
        p("a1", "a.test", "").c(),
        p("b1", "b.test", "").c(),
        p("a2", "a.test", "").c(),
        p("a3", "a.test", "").c(),
    ];
    let out = mem.cap_per_author(page1, 2, &mut steps);
    let keys: Vec<&str> = out.iter().map(|c| c.view.post.rkey()).collect();
    assert_eq!(keys, ["a1", "b1", "a2"]);
    let mut mem: Memory = serde_json::from_str(&serde_json::to_string(&mem).unwrap()).unwrap();
    let page2 = vec![
        p("a4", "a.test", "").reposted("b.test", 0.1).c(),
        p("b2", "b.test", "").c(),
        p("b3", "b.test", "").c(),
    ];
    let out = mem.cap_per_author(page2, 2, &mut steps);
    let keys: Vec<&str> = out.iter().map(|c| c.view.post.rkey()).collect();
    assert_eq!(keys, ["b2"]);
    assert_eq!(
        labels_of(&steps),
        [("at most 2 per author".into(), 4, 3), ("at most 2 per author".into(), 3, 1)]
    );
}

#[test]
fn a_damaged_memory_is_refused_not_misread() {
    assert!(serde_json::from_str::<Memory>(r#"{"seen": "!!", "authors": ""}"#).is_err());
    let m: Memory = serde_json::from_str("{}").unwrap();
    assert_eq!(m.seen_len(), 0);
}

fn rkeys(page: &[Candidate]) -> Vec<String> {
    page.iter().map(|c| c.view.post.rkey().to_owned()).collect()
}

#[test]
fn sorts_newest_oldest_top_and_hot() {
    let posts = [
        p("a", "x.test", "").counts(10, 0, 0).aged(3.0),
        p("b", "x.test", "").counts(2, 5, 1).aged(1.0),
        p("c", "x.test", "").counts(20, 0, 0).aged(48.0),
        p("d", "x.test", "").counts(1, 0, 0).aged(0.1),
    ];
    let mut page: Vec<Candidate> = posts.iter().map(P::c).collect();
    sort(&mut page, Sort::Newest, now());
    assert_eq!(rkeys(&page), ["d", "b", "a", "c"]);
    sort(&mut page, Sort::Oldest, now());
    assert_eq!(rkeys(&page), ["c", "a", "b", "d"]);
    sort(&mut page, Sort::Top, now());
    // top: a 10, b 2 + 10 + 1 = 13, c 20, d 1
    assert_eq!(rkeys(&page), ["c", "b", "a", "d"]);
    assert_eq!(score_top(&page[1]), 13.0);
    sort(&mut page, Sort::Hot, now());
    // hot: a 10/5^1.8 = 0.552, b 2/3^1.8 = 0.276, c 20/50^1.8 = 0.0175, d 1/2.1^1.8 = 0.263
    assert_eq!(rkeys(&page), ["a", "b", "d", "c"]);
    let a = page.iter().find(|c| c.view.post.rkey() == "a").unwrap();
    let expected = 10.0 / 5f64.powf(1.8);
    assert!((score_hot(a, now()) - expected).abs() < 1e-9, "{} vs {expected}", score_hot(a, now()));
    assert!((expected - 0.5519).abs() < 1e-3);
}

#[test]
fn hot_uses_indexed_at_when_created_at_lies_and_is_never_nan() {
    let mut future = p("f", "x.test", "").likes(4);
    future.created = at(-1000.0);
    future.indexed = at(2.0);
    let score = score_hot(&future.c(), now());
    assert!((score - 4.0 / 4f64.powf(1.8)).abs() < 1e-9);
    let mut missing = p("m", "x.test", "").likes(0);
    missing.created = "garbage".into();
    missing.indexed = String::new();
    let s = score_hot(&missing.c(), now());
    assert!(s.is_finite() && s == 0.0);
    let extreme = score_hot(&p("e", "x.test", "").likes(u64::MAX).c(), i64::MAX);
    assert!(!extreme.is_nan());
}

#[test]
fn top_ties_go_newer_first_then_by_id() {
    let posts = [
        p("a", "x.test", "").likes(3).aged(5.0),
        p("b", "x.test", "").likes(3).aged(1.0),
        p("c", "x.test", "").likes(3).aged(1.0),
    ];
    let mut page: Vec<Candidate> = posts.iter().map(P::c).collect();
    sort(&mut page, Sort::Top, now());
    assert_eq!(rkeys(&page), ["b", "c", "a"]);
}

#[test]
fn collapse_folds_runs_of_one_owner() {
    let posts = [
        p("1", "a.test", ""),
        p("2", "a.test", ""),
        p("3", "b.test", "").reposted("a.test", 0.2),
        p("4", "c.test", ""),
        p("5", "a.test", ""),
    ];
    let page: Vec<Candidate> = posts.iter().map(P::c).collect();
    let runs = collapse(&page, PlanOptions { mode: Mode::Runs, threshold: 3 });
    assert_eq!(runs.len(), 1);
    assert_eq!(
        (runs[0].account.as_str(), runs[0].units.clone(), runs[0].posts, runs[0].reposts),
        ("a.test", vec![0, 1, 2], 2, 1)
    );
    let bundle = collapse(&page, PlanOptions { mode: Mode::Bundle, threshold: 4 });
    assert_eq!(bundle[0].units, [0, 1, 2, 4]);
}

#[test]
fn unknown_filters_are_skipped_without_a_step() {
    let text = json!({"format": "skypanel.feed", "version": 1, "name": "t", "sources": [{"kind": "timeline"}],
                      "filters": [{"kind": "future"}, {"kind": "replies", "keep": false}]});
    let (d, problems) = parse(&text.to_string()).unwrap();
    assert_eq!(problems.len(), 1);
    assert!(matches!(d.filters[0], Filter::Unknown(_)));
    let (engine, problems) = Engine::new(&d, &ctx());
    assert!(problems.is_empty());
    assert_eq!(engine.step_labels(), ["no replies"]);
}

// ---- properties ----

fn arb_post() -> impl Strategy<Value = P> {
    let words = prop::sample::select(vec![
        "rocket",
        "Launch",
        "boat",
        "car",
        "cartoon",
        "rust!",
        "東京",
        "t-minus 5",
        "",
    ]);
    (
        0usize..12,
        prop::collection::vec(words, 0..5),
        0u8..6,
        (0u64..50, 0u64..10, 0u64..10),
        0.0f64..100.0,
        prop::option::weighted(0.3, (0usize..4, 0.0f64..10.0)),
        any::<bool>(),
    )
        .prop_map(|(k, words, embed, (likes, reposts, replies), age, repost, muted)| {
            let handles = ["a.test", "b.test", "c.test", "d.test"];
            let mut x = p(&format!("k{k}"), handles[k % 4], &words.join(" "))
                .counts(likes, reposts, replies)
                .aged(age);
            x.embed = match embed {
                1 => Some(image_embed("rocket")),
                2 => Some(video_embed("")),
                3 => Some(link_embed("https://a.test", "boat", "")),
                4 => Some(quote_embed("rocket")),
                5 => Some(quote_with_images("", "car")),
                _ => None,
            };
            if let Some((by, ago)) = repost {
                x = x.reposted(handles[by], ago.min(age));
            }
            if muted {
                x.author_viewer = json!({"muted": k % 5 == 0});
            }
            x
        })
}

fn arb_filters() -> impl Strategy<Value = Value> {
    let one = prop::sample::select(vec![
        json!({"kind": "text", "any": ["rocket", "car"]}),
        json!({"kind": "text", "all": ["launch"], "exclude": true}),
        json!({"kind": "text", "regex": "t-minus \\d"}),
        json!({"kind": "media", "has": ["images", "none"]}),
        json!({"kind": "lang", "in": ["en"]}),
        json!({"kind": "replies", "keep": false}),
        json!({"kind": "reposts", "keep": false, "from": ["a.test"]}),
        json!({"kind": "quotes", "keep": false}),
        json!({"kind": "min", "likes": 10}),
        json!({"kind": "since", "hours": 24}),
        json!({"kind": "exclude", "actors": ["b.test"]}),
        json!({"kind": "mutedWords"}),
    ]);
    prop::collection::vec(one, 0..5).prop_map(Value::from)
}

fn arb_sort() -> impl Strategy<Value = Sort> {
    prop::sample::select(vec![Sort::Newest, Sort::Oldest, Sort::Top, Sort::Hot])
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn filters_only_remove_and_keep_order(posts in prop::collection::vec(arb_post(), 0..30), filters in arb_filters()) {
        let ctx = Context { moderation: prefs_with_words(json!([word("boat", &["content"])])), ..ctx() };
        let (engine, problems) = Engine::new(&def(filters), &ctx);
        prop_assert!(problems.is_empty());
        let input: Vec<Candidate> = posts.iter().map(P::c).collect();
        let ids: Vec<String> = input.iter().map(|c| c.key.id.clone()).collect();
        let mut steps = Vec::new();
        let mut steps_of_passing = Vec::new();
        let passing = engine.passing(&input, &mut steps_of_passing);
        let out = engine.filter(input, &mut steps);
        prop_assert_eq!(&steps, &steps_of_passing);
        let passed_ids: Vec<&str> = passing.iter().map(|&i| ids[i].as_str()).collect();
        let out_ids: Vec<&str> = out.iter().map(|c| c.key.id.as_str()).collect();
        prop_assert_eq!(passed_ids, out_ids);
        let mut pos = 0;
        for c in &out {
            let found = ids[pos..].iter().position(|id| *id == c.key.id);
            prop_assert!(found.is_some(), "an output that was not in the input, or out of order");
            pos += found.unwrap() + 1;
        }
        for pair in steps.windows(2) {
            prop_assert_eq!(pair[0].output, pair[1].input);
            prop_assert!(pair[1].output <= pair[1].input);
        }
        prop_assert_eq!(steps.last().map(|s| s.output), Some(out.len()));
    }

    #[test]
    fn after_dedupe_every_post_appears_at_most_once_across_pages(
        pages in prop::collection::vec(prop::collection::vec(arb_post(), 0..15), 1..4),
        cap in 1u32..4,
    ) {
        let mut mem = Memory::default();
        let mut shown: HashSet<String> = HashSet::new();
        let mut per_author: HashMap<String, u32> = HashMap::new();
        for page in pages {
            let mut steps = Vec::new();
            let out = mem.dedupe(page.iter().map(P::c).collect(), &mut steps);
            let out = mem.cap_per_author(out, cap, &mut steps);
            for c in &out {
                prop_assert!(shown.insert(c.view.post.uri.clone()), "{} shown twice", c.view.post.uri);
                let n = per_author.entry(c.view.post.author.did.clone()).or_default();
                *n += 1;
                prop_assert!(*n <= cap);
            }
            mem = serde_json::from_str(&serde_json::to_string(&mem).unwrap()).unwrap();
        }
    }

    #[test]
    fn the_chosen_order_holds(posts in prop::collection::vec(arb_post(), 0..30), how in arb_sort()) {
        let mut page: Vec<Candidate> = posts.iter().map(P::c).collect();
        let before: Vec<String> = { let mut v: Vec<String> = page.iter().map(|c| c.key.id.clone()).collect(); v.sort(); v };
        sort(&mut page, how, now());
        let mut after: Vec<String> = page.iter().map(|c| c.key.id.clone()).collect();
        after.sort();
        prop_assert_eq!(before, after, "sorting is a permutation");
        for w in page.windows(2) {
            match how {
                Sort::Newest => prop_assert!(w[0].key >= w[1].key),
                Sort::Oldest => prop_assert!(w[0].key <= w[1].key),
                Sort::Top => prop_assert!(score_top(&w[0]) >= score_top(&w[1])),
                Sort::Hot => prop_assert!(score_hot(&w[0], now()) >= score_hot(&w[1], now())),
            }
        }
    }

    #[test]
    fn moderation_and_muted_words_never_panic_on_any_preferences(prefs in prop::collection::vec(arb_json(), 0..6), text in ".{0,40}") {
        let prefs: Vec<Value> = prefs.into_iter().map(|v| {
            let mut o = json!({"$type": "app.bsky.actor.defs#mutedWordsPref", "items": [v.clone()]});
            if let Value::Object(m) = &v { if m.len() % 2 == 0 { o = v.clone(); } }
            o
        }).collect();
        let (m, _) = Moderation::from_preferences(&prefs, now());
        let c = p("k", "x.test", &text).c();
        let _ = m.hides(&c);
        let _ = m.muted_word(&c);
    }
}

/// The reference matcher's rules for one muted word against one text, written plainly (no
/// shortcuts), to check the engine's faster version against.
fn reference_mute(m: &str, text: &str, cjk_language: bool) -> bool {
    let punct = |c: char| c.is_ascii_punctuation() && !"$+<=>^`|~".contains(c) || "…–—“”‘’«»¿¡".contains(c);
    let m = m.trim().trim_start_matches('#').to_lowercase();
    let t = text.split_whitespace().collect::<Vec<_>>().join(" ").to_lowercase();
    if t.is_empty() {
        return false;
    }
    if m.chars().count() == 1 || cjk_language || m.chars().any(|c| ('\u{3040}'..='\u{9fff}').contains(&c)) {
        return t.contains(&m);
    }
    if m.len() > t.len() {
        return false;
    }
    if m == t {
        return true;
    }
    if m.chars().any(|c| c.is_whitespace() || punct(c)) {
        return t.contains(&m);
    }
    for word in t.split(' ') {
        let trimmed = word.trim_matches(punct);
        if word == m || trimmed == m {
            return true;
        }
        if m.len() > trimmed.len() || !trimmed.contains(punct) {
            continue;
        }
        let contiguous: String = trimmed.chars().filter(|c| !punct(*c)).collect();
        if contiguous == m || trimmed.split(punct).any(|part| part == m) {
            return true;
        }
    }
    false
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1000))]

    #[test]
    fn muted_words_agree_with_the_reference_rules(
        m in prop::sample::select(vec!["rust", "Rust", "r", "new york", "rust!", "ab", "東京", "don't", "wasm"]),
        parts in prop::collection::vec(prop::sample::select(vec![
            "rust", "RUST", "rusty", "r.u.s.t", "(rust)", "rust/wasm", "wasm", "new", "york", "New  York", "don't", "dont",
            "ab", "a-b", "…rust…", "“rust”", "東京都", "x", " ", "\n", "!", "r", "¿rust?", "ru-st",
        ]), 0..8),
        sep in prop::sample::select(vec![" ", "", "\n", "  "]),
        ja in any::<bool>(),
    ) {
        let text = parts.join(sep);
        let mut post = p("k", "x.test", &text);
        if ja {
            post = post.langs(Some(&["ja"]));
        }
        let moderation = prefs_with_words(json!([word(m, &["content"])]));
        prop_assert_eq!(moderation.muted_word(&post.c()), reference_mute(m, &text, ja), "{:?} in {:?}", m, text);
    }
}

fn arb_json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        ".{0,12}".prop_map(Value::from),
        prop::sample::select(vec!["content", "tag", "exclude-following", "value", "targets", "expiresAt"])
            .prop_map(Value::from),
    ];
    leaf.prop_recursive(3, 24, 5, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::from),
            prop::collection::btree_map(
                prop::sample::select(vec![
                    "value",
                    "targets",
                    "actorTarget",
                    "expiresAt",
                    "$type",
                    "label",
                    "visibility",
                    "enabled"
                ])
                .prop_map(String::from),
                inner,
                0..4
            )
            .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}
