//! One page of a feed as it leaves the core: the JSON the extension's `feeds.run` answers and
//! `skypanel feeds run --json` prints, written in one place so the two cannot drift apart.
//! Each post's item is embedded exactly as the server sent it (never re-serialised).

use serde::Serialize;
use serde_json::value::RawValue;

use super::fetch::FeedPage;
use super::{Problem, Step};
use crate::grouping::Block;
use crate::xrpc::Session;

/// One post of a page: `{uri, id, time, sources, repostedBy, item}`.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Post<'a> {
    uri: &'a str,
    id: &'a str,
    time: i64,
    sources: &'a [u16],
    reposted_by: &'a [String],
    item: &'a RawValue,
}

/// `{posts, cursor, steps, errors, blocks, session?}`.
#[derive(Serialize)]
struct Answer<'a> {
    posts: Vec<Post<'a>>,
    cursor: &'a Option<String>,
    steps: &'a [Step],
    errors: &'a [Problem],
    blocks: &'a [Block],
    #[serde(skip_serializing_if = "Option::is_none")]
    session: Option<&'a Session>,
}

/// The page as JSON text; `session` (the account's session after the run, which the client
/// may have refreshed) is included when given.
pub fn to_json(page: &FeedPage, session: Option<&Session>) -> Result<String, serde_json::Error> {
    let posts = page
        .posts
        .iter()
        .map(|c| Post {
            uri: &c.view.post.uri,
            id: &c.key.id,
            time: c.key.time_ms,
            sources: &c.sources,
            reposted_by: &c.reposted_by,
            item: &c.raw,
        })
        .collect();
    serde_json::to_string(&Answer {
        posts,
        cursor: &page.cursor,
        steps: &page.steps,
        errors: &page.errors,
        blocks: &page.blocks,
        session,
    })
}
