//! Unit tests of the client's exchange logic with a scripted transport. (The integration
//! tests run the same client against the real reference network and a fault proxy.)

use std::cell::RefCell;
use std::collections::VecDeque;

use super::*;
use crate::{Error, ErrorKind};

/// Answers with scripted responses, records requests and sleeps, never really sleeps.
#[derive(Default)]
pub(crate) struct Script {
    answers: RefCell<VecDeque<Result<HttpResponse, TransportError>>>,
    pub(crate) seen: RefCell<Vec<HttpRequest>>,
    slept: RefCell<Vec<u64>>,
}

const NOW_MS: u64 = 1_700_000_000_000;

impl Script {
    pub(crate) fn new(answers: Vec<Result<HttpResponse, TransportError>>) -> Self {
        Script { answers: RefCell::new(answers.into()), ..Default::default() }
    }
}

impl Transport for Script {
    async fn send(&self, request: HttpRequest) -> Result<HttpResponse, TransportError> {
        self.seen.borrow_mut().push(request);
        self.answers.borrow_mut().pop_front().expect("more requests than scripted answers")
    }
    async fn sleep(&self, ms: u64) {
        self.slept.borrow_mut().push(ms);
    }
    fn now_ms(&self) -> u64 {
        NOW_MS
    }
}

pub(crate) fn ok(body: &str) -> Result<HttpResponse, TransportError> {
    Ok(HttpResponse { status: 200, headers: vec![], body: body.as_bytes().to_vec() })
}
pub(crate) fn status(
    code: u16,
    body: &str,
    headers: &[(&str, &str)],
) -> Result<HttpResponse, TransportError> {
    Ok(HttpResponse {
        status: code,
        headers: headers.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect(),
        body: body.as_bytes().to_vec(),
    })
}

fn session() -> Session {
    Session {
        did: "did:plc:x".into(),
        handle: "x.test".into(),
        access_jwt: "AT".into(),
        refresh_jwt: "RT".into(),
    }
}

const EMPTY_FEED: &str = r#"{"feed":[]}"#;

fn client(script: &Script) -> Client<&Script> {
    Client::new(script, "http://localhost:2583").unwrap().with_session(session())
}

#[test]
fn rejects_service_urls_that_are_not_urls() {
    let s = Script::default();
    for bad in [
        "",
        "bsky.social",
        "ftp://x",
        "https://",
        "https://a b",
        "https://a\tb",
        "https://x/path",
        "https://u@x",
        "https://x?q",
    ] {
        let err = Client::new(&s, bad).err().unwrap();
        assert!(matches!(err, Error::InvalidInput(_)), "{bad}: {err:?}");
    }
    assert_eq!(Client::new(&s, " https://pds.example/ ").unwrap().service(), "https://pds.example");
}

#[test]
fn timeline_sends_bearer_token_and_encoded_cursor() {
    let s = Script::new(vec![ok(include_str!("../../tests/fixtures/getTimeline.json"))]);
    let page = pollster::block_on(client(&s).get_timeline(30, Some("a b/c"))).unwrap();
    assert!(!page.feed.is_empty());
    let seen = s.seen.borrow();
    assert_eq!(seen[0].method, Method::Get);
    assert_eq!(seen[0].url, "http://localhost:2583/xrpc/app.bsky.feed.getTimeline?limit=30&cursor=a+b%2Fc");
    assert!(seen[0].headers.contains(&("authorization".into(), "Bearer AT".into())));
}

