//! The library's search index: one small record per saved post, scanned on every search.
//!
//! A linear scan, not an inverted index: with a few hundred bytes of folded text per post,
//! 50,000 posts are ~15 MB of substring search, well under the 50 ms budget, and substring
//! matching finds word parts (`bsky` in `bsky.app`) that a word index would miss. Records are
//! kept in saved order so a page of results needs no sorting.

use std::cmp::Ordering;
use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use super::entry::SavedPost;
use super::query::{fold, terms, DateBasis, Order, Query, SearchResult};

/// What the index keeps of one saved post. Serialisable, so a caller can store the records
/// and rebuild the index at start-up without reading every post.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct IndexEntry {
    /// The post's at-uri.
    pub uri: String,
    /// When it was saved (ms since the epoch).
    pub saved_at: i64,
    /// When it was posted (ms since the epoch), if known.
    pub created_at: Option<i64>,
    /// The author's DID.
    pub author_did: String,
    /// The author's handle, folded.
    pub author_handle: String,
    /// `KIND_*` flags (see [`super::Kind::flag`]).
    pub kinds: u8,
    /// The user's tags, folded.
    pub tags: Vec<String>,
    /// Everything searchable, folded, one field per line.
    pub haystack: String,
}

impl IndexEntry {
    /// The record for a saved post.
    pub fn from_saved(post: &SavedPost) -> IndexEntry {
        let facts = post.facts();
        let mut fields: Vec<&str> = vec![&facts.text, &facts.quoted_text];
        fields.extend(facts.alts.iter().map(String::as_str));
        for link in &facts.links {
            fields.extend([link.url.as_str(), &link.title, &link.description]);
        }
        fields.extend([facts.author_handle.as_str(), &facts.author_name, &post.note]);
        fields.extend(post.tags().iter().map(String::as_str));
        let haystack =
            fields.iter().filter(|f| !f.is_empty()).map(|f| fold(f)).collect::<Vec<_>>().join("\n");
        IndexEntry {
            uri: post.uri.clone(),
            saved_at: post.saved_at,
            created_at: facts.created_at,
            author_did: facts.author_did,
            author_handle: fold(&facts.author_handle),
            kinds: facts.kinds,
            tags: post.tags().iter().map(|t| fold(t)).collect(),
            haystack,
        }
    }

    fn key_cmp(&self, other: &IndexEntry) -> Ordering {
        (self.saved_at, &self.uri).cmp(&(other.saved_at, &other.uri))
    }
}

/// A search index over saved posts, kept up to date one post at a time.
#[derive(Debug, Clone, Default)]
pub struct SearchIndex {
    entries: Vec<IndexEntry>,
    /// uri → position in `entries`.
    slots: HashMap<String, usize>,
    /// Positions in `entries`, oldest saved first (ties by uri).
    order: Vec<usize>,
}

impl SearchIndex {
    /// An empty index.
    pub fn new() -> SearchIndex {
        SearchIndex::default()
    }

