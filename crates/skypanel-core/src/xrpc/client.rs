//! The XRPC exchange: building requests, signing them, retrying, refreshing the session,
//! and turning answers into bodies or [`Error`]s. Lexicon calls are in `calls.rs`.

use std::cell::RefCell;
use std::rc::Rc;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::retry::RetryPolicy;
use super::transport::{HttpRequest, HttpResponse, Method, Transport, TransportError};
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

/// Adds credentials to a request. App passwords use [`BearerSigner`]; OAuth's DPoP will be
/// another implementation.
pub trait RequestSigner {
    /// Signs `request` with `token` (the access token, or the refresh token for a refresh).
    fn sign(&self, request: &mut HttpRequest, token: &str);
}

/// `Authorization: Bearer <token>`.
#[derive(Debug, Clone, Copy, Default)]
pub struct BearerSigner;

impl RequestSigner for BearerSigner {
    fn sign(&self, request: &mut HttpRequest, token: &str) {
        request.headers.push(("authorization".into(), format!("Bearer {token}")));
    }
}

/// Whether a call may be sent again after a failure whose outcome is unknown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Idempotent {
    /// Reads, and writes that are safe to repeat.
    Yes,
    /// Writes that might have taken effect.
    No,
}

/// Which token a call carries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Auth {
    /// None (public reads, sign-in).
    None,
    /// The access token; the session is refreshed once if it expired.
    Access,
    /// The access token if signed in, none otherwise (reads that work both ways).
    Optional,
    /// The refresh token (refreshSession, deleteSession).
    Refresh,
}

/// An XRPC client bound to one service: the account's PDS, or an AppView for public reads.
/// Single-threaded by design (the browser's and the CLI's executors both are).
pub struct Client<T> {
    transport: T,
    service: String,
    session: RefCell<Option<Session>>,
    signer: Rc<dyn RequestSigner>,
    policy: RetryPolicy,
    attempts: std::cell::Cell<u64>,
    auto_refresh: bool,
}

#[derive(Deserialize)]
struct XrpcErrorBody {
    #[serde(default)]
    error: Option<String>,
    #[serde(default)]
    message: Option<String>,
}

/// Checks and normalises a service URL (`https://host[:port]`, no path).
pub fn normalize_service(service: &str) -> Result<String, Error> {
    let service = service.trim().trim_end_matches('/');
    let scheme_ok = service.starts_with("https://") || service.starts_with("http://");
    let host = service.split_once("://").map(|(_, h)| h).unwrap_or("");
    let bad_char = |c: char| matches!(c, '?' | '#' | '/' | '@') || c.is_whitespace();
    if !scheme_ok || host.is_empty() || host.contains(bad_char) {
        return Err(Error::InvalidInput(format!(
            "'{service}' is not a service URL; use something like https://bsky.social"
        )));
    }
    Ok(service.to_owned())
}

impl<T: Transport> Client<T> {
    /// A client for `service`, e.g. `https://bsky.social` or `http://localhost:2583`.
    pub fn new(transport: T, service: &str) -> Result<Self, Error> {
        Ok(Client {
            transport,
            service: normalize_service(service)?,
            session: RefCell::new(None),
            signer: Rc::new(BearerSigner),
            policy: RetryPolicy::default(),
            attempts: std::cell::Cell::new(0),
            auto_refresh: true,
        })
    }

    /// Uses an existing session (e.g. one restored from storage).
    pub fn with_session(self, session: Session) -> Self {
        *self.session.borrow_mut() = Some(session);
        self
    }

    /// Uses another retry and timeout policy.
    pub fn with_policy(mut self, policy: RetryPolicy) -> Self {
        self.policy = policy;
        self
    }

    /// Whether an expired access token is refreshed (and the call retried once) inside the
    /// call, the default. A host that runs several calls at once turns this off and refreshes
    /// once itself ([`Client::refresh_session`]): refresh tokens rotate, so two concurrent
    /// refreshes of one session race.
    pub fn with_auto_refresh(mut self, on: bool) -> Self {
        self.auto_refresh = on;
        self
    }

    /// Uses another request signer.
    pub fn with_signer(mut self, signer: Rc<dyn RequestSigner>) -> Self {
        self.signer = signer;
        self
    }

    /// The current session, if signed in. It changes when the client refreshes it: callers
    /// that persist sessions should compare after each call.
    pub fn session(&self) -> Option<Session> {
        self.session.borrow().clone()
    }

    /// Replaces (or clears) the session.
    pub fn set_session(&self, session: Option<Session>) {
        *self.session.borrow_mut() = session;
    }

    /// The service URL this client talks to.
    pub fn service(&self) -> &str {
        &self.service
    }

    /// The transport (for its clock and timer).
    pub fn transport(&self) -> &T {
        &self.transport
    }

    /// Runs an XRPC query (GET) and returns the body of a successful answer.
    pub async fn query(&self, method: &str, params: &[(&str, &str)], auth: Auth) -> Result<Vec<u8>, Error> {
        let mut url = format!("{}/xrpc/{}", self.service, method);
        if !params.is_empty() {
            let mut qs = form_urlencoded::Serializer::new(String::new());
            for (k, v) in params {
                qs.append_pair(k, v);
            }
            url.push('?');
            url.push_str(&qs.finish());
        }
        self.call(method, Method::Get, url, None, auth, Idempotent::Yes).await
    }

    /// Runs an XRPC procedure (POST with a JSON body) and returns the body of the answer.
    pub async fn procedure(
        &self,
        method: &str,
        body: Option<&Value>,
        auth: Auth,
        idempotent: Idempotent,
    ) -> Result<Vec<u8>, Error> {
        let url = format!("{}/xrpc/{}", self.service, method);
        let body = body.map(|b| b.to_string().into_bytes());
        self.call(method, Method::Post, url, body, auth, idempotent).await
    }