#[test]
fn array_parameters_repeat_the_key_and_batches_are_25() {
    let uris: Vec<String> = (0..30).map(|i| format!("at://did:plc:a/app.bsky.feed.post/{i}")).collect();
    let s = Script::new(vec![ok(r#"{"posts":[]}"#), ok(r#"{"posts":[]}"#)]);
    pollster::block_on(client(&s).get_posts(&uris)).unwrap();
    let seen = s.seen.borrow();
    assert_eq!(seen.len(), 2);
    assert_eq!(seen[0].url.matches("uris=").count(), 25);
    assert_eq!(seen[1].url.matches("uris=").count(), 5);
}

#[test]
fn timeline_without_session_says_sign_in_without_a_request() {
    let s = Script::default();
    let c = Client::new(&s, "http://localhost:2583").unwrap();
    let err = pollster::block_on(c.get_timeline(10, None)).unwrap_err();
    assert_eq!(err, Error::NotSignedIn { method: "app.bsky.feed.getTimeline".into() });
    assert!(s.seen.borrow().is_empty());
}

#[test]
fn public_reads_work_signed_out() {
    let s = Script::new(vec![ok(EMPTY_FEED)]);
    let c = Client::new(&s, "https://public.api.bsky.app").unwrap();
    let source = FeedSource::Author {
        actor: "a.test".into(),
        filter: AuthorFilter::PostsWithMedia,
        include_pins: true,
    };
    pollster::block_on(c.feed_page(&source, 10, None)).unwrap();
    let seen = s.seen.borrow();
    assert!(seen[0].url.contains("filter=posts_with_media") && seen[0].url.contains("includePins=true"));
    assert!(seen[0].headers.iter().all(|(k, _)| k != "authorization"));
}

#[test]
fn xrpc_error_body_becomes_typed_error_with_advice() {
    let s = Script::new(vec![status(
        401,
        r#"{"error":"AuthenticationRequired","message":"Invalid identifier or password"}"#,
        &[],
    )]);
    let c = Client::new(&s, "http://localhost:2583").unwrap();
    let err = pollster::block_on(c.create_session("alice.test", "wrong")).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::AuthenticationRequired);
    assert!(err.to_string().contains("app password"), "{err}");
    assert!(c.session().is_none());
    assert_eq!(s.seen.borrow().len(), 1, "a 4xx is not retried");
}

#[test]
fn server_errors_on_reads_are_retried_with_growing_backoff() {
    let s = Script::new(vec![status(502, "bad gateway", &[]), status(500, "{}", &[]), ok(EMPTY_FEED)]);
    pollster::block_on(client(&s).get_timeline(1, None)).unwrap();
    assert_eq!(s.seen.borrow().len(), 3);
    let slept = s.slept.borrow();
    assert_eq!(slept.len(), 2);
    assert!(slept[0] >= 125 && slept[0] <= 250 && slept[1] >= 250 && slept[1] <= 500, "{slept:?}");
}

#[test]
fn server_errors_give_up_after_max_retries() {
    let s = Script::new((0..4).map(|_| status(503, "{}", &[])).collect());
    let err = pollster::block_on(client(&s).get_timeline(1, None)).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Server);
    assert_eq!(s.seen.borrow().len(), 4);
}

#[test]
fn writes_that_may_have_landed_are_not_retried() {
    let s = Script::new(vec![status(500, "{}", &[])]);
    let err =
        pollster::block_on(client(&s).procedure("x.y.z", None, Auth::Access, Idempotent::No)).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Server);
    assert_eq!(s.seen.borrow().len(), 1);
    let s = Script::new(vec![Err(TransportError::Network("reset".into()))]);
    let err =
        pollster::block_on(client(&s).procedure("x.y.z", None, Auth::Access, Idempotent::No)).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Network);
    assert_eq!(s.seen.borrow().len(), 1);
}

