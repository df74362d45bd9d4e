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
  const contexts = await browser.sw.evaluate(() => chrome.runtime.getContexts({ contextTypes: [chrome.runtime.ContextType.SIDE_PANEL] }));
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
  const page = await browser.openExtensionPage('extension/library/library.html');
  const items = page.locator('[data-testid="library-posts"] > li');
  await page.waitForFunction(() => document.querySelectorAll('[data-testid="library-posts"] > li').length === 2);
  await items.first().getByTestId('library-select').check();
  const [, , third] = postsBy('bob');
  assert.ok(third, 'the seed has a third post by bob');
  const saved = await sendFromPage(observer, 'library.save', { uri: third });
  assert.equal(saved.error, undefined, JSON.stringify(saved.error));
  // The side panel, with nothing selected, shows it…
  await observer.waitForFunction(() => {
    const view = chrome.extension.getViews().find((v) => v.location.pathname.endsWith('/library/library.html') && v.document.visibilityState !== undefined && !v.document.querySelector('[data-testid=library-select]:checked'));
    return view?.document.querySelectorAll('[data-testid="library-posts"] > li').length === 3;
  });
  // …while this page keeps the reader's selection and list as they were.
  assert.equal(await items.count(), 2);
  assert.equal(await page.getByTestId('library-selected-count').textContent(), '1 selected');
  await items.first().getByTestId('library-select').uncheck();
  await page.waitForFunction(() => document.querySelectorAll('[data-testid="library-posts"] > li').length === 3);
  assert.deepEqual(browser.errors, []);
  await page.close();
});
