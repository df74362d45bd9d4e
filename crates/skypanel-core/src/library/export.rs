//! Writing the library as one JSON file: the `skypanel.saved` format, version 1.
//!
//! The extension and the CLI both read and write this format; [`super::import`] reads it.
//!
//! # The format
//!
//! A UTF-8 JSON object:
//!
//! ```json
//! {"format":"skypanel.saved","version":1,"exportedAt":"2025-02-08T10:15:14.135Z","generator":"SkyPanel 0.1.0","posts":[
//! {"uri":"at://did:plc:…/app.bsky.feed.post/3lhnv26fdxc2v","cid":"bafyrei…","savedAt":"2025-02-09T08:00:00.000Z","tags":["swift"],"note":"","status":{"state":"live","checkedAt":"2025-02-09T08:00:00.000Z"},"post":{…},"media":[…]}
//! ]}
//! ```
//!
//! Top level:
//!
//! | Key | Required | Value |
//! | --- | --- | --- |
//! | `format` | yes | exactly `"skypanel.saved"` |
//! | `version` | yes | the integer `1`. A reader refuses a higher version (a newer SkyPanel wrote it) |
//! | `exportedAt` | no | when the file was written (RFC 3339, UTC) |
//! | `generator` | no | what wrote it, e.g. `"SkyPanel 0.1.0"` |
//! | `posts` | yes | an array of entries (may be empty) |
//!
//! Each entry (an object):
//!
//! | Key | Required | Value |
//! | --- | --- | --- |
//! | `uri` | yes | the post's at-uri, `at://<did>/app.bsky.feed.post/<rkey>`: the entry's identity |
//! | `cid` | yes | the post's cid when saved (a non-empty string) |
//! | `savedAt` | yes | when the user saved it: RFC 3339 (`YYYY-MM-DDTHH:MM:SS[.fff](Z\|±HH:MM)`); writers use UTC with milliseconds |
//! | `tags` | no (`[]`) | the user's tags: strings without a leading `#`, unique ignoring case |
//! | `note` | no (`""`) | the user's note |
//! | `status` | no (`{"state":"unknown"}`) | `{"state": "unknown" \| "live" \| "deleted" \| "blocked", "checkedAt"?: RFC 3339}`: what the last check on Bluesky found and when (the post is kept whatever it says) |
//! | `post` | no | the post as the Bluesky AppView sent it (`app.bsky.feed.defs#postView`), **byte for byte**: an object whose `uri` equals the entry's `uri`, with a `cid` and `author.did`. Absent only if the post was never fetched |
//! | `media` | no (`[]`) | the post's media files, below |
//!
//! Each media item (an object):
//!
//! | Key | Required | Value |
//! | --- | --- | --- |
//! | `kind` | yes | `"image"` (full size), `"video"` (the original upload), `"videoThumbnail"`, `"linkThumbnail"` or `"avatar"` (the author's) |
//! | `owner` | yes | the DID whose PDS holds the blob: fetch `com.atproto.sync.getBlob?did=<owner>&cid=<cid>` there |
//! | `cid` | no | the blob's cid (ASCII letters and digits) |
//! | `url` | no | where the AppView serves it: the CDN image, the video's HLS playlist, the thumbnail (the fallback when there is no cid or the PDS fails) |
//! | `mime` | no | the original blob's MIME type |
//! | `alt` | no (`""`) | alt text |
//! | `aspectRatio` | no | `{"width": n, "height": n}` |
//! | `file` | yes | where the file is in an export archive or library: `media/<stem>.<ext>`, the stem being the cid or `h` + 16 hex digits of a hash of the URL, only ASCII letters and digits, the extension 1–5 of them |
//! | `state` | yes | `"pending"` (not downloaded), `"done"` with `"size"` (bytes), or `"failed"` with `"error"` (text) and `"attempts"` (count) |
//!
//! Readers ignore keys they do not know (a later version 1 writer may add some; anything a
//! reader must understand bumps the version). The same at-uri may appear twice; readers
//! merge such entries as an import would. Writers put one entry per line, in the library's
//! order.

use super::entry::SavedPost;
use super::time::format_rfc3339;

/// The `format` value of a SkyPanel export.
pub const FORMAT: &str = "skypanel.saved";
/// The format version this SkyPanel writes, and the newest it reads.
pub const VERSION: u64 = 1;

/// The library as a `skypanel.saved` JSON file, written at `exported_at` (ms since the
/// epoch). Each post's JSON is copied verbatim.
pub fn to_json(posts: &[SavedPost], exported_at: i64) -> String {
    let generator = serde_json::Value::from(format!("SkyPanel {}", crate::VERSION));
    let mut out = format!(
        "{{\"format\":\"{FORMAT}\",\"version\":{VERSION},\"exportedAt\":\"{}\",\"generator\":{generator},\"posts\":[",
        format_rfc3339(exported_at)
    );
    for (i, post) in posts.iter().enumerate() {
        out.push_str(if i == 0 { "\n" } else { ",\n" });
        out.push_str(&post.to_json());
    }
    out.push_str("\n]}\n");
    out
}
