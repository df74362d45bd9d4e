// @ts-check
/**
 * The bsky.app replica behaves like the real web client where a content script can tell:
 * real data, bsky.app's CSP, infinite scroll, hidden tabs, pushState navigation, new posts
 * and refresh. If these break, every content-script test built on the replica is suspect.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { BSKY_CSP } from '../replica/routes.mjs';
import { launch, network, visibleRows } from './harness.mjs';

/** @type {Awaited<ReturnType<typeof launch>>} */
let browser;
/** @type {import('playwright-core').Page} */
let page;

before(async () => {
  browser = await launch();
  page = await browser.openBsky();
});
after(async () => {
  await browser?.close();
});

const rowCount = () => page.evaluate(() => document.querySelectorAll('[data-testid="followingFeedPage"] [data-testid^="feedItem-by-"]').length);

test('serves bsky.app with its real CSP: wasm cannot compile in the page', async () => {
  const response = await page.goto('https://bsky.app/');
  assert.equal(response?.headers()['content-security-policy'], BSKY_CSP);
  await page.waitForFunction(() => document.documentElement.dataset.replicaReady === 'true');
  const result = await page.evaluate(() =>
    WebAssembly.compile(new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0])).then(() => 'compiled', (e) => e.name),
  );
  assert.equal(result, 'CompileError');
});

test('rows carry the real handles and rkeys of the viewer timeline', async () => {
  const timeline = JSON.parse(await /** @type {any} */ (browser.replica).xrpc('app.bsky.feed.getTimeline', { limit: '100' }));
  const known = new Set(timeline.feed.flatMap((/** @type {any} */ i) => [i.post, i.reply?.parent, i.reply?.root].filter(Boolean).map((p) => `/profile/${p.author.handle}/post/${p.uri.split('/').pop()}`)));
  const rows = await visibleRows(page);
  assert.ok(rows.length >= 25, `first page rendered (${rows.length} rows)`);
  for (const row of rows) {
    assert.ok(row.href && known.has(row.href), `row ${row.href} is a real post`);
    assert.ok(row.href.startsWith(`/profile/${row.author}/post/`), 'the testid handle is the author');
  }
  const net = network();
  assert.equal(rows.filter((r) => r.repostBy === net.floods.reposts.account).length, net.floods.reposts.count);
  // The first row of a repost slice has the "Reposted by" link; quoted posts are not rows.
  assert.equal(await page.locator('[role=link][aria-label^="Post by"]').count() > 0, true);
  assert.equal(await page.locator('[data-testid^="feedItem-by-"] [data-testid^="feedItem-by-"]').count(), 0);
});

test('scrolling appends rows to the same container and keeps existing nodes', async () => {
  const before = await rowCount();
  await page.evaluate(() => {
    /** @type {any} */ (document.querySelector('[data-testid^="feedItem-by-"]')).__marker = 'first';
  });
  for (let i = 0; i < 20 && !(await page.evaluate(() => /** @type {any} */ (window).__replica.state().done[0])); i++) {
    await page.mouse.wheel(0, 4000);
    await page.waitForTimeout(150);
  }
  assert.equal(await page.evaluate(() => /** @type {any} */ (window).__replica.state().done[0]), true, 'reached the end of the feed');
  const afterCount = await rowCount();
  assert.ok(afterCount > before, `rows appended: ${before} → ${afterCount}`);
  assert.equal(await page.evaluate(() => /** @type {any} */ (document.querySelector('[data-testid^="feedItem-by-"]')).__marker), 'first');
  const net = network();
  const graceRows = (await visibleRows(page)).filter((r) => r.author === net.floods.posts.account && !r.repostBy);
  assert.equal(graceRows.length, net.floods.posts.count, 'the whole 12-post flood is on the page');
});

