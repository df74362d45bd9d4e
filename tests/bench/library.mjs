// @ts-check
/**
 * Benchmark: the library with 50,000 saved posts, in Chromium with the extension. Builds a
 * synthetic `skypanel.saved` file from the 50 real posts of the timeline fixture (new
 * record keys, varied text), imports it through the worker, then measures:
 *   - a search right after the worker was stopped (wasm load + index rebuilt from IndexedDB),
 *   - searches with the index warm (round trip from an extension page, as the library page
 *     asks), median and p95 of each query,
 *   - the library page's first screen (navigation start → first 30 posts rendered,
 *     the page's `library-first-screen` performance mark), with the worker running and
 *     right after it was stopped.
 * Prints one JSON line. Needs no network. Usage: node tests/bench/library.mjs [posts]
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, launch, sendFromPage } from '../e2e/harness.mjs';

const COUNT = Number(process.argv[2] ?? 50_000);
const CHUNK = 5_000;
const WORDS = 'river mountain coffee launch rocket garden photo thread music bridge winter summer ocean city night market forest library signal window'.split(' ');

/** A deterministic pseudo-random generator (so every run measures the same library). */
function rng(seed) {
  let x = seed;
  return () => ((x = (x * 1103515245 + 12345) % 2147483648) / 2147483648);
}

function build() {
  const page = JSON.parse(readFileSync(join(ROOT, 'crates/skypanel-core/tests/fixtures/timeline_50.json'), 'utf8'));
  const posts = page.feed.map((/** @type {any} */ item) => item.post);
  const random = rng(42);
  /** @type {string[]} */
  const entries = [];
  const base = Date.UTC(2025, 0, 1);
  for (let i = 0; i < COUNT; i++) {
    const post = structuredClone(posts[i % posts.length]);
    const did = post.author.did;
    post.uri = `at://${did}/app.bsky.feed.post/3lbench${i.toString(36)}`;
    const words = Array.from({ length: 8 + Math.floor(random() * 20) }, () => WORDS[Math.floor(random() * WORDS.length)]);
    post.record = { ...post.record, text: `${words.join(' ')} #${i}` };
    delete post.record.facets;
    const savedAt = new Date(base + i * 60_000).toISOString();
    entries.push(JSON.stringify({ uri: post.uri, cid: post.cid, savedAt, tags: i % 10 === 0 ? ['bench'] : [], note: '', status: { state: 'unknown' }, post, media: [] }));
  }
  return entries;
}

/** @param {number[]} xs */
const stats = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return { median_ms: +s[Math.floor(s.length / 2)].toFixed(1), p95_ms: +s[Math.floor(s.length * 0.95)].toFixed(1) };
};

const entries = build();
const browser = await launch({ replica: false });
try {
  const page = await browser.openExtensionPage('extension/popup/popup.html');
  let started = performance.now();
  for (let i = 0; i < entries.length; i += CHUNK) {
    const text = `{"format":"skypanel.saved","version":1,"posts":[\n${entries.slice(i, i + CHUNK).join(',\n')}\n]}`;
    const answer = await sendFromPage(page, 'library.import', { text });
    if (answer.error) throw new Error(`import failed: ${answer.error.message}`);
  }
  const importMs = performance.now() - started;

  const cdp = await browser.context.newCDPSession(page);
  await cdp.send('ServiceWorker.enable');
  await cdp.send('ServiceWorker.stopAllWorkers');
  started = performance.now();
  const cold = await sendFromPage(page, 'library.search', { query: { text: 'coffee', limit: 30 } });
  const coldMs = performance.now() - started;
  if (cold.error) throw new Error(cold.error.message);

  const queries = {
    'newest 30': { limit: 30 },
    'one word': { text: 'coffee', limit: 30 },
    'two words': { text: 'river night', limit: 30 },
    'no match (full scan)': { text: 'zzzzqqq', limit: 30 },
    'tag + kind': { tag: 'bench', kinds: ['images'], limit: 30 },
  };
  /** @type {Record<string, object>} */
  const searches = {};
  for (const [name, query] of Object.entries(queries)) {
    const times = [];
    let total = 0;
    for (let i = 0; i < 25; i++) {
      const t = performance.now();
      const r = await sendFromPage(page, 'library.search', { query });
      times.push(performance.now() - t);
      total = r.value.total;
    }
    searches[name] = { ...stats(times), total };
  }

  const screens = [];
  for (let i = 0; i < 5; i++) {
    const lib = await browser.openExtensionPage('extension/library/library.html');
    await lib.waitForFunction(() => performance.getEntriesByName('library-first-screen').length > 0, null, { timeout: 60_000 });
    screens.push(await lib.evaluate(() => performance.getEntriesByName('library-first-screen')[0].startTime));
    await lib.close();
  }
  // The first screen when the worker had been stopped (as after Chrome idles it out).
  const coldScreens = [];
  for (let i = 0; i < 3; i++) {
    await cdp.send('ServiceWorker.stopAllWorkers');
    const lib = await browser.openExtensionPage('extension/library/library.html');
    await lib.waitForFunction(() => performance.getEntriesByName('library-first-screen').length > 0, null, { timeout: 60_000 });
    coldScreens.push(await lib.evaluate(() => performance.getEntriesByName('library-first-screen')[0].startTime));
    await lib.close();
  }
  console.log(JSON.stringify({
    posts: COUNT,
    import_s: +(importMs / 1000).toFixed(1),
    cold_search_ms: Math.round(coldMs),
    searches,
    first_screen: stats(screens),
    first_screen_after_restart: stats(coldScreens),
  }));
} finally {
  await browser.close();
}
