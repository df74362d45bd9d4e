// @ts-check
/**
 * Benchmark: parse and model the same 50-post page with the wasm build, in Chromium, in an
 * extension page (the same engine and module as the service worker). Prints one JSON line.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, launch } from '../e2e/harness.mjs';

const json = readFileSync(join(ROOT, 'crates/skypanel-core/tests/fixtures/timeline_50.json'), 'utf8');
const browser = await launch({ replica: false });
try {
  const page = await browser.openExtensionPage('extension/popup/popup.html');
  const result = await page.evaluate(async (text) => {
    const core = await import(chrome.runtime.getURL('extension/background/core.js'));
    await core.ready;
    const iterations = 1000;
    for (let i = 0; i < 100; i++) core.parseFeedPage(text);
    const times = [];
    let items = 0;
    for (let i = 0; i < iterations; i++) {
      const start = performance.now();
      items = core.parseFeedPage(text);
      times.push(performance.now() - start);
    }
    times.sort((a, b) => a - b);
    return { iterations, median_ms: times[iterations / 2], p95_ms: times[Math.floor(iterations * 0.95)], items };
  }, json);
  console.log(JSON.stringify({ ...result, median_ms: +result.median_ms.toFixed(3), p95_ms: +result.p95_ms.toFixed(3) }));
} finally {
  await browser.close();
}
