//! The one error type of the core, with messages written for the person using SkyPanel.

use std::fmt;

/// Everything that can go wrong between SkyPanel and a Bluesky server.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Error {
    /// The request never got an HTTP answer (DNS, refused or dropped connection, TLS, offline).
    Network {
        /// The URL that was asked for.
        url: String,
        /// What the transport reported.
        detail: String,
    },
    /// No answer within the request timeout.
    Timeout {
        /// The URL that was asked for.
        url: String,
        /// The timeout that expired.
        after_ms: u32,
    },
    /// The server answered with an XRPC error (`{"error": …, "message": …}`) or a bare status.
    Xrpc {
        /// The XRPC method, e.g. `app.bsky.feed.getTimeline`.
        method: String,
        /// HTTP status code.
        status: u16,
        /// The XRPC error name (`AuthenticationRequired`, `ExpiredToken`, …), if the body had one.
        error: Option<String>,
        /// The server's human-readable message, if any.
        message: Option<String>,
    },
    /// The server refused with 429 and its limit resets later than SkyPanel will wait.
    RateLimited {
        /// The XRPC method.
        method: String,
        /// Milliseconds until the limit resets, when the server said.
        retry_after_ms: Option<u64>,
    },
    /// The server answered 2xx but the body is not what the lexicon promises.
    Malformed {
        /// The XRPC method whose answer could not be read.
        method: String,
        /// What was wrong with it.
        detail: String,
    },
    /// A call that needs a signed-in account was made without one.
    NotSignedIn {
        /// The XRPC method that needs a session.
        method: String,
    },
    /// A handle or DID that does not lead to an account.
    UnknownAccount {
        /// What was looked up.
        identifier: String,
        /// Why it failed.
        detail: String,
    },
    /// The caller passed something unusable (an empty identifier, a bad service URL, …).
    InvalidInput(String),
}

/// The kind of an [`Error`], for code that reacts to errors (and for JavaScript's
/// `error.name`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorKind {
    /// No HTTP answer.
    Network,
    /// No answer in time.
    Timeout,
    /// Wrong identifier or password, or a call that needs a session made without one.
    AuthenticationRequired,
    /// The access token expired (the client refreshes and retries once by itself).
    ExpiredToken,
    /// The token is not valid (revoked, or for another server).
    InvalidToken,
    /// The post, profile or record does not exist.
    NotFound,
    /// The viewer blocks the account.
    BlockedActor,
    /// The account blocks the viewer.
    BlockedByActor,
    /// The custom feed does not exist or is offline.
    UnknownFeed,
    /// The list does not exist.
    UnknownList,
    /// Too many requests.
    RateLimited,
    /// The server failed (5xx).
    Server,
    /// A response SkyPanel cannot read.
    MalformedResponse,
    /// No account is signed in.
    NotSignedIn,
    /// The handle or DID leads nowhere.
    UnknownAccount,
    /// Bad input from the caller.
    InvalidInput,
    /// Any other XRPC error.
    Other,
}

impl ErrorKind {
    /// The kind's name, as used for JavaScript `Error.name` and in messages.
    pub fn name(self) -> &'static str {
        match self {
            ErrorKind::Network => "NetworkError",
            ErrorKind::Timeout => "Timeout",
            ErrorKind::AuthenticationRequired => "AuthenticationRequired",
            ErrorKind::ExpiredToken => "ExpiredToken",
            ErrorKind::InvalidToken => "InvalidToken",
            ErrorKind::NotFound => "NotFound",
            ErrorKind::BlockedActor => "BlockedActor",
            ErrorKind::BlockedByActor => "BlockedByActor",
            ErrorKind::UnknownFeed => "UnknownFeed",
            ErrorKind::UnknownList => "UnknownList",
            ErrorKind::RateLimited => "RateLimited",
            ErrorKind::Server => "ServerError",
            ErrorKind::MalformedResponse => "MalformedResponse",
            ErrorKind::NotSignedIn => "NotSignedIn",
            ErrorKind::UnknownAccount => "UnknownAccount",
            ErrorKind::InvalidInput => "InvalidInput",
            ErrorKind::Other => "XrpcError",
        }
    }
}

