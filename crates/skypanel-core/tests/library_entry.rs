//! Saved posts built from real postView JSON: the copy is byte for byte, and the media list
//! names every file worth keeping.

use std::collections::BTreeMap;

use skypanel_core::library::facts::{KIND_IMAGES, KIND_LINK, KIND_QUOTE, KIND_VIDEO};
use skypanel_core::library::{Availability, MediaKind, MediaRef, MediaState, SavedPost};

mod common;
use common::{library_posts, timeline_post_texts};

/// The raw postView JSON of every post in timeline_50.json, by the end of its at-uri.
fn timeline_posts() -> BTreeMap<String, String> {
    timeline_post_texts()
        .into_iter()
        .map(|raw| {
            let v: serde_json::Value = serde_json::from_str(&raw).unwrap();
            (v["uri"].as_str().unwrap().rsplit('/').next().unwrap().to_owned(), raw)
        })
        .collect()
}

fn save(raw: &str) -> SavedPost {
    let saved = SavedPost::from_post_json(raw, 1_739_000_000_000).unwrap();
    assert_eq!(saved.post_json(), Some(raw), "the copy is byte for byte");
    assert!(saved.media.iter().all(|m| m.state == MediaState::Pending));
    saved
}

fn of_kind(saved: &SavedPost, kind: MediaKind) -> Vec<&MediaRef> {
    saved.media.iter().filter(|m| m.kind == kind).collect()
}

#[test]
fn images_at_full_size_with_blob_cid_alt_and_size() {
    let saved = save(&timeline_posts()["3lhmggpkbw22v"]);
    let images = of_kind(&saved, MediaKind::Image);
    assert_eq!(images.len(), 1);
    let img = images[0];
    assert_eq!(img.cid.as_deref(), Some("bafkreicjr5ezdgwv6z4zcxv2egqjmaox6ocplsrhvubmmfqyuh6dybhfma"));
    assert_eq!(img.owner, "did:plc:z7ja7uhcr5is6uqmnsjyn3k7");
    assert!(img.url.as_deref().unwrap().contains("/feed_fullsize/"), "full size, not the thumbnail");
    assert_eq!(img.mime.as_deref(), Some("image/jpeg"));
    assert_eq!(img.aspect_ratio.map(|a| (a.width, a.height)), Some((1999, 1500)));
    assert_eq!(img.file, "media/bafkreicjr5ezdgwv6z4zcxv2egqjmaox6ocplsrhvubmmfqyuh6dybhfma.jpg");
    let avatar = of_kind(&saved, MediaKind::Avatar);
    assert_eq!(avatar.len(), 1);
    assert_eq!(avatar[0].cid.as_deref(), Some("bafkreidmmpnj35xb52xhxa4mr2j24kbxg36pjtk2nyhwcjw4imhqxdx5ne"));
    assert_eq!(saved.facts().kinds, KIND_IMAGES);
}

#[test]
fn video_original_from_the_authors_pds_with_playlist_and_thumbnail() {
    let saved = save(&timeline_posts()["3lhnr2o6kb22h"]);
    let video = of_kind(&saved, MediaKind::Video);
    assert_eq!(video.len(), 1);
    assert_eq!(video[0].cid.as_deref(), Some("bafkreic3uqlah5pnqzq4tx2r5cg6kyj2uziq4jn4uatuwdhvl33sx2qkgm"));
    assert_eq!(video[0].owner, "did:plc:l7mosai5i2u562b5qbosw6c7");
    assert_eq!(video[0].mime.as_deref(), Some("video/mp4"));
    assert!(video[0].url.as_deref().unwrap().ends_with("/playlist.m3u8"));
    assert_eq!(video[0].file, "media/bafkreic3uqlah5pnqzq4tx2r5cg6kyj2uziq4jn4uatuwdhvl33sx2qkgm.mp4");
    let thumb = of_kind(&saved, MediaKind::VideoThumbnail);
    assert_eq!(thumb.len(), 1);
    assert!(thumb[0].url.as_deref().unwrap().ends_with("/thumbnail.jpg"));
    assert!(thumb[0].file.ends_with(".jpg") && thumb[0].file != video[0].file);
    assert_eq!(saved.facts().kinds, KIND_VIDEO);
}

#[test]
fn link_card_thumbnail_and_link() {
    let saved = save(&timeline_posts()["3lhlr5a4shz2u"]);
    let thumb = of_kind(&saved, MediaKind::LinkThumbnail);
    assert_eq!(thumb.len(), 1);
    assert_eq!(thumb[0].cid.as_deref(), Some("bafkreidro6ak2yxfghlmpejb5j7c2xexj24ddqfggbrrheiuzdqogjuljy"));
    assert_eq!(thumb[0].mime.as_deref(), Some("image/png"));
    assert_eq!(thumb[0].file, "media/bafkreidro6ak2yxfghlmpejb5j7c2xexj24ddqfggbrrheiuzdqogjuljy.png");
    let facts = saved.facts();
    assert_eq!(facts.kinds, KIND_LINK);
    assert_eq!(facts.links.len(), 1);
    assert_eq!(facts.links[0].title, "Designing for Application States: Creating Seamless User Experiences");
}

