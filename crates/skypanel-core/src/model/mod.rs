//! Typed views of the Bluesky records and API responses SkyPanel reads.
//!
//! Every type keeps the fields it does not model in an `extra` map, and every feed item
//! keeps the exact JSON it arrived as, so nothing the server sent is ever lost: a post saved
//! today can be exported byte for byte, and a field added to the lexicon next year survives.

pub mod actor;
pub mod feed;

pub use actor::ProfileViewBasic;
pub use feed::{FeedItem, FeedViewPost, PostView, Reason, TimelinePage};
