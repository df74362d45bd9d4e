//! SkyPanel's core: everything SkyPanel knows about Bluesky, with no knowledge of where it runs.
//!
//! This crate holds the data model for the parts of the AT Protocol that SkyPanel reads
//! ([`model`]), an XRPC client that speaks to a PDS or AppView through a caller-supplied
//! [`xrpc::Transport`] ([`xrpc`]), rich text ([`richtext`]), identifiers and bsky.app links
//! ([`uri`]), the timeline logic the extension and the terminal reader share
//! ([`grouping`]), and the saved-post library with its search, merge and export format
//! ([`library`]). It depends on neither the browser nor an HTTP stack:
//! `skypanel-wasm` plugs in the browser's `fetch`, `skypanel-cli` a native client, and both
//! get the same behaviour. Nothing here panics on bad input; every failure is an [`Error`]
//! whose message says what to do next.

pub mod error;
pub mod feeds;
pub mod grouping;
pub mod identity;
pub mod library;
pub mod model;
pub mod richtext;
pub mod uri;
pub mod xrpc;

pub use error::{Error, ErrorKind};

/// The version of the core, as the extension and the CLI report it.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");
