#!/usr/bin/env bash
# Runs one command with the seeded local Bluesky network up, then stops the network.
#   scripts/with-network.sh node --test --test-name-pattern=refresh tests/e2e/replica.test.mjs
# The command sees SKYPANEL_TEST_NETWORK (the network's description) and Node 22 first on PATH.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
[ $# -gt 0 ] || die "usage: scripts/with-network.sh COMMAND [ARGS...]"
[ -x "$NODE22" ] || die "the test harness is not installed: run 'make build' first"
trap stop_network EXIT
trap 'exit 130' INT TERM
start_network
wait_network
export SKYPANEL_TEST_NETWORK="$NETWORK_JSON"
export PATH="$NODE22_DIR/bin:$PATH"
"$@"
