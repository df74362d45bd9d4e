// @ts-check
/**
 * The collapsed view on the bsky.app replica with the local network's seeded timeline:
 * toggles (popup, shortcut, page control, options), blocks and the test contract, keyboard,
 * thread slices, both modes, infinite scroll, refresh, tabs, navigation, themes, the
 * fail-safe, and a clean "off".
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { launch, network, sendFromPage, visibleRows } from './harness.mjs';

const net = network();
const GRACE = net.floods.posts.account;
const HEIDI = net.floods.reposts.account;
/** @type {Awaited<ReturnType<typeof launch>>} */
let browser;

before(async () => {
  browser = await launch();
  // Signed out, public reads (profile names for blocks of reposts) go to the local AppView.
  const options = await browser.openExtensionPage('extension/options/options.html');
  await sendFromPage(options, 'settings.set', { appviewUrl: net.appview, plcUrl: net.plc });
  await options.close();
});
after(async () => {
  await browser?.close();
});

/** @param {any} value */
const setCollapsed = (value) => browser.sw.evaluate((v) => chrome.storage.local.set({ collapsed: v }), value);

/** The page's blocks: [{group, count, expanded}] in page order. @param {import('playwright-core').Page} page */
const blocks = (page) =>
  page.evaluate(() =>
    Array.from(document.querySelectorAll('[data-skypanel-group]'))
      .filter((b) => /** @type {HTMLElement} */ (b).offsetParent !== null)
      .map((b) => ({
        group: b.getAttribute('data-skypanel-group'),
        count: Number(b.getAttribute('data-skypanel-count')),
        expanded: b.querySelector('[aria-expanded]')?.getAttribute('aria-expanded'),
      })),
  );
const state = (/** @type {import('playwright-core').Page} */ page) => page.evaluate(() => document.documentElement.getAttribute('data-skypanel'));
/** Anything of SkyPanel's on the page besides the html attributes and the page control. */
const leftovers = (/** @type {import('playwright-core').Page} */ page) =>
  page.evaluate(() => document.querySelectorAll('body [data-skypanel-group], body [data-skypanel-folded], body [data-skypanel-expanded], body [data-skypanel-pending], .skypanel-block').length);

async function waitForBlock(/** @type {import('playwright-core').Page} */ page, /** @type {string} */ group, /** @type {number} */ count) {
  await page.waitForFunction(
    ([g, c]) => Array.from(document.querySelectorAll(`[data-skypanel-group="${g}"]`)).some((b) => Number(b.getAttribute('data-skypanel-count')) === c),
    /** @type {[string, number]} */ ([group, count]),
  );
}

test('the popup switch turns it on: one block per flood, rows folded and not rendered', async () => {
  await setCollapsed({ enabled: false });
  const page = await browser.openBsky();
  await page.waitForFunction(() => document.documentElement.getAttribute('data-skypanel') === 'off');
  const before = await visibleRows(page);

  const tabId = await browser.sw.evaluate(async () => {
    const all = await chrome.storage.session.get(null);
    return Number(Object.keys(all).find((k) => k.startsWith('collapse:'))?.split(':')[1]);
  });
  const popup = await browser.openExtensionPage(`extension/popup/popup.html?tab=${tabId}`);
  await popup.getByTestId('popup-collapsed').check();
  await waitForBlock(page, GRACE, 12);
  await waitForBlock(page, HEIDI, 8);
  assert.equal(await state(page), 'on');

  const folded = await page.evaluate(() =>
    Array.from(document.querySelectorAll('[data-skypanel-folded]')).map((r) => ({
      rendered: /** @type {HTMLElement} */ (r).offsetParent !== null || r.getClientRects().length > 0,
      author: r.querySelector('[data-testid^="feedItem-by-"]')?.getAttribute('data-testid'),
    })),
  );
  assert.ok(folded.length >= 20);
  assert.ok(folded.every((r) => !r.rendered), 'folded rows are not rendered');
  const after = await visibleRows(page);
  assert.equal(after.filter((r) => r.author === GRACE && !r.repostBy).length, 0);
  assert.equal(before.length - after.length, folded.length, 'exactly the folded rows disappeared');

  await popup.getByTestId('popup-tab-status').filter({ hasText: /Active here: \d+ blocks, \d+ posts folded/ }).waitFor();
  await popup.close();
  await page.close();
});

