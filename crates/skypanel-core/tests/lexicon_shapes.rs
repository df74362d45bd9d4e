//! The hand-written model agrees with the official lexicons: every fixture parses with
//! atrium-api's generated types (generated from bluesky-social/atproto's lexicons), and the
//! fields SkyPanel reads have the same values both ways.

use atrium_api::app::bsky::feed::defs::{FeedViewPostReasonRefs, ReplyRefParentRefs};
use atrium_api::types::Union;
use serde_json::Value;
use skypanel_core::model::{FeedViewPost, MaybePost, Reason};

/// The fields SkyPanel relies on, read from either model.
#[derive(Debug, PartialEq)]
struct Digest {
    uri: String,
    cid: String,
    author_did: String,
    handle: String,
    display_name: Option<String>,
    indexed_at: String,
    repost_by: Option<String>,
    reply_parent: Option<String>,
    embed_type: Option<String>,
    like_count: Option<u64>,
}

fn ours(item: &FeedViewPost) -> Digest {
    let p = &item.post;
    Digest {
        uri: p.uri.clone(),
        cid: p.cid.clone(),
        author_did: p.author.did.clone(),
        handle: p.author.handle.clone(),
        display_name: p.author.display_name.clone(),
        indexed_at: p.indexed_at.clone(),
        repost_by: match &item.reason {
            Some(Reason::Repost(r)) => Some(r.by.did.clone()),
            _ => None,
        },
        reply_parent: item.reply.as_ref().and_then(|r| match &r.parent {
            MaybePost::Post(p) => Some(p.uri.clone()),
            _ => None,
        }),
        embed_type: p.embed.as_ref().and_then(|e| e.type_name()).map(str::to_owned),
        like_count: p.like_count,
    }
}

fn theirs(item: &atrium_api::app::bsky::feed::defs::FeedViewPost) -> Digest {
    let p = &item.post;
    let embed = p.embed.as_ref().map(|e| serde_json::to_value(e).unwrap());
    Digest {
        uri: p.uri.clone(),
        cid: p.cid.as_ref().to_string(),
        author_did: p.author.did.as_str().to_owned(),
        handle: p.author.handle.as_str().to_owned(),
        display_name: p.author.display_name.clone(),
        indexed_at: p.indexed_at.as_str().to_owned(),
        repost_by: match &item.reason {
            Some(Union::Refs(FeedViewPostReasonRefs::ReasonRepost(r))) => Some(r.by.did.as_str().to_owned()),
            _ => None,
        },
        reply_parent: item.reply.as_ref().and_then(|r| match &r.parent {
            Union::Refs(ReplyRefParentRefs::PostView(p)) => Some(p.uri.clone()),
            _ => None,
        }),
        embed_type: embed.and_then(|e| e.get("$type").and_then(Value::as_str).map(str::to_owned)),
        like_count: p.like_count.map(|n| n as u64),
    }
}

#[test]
fn feed_fixtures_match_the_lexicon_types() {
    for name in ["getTimeline", "timeline_50", "getAuthorFeed", "getAuthorFeed_appview_unauth"] {
        let path = format!("{}/tests/fixtures/{name}.json", env!("CARGO_MANIFEST_DIR"));
        let json = std::fs::read_to_string(path).unwrap();
        let official: atrium_api::app::bsky::feed::get_timeline::OutputData = serde_json::from_str(&json)
            .unwrap_or_else(|e| panic!("{name} is not a valid getTimeline output: {e}"));
        let page = skypanel_core::model::TimelinePage::from_json(&json).unwrap();
        assert_eq!(page.feed.len(), official.feed.len());
        for (a, b) in page.feed.iter().zip(&official.feed) {
            assert_eq!(ours(&a.view), theirs(b), "{name}");
        }
    }
}

#[test]
fn search_thread_and_profile_fixtures_match_the_lexicon_types() {
    let read = |name: &str| {
        std::fs::read_to_string(format!("{}/tests/fixtures/{name}.json", env!("CARGO_MANIFEST_DIR"))).unwrap()
    };
    let search: atrium_api::app::bsky::feed::search_posts::OutputData =
        serde_json::from_str(&read("searchPosts")).unwrap();
    let ours: Vec<skypanel_core::model::PostView> =
        serde_json::from_value(serde_json::from_str::<Value>(&read("searchPosts")).unwrap()["posts"].clone())
            .unwrap();
    assert_eq!(search.posts.len(), ours.len());
    for (a, b) in ours.iter().zip(&search.posts) {
        assert_eq!((a.uri.as_str(), a.author.handle.as_str()), (b.uri.as_str(), b.author.handle.as_str()));
    }
    let _: atrium_api::app::bsky::feed::get_post_thread::OutputData =
        serde_json::from_str(&read("getPostThread")).unwrap();
    let profile: atrium_api::app::bsky::actor::defs::ProfileViewDetailedData =
        serde_json::from_str(&read("getProfile")).unwrap();
    let mine: skypanel_core::model::ProfileViewDetailed = serde_json::from_str(&read("getProfile")).unwrap();
    assert_eq!(mine.followers_count, profile.followers_count.map(|n| n as u64));
    assert_eq!(mine.did, profile.did.as_str());
}
