//! Lexicon calls on top of a [`Transport`].

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::transport::{HttpRequest, HttpResponse, Method, Transport};
use crate::model::TimelinePage;
use crate::Error;

/// A signed-in account's tokens, as `com.atproto.server.createSession` returns them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Session {
    /// The account's DID.
    pub did: String,
    /// The account's handle at sign-in time.
    pub handle: String,
    /// Short-lived token sent with every call.
    pub access_jwt: String,
    /// Long-lived token used to get a new access token.
    pub refresh_jwt: String,
}

/// An XRPC client bound to one service (a PDS, or an AppView for public reads).
#[derive(Debug, Clone)]
pub struct Client<T> {
    transport: T,
    service: String,
    session: Option<Session>,
}

#[derive(Deserialize)]
struct XrpcErrorBody {
    #[serde(default)]
    error: Option<String>,
    #[serde(default)]
    message: Option<String>,
}

impl<T: Transport> Client<T> {
    /// A client for `service`, e.g. `https://bsky.social` or `http://localhost:2583`.
    pub fn new(transport: T, service: &str) -> Result<Self, Error> {
        let service = service.trim().trim_end_matches('/');
        let scheme_ok = service.starts_with("https://") || service.starts_with("http://");
        let host = service.split_once("://").map(|(_, h)| h).unwrap_or("");
        if !scheme_ok || host.is_empty() || host.contains(['?', '#', ' ']) {
            return Err(Error::InvalidInput(format!(
                "'{service}' is not a service URL; use something like https://bsky.social"
            )));
        }
        Ok(Client { transport, service: service.to_owned(), session: None })
    }

    /// Uses an existing session (e.g. one restored from storage).
    pub fn with_session(mut self, session: Session) -> Self {
        self.session = Some(session);
        self
    }

    /// The current session, if signed in.
    pub fn session(&self) -> Option<&Session> {
        self.session.as_ref()
    }

    /// The service URL this client talks to.
    pub fn service(&self) -> &str {
        &self.service
    }

    /// Signs in with a handle, DID or email and an app password, and keeps the session.
    pub async fn create_session(&mut self, identifier: &str, password: &str) -> Result<Session, Error> {
        let identifier = identifier.trim().trim_start_matches('@');
        if identifier.is_empty() || password.is_empty() {
            return Err(Error::InvalidInput(
                "a handle (or email) and an app password are both needed to sign in".into(),
            ));
        }
        const METHOD: &str = "com.atproto.server.createSession";
        let body = serde_json::json!({ "identifier": identifier, "password": password });
        let text = self.procedure(METHOD, &body, false).await?;
        let session: Session = serde_json::from_str(&text)
            .map_err(|e| Error::Malformed { method: METHOD.into(), detail: e.to_string() })?;
        self.session = Some(session.clone());
        Ok(session)
    }

    /// One page of the signed-in account's home timeline (`app.bsky.feed.getTimeline`).
    pub async fn get_timeline(&self, limit: u8, cursor: Option<&str>) -> Result<TimelinePage, Error> {
        const METHOD: &str = "app.bsky.feed.getTimeline";
        let limit = limit.clamp(1, 100).to_string();
        let mut params = vec![("limit", limit.as_str())];
        if let Some(c) = cursor {
            params.push(("cursor", c));
        }
        let text = self.query(METHOD, &params, true).await?;
        TimelinePage::from_json(&text).map_err(|detail| Error::Malformed { method: METHOD.into(), detail })
    }

    /// Runs an XRPC query (GET) and returns the body of a successful answer.
    pub async fn query(&self, method: &str, params: &[(&str, &str)], auth: bool) -> Result<String, Error> {
        let mut url = format!("{}/xrpc/{}", self.service, method);
        if !params.is_empty() {
            let mut qs = form_urlencoded::Serializer::new(String::new());
            for (k, v) in params {
                qs.append_pair(k, v);
            }
            url.push('?');
            url.push_str(&qs.finish());
        }
        let request =
            HttpRequest { method: Method::Get, url, headers: self.auth_headers(method, auth)?, body: None };
        self.exchange(method, request).await
    }

    /// Runs an XRPC procedure (POST with a JSON body) and returns the body of the answer.
    pub async fn procedure(&self, method: &str, body: &Value, auth: bool) -> Result<String, Error> {
        let mut headers = self.auth_headers(method, auth)?;
        headers.push(("content-type".into(), "application/json".into()));
        let request = HttpRequest {
            method: Method::Post,
            url: format!("{}/xrpc/{}", self.service, method),
            headers,
            body: Some(body.to_string().into_bytes()),
        };
        self.exchange(method, request).await
    }

    fn auth_headers(&self, method: &str, auth: bool) -> Result<Vec<(String, String)>, Error> {
        if !auth {
            return Ok(Vec::new());
        }
        let session = self.session.as_ref().ok_or_else(|| Error::NotSignedIn { method: method.into() })?;
        Ok(vec![("authorization".into(), format!("Bearer {}", session.access_jwt))])
    }

    async fn exchange(&self, method: &str, request: HttpRequest) -> Result<String, Error> {
        let url = request.url.clone();
        let response = self.transport.send(request).await.map_err(|detail| Error::Network { url, detail })?;
        into_body(method, response)
    }
}

