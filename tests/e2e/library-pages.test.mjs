// @ts-check
/**
 * Save buttons where bsky.app's rows carry no per-post testid: search results
 * (/search?q=…) and bsky.app's own bookmarks page (/saved), both drawn by its Post
 * component. In Chromium on the replica with the local network: one button per post, never
 * one for a quoted post, saving and removing from each page, the state after a reload, and
 * the collapsed view leaving both pages alone.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { agentFor, evalInContentScript, launch, network, postAndWait, sendFromPage } from './harness.mjs';

const net = network();
/** @type {Awaited<ReturnType<typeof launch>>} */
let browser;
/** @type {import('playwright-core').Page} */
let ext;
/** Bookmarks this file made on the network (as alice, the replica's viewer), removed at the end. */
const made = new Set();

before(async () => {
  browser = await launch();
  ext = await browser.openExtensionPage('extension/popup/popup.html');
  // Signed out: saving reads public posts from the local AppView.
  await sendFromPage(ext, 'settings.set', { appviewUrl: net.appview, plcUrl: net.plc });
});
after(async () => {
  for (const uri of made) await browser?.replica?.xrpc('app.bsky.bookmark.deleteBookmark', {}, { uri }).catch(() => {});
  await browser?.close();
});

/** @param {string} type @param {any} [payload] */
async function send(type, payload) {
  const answer = await sendFromPage(ext, type, payload);
  assert.equal(answer.error, undefined, `${type}: ${JSON.stringify(answer.error)}`);
  return answer.value;
}

/** The saved posts' uris. */
const savedUris = async () => (await send('library.search', { query: { limit: 1000 } })).posts.map((/** @type {any} */ p) => p.uri);

/** A seeded post by `who` whose text contains `text`: {uri, cid}. @param {string} who @param {string} text */
async function seeded(who, text) {
  const uris = net.log.filter((/** @type {any} */ e) => e.kind === 'post' && e.by === who).map((/** @type {any} */ e) => e.uri);
  for (let i = 0; i < uris.length; i += 25) {
    const url = new URL(`${net.appview}/xrpc/app.bsky.feed.getPosts`);
    for (const uri of uris.slice(i, i + 25)) url.searchParams.append('uris', uri);
    const { posts } = await (await fetch(url)).json();
    const found = posts.find((/** @type {any} */ p) => String(p.record.text).includes(text));
    if (found) return { uri: found.uri, cid: found.cid };
  }
  throw new Error(`no seeded post by ${who} with "${text}"`);
}

/** Bookmarks a post on Bluesky as alice (so that it is on /saved). @param {{uri: string, cid: string}} post */
async function bookmark(post) {
  await browser.replica?.xrpc('app.bsky.bookmark.createBookmark', {}, post);
  made.add(post.uri);
}

/**
 * The post boxes of a screen (Post.tsx rows: `role=link` around their own action bar), as
 * the tests see them: text, permalink, save buttons inside, and inside its quote.
 * @param {import('playwright-core').Page} page @param {string} screen the screen's testid
 */
function postsOn(page, screen) {
  return page.evaluate((screen) => {
    const root = document.querySelector(`[data-testid="${screen}"]`);
    return Array.from(root?.querySelectorAll('[role="link"]') ?? [])
      .filter((box) => box.querySelector('[data-testid="replyBtn"]') && /** @type {HTMLElement} */ (box).offsetParent !== null)
      .map((box) => {
        const quote = box.querySelector('[role="link"][aria-label^="Post by"]');
        return {
          text: box.querySelector('[data-testid="postText"]')?.textContent ?? '',
          href: box.querySelector('a[href*="/post/"]')?.getAttribute('href') ?? '',
          buttons: box.querySelectorAll('[data-skypanel-save]').length,
          nextToBookmark: box.querySelector('[data-testid="postBookmarkBtn"] + [data-skypanel-save]') !== null,
          pressed: box.querySelector('[data-skypanel-save]')?.getAttribute('aria-pressed') ?? null,
          quote: quote ? { buttons: quote.querySelectorAll('[data-skypanel-save]').length } : null,
        };
      });
  }, screen);
}

/** The save button of the visible post box on `screen` whose text contains `text`. */
function saveButton(/** @type {import('playwright-core').Page} */ page, /** @type {string} */ screen, /** @type {string} */ text) {
  return page
    .locator(`[data-testid="${screen}"] [role="link"]`)
    .filter({ has: page.locator('[data-testid="replyBtn"]'), hasText: text, visible: true })
    .first()
    .locator('[data-skypanel-save]');
}

/** Waits until a save button says `pressed`. @param {import('playwright-core').Locator} button @param {'true' | 'false'} pressed */
async function pressed(button, pressed) {
  const handle = await button.elementHandle();
  await button.page().waitForFunction(([b, p]) => b?.getAttribute('aria-pressed') === p && !b?.hasAttribute('aria-busy'), /** @type {const} */ ([handle, pressed]));
}

