//! The native side of `skypanel`, the terminal reader: an HTTP transport for the core
//! ([`http`]). The binary (`main.rs`) parses arguments and prints; this library part is
//! also what the native integration tests drive.

pub mod http;
