//! An XRPC client over a pluggable HTTP transport.
//!
//! [`Transport`] is the only thing a platform provides: one HTTP exchange. The browser build
//! implements it with `fetch`, the CLI with a native client, and tests with whatever they
//! need. [`Client`] turns lexicon calls into requests, attaches the session, and turns
//! answers into typed values or an [`Error`](crate::Error).

mod client;
mod transport;

pub use client::{Client, Session};
pub use transport::{HttpRequest, HttpResponse, Method, Transport};
