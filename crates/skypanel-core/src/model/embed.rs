//! Hydrated embeds as the AppView presents them (`app.bsky.embed.*#view`).

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::actor::ProfileViewBasic;
use super::graph::{GeneratorView, ListView};
use super::object::lexicon_object;
use super::union::open_union;

/// Width and height, for layout before media loads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct AspectRatio {
    /// Width (any unit).
    pub width: u64,
    /// Height (same unit).
    pub height: u64,
}

lexicon_object! {
    /// One image of an images embed.
    #[derive(Debug, Clone, PartialEq)]
    pub struct ViewImage {
        /// Small version's URL.
        pub thumb: String => req "thumb",
        /// Full-size version's URL.
        pub fullsize: String => req "fullsize",
        /// Alt text (may be empty).
        pub alt: String => opt "alt",
        /// Dimensions, when known.
        #[serde(skip_serializing_if = "Option::is_none")]
        pub aspect_ratio: Option<AspectRatio> => opt "aspectRatio",
    }
    /// Everything else, kept as sent.
    extra;
}

lexicon_object! {
    /// `app.bsky.embed.images#view`.
    #[derive(Debug, Clone, PartialEq)]
    pub struct ImagesView {
        /// Up to four images.
        pub images: Vec<ViewImage> => req "images",
    }
    /// Everything else, kept as sent.
    extra;
}

lexicon_object! {
    /// `app.bsky.embed.video#view`.
    #[derive(Debug, Clone, PartialEq)]
    pub struct VideoView {
        /// The video blob's cid (the original is `com.atproto.sync.getBlob` of it).
        pub cid: String => req "cid",
        /// HLS playlist URL.
        pub playlist: String => req "playlist",
        /// Poster image URL.
        #[serde(skip_serializing_if = "Option::is_none")]
        pub thumbnail: Option<String> => opt "thumbnail",
        /// Alt text.
        #[serde(skip_serializing_if = "Option::is_none")]
        pub alt: Option<String> => opt "alt",
        /// Dimensions, when known.
        #[serde(skip_serializing_if = "Option::is_none")]
        pub aspect_ratio: Option<AspectRatio> => opt "aspectRatio",
    }
    /// Everything else, kept as sent.
    extra;
}

lexicon_object! {
    /// The link card of an external embed.
    #[derive(Debug, Clone, PartialEq)]
    pub struct ViewExternal {
        /// The linked URL.
        pub uri: String => req "uri",
        /// The page's title.
        pub title: String => opt "title",
        /// The page's description.
        pub description: String => opt "description",
        /// Thumbnail URL.
        #[serde(skip_serializing_if = "Option::is_none")]
        pub thumb: Option<String> => opt "thumb",
    }
    /// Everything else, kept as sent.
    extra;
}

lexicon_object! {
    /// `app.bsky.embed.external#view`.
    #[derive(Debug, Clone, PartialEq)]
    pub struct ExternalView {
        /// The card.
        pub external: ViewExternal => req "external",
    }
    /// Everything else, kept as sent.
    extra;
}

lexicon_object! {
    /// `app.bsky.embed.record#view`: a quoted record.
    #[derive(Debug, Clone, PartialEq)]
    pub struct RecordView {
        /// The quoted record, or why it cannot be shown.
        pub record: RecordViewRecord => req "record",
    }
    /// Everything else, kept as sent.
    extra;
}

lexicon_object! {
    /// `app.bsky.embed.recordWithMedia#view`: a quote plus images, video or a link card.
    #[derive(Debug, Clone, PartialEq)]
    pub struct RecordWithMediaView {
        /// The quote.
        pub record: RecordView => req "record",
        /// The media.
        pub media: MediaView => req "media",
    }
    /// Everything else, kept as sent.
    extra;
}

lexicon_object! {
    /// A quoted post (`app.bsky.embed.record#viewRecord`).
    #[derive(Debug, Clone, PartialEq)]
    pub struct ViewRecord {
        /// The quoted post's at-uri.
        pub uri: String => req "uri",
        /// Its cid.
        pub cid: String => req "cid",
        /// Its author.
        pub author: ProfileViewBasic => req "author",
        /// The quoted record itself.
        pub value: Value => req "value",
        /// When it was indexed.
        #[serde(skip_serializing_if = "String::is_empty")]
        pub indexed_at: String => opt "indexedAt",
        /// Its own embeds, hydrated.
        #[serde(skip_serializing_if = "Option::is_none")]
        pub embeds: Option<Vec<EmbedView>> => opt "embeds",
    }
    /// Everything else, kept as sent.
    extra;
}

lexicon_object! {
    /// A quoted record that cannot be shown (not found, blocked, detached by its author).
    #[derive(Debug, Clone, PartialEq)]
    pub struct UnavailableRecord {
        /// The record's at-uri.
        pub uri: String => req "uri",
    }
    /// Everything else (`notFound`, `blocked`, `author`, `detached`), kept as sent.
    extra;
}

lexicon_object! {
    /// A quoted record of another kind SkyPanel shows only by name (labeler, starter pack).
    #[derive(Debug, Clone, PartialEq)]
    pub struct OtherRecordView {
        /// The record's at-uri.
        pub uri: String => req "uri",
    }
    /// Everything else, kept as sent.
    extra;
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