test('a block shows who and what, and opens in place with click, Enter and Space', async () => {
  await setCollapsed({ enabled: true, mode: 'runs', threshold: 3 });
  const page = await browser.openBsky();
  await waitForBlock(page, GRACE, 12);
  const block = page.locator(`[data-skypanel-group="${GRACE}"]`);
  const text = await block.textContent();
  assert.match(text ?? '', /Grace 優雅/);
  assert.match(text ?? '', /@grace\.test/);
  assert.match(text ?? '', /12 posts/);
  assert.match(text ?? '', /9\/9 done!/, 'previews the newest post');
  const heidi = page.locator(`[data-skypanel-group="${HEIDI}"]`);
  assert.match((await heidi.textContent()) ?? '', /8 reposts/);
  // Heidi only reposted: her name comes from her public profile, filled in once looked up.
  await heidi.locator('.skypanel-head strong').filter({ hasText: /^Heidi$/ }).waitFor();

  const toggle = block.locator('button');
  assert.equal(await toggle.getAttribute('aria-expanded'), 'false');
  assert.match((await toggle.getAttribute('aria-label')) ?? '', /12 posts from Grace 優雅: show them/);
  await toggle.click();
  assert.equal(await toggle.getAttribute('aria-expanded'), 'true');
  // The original rows reappear, in order, right after the block.
  const order = await page.evaluate((g) => {
    const b = document.querySelector(`[data-skypanel-group="${g}"]`);
    const out = [];
    for (let row = b?.nextElementSibling; row && row.hasAttribute('data-skypanel-folded'); row = row.nextElementSibling) {
      out.push({ shown: /** @type {HTMLElement} */ (row).offsetParent !== null, text: row.querySelector('[data-testid="postText"]')?.textContent });
    }
    return out;
  }, GRACE);
  assert.equal(order.length, 12);
  assert.ok(order.every((r) => r.shown));
  assert.equal(order[0].text, '9/9 done! 🎉');
  assert.equal(order[11].text, 'おはよう ☀️');

  await toggle.focus();
  await page.keyboard.press('Enter');
  assert.equal(await toggle.getAttribute('aria-expanded'), 'false');
  await page.keyboard.press('Space');
  assert.equal(await toggle.getAttribute('aria-expanded'), 'true');
  await page.keyboard.press('Space');
  assert.equal(await toggle.getAttribute('aria-expanded'), 'false');
  await page.close();
});

/** Thread-slice rows on the page, and how many a block boundary splits from the row above. @param {import('playwright-core').Page} page */
const sliceSplits = (page) =>
  page.evaluate(() => {
    const rows = Array.from(document.querySelectorAll('[data-testid="followingFeedPage"] [data-testid^="feedItem-by-"]')).map((i) => i.parentElement?.parentElement);
    const continues = (/** @type {Element | null | undefined} */ row) => {
      const inner = row?.querySelector('[data-testid^="feedItem-by-"]')?.firstElementChild;
      return inner ? getComputedStyle(inner).borderTopWidth === '0px' : false;
    };
    let bad = 0;
    rows.forEach((row, i) => {
      if (i > 0 && continues(row) && row?.hasAttribute('data-skypanel-folded') !== rows[i - 1]?.hasAttribute('data-skypanel-folded')) bad++;
    });
    return { bad, slices: rows.filter(continues).length, folded: rows.map((row) => (row?.hasAttribute('data-skypanel-folded') ? 1 : 0)).join('') };
  });

test('a thread slice is one unit: a block never splits it', async () => {
  await setCollapsed({ enabled: true, mode: 'runs', threshold: 2 });
  const page = await browser.openBsky();
  await page.waitForFunction(() => document.querySelectorAll('[data-skypanel-group]').length > 2);
  const split = await sliceSplits(page);
  assert.ok(split.slices > 0, 'the seed has thread slices');
  assert.equal(split.bad, 0);
  await page.close();
});

