// @ts-check
/**
 * The library as a .zip: exported from the library page (the JSON, every backed-up media
 * file, an offline index.html), read here with a reader independent of the extension's;
 * index.html opened from disk in a plain Chromium with no network and no extension (posts
 * and images shown, hostile content inert); the zip imported into a fresh profile (the same
 * entries byte for byte, the same media, nothing to download); and damaged or foreign
 * archives refused with a clear message, changing nothing.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, test } from 'node:test';
import zlib from 'node:zlib';
import { chromium } from 'playwright-core';
import { CHROMIUM, launch, libraryMediaHashes, network, sendFromPage } from './harness.mjs';

const net = network();
const work = mkdtempSync(join(tmpdir(), 'skypanel-zip-'));
/** @type {Awaited<ReturnType<typeof launch>>} */
let browser;
/** @type {import('playwright-core').Page} */
let ext;

const sha256 = (/** @type {Uint8Array} */ b) => createHash('sha256').update(b).digest('hex');

/** @param {import('playwright-core').Page} page @param {string} type @param {any} [payload] */
async function sendOn(page, type, payload) {
  const answer = await sendFromPage(page, type, payload);
  assert.equal(answer.error, undefined, `${type}: ${JSON.stringify(answer.error)}`);
  return answer.value;
}

/**
 * A post's at-uri found in an author feed on the AppView by its embed type.
 * @param {string} actor @param {string} embedType
 */
async function postWith(actor, embedType) {
  const response = await fetch(`${net.appview}/xrpc/app.bsky.feed.getAuthorFeed?actor=${actor}&limit=100`);
  const { feed } = await response.json();
  const found = feed.find((/** @type {any} */ f) => f.post.embed?.$type === embedType);
  assert.ok(found, `${actor} has a post with ${embedType}`);
  return /** @type {string} */ (found.post.uri);
}

/**
 * A ZIP reader written from the spec for this test, independent of extension/library/zip.js:
 * the end record (no comment), the central directory, each local header; checks each CRC.
 * @param {Buffer} zip
 */
function unzip(zip) {
  const end = zip.length - 22;
  assert.equal(zip.readUInt32LE(end), 0x06054b50, 'end of central directory record');
  const count = zip.readUInt16LE(end + 10);
  let at = zip.readUInt32LE(end + 16);
  /** @type {{name: string, method: number, flags: number, dataStart: number, data: Buffer}[]} */
  const entries = [];
  for (let i = 0; i < count; i++) {
    assert.equal(zip.readUInt32LE(at), 0x02014b50, 'central directory header');
    const flags = zip.readUInt16LE(at + 8);
    const method = zip.readUInt16LE(at + 10);
    const crc = zip.readUInt32LE(at + 16);
    const compressed = zip.readUInt32LE(at + 20);
    const size = zip.readUInt32LE(at + 24);
    const nameLength = zip.readUInt16LE(at + 28);
    const name = zip.subarray(at + 46, at + 46 + nameLength).toString('utf8');
    const local = zip.readUInt32LE(at + 42);
    assert.equal(zip.readUInt32LE(local), 0x04034b50, `local header of ${name}`);
    assert.equal(zip.subarray(local + 30, local + 30 + zip.readUInt16LE(local + 26)).toString('utf8'), name, 'local and central names agree');
    const dataStart = local + 30 + zip.readUInt16LE(local + 26) + zip.readUInt16LE(local + 28);
    const raw = zip.subarray(dataStart, dataStart + compressed);
    const data = method === 8 ? zlib.inflateRawSync(raw) : raw;
    assert.equal(data.length, size, `size of ${name}`);
    assert.equal(zlib.crc32(data), crc, `CRC of ${name}`);
    entries.push({ name, method, flags, dataStart, data });
    at += 46 + nameLength + zip.readUInt16LE(at + 30) + zip.readUInt16LE(at + 32);
  }
  return entries;
}

/**
 * A ZIP writer for the test's own archives (deflated or stored, any names).
 * @param {{name: string, data: Buffer | string, deflate?: boolean}[]} files
 */
