//! The media files a saved post keeps: what each one is, where it comes from, and whether
//! it has been downloaded yet.

use serde::Serialize;
use serde_json::Value;

use crate::model::embed::AspectRatio;

/// What a media file is to its post.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum MediaKind {
    /// An image, at full size.
    Image,
    /// A video: the original file the author uploaded.
    Video,
    /// The poster image the video service made for a video.
    VideoThumbnail,
    /// The thumbnail of a link card.
    LinkThumbnail,
    /// The author's avatar.
    Avatar,
}

/// Whether a media file has been downloaded.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "state", rename_all = "camelCase")]
pub enum MediaState {
    /// Not downloaded yet.
    Pending,
    /// Downloaded and stored under the file name.
    Done {
        /// Its size in bytes.
        size: u64,
    },
    /// Downloading failed; it may be retried.
    Failed {
        /// What went wrong, for the person.
        error: String,
        /// How many downloads were tried.
        attempts: u32,
    },
}

impl MediaState {
    /// Reads a state as written inline in a media item: `{"state": "pending"}`,
    /// `{"state": "done", "size": n}` or `{"state": "failed", "error": "…", "attempts": n}`
    /// (other keys are ignored).
    pub fn from_value(v: &Value) -> Result<MediaState, String> {
        let number =
            |key: &str| v.get(key).and_then(Value::as_u64).ok_or_else(|| format!("has no valid \"{key}\""));
        match v.get("state").and_then(Value::as_str) {
            Some("pending") => Ok(MediaState::Pending),
            Some("done") => Ok(MediaState::Done { size: number("size")? }),
            Some("failed") => Ok(MediaState::Failed {
                error: v.get("error").and_then(Value::as_str).unwrap_or_default().to_owned(),
                attempts: u32::try_from(number("attempts")?).unwrap_or(u32::MAX),
            }),
            _ => Err("has no known \"state\" (pending, done or failed)".into()),
        }
    }

    /// How much a state is worth keeping when two copies of one file meet in a merge.
    pub(crate) fn rank(&self) -> u8 {
        match self {
            MediaState::Done { .. } => 2,
            MediaState::Failed { .. } => 1,
            MediaState::Pending => 0,
        }
    }
}

/// One media file of a saved post.
///
/// To download it, fetch `com.atproto.sync.getBlob?did=<owner>&cid=<cid>` from the owner's
/// PDS when `cid` is known (the original bytes), otherwise, or when that fails, `url` (the
/// CDN copy; for a video, its HLS playlist).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct MediaRef {
    /// What the file is.
    pub kind: MediaKind,
    /// The DID whose PDS holds the blob (the author of the post or quoted post it is in).
    pub owner: String,
    /// The blob's cid, when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cid: Option<String>,
    /// Where the AppView serves it (CDN image, HLS playlist, thumbnail), when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// The original blob's MIME type, when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mime: Option<String>,
    /// Alt text (empty when there is none).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub alt: String,
    /// Width and height, when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub aspect_ratio: Option<AspectRatio>,
    /// Where the file lives in a library or an export: `media/<cid or hash>.<ext>`.
    pub file: String,
    /// Whether it has been downloaded (`"state"` and its fields, inline).
    #[serde(flatten)]
    pub state: MediaState,
}

impl MediaRef {
    /// A pending media file, with its file name derived from the cid (or the URL).
    pub fn new(
        kind: MediaKind,
        owner: &str,
        cid: Option<String>,
        url: Option<String>,
        mime: Option<String>,
    ) -> Self {
        let cid = cid.filter(|c| is_safe_name(c));
        let file = file_name(kind, cid.as_deref(), url.as_deref(), mime.as_deref());
        MediaRef {
            kind,
            owner: owner.to_owned(),
            cid,
            url,
            mime,
            alt: String::new(),
            aspect_ratio: None,
            file,
            state: MediaState::Pending,
        }
    }
}

impl MediaKind {
    const ALL: [MediaKind; 5] = [
        MediaKind::Image,
        MediaKind::Video,
        MediaKind::VideoThumbnail,
        MediaKind::LinkThumbnail,
        MediaKind::Avatar,
    ];

