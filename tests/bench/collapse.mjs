// @ts-check
/**
 * Benchmark of the collapsed view in Chromium on the replica (needs the local network, so
 * `make bench` runs it through scripts/with-network.sh). Prints one JSON line:
 *   enableMs       switching the view on over ~1,000 loaded rows, until every block is placed
 *                  (wall time from the setting's change, the round trip to the worker included)
 *   appendP95Ms    the content script's main-thread time per appended page of 30 rows, p95
 *                  over 20 pages: every observer callback and every synchronous stretch of
 *                  every update the page caused (reading rows, sending the plan request,
 *                  applying the answer, reporting status), summed per page; only the wait
 *                  for the worker, which is not main-thread time, is left out
 *   scrollOverhead SkyPanel's main-thread time while the page loads ~1,000 rows (33 pages of
 *                  30) with the view on, over the page's own script time with it off. Both
 *                  come from V8's sampling profiler (CDP Profiler), so each side is measured
 *                  the same way: ours is every sample with a SkyPanel content-script frame on
 *                  the stack (including the DOM calls, forced style/layout and messaging it
 *                  makes), the page's is every sample with a replica frame and none of ours.
 *                  Whole-renderer "on minus off" is not used: with rows folded the page itself
 *                  does different work. The pages are loaded by the replica's own loader
 *                  rather than by wheel events, so both runs load the same pages.
 *   oursWhileOffMs SkyPanel's time in the run with the view off (the save buttons' work; the
 *                  collapsed view then only looks at its page control)
 *   oursMs, scriptOffMs  the two sides of scrollOverhead; oursByFile: ours by the extension's
 *                  file that started the work (bsky.js is the collapsed view's observer and
 *                  updates); selfReportedMs: the collapsed view's own count of its time in
 *                  the same run (a cross-check of the profile)
 */
import { evalInContentScript, launch } from '../e2e/harness.mjs';

const metrics = (/** @type {any} */ b, /** @type {any} */ page) => evalInContentScript(b.context, page, 'JSON.parse(JSON.stringify(SkyPanelContent.metrics))');
const rowCount = (/** @type {any} */ page) => page.evaluate(() => document.querySelectorAll('[data-testid="followingFeedPage"] [data-testid^="feedItem-by-"]').length);

async function loadRows(/** @type {any} */ page, /** @type {number} */ n) {
  while ((await rowCount(page)) < n) await page.evaluate(() => /** @type {any} */ (window).__replica.loadMore());
}

/** Waits until the content script has run at least one update since `count` and then gone quiet. */
async function settle(/** @type {any} */ browser, /** @type {any} */ page, /** @type {number} */ count) {
  let m = await metrics(browser, page);
  for (let j = 0; j < 200 && m.updates.length === count; j++) {
    await page.waitForTimeout(10);
    m = await metrics(browser, page);
  }
  // Follow-up updates (a re-plan, names for blocks) come within a few ms.
  for (let j = 0; j < 20; j++) {
    await page.waitForTimeout(40);
    const next = await metrics(browser, page);
    if (next.totalMs === m.totalMs) break;
    m = next;
  }
  return m;
}

/**
 * Milliseconds of profile samples by who is on the stack: SkyPanel's content script (any
 * frame from the extension), else the page (any replica frame).
 * @param {any} profile a CDP Profiler.Profile
 */
function attribute(profile) {
  /** @type {Map<number, any>} */
  const nodes = new Map(profile.nodes.map((/** @type {any} */ n) => [n.id, n]));
  /** @type {Map<number, number>} */
  const parent = new Map();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  /** @type {Map<number, 'ours' | 'page' | ''>} */
  const owner = new Map();
  const ownerOf = (/** @type {number} */ id) => {
    let who = owner.get(id);
    if (who !== undefined) return who;
    const url = nodes.get(id).callFrame.url;
    const up = parent.has(id) ? ownerOf(/** @type {number} */ (parent.get(id))) : '';
    who = up === 'ours' || url.startsWith('chrome-extension://') ? 'ours' : up || (url.includes('/static/js/replica') ? 'page' : '');
    owner.set(id, who);
    return who;
  };
  /** The extension's file nearest the root of the stack (whose work it is). @type {Map<number, string>} */
  const file = new Map();
  const fileOf = (/** @type {number} */ id) => {
    let f = file.get(id);
    if (f !== undefined) return f;
    const url = nodes.get(id).callFrame.url;
    f = (parent.has(id) ? fileOf(/** @type {number} */ (parent.get(id))) : '') || (url.startsWith('chrome-extension://') ? url.split('/').pop() : '');
    file.set(id, f);
    return f;
  };
  const ms = { ours: 0, page: 0, byFile: /** @type {Record<string, number>} */ ({}) };
  profile.samples.forEach((/** @type {number} */ id, /** @type {number} */ i) => {
    const who = ownerOf(id);
    const dt = (profile.timeDeltas[i + 1] ?? 0) / 1000;
    if (who) ms[who] += dt;
    if (who === 'ours') ms.byFile[fileOf(id)] = (ms.byFile[fileOf(id)] ?? 0) + dt;
  });
  return ms;
}

