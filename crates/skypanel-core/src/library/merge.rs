//! How two copies of one saved post become one, for import and sync. Nothing is ever
//! dropped: every post, tag, note and downloaded file of either side survives.

use std::collections::HashMap;

use serde::Serialize;

use super::entry::SavedPost;
use super::media::MediaRef;

/// What a merge did.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct MergeReport {
    /// Posts that were not in the library.
    pub added: usize,
    /// Posts already in the library that gained something (a tag, a note, a file, …).
    pub merged: usize,
    /// Posts already in the library with nothing new.
    pub skipped: usize,
    /// The at-uris added or changed, in the order met: what the caller must store.
    pub changed: Vec<String>,
}

/// Two notes as one: identical → one; one contains the other → the longer; otherwise both,
/// separated by a blank line.
fn merge_notes(a: &str, b: &str) -> String {
    if a.contains(b) {
        a.to_owned()
    } else if b.contains(a) {
        b.to_owned()
    } else {
        format!("{a}\n\n{b}")
    }
}

/// Media lists united by file name; of two copies of one file, a downloaded one wins over a
/// failed one over a pending one (on a tie, `a`'s).
fn merge_media(a: &[MediaRef], b: &[MediaRef]) -> Vec<MediaRef> {
    let mut out: Vec<MediaRef> = Vec::with_capacity(a.len() + b.len());
    for m in a.iter().chain(b) {
        match out.iter_mut().find(|o| o.file == m.file) {
            Some(o) if m.state.rank() > o.state.rank() => *o = m.clone(),
            Some(_) => {}
            None => out.push(m.clone()),
        }
    }
    out
}

/// One post from two copies of it (same at-uri): the earliest saved time, the tags of both
/// (`existing`'s first), the notes merged, `existing`'s post JSON unless it has none, media
/// united, and the status of the most recent check.
pub fn merge(existing: &SavedPost, incoming: &SavedPost) -> SavedPost {
    let (cid, post) = match (&existing.post, &incoming.post) {
        (None, Some(p)) => (incoming.cid.clone(), Some(p.clone())),
        _ => (existing.cid.clone(), existing.post.clone()),
    };
    let status = if incoming.status.checked_at > existing.status.checked_at {
        incoming.status
    } else {
        existing.status
    };
    SavedPost::from_parts(
        existing.uri.clone(),
        cid,
        existing.saved_at.min(incoming.saved_at),
        existing.tags().iter().chain(incoming.tags()).cloned().collect(),
        merge_notes(&existing.note, &incoming.note),
        status,
        post,
        merge_media(&existing.media, &incoming.media),
    )
}

/// Merges `incoming` posts into `library` by at-uri: new posts are appended, known ones
/// merged with [`merge`]. Nothing in `library` is removed.
pub fn merge_into(library: &mut Vec<SavedPost>, incoming: Vec<SavedPost>) -> MergeReport {
    let mut slots: HashMap<String, usize> =
        library.iter().enumerate().map(|(i, p)| (p.uri.clone(), i)).collect();
    let mut report = MergeReport::default();
    for post in incoming {
        match slots.get(&post.uri).and_then(|&i| library.get_mut(i)) {
            Some(existing) => {
                let merged = merge(existing, &post);
                if merged == *existing {
                    report.skipped += 1;
                } else {
                    *existing = merged;
                    report.merged += 1;
                    report.changed.push(post.uri);
                }
            }
            None => {
                slots.insert(post.uri.clone(), library.len());
                report.added += 1;
                report.changed.push(post.uri.clone());
                library.push(post);
            }
        }
    }
    report
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn notes() {
        assert_eq!(merge_notes("same", "same"), "same");
        assert_eq!(merge_notes("", "b"), "b");
        assert_eq!(merge_notes("a", ""), "a");
        assert_eq!(merge_notes("read later", "read later, then share"), "read later, then share");
        assert_eq!(merge_notes("mine", "theirs"), "mine\n\ntheirs");
        assert_eq!(merge_notes("mine\n\ntheirs", "theirs"), "mine\n\ntheirs", "merging again adds nothing");
    }
}