/** Waits until `count` visible posts on `screen` have their button. */
async function buttonsShown(/** @type {import('playwright-core').Page} */ page, /** @type {string} */ screen, /** @type {number} */ count) {
  await page.waitForFunction(
    ([s, n]) => Array.from(document.querySelectorAll(`[data-testid="${s}"] [data-skypanel-save]`)).filter((b) => /** @type {HTMLElement} */ (b).offsetParent !== null).length >= n,
    /** @type {[string, number]} */ ([screen, count]),
  );
}

test('search results: one save button per post, next to bsky.app\'s bookmark, none for a quoted post', async () => {
  const page = await browser.openBsky('/search?q=lovely');
  await buttonsShown(page, 'searchScreen', 1);
  const posts = await postsOn(page, 'searchScreen');
  // Bob quotes carla's photo post: one row, whose quote gets no button of its own.
  assert.equal(posts.length, 1, JSON.stringify(posts));
  assert.match(posts[0].href, /^\/profile\/bob\.test\/post\//);
  assert.deepEqual({ ...posts[0], text: undefined, href: undefined }, { text: undefined, href: undefined, buttons: 1, nextToBookmark: true, pressed: 'false', quote: { buttons: 0 } });

  // The button saves the row's own post, not the quoted one.
  const bob = await seeded('bob', 'lovely');
  const carla = await seeded('carla', 'Café con leche');
  const button = saveButton(page, 'searchScreen', 'lovely');
  await button.click();
  await pressed(button, 'true');
  const saved = await savedUris();
  assert.ok(saved.includes(bob.uri), 'the quoting post is saved');
  assert.ok(!saved.includes(carla.uri), 'the quoted post is not');
  await button.click();
  await pressed(button, 'false');
  assert.ok(!(await savedUris()).includes(bob.uri), 'a second click removes the copy');
  await page.close();
});

test('saving from a search result: "saved" after the copy is stored, on every tab, and after a reload', async () => {
  const page = await browser.openBsky('/search?q=Ivan');
  await buttonsShown(page, 'searchScreen', 4);
  const posts = await postsOn(page, 'searchScreen');
  assert.equal(posts.length, 4, 'ivan\'s 4 notes');
  for (const p of posts) assert.deepEqual([p.buttons, p.nextToBookmark, p.pressed], [1, true, 'false'], p.text);

  const ivan = await seeded('ivan', "Ivan's note 2");
  const button = saveButton(page, 'searchScreen', "Ivan's note 2");
  await button.click();
  await pressed(button, 'true');
  assert.equal(new URL(page.url()).pathname, '/search', 'the click did not open the post');
  assert.ok((await savedUris()).includes(ivan.uri));
  const entry = JSON.parse((await send('library.search', { query: { text: "Ivan's note 2" } })).posts[0].entry);
  assert.equal(entry.post.uri, ivan.uri);

  // The Latest tab mounts its own rows for the same posts: the same state shows there.
  await page.locator('[data-testid="searchScreen"] [role="tab"]').filter({ hasText: 'Latest' }).click();
  await buttonsShown(page, 'searchScreen', 4);
  await pressed(saveButton(page, 'searchScreen', "Ivan's note 2"), 'true');
  await pressed(saveButton(page, 'searchScreen', "Ivan's note 3"), 'false');

  await page.reload();
  await buttonsShown(page, 'searchScreen', 4);
  await pressed(saveButton(page, 'searchScreen', "Ivan's note 2"), 'true');
  await pressed(saveButton(page, 'searchScreen', "Ivan's note 1"), 'false');
  await page.close();
});

test('saving from bsky.app\'s /saved page, the state kept after a reload, and removing', async () => {
  const dan = await seeded('dan', 'Static fire');
  const eve = await seeded('eve', 'what should a Bluesky client fold away');
  await bookmark(dan);
  await bookmark(eve);
  const page = await browser.openBsky('/saved');
  await buttonsShown(page, 'bookmarksScreen', 2);
  const posts = await postsOn(page, 'bookmarksScreen');
  assert.deepEqual(posts.map((p) => p.href.split('/')[2]).sort(), ['dan.test', 'eve.test']);
  for (const p of posts) assert.deepEqual([p.buttons, p.nextToBookmark, p.pressed], [1, true, 'false'], p.text);

  const button = saveButton(page, 'bookmarksScreen', 'Static fire');
  await button.click();
  await pressed(button, 'true');
  assert.equal(new URL(page.url()).pathname, '/saved', 'the click did not open the post');
  const saved = await savedUris();
  assert.ok(saved.includes(dan.uri));
  assert.ok(!saved.includes(eve.uri));

  await page.reload();
  await buttonsShown(page, 'bookmarksScreen', 2);
  const again = saveButton(page, 'bookmarksScreen', 'Static fire');
  await pressed(again, 'true');
  await pressed(saveButton(page, 'bookmarksScreen', 'fold away'), 'false');
  await again.click();
  await pressed(again, 'false');
  assert.ok(!(await savedUris()).includes(dan.uri), 'the copy is removed');
  await page.close();
});

test('the save shortcut saves the focused search result', async () => {
  const page = await browser.openBsky('/search?q=Quiet');
  await buttonsShown(page, 'searchScreen', 1);
  const frank = await seeded('frank', 'Quiet day');
  await page.locator('[data-testid="searchScreen"] [role="link"]').filter({ has: page.locator('[data-testid="replyBtn"]'), hasText: 'Quiet day' }).first().focus();
  // The shortcut's action goes to each tab showing save buttons; only a focused post saves.
  await browser.sw.evaluate(async () => {
    const all = await chrome.storage.session.get(null);
    const ids = Object.keys(all).filter((k) => k.startsWith('save:')).map((k) => Number(k.slice(5)));
    for (const id of ids) await /** @type {any} */ (globalThis).skypanelCommands['save-post']({ id });
  });
  await pressed(saveButton(page, 'searchScreen', 'Quiet day'), 'true');
  assert.ok((await savedUris()).includes(frank.uri));
  await page.close();
});

/**
 * Waits until the collapsed view has looked at the page as it is now: a style change (which
 * the collapsed view answers with a full update) made by the test, then that update done.
 * @param {import('playwright-core').Page} page
 */
async function collapsedViewLooked(page) {
  const count = () => evalInContentScript(browser.context, page, 'SkyPanelContent.metrics.updates.length');
  const before = await count();
  await page.evaluate(() => document.body.style.setProperty('outline-color', 'transparent'));
  for (let i = 0; i < 400 && (await count()) === before; i++) await page.waitForTimeout(25);
  assert.notEqual(await count(), before, 'the collapsed view ran an update');
  await page.evaluate(() => document.body.style.removeProperty('outline-color'));
}

test('the collapsed view leaves search results and /saved alone, even with floods on them', async () => {
  // Grace's posts on /saved, one after another: a flood if it were a feed.
  for (const text of ['Coffee first.', '5/9', '7/9', '8/9']) await bookmark(await seeded('grace', text));
  await browser.sw.evaluate(() => chrome.storage.local.set({ collapsed: { enabled: true } }));
  const page = await browser.openBsky();
  await page.waitForFunction(() => document.documentElement.getAttribute('data-skypanel') === 'on' && document.querySelector('[data-skypanel-group]'));
  const marks = (/** @type {string} */ screen) =>
    page.evaluate((s) => {
      const root = document.querySelector(`[data-testid="${s}"]`);
      return root ? root.querySelectorAll('[data-skypanel-group], [data-skypanel-folded], [data-skypanel-pending], .skypanel-block').length : -1;
    }, screen);

  // In-app navigation from the folded Home (kept mounted, hidden) to a search whose
  // results are 4 posts by dan in a row.
  await page.evaluate(() => /** @type {any} */ (window).__replica.navigate('/search?q=T-minus'));
  await buttonsShown(page, 'searchScreen', 4);
  assert.equal((await postsOn(page, 'searchScreen')).length, 4);
  await collapsedViewLooked(page);
  assert.equal(await marks('searchScreen'), 0, 'nothing folded or marked on the search screen');
  assert.equal(await page.locator('[data-skypanel-control]').filter({ visible: true }).count(), 0, 'no collapsed-view control beside the search tabs');

  await page.evaluate(() => /** @type {any} */ (window).__replica.navigate('/saved'));
  await buttonsShown(page, 'bookmarksScreen', 4);
  const saved = await postsOn(page, 'bookmarksScreen');
  assert.ok(saved.filter((p) => p.href.startsWith('/profile/grace.test/')).length >= 4);
  await collapsedViewLooked(page);
  assert.equal(await marks('bookmarksScreen'), 0, 'nothing folded or marked on /saved');

  // Opened directly. (The replica renders Home before routing, so Home's own rows may be
  // folded, hidden behind the screen: only the screen itself and what shows are checked.)
  for (const [path, screen] of [['/saved', 'bookmarksScreen'], ['/search?q=T-minus', 'searchScreen']]) {
    const direct = await browser.openBsky(path);
    await buttonsShown(direct, screen, 4);
    await collapsedViewLooked(direct);
    const inScreen = await direct.evaluate((s) => document.querySelector(`[data-testid="${s}"]`)?.querySelectorAll('[data-skypanel-group], [data-skypanel-folded], [data-skypanel-pending], .skypanel-block').length ?? -1, screen);
    assert.equal(inScreen, 0, `${path}: nothing folded or marked on the screen`);
    const shown = await direct.evaluate(() => Array.from(document.querySelectorAll('[data-skypanel-group], [data-skypanel-control]')).filter((b) => /** @type {HTMLElement} */ (b).offsetParent !== null).length);
    assert.equal(shown, 0, `${path}: no block or control shows`);
    await direct.close();
  }
  await browser.sw.evaluate(() => chrome.storage.local.set({ collapsed: { enabled: false } }));
  await page.close();
});

/**
 * Posts `text` as `who` with every bsky.app URL in it as a link facet (ASCII text: byte
 * offsets are character offsets). @param {string} who a handle @param {string} text @param {any} [reply]
 */
async function postWithLinks(who, text, reply) {
  const agent = await agentFor(who);
  const facets = Array.from(text.matchAll(/https:\/\/bsky\.app\/\S+/g), (m) => ({
    index: { byteStart: /** @type {number} */ (m.index), byteEnd: /** @type {number} */ (m.index) + m[0].length },
    features: [{ $type: 'app.bsky.richtext.facet#link', uri: m[0] }],
  }));
  return { agent, ...(await postAndWait(agent, { text, facets, ...(reply ? { reply } : {}) })) };
}

test('a thread: the focused post (liked, reposted, its text linking another post) and a reply each save themselves', async () => {
  // The real client's focused post carries links to who reposted and liked it, and links in
  // its text are in-app paths; none of them is its permalink (it has none).
  const [bobPost, carlaPost] = [net.log.find((/** @type {any} */ e) => e.kind === 'post' && e.by === 'bob').uri, net.log.find((/** @type {any} */ e) => e.kind === 'post' && e.by === 'carla').uri];
  const link = (/** @type {string} */ uri, /** @type {string} */ handle) => `https://bsky.app/profile/${handle}/post/${uri.split('/').pop()}`;
  const root = await postWithLinks(net.hostile.account, `Read this first: ${link(bobPost, 'bob.test')}`);
  // By mallory, liked, reposted and answered by ivan: nobody alice follows, so her timeline
  // (which the other test files read) stays as seeded.
  const fan = await agentFor(net.accounts.ivan.handle);
  await fan.like(root.uri, root.cid);
  await fan.repost(root.uri, root.cid);
  const replyRef = { root: { uri: root.uri, cid: root.cid }, parent: { uri: root.uri, cid: root.cid } };
  const reply = await postWithLinks(net.accounts.ivan.handle, `And this one: ${link(carlaPost, 'carla.test')}`, replyRef);
  const ready = async () => {
    const url = `${net.appview}/xrpc/app.bsky.feed.getPostThread?uri=${encodeURIComponent(root.uri)}`;
    const { thread } = await (await fetch(url)).json();
    return thread?.post?.likeCount > 0 && thread?.post?.repostCount > 0 && thread?.replies?.length > 0;
  };
  for (let i = 0; i < 100 && !(await ready()); i++) await new Promise((r) => setTimeout(r, 100));
  assert.ok(await ready(), 'the AppView shows the like, the repost and the reply');

  const page = await browser.openBsky(`/profile/${net.hostile.account}/post/${root.uri.split('/').pop()}`);
  const focused = page.locator(`[data-testid="postThreadItem-by-${net.hostile.account}"]:not([role="link"])`);
  await focused.locator('a[href$="/reposted-by"]').waitFor();
  await focused.locator('a[href$="/liked-by"]').waitFor();
  assert.equal(await focused.locator(`a[href="/profile/bob.test/post/${bobPost.split('/').pop()}"]`).count(), 1, 'the text links bob\'s post by its path');
  const replyItem = page.locator(`[data-testid="postThreadItem-by-${net.accounts.ivan.handle}"][role="link"]`);
  await replyItem.waitFor();
  assert.equal(await focused.locator('[data-skypanel-save]').count(), 1, 'the focused post has its button');
  assert.equal(await replyItem.locator('[data-skypanel-save]').count(), 1, 'the reply has its button');

  await focused.locator('[data-skypanel-save]').click();
  await pressed(focused.locator('[data-skypanel-save]'), 'true');
  await replyItem.locator('[data-skypanel-save]').click();
  await pressed(replyItem.locator('[data-skypanel-save]'), 'true');
  const saved = await savedUris();
  assert.ok(saved.includes(root.uri), 'the focused post is saved');
  assert.ok(saved.includes(reply.uri), 'the reply is saved');
  assert.ok(!saved.includes(bobPost) && !saved.includes(carlaPost), 'not the posts their texts link to');
  await page.close();
});

test('no console errors', () => {
  assert.deepEqual(browser.errors, []);
});
