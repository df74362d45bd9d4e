//! Hydrated embeds as the AppView presents them (`app.bsky.embed.*#view`).

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::actor::ProfileViewBasic;
use super::graph::{GeneratorView, ListView};
use super::union::open_union;

/// Width and height, for layout before media loads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct AspectRatio {
    /// Width (any unit).
    pub width: u64,
    /// Height (same unit).
    pub height: u64,
}

/// One image of an images embed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ViewImage {
    /// Small version's URL.
    pub thumb: String,
    /// Full-size version's URL.
    pub fullsize: String,
    /// Alt text (may be empty).
    #[serde(default)]
    pub alt: String,
    /// Dimensions, when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub aspect_ratio: Option<AspectRatio>,
    /// Everything else, kept as sent.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// `app.bsky.embed.images#view`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ImagesView {
    /// Up to four images.
    pub images: Vec<ViewImage>,
    /// Everything else, kept as sent.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// `app.bsky.embed.video#view`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct VideoView {
    /// The video blob's cid (the original is `com.atproto.sync.getBlob` of it).
    pub cid: String,
    /// HLS playlist URL.
    pub playlist: String,
    /// Poster image URL.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub thumbnail: Option<String>,
    /// Alt text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub alt: Option<String>,
    /// Dimensions, when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub aspect_ratio: Option<AspectRatio>,
    /// Everything else, kept as sent.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// The link card of an external embed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ViewExternal {
    /// The linked URL.
    pub uri: String,
    /// The page's title.
    #[serde(default)]
    pub title: String,
    /// The page's description.
    #[serde(default)]
    pub description: String,
    /// Thumbnail URL.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub thumb: Option<String>,
    /// Everything else, kept as sent.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// `app.bsky.embed.external#view`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ExternalView {
    /// The card.
    pub external: ViewExternal,
    /// Everything else, kept as sent.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// `app.bsky.embed.record#view`: a quoted record.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RecordView {
    /// The quoted record, or why it cannot be shown.
    pub record: RecordViewRecord,
    /// Everything else, kept as sent.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// `app.bsky.embed.recordWithMedia#view`: a quote plus images, video or a link card.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RecordWithMediaView {
    /// The quote.
    pub record: RecordView,
    /// The media.
    pub media: MediaView,
    /// Everything else, kept as sent.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// A quoted post (`app.bsky.embed.record#viewRecord`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ViewRecord {
    /// The quoted post's at-uri.
    pub uri: String,
    /// Its cid.
    pub cid: String,
    /// Its author.
    pub author: ProfileViewBasic,
    /// The quoted record itself.
    pub value: Value,
    /// When it was indexed.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub indexed_at: String,
    /// Its own embeds, hydrated.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub embeds: Option<Vec<EmbedView>>,
    /// Everything else, kept as sent.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// A quoted record that cannot be shown (not found, blocked, detached by its author).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct UnavailableRecord {
    /// The record's at-uri.
    pub uri: String,
    /// Everything else (`notFound`, `blocked`, `author`, `detached`), kept as sent.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// A quoted record of another kind SkyPanel shows only by name (labeler, starter pack).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OtherRecordView {
    /// The record's at-uri.
    pub uri: String,
    /// Everything else, kept as sent.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

open_union! {
    /// What a quote embed holds.
    pub enum RecordViewRecord {
        /// A quoted post.
        Record(ViewRecord) = "app.bsky.embed.record#viewRecord",
        /// The quoted post was deleted.
        NotFound(UnavailableRecord) = "app.bsky.embed.record#viewNotFound",
        /// A block stands between the viewer and the quoted post.
        Blocked(UnavailableRecord) = "app.bsky.embed.record#viewBlocked",
        /// The quoted post's author detached it from this quote.
        Detached(UnavailableRecord) = "app.bsky.embed.record#viewDetached",
        /// A quoted custom feed.
        Generator(GeneratorView) = "app.bsky.feed.defs#generatorView",
        /// A quoted list.
        List(ListView) = "app.bsky.graph.defs#listView",
        /// A quoted labeler.
        Labeler(OtherRecordView) = "app.bsky.labeler.defs#labelerView",
        /// A quoted starter pack.
        StarterPack(OtherRecordView) = "app.bsky.graph.defs#starterPackViewBasic",
    }
}

open_union! {
    /// The media half of a record-with-media embed.
    pub enum MediaView {
        /// Images.
        Images(ImagesView) = "app.bsky.embed.images#view",
        /// A video.
        Video(VideoView) = "app.bsky.embed.video#view",
        /// A link card.
        External(ExternalView) = "app.bsky.embed.external#view",
    }
}

open_union! {
    /// A post's hydrated embed.
    pub enum EmbedView {
        /// Images.
        Images(ImagesView) = "app.bsky.embed.images#view",
        /// A video.
        Video(VideoView) = "app.bsky.embed.video#view",
        /// A link card.
        External(ExternalView) = "app.bsky.embed.external#view",
        /// A quote.
        Record(RecordView) = "app.bsky.embed.record#view",
        /// A quote with media.
        RecordWithMedia(RecordWithMediaView) = "app.bsky.embed.recordWithMedia#view",
    }
}

impl EmbedView {
    /// The `$type`s inside this embed that SkyPanel does not know, outermost first.
    pub fn unsupported(&self, out: &mut Vec<String>) {
        fn record(r: &RecordViewRecord, out: &mut Vec<String>) {
            match r {
                RecordViewRecord::Unknown(v) => out.push(type_of(v)),
                RecordViewRecord::Record(v) => {
                    for e in v.embeds.iter().flatten() {
                        e.unsupported(out);
                    }
                }
                _ => {}
            }
        }
        match self {
            EmbedView::Unknown(v) => out.push(type_of(v)),
            EmbedView::Record(r) => record(&r.record, out),
            EmbedView::RecordWithMedia(rm) => {
                record(&rm.record.record, out);
                if let MediaView::Unknown(v) = &rm.media {
                    out.push(type_of(v));
                }
            }
            _ => {}
        }
    }
}

/// The `$type` of an unknown member, or a placeholder when it has none.
pub(crate) fn type_of(v: &Value) -> String {
    v.get("$type").and_then(Value::as_str).unwrap_or("(no $type)").to_owned()
}
