//! The one error type of the core, with messages written for the person using SkyPanel.

use std::fmt;

/// Everything that can go wrong between SkyPanel and a Bluesky server.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Error {
    /// The request never got an HTTP answer (DNS, refused connection, TLS, offline).
    Network {
        /// The URL that was asked for.
        url: String,
        /// What the transport reported.
        detail: String,
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
    /// The caller passed something unusable (an empty identifier, a bad service URL, …).
    InvalidInput(String),
}

impl Error {
    /// The XRPC error name, when the server sent one.
    pub fn xrpc_name(&self) -> Option<&str> {
        match self {
            Error::Xrpc { error, .. } => error.as_deref(),
            _ => None,
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Network { url, detail } => write!(
                f,
                "could not reach {url} ({detail}); check your connection and the service URL"
            ),
            Error::Xrpc { method, status, error, message } => {
                let name = error.as_deref().unwrap_or("error");
                let hint = match error.as_deref() {
                    Some("AuthenticationRequired") => {
                        "; check the handle and use an app password (Settings → Privacy and security → App passwords)"
                    }
                    Some("ExpiredToken") | Some("InvalidToken") => "; sign in again",
                    Some("RateLimitExceeded") => "; wait a minute and try again",
                    _ if *status >= 500 => "; the server is having trouble, try again shortly",
                    _ => "",
                };
                match message {
                    Some(m) if !m.is_empty() => {
                        write!(f, "{method} failed: {name} (HTTP {status}): {m}{hint}")
                    }
                    _ => write!(f, "{method} failed: {name} (HTTP {status}){hint}"),
                }
            }
            Error::Malformed { method, detail } => write!(
                f,
                "{method} returned a response SkyPanel cannot read ({detail}); the server may be newer than this SkyPanel"
            ),
            Error::NotSignedIn { method } => {
                write!(f, "{method} needs a signed-in account; sign in first")
            }
            Error::InvalidInput(detail) => write!(f, "{detail}"),
        }
    }
}

impl std::error::Error for Error {}