test('a thread slice whose hidden border comes from a class, not the style attribute, is still one unit', async () => {
  // Bundle mode gathers every unit of an account: a slice read as two units would send its
  // first row to the block of that row's author.
  const bundle = { enabled: true, mode: 'bundle', threshold: 2 };
  const layout = async (/** @type {boolean} */ moveWidths) => {
    await setCollapsed({ enabled: false });
    const page = await browser.openBsky();
    await page.waitForFunction(() => document.documentElement.getAttribute('data-skypanel') === 'off');
    if (moveWidths) {
      // The widths move from the style attribute to a stylesheet: only the computed style says.
      await page.evaluate(() => {
        const sheet = document.createElement('style');
        sheet.textContent = '.t-child { border-top-width: 0 !important } .t-top { border-top-width: 1px }';
        document.head.append(sheet);
        for (const inner of document.querySelectorAll('[data-testid^="feedItem-by-"] > :first-child')) {
          const style = inner.getAttribute('style') ?? '';
          inner.classList.add(/border-top-width:\s*0/.test(style) ? 't-child' : 't-top');
          inner.setAttribute('style', style.replace(/border-top-width:[^;]*;?/g, ''));
        }
      });
      assert.equal(await page.evaluate(() => document.querySelectorAll('[style*="border-top-width"]').length), 0);
    }
    await setCollapsed(bundle);
    await waitForBlock(page, GRACE, 12);
    await page.waitForTimeout(300);
    const split = await sliceSplits(page);
    const found = await blocks(page);
    await page.close();
    return { split, found };
  };
  const inline = await layout(false);
  const computed = await layout(true);
  assert.ok(computed.split.slices > 0, 'the seed has thread slices');
  assert.equal(computed.split.bad, 0);
  assert.deepEqual(computed.found, inline.found, 'the same blocks as when the style attribute says');
  assert.equal(computed.split.folded, inline.split.folded, 'the same rows folded');
});

test('bundle mode gathers an account at its newest position; runs mode does not', async () => {
  await setCollapsed({ enabled: true, mode: 'runs', threshold: 3 });
  const page = await browser.openBsky();
  await waitForBlock(page, 'dan.test', 4);
  // Switching mode on the options page re-plans the open tab.
  const options = await browser.openExtensionPage('extension/options/options.html');
  await options.check('input[name="mode"][value="bundle"]');
  await options.getByTestId('options-collapsed-status').filter({ hasText: 'Saved.' }).waitFor();
  await waitForBlock(page, 'dan.test', 6);
  const order = (await blocks(page)).map((b) => b.group);
  assert.equal(order[0], 'dan.test', "dan's newest post is near the top, so the bundle sits there");
  await options.close();
  await page.close();
});

test('rows appended by infinite scroll join the blocks', async () => {
  await setCollapsed({ enabled: true, mode: 'runs', threshold: 3 });
  // 10 rows a page: heidi's 8 reposts start on page 1 and continue on page 2.
  const page = await browser.openBsky('/?pageSize=10');
  for (let i = 0; i < 30 && !(await page.evaluate(() => /** @type {any} */ (window).__replica.state().done[0])); i++) {
    await page.mouse.wheel(0, 3000);
    await page.waitForTimeout(100);
  }
  assert.ok((await page.evaluate(() => /** @type {any} */ (window).__replica.state().pagesLoaded)) >= 3);
  await waitForBlock(page, HEIDI, 8);
  await waitForBlock(page, GRACE, 12);
  await page.close();
});

test('a refresh regroups from scratch; switching tabs and navigating keep it working', async () => {
  await setCollapsed({ enabled: true, mode: 'runs', threshold: 3, everywhere: false });
  const page = await browser.openBsky();
  await waitForBlock(page, GRACE, 12);
  const oldBlock = await page.evaluateHandle((g) => document.querySelector(`[data-skypanel-group="${g}"]`), GRACE);
  await page.evaluate(() => /** @type {any} */ (window).__replica.refresh());
  await page.waitForFunction((b) => !b?.isConnected, oldBlock);
  await waitForBlock(page, GRACE, 12);
  assert.equal(await page.evaluate(() => document.querySelectorAll('[data-skypanel-folded]:not([data-skypanel-group])').length > 0), true);

  // Discover is left alone unless asked; its page stays hidden-then-shown without harm.
  await page.getByTestId('homeScreenFeedTabs-selector-1').click();
  await page.waitForTimeout(200);
  assert.deepEqual(await blocks(page), []);
  await setCollapsed({ enabled: true, mode: 'runs', threshold: 3, everywhere: true });
  await page.waitForFunction((g) => Array.from(document.querySelectorAll('[data-testid="customFeedPage"] [data-skypanel-group]')).some((b) => b.getAttribute('data-skypanel-group') === g), GRACE);
  await page.getByTestId('homeScreenFeedTabs-selector-0').click();
  await waitForBlock(page, GRACE, 12);

  // Open a post (pushState) and come back: the blocks are still there and still work.
  await page.locator('[data-testid="followingFeedPage"] [data-testid^="feedItem-by-"]:visible [data-testid="postText"]').first().click();
  await page.locator('[data-testid^="postThreadItem-by-"]').first().waitFor();
  assert.equal(await page.locator('[data-testid^="postThreadItem-by-"] [data-skypanel-group]').count(), 0);
  await page.goBack();
  await waitForBlock(page, GRACE, 12);
  const toggle = page.locator(`[data-testid="followingFeedPage"] [data-skypanel-group="${GRACE}"] button`);
  await toggle.click();
  assert.equal(await toggle.getAttribute('aria-expanded'), 'true');
  await page.close();
});

