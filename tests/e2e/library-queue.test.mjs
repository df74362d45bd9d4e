// @ts-check
/**
 * Saves that fail are queued and retried, and removed posts' media are deleted: in Chromium
 * on the bsky.app replica, signed in through a fault-injecting proxy in front of the local
 * PDS (this file's own, so no other test file's faults mix with these). A save made while
 * Bluesky does not answer shows "pending" (never "saved"), is kept in IndexedDB with its
 * tags and note, lands when Bluesky answers again — after "Retry now", or on the retry alarm
 * with the worker stopped meanwhile — and turns every button "saved"; a deleted post is
 * refused, not queued; clicking a pending button (or Cancel on the library page) cancels it.
 * Removing posts deletes the media files no other saved post names once the Undo window has
 * passed, keeps shared ones, and the storage figure goes down.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { crc32 } from 'node:zlib';
import { after, afterEach, before, test } from 'node:test';
import { startFaultProxy } from '../network/fault-proxy.mjs';
import { makePng } from '../network/png.mjs';
import { agentFor, launch, libraryMediaHashes, network, postAndWait, sendFromPage } from './harness.mjs';

const net = network();
/** @type {Awaited<ReturnType<typeof launch>>} */
let browser;
/** @type {import('playwright-core').Page} */
let ext;
/** @type {Awaited<ReturnType<typeof startFaultProxy>>} */
let proxy;

/** Replaces the proxy's fault rules (see tests/network/fault-proxy.mjs). @param {any[]} rules */
const faults = (rules) => fetch(`${proxy.url}/__faults`, { method: 'POST', body: JSON.stringify({ rules }) }).then((r) => r.json());
/** Requests the proxy saw since the rules were last set. */
const seen = () => fetch(`${proxy.url}/__faults`).then((r) => r.json()).then((r) => r.seen);

before(async () => {
  proxy = await startFaultProxy(net.pds);
  browser = await launch();
  ext = await browser.openExtensionPage('extension/popup/popup.html');
  await send('settings.set', { appviewUrl: net.appview, plcUrl: net.plc });
  // Signed in through the proxy: every post a save fetches goes through it (to the PDS,
  // which asks the AppView); media come from the PDS itself, unaffected.
  const signedIn = await send('session.signIn', { identifier: net.viewer.handle, password: net.password, service: proxy.url });
  assert.equal(signedIn.service, proxy.url);
});
// A test that fails half-way leaves Bluesky answering for the next one.
afterEach(() => faults([]));
after(async () => {
  await browser?.close();
  await proxy?.close();
});

/** @param {string} type @param {any} [payload] */
async function send(type, payload) {
  const answer = await sendFromPage(ext, type, payload);
  assert.equal(answer.error, undefined, `${type}: ${JSON.stringify(answer.error)}`);
  return answer.value;
}

/**
 * The first row by `author` whose text contains `text`.
 * @param {import('playwright-core').Page} page @param {string} author @param {string} text
 */
const row = (page, author, text) => page.locator(`[data-testid="feedItem-by-${author}"]`).filter({ hasText: text, visible: true }).first();

/**
 * Waits until a save button shows `state` (and is not busy).
 * @param {import('playwright-core').Locator} button @param {'saved' | 'unsaved' | 'pending' | 'failed'} state
 */
async function shows(button, state, timeout = 30_000) {
  const handle = await button.elementHandle();
  await button.page().waitForFunction(
    ([b, s]) => b?.getAttribute('data-skypanel-save-state') === s && !b?.hasAttribute('aria-busy'),
    /** @type {const} */ ([handle, state]),
    { timeout },
  );
}

/** The saved entry of a post, or null. @param {string} uri */
async function savedEntry(uri) {
  const { posts } = await send('library.search', { query: { limit: 1000 } });
  const found = posts.find((/** @type {any} */ p) => p.uri === uri);
  return found ? JSON.parse(found.entry) : null;
}

/** Waits until every queued media download was tried. */
async function backupDone() {
  for (let i = 0; i < 120; i++) {
    if ((await send('library.usage')).pendingMedia === 0) return;
    await new Promise((r) => setTimeout(r, 250));
  }
  assert.fail('the media backup did not finish');
}