function zipOf(files) {
  /** @type {Buffer[]} */
  const parts = [];
  /** @type {Buffer[]} */
  const central = [];
  let offset = 0;
  for (const f of files) {
    const data = Buffer.from(f.data);
    const stored = f.deflate ? zlib.deflateRawSync(data) : data;
    const name = Buffer.from(f.name, 'utf8');
    const header = Buffer.alloc(30);
    header.writeUInt32LE(0x04034b50, 0);
    header.writeUInt16LE(20, 4);
    header.writeUInt16LE(0x0800, 6);
    header.writeUInt16LE(f.deflate ? 8 : 0, 8);
    header.writeUInt32LE(zlib.crc32(data), 14);
    header.writeUInt32LE(stored.length, 18);
    header.writeUInt32LE(data.length, 22);
    header.writeUInt16LE(name.length, 26);
    const dir = Buffer.alloc(46);
    dir.writeUInt32LE(0x02014b50, 0);
    dir.writeUInt16LE(20, 4);
    dir.writeUInt16LE(20, 6);
    dir.writeUInt16LE(0x0800, 8);
    dir.writeUInt16LE(f.deflate ? 8 : 0, 10);
    dir.writeUInt32LE(zlib.crc32(data), 16);
    dir.writeUInt32LE(stored.length, 20);
    dir.writeUInt32LE(data.length, 24);
    dir.writeUInt16LE(name.length, 28);
    dir.writeUInt32LE(offset, 42);
    parts.push(header, name, stored);
    central.push(dir, name);
    offset += 30 + name.length + stored.length;
  }
  const dirSize = central.reduce((n, b) => n + b.length, 0);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(files.length, 8);
  end.writeUInt16LE(files.length, 10);
  end.writeUInt32LE(dirSize, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...parts, ...central, end]);
}

/** The entry lines of a skypanel.saved file (one per post), to compare bytes. @param {string} text */
const entryLines = (text) => text.split('\n').filter((l) => l.startsWith('{"uri"')).map((l) => l.replace(/,$/, '')).sort();

/** @type {string[]} */
let saved = [];
/** The library's JSON export, taken just before the zip. */
let exportedJson = '';
/** @type {ReturnType<typeof unzip>} */
let exportedEntries = [];
let zipPath = '';
const unpacked = join(work, 'unpacked');

before(async () => {
  browser = await launch();
  ext = await browser.openExtensionPage('extension/popup/popup.html');
  await sendOn(ext, 'settings.set', { appviewUrl: net.appview, plcUrl: net.plc });
  saved = [
    await postWith('carla.test', 'app.bsky.embed.images#view'),
    await postWith('dan.test', 'app.bsky.embed.video#view'),
    await postWith('dan.test', 'app.bsky.embed.external#view'),
    ...net.hostile.posts,
  ];
  for (const uri of saved) await sendOn(ext, 'library.save', { uri });
  // Every media file tried at least once before the export (one the network cannot serve
  // stays "failed" in its entry: the zip leaves it out, the import does not queue it).
  for (let i = 0; ; i++) {
    const usage = await sendOn(ext, 'library.usage');
    if (usage.pendingMedia === 0) break;
    if (i > 240) assert.fail(`media backup did not finish: ${JSON.stringify(usage)}`);
    await new Promise((r) => setTimeout(r, 250));
  }
});
after(async () => {
  await browser?.close();
  rmSync(work, { recursive: true, force: true });
});

