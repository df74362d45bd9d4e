// @ts-check
/**
 * The library and Bluesky's own bookmarks, signed in on the local network: importing the
 * account's bookmarks into the library, and the option to bookmark on Bluesky when saving.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { launch, network, sendFromPage, signInThroughOptions } from './harness.mjs';

const net = network();
/** @type {Awaited<ReturnType<typeof launch>>} */
let browser;
/** @type {import('playwright-core').Page} */
let options;
/** Bookmarks this file made on the network, removed at the end (other files share it). */
const made = new Set();

before(async () => {
  browser = await launch({ replica: false });
  options = await signInThroughOptions(browser, 'alice');
});
after(async () => {
  for (const uri of made) await sendFromPage(options, 'api.call', { op: 'deleteBookmark', uri });
  await browser?.close();
});

/** @param {string} type @param {any} [payload] */
async function send(type, payload) {
  const answer = await sendFromPage(options, type, payload);
  assert.equal(answer.error, undefined, `${type}: ${JSON.stringify(answer.error)}`);
  return answer.value;
}

/** The uri and cid of the first post by `who` whose log entry matches. @param {string} who */
async function postBy(who) {
  const entry = net.log.find((/** @type {any} */ e) => e.kind === 'post' && e.by === who);
  const [post] = await send('api.call', { op: 'posts', uris: [entry.uri] });
  return { uri: post.uri, cid: post.cid };
}

const bookmarked = async () => (await send('api.call', { op: 'bookmarks', limit: 100 })).bookmarks.map((/** @type {any} */ b) => b.subject.uri);

test('"Import my Bluesky bookmarks" copies them into the library, with their media', async () => {
  const eve = await postBy('eve');
  await send('api.call', { op: 'createBookmark', ...eve });
  made.add(eve.uri);
  await options.getByTestId('options-import-bookmarks').click();
  await options.getByTestId('options-library-status').filter({ hasText: 'Imported' }).waitFor();
  assert.match((await options.getByTestId('options-library-status').textContent()) ?? '', /[1-9]\d* added/);
  const { posts } = await send('library.search', { query: { author: 'eve.test' } });
  assert.deepEqual(posts.map((/** @type {any} */ p) => p.uri), [eve.uri]);
  for (let i = 0; i < 120 && (await send('library.usage')).pendingMedia > 0; i++) await new Promise((r) => setTimeout(r, 250));
  const [entry] = (await send('library.search', { query: { author: 'eve.test' } })).posts.map((/** @type {any} */ p) => JSON.parse(p.entry));
  assert.equal(entry.media.find((/** @type {any} */ m) => m.kind === 'avatar')?.state, 'done', 'the avatar is backed up');
  // Importing again adds nothing.
  const again = await send('library.importBookmarks');
  assert.equal(again.added, 0);
  assert.ok(again.already >= 1);
});

test('with the option on, saving also bookmarks the post on Bluesky', async () => {
  const frank = await postBy('frank');
  assert.ok(!(await bookmarked()).includes(frank.uri));
  await options.getByTestId('options-bookmark-too').check();
  await options.waitForFunction(async () => (await chrome.storage.local.get('library')).library?.bookmarkToo === true);
  const saved = await send('library.save', { uri: frank.uri });
  made.add(frank.uri);
  assert.equal(saved.bookmarked, true);
  assert.ok((await bookmarked()).includes(frank.uri), 'the post is in the Bluesky bookmarks');

  await options.getByTestId('options-bookmark-too').uncheck();
  await options.waitForFunction(async () => (await chrome.storage.local.get('library')).library?.bookmarkToo === false);
  const dan = await postBy('dan');
  const plain = await send('library.save', { uri: dan.uri });
  assert.equal(plain.bookmarked, false);
  assert.ok(!(await bookmarked()).includes(dan.uri), 'without the option, Bluesky is not touched');
});

test('no console errors', () => {
  assert.deepEqual(browser.errors, []);
});
