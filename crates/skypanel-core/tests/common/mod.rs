//! Fixtures shared by the library tests: real postView JSON, kept as the exact text.

use std::collections::BTreeMap;

use serde::Deserialize;
use serde_json::value::RawValue;

/// A fixture file's text.
pub fn read(name: &str) -> String {
    std::fs::read_to_string(format!("{}/tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"))).unwrap()
}

/// The raw postView JSON of every item of the captured timeline_50.json, in feed order.
pub fn timeline_post_texts() -> Vec<String> {
    #[derive(Deserialize)]
    struct Item<'a> {
        #[serde(borrow)]
        post: &'a RawValue,
    }
    #[derive(Deserialize)]
    struct Page<'a> {
        #[serde(borrow)]
        feed: Vec<Item<'a>>,
    }
    let text = read("timeline_50.json");
    let page: Page<'_> = serde_json::from_str(&text).unwrap();
    page.feed.iter().map(|i| i.post.get().to_owned()).collect()
}

/// The raw postView JSON of the constructed posts in library_posts.json, by name.
pub fn library_posts() -> BTreeMap<String, String> {
    #[derive(Deserialize)]
    struct Doc<'a> {
        #[serde(borrow)]
        posts: BTreeMap<String, &'a RawValue>,
    }
    let text = read("library_posts.json");
    let doc: Doc<'_> = serde_json::from_str(&text).unwrap();
    doc.posts.into_iter().map(|(k, v)| (k, v.get().to_owned())).collect()
}
