//! What the library needs to know about a post, read straight from its postView JSON.
//!
//! One pass over `serde_json::Value` rather than the typed model: the library must accept
//! any post the server ever sent (unknown embed types, missing views, old blob shapes) and
//! read only a few fields, so a tolerant walk is simpler and adds no Deserialize code to the
//! wasm. Anything unknown simply contributes nothing.

use serde_json::Value;

use super::media::{cid_from_cdn_url, MediaKind, MediaRef};
use super::time::parse_rfc3339;
use crate::model::embed::AspectRatio;
use crate::richtext::is_safe_link;

/// Kind flag: the post (or the post it quotes) has a link (a link card or a link in its text).
pub const KIND_LINK: u8 = 1;
/// Kind flag: the post (or the post it quotes) has images.
pub const KIND_IMAGES: u8 = 2;
/// Kind flag: the post (or the post it quotes) has a video.
pub const KIND_VIDEO: u8 = 4;
/// Kind flag: the post quotes another post.
pub const KIND_QUOTE: u8 = 8;

/// A link in a post.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Link {
    /// The URL (http or https only).
    pub url: String,
    /// The link card's title, or empty for a link in the text.
    pub title: String,
    /// The link card's description, or empty.
    pub description: String,
}

/// The searchable and exportable facts of one post (and of the post it quotes).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PostFacts {
    /// The author's DID.
    pub author_did: String,
    /// The author's handle.
    pub author_handle: String,
    /// The author's display name (may be empty).
    pub author_name: String,
    /// The post's text.
    pub text: String,
    /// When the author wrote it, in ms since the epoch, if the record says.
    pub created_at: Option<i64>,
    /// Links in the text and link cards, the quoted post's included, each URL once.
    pub links: Vec<Link>,
    /// Alt texts of images and videos, the quoted post's included.
    pub alts: Vec<String>,
    /// The quoted post's text, when it quotes a visible post.
    pub quoted_text: String,
    /// `KIND_*` flags.
    pub kinds: u8,
    /// Every media file: images, video, thumbnails, the author's avatar.
    pub media: Vec<MediaRef>,
}

fn str_at<'a>(v: &'a Value, key: &str) -> &'a str {
    v.get(key).and_then(Value::as_str).unwrap_or("")
}

fn opt_str(v: Option<&Value>, key: &str) -> Option<String> {
    v?.get(key).and_then(Value::as_str).filter(|s| !s.is_empty()).map(str::to_owned)
}

fn aspect(v: Option<&Value>) -> Option<AspectRatio> {
    let a = v?.get("aspectRatio")?;
    Some(AspectRatio { width: a.get("width")?.as_u64()?, height: a.get("height")?.as_u64()? })
}

/// A blob's cid and MIME type: `{ref: {$link}, mimeType}`, or the legacy `{cid, mimeType}`.
fn blob(v: Option<&Value>) -> (Option<String>, Option<String>) {
    let Some(b) = v else { return (None, None) };
    let cid = b
        .get("ref")
        .and_then(|r| r.get("$link"))
        .and_then(Value::as_str)
        .or_else(|| b.get("cid").and_then(Value::as_str));
    (cid.map(str::to_owned), opt_str(Some(b), "mimeType"))
}

fn image_list(embed: Option<&Value>) -> &[Value] {
    embed.and_then(|v| v.get("images")).and_then(Value::as_array).map(Vec::as_slice).unwrap_or(&[])
}

/// An embed's member name without the `#view` suffix: `app.bsky.embed.images`.
fn base_type(v: Option<&Value>) -> Option<&str> {
    let t = v?.get("$type")?.as_str()?;
    Some(t.strip_suffix("#view").unwrap_or(t))
}