test('the shortcut and the page control toggle every bsky.app tab; off leaves nothing behind', async () => {
  await setCollapsed({ enabled: true, mode: 'runs', threshold: 3, everywhere: false });
  const [a, b] = [await browser.openBsky(), await browser.openBsky()];
  await waitForBlock(a, GRACE, 12);
  await waitForBlock(b, GRACE, 12);
  // The command is registered with its suggested keys (whether Chrome binds them depends on
  // the user's other shortcuts, so the binding itself is not asserted).
  const commands = await browser.sw.evaluate(() => chrome.commands.getAll());
  assert.ok(commands.some((c) => c.name === 'toggle-collapsed'));
  const manifest = await browser.sw.evaluate(() => chrome.runtime.getManifest());
  assert.equal(manifest.commands?.['toggle-collapsed']?.suggested_key?.default, 'Alt+Shift+C');

  // Scroll to the middle and remember what is at the top of the viewport.
  await a.evaluate(() => window.scrollTo(0, 1200));
  const anchor = () => a.evaluate(() => {
    const row = Array.from(document.querySelectorAll('[data-testid^="feedItem-by-"], [data-skypanel-group]')).find((el) => el.getBoundingClientRect().bottom > 0 && /** @type {HTMLElement} */ (el).offsetParent !== null);
    return { text: row?.textContent?.slice(0, 40), top: Math.round(row?.getBoundingClientRect().top ?? 0) };
  });
  const before = await anchor();

  await browser.sw.evaluate(() => /** @type {any} */ (globalThis).skypanelCommands['toggle-collapsed']());
  for (const page of [a, b]) await page.waitForFunction(() => document.documentElement.getAttribute('data-skypanel') === 'off');
  assert.equal(await leftovers(a), 0);
  assert.equal(await leftovers(b), 0);
  const afterOff = await anchor();
  assert.equal(afterOff.text, before.text, 'the same post stays at the top of the viewport');
  assert.ok(Math.abs(afterOff.top - before.top) <= 2, `scroll position kept (${before.top} → ${afterOff.top})`);
  assert.equal((await visibleRows(a)).filter((r) => r.author === GRACE && !r.repostBy).length, 12, 'every row visible again');

  const control = b.locator('[data-skypanel-control]');
  assert.equal(await control.getAttribute('aria-pressed'), 'false');
  await control.click();
  for (const page of [a, b]) await waitForBlock(page, GRACE, 12);
  assert.equal(await control.getAttribute('aria-pressed'), 'true');
  await a.close();
  await b.close();
});

test('it follows the app theme', async () => {
  await setCollapsed({ enabled: true, mode: 'runs', threshold: 3 });
  for (const theme of ['dark', 'dim', 'light']) {
    const page = await browser.openBsky(`/?theme=${theme}`);
    await waitForBlock(page, GRACE, 12);
    assert.equal(await page.locator(`[data-skypanel-group="${GRACE}"]`).getAttribute('data-skypanel-theme'), theme);
    await page.close();
  }
  // The theme switched while the page is open (bsky.app changes the html element's class,
  // theme--light|dim|dark): the blocks on the page follow at once, and blocks made
  // afterwards take the new one.
  const page = await browser.openBsky('/?theme=dark');
  await waitForBlock(page, GRACE, 12);
  const oldBlock = await page.evaluateHandle((g) => document.querySelector(`[data-skypanel-group="${g}"]`), GRACE);
  const background = () => page.evaluate((b) => b && getComputedStyle(/** @type {Element} */ (b)).backgroundColor, oldBlock);
  assert.equal(await background(), 'rgb(0, 0, 0)');
  await page.evaluate(() => document.documentElement.classList.replace('theme--dark', 'theme--dim'));
  await page.waitForFunction((b) => b?.getAttribute('data-skypanel-theme') === 'dim', oldBlock);
  assert.equal(await background(), 'rgb(22, 30, 39)', 'the block on the page is dim now');
  await page.evaluate(() => document.documentElement.classList.replace('theme--dim', 'theme--light'));
  await page.waitForFunction((b) => b?.getAttribute('data-skypanel-theme') === 'light', oldBlock);
  await page.evaluate(() => /** @type {any} */ (window).__replica.refresh());
  await page.waitForFunction((b) => !b?.isConnected, oldBlock);
  await waitForBlock(page, GRACE, 12);
  assert.equal(await page.locator(`[data-skypanel-group="${GRACE}"]`).getAttribute('data-skypanel-theme'), 'light');
  await page.close();
});