fn into_body(method: &str, response: HttpResponse) -> Result<String, Error> {
    let HttpResponse { status, body, .. } = response;
    if (200..300).contains(&status) {
        return String::from_utf8(body)
            .map_err(|_| Error::Malformed { method: method.into(), detail: "the body is not UTF-8".into() });
    }
    let parsed: Option<XrpcErrorBody> = serde_json::from_slice(&body).ok();
    let (error, message) = parsed.map(|b| (b.error, b.message)).unwrap_or((None, None));
    Err(Error::Xrpc { method: method.into(), status, error, message })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::cell::RefCell;

    /// Answers every request with one canned response and records what was sent. Unit tests
    /// only: the integration tests run against the real reference network.
    struct Canned {
        status: u16,
        body: &'static str,
        seen: RefCell<Vec<HttpRequest>>,
    }

    impl Transport for &Canned {
        async fn send(&self, request: HttpRequest) -> Result<HttpResponse, String> {
            self.seen.borrow_mut().push(request);
            Ok(HttpResponse { status: self.status, headers: vec![], body: self.body.as_bytes().to_vec() })
        }
    }

    #[derive(Debug)]
    struct Offline;
    impl Transport for Offline {
        async fn send(&self, _: HttpRequest) -> Result<HttpResponse, String> {
            Err("connection refused".into())
        }
    }

    fn session() -> Session {
        Session {
            did: "did:plc:x".into(),
            handle: "x.test".into(),
            access_jwt: "AT".into(),
            refresh_jwt: "RT".into(),
        }
    }

    #[test]
    fn rejects_service_urls_that_are_not_urls() {
        for bad in ["", "bsky.social", "ftp://x", "https://", "https://a b"] {
            let err = Client::new(Offline, bad).unwrap_err();
            assert!(matches!(err, Error::InvalidInput(_)), "{bad}: {err:?}");
        }
        assert_eq!(Client::new(Offline, " https://pds.example/ ").unwrap().service(), "https://pds.example");
    }

    #[test]
    fn timeline_sends_bearer_token_and_encoded_cursor() {
        let canned = Canned {
            status: 200,
            body: include_str!("../../tests/fixtures/getTimeline.json"),
            seen: RefCell::new(vec![]),
        };
        let client = Client::new(&canned, "http://localhost:2583").unwrap().with_session(session());
        let page = pollster::block_on(client.get_timeline(30, Some("a b/c"))).unwrap();
        assert!(!page.feed.is_empty());
        let seen = canned.seen.borrow();
        assert_eq!(seen[0].method, Method::Get);
        assert_eq!(
            seen[0].url,
            "http://localhost:2583/xrpc/app.bsky.feed.getTimeline?limit=30&cursor=a+b%2Fc"
        );
        assert!(seen[0].headers.contains(&("authorization".into(), "Bearer AT".into())));
    }

    #[test]
    fn timeline_without_session_says_sign_in() {
        let client = Client::new(Offline, "http://localhost:2583").unwrap();
        let err = pollster::block_on(client.get_timeline(10, None)).unwrap_err();
        assert_eq!(err, Error::NotSignedIn { method: "app.bsky.feed.getTimeline".into() });
        assert!(err.to_string().contains("sign in"));
    }

    #[test]
    fn xrpc_error_body_becomes_typed_error_with_advice() {
        let canned = Canned {
            status: 401,
            body: r#"{"error":"AuthenticationRequired","message":"Invalid identifier or password"}"#,
            seen: RefCell::new(vec![]),
        };
        let mut client = Client::new(&canned, "http://localhost:2583").unwrap();
        let err = pollster::block_on(client.create_session("alice.test", "wrong")).unwrap_err();
        assert_eq!(err.xrpc_name(), Some("AuthenticationRequired"));
        assert!(err.to_string().contains("app password"), "{err}");
        assert!(client.session().is_none());
    }

    #[test]
    fn non_json_error_and_malformed_success_are_reported() {
        let canned = Canned { status: 502, body: "<html>bad gateway</html>", seen: RefCell::new(vec![]) };
        let client = Client::new(&canned, "http://h").unwrap().with_session(session());
        let err = pollster::block_on(client.get_timeline(1, None)).unwrap_err();
        assert!(matches!(err, Error::Xrpc { status: 502, error: None, .. }));

        let canned = Canned { status: 200, body: r#"{"feed": [{"nope": 1}]}"#, seen: RefCell::new(vec![]) };
        let client = Client::new(&canned, "http://h").unwrap().with_session(session());
        let err = pollster::block_on(client.get_timeline(1, None)).unwrap_err();
        assert!(matches!(err, Error::Malformed { .. }), "{err:?}");
    }

    #[test]
    fn network_failure_names_the_url() {
        let client = Client::new(Offline, "http://localhost:1").unwrap().with_session(session());
        let err = pollster::block_on(client.get_timeline(1, None)).unwrap_err();
        assert!(err.to_string().contains("http://localhost:1/xrpc/app.bsky.feed.getTimeline"), "{err}");
    }
}
