//! The wasm build of the core, run in headless Chromium by wasm-bindgen-test.

#![cfg(target_arch = "wasm32")]

use serde_json::{json, Value};
use wasm_bindgen::JsValue;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

fn error_name(err: JsValue) -> String {
    let err: js_sys::Error = err.into();
    String::from(err.name())
}

fn parse(s: &str) -> Value {
    serde_json::from_str(s).unwrap()
}

#[wasm_bindgen_test]
fn version_matches_the_core() {
    assert_eq!(skypanel_wasm::version(), env!("CARGO_PKG_VERSION"));
}

#[wasm_bindgen_test]
fn account_runs_through_json() {
    let runs = parse(&skypanel_wasm::account_runs(r#"["a.test","a.test","b.test"]"#).unwrap());
    assert_eq!(
        runs,
        json!([{"account": "a.test", "start": 0, "len": 2}, {"account": "b.test", "start": 2, "len": 1}])
    );
    assert_eq!(error_name(skypanel_wasm::account_runs("3").unwrap_err()), "InvalidInput");
    assert_eq!(error_name(skypanel_wasm::account_runs("not json").unwrap_err()), "InvalidInput");
}

#[wasm_bindgen_test]
fn parses_a_real_fifty_post_page() {
    let json = include_str!("../../skypanel-core/tests/fixtures/timeline_50.json");
    assert_eq!(skypanel_wasm::parse_feed_page(json).unwrap(), 50);
    assert_eq!(error_name(skypanel_wasm::parse_feed_page("{").unwrap_err()), "MalformedResponse");
}

#[wasm_bindgen_test]
fn rich_text_uses_byte_offsets() {
    let facets = r#"[{"index":{"byteStart":7,"byteEnd":11},"features":[{"$type":"app.bsky.richtext.facet#tag","tag":"x"}]}]"#;
    let segs = parse(&skypanel_wasm::rich_text("👋 a #tag!", facets).unwrap());
    assert_eq!(segs[1]["text"], "#tag");
    assert_eq!(segs[1]["kind"], "tag");
    assert_eq!(segs[2]["text"], "!");
    assert_eq!(parse(&skypanel_wasm::rich_text("plain", "").unwrap())[0]["kind"], "plain");
}

#[wasm_bindgen_test]
async fn unreachable_service_is_a_network_error_not_a_panic() {
    // Port 9 (discard) on loopback: nothing listens there in the test environment.
    let err =
        skypanel_wasm::sign_in("{}".into(), "a.test".into(), "pw".into(), Some("http://127.0.0.1:9".into()))
            .await
            .unwrap_err();
    let err: js_sys::Error = err.into();
    assert_eq!(String::from(err.name()), "NetworkError");
    assert!(String::from(err.message()).contains("127.0.0.1:9"));
}

#[wasm_bindgen_test]
async fn bad_input_is_invalid_input() {
    let err = skypanel_wasm::sign_in("{}".into(), "a.test".into(), "pw".into(), Some("not a url".into()))
        .await
        .unwrap_err();
    assert_eq!(error_name(err), "InvalidInput");
    let err =
        skypanel_wasm::call(r#"{"service":"http://127.0.0.1:9"}"#.into(), r#"{"op":"launchRockets"}"#.into())
            .await
            .unwrap_err();
    assert_eq!(error_name(err), "InvalidInput");
}

#[wasm_bindgen_test]
async fn signed_out_timeline_is_refused_before_any_request() {
    let err = skypanel_wasm::call(
        r#"{"service":"http://127.0.0.1:9"}"#.into(),
        r#"{"op":"feedPage","source":{"kind":"timeline"}}"#.into(),
    )
    .await
    .unwrap_err();
    assert_eq!(error_name(err), "NotSignedIn");
}

#[wasm_bindgen_test]
fn collapse_plan_through_json() {
    let units = r#"[{"owner":"a"},{"owner":"g"},{"owner":"g"},{"owner":"g","repost":true},{"owner":"b"}]"#;
    let blocks = parse(&skypanel_wasm::collapse_plan(units, r#"{"mode":"runs","threshold":3}"#).unwrap());
    assert_eq!(blocks, json!([{"account": "g", "units": [1, 2, 3], "posts": 2, "reposts": 1}]));
    assert_eq!(
        error_name(skypanel_wasm::collapse_plan(units, r#"{"mode":"sideways"}"#).unwrap_err()),
        "InvalidInput"
    );
}
