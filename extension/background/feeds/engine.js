// @ts-check
/**
 * The feeds engine (crates/skypanel-feeds-wasm), as the worker sees it: JSON text across the
 * boundary, plain objects on this side. Its own wasm module, instantiated on first use (a
 * worker that never runs a feed never pays for it); the glue is imported statically because
 * MV3 service workers cannot use dynamic import().
 *
 * Each post of a page carries `item`, the feed item exactly as the server sent it (parsed
 * here once, with the rest of the answer).
 */
import init, * as wasm from '../../wasm/skypanel_feeds_wasm.js';

/** @type {Promise<unknown> | null} */
let loading = null;
let loaded = false;

/**
 * Instantiates the engine's wasm on first use; `checkFeed` needs it done (await this first),
 * `runFeed` awaits it itself.
 * @returns {Promise<unknown>}
 */
export const load = () =>
  (loading ??= init({ module_or_path: new URL('../../wasm/skypanel_feeds_wasm_bg.wasm', import.meta.url) }).then(
    (m) => {
      loaded = true;
      return m;
    },
    (err) => {
      loading = null;
      throw err;
    },
  ));

/**
 * @typedef {{path: string, name: string, message: string}} Problem
 * @typedef {{label: string, in: number, out: number}} Step
 * @typedef {{uri: string, id: string, time: number, sources: number[], repostedBy: string[], item: any}} FeedPost
 * @typedef {{account: string, units: number[], posts: number, reposts: number}} Block
 * @typedef {{posts: FeedPost[], cursor: string | null, steps: Step[], errors: Problem[], blocks: Block[], session: object | null}} FeedAnswer
 * @typedef {{
 *   savedPage(cursor: string | null, limit: number): Promise<{posts: string[], cursor: string | null}>,
 *   cacheGet(key: string): Promise<string | null>,
 *   cachePut(key: string, value: string): Promise<void>,
 *   progress(label: string, done: number, total: number): void,
 * }} FeedHost
 */

/**
 * Runs one page of a feed.
 * @param {{service: string, session?: object, policy?: object, autoRefresh?: boolean}} ctx as accounts.run gives it
 * @param {{definition: object | string, cursor?: string | null, limit?: number}} request
 * @param {FeedHost} host the library's saved posts, a cache, progress
 * @returns {Promise<FeedAnswer>}
 */
export async function runFeed(ctx, request, host) {
  await load();
  const body = { definition: request.definition, cursor: request.cursor || undefined, limit: request.limit || undefined };
  return JSON.parse(await wasm.runFeed(JSON.stringify(ctx), JSON.stringify(body), host));
}

/**
 * Reads a definition's text without running it (no network). Throws an Error named
 * InvalidInput for a file that is not a feed or comes from a newer SkyPanel, and one named
 * NotReady if `load()` has not finished yet.
 * @param {string} text
 * @returns {{definition: object, problems: Problem[]}}
 */
export function checkFeed(text) {
  if (!loaded) {
    const error = new Error('the feeds engine is still loading: await load() before checkFeed');
    error.name = 'NotReady';
    throw error;
  }
  return JSON.parse(wasm.checkFeed(String(text)));
}