test('fail-safe: an unrecognised layout is left alone and the popup says so', async () => {
  await setCollapsed({ enabled: true, mode: 'runs', threshold: 3 });
  const page = await browser.openBsky('/?broken=1');
  await page.waitForFunction(() => document.documentElement.getAttribute('data-skypanel') === 'unrecognised');
  assert.equal(await leftovers(page), 0);
  assert.equal(await page.locator('[data-skypanel-control]').count(), 0);
  const tabId = await browser.sw.evaluate(async () => {
    const all = await chrome.storage.session.get(null);
    const entry = Object.entries(all).find(([k, v]) => k.startsWith('collapse:') && /** @type {any} */ (v).state === 'unrecognised');
    return Number(entry?.[0].split(':')[1]);
  });
  const popup = await browser.openExtensionPage(`extension/popup/popup.html?tab=${tabId}`);
  await popup.getByTestId('popup-tab-status').filter({ hasText: 'Layout not recognised — collapsed view paused.' }).waitFor();
  // bsky.app's own clicks still work.
  await page.locator('[data-testid^="feedItem-by-"] [data-testid="postText"]').first().click();
  await page.locator('[data-testid^="postThreadItem-by-"]').first().waitFor();
  await popup.close();
  await page.close();
});

test('no flash: new rows landing in the viewport are never painted before they are folded', async () => {
  await setCollapsed({ enabled: true, mode: 'runs', threshold: 3 });
  const page = await browser.openBsky();
  await waitForBlock(page, GRACE, 12);
  // Three new posts by frank: "Load new posts" puts them at the top, inside the viewport.
  const frank = await fetch(`${net.pds}/xrpc/com.atproto.server.createSession`, {
    method: 'POST', headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ identifier: 'frank.test', password: net.password }),
  }).then((r) => r.json());
  for (const text of ['Flash test one', 'Flash test two', 'Flash test three']) {
    await fetch(`${net.pds}/xrpc/com.atproto.repo.createRecord`, {
      method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${frank.accessJwt}` },
      body: JSON.stringify({ repo: frank.did, collection: 'app.bsky.feed.post', record: { $type: 'app.bsky.feed.post', text, createdAt: new Date().toISOString() } }),
    });
  }
  let fresh = 0;
  for (let i = 0; i < 50 && fresh < 3; i++) {
    fresh = await page.evaluate(() => /** @type {any} */ (window).__replica.poll());
    if (fresh < 3) await page.waitForTimeout(100);
  }
  assert.equal(fresh, 3);
  // Before every frame is painted, look for a new row that is on screen and drawn.
  await page.evaluate(() => {
    const w = /** @type {any} */ (window);
    w.__flashes = 0;
    const check = () => {
      for (const el of document.querySelectorAll('[data-testid="postText"]')) {
        if (!/^Flash test/.test(el.textContent ?? '')) continue;
        const rect = el.getBoundingClientRect();
        const style = getComputedStyle(el);
        if (rect.height > 0 && rect.bottom > 0 && rect.top < innerHeight && style.visibility === 'visible') w.__flashes++;
      }
      if (!w.__stopFlashCheck) requestAnimationFrame(check);
    };
    requestAnimationFrame(check);
  });
  // Keep the worker busy for a moment, as a loaded or waking worker would be: the plan for
  // the new rows then arrives several frames after they are inserted.
  const busy = browser.sw.evaluate(() => {
    const end = Date.now() + 400;
    while (Date.now() < end);
  });
  await page.getByTestId('loadLatestBtn').click();
  await busy;
  await page.waitForFunction(() => document.querySelectorAll('[data-skypanel-group="frank.test"]').length > 0);
  await page.waitForTimeout(300);
  const flashes = await page.evaluate(() => {
    const w = /** @type {any} */ (window);
    w.__stopFlashCheck = true;
    return w.__flashes;
  });
  assert.equal(flashes, 0, 'a row that was about to be folded was drawn on screen');
  await page.close();
});

test('the worker stopped between two appends: the content script reconnects and folds on', async () => {
  await setCollapsed({ enabled: true, mode: 'runs', threshold: 3 });
  // The timeline replayed 4 times, 10 rows a page: pages are still to load after the stop.
  const page = await browser.openBsky('/?repeat=4&pageSize=10');
  await page.waitForFunction(() => document.documentElement.getAttribute('data-skypanel') === 'on');
  await page.waitForTimeout(1500); // the status report and name lookups are done: the port is idle
  // The last row loaded before the stop: everything after it is appended afterwards.
  await page.evaluate(() => {
    const rows = document.querySelectorAll('[data-testid="followingFeedPage"] [data-testid^="feedItem-by-"]');
    /** @type {any} */ (window).__lastBefore = rows[rows.length - 1];
  });

  // Chrome stops the worker (as it does when idle), which closes the content script's port.
  const cdp = await browser.context.newCDPSession(page);
  await cdp.send('ServiceWorker.enable');
  await cdp.send('ServiceWorker.stopAllWorkers');
  const popup = await browser.openExtensionPage('extension/popup/popup.html'); // wakes it again
  await popup.getByTestId('popup-core').filter({ hasText: /^ready/ }).waitFor();
  // The new worker drops the first port that reaches it as soon as a request arrives, before
  // answering it: that request must be posted again on another port.
  await browser.sw.evaluate(() => {
    const w = /** @type {any} */ (globalThis);
    w.__ports = 0;
    w.__requests = [];
    chrome.runtime.onConnect.addListener((port) => {
      const n = ++w.__ports;
      port.onMessage.addListener((m) => {
        w.__requests.push({ port: n, id: m.id, type: m.type });
        if (n === 1) port.disconnect();
      });
    });
  });

  for (let i = 0; i < 60 && !(await page.evaluate(() => /** @type {any} */ (window).__replica.state().done[0])); i++) {
    await page.evaluate(() => /** @type {any} */ (window).__replica.loadMore());
    await page.waitForTimeout(50);
  }
  const requests = await browser.sw.evaluate(() => /** @type {any} */ (globalThis).__requests);
  const [dropped] = requests;
  assert.equal(dropped?.port, 1, 'the content script opened a new port after the stop');
  assert.ok(
    requests.some((/** @type {any} */ r) => r.port > 1 && r.id === dropped.id && r.type === dropped.type),
    `the request left unanswered on the dropped port was posted again on a new one: ${JSON.stringify(requests.slice(0, 3))}`,
  );
  // The last copy of each flood was appended after the stop, and is folded whole.
  const lastBlock = (/** @type {string} */ group) =>
    page.waitForFunction((g) => {
      const all = document.querySelectorAll(`[data-skypanel-group="${g}"]`);
      const last = all[all.length - 1];
      const before = /** @type {any} */ (window).__lastBefore;
      return last && before.compareDocumentPosition(last) & Node.DOCUMENT_POSITION_FOLLOWING ? Number(last.getAttribute('data-skypanel-count')) : 0;
    }, group).then((h) => h.jsonValue());
  assert.equal(await lastBlock(GRACE), 12);
  assert.equal(await lastBlock(HEIDI), 8);
  // Every folded row is in a block, and no row is left hidden waiting for a plan.
  await page.waitForFunction(() => !document.querySelector('[data-skypanel-pending]'));
  const tally = await page.evaluate(() => ({
    folded: document.querySelectorAll('[data-skypanel-folded]').length,
    inBlocks: Array.from(document.querySelectorAll('[data-skypanel-group]')).reduce((n, b) => n + Number(b.getAttribute('data-skypanel-count')), 0),
  }));
  assert.equal(tally.folded, tally.inBlocks);
  await popup.close();
  await page.close();
});

test('no console errors while folding', async () => {
  assert.deepEqual(browser.errors, []);
  const info = await browser.extensionInfo();
  assert.deepEqual(info.runtimeErrors, []);
});