/** Profiled main-thread time while the page loads 33 more pages of rows. */
async function scrollCost(/** @type {any} */ browser, /** @type {boolean} */ enabled) {
  await browser.sw.evaluate((/** @type {boolean} */ on) => chrome.storage.local.set({ collapsed: { enabled: on, mode: 'runs', threshold: 3 } }), enabled);
  const page = await browser.openBsky('/?repeat=40&pageSize=30');
  await page.waitForTimeout(300);
  const startRows = await rowCount(page);
  const selfBefore = (await metrics(browser, page)).totalMs;
  const cdp = await browser.context.newCDPSession(page);
  await cdp.send('Profiler.enable');
  await cdp.send('Profiler.setSamplingInterval', { interval: 100 });
  await cdp.send('Profiler.start');
  // 33 pages (the replica may load one by itself when its sentinel comes within reach).
  for (let i = 0; i < 200 && (await rowCount(page)) < startRows + 33 * 30; i++) {
    await page.evaluate(() => /** @type {any} */ (window).__replica.loadMore());
    await page.waitForTimeout(30); // let the content script's update for this page run
  }
  await page.waitForTimeout(300);
  const { profile } = await cdp.send('Profiler.stop');
  const selfMs = (await metrics(browser, page)).totalMs - selfBefore;
  const rows = (await rowCount(page)) - startRows;
  await page.close();
  return { ...attribute(profile), selfMs, rows };
}

const browser = await launch();
try {
  await browser.sw.evaluate(() => chrome.storage.local.set({ collapsed: { enabled: false, mode: 'runs', threshold: 3 } }));
  const page = await browser.openBsky('/?repeat=40');
  await loadRows(page, 1000);
  const rows = await rowCount(page);
  await page.waitForFunction(() => document.documentElement.getAttribute('data-skypanel') === 'off');
  await page.waitForTimeout(200);

  await browser.sw.evaluate(() => chrome.storage.local.set({ collapsed: { enabled: true, mode: 'runs', threshold: 3 } }));
  let m = await metrics(browser, page);
  for (let i = 0; i < 200 && !(m.enableMs > 0); i++) {
    await page.waitForTimeout(20);
    m = await metrics(browser, page);
  }
  const enableMs = m.enableMs;
  m = await settle(browser, page, 0);

  /** @type {number[]} */
  const samples = [];
  for (let i = 0; i < 20; i++) {
    const before = await metrics(browser, page);
    const had = await rowCount(page);
    await page.evaluate(() => /** @type {any} */ (window).__replica.loadMore());
    if ((await rowCount(page)) === had) continue;
    const after = await settle(browser, page, before.updates.length);
    samples.push(after.totalMs - before.totalMs);
  }
  samples.sort((a, b) => a - b);
  const appendP95Ms = samples[Math.min(samples.length - 1, Math.floor(samples.length * 0.95))];
  const blocks = await page.evaluate(() => document.querySelectorAll('[data-skypanel-group]').length);
  await page.close();

  const off = await scrollCost(browser, false);
  const on = await scrollCost(browser, true);
  console.log(JSON.stringify({
    rows, blocks, enableMs: +enableMs.toFixed(1), appendP95Ms: +appendP95Ms.toFixed(2), appendMedianMs: +samples[samples.length >> 1].toFixed(2), appendSamples: samples.length,
    scriptOffMs: Math.round(off.page), scriptOnMs: Math.round(on.page), oursMs: Math.round(on.ours), oursWhileOffMs: Math.round(off.ours), selfReportedMs: Math.round(on.selfMs),
    oursByFile: Object.fromEntries(Object.entries(on.byFile).map(([f, v]) => [f, Math.round(v)])),
    rowsLoaded: [off.rows, on.rows], scrollOverhead: +(on.ours / off.page).toFixed(3),
  }));
} finally {
  await browser.close();
}
