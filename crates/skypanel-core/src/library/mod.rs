//! The saved-post library: SkyPanel's private offline copy of the posts a user saves.
//!
//! The core owns the library's logic and the caller only stores things: a saved post is a
//! [`SavedPost`] (the server's postView JSON byte for byte, the user's tags and note, its
//! media files and whether it is still on Bluesky); [`SearchIndex`] finds posts by text,
//! kind, author, tag and date; [`merge()`] combines two copies of a post without losing
//! anything; [`export`] and [`import`] write and read the `skypanel.saved` JSON format
//! (documented in [`export`]) that the extension and the CLI share; [`to_markdown`] and
//! [`to_csv`] give a reading list and a spreadsheet of links.

pub mod csv;
pub mod entry;
pub mod export;
pub mod facts;
pub mod import;
pub mod index;
pub mod markdown;
pub mod media;
pub mod merge;
pub mod query;
pub mod time;

pub use csv::to_csv;
pub use entry::{normalize_tags, Availability, PostStatus, SavedPost};
pub use facts::{Link, PostFacts};
pub use import::{import, read_export, Export};
pub use index::{IndexEntry, SearchIndex};
pub use markdown::to_markdown;
pub use media::{MediaKind, MediaRef, MediaState};
pub use merge::{merge, merge_into, MergeReport};
pub use query::{DateBasis, Kind, Order, Query, SearchResult};