/** The at-uri a bsky.app row's permalink names. @param {import('playwright-core').Locator} item */
async function uriOfRow(item) {
  const href = (await item.locator('a[href*="/post/"]').first().getAttribute('href')) ?? '';
  const [, , handle, , rkey] = href.split('/');
  const did = Object.values(net.accounts).find((/** @type {any} */ a) => a.handle === handle)?.did;
  return `at://${did}/app.bsky.feed.post/${rkey}`;
}

const GET_POSTS = 'app.bsky.feed.getPosts';

/**
 * Posts as mallory (the seed's throwaway account) and waits until the AppView shows it.
 * @param {object} record
 */
async function postAsMallory(record) {
  const agent = await agentFor(net.hostile.account);
  return { agent, ...(await postAndWait(agent, record)) };
}

/**
 * A valid PNG of about `bytes` bytes: a small picture plus a private ancillary chunk of
 * random bytes (decoders skip it), so its backed-up copy is big enough to see on the disk.
 * @param {number} bytes
 */
function bigPng(bytes) {
  const png = makePng(64, 48, [40, 90, 200], [250, 250, 250]);
  const data = Buffer.concat([Buffer.from('skPn', 'ascii'), randomBytes(bytes)]);
  const head = Buffer.alloc(4);
  head.writeUInt32BE(bytes);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(data));
  const end = png.length - 12; // before IEND
  return Buffer.concat([png.subarray(0, end), head, data, crc, png.subarray(end)]);
}

test('a save while Bluesky fails is queued — pending, not saved — and lands when it answers again', async () => {
  await faults([{ path: GET_POSTS, fault: '500' }]);
  const page = await browser.openBsky();
  const item = row(page, 'carla.test', 'Café con leche');
  const button = item.locator('[data-skypanel-save]');
  await button.click();
  await shows(button, 'pending');
  assert.equal(await button.getAttribute('aria-pressed'), 'false', 'not "saved": nothing is stored yet');
  assert.match((await button.getAttribute('title')) ?? '', /will save when Bluesky answers/);
  assert.equal(await button.getAttribute('data-skypanel-error'), null);
  assert.ok((await seen()).some((/** @type {any} */ s) => s.path.includes(GET_POSTS) && s.fault === '500'), 'the save did ask, and failed');

  const uri = await uriOfRow(item);
  assert.equal(await savedEntry(uri), null, 'nothing stored');
  const [queued] = await send('library.queue');
  assert.equal(queued.uri, uri);
  assert.equal(queued.failed, false);
  assert.match(queued.error, /server/i);
  assert.ok(queued.nextAt >= Date.now() + 20_000, 'the next try waits (30 s)');
  const alarm = await browser.sw.evaluate(() => chrome.alarms.get('skypanel-saves'));
  assert.ok(alarm && Math.abs(alarm.scheduledTime - queued.nextAt) < 2000, `the retry alarm is set for the next try: ${JSON.stringify(alarm)}`);
  assert.equal((await send('library.usage')).queuedSaves, 1);
  const badge = () => browser.sw.evaluate(async () => ({ text: await chrome.action.getBadgeText({}), title: await chrome.action.getTitle({}) }));
  assert.deepEqual(await badge(), { text: '1', title: 'SkyPanel — 1 save waits for Bluesky to answer' }, 'the toolbar shows it');

  // The library page lists it; Bluesky answers again; "Retry now" lands it.
  const library = await browser.openExtensionPage('extension/library/library.html');
  const queue = library.getByTestId('library-queue');
  await queue.waitFor();
  assert.match((await library.getByTestId('library-queue-count').textContent()) ?? '', /^1 save waits for Bluesky/);
  assert.equal(await queue.locator('li[data-queue-id]').count(), 1);
  await faults([]);
  await library.getByTestId('library-queue-retry').click();
  await queue.waitFor({ state: 'hidden' });
  // The worker announced it: the open bsky.app tab turns "saved".
  await shows(button, 'saved');
  assert.equal(await button.getAttribute('aria-pressed'), 'true');
  await library.locator(`li[data-uri="${uri}"]`).waitFor();

  await backupDone();
  const entry = await savedEntry(uri);
  const image = entry.media.find((/** @type {any} */ m) => m.kind === 'image');
  assert.equal(image.state, 'done');
  const uploaded = net.media.find((/** @type {any} */ m) => m.cid === image.cid);
  assert.equal((await libraryMediaHashes(browser))[image.file], uploaded.sha256, 'the original image, byte for byte');
  assert.deepEqual(await send('library.queue'), []);
  assert.deepEqual(await badge(), { text: '', title: 'SkyPanel' }, 'no badge once nothing waits');
  assert.equal((await browser.sw.evaluate(() => chrome.alarms.get('skypanel-saves'))) ?? null, null, 'no alarm left');
  await library.close();
  await page.close();
});