impl Error {
    /// The XRPC error name, when the server sent one.
    pub fn xrpc_name(&self) -> Option<&str> {
        match self {
            Error::Xrpc { error, .. } => error.as_deref(),
            _ => None,
        }
    }

    /// What kind of failure this is.
    pub fn kind(&self) -> ErrorKind {
        match self {
            Error::Network { .. } => ErrorKind::Network,
            Error::Timeout { .. } => ErrorKind::Timeout,
            Error::RateLimited { .. } => ErrorKind::RateLimited,
            Error::Malformed { .. } => ErrorKind::MalformedResponse,
            Error::NotSignedIn { .. } => ErrorKind::NotSignedIn,
            Error::UnknownAccount { .. } => ErrorKind::UnknownAccount,
            Error::InvalidInput(_) => ErrorKind::InvalidInput,
            Error::Xrpc { status, error, .. } => match error.as_deref() {
                Some("AuthenticationRequired") | Some("AccountTakedown") => ErrorKind::AuthenticationRequired,
                Some("ExpiredToken") => ErrorKind::ExpiredToken,
                Some("InvalidToken") => ErrorKind::InvalidToken,
                Some("NotFound") | Some("RecordNotFound") | Some("BlobNotFound") => ErrorKind::NotFound,
                Some("BlockedActor") => ErrorKind::BlockedActor,
                Some("BlockedByActor") => ErrorKind::BlockedByActor,
                Some("UnknownFeed") => ErrorKind::UnknownFeed,
                Some("UnknownList") => ErrorKind::UnknownList,
                Some("RateLimitExceeded") => ErrorKind::RateLimited,
                _ if *status == 401 => ErrorKind::AuthenticationRequired,
                _ if *status == 404 => ErrorKind::NotFound,
                _ if *status == 429 => ErrorKind::RateLimited,
                _ if *status >= 500 => ErrorKind::Server,
                _ => ErrorKind::Other,
            },
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Network { url, detail } => {
                write!(f, "could not reach {url} ({detail}); check your connection and the service URL")
            }
            Error::Timeout { url, after_ms } => write!(
                f,
                "{url} did not answer within {} s; the server may be overloaded, try again shortly",
                after_ms / 1000
            ),
            Error::Xrpc { method, status, error, message } => {
                let name = error.as_deref().unwrap_or("error");
                let hint = match self.kind() {
                    ErrorKind::AuthenticationRequired => {
                        "; check the handle and use an app password (Settings → Privacy and security → App passwords)"
                    }
                    ErrorKind::ExpiredToken | ErrorKind::InvalidToken => "; sign in again",
                    ErrorKind::BlockedActor => "; you block this account",
                    ErrorKind::BlockedByActor => "; this account blocks you",
                    ErrorKind::UnknownFeed => "; the feed may have been deleted or its server is offline",
                    ErrorKind::Server => "; the server is having trouble, try again shortly",
                    _ => "",
                };
                match message {
                    Some(m) if !m.is_empty() => write!(f, "{method} failed: {name} (HTTP {status}): {m}{hint}"),
                    _ => write!(f, "{method} failed: {name} (HTTP {status}){hint}"),
                }
            }
            Error::RateLimited { method, retry_after_ms } => match retry_after_ms {
                Some(ms) => write!(f, "{method}: rate limited by the server; try again in {} s", ms.div_ceil(1000)),
                None => write!(f, "{method}: rate limited by the server; wait a minute and try again"),
            },
            Error::Malformed { method, detail } => write!(
                f,
                "{method} returned a response SkyPanel cannot read ({detail}); the server may be newer than this SkyPanel"
            ),
            Error::NotSignedIn { method } => write!(f, "{method} needs a signed-in account; sign in first"),
            Error::UnknownAccount { identifier, detail } => {
                write!(f, "no Bluesky account found for '{identifier}' ({detail}); check the spelling")
            }
            Error::InvalidInput(detail) => write!(f, "{detail}"),
        }
    }
}

impl std::error::Error for Error {}
