#!/usr/bin/env bash
# Opens Chromium with SkyPanel loaded, in a throwaway profile.
#   scripts/run.sh                   on https://bsky.app when it can be reached, else the demo
#   scripts/run.sh --demo            the offline demo: the bsky.app replica on the local
#                                    Bluesky network, in a visible browser
#   scripts/run.sh --demo --screenshot DIR   the demo, headless, writing screenshots to DIR
set -euo pipefail
. "$(dirname "$0")/lib.sh"
cd "$ROOT"

demo=0
shot=
while [ $# -gt 0 ]; do
  case $1 in
    --demo) demo=1 ;;
    --screenshot) shot=${2:?--screenshot needs a directory}; demo=1; shift ;;
    *) die "unknown option $1 (see the header of scripts/run.sh)" ;;
  esac
  shift
done

"$ROOT/scripts/build.sh"

if [ "$demo" -eq 0 ]; then
  if curl -sS -m 5 -o /dev/null https://bsky.app 2>/dev/null; then
    need chromium "install Chromium (Debian: sudo apt-get install chromium)"
    profile=$(mktemp -d)
    trap 'rm -rf "$profile"' EXIT
    say "opening bsky.app with SkyPanel (throwaway profile $profile)"
    chromium --user-data-dir="$profile" --no-first-run \
      --disable-extensions-except="$ROOT" --load-extension="$ROOT" https://bsky.app
    exit 0
  fi
  say "bsky.app cannot be reached from here: starting the offline demo instead"
fi

ensure_debian_packages "${DEMO_PACKAGES[@]}"
if [ -z "$shot" ] && [ -z "${DISPLAY:-}" ] && [ -z "${WAYLAND_DISPLAY:-}" ]; then
  die "no display for a visible browser: run it in a desktop session, or take screenshots with: scripts/run.sh --demo --screenshot DIR"
fi
trap stop_network EXIT
trap 'exit 130' INT TERM
say "starting the local Bluesky network"
start_network
wait_network
[ -n "$shot" ] && mkdir -p "$shot"
SKYPANEL_TEST_NETWORK="$NETWORK_JSON" "$NODE22" "$TESTS/demo/demo.mjs" ${shot:+--screenshot "$shot"}
