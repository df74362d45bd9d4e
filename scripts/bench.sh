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
wasm_raw=$(stat -c %s extension/wasm/skypanel_wasm_bg.wasm)
wasm_gz=$(gzip -9c extension/wasm/skypanel_wasm_bg.wasm | wc -c)
js_raw=$(stat -c %s extension/wasm/skypanel_wasm.js)
js_gz=$(gzip -9c extension/wasm/skypanel_wasm.js | wc -c)
printf '  %-28s %4d KB raw   %4d KB gzip   (budget 150 KB gzip)\n' "skypanel_wasm_bg.wasm" $((wasm_raw / 1024)) $((wasm_gz / 1024))
printf '  %-28s %4d KB raw   %4d KB gzip\n' "skypanel_wasm.js (glue)" $((js_raw / 1024)) $((js_gz / 1024))

say "collapsed view on the replica (~1,000 rows; starts the local network)"
collapse=$("$ROOT/scripts/with-network.sh" "$NODE22" "$TESTS/bench/collapse.mjs" 2>/dev/null | tail -n 1)
printf '  %-28s %8s ms   (budget 50 ms)\n' "switch on, $(field "$collapse" rows) rows" "$(field "$collapse" enableMs)"
printf '  %-28s %8s ms   (budget 8 ms)\n' "each appended page, p95" "$(field "$collapse" appendP95Ms)"
printf '  %-28s %8s       (target 0.05: SkyPanel %s ms over the page'"'"'s own %s ms)\n' "scrolling overhead" "$(field "$collapse" scrollOverhead)" "$(field "$collapse" oursMs)" "$(field "$collapse" scriptOffMs)"
