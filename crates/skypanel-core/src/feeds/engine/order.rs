//! The order of a page: the top score (likes + 2 × reposts + replies), the hot score (likes
//! decayed by the post's age), and [`sort`], which orders a page newest, oldest, top or hot
//! with stable tie-breaks, computing each score once.

use crate::feeds::definition::Sort;
use crate::feeds::Candidate;
use crate::library::time::parse_rfc3339;

/// The top score: likes + 2 × reposts + replies. A repost spreads a post further than a
/// like, so it weighs double (the weights are documented in `docs/feeds.md`).
pub fn score_top(c: &Candidate) -> f64 {
    let p = &c.view.post;
    p.like_count.unwrap_or(0) as f64
        + 2.0 * p.repost_count.unwrap_or(0) as f64
        + p.reply_count.unwrap_or(0) as f64
}

/// When the post was written, for the hot sort: its `createdAt`, unless that is missing,
/// unreadable or in the future (clocks lie), then its `indexedAt`, then the item's time.
fn written_ms(c: &Candidate, now_ms: i64) -> i64 {
    let post = &c.view.post;
    let created = post.created_at().and_then(parse_rfc3339).filter(|&t| t <= now_ms);
    created.or_else(|| parse_rfc3339(&post.indexed_at)).unwrap_or(c.key.time_ms)
}

/// The hot score: likes / (hours + 2)^1.8, hours since the post was written (see
/// `written_ms`; never negative). Never NaN.
pub fn score_hot(c: &Candidate, now_ms: i64) -> f64 {
    hot(c.view.post.like_count.unwrap_or(0), written_ms(c, now_ms), now_ms)
}

fn hot(likes: u64, written_ms: i64, now_ms: i64) -> f64 {
    let hours = (now_ms.saturating_sub(written_ms)).max(0) as f64 / 3_600_000.0;
    likes as f64 / (hours + 2.0).powf(1.8)
}

/// Sorts a page in place. Stable. Newest: by the item's key, largest first. Oldest: by
/// time, oldest first, then by id. Top and hot: by score, highest first; ties newer first,
/// then by id.
pub fn sort(page: &mut [Candidate], sort: Sort, now_ms: i64) {
    match sort {
        Sort::Newest => page.sort_by(|a, b| b.key.cmp(&a.key)),
        Sort::Oldest => page.sort_by(|a, b| a.key.cmp(&b.key)),
        Sort::Top | Sort::Hot => {
            // Scores computed once per post (the hot score parses a date), then the page is
            // permuted in place: candidates are large to move around by cloning.
            let scores: Vec<f64> = match sort {
                Sort::Top => page.iter().map(score_top).collect(),
                _ => page.iter().map(|c| score_hot(c, now_ms)).collect(),
            };
            let mut order: Vec<usize> = (0..page.len()).collect();
            order.sort_by(|&a, &b| {
                scores[b]
                    .total_cmp(&scores[a])
                    .then_with(|| page[b].key.time_ms.cmp(&page[a].key.time_ms))
                    .then_with(|| page[a].key.id.cmp(&page[b].key.id))
            });
            permute(page, &order);
        }
    }
}

/// Rearranges `items` so that position `j` holds what was at `order[j]`.
fn permute<T>(items: &mut [T], order: &[usize]) {
    // dest[i]: where the element now at i must go.
    let mut dest = vec![0; order.len()];
    for (j, &i) in order.iter().enumerate() {
        dest[i] = j;
    }
    for i in 0..items.len() {
        while dest[i] != i {
            let d = dest[i];
            items.swap(i, d);
            dest.swap(i, d);
        }
    }
}
