//! Benchmark: the feed engine over 10,000 candidate posts, natively (budget 5 ms; the wasm
//! budget is 15 ms). Run with `cargo run --release -p skypanel-core --example bench_feeds`.
//!
//! The posts are synthetic, from a fixed-seed generator: text of 4–38 everyday words (some
//! non-ASCII), about 6% of posts on the filter's topic and 5% with a muted word, 400
//! authors, images with alt text, videos, link cards, quotes, four languages, like and
//! repost counts, replies, and reposts of the same posts by other accounts (so dedupe has
//! work). One run = `Engine::new` + `filter` (moderation; text words + regex; media; lang;
//! min likes; reposts from two accounts; muted words, five of them) + dedupe + the
//! per-author cap + the hot sort + collapse. Building the candidates is not timed.
//! Prints one JSON line: {"posts", "runs", "kept", "blocks", "median_ms", "p95_ms",
//! "cpu_mean_ms", "filter_ms", "passing_ms", "free_ms", "budget_ms", "verdict"}:
//! - `median_ms`, `p95_ms`: wall clock of a whole run;
//! - `cpu_mean_ms`: the mean time on a CPU per run (Linux; null elsewhere), the figure to
//!   trust on a busy shared machine;
//! - `filter_ms`: the median of the filter stage alone;
//! - `passing_ms`: the same filters through `Engine::passing`, which moves and frees
//!   nothing: the engine's own work;
//! - `free_ms`: how long merely freeing as many posts as the run drops takes (the memory
//!   allocator's share, included in `median_ms` and `filter_ms`).
//!
//! The verdict is "met" when `median_ms` is within the budget, "MISSED" otherwise.

use std::time::Instant;

use skypanel_core::feeds::engine::{collapse, sort, Engine, Memory};
use skypanel_core::feeds::Candidate;

#[path = "../tests/support/feeds_synthetic.rs"]
mod synthetic;
use synthetic::{candidates, POSTS};

const RUNS: usize = 40;
const BUDGET_MS: f64 = 5.0;

/// Nanoseconds this thread has spent on a CPU (Linux; the kernel may count in ticks, so
/// only sums over many runs are precise); `None` elsewhere.
fn cpu_ns() -> Option<u64> {
    let text = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    text.split_whitespace().next()?.parse().ok()
}

fn median(v: &mut [f64]) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

fn main() {
    let (def, ctx) = synthetic::feed();
    let all = candidates();

    let mut times = Vec::with_capacity(RUNS);
    let mut filter_times = Vec::with_capacity(RUNS);
    let mut free_times = Vec::with_capacity(RUNS);
    let mut passing_times = Vec::with_capacity(RUNS);
    let mut cpu_total: Option<u64> = Some(0);
    let (mut kept, mut blocks) = (0, 0);
    for _ in 0..RUNS {
        let input = all.clone();
        let cpu_start = cpu_ns();
        let start = Instant::now();
        let mut steps = Vec::new();
        let (engine, _) = Engine::new(&def, &ctx);
        let page = engine.filter(input, &mut steps);
        let filtered = start.elapsed();
        let mut memory = Memory::default();
        let page = memory.dedupe(page, &mut steps);
        let mut page = memory.cap_per_author(page, def.per_author.unwrap_or(u32::MAX), &mut steps);
        sort(&mut page, def.sort, ctx.now_ms);
        let folded = collapse(&page, def.collapse.unwrap_or_default());
        times.push(start.elapsed().as_secs_f64() * 1000.0);
        cpu_total = cpu_total.zip(cpu_start).zip(cpu_ns()).map(|((total, a), b)| total + (b - a));
        filter_times.push(filtered.as_secs_f64() * 1000.0);
        kept = page.len();
        blocks = folded.len();
        // The allocator's share: free as many posts as the run dropped, nothing else.
        let dropped: Vec<Candidate> = all.iter().take(POSTS - kept).cloned().collect();
        let start = Instant::now();
        drop(dropped);
        free_times.push(start.elapsed().as_secs_f64() * 1000.0);
        let start = Instant::now();
        let (engine, _) = Engine::new(&def, &ctx);
        let passing = engine.passing(&all, &mut Vec::new());
        passing_times.push(start.elapsed().as_secs_f64() * 1000.0);
        assert!(passing.len() >= kept);
    }
    let p95 = {
        let mut t = times.clone();
        t.sort_by(f64::total_cmp);
        t[RUNS * 95 / 100]
    };
    let median_ms = median(&mut times);
    let cpu_mean = cpu_total.map_or("null".to_owned(), |ns| format!("{:.3}", ns as f64 / RUNS as f64 / 1e6));
    let verdict = if median_ms <= BUDGET_MS { "met" } else { "MISSED" };
    println!(
        "{{\"posts\": {POSTS}, \"runs\": {RUNS}, \"kept\": {kept}, \"blocks\": {blocks}, \"median_ms\": {median_ms:.3}, \"p95_ms\": {p95:.3}, \"cpu_mean_ms\": {cpu_mean}, \"filter_ms\": {:.3}, \"passing_ms\": {:.3}, \"free_ms\": {:.3}, \"budget_ms\": {BUDGET_MS}, \"verdict\": \"{verdict}\"}}",
        median(&mut filter_times),
        median(&mut passing_times),
        median(&mut free_times),
    );
}
