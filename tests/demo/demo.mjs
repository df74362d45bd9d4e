// @ts-check
/**
 * The offline demo: Chromium with SkyPanel loaded, on the bsky.app replica backed by the
 * local Bluesky network, signed in as the seeded viewer. Run it with `make demo`.
 *   node demo.mjs                 a visible browser; close it to stop
 *   node demo.mjs --screenshot D  headless; writes D/bsky.png, popup.png, options.png,
 *                                 library.png, feeds-editor.png and feeds.png and exits
 */
import { join } from 'node:path';
import { launch, network, sendFromPage, signInThroughOptions } from '../e2e/harness.mjs';

const shotDir = process.argv.includes('--screenshot') ? process.argv[process.argv.indexOf('--screenshot') + 1] : null;
const net = network();
const browser = await launch({ headless: Boolean(shotDir), viewport: { width: 1100, height: 900 } });

// Point the extension at the local network and sign in as the seeded viewer, through its
// own options page.
const options = await signInThroughOptions(browser, 'alice');

// A few saved posts, so the library has something to show (a photo, a link card, rich text).
const firstBy = (/** @type {string} */ who) => net.log.find((/** @type {any} */ e) => e.kind === 'post' && e.by === who)?.uri;
for (const uri of [firstBy('carla'), firstBy('bob'), net.log.find((/** @type {any} */ e) => e.by === 'dan' && e.kind === 'post')?.uri]) {
  if (uri) await sendFromPage(options, 'library.save', { uri });
}

// The collapsed view on, as a user would have it after one click in the popup.
await browser.sw.evaluate(() => chrome.storage.local.set({ collapsed: { enabled: true, mode: 'runs', threshold: 3 } }));
const bsky = await browser.openBsky();
await bsky.waitForFunction(() => document.documentElement.hasAttribute('data-skypanel-core'));
await bsky.waitForSelector('[data-skypanel-group]');

if (shotDir) {
  // Let every image in the viewport load (they are lazy) before the picture is taken.
  await bsky.waitForFunction(() =>
    Array.from(document.images)
      .filter((img) => img.getBoundingClientRect().top < innerHeight && img.offsetParent !== null)
      .every((img) => img.complete && img.naturalWidth > 0),
  );
  await bsky.screenshot({ path: join(shotDir, 'bsky.png') });
  // The popup about the bsky.app tab (opened as a page, it would describe itself).
  const tabId = await browser.sw.evaluate(async () =>
    Number(Object.keys(await chrome.storage.session.get(null)).find((k) => k.startsWith('collapse:'))?.split(':')[1]),
  );
  const popup = await browser.openExtensionPage(`extension/popup/popup.html?tab=${tabId}`);
  await popup.setViewportSize({ width: 330, height: 280 });
  await popup.getByTestId('popup-account').filter({ hasText: '@' }).waitFor();
  await popup.getByTestId('popup-tab-status').filter({ hasText: 'Active here' }).waitFor();
  await popup.screenshot({ path: join(shotDir, 'popup.png') });
  await options.setViewportSize({ width: 700, height: 560 });
  await options.screenshot({ path: join(shotDir, 'options.png') });
  // The library, once the saved posts' media are backed up.
  for (let i = 0; i < 120 && (await sendFromPage(options, 'library.usage')).value?.pendingMedia > 0; i++) await new Promise((r) => setTimeout(r, 250));
  const library = await browser.openExtensionPage('extension/library/library.html');
  await library.setViewportSize({ width: 760, height: 900 });
  await library.locator('li[data-uri]').first().waitFor();
  await library.waitForFunction(() => Array.from(document.images).every((img) => img.complete));
  await library.screenshot({ path: join(shotDir, 'library.png') });
  // A feed of one's own: the editor with its live preview, and the reading view.
  const definition = {
    format: 'skypanel.feed', version: 1, name: 'Friends, no reposts',
    sources: [{ kind: 'timeline' }, { kind: 'list', uri: net.list.uri, label: 'Friends list' }, { kind: 'feed', uri: net.feed.uri, label: 'Rockets' }],
    filters: [{ kind: 'reposts', keep: false }, { kind: 'text', any: ['spam'], exclude: true }],
    sort: 'newest', dedupe: true, perAuthor: 4, collapse: null,
  };
  const { id } = (await sendFromPage(options, 'feeds.save', { definition })).value;
  const feeds = await browser.openExtensionPage(`extension/feeds/feeds.html#edit/${id}`);
  await feeds.setViewportSize({ width: 1100, height: 900 });
  await feeds.getByTestId('feeds-step').first().waitFor();
  await feeds.locator('[data-skypanel-feed-post]').first().waitFor();
  await feeds.waitForFunction(() => Array.from(document.images).every((img) => img.complete));
  await feeds.screenshot({ path: join(shotDir, 'feeds-editor.png') });
  await feeds.goto(feeds.url().replace(`#edit/${id}`, `#feed/${id}`));
  await feeds.locator('[data-skypanel-feed-post]').nth(3).waitFor();
  await feeds.waitForFunction(() => Array.from(document.images).every((img) => img.complete));
  await feeds.screenshot({ path: join(shotDir, 'feeds.png') });
  await browser.close();
  console.log(`screenshots written to ${shotDir}`);
} else {
  await options.close();
  await bsky.bringToFront();
  console.log(`SkyPanel demo running: bsky.app replica signed in as @${net.viewer.handle} (password: ${net.password}).`);
  console.log('Close the browser window (or press Ctrl-C) to stop.');
  await new Promise((resolve) => browser.context.on('close', resolve));
}