test('Export .zip on the library page: the JSON, every backed-up file byte for byte, and index.html', async (t) => {
  const page = await browser.openExtensionPage('extension/library/library.html');
  await page.getByTestId('library-posts').locator('li[data-uri]').first().waitFor();
  exportedJson = await sendOn(page, 'library.export', { as: 'json' });
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('library-export-zip').click()]);
  assert.match(download.suggestedFilename(), /^skypanel-saved-\d{4}-\d{2}-\d{2}\.zip$/);
  zipPath = join(work, download.suggestedFilename());
  await download.saveAs(zipPath);
  await page.getByTestId('library-message').filter({ hasText: 'Exported' }).waitFor();

  exportedEntries = unzip(readFileSync(zipPath));
  const names = exportedEntries.map((e) => e.name);
  assert.deepEqual(names.slice(0, 2), ['skypanel-saved.json', 'index.html']);
  for (const e of exportedEntries) {
    assert.equal(e.method, 0, `${e.name} is stored, not compressed`);
    assert.equal(e.flags & 0x0800, 0x0800, `${e.name} has the UTF-8 flag`);
  }

  const json = /** @type {Buffer} */ (exportedEntries[0].data).toString('utf8');
  const inZip = JSON.parse(json);
  assert.equal(inZip.format, 'skypanel.saved');
  assert.deepEqual(inZip.posts, JSON.parse(exportedJson).posts, 'the same posts as library.export');
  assert.deepEqual(entryLines(json), entryLines(exportedJson), 'entries byte for byte');
  assert.equal(inZip.posts.length, saved.length);

  // Every file an entry calls backed up is in the zip, with the library's bytes; the
  // originals the seed uploaded match its SHA-256s.
  const notDone = inZip.posts.flatMap((/** @type {any} */ p) => p.media.filter((/** @type {any} */ m) => m.state !== 'done').map((/** @type {any} */ m) => `${m.kind} ${m.file} ${m.state} ${m.error ?? ''}`));
  if (notDone.length) t.diagnostic(`not backed up: ${notDone.join('; ')}`);
  const done = new Set(inZip.posts.flatMap((/** @type {any} */ p) => p.media.filter((/** @type {any} */ m) => m.state === 'done').map((/** @type {any} */ m) => m.file)));
  const media = Object.fromEntries(exportedEntries.filter((e) => e.name.startsWith('media/')).map((e) => [e.name, sha256(e.data)]));
  assert.deepEqual(Object.keys(media).sort(), [...done].sort(), 'exactly the backed-up files');
  assert.deepEqual(media, await libraryMediaHashes(browser), 'the library\'s files, byte for byte');
  let originals = 0;
  for (const upload of net.media) {
    const file = Object.keys(media).find((f) => f.startsWith(`media/${upload.cid}.`));
    if (!file) continue;
    assert.equal(media[file], upload.sha256, `${file} is the original upload`);
    originals++;
  }
  assert.ok(originals >= 3, `the image, the video and the hostile image are in the zip (${originals})`);
  assert.ok(Object.keys(media).some((f) => f.endsWith('.mp4')), 'the video is in the zip');

  for (const e of exportedEntries) {
    const path = join(unpacked, e.name);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, e.data);
  }
  await page.close();
});

test('index.html shows the library offline in a plain browser, and hostile content stays inert', async () => {
  const html = readFileSync(join(unpacked, 'index.html'), 'utf8');
  assert.equal(html.match(/<\/script/gi)?.length, 2, 'only the data block and the viewer close a script');
  assert.match(html, /<meta http-equiv="Content-Security-Policy" content="default-src 'none';[^"]*script-src 'sha256-[A-Za-z0-9+/=]+'/);
  const data = /<script type="application\/json" id="data">([^]*?)<\/script>/.exec(html)?.[1] ?? '';
  assert.ok(data.length > 100 && !/[<>&\u2028\u2029]/.test(data), 'the embedded JSON has no <, >, & or line separators');
  assert.deepEqual(JSON.parse(data).posts, JSON.parse(exportedJson).posts, 'the embedded JSON is the export');

  // A browser without the extension, offline; any http(s) request is recorded and refused.
  const plain = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu'] });
  try {
    const context = await plain.newContext({ offline: true });
    /** @type {string[]} */
    const requests = [];
    await context.route(/^https?:/, (route) => {
      requests.push(route.request().url());
      return route.abort();
    });
    const page = await context.newPage();
    /** @type {string[]} */
    const errors = [];
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(m.text());
    });
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(pathToFileURL(join(unpacked, 'index.html')).href);
    const items = page.locator('#posts > li[data-uri]');
    await items.first().waitFor();
    assert.deepEqual((await items.evaluateAll((lis) => lis.map((li) => li.getAttribute('data-uri')))).sort(), [...saved].sort());
    await page.waitForFunction(() => Array.from(document.images).every((img) => img.complete));

    const carla = page.locator(`li[data-uri="${saved[0]}"]`);
    assert.match((await carla.locator('.text').first().textContent()) ?? '', /Café con leche ☕/);
    const carlaImage = carla.locator('.images img').first();
    assert.match((await carlaImage.getAttribute('src')) ?? '', /^media\/bafkrei[a-z0-9]+\.png$/);
    assert.ok(await carlaImage.evaluate((img) => /** @type {HTMLImageElement} */ (img).naturalWidth > 0), 'the image loads from the media folder');
    assert.ok(await carla.locator('img.avatar').evaluate((img) => /** @type {HTMLImageElement} */ (img).naturalWidth > 0), 'the avatar loads too');
    assert.ok((await carla.locator('.text a').count()) >= 1, 'facets become links');
    assert.match((await page.locator(`li[data-uri="${saved[1]}"] video`).getAttribute('src')) ?? '', /^media\/bafkrei[a-z0-9]+\.mp4$/);
    assert.ok(await page.locator(`li[data-uri="${saved[2]}"] a.card[href^="http"]`).count(), 'the link card is a link');

    const report = await page.evaluate(() => ({
      pwned: /** @type {any} */ (globalThis).__pwned ?? null,
      scripts: document.querySelectorAll('body script').length,
      handlers: Array.from(document.querySelectorAll('body *')).filter((el) => Array.from(el.attributes).some((a) => a.name.startsWith('on'))).length,
      nonHttpLinks: Array.from(document.querySelectorAll('a')).filter((a) => !/^https?:\/\//.test(a.getAttribute('href') ?? '')).length,
      unsafeLinks: Array.from(document.querySelectorAll('a')).filter((a) => a.target !== '_blank' || !/noopener/.test(a.rel) || !/noreferrer/.test(a.rel)).length,
      badMedia: Array.from(document.querySelectorAll('img[src], video[src]')).filter((el) => !/^media\/[A-Za-z0-9]+\.[A-Za-z0-9]+$/.test(el.getAttribute('src') ?? '')).length,
    }));
    assert.deepEqual(report, { pwned: null, scripts: 2, handlers: 0, nonHttpLinks: 0, unsafeLinks: 0, badMedia: 0 });
    const hostile = page.locator(`li[data-uri="${net.hostile.posts[0]}"]`);
    assert.ok((await hostile.locator('.text').first().textContent())?.includes('<script>globalThis.__pwned=1</script>'), 'markup shows as text');
    assert.equal(await hostile.locator('.text a').count(), 1, 'only the https link is a link');
    assert.ok((await hostile.locator('.name').textContent())?.includes('<img src=x'), 'the display name shows as text');
    assert.ok((await hostile.locator('.images img').getAttribute('alt'))?.includes('onerror'), 'hostile alt text stays an attribute value');
    const card = page.locator(`li[data-uri="${net.hostile.posts[1]}"]`);
    assert.equal(await card.locator('a').filter({ hasText: 'onerror' }).count(), 0, 'the javascript: card is not a link');
    assert.ok((await card.textContent())?.includes('<img src=x onerror='), 'the card title shows as text');

    await page.fill('#filter', 'café con');
    assert.equal(await page.locator('#posts > li:not([hidden])').count(), 1, 'the filter box works offline');
    assert.deepEqual(requests, [], 'no network request at all');
    assert.deepEqual(errors, [], 'no console errors (a CSP violation would be one)');
  } finally {
    await plain.close();
  }
});