#[test]
fn quote_of_a_link_post_keeps_the_quoted_card() {
    let saved = save(&timeline_posts()["3lhjnkjle5s2o"]);
    let facts = saved.facts();
    assert_eq!(facts.kinds, KIND_QUOTE | KIND_LINK);
    assert!(facts.quoted_text.starts_with("U.S. businesses"));
    let thumb = of_kind(&saved, MediaKind::LinkThumbnail);
    assert_eq!(thumb.len(), 1);
    assert_eq!(thumb[0].owner, "did:plc:k5nskatzhyxersjilvtnz4lh", "the quoted author's PDS holds it");
    assert_eq!(thumb[0].cid.as_deref(), Some("bafkreidkonskmf77ctno6ilvuxdkzeffichjfk65ycwawtm2qeecyz3hxe"));
}

#[test]
fn record_with_media_images_and_the_quoted_posts_link() {
    let saved = save(&timeline_posts()["3lhnv26fdxc2v"]);
    let images = of_kind(&saved, MediaKind::Image);
    assert_eq!(images.len(), 1);
    assert_eq!(images[0].owner, "did:plc:64fyz6rpsagabcfqzdxykwgg");
    assert!(images[0].alt.starts_with("Bluesky Alt Text Rating"));
    let facts = saved.facts();
    assert_eq!(facts.kinds, KIND_QUOTE | KIND_IMAGES | KIND_LINK);
    assert_eq!(facts.links[0].url, "https://dame.is/ratingalttext", "the quoted post's text link");
}

#[test]
fn quoted_video_is_kept_from_the_quoted_authors_pds() {
    let saved = save(&library_posts()["quote_with_video"]);
    let video = of_kind(&saved, MediaKind::Video);
    assert_eq!(video.len(), 1);
    assert_eq!(video[0].owner, "did:plc:videovideovideovideo02");
    assert_eq!(video[0].alt, "A rocket climbing over the sea");
    assert_eq!(of_kind(&saved, MediaKind::VideoThumbnail).len(), 1);
    let avatars = of_kind(&saved, MediaKind::Avatar);
    assert_eq!(avatars.len(), 1, "only the saving post's author's avatar");
    assert_eq!(avatars[0].owner, "did:plc:quoterquoterquoter0001");
    assert_eq!(saved.facts().kinds, KIND_QUOTE | KIND_VIDEO);
}

#[test]
fn video_with_a_quoted_images_post_keeps_all_three() {
    let saved = save(&library_posts()["video_quoting_images"]);
    let video = of_kind(&saved, MediaKind::Video);
    assert_eq!(video.len(), 1);
    assert_eq!(video[0].owner, "did:plc:quoterquoterquoter0001");
    assert_eq!(video[0].file, "media/bafkreiownvideo00000000000000000000000000000000000000000007.mov");
    let images = of_kind(&saved, MediaKind::Image);
    assert_eq!(images.len(), 2);
    assert!(images.iter().all(|i| i.owner == "did:plc:imagesimagesimages0003"));
    assert_eq!(images[0].file, "media/bafkreiimageone00000000000000000000000000000000000000000005.png");
    assert_eq!(images[1].file, "media/bafkreiimagetwo00000000000000000000000000000000000000000006.webp");
    assert_eq!(images[0].alt, "Boats at the pier");
    assert_eq!(saved.facts().kinds, KIND_QUOTE | KIND_VIDEO | KIND_IMAGES);
    assert_eq!(saved.facts().quoted_text, "Two photos of the harbour");
}

#[test]
fn unknown_embed_is_kept_in_the_copy_and_adds_no_media() {
    let raw = &library_posts()["unknown_embed"];
    let saved = save(raw);
    assert!(
        raw.contains("2.50") && raw.contains("1e3") && raw.contains("n\\u00f8"),
        "fixture keeps odd number forms"
    );
    assert_eq!(saved.media.iter().map(|m| m.kind).collect::<Vec<_>>(), [MediaKind::Avatar]);
    assert_eq!(saved.facts().kinds, 0);
    assert!(saved.to_json().contains(raw.as_str()), "written back verbatim");
}

#[test]
fn legacy_blob_without_a_view_still_gives_the_image() {
    let saved = save(&library_posts()["legacy_blob_no_view"]);
    let images = of_kind(&saved, MediaKind::Image);
    assert_eq!(images.len(), 1);
    assert_eq!(images[0].cid.as_deref(), Some("bafkreilegacyimage000000000000000000000000000000000000014"));
    assert_eq!(images[0].url, None);
    assert_eq!(images[0].alt, "Old photo");
    assert_eq!(saved.facts().created_at, Some(1_680_350_400_000));
}

#[test]
fn only_http_links_count() {
    let saved = save(&library_posts()["hostile"]);
    let urls: Vec<String> = saved.facts().links.into_iter().map(|l| l.url).collect();
    assert_eq!(urls, ["https://example.com/?a=1,2", "https://evil.example/x"], "javascript: is never a link");
}

#[test]
fn every_real_fixture_post_can_be_saved() {
    for (rkey, raw) in timeline_posts() {
        let saved = SavedPost::from_post_json(&raw, 0).unwrap_or_else(|e| panic!("{rkey}: {e}"));
        assert!(saved.uri.ends_with(&rkey));
        assert_eq!(saved.status.state, Availability::Live);
        let mut files: Vec<&str> = saved.media.iter().map(|m| m.file.as_str()).collect();
        let n = files.len();
        files.sort_unstable();
        files.dedup();
        assert_eq!(files.len(), n, "{rkey}: each file once");
        assert!(saved.media.iter().all(|m| skypanel_core::library::media::is_valid_file_name(&m.file)));
    }
}