test('the worker stopped while a save is queued: it lands on the retry alarm, with its tags and note', async () => {
  const page = await browser.openBsky();
  const item = row(page, 'dan.test', 'Launch window opens');
  const button = item.locator('[data-skypanel-save]');
  await shows(button, 'unsaved');
  const uri = await uriOfRow(item);
  const rkey = uri.split('/').pop();
  // A PDS that is down: connections dropped without an answer. Saved as the link menu item
  // does it (by handle), with tags and a note.
  await faults([{ path: GET_POSTS, fault: 'drop' }]);
  const answer = await send('library.save', { actor: 'dan.test', rkey, tags: ['later'], note: 'Saved while offline' });
  assert.equal(answer.saved, false);
  assert.equal(answer.queued, true);
  // Every open tab hears of it.
  await shows(button, 'pending');

  const cdp = await browser.context.newCDPSession(page);
  await cdp.send('ServiceWorker.enable');
  await cdp.send('ServiceWorker.stopAllWorkers');
  await faults([]);
  // Nothing but the alarm (30 s after the failure) tries it again; waking the worker with a
  // question does not.
  const started = Date.now();
  let entry = null;
  while (!entry && Date.now() - started < 75_000) {
    await new Promise((r) => setTimeout(r, 1000));
    entry = await savedEntry(uri);
  }
  assert.ok(entry, 'the queued save landed after the worker was stopped');
  assert.deepEqual(entry.tags, ['later']);
  assert.equal(entry.note, 'Saved while offline');
  await shows(button, 'saved');
  assert.deepEqual(await send('library.queue'), []);
  await page.close();
});

test('a deleted post is refused with a clear message, not queued', async () => {
  const { agent, uri, visible } = await postAsMallory({ text: 'Gone before it was saved' });
  await agent.deletePost(uri);
  for (let i = 0; i < 100 && (await visible()); i++) await new Promise((r) => setTimeout(r, 100));
  const refused = await sendFromPage(ext, 'library.save', { uri });
  assert.equal(refused.error?.name, 'NotFound');
  assert.match(refused.error?.message ?? '', /deleted/);
  assert.deepEqual(await send('library.queue'), []);
  assert.equal(await savedEntry(uri), null);
});

test('a queued save whose post is deleted meanwhile is refused when tried again, and says why', async () => {
  const { agent, uri, visible } = await postAsMallory({ text: 'Deleted while the save waited' });
  const [, , did, , rkey] = uri.split('/');
  await faults([{ path: GET_POSTS, fault: '500' }]);
  assert.equal((await send('library.save', { uri })).queued, true);
  await agent.deletePost(uri);
  for (let i = 0; i < 100 && (await visible()); i++) await new Promise((r) => setTimeout(r, 100));
  await faults([]);
  const [refused] = await send('library.retryQueued', {});
  assert.equal(refused.failed, true);
  assert.equal(refused.nextAt, null, 'not tried again by itself');
  assert.match(refused.error, /deleted/);
  assert.deepEqual(await send('library.status', { posts: [{ actor: did, rkey }] }), ['failed']);
  const library = await browser.openExtensionPage('extension/library/library.html');
  const listed = library.locator(`[data-testid=library-queue] li[data-queue-id="${uri}"]`);
  await listed.waitFor();
  assert.match((await listed.textContent()) ?? '', /refused: .*deleted/);
  assert.match((await library.getByTestId('library-queue-count').textContent()) ?? '', /1 could not be saved/);
  await listed.getByTestId('library-queue-cancel').click();
  await library.getByTestId('library-queue').waitFor({ state: 'hidden' });
  assert.deepEqual(await send('library.status', { posts: [{ actor: did, rkey }] }), [false]);
  await library.close();
});

