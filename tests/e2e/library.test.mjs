// @ts-check
/**
 * Saving posts and the library, in Chromium on the bsky.app replica with the local network:
 * the save button and its test contract, saving from a timeline row and from a thread,
 * the saved state after a reload, media backed up byte for byte (against the blobs the seed
 * uploaded), a worker killed and a browser closed mid-backup, the library page, hostile
 * content kept inert, and export → import into a fresh profile.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { agentFor, appviewPostText, launch, libraryMediaHashes, network, postAndWait, sendFromPage } from './harness.mjs';

const net = network();
/** @type {Awaited<ReturnType<typeof launch>>} */
let browser;
/** @type {import('playwright-core').Page} */
let ext;
const profile = mkdtempSync(join(tmpdir(), 'skypanel-library-'));

/** Points a fresh browser at the local network (signed out: public reads from the AppView). */
async function setUp(/** @type {Awaited<ReturnType<typeof launch>>} */ b) {
  const page = await b.openExtensionPage('extension/popup/popup.html');
  await sendFromPage(page, 'settings.set', { appviewUrl: net.appview, plcUrl: net.plc });
  return page;
}

before(async () => {
  browser = await launch({ profile });
  ext = await setUp(browser);
});
after(async () => {
  await browser?.close();
  rmSync(profile, { recursive: true, force: true });
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

/** Waits until a save button says `pressed`. @param {import('playwright-core').Locator} button @param {'true' | 'false'} pressed */
async function pressed(button, pressed) {
  const handle = await button.elementHandle();
  await button.page().waitForFunction(([b, p]) => b?.getAttribute('aria-pressed') === p && !b?.hasAttribute('aria-busy'), /** @type {const} */ ([handle, pressed]));
}

/** Waits until every media file was tried at least once (unreachable ones are retried later). */
async function backupDone(timeoutMs = 30_000) {
  const start = Date.now();
  for (;;) {
    const usage = await send('library.usage');
    if (usage.pendingMedia === 0) return usage;
    if (Date.now() - start > timeoutMs) assert.fail(`media backup still has ${usage.pendingMedia} files after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** The saved entry of a post. @param {string} uri */
async function savedEntry(uri) {
  const { posts } = await send('library.search', { query: { limit: 1000 } });
  const found = posts.find((/** @type {any} */ p) => p.uri === uri);
  return found ? JSON.parse(found.entry) : null;
}

/** The entry text as stored (to compare bytes). @param {string} uri */
async function savedEntryText(uri) {
  const { posts } = await send('library.search', { query: { limit: 1000 } });
  return posts.find((/** @type {any} */ p) => p.uri === uri)?.entry ?? null;
}

let carlaUri = '';

test('every post gets one save button (the test contract), next to bsky.app\'s own', async () => {
  const page = await browser.openBsky();
  await page.waitForFunction(() => document.querySelectorAll('[data-testid^="feedItem-by-"] [data-skypanel-save]').length > 5);
  const counts = await page.evaluate(() =>
    Array.from(document.querySelectorAll('[data-testid^="feedItem-by-"]')).map((item) => ({
      buttons: item.querySelectorAll('[data-skypanel-save]').length,
      pressed: item.querySelector('[data-skypanel-save]')?.getAttribute('aria-pressed'),
      nextToBookmark: item.querySelector('[data-testid="postBookmarkBtn"] + [data-skypanel-save]') !== null,
    })),
  );
  assert.ok(counts.length > 10);
  for (const c of counts) assert.deepEqual(c, { buttons: 1, pressed: 'false', nextToBookmark: true });
  await page.close();
});

test('saving from a timeline row: "saved" only once stored, byte for byte as the server sent it', async () => {
  const page = await browser.openBsky();
  const button = row(page, 'carla.test', 'Café con leche').locator('[data-skypanel-save]');
  await button.click();
  await pressed(button, 'true');
  assert.equal(page.url(), 'https://bsky.app/', 'the click did not open the post');

  const { posts } = await send('library.search', { query: { text: 'café con leche' } });
  assert.equal(posts.length, 1);
  carlaUri = posts[0].uri;
  const entry = JSON.parse(posts[0].entry);
  assert.equal(entry.post.author.handle, 'carla.test');
  // The entry text holds the post exactly as the AppView serves it.
  assert.ok(posts[0].entry.includes(await appviewPostText(carlaUri)), 'post JSON kept byte for byte');
  await page.close();
});

test('media are backed up: the original image and avatar, byte for byte', async () => {
  await backupDone();
  const entry = await savedEntry(carlaUri);
  const image = entry.media.find((/** @type {any} */ m) => m.kind === 'image');
  const avatar = entry.media.find((/** @type {any} */ m) => m.kind === 'avatar');
  assert.equal(image.state, 'done');
  assert.equal(avatar.state, 'done');
  const hashes = await libraryMediaHashes(browser);
  const uploaded = net.media.find((/** @type {any} */ m) => m.cid === image.cid);
  assert.ok(uploaded, 'the image is one the seed uploaded');
  assert.equal(hashes[image.file], uploaded.sha256, 'the backed-up image is the original upload');
  assert.ok(hashes[avatar.file], 'the avatar is backed up too');
});

test('the saved state shows after a reload', async () => {
  const page = await browser.openBsky();
  const button = row(page, 'carla.test', 'Café con leche').locator('[data-skypanel-save]');
  await pressed(button, 'true');
  assert.equal(await row(page, 'dan.test', 'Launch window opens').locator('[data-skypanel-save]').getAttribute('aria-pressed'), 'false');
  await page.close();
});

test('a video is backed up as its original file; the worker killed mid-backup loses nothing', async () => {
  const page = await browser.openBsky();
  const videoRow = row(page, "dan.test", "Static fire test");
  // An older post: scroll until infinite scroll has loaded it.
  for (let i = 0; i < 20 && !(await videoRow.count()); i++) {
    await page.mouse.wheel(0, 4000);
    await page.waitForTimeout(200);
  }
  const button = videoRow.locator("[data-skypanel-save]");
  await button.click();
  await pressed(button, 'true');
  // Stop the worker right after the acknowledgement, while the backup is (likely) running.
  const cdp = await browser.context.newCDPSession(page);
  await cdp.send('ServiceWorker.enable');
  await cdp.send('ServiceWorker.stopAllWorkers');
  await page.close();
  await backupDone();
  const { posts } = await send('library.search', { query: { kinds: ['video'] } });
  assert.equal(posts.length, 1);
  const entry = JSON.parse(posts[0].entry);
  const video = entry.media.find((/** @type {any} */ m) => m.kind === 'video');
  assert.equal(video.state, 'done');
  const uploaded = net.media.find((/** @type {any} */ m) => m.cid === video.cid);
  assert.equal((await libraryMediaHashes(browser))[video.file], uploaded.sha256, 'the original MP4, byte for byte');
});

test('saving from a thread page, and the browser closed mid-backup loses nothing', async () => {
  const [hostileUri] = net.hostile.posts;
  const rkey = hostileUri.split('/').pop();
  const page = await browser.openBsky(`/profile/${net.hostile.account}/post/${rkey}`);
  const item = page.locator(`[data-testid="postThreadItem-by-${net.hostile.account}"]`);
  const button = item.locator('[data-skypanel-save]');
  await button.click();
  await pressed(button, 'true');
  // Close the browser at once; the media jobs were stored with the post.
  await browser.close();
  browser = await launch({ profile });
  ext = await setUp(browser);
  await backupDone();
  const entry = await savedEntry(hostileUri);
  assert.ok(entry, 'the post saved before the browser closed is there');
  for (const m of entry.media) assert.equal(m.state, 'done', `${m.kind} backed up after the restart: ${m.error}`);
});

test('the library shows saved posts offline-ready, and hostile content stays inert', async () => {
  await send('library.save', { uri: net.hostile.posts[1] });
  const page = await browser.openExtensionPage('extension/library/library.html');
  const items = page.getByTestId('library-posts').locator('li[data-uri]');
  await items.first().waitFor();
  assert.equal(await items.count(), 4);
  // Images come from the backup (blob: URLs), not the network.
  const carla = page.locator(`li[data-uri="${carlaUri}"]`);
  assert.match((await carla.locator('.images img').getAttribute('src')) ?? '', /^blob:/);
  assert.ok(await carla.locator('img').first().evaluate((img) => /** @type {HTMLImageElement} */ (img).complete && /** @type {HTMLImageElement} */ (img).naturalWidth > 0));

  const hostile = page.locator(`li[data-uri="${net.hostile.posts[0]}"]`);
  await hostile.waitFor();
  const report = await page.evaluate(() => ({
    pwned: /** @type {any} */ (globalThis).__pwned ?? null,
    scripts: document.querySelectorAll('main script').length,
    handlers: Array.from(document.querySelectorAll('main *')).filter((el) => Array.from(el.attributes).some((a) => a.name.startsWith('on'))).length,
    javascriptLinks: Array.from(document.querySelectorAll('a')).filter((a) => !/^(https?:|blob:)/.test(a.getAttribute('href') ?? 'https:')).length,
    unsafeLinks: Array.from(document.querySelectorAll('a[target=_blank]')).filter((a) => !/noopener/.test(a.rel)).length,
  }));
  assert.deepEqual(report, { pwned: null, scripts: 0, handlers: 0, javascriptLinks: 0, unsafeLinks: 0 });
  const text = await hostile.locator('.text').first().textContent();
  assert.ok(text?.includes('<script>globalThis.__pwned=1</script>'), 'markup shows as text');
  assert.equal(await hostile.locator('.text a').count(), 1, 'only the https link is a link');
  assert.ok((await hostile.locator('.name').first().textContent())?.includes('<img src=x'), 'the display name shows as text');
  await page.close();
});

test('search finds by text, author and kind', async () => {
  const count = async (/** @type {object} */ query) => (await send('library.search', { query })).total;
  assert.equal((await send('library.usage')).posts, 4);
  // Right after the worker was stopped, a plain listing is answered from IndexedDB before the
  // search index is rebuilt (total unknown), newest first; searches work as before.
  const cdp = await browser.context.newCDPSession(ext);
  await cdp.send('ServiceWorker.enable');
  await cdp.send('ServiceWorker.stopAllWorkers');
  const listing = await send('library.search', { query: { limit: 2 } });
  assert.equal(listing.total, null);
  assert.equal(listing.posts.length, 2);
  assert.ok(listing.posts[0].savedAt >= listing.posts[1].savedAt, 'newest saved first');
  const oldest = await send('library.search', { query: { limit: 1, order: 'oldestFirst' } });
  assert.equal(oldest.posts[0].uri, carlaUri, 'the first post saved comes first');
  assert.equal(await count({ text: 'STATIC fire' }), 1);
  assert.equal(await count({ author: 'carla.test' }), 1);
  assert.equal(await count({ kinds: ['images'] }), 2);
  assert.equal(await count({ text: 'nothing like this' }), 0);
});

test('export → import into a fresh profile reproduces the library exactly', async () => {
  const exported = await send('library.export', {});
  const file = JSON.parse(exported);
  assert.equal(file.format, 'skypanel.saved');
  assert.equal(file.version, 1);
  assert.equal(file.posts.length, 4);

  const fresh = await launch({ replica: false });
  try {
    const page = await setUp(fresh);
    const bad = await sendFromPage(page, 'library.import', { text: '{"format":"something.else","version":1,"posts":[]}' });
    assert.equal(bad.error?.name, 'InvalidInput');
    assert.match(bad.error?.message ?? '', /not a SkyPanel export/);
    const report = await sendFromPage(page, 'library.import', { text: exported });
    assert.deepEqual(report.value, { added: 4, merged: 0, skipped: 0 });
    const again = await sendFromPage(page, 'library.import', { text: exported });
    assert.deepEqual(again.value, { added: 0, merged: 0, skipped: 4 }, 'importing twice adds nothing');
    // Media come back from the network, then both libraries export the same entries.
    for (let i = 0; i < 120; i++) {
      if ((await sendFromPage(page, 'library.usage')).value.pendingMedia === 0) break;
      await new Promise((r) => setTimeout(r, 250));
    }
    const reexported = (await sendFromPage(page, 'library.export', {})).value;
    const lines = (/** @type {string} */ text) => text.split('\n').filter((l) => l.startsWith('{"uri"')).map((l) => l.replace(/,$/, ''));
    assert.equal(lines(exported).length, 4);
    assert.deepEqual(lines(reexported).sort(), lines(exported).sort(), 'entries byte for byte');
    assert.deepEqual(await libraryMediaHashes(fresh), await libraryMediaHashes(browser), 'the same media files, byte for byte');
  } finally {
    await fresh.close();
  }
});

test('a file naming one post twice merges both copies into it', async () => {
  const { posts } = await send('library.search', { query: { author: 'carla.test' } });
  const entry = JSON.parse(posts[0].entry);
  const copy = (/** @type {string[]} */ tags) => JSON.stringify({ ...entry, tags });
  const file = `{"format":"skypanel.saved","version":1,"posts":[\n${copy(['one'])},\n${copy(['two'])}\n]}`;
  assert.deepEqual(await send('library.import', { text: file }), { added: 0, merged: 2, skipped: 0 });
  assert.deepEqual((await savedEntry(entry.uri)).tags, ['one', 'two'], 'the second copy merged into the first, not over it');
});

test('removing a post from the page button', async () => {
  const page = await browser.openBsky();
  const button = row(page, 'carla.test', 'Café con leche').locator('[data-skypanel-save]');
  await pressed(button, 'true');
  await button.click();
  await pressed(button, 'false');
  assert.equal((await send('library.usage')).posts, 3);
  await page.close();
});

test('the save shortcut saves the focused post, the link menu item a linked one; every tab shows it', async () => {
  const page = await browser.openBsky();
  const other = await browser.openBsky();
  const launchRow = row(page, 'dan.test', 'Launch window opens');
  const lastRow = row(page, 'bob.test', 'Last one for today.');
  await launchRow.locator('[data-skypanel-save]').waitFor();
  await lastRow.locator('[data-skypanel-save]').waitFor();
  await row(other, 'dan.test', 'Launch window opens').locator('[data-skypanel-save]').waitFor();
  assert.equal(await launchRow.locator('[data-skypanel-save]').getAttribute('aria-pressed'), 'false');

  // The shortcut's action goes to a tab; only the one whose focus is in a post saves it.
  await launchRow.focus();
  await browser.sw.evaluate(async () => {
    const all = await chrome.storage.session.get(null);
    const ids = Object.keys(all).filter((k) => k.startsWith('save:')).map((k) => Number(k.slice(5)));
    for (const id of ids) await /** @type {any} */ (globalThis).skypanelCommands['save-post']({ id });
  });
  await pressed(launchRow.locator('[data-skypanel-save]'), 'true');
  await pressed(row(other, 'dan.test', 'Launch window opens').locator('[data-skypanel-save]'), 'true');

  // The link menu item, as Chrome calls it for a right-click on a post link.
  const href = await lastRow.locator('a[href*="/post/"]').first().getAttribute('href');
  const saved = await browser.sw.evaluate(
    (linkUrl) => /** @type {any} */ (globalThis).skypanelContextMenu({ menuItemId: 'skypanel-save-link', linkUrl }),
    `https://bsky.app${href}`,
  );
  assert.equal(saved?.saved, true);
  await pressed(lastRow.locator('[data-skypanel-save]'), 'true');
  await pressed(row(other, 'bob.test', 'Last one for today.').locator('[data-skypanel-save]'), 'true');
  const menus = await browser.sw.evaluate(() => chrome.runtime.getManifest().commands);
  assert.equal(menus['save-post'].suggested_key.default, 'Alt+Shift+S');
  await page.close();
  await other.close();
});

test('a saved post deleted on Bluesky stays viewable, marked deleted by a re-check', async () => {
  const agent = await agentFor(net.hostile.account);
  const { uri, visible } = await postAndWait(agent, { text: 'Here today, gone tomorrow' });
  await send('library.save', { uri });
  assert.deepEqual(await send('library.recheck', { uris: [uri] }), { live: 1, deleted: 0, blocked: 0, unknown: 0 });

  await agent.deletePost(uri);
  for (let i = 0; i < 100 && (await visible()); i++) await new Promise((r) => setTimeout(r, 100));
  const report = await send('library.recheck', {});
  assert.equal(report.deleted, 1, JSON.stringify(report));
  assert.equal(report.unknown, 0, JSON.stringify(report));
  const entry = await savedEntry(uri);
  assert.equal(entry.status.state, 'deleted');
  assert.equal(entry.post.record.text, 'Here today, gone tomorrow', 'the copy is kept');

  const page = await browser.openExtensionPage('extension/library/library.html');
  const item = page.locator(`li[data-uri="${uri}"]`);
  await item.waitFor();
  assert.equal(await item.getAttribute('data-status'), 'deleted');
  assert.match((await item.textContent()) ?? '', /Here today, gone tomorrow[\s\S]*|deleted on Bluesky/);
  assert.equal(await item.locator('.badge.gone').textContent(), 'deleted on Bluesky');
  await page.close();
});

test('a full disk: the save is refused with a clear error and not acknowledged', async () => {
  const page = await browser.openBsky();
  const target = row(page, 'frank.test', 'Quiet day.');
  const button = target.locator('[data-skypanel-save]');
  await button.waitFor();
  // A full disk cannot be provoked on the CI machine: make IndexedDB writes fail the way
  // Chrome fails them then (QuotaExceededError), in the worker only, for this test.
  await browser.sw.evaluate(() => {
    const proto = /** @type {any} */ (IDBObjectStore.prototype);
    proto.__put ??= proto.put;
    proto.put = function () {
      throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
    };
  });
  try {
    await button.click();
    await page.waitForFunction((b) => b?.hasAttribute('data-skypanel-error'), await button.elementHandle());
    assert.equal(await button.getAttribute('aria-pressed'), 'false', 'not shown as saved');
    assert.match((await button.getAttribute('title')) ?? '', /disk is full/);
  } finally {
    await browser.sw.evaluate(() => {
      const proto = /** @type {any} */ (IDBObjectStore.prototype);
      proto.put = proto.__put;
    });
  }
  const { posts } = await send('library.search', { query: { text: 'Quiet day' } });
  assert.equal(posts.length, 0, 'nothing was stored');
  await page.close();
});

test('on a profile page every post gets a save button, and the collapsed view leaves it alone', async () => {
  await browser.sw.evaluate(() => chrome.storage.local.set({ collapsed: { enabled: true, mode: 'runs', threshold: 3, everywhere: true } }));
  try {
    const page = await browser.openBsky(`/profile/${net.floods.posts.account}`);
    const rows = page.locator(`[data-testid="postsFeed"] [data-testid="feedItem-by-${net.floods.posts.account}"]`);
    await rows.first().locator('[data-skypanel-save]').waitFor();
    const counts = await page.evaluate(() =>
      Array.from(document.querySelectorAll('[data-testid="postsFeed"] [data-testid^="feedItem-by-"]')).map((r) => r.querySelectorAll('[data-skypanel-save]').length),
    );
    assert.ok(counts.length >= 12, `a flood of ${counts.length} rows`);
    assert.deepEqual([...new Set(counts)], [1], 'one button per row');
    // (Home stays mounted, hidden, behind the profile, folded as it was: only the profile counts.)
    assert.equal(await page.locator('[data-testid="postsFeed"] :is([data-skypanel-group], [data-skypanel-folded])').count(), 0, 'profile pages are never folded');
    const button = rows.filter({ hasText: '9/9 done!' }).locator('[data-skypanel-save]');
    await button.click();
    await pressed(button, 'true');
    const { posts } = await send('library.search', { query: { text: '9/9 done' } });
    assert.equal(posts.length, 1);
    assert.equal(JSON.parse(posts[0].entry).post.author.handle, net.floods.posts.account);
    await page.close();
  } finally {
    await browser.sw.evaluate(() => chrome.storage.local.set({ collapsed: { enabled: false } }));
  }
});

test('a video whose original is gone from its PDS is backed up from its HLS stream', async () => {
  const agent = await agentFor(net.hostile.account);
  // A minimal MP4 container (as the seed's video), so the PDS takes it as video/mp4.
  const bytes = Buffer.concat([Buffer.from([0, 0, 0, 24]), Buffer.from('ftypisom'), Buffer.from([0, 0, 2, 0]), Buffer.from('isomiso2'), Buffer.from([0, 0, 0, 8]), Buffer.from('mdat'), Buffer.from('hls!')]);
  const { data } = await agent.uploadBlob(bytes, { encoding: 'video/mp4' });
  const { uri } = await postAndWait(agent, { text: 'A video whose blob will be missing', embed: { $type: 'app.bsky.embed.video', video: data.blob } });
  const cid = data.blob.ref.toString();

  // The reference network has no video service, and its PDS keeps every blob: in the worker
  // only, answer getBlob for this video as a PDS that lost it would, and serve its stream.
  await browser.sw.evaluate((videoCid) => {
    const g = /** @type {any} */ (globalThis);
    g.__fetch ??= g.fetch;
    const stream = /** @type {Record<string, string>} */ ({
      'playlist.m3u8': '#EXTM3U\n#EXT-X-STREAM-INF:BANDWIDTH=500000,RESOLUTION=640x360\n360p/video.m3u8\n#EXT-X-STREAM-INF:BANDWIDTH=1500000,RESOLUTION=1280x720\n720p/video.m3u8\n',
      '360p/video.m3u8': '#EXTM3U\n#EXT-X-MAP:URI="init.mp4"\n#EXTINF:2,\nlow0.m4s\n#EXT-X-ENDLIST\n',
      '720p/video.m3u8': '#EXTM3U\n#EXT-X-VERSION:7\n#EXT-X-TARGETDURATION:2\n#EXT-X-MAP:URI="init.mp4"\n#EXTINF:2,\nseg0.m4s\n#EXTINF:2,\nseg1.m4s\n#EXT-X-ENDLIST\n',
      '720p/init.mp4': 'INIT',
      '720p/seg0.m4s': 'SEG0',
      '720p/seg1.m4s': 'SEG1',
    });
    g.fetch = (/** @type {any} */ input, /** @type {any} */ init) => {
      const url = String(input.url ?? input);
      if (url.includes('com.atproto.sync.getBlob') && url.includes(videoCid)) {
        return Promise.resolve(new Response('{"error":"BlobNotFound","message":"Blob not found"}', { status: 400 }));
      }
      const at = url.indexOf(`/${videoCid}/`);
      if (url.includes('/vid/') && at >= 0) {
        const body = stream[url.slice(at + videoCid.length + 2)];
        return Promise.resolve(body === undefined ? new Response('', { status: 404 }) : new Response(body));
      }
      return g.__fetch.call(globalThis, input, init);
    };
  }, cid);
  try {
    await send('library.save', { uri });
    let video;
    for (let i = 0; i < 120; i++) {
      video = (await savedEntry(uri))?.media.find((/** @type {any} */ m) => m.kind === 'video');
      if (video?.state !== 'pending') break;
      await new Promise((r) => setTimeout(r, 250));
    }
    assert.equal(video?.state, 'done', JSON.stringify(video));
    assert.equal(video.size, 12);
    const stored = await browser.sw.evaluate(async (file) => {
      const db = await new Promise((resolve) => {
        const r = indexedDB.open('skypanel-library');
        r.onsuccess = () => resolve(r.result);
      });
      const m = await new Promise((resolve) => {
        const r = /** @type {IDBDatabase} */ (db).transaction('media').objectStore('media').get(file);
        r.onsuccess = () => resolve(r.result);
      });
      return { text: await /** @type {any} */ (m).blob.text(), type: /** @type {any} */ (m).blob.type };
    }, video.file);
    assert.deepEqual(stored, { text: 'INITSEG0SEG1', type: 'video/mp4' }, 'the best variant, init section first, every segment in order');
  } finally {
    await browser.sw.evaluate(() => {
      const g = /** @type {any} */ (globalThis);
      g.fetch = g.__fetch;
    });
  }
});

test('no console errors', async () => {
  assert.deepEqual(browser.errors, []);
  const info = /** @type {any} */ (await browser.extensionInfo());
  assert.deepEqual(info.runtimeErrors ?? [], []);
});
