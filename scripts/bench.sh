#!/usr/bin/env bash
# Benchmarks with budgets (reported, never asserted in tests): each figure is printed beside
# its budget with a verdict computed from the two. Sections: parse, size, library, collapse,
# feeds; `scripts/bench.sh feeds size` runs only those, `make bench` runs all.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
cd "$ROOT"

# report LABEL VALUE UNIT [BUDGET [NOTE]]: one figure beside its budget, with a verdict
# computed from the two ("met" when VALUE <= BUDGET, "MISSED" otherwise, "no figure" when
# the measurement produced none). The README quotes these lines; nobody types a verdict.
report() {
  local label=$1 value=$2 unit=$3 budget=${4:-} note=${5:-} verdict=""
  if [ -n "$budget" ]; then
    if [[ ! "$value" =~ ^-?[0-9.]+$ ]]; then verdict="no figure"
    elif awk -v v="$value" -v b="$budget" 'BEGIN { exit !(v + 0 <= b + 0) }'; then verdict="met"
    else verdict="MISSED"; fi
    verdict=$(printf '(budget %s %s: %s)' "$budget" "$unit" "$verdict")
  fi
  printf '  %-44s %10s %-4s %s %s\n' "$label" "$value" "$unit" "$verdict" "$note"
}
# report_min LABEL VALUE UNIT BUDGET [NOTE]: the same for a figure that must reach its budget.
report_min() {
  local label=$1 value=$2 unit=$3 budget=$4 note=${5:-} verdict
  if [[ ! "$value" =~ ^-?[0-9.]+$ ]]; then verdict="no figure"
  elif awk -v v="$value" -v b="$budget" 'BEGIN { exit !(v + 0 >= b + 0) }'; then verdict="met"
  else verdict="MISSED"; fi
  printf '  %-44s %10s %-4s (at least %s %s: %s) %s\n' "$label" "$value" "$unit" "$budget" "$unit" "$verdict" "$note"
}
# field JSON NAME: a number from a bench's one-line JSON answer.
field() { sed -E "s/.*\"$2\": ?(-?[0-9.]+).*/\1/" <<<"$1"; }
size_line() { # LABEL FILE [BUDGET-KB [NOTE]]: gzip -9 size in KB (1,000 bytes), and the raw size
  local raw gz
  raw=$(stat -c %s "$2"); gz=$(gzip -9c "$2" | wc -c)
  report "$1" "$(awk -v g="$gz" 'BEGIN { printf "%.1f", g / 1000 }')" "KB" "${3:-}" "gzip ($gz bytes; $((raw / 1024)) KiB raw) ${4:-}"
}
# Sections to run: all by default, or those named (scripts/bench.sh feeds size).
SECTIONS=("$@")
want() { [ ${#SECTIONS[@]} -eq 0 ] || [[ " ${SECTIONS[*]} " == *" $1 "* ]]; }

"$ROOT/scripts/build.sh" >/dev/null
need chromium "install Chromium (Debian: sudo apt-get install chromium)"

if want parse; then
say "parse + model timeline_50.json (164 KB, 50 posts)"
native=$(cargo run --quiet --release -p skypanel-core --example bench_parse)
wasm=$("$NODE22" "$TESTS/bench/wasm-parse.mjs")
report "native, median" "$(field "$native" median_ms)" ms 1
report "wasm in Chromium $(chromium --version 2>/dev/null | grep -oE '[0-9]+' | head -1), median" "$(field "$wasm" median_ms)" ms 2
fi

if want size; then
say "size of what the extension ships"
size_line "skypanel_wasm_bg.wasm (core+client)" extension/wasm/skypanel_wasm_bg.wasm 150
size_line "skypanel_wasm.js (its glue)" extension/wasm/skypanel_wasm.js
size_line "skypanel_library_wasm_bg.wasm" extension/wasm/skypanel_library_wasm_bg.wasm "" "(the library, loaded when used)"
size_line "skypanel_library_wasm.js (its glue)" extension/wasm/skypanel_library_wasm.js
fi

if want library; then
say "library search over 50,000 saved posts, native (budget 50 ms per search)"
cargo run --quiet --release -p skypanel-core --example bench_library 2>/dev/null | tail -n 1 | "$NODE22" -e '
  const r = JSON.parse(require("fs").readFileSync(0, "utf8"));
  console.log(`  ${r.posts} posts, ${(r.haystack_bytes / 1e6).toFixed(1)} MB of searchable text; index built in ${r.index_ms} ms`);
  for (const q of r.queries) console.log(["search, " + q.name + ", p95", q.p95_ms.toFixed(2), 50].join("\t"));' \
  | while IFS=$'\t' read -r label value budget; do
      case $label in search,*) report "$label" "$value" ms "$budget" ;; *) echo "$label" ;; esac
    done

say "the library in Chromium with 50,000 saved posts (imports a synthetic library first: ~2 min)"
"$NODE22" "$TESTS/bench/library.mjs" 2>/dev/null | tail -n 1 | "$NODE22" -e '
  const r = JSON.parse(require("fs").readFileSync(0, "utf8"));
  const rows = [[`import of ${r.posts} posts`, r.import_s, "s", ""], ["first search after a worker restart", r.cold_search_ms, "ms", ""]];
  for (const [name, q] of Object.entries(r.searches)) rows.push([`search, ${name}, median`, q.median_ms, "ms", 50]);
  rows.push(["library page, first screen, median", r.first_screen.median_ms, "ms", 200]);
  rows.push(["the same, worker just restarted, median", r.first_screen_after_restart.median_ms, "ms", 200]);
  for (const row of rows) console.log(row.join("\t"));' \
  | while IFS=$'\t' read -r label value unit budget; do report "$label" "$value" "$unit" "$budget"; done
fi

if want collapse; then
say "collapsed view on the replica (~1,000 rows; starts the local network)"
collapse=$("$ROOT/scripts/with-network.sh" "$NODE22" "$TESTS/bench/collapse.mjs" 2>/dev/null | tail -n 1)
report "switch on, $(field "$collapse" rows) rows" "$(field "$collapse" enableMs)" ms 50
report "each appended page, p95" "$(field "$collapse" appendP95Ms)" ms 8
report "scrolling overhead (share of the page's own)" "$(field "$collapse" scrollOverhead)" "" 0.05 "(SkyPanel $(field "$collapse" oursMs) ms over the page's own $(field "$collapse" scriptOffMs) ms)"
printf '  %-28s %8s ms   (SkyPanel while the page loads ~1,000 rows with the view off: the save buttons)\n' "view off" "$(field "$collapse" oursWhileOffMs)"
fi

if want feeds; then
say "on-the-fly feeds: the engine over 10,000 posts, native"
engine=$(cargo run --quiet --release -p skypanel-core --example bench_feeds 2>/dev/null | tail -n 1)
report "engine, 10,000 posts, native, median" "$(field "$engine" median_ms)" ms 5 "(p95 $(field "$engine" p95_ms) ms; $(field "$engine" kept) posts kept)"
say "on-the-fly feeds: the same engine run as wasm in Chromium (wasm-bindgen-test, release)"
wasm_engine=$(CHROMEDRIVER="$(command -v chromedriver)" cargo test --release -p skypanel-feeds-wasm --target wasm32-unknown-unknown --test engine -- --nocapture 2>/dev/null | grep -o '{"wasm_engine_median_ms[^}]*}' || true)
report "engine, 10,000 posts, wasm in Chromium, median" "$(field "$wasm_engine" wasm_engine_median_ms)" ms 15

say "size of the feeds' wasm"
size_line "skypanel_feeds_wasm_bg.wasm (engine+client)" extension/wasm/skypanel_feeds_wasm_bg.wasm "" "(loaded by the worker when a feed runs)"
size_line "skypanel_feeds_wasm.js (its glue)" extension/wasm/skypanel_feeds_wasm.js
both=$(( $(gzip -9c extension/wasm/skypanel_wasm_bg.wasm | wc -c) + $(gzip -9c extension/wasm/skypanel_feeds_wasm_bg.wasm | wc -c) + $(gzip -9c extension/wasm/skypanel_wasm.js | wc -c) + $(gzip -9c extension/wasm/skypanel_feeds_wasm.js | wc -c) ))
report "what a feed loads: both modules and their glue" "$(awk -v g="$both" 'BEGIN { printf "%.1f", g / 1000 }')" KB 200 "gzip ($both bytes; the worker's protocol module + the feeds module)"

say "on-the-fly feeds in Chromium (starts the local network; builds a 1,000-follow graph: ~5 min)"
feeds=$("$ROOT/scripts/with-network.sh" "$NODE22" "$TESTS/bench/feeds.mjs" 2>/dev/null | tail -n 1)
report "20 sources, 100 ms per request: parallel" "$(field "$feeds" parallel_ms)" ms "" "(one after another: $(field "$feeds" sequential_ms) ms)"
report_min "parallel speed-up over one after another" "$(field "$feeds" speedup)" "x" 5
report "most requests in flight at once (one host)" "$(field "$feeds" max_in_flight)" "" 6
report "opening a feed: 30 posts drawn, fresh" "$(field "$feeds" open_fresh_ms)" ms 1000
report "opening a feed: 30 posts drawn, from the cache" "$(field "$feeds" open_cached_ms)" ms 150
report "mutuals over 1,000 follows, first time" "$(field "$feeds" mutuals_first_ms)" ms 30000
report "mutuals, from the cache" "$(field "$feeds" mutuals_cached_ms)" ms 1000
report "quiet posters over 1,000 follows, first time" "$(field "$feeds" quiet_first_ms)" ms 30000
report "quiet posters, from the cache" "$(field "$feeds" quiet_cached_ms)" ms 1000
fi
