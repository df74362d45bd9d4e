//! The wasm build of the core, run in headless Chromium by wasm-bindgen-test.

#![cfg(target_arch = "wasm32")]

use wasm_bindgen::JsValue;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen_test]
fn version_matches_the_core() {
    assert_eq!(skypanel_wasm::version(), env!("CARGO_PKG_VERSION"));
}

#[wasm_bindgen_test]
fn account_runs_round_trips_through_js_values() {
    let owners = serde_wasm_bindgen::to_value(&["a.test", "a.test", "b.test"]).unwrap();
    let runs = skypanel_wasm::account_runs(owners).unwrap();
    let runs: Vec<skypanel_core::grouping::Run> = serde_wasm_bindgen::from_value(runs).unwrap();
    assert_eq!(runs.len(), 2);
    assert_eq!((runs[0].account.as_str(), runs[0].len), ("a.test", 2));
    assert_eq!((runs[1].account.as_str(), runs[1].start), ("b.test", 2));
}

#[wasm_bindgen_test]
fn account_runs_rejects_non_arrays_with_a_named_error() {
    let err = skypanel_wasm::account_runs(JsValue::from_f64(3.0)).unwrap_err();
    let err: js_sys::Error = err.into();
    assert_eq!(String::from(err.name()), "InvalidInput");
}

#[wasm_bindgen_test]
async fn unreachable_service_is_a_network_error_not_a_panic() {
    // Port 9 (discard) on loopback: nothing listens there in the test environment.
    let err = skypanel_wasm::create_session("http://127.0.0.1:9".into(), "a.test".into(), "pw".into())
        .await
        .unwrap_err();
    let err: js_sys::Error = err.into();
    assert_eq!(String::from(err.name()), "NetworkError");
    assert!(String::from(err.message()).contains("127.0.0.1:9"));
}

#[wasm_bindgen_test]
async fn bad_service_url_is_invalid_input() {
    let err =
        skypanel_wasm::create_session("not a url".into(), "a.test".into(), "pw".into()).await.unwrap_err();
    let err: js_sys::Error = err.into();
    assert_eq!(String::from(err.name()), "InvalidInput");
}