test('switching tabs hides the Following page (display:none) and keeps its rows mounted', async () => {
  const following = await rowCount();
  await page.getByTestId('homeScreenFeedTabs-selector-1').click();
  assert.equal(new URL(page.url()).pathname, '/', 'tab switches do not change the URL');
  const state = await page.evaluate(() => ({
    followingVisible: /** @type {HTMLElement} */ (document.querySelector('[data-testid="followingFeedPage"]')).offsetParent !== null,
    discoverVisible: /** @type {HTMLElement} */ (document.querySelector('[data-testid="customFeedPage"]')).offsetParent !== null,
  }));
  assert.deepEqual(state, { followingVisible: false, discoverVisible: true });
  assert.equal(await rowCount(), following, 'hidden rows stay mounted');
  const visible = await visibleRows(page);
  assert.ok(visible.length > 0 && visible.every((r) => !r.repostBy), 'only Discover rows are visible');
  await page.getByTestId('homeScreenFeedTabs-selector-0').click();
  assert.ok((await visibleRows(page)).length === following);
});

test('opening a post uses pushState, keeps Home mounted but hidden, and Back restores it', async () => {
  const rowsBefore = await rowCount();
  const first = page.locator('[data-testid="followingFeedPage"] [data-testid^="feedItem-by-"]').first();
  const href = await first.locator('a[href*="/post/"]').first().getAttribute('href');
  await first.locator('[data-testid="postText"]').click();
  await page.waitForURL(`https://bsky.app${href}`);
  await page.locator('[data-testid^="postThreadItem-by-"]').first().waitFor();
  assert.equal(await rowCount(), rowsBefore, 'Home rows are still in the DOM');
  assert.deepEqual(await visibleRows(page), [], 'but none is visible');
  await page.goBack();
  await page.waitForURL('https://bsky.app/');
  assert.equal((await visibleRows(page)).length, rowsBefore);
});