test('clicking a pending button cancels the queued save; so does Cancel on the library page', async () => {
  await faults([{ path: GET_POSTS, fault: '429', resetIn: 3600 }]);
  const page = await browser.openBsky();
  const item = row(page, 'bob.test', 'Last one for today.');
  const button = item.locator('[data-skypanel-save]');
  await button.click();
  await shows(button, 'pending');
  assert.match((await send('library.queue'))[0]?.error ?? '', /try again in/, 'a far rate-limit reset queues the save');
  await button.click();
  await shows(button, 'unsaved');
  assert.equal(await button.getAttribute('aria-pressed'), 'false');
  assert.deepEqual(await send('library.queue'), []);

  // Queued again, then cancelled from the library page.
  await button.click();
  await shows(button, 'pending');
  const library = await browser.openExtensionPage('extension/library/library.html');
  await library.getByTestId('library-queue').waitFor();
  await library.getByTestId('library-queue-cancel').click();
  await library.getByTestId('library-queue').waitFor({ state: 'hidden' });
  await shows(button, 'unsaved');
  assert.deepEqual(await send('library.queue'), []);

  // Bluesky answers again: nothing cancelled lands.
  await faults([]);
  await send('library.retryQueued', {});
  assert.equal(await savedEntry(await uriOfRow(item)), null);
  await library.close();
  await page.close();
});

test('removed posts\' media are deleted after the Undo window, unless another post names them', async () => {
  // Carla's photo post (saved above) and her reply share one file: her avatar.
  const carla = net.accounts.carla.did;
  const uris = net.log.filter((/** @type {any} */ e) => e.kind === 'post' && e.by === 'carla').map((/** @type {any} */ e) => e.uri);
  for (const uri of uris) await send('library.save', { uri });
  await backupDone();
  const entries = await Promise.all(uris.map(savedEntry));
  const photo = entries.find((e) => e.media.some((/** @type {any} */ m) => m.kind === 'image'));
  const reply = entries.find((e) => e !== photo);
  assert.ok(photo && reply, 'a post with a photo and one without');
  const image = photo.media.find((/** @type {any} */ m) => m.kind === 'image').file;
  const avatar = photo.media.find((/** @type {any} */ m) => m.kind === 'avatar' && m.owner === carla).file;
  assert.ok(reply.media.some((/** @type {any} */ m) => m.file === avatar), 'the reply names the same avatar file');
  const before = await libraryMediaHashes(browser);
  assert.ok(before[image] && before[avatar]);
  const sweep = () => browser.sw.evaluate(() => /** @type {any} */ (globalThis).skypanelLibrary.sweepOrphans(Date.now() + 5 * 60_000 + 1000));

  // Removed on the library page and put back with Undo: the files stay, nothing downloads again.
  const library = await browser.openExtensionPage('extension/library/library.html');
  const li = library.locator(`li[data-uri="${photo.uri}"]`);
  await li.getByRole('button', { name: 'Remove' }).click();
  await library.getByTestId('library-undo').click();
  await li.waitFor();
  assert.deepEqual(await sweep(), [], 'a post put back names its files again');
  assert.equal((await savedEntry(photo.uri)).media.find((/** @type {any} */ m) => m.file === image).state, 'done');
  assert.equal((await libraryMediaHashes(browser))[image], before[image]);

  // Removed for good: within the Undo window the files are still there.
  await li.getByRole('button', { name: 'Remove' }).click();
  await li.waitFor({ state: 'detached' });
  assert.ok((await libraryMediaHashes(browser))[image], 'kept while Undo is offered');
  const alarm = await browser.sw.evaluate(() => chrome.alarms.get('skypanel-orphans'));
  assert.ok(alarm && alarm.scheduledTime > Date.now() + 4 * 60_000, `the sweep waits for the Undo window: ${JSON.stringify(alarm)}`);
  // Once the window has passed: the photo goes, the avatar the reply names stays.
  assert.deepEqual(await sweep(), [image]);
  const after = await libraryMediaHashes(browser);
  assert.equal(after[image], undefined, 'the unshared file is deleted');
  assert.equal(after[avatar], before[avatar], 'the shared file is kept');

  // The last post naming the avatar removed (from bsky.app's side, no Undo): it goes too.
  await send('library.remove', { uri: reply.uri });
  assert.ok((await sweep()).includes(avatar));
  assert.equal((await libraryMediaHashes(browser))[avatar], undefined);
  await library.close();
});

