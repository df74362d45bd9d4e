//! An XRPC client over a pluggable HTTP transport.
//!
//! [`Transport`] is the only thing a platform provides: one HTTP exchange, a clock and a
//! timer. The browser build implements it with `fetch`, the CLI with a native client, and
//! tests with whatever they need. [`Client`] turns lexicon calls into requests, signs them
//! ([`RequestSigner`]: app-password Bearer tokens today, DPoP later), retries what is safe
//! to retry ([`RetryPolicy`]), waits out rate limits, refreshes an expired session once, and
//! turns answers into typed values or an [`Error`](crate::Error).

mod calls;
mod client;
mod retry;
mod transport;

#[cfg(test)]
pub(crate) mod tests;

pub use calls::{AuthorFilter, BookmarkPage, FeedSource, SearchPage, SearchQuery, MAX_BATCH, MAX_PAGE};
pub use client::{normalize_service, Auth, BearerSigner, Client, Idempotent, RequestSigner, Session};
pub use retry::RetryPolicy;
pub use transport::{HttpRequest, HttpResponse, Method, Transport, TransportError};