impl PostFacts {
    /// Reads the facts of a postView. Never fails: what is missing stays empty.
    pub fn read(post: &Value) -> PostFacts {
        let author = post.get("author");
        let record = post.get("record");
        let mut facts = PostFacts {
            author_did: author.map(|a| str_at(a, "did")).unwrap_or("").to_owned(),
            author_handle: author.map(|a| str_at(a, "handle")).unwrap_or("").to_owned(),
            author_name: author.map(|a| str_at(a, "displayName")).unwrap_or("").to_owned(),
            text: record.map(|r| str_at(r, "text")).unwrap_or("").to_owned(),
            created_at: record
                .and_then(|r| r.get("createdAt"))
                .and_then(Value::as_str)
                .and_then(parse_rfc3339),
            ..PostFacts::default()
        };
        if let Some(r) = record {
            facts.facet_links(r);
        }
        let owner = facts.author_did.clone();
        facts.embed(post.get("embed"), record.and_then(|r| r.get("embed")), &owner, true);
        if let Some(avatar) = opt_str(author, "avatar") {
            let mime = avatar.ends_with("@jpeg").then(|| "image/jpeg".to_owned());
            facts.add_media(MediaRef::new(
                MediaKind::Avatar,
                &owner,
                cid_from_cdn_url(&avatar),
                Some(avatar),
                mime,
            ));
        }
        facts
    }

    fn add_link(&mut self, url: &str, title: &str, description: &str) {
        if url.is_empty() || !is_safe_link(url) {
            return;
        }
        self.kinds |= KIND_LINK;
        match self.links.iter_mut().find(|l| l.url == url) {
            Some(l) if l.title.is_empty() => {
                (l.title, l.description) = (title.to_owned(), description.to_owned())
            }
            Some(_) => {}
            None => self.links.push(Link {
                url: url.to_owned(),
                title: title.to_owned(),
                description: description.to_owned(),
            }),
        }
    }

    fn add_media(&mut self, media: MediaRef) {
        if !self.media.iter().any(|m| m.file == media.file) {
            self.media.push(media);
        }
    }

    /// Link facets of a post record.
    fn facet_links(&mut self, record: &Value) {
        let facets = record.get("facets").and_then(Value::as_array).map(Vec::as_slice).unwrap_or(&[]);
        for feature in facets.iter().filter_map(|f| f.get("features")?.as_array()).flatten() {
            if str_at(feature, "$type") == "app.bsky.richtext.facet#link" {
                self.add_link(str_at(feature, "uri"), "", "");
            }
        }
    }

    /// One embed, from its hydrated view and/or its record form (either may be missing).
    /// `top` is false inside a quoted post, where quotes are not followed further.
    fn embed(&mut self, view: Option<&Value>, record: Option<&Value>, owner: &str, top: bool) {
        let kind = base_type(view).or_else(|| base_type(record));
        // A record form of another type than the view is not this embed's: ignore it.
        let record = record.filter(|_| base_type(record) == kind);
        let view = view.filter(|_| base_type(view) == kind);
        match kind {
            Some("app.bsky.embed.images") => self.images(view, record, owner),
            Some("app.bsky.embed.video") => self.video(view, record, owner),
            Some("app.bsky.embed.external") => {
                let (v, r) = (view.and_then(|v| v.get("external")), record.and_then(|r| r.get("external")));
                let card = v.or(r);
                if let Some(card) = card {
                    self.add_link(str_at(card, "uri"), str_at(card, "title"), str_at(card, "description"));
                }
                let (cid, mime) = blob(r.and_then(|r| r.get("thumb")));
                let url = opt_str(v, "thumb");
                if cid.is_some() || url.is_some() {
                    let cid = cid.or_else(|| url.as_deref().and_then(cid_from_cdn_url));
                    self.add_media(MediaRef::new(MediaKind::LinkThumbnail, owner, cid, url, mime));
                }
            }
            Some("app.bsky.embed.record") if top => {
                self.quote(view.and_then(|v| v.get("record")), record.and_then(|r| r.get("record")));
            }
            Some("app.bsky.embed.recordWithMedia") => {
                let (vm, rm) = (view.and_then(|v| v.get("media")), record.and_then(|r| r.get("media")));
                self.embed(vm, rm, owner, false);
                if top {
                    // The quote half is a `record#view` / `embed.record` without its $type, at times.
                    let vq = view.and_then(|v| v.get("record")).and_then(|r| r.get("record"));
                    let rq = record.and_then(|r| r.get("record")).and_then(|r| r.get("record"));
                    self.quote(vq, rq);
                }
            }
            _ => {} // unknown embeds stay in the saved JSON and add nothing here
        }
    }