test('the storage figure goes down when a removed post\'s media are deleted', async () => {
  const mallory = await agentFor(net.hostile.account);
  const { data } = await mallory.uploadBlob(bigPng(2_000_000 - 4096), { encoding: 'image/png' });
  const { uri } = await postAsMallory({
    text: 'A big picture, saved and removed',
    embed: { $type: 'app.bsky.embed.images', images: [{ alt: 'noise', image: data.blob, aspectRatio: { width: 4, height: 3 } }] },
  });
  await send('library.save', { uri });
  await backupDone();
  const image = (await savedEntry(uri)).media.find((/** @type {any} */ m) => m.kind === 'image');
  assert.equal(image.state, 'done');
  assert.ok(image.size > 1_900_000, `the backed-up file: ${image.size} bytes`);
  const usedBefore = (await send('library.usage')).usedBytes;
  await send('library.remove', { uri });
  const deleted = await browser.sw.evaluate(() => /** @type {any} */ (globalThis).skypanelLibrary.sweepOrphans(Date.now() + 5 * 60_000 + 1000));
  assert.ok(deleted.includes(image.file));
  const usedAfter = (await send('library.usage')).usedBytes;
  assert.ok(usedBefore - usedAfter > 1_500_000, `the storage used drops by the file: ${usedBefore} → ${usedAfter}`);
});

test('a library from before the queue (database version 1) keeps its posts and gains the queue', async () => {
  const fresh = await launch({ replica: false });
  try {
    const page = await fresh.openExtensionPage('extension/popup/popup.html');
    assert.deepEqual((await sendFromPage(page, 'library.queue')).value, []);
    // Replace the database with one as the previous version made it, holding one post.
    const rkey = '3kexampleold1';
    await fresh.sw.evaluate(async (key) => {
      const request = (/** @type {IDBOpenDBRequest} */ r) => new Promise((resolve, reject) => {
        r.onsuccess = () => resolve(r.result);
        r.onerror = () => reject(r.error);
      });
      await request(/** @type {any} */ (indexedDB.deleteDatabase('skypanel-library')));
      const open = indexedDB.open('skypanel-library', 1);
      open.onupgradeneeded = () => {
        const db = open.result;
        const posts = db.createObjectStore('posts', { keyPath: 'uri' });
        posts.createIndex('savedAt', 'savedAt');
        posts.createIndex('rkey', 'rkey');
        posts.createIndex('files', 'files', { multiEntry: true });
        db.createObjectStore('media', { keyPath: 'file' });
        db.createObjectStore('jobs', { keyPath: 'file' }).createIndex('nextAt', 'nextAt');
        posts.put({ uri: `at://did:plc:old/app.bsky.feed.post/${key}`, savedAt: 1, rkey: key, authorDid: 'did:plc:old', authorHandle: 'old.test', files: [], entry: '{}', index: {} });
      };
      /** @type {IDBDatabase} */ (await request(open)).close();
    }, rkey);
    assert.equal((await sendFromPage(page, 'library.usage')).value?.posts, 1, 'the post is still there');
    assert.deepEqual((await sendFromPage(page, 'library.status', { posts: [{ actor: 'old.test', rkey }] })).value, [true]);
    assert.deepEqual((await sendFromPage(page, 'library.queue')).value, [], 'the queue exists');
    const version = await fresh.sw.evaluate(async () => {
      const dbs = await indexedDB.databases();
      return dbs.find((d) => d.name === 'skypanel-library')?.version;
    });
    assert.equal(version, 2);
  } finally {
    await fresh.close();
  }
});

test('no console errors', async () => {
  assert.deepEqual(browser.errors, []);
  const info = /** @type {any} */ (await browser.extensionInfo());
  assert.deepEqual(info.runtimeErrors ?? [], []);
});
