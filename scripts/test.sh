#!/usr/bin/env bash
# README command 2: the whole suite, ending with one summary line "N passed, M failed".
#   lint      cargo fmt --check, cargo clippy -D warnings (host and wasm32)
#   rust      unit, fixture and local-network integration tests (cargo test)
#   wasm      the wasm build in headless Chromium (wasm-bindgen-test)
#   e2e       the extension in Chromium on the bsky.app replica (node --test)
# Builds first, installs the system packages it needs when run as root (Chromium,
# ChromeDriver, PostgreSQL), starts the local Bluesky network and stops it on any exit.
set -uo pipefail
. "$(dirname "$0")/lib.sh"
cd "$ROOT"

"$ROOT/scripts/build.sh" || exit 1
ensure_debian_packages "${TEST_PACKAGES[@]}"
need chromium "install Chromium (Debian: sudo apt-get install chromium)"
need chromedriver "install ChromeDriver (Debian: sudo apt-get install chromium-driver)"

trap stop_network EXIT
trap 'exit 130' INT TERM
say "starting the local Bluesky network (in the background)"
start_network

LOGS="$RUN_DIR/logs"
rm -rf "$LOGS"
mkdir -p "$LOGS"
PASSED=0
FAILED=0
SUMMARY=()

# stage NAME KIND COMMAND...: runs a stage, shows its output, counts its results.
# KIND is cargo (reads "test result:" lines), node (reads "# pass/# fail") or check
# (one pass or fail for the whole command).
stage() {
  local name=$1 kind=$2 log="$LOGS/$1.log" rc p=0 f=0
  shift 2
  say "$name: $*"
  "$@" 2>&1 | tee "$log"
  rc=${PIPESTATUS[0]}
  case $kind in
    cargo)
      p=$(grep -oE 'test result: [A-Za-z]+\. [0-9]+ passed' "$log" | awk '{s+=$4} END {print s+0}')
      f=$(grep -oE '[0-9]+ failed;' "$log" | awk '{s+=$1} END {print s+0}')
      ;;
    node)
      p=$(grep -E '^# pass [0-9]+' "$log" | awk '{s+=$3} END {print s+0}')
      f=$(grep -E '^# (fail|cancelled) [0-9]+' "$log" | awk '{s+=$3} END {print s+0}')
      ;;
    check)
      if [ "$rc" -eq 0 ]; then p=1; else f=1; fi
      ;;
  esac
  # A command that failed without reporting a failed test (a build error, a crash) is a failure.
  if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then f=1; fi
  PASSED=$((PASSED + p))
  FAILED=$((FAILED + f))
  SUMMARY+=("$(printf '%-12s %4d passed, %d failed' "$name" "$p" "$f")")
}

stage fmt check cargo fmt --all --check
stage clippy check cargo clippy --quiet --workspace --all-targets -- -D warnings
stage clippy-wasm check cargo clippy --quiet -p skypanel-web -p skypanel-wasm -p skypanel-library-wasm -p skypanel-feeds-wasm --target wasm32-unknown-unknown --all-targets -- -D warnings

say "waiting for the local Bluesky network"
wait_network
export SKYPANEL_TEST_NETWORK="$NETWORK_JSON"

stage rust cargo cargo test --workspace --no-fail-fast -- --include-ignored
CHROMEDRIVER="$(command -v chromedriver)" stage wasm cargo cargo test --no-fail-fast -p skypanel-wasm -p skypanel-feeds-wasm --target wasm32-unknown-unknown
stage e2e node "$NODE22" --test --test-reporter=tap "$TESTS"/e2e/*.test.mjs

echo
say "summary"
printf '  %s\n' "${SUMMARY[@]}"
echo "$PASSED passed, $FAILED failed"
[ "$FAILED" -eq 0 ]