    /// Parses a successful answer as JSON of type `R`.
    pub(crate) fn parse<R: serde::de::DeserializeOwned>(method: &str, body: &[u8]) -> Result<R, Error> {
        crate::model::from_json_bytes(body)
            .map_err(|e| Error::Malformed { method: method.into(), detail: e.to_string() })
    }

    async fn call(
        &self,
        method: &str,
        http_method: Method,
        url: String,
        body: Option<Vec<u8>>,
        auth: Auth,
        idempotent: Idempotent,
    ) -> Result<Vec<u8>, Error> {
        let build = |token: Option<&str>| {
            let mut request = HttpRequest {
                method: http_method,
                url: url.clone(),
                headers: Vec::new(),
                body: body.clone(),
                timeout_ms: self.policy.timeout_ms,
            };
            if request.body.is_some() {
                request.headers.push(("content-type".into(), "application/json".into()));
            }
            if let Some(token) = token {
                self.signer.sign(&mut request, token);
            }
            request
        };
        let token = |s: &Option<Session>| -> Result<Option<String>, Error> {
            match (auth, s) {
                (Auth::None, _) | (Auth::Optional, None) => Ok(None),
                (Auth::Access | Auth::Optional, Some(s)) => Ok(Some(s.access_jwt.clone())),
                (Auth::Refresh, Some(s)) => Ok(Some(s.refresh_jwt.clone())),
                (Auth::Access | Auth::Refresh, None) => Err(Error::NotSignedIn { method: method.into() }),
            }
        };
        let first = token(&self.session.borrow())?;
        let result = self.exchange(method, build(first.as_deref()), idempotent).await;
        match result {
            Err(e)
                if self.auto_refresh
                    && e.xrpc_name() == Some("ExpiredToken")
                    && matches!(auth, Auth::Access | Auth::Optional) =>
            {
                // Refresh once and retry once with the new token.
                self.refresh_session().await?;
                let second = token(&self.session.borrow())?;
                self.exchange(method, build(second.as_deref()), idempotent).await
            }
            other => other,
        }
    }

    /// Gets a new access token with the refresh token (`com.atproto.server.refreshSession`).
    pub async fn refresh_session(&self) -> Result<Session, Error> {
        const METHOD: &str = "com.atproto.server.refreshSession";
        let refresh = self.session.borrow().as_ref().map(|s| s.refresh_jwt.clone());
        let refresh = refresh.ok_or_else(|| Error::NotSignedIn { method: METHOD.into() })?;
        let mut request = HttpRequest {
            method: Method::Post,
            url: format!("{}/xrpc/{METHOD}", self.service),
            headers: Vec::new(),
            body: None,
            timeout_ms: self.policy.timeout_ms,
        };
        self.signer.sign(&mut request, &refresh);
        // Refreshing twice is harmless for the server but the second answer would win:
        // the refresh is idempotent from the client's point of view.
        let body = self.exchange(METHOD, request, Idempotent::Yes).await?;
        let session: Session = Self::parse(METHOD, &body)?;
        *self.session.borrow_mut() = Some(session.clone());
        Ok(session)
    }

    fn seed(&self) -> u64 {
        let n = self.attempts.get().wrapping_add(1);
        self.attempts.set(n);
        self.transport.now_ms() ^ n.rotate_left(32)
    }

    async fn exchange(
        &self,
        method: &str,
        request: HttpRequest,
        idempotent: Idempotent,
    ) -> Result<Vec<u8>, Error> {
        let mut attempt = 0u32;
        loop {
            let retries_left = attempt < self.policy.max_retries;
            let url = request.url.clone();
            let response = match self.transport.send(request.clone()).await {
                Ok(r) => r,
                Err(failure) => {
                    if retries_left && idempotent == Idempotent::Yes {
                        self.transport.sleep(self.policy.backoff_ms(attempt, self.seed())).await;
                        attempt += 1;
                        continue;
                    }
                    return Err(match failure {
                        TransportError::Timeout => Error::Timeout { url, after_ms: request.timeout_ms },
                        TransportError::Network(detail) => Error::Network { url, detail },
                    });
                }
            };
            if response.status == 429 {
                // The server refused without acting, so even a write may be repeated.
                let reset = response.header("ratelimit-reset").and_then(|v| v.trim().parse().ok());
                let after = response.header("retry-after").and_then(|v| v.trim().parse().ok());
                let wait = self.policy.rate_limit_wait_ms(reset, after, self.transport.now_ms());
                match wait {
                    Some(ms) if retries_left => {
                        self.transport.sleep(ms).await;
                        attempt += 1;
                        continue;
                    }
                    _ => {
                        let retry_after_ms = reset
                            .map(|r: u64| r.saturating_mul(1000).saturating_sub(self.transport.now_ms()))
                            .or(after.map(|a: u64| a * 1000));
                        return Err(Error::RateLimited { method: method.into(), retry_after_ms });
                    }
                }
            }
            if response.status >= 500 && retries_left && idempotent == Idempotent::Yes {
                self.transport.sleep(self.policy.backoff_ms(attempt, self.seed())).await;
                attempt += 1;
                continue;
            }
            return into_body(method, response);
        }
    }
}

fn into_body(method: &str, response: HttpResponse) -> Result<Vec<u8>, Error> {
    let HttpResponse { status, body, .. } = response;
    if (200..300).contains(&status) {
        return Ok(body);
    }
    let parsed: Option<XrpcErrorBody> = crate::model::from_json_bytes(&body).ok();
    let (error, message) = parsed.map(|b| (b.error, b.message)).unwrap_or((None, None));
    Err(Error::Xrpc { method: method.into(), status, error, message })
}