    /// An index of these posts.
    pub fn build<'a>(posts: impl IntoIterator<Item = &'a SavedPost>) -> SearchIndex {
        SearchIndex::from_entries(posts.into_iter().map(IndexEntry::from_saved))
    }

    /// An index of stored records (a later record for the same uri replaces an earlier one).
    pub fn from_entries(entries: impl IntoIterator<Item = IndexEntry>) -> SearchIndex {
        let mut index = SearchIndex::new();
        for entry in entries {
            if let Some(&slot) = index.slots.get(&entry.uri) {
                if let Some(old) = index.entries.get_mut(slot) {
                    *old = entry;
                }
            } else {
                index.slots.insert(entry.uri.clone(), index.entries.len());
                index.entries.push(entry);
            }
        }
        index.order = (0..index.entries.len()).collect();
        let entries = &index.entries;
        index.order.sort_unstable_by(|&a, &b| match (entries.get(a), entries.get(b)) {
            (Some(a), Some(b)) => a.key_cmp(b),
            _ => Ordering::Equal,
        });
        index
    }

    /// How many posts are indexed.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether the index is empty.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Whether a post is indexed.
    pub fn contains(&self, uri: &str) -> bool {
        self.slots.contains_key(uri)
    }

    /// The records, in no particular order (to store them).
    pub fn entries(&self) -> &[IndexEntry] {
        &self.entries
    }

    /// Adds a saved post, or updates it after its tags, note or copy changed.
    pub fn upsert(&mut self, post: &SavedPost) {
        self.upsert_entry(IndexEntry::from_saved(post));
    }

    /// Adds or replaces one record.
    pub fn upsert_entry(&mut self, entry: IndexEntry) {
        self.remove(&entry.uri);
        let slot = self.entries.len();
        let entries = &self.entries;
        let at = self.order.partition_point(|&i| entries.get(i).is_some_and(|e| e.key_cmp(&entry).is_lt()));
        self.order.insert(at, slot);
        self.slots.insert(entry.uri.clone(), slot);
        self.entries.push(entry);
    }

    /// Position of `slot` in `order`, found by its key.
    fn order_position(&self, slot: usize) -> Option<usize> {
        let key = self.entries.get(slot)?;
        let entries = &self.entries;
        let at = self.order.partition_point(|&i| entries.get(i).is_some_and(|e| e.key_cmp(key).is_lt()));
        (self.order.get(at) == Some(&slot)).then_some(at)
    }

    /// Removes a post; `false` if it was not indexed.
    pub fn remove(&mut self, uri: &str) -> bool {
        let Some(slot) = self.slots.remove(uri) else { return false };
        if let Some(at) = self.order_position(slot) {
            self.order.remove(at);
        }
        let last = self.entries.len().saturating_sub(1);
        // The last record moves into the freed slot: point its uri and order position at it.
        if slot != last {
            if let Some(at) = self.order_position(last) {
                if let Some(p) = self.order.get_mut(at) {
                    *p = slot;
                }
            }
            if let Some(moved) = self.entries.get(last) {
                self.slots.insert(moved.uri.clone(), slot);
            }
        }
        self.entries.swap_remove(slot);
        true
    }

    /// Every tag in use (folded) with how many posts carry it, most used first.
    pub fn tag_counts(&self) -> Vec<(String, usize)> {
        let mut counts: HashMap<&str, usize> = HashMap::new();
        for tag in self.entries.iter().flat_map(|e| &e.tags) {
            *counts.entry(tag).or_default() += 1;
        }
        let mut out: Vec<(String, usize)> = counts.into_iter().map(|(t, n)| (t.to_owned(), n)).collect();
        out.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        out
    }

    /// Runs a search.
    pub fn search(&self, query: &Query) -> SearchResult {
        let filter = Filter::new(query);
        // Match in storage order (a sequential walk through memory), then page through the
        // matches in saved order.
        let hits: Vec<bool> = self.entries.iter().map(|e| filter.matches(e)).collect();
        let ordered: Box<dyn Iterator<Item = &usize>> = match query.order {
            Order::NewestFirst => Box::new(self.order.iter().rev()),
            Order::OldestFirst => Box::new(self.order.iter()),
        };
        let uris = ordered
            .filter(|&&i| hits.get(i).copied().unwrap_or(false))
            .skip(query.offset)
            .take(query.limit)
            .filter_map(|&i| self.entries.get(i).map(|e| e.uri.clone()))
            .collect();
        SearchResult { total: hits.iter().filter(|&&h| h).count(), uris }
    }
}

/// A query prepared for matching many records.
struct Filter<'q> {
    terms: Vec<String>,
    kinds: u8,
    author: Option<String>,
    tag: Option<String>,
    query: &'q Query,
}

impl<'q> Filter<'q> {
    fn new(query: &'q Query) -> Filter<'q> {
        let author =
            query.author.as_deref().map(|a| fold(a.trim().trim_start_matches('@'))).filter(|a| !a.is_empty());
        let tag =
            query.tag.as_deref().map(|t| fold(t.trim().trim_start_matches('#'))).filter(|t| !t.is_empty());
        Filter {
            terms: terms(&query.text),
            kinds: query.kinds.iter().fold(0, |k, kind| k | kind.flag()),
            author,
            tag,
            query,
        }
    }

    fn matches(&self, e: &IndexEntry) -> bool {
        // Cheapest checks first; the text last.
        if e.kinds & self.kinds != self.kinds {
            return false;
        }
        if self.query.since.is_some() || self.query.until.is_some() {
            let Some(t) = (match self.query.dates {
                DateBasis::Saved => Some(e.saved_at),
                DateBasis::Posted => e.created_at,
            }) else {
                return false;
            };
            if self.query.since.is_some_and(|s| t < s) || self.query.until.is_some_and(|u| t >= u) {
                return false;
            }
        }
        if let Some(a) = &self.author {
            if e.author_handle != *a && !e.author_did.eq_ignore_ascii_case(a) {
                return false;
            }
        }
        if let Some(tag) = &self.tag {
            if !e.tags.contains(tag) {
                return false;
            }
        }
        self.terms.iter().all(|t| e.haystack.contains(t.as_str()))
    }
}