test('"Load new posts" adds rows above and keeps the existing nodes', async () => {
  const net = network();
  const bob = await fetch(`${net.pds}/xrpc/com.atproto.server.createSession`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ identifier: net.accounts.bob.handle, password: net.password }),
  }).then((r) => r.json());
  const created = await fetch(`${net.pds}/xrpc/com.atproto.repo.createRecord`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${bob.accessJwt}` },
    body: JSON.stringify({ repo: bob.did, collection: 'app.bsky.feed.post', record: { $type: 'app.bsky.feed.post', text: 'Breaking: a brand-new post', createdAt: new Date().toISOString() } }),
  }).then((r) => r.json());
  const rkey = created.uri.split('/').pop();

  const before = await rowCount();
  await page.evaluate(() => {
    /** @type {any} */ (document.querySelector('[data-testid^="feedItem-by-"]')).__marker = 'old-top';
  });
  // Indexing is asynchronous: poll (as the client does) until the AppView has the post.
  let fresh = 0;
  for (let i = 0; i < 50 && fresh === 0; i++) {
    fresh = await page.evaluate(() => /** @type {any} */ (window).__replica.poll());
    if (!fresh) await page.waitForTimeout(100);
  }
  assert.equal(fresh, 1);
  await page.getByTestId('loadLatestBtn').click();
  await page.waitForFunction((n) => document.querySelectorAll('[data-testid="followingFeedPage"] [data-testid^="feedItem-by-"]').length === n, before + 1);
  const rows = await visibleRows(page);
  assert.equal(rows[0].href, `/profile/${net.accounts.bob.handle}/post/${rkey}`);
  assert.equal(await page.evaluate(() => /** @type {any} */ (document.querySelectorAll('[data-testid^="feedItem-by-"]')[1]).__marker), 'old-top');
});

test('a refresh replaces every row with new nodes', async () => {
  await page.evaluate(() => document.querySelectorAll('[data-testid^="feedItem-by-"]').forEach((el) => {
    /** @type {any} */ (el).__old = true;
  }));
  await page.getByTestId('homeScreenFeedTabs-selector-0').click(); // tapping the selected tab refreshes
  await page.waitForFunction(() => /** @type {any} */ (window).__replica.state().refreshes === 1);
  const stale = await page.evaluate(() => Array.from(document.querySelectorAll('[data-testid="followingFeedPage"] [data-testid^="feedItem-by-"]')).filter((el) => /** @type {any} */ (el).__old).length);
  assert.equal(stale, 0);
  assert.ok((await visibleRows(page)).length >= 25);
});

/** The Post.tsx rows on a screen: [{testid, href}] of each `role=link` box with its own action bar. */
const postRows = (/** @type {import('playwright-core').Page} */ p, /** @type {string} */ screen) =>
  p.evaluate((s) =>
    Array.from(document.querySelectorAll(`[data-testid="${s}"] [role="link"]`))
      .filter((box) => box.querySelector('[data-testid="replyBtn"]') && /** @type {HTMLElement} */ (box).offsetParent !== null)
      .map((box) => ({ testid: box.getAttribute('data-testid'), href: box.querySelector('a[href*="/post/"]')?.getAttribute('href') })),
  screen);
const permalink = (/** @type {any} */ post) => `/profile/${post.author.handle}/post/${post.uri.split('/').pop()}`;

test('search: searchPosts results as rows with no per-post testid; tabs hide pages and keep them mounted', async () => {
  const replica = /** @type {any} */ (browser.replica);
  const search = await browser.openBsky('/search?q=T-minus');
  const top = JSON.parse(await replica.xrpc('app.bsky.feed.searchPosts', { q: 'T-minus', sort: 'top' })).posts;
  assert.equal(top.length, 4);
  await search.waitForFunction(() => document.querySelectorAll('[data-testid="searchScreen"] [data-testid="replyBtn"]').length >= 4);
  assert.deepEqual(await postRows(search, 'searchScreen'), top.map((/** @type {any} */ p) => ({ testid: null, href: permalink(p) })));
  assert.equal(await search.locator('[data-testid="searchScreen"] [data-testid^="feedItem-by-"]').count(), 0);
  const tabs = search.locator('[data-testid="searchScreen"] [role="tablist"] [role="tab"]');
  assert.deepEqual(await tabs.allTextContents(), ['Top', 'Latest', 'People', 'Feeds']);
  // SearchResults gives its TabBar no testID: the tabs' testids start with "undefined".
  assert.deepEqual(await tabs.evaluateAll((ts) => ts.map((t) => t.getAttribute('data-testid'))), [0, 1, 2, 3].map((i) => `undefined-selector-${i}`));
  const firstTop = await search.locator('[data-testid="searchScreen"] [data-testid="replyBtn"]').first().elementHandle();
  await tabs.nth(1).click();
  await search.waitForFunction(() => Array.from(document.querySelectorAll('[data-testid="searchScreen"] [data-testid="replyBtn"]')).filter((b) => /** @type {HTMLElement} */ (b).offsetParent !== null).length >= 4);
  assert.equal(await firstTop?.evaluate((b) => b.isConnected && /** @type {HTMLElement} */ (b).offsetParent === null), true, 'the Top page stays mounted, hidden');
  assert.equal((await postRows(search, 'searchScreen')).length, 4);
  await search.close();
});

test('/saved: getBookmarks as rows with no per-post testid', async () => {
  const replica = /** @type {any} */ (browser.replica);
  const [post] = JSON.parse(await replica.xrpc('app.bsky.feed.searchPosts', { q: 'Quiet day' })).posts;
  await replica.xrpc('app.bsky.bookmark.createBookmark', {}, { uri: post.uri, cid: post.cid });
  try {
    // The AppView lists a new bookmark once it has indexed it: wait for that, not a time.
    const listed = async () => JSON.parse(await replica.xrpc('app.bsky.bookmark.getBookmarks', {})).bookmarks;
    let bookmarks = await listed();
    for (let i = 0; i < 100 && !bookmarks.some((/** @type {any} */ b) => b.item?.uri === post.uri); i++) {
      await new Promise((r) => setTimeout(r, 100));
      bookmarks = await listed();
    }
    const saved = await browser.openBsky('/saved');
    await saved.waitForFunction(() => document.querySelector('[data-testid="bookmarksScreen"] [data-testid="replyBtn"]'));
    assert.deepEqual(await postRows(saved, 'bookmarksScreen'), bookmarks.map((/** @type {any} */ b) => ({ testid: null, href: permalink(b.item) })));
    assert.ok((await postRows(saved, 'bookmarksScreen')).some((r) => r.href === permalink(post)));
    const label = await saved.locator('[data-testid="bookmarksScreen"] [data-testid="postBookmarkBtn"]').first().getAttribute('aria-label');
    assert.equal(label, 'Remove from saved posts');
    await saved.close();
  } finally {
    await replica.xrpc('app.bsky.bookmark.deleteBookmark', {}, { uri: post.uri });
  }
});

test('no console errors on the replica', () => {
  assert.deepEqual(browser.errors, []);
});
