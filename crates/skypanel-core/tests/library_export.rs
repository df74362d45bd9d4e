//! Export and import: the skypanel.saved round trip is exact, every damaged or foreign file
//! is refused with a clear message and changes nothing, and Markdown and CSV exports are
//! safe with hostile posts.

use skypanel_core::library::csv::cell;
use skypanel_core::library::export::to_json;
use skypanel_core::library::{
    import, read_export, to_csv, to_markdown, Availability, MediaState, MergeReport, SavedPost,
};
use skypanel_core::ErrorKind;

mod common;
use common::{library_posts, timeline_post_texts};

const EXPORTED_AT: i64 = 1_741_000_000_000;

/// Every distinct post of the captured timeline and of the constructed fixtures, raw.
fn raw_posts() -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for raw in timeline_post_texts().into_iter().chain(library_posts().into_values()) {
        if !out.contains(&raw) {
            out.push(raw);
        }
    }
    out
}

/// A library with every kind of entry: tags, notes, each status, each media state.
fn library() -> Vec<SavedPost> {
    let mut out: Vec<SavedPost> = Vec::new();
    for (i, raw) in raw_posts().iter().enumerate() {
        let i64i = i as i64;
        let mut p = SavedPost::from_post_json(raw, 1_739_000_000_000 + i64i * 3_600_123).unwrap();
        if out.iter().any(|o| o.uri == p.uri) {
            continue;
        }
        p.set_tags(match i % 3 {
            0 => vec!["to read", "Rust"],
            1 => vec!["été"],
            _ => vec![],
        });
        p.note =
            if i % 2 == 0 { format!("note {i}: \"quoted\"\nsecond line </script>") } else { String::new() };
        match i % 4 {
            0 => p.mark_checked(Availability::Deleted, 1_740_000_000_000 + i64i),
            1 => p.mark_checked(Availability::Blocked, 1_740_000_000_000),
            2 => p.status = Default::default(),
            _ => {}
        }
        if let Some(m) = p.media.first_mut() {
            m.state = MediaState::Done { size: 1234 };
        }
        if let Some(m) = p.media.get_mut(1) {
            m.state = MediaState::Failed { error: "HTTP 404 \"gone\"".into(), attempts: 3 };
        }
        out.push(p);
    }
    assert!(out.len() >= 10, "a varied library ({} posts)", out.len());
    out
}

#[test]
fn export_then_import_into_an_empty_library_is_exact() {
    let library = library();
    let file = to_json(&library, EXPORTED_AT);
    for p in &library {
        assert!(file.contains(p.post_json().unwrap()), "{}: post JSON written verbatim", p.uri);
    }
    let mut restored = Vec::new();
    let report = import(&mut restored, &file).unwrap();
    assert_eq!(report.added, library.len());
    assert_eq!((report.merged, report.skipped), (0, 0));
    assert_eq!(restored, library, "every field, and each post's JSON byte for byte");
    for (a, b) in restored.iter().zip(&library) {
        assert_eq!(a.post_json().unwrap().as_bytes(), b.post_json().unwrap().as_bytes());
    }
    assert_eq!(to_json(&restored, EXPORTED_AT), file, "and exporting again gives the same file");

    let export = read_export(&file).unwrap();
    assert_eq!(export.exported_at, Some(EXPORTED_AT));
    assert_eq!(export.generator, format!("SkyPanel {}", skypanel_core::VERSION));
}

#[test]
fn the_file_is_the_documented_shape() {
    let library = library();
    let file = to_json(&library[..2], EXPORTED_AT);
    assert!(file.starts_with(
        "{\"format\":\"skypanel.saved\",\"version\":1,\"exportedAt\":\"2025-03-03T11:06:40.000Z\",\"generator\":\"SkyPanel "
    ));
    assert_eq!(file.lines().count(), 4, "header, one line per entry, footer");
    let v: serde_json::Value = serde_json::from_str(&file).unwrap();
    let entry = &v["posts"][0];
    let keys: Vec<&String> = entry.as_object().unwrap().keys().collect();
    for key in ["uri", "cid", "savedAt", "tags", "note", "status", "post", "media"] {
        assert!(keys.iter().any(|k| *k == key), "{key} in {keys:?}");
    }
    assert_eq!(entry["status"]["state"], "deleted");
    assert_eq!(entry["media"][0]["state"], "done");
    assert_eq!(entry["media"][0]["size"], 1234);
    assert!(entry["media"][0]["file"].as_str().unwrap().starts_with("media/"));
    assert_eq!(entry["savedAt"], "2025-02-08T07:33:20.000Z");
}