#[test]
fn rate_limit_waits_until_reset_even_for_writes() {
    let reset = (NOW_MS / 1000 + 3).to_string();
    let s = Script::new(vec![
        status(429, r#"{"error":"RateLimitExceeded"}"#, &[("ratelimit-reset", &reset)]),
        ok("{}"),
    ]);
    pollster::block_on(client(&s).procedure("x.y.z", None, Auth::Access, Idempotent::No)).unwrap();
    assert_eq!(*s.slept.borrow(), vec![3000]);
}

#[test]
fn rate_limit_too_far_away_fails_at_once_with_the_wait() {
    let reset = (NOW_MS / 1000 + 3600).to_string();
    let s = Script::new(vec![status(429, "{}", &[("ratelimit-reset", &reset)])]);
    let err = pollster::block_on(client(&s).get_timeline(1, None)).unwrap_err();
    assert_eq!(
        err,
        Error::RateLimited { method: "app.bsky.feed.getTimeline".into(), retry_after_ms: Some(3_600_000) }
    );
    assert!(err.to_string().contains("3600 s"), "{err}");
    assert!(s.slept.borrow().is_empty());
}

#[test]
fn network_failures_and_timeouts_are_retried_then_reported() {
    let s = Script::new(vec![Err(TransportError::Network("refused".into())), ok(EMPTY_FEED)]);
    pollster::block_on(client(&s).get_timeline(1, None)).unwrap();
    let s = Script::new((0..4).map(|_| Err(TransportError::Timeout)).collect());
    let err = pollster::block_on(client(&s).get_timeline(1, None)).unwrap_err();
    assert!(matches!(err, Error::Timeout { after_ms: 20_000, .. }), "{err:?}");
    assert!(err.to_string().contains("http://localhost:2583/xrpc/app.bsky.feed.getTimeline"), "{err}");
}

#[test]
fn expired_token_is_refreshed_once_and_the_call_retried() {
    let refreshed = r#"{"did":"did:plc:x","handle":"x.test","accessJwt":"AT2","refreshJwt":"RT2"}"#;
    let s = Script::new(vec![
        status(400, r#"{"error":"ExpiredToken","message":"Token has expired"}"#, &[]),
        ok(refreshed),
        ok(EMPTY_FEED),
    ]);
    let c = client(&s);
    pollster::block_on(c.get_timeline(1, None)).unwrap();
    let seen = s.seen.borrow();
    assert!(seen[1].url.ends_with("com.atproto.server.refreshSession"));
    assert!(seen[1].headers.contains(&("authorization".into(), "Bearer RT".into())));
    assert!(seen[2].headers.contains(&("authorization".into(), "Bearer AT2".into())));
    assert_eq!(c.session().unwrap().refresh_jwt, "RT2");
}

#[test]
fn without_auto_refresh_an_expired_token_is_returned_to_the_caller() {
    let s = Script::new(vec![status(400, r#"{"error":"ExpiredToken"}"#, &[])]);
    let c = client(&s).with_auto_refresh(false);
    let err = pollster::block_on(c.get_timeline(1, None)).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::ExpiredToken);
    assert_eq!(s.seen.borrow().len(), 1, "no refresh was attempted");
    assert_eq!(c.session().unwrap().refresh_jwt, "RT", "the session is untouched");
}

#[test]
fn a_failed_refresh_is_reported_not_looped() {
    let s = Script::new(vec![
        status(400, r#"{"error":"ExpiredToken"}"#, &[]),
        status(400, r#"{"error":"ExpiredToken","message":"Refresh token has expired"}"#, &[]),
    ]);
    let err = pollster::block_on(client(&s).get_timeline(1, None)).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::ExpiredToken);
    assert!(err.to_string().contains("sign in again"));
    assert_eq!(s.seen.borrow().len(), 2);
}

#[test]
fn malformed_success_is_reported() {
    let s = Script::new(vec![ok(r#"{"feed": [{"nope": 1}]}"#)]);
    let err = pollster::block_on(client(&s).get_timeline(1, None)).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::MalformedResponse);
}

#[test]
fn collect_feed_follows_cursors_and_stops_on_a_repeated_cursor() {
    let page = |cursor: Option<&str>, n: usize| {
        let item = r#"{"post":{"uri":"at://did:plc:a/app.bsky.feed.post/1","cid":"c","author":{"did":"did:plc:a","handle":"a.test"},"record":{}}}"#;
        let items = vec![item; n].join(",");
        match cursor {
            Some(c) => ok(&format!(r#"{{"cursor":"{c}","feed":[{items}]}}"#)),
            None => ok(&format!(r#"{{"feed":[{items}]}}"#)),
        }
    };
    let s = Script::new(vec![page(Some("c1"), 100), page(Some("c2"), 100), page(Some("c2"), 5)]);
    let (items, next) =
        pollster::block_on(client(&s).collect_feed(&FeedSource::Timeline, 1000, None)).unwrap();
    assert_eq!((items.len(), next), (205, None));

    let s = Script::new(vec![page(Some("c1"), 100), page(Some("c2"), 50)]);
    let (items, next) =
        pollster::block_on(client(&s).collect_feed(&FeedSource::Timeline, 150, None)).unwrap();
    assert_eq!((items.len(), next.as_deref()), (150, Some("c2")));
    assert!(s.seen.borrow()[1].url.contains("limit=50"));
}
