//! The library as Markdown: one list item per post, with a link to it on bsky.app.

use super::entry::SavedPost;
use super::time::format_date;
use crate::uri::{AtUri, BskyLink};

/// The post's `https://bsky.app/profile/<did>/post/<rkey>` URL (by DID, which never
/// changes), if its at-uri is a post's.
pub fn bsky_url(uri: &str) -> Option<String> {
    let link = BskyLink::from_at_uri(&AtUri::parse(uri).ok()?)?;
    matches!(link, BskyLink::Post { .. }).then(|| link.url())
}

/// Text made inert in Markdown: control characters become spaces and every ASCII
/// punctuation character is backslash-escaped, so no link, image, HTML or emphasis can come
/// from it (CommonMark lets any ASCII punctuation be escaped).
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if c.is_control() {
            out.push(' ');
        } else {
            if c.is_ascii_punctuation() {
                out.push('\\');
            }
            out.push(c);
        }
    }
    out
}

/// At most `max` characters of the first non-empty line of `text`.
fn first_line(text: &str, max: usize) -> String {
    let line = text.lines().map(str::trim).find(|l| !l.is_empty()).unwrap_or("");
    match line.char_indices().nth(max) {
        Some((cut, _)) => format!("{}…", line.get(..cut).unwrap_or(line)),
        None => line.to_owned(),
    }
}

/// The posts as a Markdown list, in the order given:
/// `- **Name** (@handle), 2025-02-07: first line of the text [on Bluesky](https://bsky.app/…)`.
/// The date is when it was posted (or saved, if the post does not say). The only links are
/// the bsky.app ones SkyPanel builds; everything from the post is escaped.
pub fn to_markdown(posts: &[SavedPost]) -> String {
    let mut out = String::from("# SkyPanel saved posts\n\n");
    for post in posts {
        let facts = post.facts();
        let who = match (facts.author_name.trim(), facts.author_handle.as_str()) {
            ("", "") => escape(&facts.author_did),
            ("", handle) => format!("@{}", escape(handle)),
            (name, "") => format!("**{}**", escape(name)),
            (name, handle) => format!("**{}** (@{})", escape(name), escape(handle)),
        };
        let date = format_date(facts.created_at.unwrap_or(post.saved_at));
        let text = first_line(&facts.text, 200);
        let text = if text.is_empty() { "(no text)".to_owned() } else { escape(&text) };
        out.push_str(&format!("- {who}, {date}: {text}"));
        if let Some(url) = bsky_url(&post.uri) {
            out.push_str(&format!(" [on Bluesky]({url})"));
        }
        if !post.tags().is_empty() {
            let tags: Vec<String> = post.tags().iter().map(|t| escape(&format!("#{t}"))).collect();
            out.push_str(&format!(" {}", tags.join(" ")));
        }
        out.push('\n');
    }
    out
}