#[test]
fn import_merges_by_uri_and_reports() {
    let mut library = library();
    let before = library.len();
    let mut incoming = vec![library[0].clone(), library[1].clone()];
    incoming[1].set_tags(["imported"]);
    incoming[1].note = "from the laptop".into();
    let mut extra =
        SavedPost::from_post_json(&raw_posts()[0].replace("3lhjnkjle5s2o", "3lnewnewnew22"), 5).unwrap();
    extra.set_tags(["new"]);
    incoming.push(extra);
    let report = import(&mut library, &to_json(&incoming, EXPORTED_AT)).unwrap();
    assert_eq!((report.added, report.merged, report.skipped), (1, 1, 1));
    assert_eq!(library.len(), before + 1);
    assert!(library[1].tags().iter().any(|t| t == "imported"));
    assert!(library[1].note.ends_with("from the laptop"));
}

#[test]
fn lenient_where_the_format_allows() {
    let uri = "at://did:plc:a/app.bsky.feed.post/3l1";
    let file = format!(
        r##"{{"format":"skypanel.saved","version":1,"future":true,"posts":[
        {{"uri":"{uri}","cid":"bafy","savedAt":"2025-01-01T01:00:00+01:00","post":null,"extra":1}},
        {{"uri":"{uri}","cid":"bafy","savedAt":"2024-01-01T00:00:00Z","tags":["#x"],"status":{{"state":"blocked"}}}}]}}"##
    );
    let mut library = Vec::new();
    let report = import(&mut library, &file).unwrap();
    assert_eq!((report.added, report.merged), (1, 1), "the same uri twice is merged");
    assert_eq!(library.len(), 1);
    assert_eq!(library[0].saved_at, 1_704_067_200_000);
    assert_eq!(library[0].tags(), ["x"]);
    assert_eq!(library[0].post_json(), None);
    assert_eq!(
        library[0].status.state,
        Availability::Unknown,
        "a status without a check time does not replace another"
    );
}

