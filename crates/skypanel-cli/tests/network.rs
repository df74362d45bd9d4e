//! `skypanel` against the real reference Bluesky network started by the test harness.
//!
//! These tests need the network described by `$SKYPANEL_TEST_NETWORK`, so they are ignored
//! by a bare `cargo test`; `make test` starts the network and runs them with
//! `--include-ignored`.

use std::process::{Command, Output};

use serde_json::Value;

fn network() -> Value {
    let path = std::env::var("SKYPANEL_TEST_NETWORK")
        .expect("SKYPANEL_TEST_NETWORK is not set: run through `make test` or scripts/with-network.sh");
    serde_json::from_str(&std::fs::read_to_string(path).expect("network description readable")).unwrap()
}

fn skypanel(net: &Value, password: &str, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_skypanel"))
        .args(["timeline", "--service", net["pds"].as_str().unwrap()])
        .args(["--handle", net["viewer"]["handle"].as_str().unwrap()])
        .args(args)
        .env("SKYPANEL_APP_PASSWORD", password)
        .output()
        .expect("skypanel runs")
}

fn timeline(net: &Value, args: &[&str]) -> Value {
    let out = skypanel(net, net["password"].as_str().unwrap(), args);
    assert!(out.status.success(), "skypanel failed: {}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).expect("--json prints JSON")
}

/// The longest run of consecutive items for which `owner` returns `who`.
fn longest_run(items: &[Value], who: &str, owner: impl Fn(&Value) -> Option<String>) -> usize {
    let (mut best, mut current) = (0, 0);
    for item in items {
        current = if owner(item).as_deref() == Some(who) { current + 1 } else { 0 };
        best = best.max(current);
    }
    best
}

#[test]
#[ignore = "needs the local Bluesky network: run `make test` or scripts/with-network.sh"]
fn timeline_shows_the_seeded_floods_natively() {
    let net = network();
    let page = timeline(&net, &["--limit", "100", "--json"]);
    let items = page["items"].as_array().unwrap();
    assert!(items.len() >= 30, "seeded timeline has {} items", items.len());

    let flood = &net["floods"]["posts"];
    let posts = longest_run(items, flood["account"].as_str().unwrap(), |i| {
        i.get("repostedBy").is_none().then(|| i["author"].as_str().unwrap().to_owned())
    });
    assert_eq!(posts as u64, flood["count"].as_u64().unwrap());

    let reposts = &net["floods"]["reposts"];
    let run = longest_run(items, reposts["account"].as_str().unwrap(), |i| {
        i["repostedBy"].as_str().map(str::to_owned)
    });
    assert_eq!(run as u64, reposts["count"].as_u64().unwrap());

    // Non-ASCII text survives the trip intact, and replies name their parent.
    assert!(items.iter().any(|i| i["text"] == "4/9: 👩‍👩‍👧‍👦 families are one grapheme"));
    assert!(items.iter().any(|i| i["text"] == "¡Gracias! 😊" && i["replyParent"].as_str().is_some()));
}

#[test]
#[ignore = "needs the local Bluesky network: run `make test` or scripts/with-network.sh"]
fn cursor_pagination_continues_without_overlap() {
    let net = network();
    let first = timeline(&net, &["--limit", "10", "--json"]);
    let cursor = first["cursor"].as_str().expect("a first page of 10 has a cursor");
    let second = timeline(&net, &["--limit", "10", "--json", "--cursor", cursor]);
    let uris = |p: &Value| -> Vec<String> {
        p["items"].as_array().unwrap().iter().map(|i| i["uri"].as_str().unwrap().to_owned()).collect()
    };
    let (a, b) = (uris(&first), uris(&second));
    assert_eq!((a.len(), b.len()), (10, 10));
    assert!(a.iter().all(|u| !b.contains(u)), "pages overlap");
}

#[test]
#[ignore = "needs the local Bluesky network: run `make test` or scripts/with-network.sh"]
fn wrong_password_fails_with_advice_and_exit_code_1() {
    let net = network();
    let out = skypanel(&net, "definitely-wrong", &["--json"]);
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("AuthenticationRequired") && stderr.contains("app password"), "{stderr}");
    assert!(out.stdout.is_empty());
}

#[test]
#[ignore = "needs the local Bluesky network: run `make test` or scripts/with-network.sh"]
fn text_output_is_readable_and_free_of_control_characters() {
    let net = network();
    let out = skypanel(&net, net["password"].as_str().unwrap(), &["--limit", "5"]);
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.lines().next().unwrap().starts_with('@'), "{text}");
    assert!(!text.chars().any(|c| c.is_control() && c != '\n'));
}
