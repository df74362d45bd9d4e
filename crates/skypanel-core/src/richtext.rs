//! Rich text: a post's text cut into plain runs, links, mentions and tags by its facets.
//!
//! Facets index the text by UTF-8 *byte* offsets. Real data contains facets that are out of
//! range, overlap, split a character, or carry features from the future; none of that may
//! panic or lose text. The rule: the segments, concatenated, are always exactly the text.

use serde::Serialize;

use crate::model::{Facet, FacetFeature};

/// What a run of text is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "camelCase")]
pub enum SegmentKind {
    /// Plain text.
    Plain,
    /// A link; only `http:` and `https:` URLs become links.
    Link {
        /// The full URL.
        uri: String,
    },
    /// A mention of an account.
    Mention {
        /// The account's DID.
        did: String,
    },
    /// A hashtag.
    Tag {
        /// The tag without `#`.
        tag: String,
    },
}

/// A run of a post's text and what it is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Segment {
    /// The text of the run.
    pub text: String,
    /// What it is.
    #[serde(flatten)]
    pub kind: SegmentKind,
}

/// Whether `uri` is a link SkyPanel will make clickable.
pub fn is_safe_link(uri: &str) -> bool {
    let lower = uri.trim_start().get(..8).unwrap_or(uri).to_ascii_lowercase();
    lower.starts_with("https://") || lower.starts_with("http://")
}

fn kind_of(facet: &Facet) -> Option<SegmentKind> {
    facet.features.iter().find_map(|f| match f {
        FacetFeature::Link(l) if is_safe_link(&l.uri) => Some(SegmentKind::Link { uri: l.uri.clone() }),
        FacetFeature::Mention(m) => Some(SegmentKind::Mention { did: m.did.clone() }),
        FacetFeature::Tag(t) => Some(SegmentKind::Tag { tag: t.tag.clone() }),
        _ => None,
    })
}

/// Cuts `text` into segments by `facets`. Facets that are out of range, empty, not on
/// character boundaries, overlapping an earlier facet, or of unknown kinds leave their text
/// plain.
pub fn segments(text: &str, facets: &[Facet]) -> Vec<Segment> {
    let mut marks: Vec<(usize, usize, SegmentKind)> = facets
        .iter()
        .filter_map(|f| {
            let start = usize::try_from(f.index.byte_start).ok()?;
            let end = usize::try_from(f.index.byte_end).ok()?;
            let valid = start < end
                && end <= text.len()
                && text.is_char_boundary(start)
                && text.is_char_boundary(end);
            valid.then(|| kind_of(f).map(|k| (start, end, k))).flatten()
        })
        .collect();
    marks.sort_by_key(|m| m.0);

    let mut out = Vec::new();
    let mut at = 0;
    let plain = |out: &mut Vec<Segment>, s: &str| {
        if !s.is_empty() {
            out.push(Segment { text: s.to_owned(), kind: SegmentKind::Plain });
        }
    };
    for (start, end, kind) in marks {
        if start < at {
            continue; // overlaps the previous facet: first one wins
        }
        plain(&mut out, &text[at..start]);
        out.push(Segment { text: text[start..end].to_owned(), kind });
        at = end;
    }
    plain(&mut out, &text[at..]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn facets(v: serde_json::Value) -> Vec<Facet> {
        serde_json::from_value(v).unwrap()
    }

    fn link(start: u64, end: u64, uri: &str) -> serde_json::Value {
        json!({"index": {"byteStart": start, "byteEnd": end}, "features": [{"$type": "app.bsky.richtext.facet#link", "uri": uri}]})
    }

    #[test]
    fn byte_offsets_after_emoji_and_accents() {
        // "👋" is 4 bytes, "é" 2: the link starts at byte 11, not at char 8.
        let text = "👋 café see example.com now";
        let start = text.find("example").unwrap() as u64;
        let segs = segments(text, &facets(json!([link(start, start + 11, "https://example.com")])));
        assert_eq!(segs.len(), 3);
        assert_eq!(segs[1].text, "example.com");
        assert_eq!(segs[1].kind, SegmentKind::Link { uri: "https://example.com".into() });
        assert_eq!(segs.iter().map(|s| s.text.as_str()).collect::<String>(), text);
    }

    #[test]
    fn mention_and_tag_in_cjk_text() {
        let text = "こんにちは @bob.test #日本";
        let m = text.find('@').unwrap() as u64;
        let t = text.find('#').unwrap() as u64;
        let segs = segments(
            text,
            &facets(json!([
                {"index": {"byteStart": t, "byteEnd": text.len()}, "features": [{"$type": "app.bsky.richtext.facet#tag", "tag": "日本"}]},
                {"index": {"byteStart": m, "byteEnd": m + 9}, "features": [{"$type": "app.bsky.richtext.facet#mention", "did": "did:plc:bob"}]},
            ])),
        );
        let kinds: Vec<_> = segs.iter().map(|s| &s.kind).collect();
        assert_eq!(
            kinds,
            [
                &SegmentKind::Plain,
                &SegmentKind::Mention { did: "did:plc:bob".into() },
                &SegmentKind::Plain,
                &SegmentKind::Tag { tag: "日本".into() }
            ]
        );
        assert_eq!(segs[3].text, "#日本");
    }

    #[test]
    fn bad_facets_leave_text_plain() {
        let text = "héllo world";
        let cases = json!([
            link(0, 100, "https://out.of/range"),
            link(2, 3, "https://splits/é"),
            link(5, 5, "https://empty"),
            link(7, 4, "https://backwards"),
            {"index": {"byteStart": 0, "byteEnd": 3}, "features": [{"$type": "app.bsky.richtext.facet#sparkle"}]},
            link(0, 6, "javascript:alert(1)"),
        ]);
        let segs = segments(text, &facets(cases));
        assert_eq!(segs, vec![Segment { text: text.into(), kind: SegmentKind::Plain }]);
    }

    #[test]
    fn overlapping_facets_first_wins() {
        let text = "abcdefgh";
        let segs = segments(text, &facets(json!([link(4, 8, "https://b"), link(0, 6, "https://a")])));
        assert_eq!(segs.iter().map(|s| s.text.as_str()).collect::<Vec<_>>(), ["abcdef", "gh"]);
        assert!(matches!(&segs[0].kind, SegmentKind::Link { uri } if uri == "https://a"));
    }

    #[test]
    fn safe_links_only() {
        assert!(is_safe_link("https://bsky.app"));
        assert!(is_safe_link("HTTP://x"));
        for bad in ["javascript:alert(1)", "data:text/html,x", "vbscript:x", "", "ftp://x", "//x"] {
            assert!(!is_safe_link(bad), "{bad}");
        }
    }
}