/// A valid one-entry file with `entry` as its entry.
fn with_entry(entry: &str) -> String {
    format!(r#"{{"format":"skypanel.saved","version":1,"posts":[{entry}]}}"#)
}

const URI: &str = "at://did:plc:a/app.bsky.feed.post/3l1";

fn entry(extra: &str) -> String {
    format!(r#"{{"uri":"{URI}","cid":"bafy","savedAt":"2025-01-01T00:00:00Z"{extra}}}"#)
}

#[test]
fn damaged_or_foreign_files_are_refused_and_change_nothing() {
    let post =
        |uri: &str| format!(r#","post":{{"uri":"{uri}","cid":"bafy","author":{{"did":"did:plc:a"}}}}"#);
    let good = to_json(&library()[..1], EXPORTED_AT);
    let cases: Vec<(String, &str)> = vec![
        ("hello, world".into(), "this file is not valid JSON"),
        ("".into(), "this file is not valid JSON"),
        (good[..good.len() / 2].to_owned(), "may be damaged or cut short"),
        ("PK\u{3}\u{4}binary".into(), "choose a file SkyPanel exported"),
        ("[1,2,3]".into(), "it is JSON, but not an object"),
        ("{}".into(), "no \"format\": \"skypanel.saved\""),
        (
            r#"{"format":"bluesky.backup","version":1,"posts":[]}"#.into(),
            "a \"bluesky.backup\" file, not a SkyPanel export",
        ),
        (
            r#"{"format":"skypanel.saved","version":2,"posts":[]}"#.into(),
            "made by a newer SkyPanel (format version 2",
        ),
        (r#"{"format":"skypanel.saved","version":"1","posts":[]}"#.into(), "no valid format version"),
        (r#"{"format":"skypanel.saved","version":0,"posts":[]}"#.into(), "no valid format version"),
        (r#"{"format":"skypanel.saved","version":1}"#.into(), "no \"posts\" list"),
        (r#"{"format":"skypanel.saved","version":1,"posts":{}}"#.into(), "\"posts\" is not a list"),
        (
            format!(r#"{{"format":"skypanel.saved","version":1,"posts":[{},7]}}"#, entry("")),
            "entry 2 of the file is not a JSON object",
        ),
        (
            with_entry(r#"{"cid":"bafy","savedAt":"2025-01-01T00:00:00Z"}"#),
            "entry 1 of the file has no valid post at-uri",
        ),
        (
            with_entry(
                r#"{"uri":"https://bsky.app/profile/a.test/post/1","cid":"b","savedAt":"2025-01-01T00:00:00Z"}"#,
            ),
            "no valid post at-uri (\"uri\": \"https://bsky.app",
        ),
        (
            with_entry(
                r#"{"uri":"at://did:plc:a/app.bsky.feed.like/1","cid":"b","savedAt":"2025-01-01T00:00:00Z"}"#,
            ),
            "no valid post at-uri",
        ),
        (with_entry(r#"{"uri":7}"#), "has a \"uri\" that is not text"),
        (with_entry(&format!(r#"{{"uri":"{URI}","savedAt":"2025-01-01T00:00:00Z"}}"#)), "has no \"cid\""),
        (
            with_entry(&format!(r#"{{"uri":"{URI}","cid":"bafy","savedAt":"yesterday"}}"#)),
            "no valid \"savedAt\" time",
        ),
        (with_entry(&entry(r#","tags":[1]"#)), "a tag that is not text"),
        (with_entry(&entry(r#","tags":"rust""#)), "\"tags\" that are not a list"),
        (with_entry(&entry(r#","note":["x"]"#)), "\"note\" that is not text"),
        (with_entry(&entry(r#","status":{"state":"gone"}"#)), "without a known \"state\""),
        (with_entry(&entry(r#","status":{"state":"live","checkedAt":"soon"}"#)), "invalid \"checkedAt\""),
        (
            with_entry(&entry(&post("at://did:plc:b/app.bsky.feed.post/other"))),
            "holds the post at://did:plc:b/app.bsky.feed.post/other instead",
        ),
        (with_entry(&entry(r#","post":[1]"#)), "has a damaged post: it is not a JSON object"),
        (
            with_entry(&entry(r#","post":{"uri":"at://did:plc:a/app.bsky.feed.post/3l1"}"#)),
            "has a damaged post: it has no \"cid\"",
        ),
        (
            with_entry(&entry(
                r#","media":[{"kind":"image","owner":"did:plc:a","file":"media/../../etc/passwd.jpg","state":"pending"}]"#,
            )),
            "media file 1, has an unsafe file name",
        ),
        (
            with_entry(&entry(
                r#","media":[{"kind":"image","owner":"did:plc:a","file":"media/a.jpg","state":"lost"}]"#,
            )),
            "media file 1, has no known \"state\"",
        ),
        (
            with_entry(&entry(
                r#","media":[{"kind":"hologram","owner":"did:plc:a","file":"media/a.jpg","state":"pending"}]"#,
            )),
            "has an unknown \"kind\" \"hologram\"",
        ),
        (with_entry(&entry(r#","media":{}"#)), "\"media\" that is not a list"),
    ];
    let original = library();
    for (file, expected) in cases {
        let mut library = original.clone();
        let err = import(&mut library, &file).expect_err(&file);
        let message = err.to_string();
        assert_eq!(err.kind(), ErrorKind::InvalidInput);
        assert!(message.contains(expected), "{file}\n  gave: {message}\n  expected: {expected}");
        assert!(
            message.contains("choose a file SkyPanel exported")
                || message.contains("export it again")
                || message.contains("update SkyPanel"),
            "says what to do: {message}"
        );
        assert_eq!(library, original, "nothing changed");
    }
    assert_eq!(
        import(&mut Vec::new(), &with_entry(&entry(""))).unwrap(),
        MergeReport { added: 1, changed: vec![URI.into()], ..MergeReport::default() }
    );
}

fn hostile() -> SavedPost {
    let raw = raw_posts().into_iter().find(|r| r.contains("hostile.test")).unwrap();
    let mut p = SavedPost::from_post_json(&raw, 1_741_000_000_000).unwrap();
    p.set_tags(["=1+1", "x](javascript:alert(1))"]);
    p
}

#[test]
fn markdown_links_only_to_bsky_app_and_escapes_the_rest() {
    let mut posts = library();
    posts.retain(|p| p.uri != hostile().uri);
    posts.push(hostile());
    let md = to_markdown(&posts);
    assert!(md.starts_with("# SkyPanel saved posts\n\n"));
    assert_eq!(md.lines().filter(|l| l.starts_with("- ")).count(), posts.len(), "one item per post");
    // Every link target in the output is a bsky.app post URL SkyPanel built.
    for (i, _) in md.match_indices("](") {
        let before = md[..i].chars().last();
        if before == Some('\\') {
            continue; // escaped text, not a link
        }
        let target = &md[i + 2..];
        assert!(
            target.starts_with("https://bsky.app/profile/did:"),
            "link to {}",
            &target[..40.min(target.len())]
        );
    }
    let line = md.lines().find(|l| l.contains("hostile")).unwrap();
    assert!(line.contains(r"\<script\>alert\(\'x\'\)\<\/script\>"), "{line}");
    assert!(line.contains(r"\[click\]\(javascript\:alert\(1\)\)"), "{line}");
    assert!(
        line.contains(r"\*\*Evil\*\* \]\(javascript\:alert\(1\)\) \<img src\=x onerror\=alert\(1\)\>"),
        "{line}"
    );
    assert!(!line.contains("second line"), "first line only");
    assert!(line.contains(r"\#x\]\(javascript\:alert\(1\)\)"), "tags are escaped too: {line}");
    assert!(line.contains(
        "[on Bluesky](https://bsky.app/profile/did:plc:hostilehostilehostil15/post/3lhostile0001)"
    ));
    assert!(md.contains("2025-02-06"), "the posted date");
}

/// A strict RFC 4180 reader, to check what a spreadsheet would see.
fn parse_csv(text: &str) -> Vec<Vec<String>> {
    let mut rows = vec![vec![String::new()]];
    let mut chars = text.chars().peekable();
    let mut quoted = false;
    while let Some(c) = chars.next() {
        let row = rows.last_mut().unwrap();
        let cell = row.last_mut().unwrap();
        match (quoted, c) {
            (true, '"') if chars.peek() == Some(&'"') => {
                chars.next();
                cell.push('"');
            }
            (true, '"') => quoted = false,
            (true, c) => cell.push(c),
            (false, '"') if cell.is_empty() => quoted = true,
            (false, ',') => row.push(String::new()),
            (false, '\r') => {
                assert_eq!(chars.next(), Some('\n'), "CRLF line ends");
                rows.push(vec![String::new()]);
            }
            (false, c) => {
                assert!(c != '"' && c != '\n', "stray {c:?} outside quotes");
                cell.push(c);
            }
        }
    }
    assert!(!quoted, "every quote closed");
    assert_eq!(rows.pop(), Some(vec![String::new()]), "ends with a line break");
    rows
}

#[test]
fn csv_has_one_row_per_link_and_defuses_formulas() {
    let mut posts = library();
    posts.retain(|p| p.uri != hostile().uri);
    posts.push(hostile());
    let rows = parse_csv(&to_csv(&posts));
    assert_eq!(rows[0], ["post_url", "author_handle", "saved_at", "link_url", "link_title"]);
    let links: usize = posts.iter().map(|p| p.facts().links.len()).sum();
    assert_eq!(rows.len(), 1 + links);
    assert!(rows.iter().all(|r| r.len() == 5));
    let hostile_rows: Vec<&Vec<String>> = rows.iter().filter(|r| r[1] == "hostile.test").collect();
    assert_eq!(hostile_rows.len(), 2);
    assert_eq!(hostile_rows[0][3], "https://example.com/?a=1,2", "a comma survives quoting");
    assert_eq!(hostile_rows[1][4], "'=cmd|' /C calc'!A0", "a formula is neutralised");
    assert_eq!(
        hostile_rows[0][0],
        "https://bsky.app/profile/did:plc:hostilehostilehostil15/post/3lhostile0001"
    );
    assert_eq!(hostile_rows[0][2], "2025-03-03T11:06:40.000Z");
    for row in &rows {
        for c in row {
            assert!(!c.starts_with(['=', '+', '-', '@', '\t', '\r']), "no cell may start a formula: {c}");
        }
    }
}

#[test]
fn csv_cells() {
    assert_eq!(cell("plain"), "plain");
    assert_eq!(cell("a,b"), "\"a,b\"");
    assert_eq!(cell("say \"hi\""), "\"say \"\"hi\"\"\"");
    assert_eq!(cell("two\nlines"), "\"two\nlines\"");
    assert_eq!(cell("=SUM(A1)"), "'=SUM(A1)");
    assert_eq!(cell("+1"), "'+1");
    assert_eq!(cell("-1,5"), "\"'-1,5\"");
    assert_eq!(cell("@cmd"), "'@cmd");
    assert_eq!(cell("\tx"), "'\tx");
    assert_eq!(cell(""), "");
}

mod never_panics {
    use proptest::prelude::*;
    use skypanel_core::library::export::to_json;
    use skypanel_core::library::{read_export, SavedPost};

    fn sample_file() -> String {
        let raw = super::raw_posts();
        let posts: Vec<SavedPost> =
            raw.iter().take(6).map(|r| SavedPost::from_post_json(r, 0).unwrap()).collect();
        to_json(&posts, 0)
    }

    proptest! {
        #[test]
        fn damaged_exports_give_errors_not_panics(at in any::<usize>(), byte in any::<u8>(), cut in any::<bool>()) {
            let file = sample_file();
            let mut bytes = file.into_bytes();
            let i = at % bytes.len();
            if cut { bytes.truncate(i) } else { bytes[i] = byte }
            if let Ok(text) = String::from_utf8(bytes) {
                let _ = read_export(&text);
            }
        }

        #[test]
        fn damaged_posts_give_errors_not_panics(which in 0usize..20, at in any::<usize>(), byte in any::<u8>()) {
            let raw = super::raw_posts();
            let mut bytes = raw[which % raw.len()].clone().into_bytes();
            let i = at % bytes.len();
            bytes[i] = byte;
            if let Ok(text) = String::from_utf8(bytes) {
                if let Ok(p) = SavedPost::from_post_json(&text, 0) {
                    let _ = (p.facts(), p.to_json());
                }
            }
        }

        #[test]
        fn odd_shapes_in_valid_json_never_panic(embed in "\\PC{0,12}", n in any::<i64>()) {
            // Embeds and fields of the wrong JSON types where objects are expected.
            let odd = serde_json::json!({
                "$type": embed, "images": n, "record": [n],
                "media": {"$type": "app.bsky.embed.images#view", "images": [n]},
            });
            for value in [serde_json::json!(embed), serde_json::json!(n), serde_json::json!([n, embed]), odd] {
                let post = serde_json::json!({
                    "uri": "at://did:plc:a/app.bsky.feed.post/1", "cid": "b",
                    "author": {"did": "did:plc:a", "handle": value, "avatar": value},
                    "record": {"text": value, "createdAt": value, "facets": value, "embed": value},
                    "embed": value,
                });
                let p = SavedPost::from_post_json(&post.to_string(), n).unwrap();
                let one = std::slice::from_ref(&p);
                let _ = (p.facts(), skypanel_core::library::to_markdown(one), skypanel_core::library::to_csv(one));
            }
        }
    }
}

#[test]
fn one_entry_round_trips_and_its_media_states_change_by_file() {
    for raw in raw_posts() {
        let mut post = SavedPost::from_post_json(&raw, EXPORTED_AT).unwrap();
        post.set_tags(["a", "b"]);
        let again = SavedPost::from_entry_json(&post.to_json()).unwrap();
        assert_eq!(again, post, "an entry reads back as written");
        assert_eq!(again.post_json(), Some(raw.trim()), "byte for byte");
        let Some(file) = post.media.first().map(|m| m.file.clone()) else { continue };
        post.set_media_state(&file, MediaState::Done { size: 42 }).unwrap();
        let again = SavedPost::from_entry_json(&post.to_json()).unwrap();
        assert_eq!(again.media[0].state, MediaState::Done { size: 42 });
        let err = post.set_media_state("media/nothere.jpg", MediaState::Pending).unwrap_err();
        assert!(err.to_string().contains("media/nothere.jpg"));
    }
    let err = SavedPost::from_entry_json("{\"uri\": 7}").unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidInput);
    assert!(err.to_string().contains("\"uri\" that is not text"), "{err}");
}