    /// The name used in files: `image`, `video`, `videoThumbnail`, `linkThumbnail`, `avatar`.
    pub fn name(self) -> &'static str {
        match self {
            MediaKind::Image => "image",
            MediaKind::Video => "video",
            MediaKind::VideoThumbnail => "videoThumbnail",
            MediaKind::LinkThumbnail => "linkThumbnail",
            MediaKind::Avatar => "avatar",
        }
    }
}

/// Reads a media item as written by its `Serialize` (see the format in
/// [`super::export`]). By hand over `Value` rather than derived: a derived reader for the
/// inline, tagged state costs far more wasm than these lines.
pub(crate) fn media_from_value(v: &Value) -> Result<MediaRef, String> {
    let text = |key: &str| -> Result<Option<String>, String> {
        match v.get(key) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::String(s)) => Ok(Some(s.clone())),
            Some(_) => Err(format!("has a \"{key}\" that is not text")),
        }
    };
    if !v.is_object() {
        return Err("is not a JSON object".into());
    }
    let kind = text("kind")?.unwrap_or_default();
    let kind = MediaKind::ALL.into_iter().find(|k| k.name() == kind).ok_or_else(|| {
        format!("has an unknown \"kind\" \"{kind}\" (image, video, videoThumbnail, linkThumbnail or avatar)")
    })?;
    let state = MediaState::from_value(v)?;
    let aspect_ratio = match v.get("aspectRatio") {
        None | Some(Value::Null) => None,
        Some(a) => Some(serde_json::from_value(a.clone()).map_err(|_| "has an invalid \"aspectRatio\"")?),
    };
    Ok(MediaRef {
        kind,
        owner: text("owner")?.ok_or("has no \"owner\"")?,
        cid: text("cid")?,
        url: text("url")?,
        mime: text("mime")?,
        alt: text("alt")?.unwrap_or_default(),
        aspect_ratio,
        file: text("file")?.ok_or("has no \"file\"")?,
        state,
    })
}

/// Whether `s` may be the stem of a file name: ASCII letters and digits only (cids are),
/// so no name can climb out of `media/` or clash with a path separator.
fn is_safe_name(s: &str) -> bool {
    (1..=128).contains(&s.len()) && s.bytes().all(|b| b.is_ascii_alphanumeric())
}

/// Whether `file` is a name this module could have made: `media/<stem>.<ext>`.
pub fn is_valid_file_name(file: &str) -> bool {
    let Some(rest) = file.strip_prefix("media/") else { return false };
    let Some((stem, ext)) = rest.split_once('.') else { return false };
    is_safe_name(stem) && (1..=5).contains(&ext.len()) && ext.bytes().all(|b| b.is_ascii_alphanumeric())
}

/// The file extension for a MIME type, or for the format the CDN URL asks for.
fn extension(kind: MediaKind, mime: Option<&str>, url: Option<&str>) -> &'static str {
    let from_mime = match mime.map(str::to_ascii_lowercase).as_deref() {
        Some("image/jpeg" | "image/jpg") => Some("jpg"),
        Some("image/png") => Some("png"),
        Some("image/webp") => Some("webp"),
        Some("image/gif") => Some("gif"),
        Some("image/avif") => Some("avif"),
        Some("image/heic") => Some("heic"),
        Some("video/mp4") => Some("mp4"),
        Some("video/quicktime") => Some("mov"),
        Some("video/webm") => Some("webm"),
        Some("video/mpeg") => Some("mpeg"),
        _ => None,
    };
    // bsky CDN URLs end in `@jpeg`, `@png`, `@webp`; video thumbnails in `.jpg`.
    let from_url = || {
        let url = url?.rsplit('/').next()?.to_ascii_lowercase();
        let fmt = url
            .rsplit_once('@')
            .map(|(_, f)| f.to_owned())
            .or_else(|| url.rsplit_once('.').map(|(_, e)| e.to_owned()))?;
        match fmt.as_str() {
            "jpeg" | "jpg" => Some("jpg"),
            "png" => Some("png"),
            "webp" => Some("webp"),
            "gif" => Some("gif"),
            _ => None,
        }
    };
    from_mime.or_else(from_url).unwrap_or(match kind {
        MediaKind::Video => "mp4",
        MediaKind::Image | MediaKind::VideoThumbnail | MediaKind::LinkThumbnail | MediaKind::Avatar => "jpg",
    })
}

