//! Benchmark: parse and model a real 50-post timeline page (164 KB), natively.
//! Run with `make bench` (or `cargo run --release -p skypanel-core --example bench_parse`).
//! Prints one JSON line: {"iterations", "median_ms", "p95_ms", "items"}.

use std::time::Instant;

use skypanel_core::model::TimelinePage;

fn main() {
    let json = include_str!("../tests/fixtures/timeline_50.json");
    let iterations = 1000;
    for _ in 0..100 {
        std::hint::black_box(TimelinePage::from_json(json).unwrap());
    }
    let mut times: Vec<f64> = (0..iterations)
        .map(|_| {
            let start = Instant::now();
            let page = TimelinePage::from_json(std::hint::black_box(json)).unwrap();
            std::hint::black_box(page.summaries());
            start.elapsed().as_secs_f64() * 1000.0
        })
        .collect();
    times.sort_by(|a, b| a.total_cmp(b));
    let items = TimelinePage::from_json(json).unwrap().feed.len();
    println!(
        "{{\"iterations\": {iterations}, \"median_ms\": {:.3}, \"p95_ms\": {:.3}, \"items\": {items}}}",
        times[iterations / 2],
        times[iterations * 95 / 100]
    );
}
