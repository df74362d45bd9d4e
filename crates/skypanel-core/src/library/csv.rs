//! The library's links as CSV: one row per link in a saved post.

use super::entry::SavedPost;
use super::markdown::bsky_url;
use super::time::format_rfc3339;

/// One CSV cell: a cell a spreadsheet would take for a formula (starting with `=`, `+`,
/// `-`, `@`, tab or carriage return) gets a leading `'`; a cell with a comma, quote or line
/// break is quoted with inner quotes doubled (RFC 4180).
pub fn cell(value: &str) -> String {
    let value = if value.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{value}")
    } else {
        value.to_owned()
    };
    if value.contains([',', '"', '\r', '\n']) {
        format!("\"{}\"", value.replace('"', "\"\""))
    } else {
        value
    }
}

/// The header row's column names.
pub const HEADER: [&str; 5] = ["post_url", "author_handle", "saved_at", "link_url", "link_title"];

/// One row per link of each post (link cards and links in the text, the quoted post's
/// included), with a header row; CRLF line ends. Posts without links give no rows.
pub fn to_csv(posts: &[SavedPost]) -> String {
    let mut out = HEADER.join(",");
    out.push_str("\r\n");
    for post in posts {
        let facts = post.facts();
        let post_url = bsky_url(&post.uri).unwrap_or_else(|| post.uri.clone());
        let saved_at = format_rfc3339(post.saved_at);
        for link in &facts.links {
            let row = [post_url.as_str(), &facts.author_handle, &saved_at, &link.url, &link.title];
            out.push_str(&row.map(cell).join(","));
            out.push_str("\r\n");
        }
    }
    out
}
