// @ts-check
/**
 * Benchmark of on-the-fly feeds in Chromium with the unpacked extension, against the local
 * network (run by `make bench` through scripts/with-network.sh). Prints one JSON line:
 * - parallel fetch: a feed of 20 sources with 100 ms added to every request (a fault proxy in
 *   front of the PDS), its first page fetched by the engine against the same 20 sources run
 *   one after another, side by side in one run; and the most requests in flight at once;
 * - opening a feed on the Feeds page until its first 30 posts are drawn: fresh (nothing
 *   cached) and from the cache (opened before);
 * - mutuals and quiet posters over 1,000 follows (a synthetic graph built on the network
 *   first: ~5 min), the first time and from the cache.
 * `--quick` skips the 1,000-follow part.
 */
import { launch, network, sendFromPage } from '../e2e/harness.mjs';
import { startFaultProxy } from '../network/fault-proxy.mjs';
import { buildFollows } from './follows-network.mjs';

const net = network();
const quick = process.argv.includes('--quick');
const median = (/** @type {number[]} */ xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const round = (/** @type {number} */ x) => Math.round(x * 10) / 10;

/** @param {object} fields */
const feed = (fields) => ({ format: 'skypanel.feed', version: 1, sort: 'newest', dedupe: true, filters: [], ...fields });

const proxy = await startFaultProxy(net.pds);
const faults = (/** @type {any[]} */ rules) =>
  fetch(`${proxy.url}/__faults`, { method: 'POST', body: JSON.stringify({ rules }) }).then((r) => r.json());
const proxyState = () => fetch(`${proxy.url}/__faults`).then((r) => r.json());

const browser = await launch({ replica: false });
/** @type {Record<string, any>} */
const result = {};
try {
  const page = await browser.openExtensionPage('extension/feeds/feeds.html');
  /** @param {string} type @param {any} payload */
  const send = async (type, payload) => {
    const answer = await sendFromPage(page, type, payload);
    if (answer.error) throw new Error(`${type}: ${answer.error.name}: ${answer.error.message}`);
    return answer.value;
  };
  await send('settings.set', { plcUrl: net.plc, appviewUrl: net.appview, entrywayUrl: net.pds });
  await send('session.signIn', { identifier: net.viewer.handle, password: net.password, service: proxy.url });

  // --- Parallel fetch: 20 sources, 100 ms added to every request. ---
  const handles = Object.values(net.accounts).map((/** @type {any} */ a) => a.handle);
  const sources = handles.flatMap((actor) => [
    { kind: 'author', actor, replies: true },
    { kind: 'author', actor, replies: false },
  ]).slice(0, 20);
  const all = feed({ name: 'Twenty sources', sources });
  await send('feeds.run', { definition: all, limit: 30 }); // preferences cached, wasm loaded
  await faults([{ path: '/xrpc/', fault: 'slow', delayMs: 100 }]);
  const parallel = [];
  const sequential = [];
  let maxInFlight = 0;
  for (let round = 0; round < 3; round++) {
    await faults([{ path: '/xrpc/', fault: 'slow', delayMs: 100 }]);
    let start = performance.now();
    const page1 = await send('feeds.run', { definition: all, limit: 30 });
    parallel.push(performance.now() - start);
    maxInFlight = Math.max(maxInFlight, (await proxyState()).maxInFlight);
    if (page1.posts.length === 0) throw new Error('the 20-source feed came back empty');
    start = performance.now();
    for (const source of sources) await send('feeds.run', { definition: feed({ name: 'One source', sources: [source] }), limit: 30 });
    sequential.push(performance.now() - start);
  }
  await faults([]);
  result.parallel_ms = round(median(parallel));
  result.sequential_ms = round(median(sequential));
  result.speedup = round(median(sequential) / median(parallel));
  result.max_in_flight = maxInFlight;

  // --- Opening a feed until 30 posts are drawn: fresh, then from the cache. ---
  /** @param {string} id */
  const open = async (id) => {
    await page.goto('about:blank');
    await page.goto(`chrome-extension://${browser.extensionId}/extension/feeds/feeds.html#feed/${id}`);
    await page.waitForFunction(() => document.querySelectorAll('[data-skypanel-feed-post]').length >= 30, null, { polling: 'raf', timeout: 30_000 });
    // Navigation start to the frame that showed the 30th post.
    return page.evaluate(() => performance.now());
  };
  const reading = feed({
    name: 'Reading',
    sources: [{ kind: 'timeline' }, ...handles.slice(0, 6).map((actor) => ({ kind: 'author', actor }))],
  });
  const fresh = [];
  const cached = [];
  for (let i = 0; i < 5; i++) {
    const { id } = await send('feeds.save', { definition: { ...reading, name: `Reading ${i}` } });
    fresh.push(await open(id));
    cached.push(await open(id));
  }
  result.open_fresh_ms = round(median(fresh));
  result.open_cached_ms = round(median(cached));
  await page.goto(`chrome-extension://${browser.extensionId}/extension/feeds/feeds.html`);

  // --- Mutuals and quiet posters over 1,000 follows. ---
  if (!quick) {
    const built = Date.now();
    const graph = await buildFollows(net, { count: 1000 });
    result.graph_build_s = round((Date.now() - built) / 1000);
    await send('session.signIn', { identifier: graph.viewer.handle, password: net.password });
    for (const kind of ['mutuals', 'quiet']) {
      const definition = feed({ name: kind, sources: [{ kind }] });
      let start = performance.now();
      const first = await send('feeds.run', { definition, limit: 30 });
      result[`${kind}_first_ms`] = round(performance.now() - start);
      start = performance.now();
      const again = await send('feeds.run', { definition, limit: 30 });
      result[`${kind}_cached_ms`] = round(performance.now() - start);
      if (first.errors.length || again.errors.length) throw new Error(`${kind}: ${JSON.stringify(first.errors.concat(again.errors))}`);
      result[`${kind}_posts`] = first.posts.length;
    }
  }
} finally {
  await browser.close();
  await proxy.close();
}
console.log(JSON.stringify(result));
