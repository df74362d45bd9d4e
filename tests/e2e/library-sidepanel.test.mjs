// @ts-check
/**
 * The library in Chrome's side panel: the popup opens it beside the current tab, the panel
 * shows the saved posts, it fits a side panel's width, and it follows saves made while it is
 * open. Headless Chromium does open side panels; Playwright does not list them as pages, so
 * the test reads the panel's document through `chrome.extension.getViews()` from another
 * extension page (extension pages share one process).
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { launch, network, sendFromPage } from './harness.mjs';

const net = network();
/** @type {Awaited<ReturnType<typeof launch>>} */
let browser;
/** @type {import('playwright-core').Page} */
let popup;
/** An extension page that stays open to look into the panel (the popup closes itself). */
/** @type {import('playwright-core').Page} */
let observer;

const postsBy = (/** @type {string} */ who) =>
  net.log.filter((/** @type {any} */ l) => l.kind === 'post' && l.by === who).map((/** @type {any} */ l) => /** @type {string} */ (l.uri));

before(async () => {
  browser = await launch({ replica: false });
  observer = await browser.openExtensionPage('extension/options/options.html');
  popup = await browser.openExtensionPage('extension/popup/popup.html');
  const set = await sendFromPage(observer, 'settings.set', { appviewUrl: net.appview, plcUrl: net.plc });
  assert.equal(set.error, undefined);
});
after(async () => browser?.close());

/** What the side panel's library shows, read from its document; null while it is not open. */
function panel() {
  return observer.evaluate(() => {
    const view = chrome.extension.getViews().find((v) => v.location.pathname.endsWith('/library/library.html'));
    if (!view) return null;
    const doc = view.document;
    return {
      width: doc.documentElement.clientWidth,
      overflow: doc.documentElement.scrollWidth - doc.documentElement.clientWidth,
      posts: Array.from(doc.querySelectorAll('[data-testid="library-posts"] > li'), (li) => li.textContent ?? ''),
      summary: doc.querySelector('[data-testid="library-summary"]')?.textContent ?? '',
    };
  });
}

test('the popup opens the library in the side panel; it lists saved posts, fits its width and follows new saves', async () => {
  const [first, second] = postsBy('bob');
  assert.ok(first && second, 'the seed has two posts by bob');
  const saved = await sendFromPage(observer, 'library.save', { uri: first });
  assert.equal(saved.error, undefined, JSON.stringify(saved.error));

  assert.equal(await panel(), null, 'no side panel before the click');
  const closed = popup.waitForEvent('close');
  await popup.getByTestId('popup-library-panel').click();
  await closed; // the popup gets out of the way once the panel is open
  // The panel's context shows up before its document has loaded (documentUrl '' at first).
  /** @type {any[]} */
  let contexts = [];
  for (let i = 0; i < 100; i++) {
    contexts = await browser.sw.evaluate(() => chrome.runtime.getContexts({ contextTypes: [chrome.runtime.ContextType.SIDE_PANEL] }));
    if (contexts.length && contexts[0].documentUrl) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  assert.equal(contexts.length, 1, 'one side panel is open');
  assert.match(contexts[0].documentUrl ?? '', /\/extension\/library\/library\.html$/);

  await observer.waitForFunction(() => {
    const view = chrome.extension.getViews().find((v) => v.location.pathname.endsWith('/library/library.html'));
    return (view?.document.querySelectorAll('[data-testid="library-posts"] > li').length ?? 0) > 0;
  });
  const shown = await panel();
  assert.ok(shown);
  assert.equal(shown.posts.length, 1, 'the one saved post');
  assert.ok(shown.width > 0 && shown.width < 700, `a side panel is narrow (${shown.width}px)`);
  assert.ok(shown.overflow <= 0, `nothing wider than the panel (${shown.overflow}px too wide)`);

  // A save made elsewhere (bsky.app, the shortcut) shows up in the open panel.
  const again = await sendFromPage(observer, 'library.save', { uri: second });
  assert.equal(again.error, undefined, JSON.stringify(again.error));
  await observer.waitForFunction(() => {
    const view = chrome.extension.getViews().find((v) => v.location.pathname.endsWith('/library/library.html'));
    return view?.document.querySelectorAll('[data-testid="library-posts"] > li').length === 2;
  });
  assert.deepEqual(browser.errors, []);
});

test('a change made elsewhere waits while posts are selected, then shows', async () => {
  // Two library tabs: one with a post selected, one without.
  const busyTab = await browser.openExtensionPage('extension/library/library.html');
  const freeTab = await browser.openExtensionPage('extension/library/library.html');
  const shown = (/** @type {import('playwright-core').Page} */ p) => p.locator('[data-testid="library-posts"] > li').count();
  await busyTab.locator('[data-testid="library-posts"] > li').first().waitFor();
  await freeTab.locator('[data-testid="library-posts"] > li').first().waitFor();
  const before = await shown(busyTab);
  assert.equal(await shown(freeTab), before);
  await busyTab.locator('[data-testid="library-posts"] > li').first().getByTestId('library-select').check();
  const fresh = postsBy('bob').find((uri) => uri !== postsBy('bob')[0] && uri !== postsBy('bob')[1]);
  assert.ok(fresh, 'the seed has a third post by bob');
  const saved = await sendFromPage(observer, 'library.save', { uri: fresh });
  assert.equal(saved.error, undefined, JSON.stringify(saved.error));
  // The tab with nothing selected shows it…
  await freeTab.waitForFunction((n) => document.querySelectorAll('[data-testid="library-posts"] > li').length === n, before + 1);
  // …while the other keeps the reader's selection and list as they were.
  assert.equal(await shown(busyTab), before);
  assert.equal(await busyTab.getByTestId('library-selected-count').textContent(), '1 selected');
  await busyTab.locator('[data-testid="library-posts"] > li').first().getByTestId('library-select').uncheck();
  await busyTab.waitForFunction((n) => document.querySelectorAll('[data-testid="library-posts"] > li').length === n, before + 1);
  assert.deepEqual(browser.errors, []);
  await busyTab.close();
  await freeTab.close();
});