test('importing the .zip into a fresh profile restores the library exactly, with nothing to download', async () => {
  // The fresh profile is not pointed at the local network: every media file must come from the zip.
  const fresh = await launch({ replica: false });
  try {
    const page = await fresh.openExtensionPage('extension/library/library.html');
    await page.getByTestId('library-summary').filter({ hasText: 'saved posts' }).waitFor();
    await page.getByTestId('library-import').setInputFiles(zipPath);
    const message = page.getByTestId('library-message');
    await message.filter({ hasText: 'Imported' }).waitFor();
    const restoredFiles = exportedEntries.filter((e) => e.name.startsWith('media/')).length;
    assert.match((await message.textContent()) ?? '', new RegExp(`: ${saved.length} added, 0 merged, 0 already there\\. ${restoredFiles} media files restored\\.`));
    const usage = await sendOn(page, 'library.usage');
    assert.equal(usage.pendingMedia + usage.retryingMedia + usage.failedMedia, 0, 'no media job queued');
    assert.equal(usage.posts, saved.length);

    const again = await sendOn(page, 'library.export', { as: 'json' });
    assert.deepEqual(entryLines(again), entryLines(exportedJson), 'entries byte for byte');
    assert.deepEqual(await libraryMediaHashes(fresh), await libraryMediaHashes(browser), 'the same media files, byte for byte');

    // Shown from the restored files.
    const carla = page.locator(`li[data-uri="${saved[0]}"]`);
    await carla.waitFor();
    assert.match((await carla.locator('.images img').getAttribute('src')) ?? '', /^blob:/);

    await page.getByTestId('library-import').setInputFiles(zipPath);
    await message.filter({ hasText: 'already there' }).filter({ hasText: '0 added' }).waitFor();
    assert.match((await message.textContent()) ?? '', new RegExp(`0 added, 0 merged, ${saved.length} already there`));
    assert.deepEqual(fresh.errors, []);
  } finally {
    await fresh.close();
  }
});