/// FNV-1a, 64 bits: a stable name for a file whose cid is unknown (the same URL always gives
/// the same name, on every platform and in every version).
fn fnv1a(s: &str) -> u64 {
    s.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3))
}

fn file_name(kind: MediaKind, cid: Option<&str>, url: Option<&str>, mime: Option<&str>) -> String {
    let ext = extension(kind, mime, url);
    match cid {
        Some(cid) => format!("media/{cid}.{ext}"),
        None => format!("media/h{:016x}.{ext}", fnv1a(url.unwrap_or(""))),
    }
}

/// The blob cid at the end of a bsky CDN URL (`…/plain/<did>/<cid>@jpeg`), if it looks like one.
pub(crate) fn cid_from_cdn_url(url: &str) -> Option<String> {
    let last = url.rsplit('/').next()?;
    let cid = last.split('@').next()?;
    (cid.len() > 8 && cid.starts_with("baf") && is_safe_name(cid)).then(|| cid.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_come_from_the_cid_and_mime() {
        let m = MediaRef::new(
            MediaKind::Image,
            "did:plc:a",
            Some("bafkreiabc".into()),
            None,
            Some("image/png".into()),
        );
        assert_eq!(m.file, "media/bafkreiabc.png");
        let v = MediaRef::new(
            MediaKind::Video,
            "did:plc:a",
            Some("bafkreivid".into()),
            None,
            Some("video/mp4".into()),
        );
        assert_eq!(v.file, "media/bafkreivid.mp4");
        let cdn = "https://cdn.bsky.app/img/avatar/plain/did:plc:a/bafkreiavatar1@jpeg";
        assert_eq!(cid_from_cdn_url(cdn).as_deref(), Some("bafkreiavatar1"));
        let a = MediaRef::new(MediaKind::Avatar, "did:plc:a", cid_from_cdn_url(cdn), Some(cdn.into()), None);
        assert_eq!(a.file, "media/bafkreiavatar1.jpg");
    }

    #[test]
    fn unsafe_cids_fall_back_to_a_stable_hash() {
        let url = "https://video.bsky.app/watch/x/thumbnail.jpg";
        let a = MediaRef::new(
            MediaKind::VideoThumbnail,
            "did:plc:a",
            Some("../../etc/passwd".into()),
            Some(url.into()),
            None,
        );
        assert_eq!(a.cid, None);
        assert!(a.file.starts_with("media/h") && a.file.ends_with(".jpg"), "{}", a.file);
        assert!(is_valid_file_name(&a.file));
        let b = MediaRef::new(MediaKind::VideoThumbnail, "did:plc:b", None, Some(url.into()), None);
        assert_eq!(a.file, b.file, "same URL, same name");
        assert_eq!(fnv1a(""), 0xcbf2_9ce4_8422_2325);
    }

    #[test]
    fn media_items_read_back_what_was_written() {
        let mut m = MediaRef::new(
            MediaKind::LinkThumbnail,
            "did:plc:a",
            Some("bafkreiabc".into()),
            Some("https://x/y@png".into()),
            None,
        );
        m.alt = "alt".into();
        m.aspect_ratio = Some(AspectRatio { width: 3, height: 4 });
        for state in [
            MediaState::Pending,
            MediaState::Done { size: 9 },
            MediaState::Failed { error: "e".into(), attempts: 2 },
        ] {
            m.state = state;
            let v = serde_json::to_value(&m).unwrap();
            assert_eq!(media_from_value(&v), Ok(m.clone()), "{v}");
        }
        for kind in MediaKind::ALL {
            assert_eq!(serde_json::to_value(kind).unwrap(), kind.name());
        }
        let bad = serde_json::json!({"kind": "image", "owner": "did:plc:a", "file": "media/a.jpg", "state": "done"});
        assert_eq!(media_from_value(&bad), Err("has no valid \"size\"".to_owned()));
    }

    #[test]
    fn file_names_that_could_escape_are_invalid() {
        for bad in [
            "media/../x.jpg",
            "media/a/b.jpg",
            "/media/a.jpg",
            "media/.jpg",
            "media/a.",
            "a.jpg",
            "media/a.j/g",
            "media/a b.jpg",
        ] {
            assert!(!is_valid_file_name(bad), "{bad}");
        }
        assert!(is_valid_file_name("media/bafkreiabc.jpg"));
    }
}
