//! Property tests: parsing never panics, whatever the server or the user sends, and rich
//! text never loses or invents a byte.

use proptest::prelude::*;
use skypanel_core::model::{Facet, TimelinePage};
use skypanel_core::richtext::segments;
use skypanel_core::uri::{AtUri, BskyLink};

fn facet(start: u64, end: u64, kind: u8) -> Facet {
    let feature = match kind % 4 {
        0 => serde_json::json!({"$type": "app.bsky.richtext.facet#link", "uri": "https://example.com"}),
        1 => serde_json::json!({"$type": "app.bsky.richtext.facet#mention", "did": "did:plc:x"}),
        2 => serde_json::json!({"$type": "app.bsky.richtext.facet#tag", "tag": "t"}),
        _ => serde_json::json!({"$type": "app.bsky.richtext.facet#future"}),
    };
    serde_json::from_value(
        serde_json::json!({"index": {"byteStart": start, "byteEnd": end}, "features": [feature]}),
    )
    .unwrap()
}

proptest! {
    #[test]
    fn segments_always_reassemble_the_text(
        text in "\\PC{0,40}",
        raw in proptest::collection::vec((0u64..200, 0u64..200, any::<u8>()), 0..8),
    ) {
        let facets: Vec<Facet> = raw.into_iter().map(|(s, e, k)| facet(s, e, k)).collect();
        let segs = segments(&text, &facets);
        prop_assert_eq!(segs.iter().map(|s| s.text.as_str()).collect::<String>(), text);
        prop_assert!(segs.iter().all(|s| !s.text.is_empty()));
    }

    #[test]
    fn feed_parsing_never_panics_on_arbitrary_input(input in "\\PC{0,200}") {
        let _ = TimelinePage::from_json(&input);
    }

    #[test]
    fn feed_parsing_never_panics_on_damaged_responses(cut in 0usize..20_000, byte in any::<u8>()) {
        let json = include_str!("fixtures/getTimeline.json");
        let mut bytes = json.as_bytes().to_vec();
        let at = cut % bytes.len();
        bytes[at] = byte;
        if let Ok(s) = std::str::from_utf8(&bytes) {
            let _ = TimelinePage::from_json(s);
        }
        let _ = TimelinePage::from_json(&json[..json.char_indices().map(|(i, _)| i).take_while(|i| *i <= at).last().unwrap_or(0)]);
    }

    #[test]
    fn url_parsing_never_panics(input in "\\PC{0,80}") {
        let _ = BskyLink::parse(&input);
        let _ = AtUri::parse(&input);
    }

    #[test]
    fn valid_links_round_trip(actor in "[a-z][a-z0-9]{0,10}\\.(test|social)", rkey in "[a-z0-9]{1,13}", kind in 0u8..4) {
        let url = match kind {
            0 => format!("https://bsky.app/profile/{actor}"),
            1 => format!("https://bsky.app/profile/{actor}/post/{rkey}"),
            2 => format!("https://bsky.app/profile/{actor}/feed/{rkey}"),
            _ => format!("https://bsky.app/profile/{actor}/lists/{rkey}"),
        };
        let link = BskyLink::parse(&url).unwrap();
        prop_assert_eq!(link.url(), url);
        let at = link.to_at_uri("did:plc:abc");
        prop_assert_eq!(AtUri::parse(&at.to_string()).unwrap(), at.clone());
        let back = BskyLink::from_at_uri(&at).unwrap();
        prop_assert_eq!(back.actor(), "did:plc:abc");
    }
}

mod grouping {
    use proptest::prelude::*;
    use skypanel_core::grouping::{plan, Mode, PlanOptions, Unit};

    fn arb_units() -> impl Strategy<Value = Vec<Unit>> {
        proptest::collection::vec((0u8..5, any::<bool>()), 0..80).prop_map(|v| {
            v.into_iter().map(|(o, repost)| Unit { owner: format!("u{o}.test"), repost }).collect()
        })
    }

    proptest! {
        #[test]
        fn every_unit_is_in_at_most_one_block_and_order_is_kept(units in arb_units(), bundle in any::<bool>(), threshold in 0u8..12) {
            let mode = if bundle { Mode::Bundle } else { Mode::Runs };
            let blocks = plan(&units, PlanOptions { mode, threshold });
            let t = usize::from(threshold.clamp(2, 10));
            let mut seen = vec![false; units.len()];
            let mut last_anchor = None;
            for b in &blocks {
                prop_assert!(b.units.len() >= t);
                prop_assert_eq!(b.posts + b.reposts, b.units.len());
                prop_assert!(b.units.windows(2).all(|w| w[0] < w[1]), "ascending");
                prop_assert!(last_anchor < Some(b.units[0]), "blocks in page order");
                last_anchor = Some(b.units[0]);
                for &i in &b.units {
                    prop_assert!(!seen[i], "unit {} in two blocks", i);
                    seen[i] = true;
                    prop_assert_eq!(&units[i].owner, &b.account);
                }
                if mode == Mode::Runs {
                    prop_assert!(b.units.windows(2).all(|w| w[1] == w[0] + 1), "runs are contiguous");
                }
            }
            if mode == Mode::Bundle {
                // Every account with enough units is bundled, whole.
                for u in &units {
                    let n = units.iter().filter(|v| v.owner == u.owner).count();
                    let bundled = blocks.iter().find(|b| b.account == u.owner).map(|b| b.units.len());
                    prop_assert_eq!(bundled, (n >= t).then_some(n));
                }
            }
        }
    }
}
