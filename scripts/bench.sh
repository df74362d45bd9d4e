#!/usr/bin/env bash
# Benchmarks with budgets (reported, never asserted in tests): parsing a 50-post timeline
# page natively and as wasm in Chromium, and the size of the wasm the extension ships.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
cd "$ROOT"
"$ROOT/scripts/build.sh" >/dev/null
need chromium "install Chromium (Debian: sudo apt-get install chromium)"

say "parse + model timeline_50.json (164 KB, 50 posts)"
native=$(cargo run --quiet --release -p skypanel-core --example bench_parse)
wasm=$("$NODE22" "$TESTS/bench/wasm-parse.mjs")
field() { sed -E "s/.*\"$2\": ?(-?[0-9.]+).*/\1/" <<<"$1"; }
printf '  %-28s median %6s ms   p95 %6s ms   (budget 1 ms)\n' "native" "$(field "$native" median_ms)" "$(field "$native" p95_ms)"
printf '  %-28s median %6s ms   p95 %6s ms   (budget 2 ms)\n' "wasm in Chromium $(chromium --version 2>/dev/null | grep -oE '[0-9]+' | head -1)" "$(field "$wasm" median_ms)" "$(field "$wasm" p95_ms)"

say "size of what the extension ships"
size_line() { # name file budget-note
  local raw gz
  raw=$(stat -c %s "$2"); gz=$(gzip -9c "$2" | wc -c)
  printf '  %-34s %4d KB raw   %4d KB gzip (%d bytes)   %s\n' "$1" $((raw / 1024)) $((gz / 1024)) "$gz" "$3"
}
size_line "skypanel_wasm_bg.wasm (core+client)" extension/wasm/skypanel_wasm_bg.wasm "(budget 150 KB gzip)"
size_line "skypanel_wasm.js (its glue)" extension/wasm/skypanel_wasm.js ""
size_line "skypanel_library_wasm_bg.wasm" extension/wasm/skypanel_library_wasm_bg.wasm "(the library, loaded when used)"
size_line "skypanel_library_wasm.js (its glue)" extension/wasm/skypanel_library_wasm.js ""

say "library search over 50,000 saved posts, native (budget 50 ms per search)"
cargo run --quiet --release -p skypanel-core --example bench_library 2>/dev/null | tail -n 1 | "$NODE22" -e '
  const r = JSON.parse(require("fs").readFileSync(0, "utf8"));
  console.log(`  ${r.posts} posts, ${(r.haystack_bytes / 1e6).toFixed(1)} MB of searchable text; index built in ${r.index_ms} ms`);
  for (const q of r.queries) console.log(`  ${q.name.padEnd(28)} median ${q.median_ms.toFixed(2).padStart(6)} ms   p95 ${q.p95_ms.toFixed(2).padStart(6)} ms`);'

say "the library in Chromium with 50,000 saved posts (imports a synthetic library first: ~2 min)"
"$NODE22" "$TESTS/bench/library.mjs" 2>/dev/null | tail -n 1 | "$NODE22" -e '
  const r = JSON.parse(require("fs").readFileSync(0, "utf8"));
  console.log(`  import of ${r.posts} posts: ${r.import_s} s; first search after a worker restart (index rebuilt): ${r.cold_search_ms} ms`);
  for (const [name, q] of Object.entries(r.searches)) console.log(`  search, ${name.padEnd(22)} median ${String(q.median_ms).padStart(6)} ms   p95 ${String(q.p95_ms).padStart(6)} ms   (budget 50 ms)`);
  console.log(`  library page, first screen        median ${String(r.first_screen.median_ms).padStart(6)} ms   p95 ${String(r.first_screen.p95_ms).padStart(6)} ms   (budget 200 ms)`);
  console.log(`  the same, worker just restarted   median ${String(r.first_screen_after_restart.median_ms).padStart(6)} ms   p95 ${String(r.first_screen_after_restart.p95_ms).padStart(6)} ms   (budget 200 ms)`);'

say "collapsed view on the replica (~1,000 rows; starts the local network)"
collapse=$("$ROOT/scripts/with-network.sh" "$NODE22" "$TESTS/bench/collapse.mjs" 2>/dev/null | tail -n 1)
printf '  %-28s %8s ms   (budget 50 ms)\n' "switch on, $(field "$collapse" rows) rows" "$(field "$collapse" enableMs)"
printf '  %-28s %8s ms   (budget 8 ms)\n' "each appended page, p95" "$(field "$collapse" appendP95Ms)"
printf '  %-28s %8s       (target 0.05: SkyPanel %s ms over the page'"'"'s own %s ms)\n' "scrolling overhead" "$(field "$collapse" scrollOverhead)" "$(field "$collapse" oursMs)" "$(field "$collapse" scriptOffMs)"
printf '  %-28s %8s ms   (SkyPanel while the page loads ~1,000 rows with the view off: the save buttons)\n' "view off" "$(field "$collapse" oursWhileOffMs)"