test('a damaged or foreign .zip is refused with a clear message and changes nothing; a deflated one imports', async () => {
  const zip = readFileSync(zipPath);
  const mediaEntry = exportedEntries.find((e) => e.name.startsWith('media/') && e.data.length > 100);
  assert.ok(mediaEntry);
  const flipped = Buffer.from(zip);
  flipped[mediaEntry.dataStart + 50] ^= 0xff;
  const files = exportedEntries.map((e) => ({ name: e.name, data: e.data }));
  const foreignJson = files.map((f) => (f.name === 'skypanel-saved.json' ? { ...f, data: '{"format":"something.else","version":1,"posts":[]}' } : f));
  /** @type {[string, Buffer, RegExp][]} */
  const cases = [
    ['cut.zip', zip.subarray(0, Math.floor(zip.length / 2)), /damaged \(its end is missing/],
    ['flipped.zip', flipped, new RegExp(`damaged \\(${mediaEntry.name} fails its checksum\\); export it again`)],
    ['no-json.zip', zipOf(files.filter((f) => f.name !== 'skypanel-saved.json')), /has no skypanel-saved\.json, so it is not a SkyPanel export/],
    ['foreign-json.zip', zipOf(foreignJson), /not a SkyPanel export/],
    ['escape.zip', zipOf([...files, { name: '../evil.txt', data: 'x' }]), /points outside the archive/],
    ['not-a-zip.zip', Buffer.from('PK\u0003\u0004 this is not really a zip file at all, just text'), /damaged|not a \.zip/],
  ];
  const fresh = await launch({ replica: false });
  try {
    const page = await fresh.openExtensionPage('extension/library/library.html');
    await page.getByTestId('library-summary').filter({ hasText: 'saved posts' }).waitFor();
    const message = page.getByTestId('library-message');
    for (const [name, bytes, expected] of cases) {
      const path = join(work, name);
      writeFileSync(path, bytes);
      await page.getByTestId('library-import').setInputFiles(path);
      await message.filter({ hasText: `${name} was not imported, and nothing changed` }).waitFor();
      assert.match((await message.textContent()) ?? '', expected, name);
      assert.equal(await message.getAttribute('class'), 'error');
      assert.equal((await sendOn(page, 'library.usage', {})).posts, 0, `${name}: no post added`);
      assert.deepEqual(await libraryMediaHashes(fresh), {}, `${name}: no media file written`);
    }

    // The same archive compressed with deflate (as other zip tools make it) imports.
    const deflated = join(work, 'deflated.zip');
    writeFileSync(deflated, zipOf(files.map((f) => ({ ...f, deflate: true }))));
    await page.getByTestId('library-import').setInputFiles(deflated);
    await message.filter({ hasText: 'Imported deflated.zip' }).waitFor();
    assert.match((await message.textContent()) ?? '', new RegExp(`${saved.length} added`));
    assert.deepEqual(await libraryMediaHashes(fresh), await libraryMediaHashes(browser), 'deflated media unpacked byte for byte');
    assert.deepEqual(fresh.errors, []);
  } finally {
    await fresh.close();
  }
});

test('"export only what the search shows" puts just those posts and their files in the zip', async () => {
  const page = await browser.openExtensionPage('extension/library/library.html');
  const items = page.getByTestId('library-posts').locator('li[data-uri]');
  await items.first().waitFor();
  await page.getByTestId('library-search-text').fill('café con leche');
  await page.waitForFunction(() => document.querySelectorAll('[data-testid=library-posts] li[data-uri]').length === 1);
  await page.getByTestId('library-export-selection').check();
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('library-export-zip').click()]);
  const entries = unzip(readFileSync(await download.path()));
  const json = JSON.parse(entries[0].data.toString('utf8'));
  assert.deepEqual(json.posts.map((/** @type {any} */ p) => p.uri), [saved[0]]);
  const files = json.posts[0].media.filter((/** @type {any} */ m) => m.state === 'done').map((/** @type {any} */ m) => m.file).sort();
  assert.deepEqual(entries.filter((e) => e.name.startsWith('media/')).map((e) => e.name).sort(), files, 'only that post\'s files');
  assert.match((await page.getByTestId('library-message').textContent()) ?? '', /Exported 1 post and \d+ media files?\./);
  await page.close();
});

test('no console errors', async () => {
  assert.deepEqual(browser.errors, []);
  const info = /** @type {any} */ (await browser.extensionInfo());
  assert.deepEqual(info.runtimeErrors ?? [], []);
});