    /// A quoted record: `view` is the `record#view…` member, `strong_ref` the record's
    /// `{uri, cid}`. Only quoted *posts* count as quotes.
    fn quote(&mut self, view: Option<&Value>, strong_ref: Option<&Value>) {
        let uri =
            view.map(|v| str_at(v, "uri")).filter(|u| !u.is_empty()).or(strong_ref.map(|r| str_at(r, "uri")));
        if !uri.is_some_and(|u| u.contains("/app.bsky.feed.post/")) {
            return;
        }
        self.kinds |= KIND_QUOTE;
        let Some(v) = view.filter(|v| str_at(v, "$type") == "app.bsky.embed.record#viewRecord") else {
            return;
        };
        let owner = v.get("author").map(|a| str_at(a, "did")).unwrap_or("").to_owned();
        let value = v.get("value");
        self.quoted_text = value.map(|r| str_at(r, "text")).unwrap_or("").to_owned();
        if let Some(r) = value {
            self.facet_links(r);
        }
        let views = v.get("embeds").and_then(Value::as_array).and_then(|e| e.first());
        self.embed(views, value.and_then(|r| r.get("embed")), &owner, false);
    }

    fn images(&mut self, view: Option<&Value>, record: Option<&Value>, owner: &str) {
        let (views, records) = (image_list(view), image_list(record));
        // View and record list the same images in the same order.
        for i in 0..views.len().max(records.len()) {
            let (v, r) = (views.get(i), records.get(i));
            let (cid, mime) = blob(r.and_then(|r| r.get("image")));
            let url = opt_str(v, "fullsize");
            let cid = cid.or_else(|| url.as_deref().and_then(cid_from_cdn_url));
            if cid.is_none() && url.is_none() {
                continue;
            }
            let mut m = MediaRef::new(MediaKind::Image, owner, cid, url, mime);
            m.alt = opt_str(v, "alt").or_else(|| opt_str(r, "alt")).unwrap_or_default();
            m.aspect_ratio = aspect(v).or_else(|| aspect(r));
            self.kinds |= KIND_IMAGES;
            self.push_alt(&m.alt);
            self.add_media(m);
        }
    }

    fn video(&mut self, view: Option<&Value>, record: Option<&Value>, owner: &str) {
        let (cid, mime) = blob(record.and_then(|r| r.get("video")));
        let cid = cid.or_else(|| opt_str(view, "cid"));
        let playlist = opt_str(view, "playlist");
        if cid.is_none() && playlist.is_none() {
            return;
        }
        let mut m = MediaRef::new(MediaKind::Video, owner, cid, playlist, mime);
        m.alt = opt_str(view, "alt").or_else(|| opt_str(record, "alt")).unwrap_or_default();
        m.aspect_ratio = aspect(view).or_else(|| aspect(record));
        self.kinds |= KIND_VIDEO;
        self.push_alt(&m.alt);
        self.add_media(m);
        if let Some(thumb) = opt_str(view, "thumbnail") {
            self.add_media(MediaRef::new(MediaKind::VideoThumbnail, owner, None, Some(thumb), None));
        }
    }

    fn push_alt(&mut self, alt: &str) {
        if !alt.is_empty() {
            self.alts.push(alt.to_owned());
        }
    }
}
