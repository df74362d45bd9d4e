# SkyPanel's entry points. Each target is a script in scripts/; read them for details.
.PHONY: build test run demo bench
build: ## install what is missing and build the extension's wasm and the CLI
	@scripts/build.sh
test: ## run the whole suite (lint, Rust, wasm, end-to-end) and print a summary line
	@scripts/test.sh
run: ## open Chromium with the extension on bsky.app (the offline demo if bsky.app is unreachable)
	@scripts/run.sh
bench: ## benchmarks with budgets: parse times, wasm sizes, the library with 50,000 posts, the collapsed view, feeds
	@scripts/bench.sh
demo: ## the offline demo: the bsky.app replica on the local Bluesky network, in a visible browser
	@scripts/run.sh --demo
