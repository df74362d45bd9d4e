//! The native client against a fault-injecting proxy in front of the real PDS
//! (tests/network/fault-proxy.mjs): it recovers where it should, fails with the right error
//! where it should, and never hangs. One test, because the proxy's rules are global.

use std::time::{Duration, Instant};

use serde_json::{json, Value};
use skypanel_cli::http::UreqTransport;
use skypanel_core::xrpc::{Auth, Client, Idempotent, RetryPolicy};
use skypanel_core::ErrorKind;

fn net() -> Value {
    let path = std::env::var("SKYPANEL_TEST_NETWORK")
        .expect("SKYPANEL_TEST_NETWORK is not set: run through `make test` or scripts/with-network.sh");
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

fn faults(proxy: &str, rules: Value) -> Value {
    let agent: ureq::Agent = ureq::Agent::config_builder().build().into();
    let mut res = agent
        .post(&format!("{proxy}/__faults"))
        .header("content-type", "application/json")
        .send(json!({ "rules": rules }).to_string())
        .unwrap();
    serde_json::from_str(&res.body_mut().read_to_string().unwrap()).unwrap()
}

fn seen(proxy: &str) -> Vec<Value> {
    let agent: ureq::Agent = ureq::Agent::config_builder().build().into();
    let mut res = agent.get(&format!("{proxy}/__faults")).call().unwrap();
    let v: Value = serde_json::from_str(&res.body_mut().read_to_string().unwrap()).unwrap();
    v["seen"].as_array().unwrap().clone()
}

#[test]
#[ignore = "needs the local Bluesky network: run `make test` or scripts/with-network.sh"]
fn recovers_from_what_it_should_and_fails_clearly_otherwise() {
    let net = net();
    let proxy = net["faultProxy"].as_str().unwrap().to_owned();
    let policy = RetryPolicy { max_retries: 2, base_delay_ms: 50, max_wait_ms: 3_000, timeout_ms: 1_000 };
    faults(&proxy, json!([]));
    let client = Client::new(UreqTransport::new(), &proxy).unwrap().with_policy(policy);
    pollster::block_on(
        client.create_session(net["viewer"]["handle"].as_str().unwrap(), net["password"].as_str().unwrap()),
    )
    .unwrap();
    let timeline = || pollster::block_on(client.get_timeline(5, None));

    // Two 500s, then the real answer: retried.
    faults(&proxy, json!([{ "path": "getTimeline", "fault": "500", "times": 2 }]));
    assert_eq!(timeline().unwrap().feed.len(), 5);
    assert_eq!(seen(&proxy).len(), 3);

    // Always 500: gives up after the retries with a server error.
    faults(&proxy, json!([{ "path": "getTimeline", "fault": "500" }]));
    assert_eq!(timeline().unwrap_err().kind(), ErrorKind::Server);
    assert_eq!(seen(&proxy).len(), 3);

    // A dropped connection on a read: retried.
    faults(&proxy, json!([{ "path": "getTimeline", "fault": "drop", "times": 1 }]));
    assert_eq!(timeline().unwrap().feed.len(), 5);

    // A dropped connection on a write that may have landed: not repeated.
    faults(&proxy, json!([{ "path": "repo.createRecord", "fault": "drop" }]));
    let write = pollster::block_on(client.procedure(
        "com.atproto.repo.createRecord",
        Some(&json!({"repo": net["viewer"]["did"], "collection": "app.bsky.feed.post",
            "record": {"$type": "app.bsky.feed.post", "text": "never", "createdAt": "2026-01-01T00:00:00Z"}})),
        Auth::Access,
        Idempotent::No,
    ));
    assert_eq!(write.unwrap_err().kind(), ErrorKind::Network);
    assert_eq!(seen(&proxy).len(), 1, "the write was sent once");

    // 429 that resets within two seconds (at least one whole second away): waits for the
    // reset, then succeeds.
    faults(&proxy, json!([{ "path": "getTimeline", "fault": "429", "times": 1, "resetIn": 2 }]));
    let started = Instant::now();
    assert_eq!(timeline().unwrap().feed.len(), 5);
    assert!(started.elapsed() >= Duration::from_millis(900), "waited for the reset: {:?}", started.elapsed());
    assert_eq!(seen(&proxy).len(), 2, "one refusal, one retry");

    // 429 resetting in an hour: fails at once, saying when to come back.
    faults(&proxy, json!([{ "path": "getTimeline", "fault": "429", "resetIn": 3600 }]));
    let started = Instant::now();
    let err = timeline().unwrap_err();
    assert_eq!(err.kind(), ErrorKind::RateLimited);
    assert!(started.elapsed() < Duration::from_secs(2), "did not sit out the hour");
    assert!(err.to_string().contains("try again in"), "{err}");

    // Slower than the timeout every time: a Timeout error, in bounded time.
    faults(&proxy, json!([{ "path": "getTimeline", "fault": "slow", "delayMs": 3000 }]));
    let started = Instant::now();
    let err = timeline().unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Timeout, "{err:?}");
    assert!(started.elapsed() < Duration::from_secs(8), "took {:?}", started.elapsed());

    // Slow once, then fine: the retry succeeds.
    faults(&proxy, json!([{ "path": "getTimeline", "fault": "slow", "delayMs": 3000, "times": 1 }]));
    assert_eq!(timeline().unwrap().feed.len(), 5);
    faults(&proxy, json!([]));
}
