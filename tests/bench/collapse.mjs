// @ts-check
/**
 * Benchmark of the collapsed view in Chromium on the replica (needs the local network, so
 * `make bench` runs it through scripts/with-network.sh). Prints one JSON line:
 *   enableMs       switching the view on over ~1,000 loaded rows, until every block is placed
 *   appendP95Ms    main-thread time per appended page of 30 rows (reading + applying; the
 *                  wait for the worker is not main-thread time), p95 over 20 pages
 *   scrollOverhead the content script's own main-thread time (observer callbacks, reading
 *                  rows, applying plans) while the page loads ~1,000 rows (33 pages of 30, as
 *                  infinite scroll does) with the view on, as a fraction of the page's own
 *                  script time with it off (renderer ScriptDuration). Whole-renderer "on minus
 *                  off" is not used: with rows folded the page itself loads more, sooner. The pages are loaded by the replica's own
 *                  loader rather than by wheel events, so both runs do the same page work
 *                  (with rows folded, real scrolling would load more pages sooner).
 */
import { evalInContentScript, launch } from '../e2e/harness.mjs';

const metrics = (/** @type {any} */ b, /** @type {any} */ page) => evalInContentScript(b.context, page, 'JSON.parse(JSON.stringify(SkyPanelContent.metrics))');
const rowCount = (/** @type {any} */ page) => page.evaluate(() => document.querySelectorAll('[data-testid="followingFeedPage"] [data-testid^="feedItem-by-"]').length);

async function loadRows(/** @type {any} */ page, /** @type {number} */ n) {
  while ((await rowCount(page)) < n) await page.evaluate(() => /** @type {any} */ (window).__replica.loadMore());
}

/** Renderer script time (ms) spent while the page loads 33 more pages of rows. */
async function scrollCost(/** @type {any} */ browser, /** @type {boolean} */ enabled) {
  await browser.sw.evaluate((on) => chrome.storage.local.set({ collapsed: { enabled: on, mode: 'runs', threshold: 3 } }), enabled);
  const page = await browser.openBsky('/?repeat=40&pageSize=30');
  await page.waitForTimeout(300);
  const cdp = await browser.context.newCDPSession(page);
  await cdp.send('Performance.enable');
  const script = async () => (await cdp.send('Performance.getMetrics')).metrics.find((m) => m.name === 'ScriptDuration').value * 1000;
  const start = await script();
  for (let i = 0; i < 33; i++) {
    await page.evaluate(() => /** @type {any} */ (window).__replica.loadMore());
    await page.waitForTimeout(30); // let the content script's update for this page run
  }
  await page.waitForTimeout(300);
  const ms = (await script()) - start;
  const ours = enabled ? (await metrics(browser, page)).totalMs : 0;
  await page.close();
  return { ms, ours };
}

const browser = await launch();
try {
  await browser.sw.evaluate(() => chrome.storage.local.set({ collapsed: { enabled: false, mode: 'runs', threshold: 3 } }));
  const page = await browser.openBsky('/?repeat=40');
  await loadRows(page, 1000);
  const rows = await rowCount(page);
  await page.waitForFunction(() => document.documentElement.getAttribute('data-skypanel') === 'off');

  await browser.sw.evaluate(() => chrome.storage.local.set({ collapsed: { enabled: true, mode: 'runs', threshold: 3 } }));
  let m = await metrics(browser, page);
  for (let i = 0; i < 200 && !(m.enableMs > 0); i++) {
    await page.waitForTimeout(20);
    m = await metrics(browser, page);
  }
  const enableMs = m.enableMs;

  const samples = [];
  for (let i = 0; i < 20; i++) {
    const before = (await metrics(browser, page)).updates.length;
    const had = await rowCount(page);
    await page.evaluate(() => /** @type {any} */ (window).__replica.loadMore());
    if ((await rowCount(page)) === had) continue;
    let after = await metrics(browser, page);
    for (let j = 0; j < 100 && after.updates.length === before; j++) {
      await page.waitForTimeout(10);
      after = await metrics(browser, page);
    }
    samples.push(...after.updates.slice(before));
  }
  samples.sort((a, b) => a - b);
  const appendP95Ms = samples[Math.min(samples.length - 1, Math.floor(samples.length * 0.95))];
  const blocks = await page.evaluate(() => document.querySelectorAll('[data-skypanel-group]').length);
  await page.close();

  const off = (await scrollCost(browser, false)).ms;
  const { ms: on, ours } = await scrollCost(browser, true);
  console.log(JSON.stringify({
    rows, blocks, enableMs: +enableMs.toFixed(1), appendP95Ms: +appendP95Ms.toFixed(2), appendSamples: samples.length,
    scriptOffMs: Math.round(off), scriptOnMs: Math.round(on), oursMs: Math.round(ours), scrollOverhead: +(ours / off).toFixed(3),
  }));
} finally {
  await browser.close();
}
