// @ts-check
/**
 * The library page's own tools, in Chromium with the local network (signed out: posts come
 * from the public AppView): editing tags and a note (shown, normalised, searchable, kept
 * after a reload, the saved copy untouched), the author, tag and date-range filters, select
 * many (remove with one Undo that puts them all back byte for byte, export exactly those,
 * add a tag to them), and the "Re-check on Bluesky" button with its report.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, test } from 'node:test';
import { agentFor, appviewPostText, launch, network, postAndWait, sendFromPage } from './harness.mjs';

const net = network();
/** @type {Awaited<ReturnType<typeof launch>>} */
let browser;
/** @type {import('playwright-core').Page} */
let ext;

/** The seeded posts by `who` (short account name), in the order they were made. @param {string} who */
const postsBy = (who) => net.log.filter((/** @type {any} */ l) => l.kind === 'post' && l.by === who).map((/** @type {any} */ l) => /** @type {string} */ (l.uri));
const carla = postsBy('carla')[0];
const [dan1, dan2] = postsBy('dan');
const bob = postsBy('bob')[0];
const eve = postsBy('eve')[0];
const ALL = [carla, dan1, dan2, bob, eve];

before(async () => {
  browser = await launch({ replica: false });
  ext = await browser.openExtensionPage('extension/popup/popup.html');
  await send('settings.set', { appviewUrl: net.appview, plcUrl: net.plc });
});
after(async () => {
  await browser?.close();
});

/** @param {string} type @param {any} [payload] */
async function send(type, payload) {
  const answer = await sendFromPage(ext, type, payload);
  assert.equal(answer.error, undefined, `${type}: ${JSON.stringify(answer.error)}`);
  return answer.value;
}

/** Every saved entry's text, by at-uri (the bytes as stored). @returns {Promise<Map<string, string>>} */
async function entries() {
  const { posts } = await send('library.search', { query: { limit: 1000 } });
  return new Map(posts.map((/** @type {any} */ p) => [p.uri, p.entry]));
}

/** The at-uris a search finds. @param {object} query */
async function found(query) {
  const { posts } = await send('library.search', { query: { limit: 1000, ...query } });
  return posts.map((/** @type {any} */ p) => p.uri).sort();
}

/** Opens the library page and waits for its first posts. */
async function openLibrary() {
  const page = await browser.openExtensionPage('extension/library/library.html');
  await page.getByTestId('library-summary').filter({ hasText: 'saved posts' }).waitFor();
  return page;
}

/** The at-uris the page lists, sorted. @param {import('playwright-core').Page} page */
const listed = (page) => page.evaluate(() => Array.from(document.querySelectorAll('[data-testid=library-posts] li[data-uri]'), (li) => li.getAttribute('data-uri')).sort());

/**
 * Waits until the page lists exactly `uris` (after a filter's debounced search).
 * @param {import('playwright-core').Page} page @param {string[]} uris
 */
async function waitListed(page, uris) {
  const want = [...uris].sort();
  try {
    await page.waitForFunction((w) => {
      const got = Array.from(document.querySelectorAll('[data-testid=library-posts] li[data-uri]'), (li) => li.getAttribute('data-uri')).sort();
      return JSON.stringify(got) === JSON.stringify(w);
    }, want, { timeout: 5000 });
  } catch {
    assert.deepEqual(await listed(page), want);
  }
}

test('saving five posts by four authors, with their media backed up', async () => {
  for (const uri of ALL) assert.deepEqual(await send('library.save', { uri }), { uri, saved: true, bookmarked: false });
  for (let i = 0; ; i++) {
    const usage = await send('library.usage');
    if (usage.pendingMedia === 0) break;
    if (i > 240) assert.fail(`media backup did not finish: ${JSON.stringify(usage)}`);
    await new Promise((r) => setTimeout(r, 250));
  }
  assert.deepEqual(await found({}), [...ALL].sort());
});

test('editing tags and a note on the page: shown at once, normalised, text only, keyboard first', async () => {
  const page = await openLibrary();
  const post = page.locator(`li[data-uri="${carla}"]`);
  const edit = post.getByTestId('library-edit');
  await edit.click();
  assert.equal(await edit.getAttribute('aria-expanded'), 'true');
  // The form opens with the focus in its labelled tag field.
  assert.equal(await page.evaluate(() => document.activeElement?.getAttribute('data-testid')), 'library-edit-tags');
  assert.equal(await post.getByLabel('Tags', { exact: true }).count(), 1);
  assert.equal(await post.getByLabel('Note', { exact: true }).count(), 1);
  await page.keyboard.type(' #Foo, foo , bar');
  await post.getByLabel('Note', { exact: true }).fill('Read on the train <b>not bold</b>\nsecond line');
  await post.getByTestId('library-edit-save').click();

  await post.getByTestId('library-tags').waitFor();
  assert.deepEqual(await post.getByTestId('library-tags').locator('button').allTextContents(), ['#Foo', '#bar']);
  assert.equal(await post.getByTestId('library-note').textContent(), 'Read on the train <b>not bold</b>\nsecond line');
  assert.equal(await post.getByTestId('library-note').locator('*').count(), 0, 'the note is text, never markup');
  assert.equal(await post.locator('form.edit').count(), 0, 'the form closed');
  assert.equal(await page.evaluate(() => document.activeElement?.getAttribute('data-testid')), 'library-edit', 'the focus went back to Edit');

  const entry = JSON.parse(/** @type {string} */ ((await entries()).get(carla)));
  assert.deepEqual(entry.tags, ['Foo', 'bar']);
  assert.equal(entry.note, 'Read on the train <b>not bold</b>\nsecond line');

  // Escape closes the form without saving.
  await post.getByTestId('library-edit').click();
  assert.equal(await post.getByTestId('library-edit-tags').inputValue(), 'Foo, bar');
  await post.getByTestId('library-edit-tags').fill('nothing');
  await page.keyboard.press('Escape');
  assert.equal(await post.locator('form.edit').count(), 0);
  assert.equal(await post.getByTestId('library-edit').getAttribute('aria-expanded'), 'false');
  assert.deepEqual(JSON.parse(/** @type {string} */ ((await entries()).get(carla))).tags, ['Foo', 'bar']);
  await page.close();
});

test('edited tags and notes are searchable, survive a reload, and leave the saved copy byte for byte', async () => {
  assert.deepEqual(await found({ tag: 'foo' }), [carla]);
  assert.deepEqual(await found({ tag: '#BAR' }), [carla]);
  assert.deepEqual(await found({ text: '"on the train"' }), [carla]);
  assert.deepEqual(await found({ text: 'foo' }), [carla], 'tags are in the full-text search too');
  assert.ok((await entries()).get(carla)?.includes(await appviewPostText(carla)), 'the post JSON inside the entry is untouched');

  const page = await openLibrary();
  const post = page.locator(`li[data-uri="${carla}"]`);
  assert.deepEqual(await post.getByTestId('library-tags').locator('button').allTextContents(), ['#Foo', '#bar']);
  assert.match((await post.getByTestId('library-note').textContent()) ?? '', /^Read on the train/);

  // Clearing both on the page.
  await post.getByTestId('library-edit').click();
  await post.getByTestId('library-edit-tags').fill('to read, Foo');
  await post.getByTestId('library-edit-note').fill('  ');
  await post.getByTestId('library-edit-save').click();
  await post.getByTestId('library-tags').filter({ hasText: '#to read' }).waitFor();
  assert.equal(await post.getByTestId('library-note').count(), 0, 'an empty note is not shown');
  const entry = JSON.parse(/** @type {string} */ ((await entries()).get(carla)));
  assert.deepEqual([entry.tags, entry.note], [['to read', 'Foo'], '']);
  await page.close();
});

test('library.edit refuses what it cannot do, and changes nothing then', async () => {
  const before = await entries();
  const missing = carla.replace(/[^/]+$/, 'notsavedhere');
  const cases = [
    [{ uri: missing, tags: ['x'] }, 'NotFound'],
    [{ uri: 'https://bsky.app/x', tags: ['x'] }, 'InvalidInput'],
    [{ uri: carla, tags: 'x' }, 'InvalidInput'],
    [{ uri: carla, note: 5 }, 'InvalidInput'],
    [{ uri: carla }, 'InvalidInput'],
  ];
  for (const [payload, name] of cases) {
    const answer = await sendFromPage(ext, 'library.edit', payload);
    assert.equal(answer.error?.name, name, JSON.stringify(payload));
  }
  assert.deepEqual(await entries(), before);
  // Setting the same tags twice changes nothing either.
  const answer = await send('library.edit', { uri: carla, tags: ['to read', 'Foo', 'FOO'] });
  assert.equal(answer.entry, before.get(carla), 'the same tags (any case) write the same bytes');
});

test('the author, tag and date filters narrow the list on the page', async () => {
  // One post saved long ago: re-imported with an earlier saved time, which an import keeps.
  const text = /** @type {string} */ ((await entries()).get(bob)).replace(/"savedAt":"[^"]+"/, '"savedAt":"2021-03-10T12:00:00.000Z"');
  assert.deepEqual(await send('library.import', { text: `{"format":"skypanel.saved","version":1,"posts":[\n${text}\n]}` }), { added: 0, merged: 1, skipped: 0 });

  const page = await openLibrary();
  await waitListed(page, ALL);
  await page.getByTestId('library-filters').locator('summary').click();

  await page.getByTestId('library-filter-author').fill('dan.test');
  await waitListed(page, [dan1, dan2]);
  await page.getByTestId('library-filter-author').fill('@DAN.test');
  await waitListed(page, [dan1, dan2]);
  const danDid = dan1.split('/')[2];
  await page.getByTestId('library-filter-author').fill(danDid);
  await waitListed(page, [dan1, dan2]);
  await page.getByTestId('library-filter-tag').fill('to read');
  await waitListed(page, []);
  await page.getByTestId('library-filter-author').fill('');
  await waitListed(page, [carla]);

  await page.getByTestId('library-filter-tag').fill('');
  await waitListed(page, ALL);
  await page.getByTestId('library-filter-dates').selectOption('saved');
  await page.getByTestId('library-filter-since').fill('2021-03-01');
  await page.getByTestId('library-filter-until').fill('2021-03-10');
  await waitListed(page, [bob]); // "to" includes its whole day
  await page.getByTestId('library-filter-until').fill('2021-03-09');
  await waitListed(page, []);
  await page.getByTestId('library-filter-until').fill('');
  await waitListed(page, ALL);
  await page.getByTestId('library-filter-since').fill('2022-01-01');
  await waitListed(page, [carla, dan1, dan2, eve]);
  // Posted: the seed wrote every post in the last few hours, so none in 2021.
  await page.getByTestId('library-filter-since').fill('2021-03-01');
  await page.getByTestId('library-filter-until').fill('2021-03-31');
  await page.getByTestId('library-filter-dates').selectOption('posted');
  await waitListed(page, []);
  const yesterday = new Date(Date.now() - 36 * 3600_000).toISOString().slice(0, 10);
  await page.getByTestId('library-filter-since').fill(yesterday);
  await page.getByTestId('library-filter-until').fill('');
  await waitListed(page, ALL);

  await page.getByTestId('library-filter-clear').click();
  await waitListed(page, ALL);
  // A post's tag and author are filters too.
  await page.locator(`li[data-uri="${carla}"]`).getByTestId('library-tags').getByRole('button', { name: '#Foo' }).click();
  await waitListed(page, [carla]);
  assert.equal(await page.getByTestId('library-filter-tag').inputValue(), 'Foo');
  await page.getByTestId('library-filter-clear').click();
  await waitListed(page, ALL);
  await page.locator(`li[data-uri="${eve}"]`).getByRole('button', { name: '@eve.test' }).click();
  await waitListed(page, [eve]);
  assert.equal(await page.getByTestId('library-filter-author').inputValue(), 'eve.test');
  await page.close();
});

test('select many → remove selected → Undo puts them all back byte for byte', async () => {
  const before = await entries();
  const page = await openLibrary();
  await waitListed(page, ALL);
  assert.equal(await page.getByTestId('library-remove-selected').isVisible(), false, 'no bulk actions without a selection');
  const chosen = [carla, dan2, eve];
  for (const uri of chosen) await page.locator(`li[data-uri="${uri}"]`).getByTestId('library-select').check();
  assert.equal(await page.getByTestId('library-selected-count').textContent(), '3 selected');
  assert.equal(await page.getByTestId('library-select-all').evaluate((b) => /** @type {HTMLInputElement} */ (b).indeterminate), true);

  await page.getByTestId('library-remove-selected').click();
  await page.getByTestId('library-message').filter({ hasText: 'Removed 3 posts' }).waitFor();
  assert.deepEqual(await listed(page), [dan1, bob].sort());
  assert.deepEqual(await found({}), [dan1, bob].sort(), 'gone from the library');
  assert.equal(await page.getByTestId('library-selected-count').textContent(), '');

  await page.getByTestId('library-undo').click();
  await page.getByTestId('library-message').filter({ hasText: 'Put back 3 posts' }).waitFor();
  await waitListed(page, ALL);
  assert.deepEqual(await entries(), before, 'every entry as it was, tags and notes included');
  await page.close();
});

test('an Undo of an entry read before its backup finished finds the files and marks them backed up', async () => {
  const stored = /** @type {string} */ ((await entries()).get(dan1));
  assert.match(stored, /"state":"done","size":\d+/);
  const stale = stored.replace(/"state":"done","size":\d+/g, '"state":"pending"');
  await send('library.remove', { uri: dan1 });
  assert.deepEqual(await send('library.import', { text: `{"format":"skypanel.saved","version":1,"posts":[\n${stale}\n]}` }), { added: 1, merged: 0, skipped: 0 });
  assert.equal((await entries()).get(dan1), stored, 'the files the library holds count as done, with their sizes');
  assert.equal((await send('library.usage')).pendingMedia, 0, 'nothing queued to download again');
});

test('"select all shown" and "export selected" give exactly those posts', async () => {
  const page = await openLibrary();
  await waitListed(page, ALL);
  await page.getByTestId('library-select-all').check();
  assert.equal(await page.getByTestId('library-selected-count').textContent(), '5 selected');
  assert.equal(await page.locator('[data-testid=library-select]:checked').count(), 5);
  await page.getByTestId('library-select-all').uncheck();
  assert.equal(await page.locator('[data-testid=library-select]:checked').count(), 0);

  for (const uri of [dan1, bob]) await page.locator(`li[data-uri="${uri}"]`).getByTestId('library-select').check();
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('library-export-selected').click()]);
  assert.match(download.suggestedFilename(), /^skypanel-saved-\d{4}-\d{2}-\d{2}\.json$/);
  const text = readFileSync(await download.path(), 'utf8');
  const file = JSON.parse(text);
  assert.equal(file.format, 'skypanel.saved');
  assert.deepEqual(file.posts.map((/** @type {any} */ p) => p.uri).sort(), [dan1, bob].sort());
  const stored = await entries();
  for (const uri of [dan1, bob]) assert.ok(text.includes(/** @type {string} */ (stored.get(uri))), 'the entry byte for byte');
  // And as a .zip: the same two posts.
  const [zip] = await Promise.all([page.waitForEvent('download'), page.getByTestId('library-export-selected-zip').click()]);
  assert.match(zip.suggestedFilename(), /\.zip$/);
  await page.getByTestId('library-message').filter({ hasText: /^Exported 2 posts and \d+ media files?\.$/ }).waitFor();
  await page.close();
});

test('a tag added to the selected posts joins their own tags', async () => {
  const page = await openLibrary();
  await waitListed(page, ALL);
  for (const uri of [carla, dan1]) await page.locator(`li[data-uri="${uri}"]`).getByTestId('library-select').check();
  await page.getByTestId('library-bulk-tag').fill('#later');
  await page.getByTestId('library-tag-selected').click();
  await page.getByTestId('library-message').filter({ hasText: 'Tagged 2 posts #later' }).waitFor();
  assert.deepEqual(await page.locator(`li[data-uri="${carla}"]`).getByTestId('library-tags').locator('button').allTextContents(), ['#to read', '#Foo', '#later']);
  assert.deepEqual(await page.locator(`li[data-uri="${dan1}"]`).getByTestId('library-tags').locator('button').allTextContents(), ['#later']);
  assert.equal(await page.getByTestId('library-selected-count').textContent(), '2 selected', 'the selection stays');
  assert.deepEqual(await found({ tag: 'later' }), [carla, dan1].sort());
  await page.close();
});

test('"Re-check on Bluesky" reports what it found and marks a deleted post', async () => {
  const agent = await agentFor(net.hostile.account);
  const { uri, visible } = await postAndWait(agent, { text: 'Posted, saved, then deleted' });
  await send('library.save', { uri });
  await agent.deletePost(uri);
  for (let i = 0; i < 100 && (await visible()); i++) await new Promise((r) => setTimeout(r, 100));

  const page = await openLibrary();
  await waitListed(page, [...ALL, uri]);
  assert.equal(await page.locator(`li[data-uri="${uri}"]`).getAttribute('data-status'), 'live');
  await page.getByTestId('library-recheck').click();
  const message = page.getByTestId('library-message');
  await message.filter({ hasText: 'Re-checked' }).waitFor({ timeout: 30_000 });
  assert.equal(await message.textContent(), 'Re-checked 6 posts: 5 still there, 1 deleted, 0 hidden by a block. The saved copies are kept.');
  const post = page.locator(`li[data-uri="${uri}"][data-status="deleted"]`);
  await post.waitFor();
  assert.equal(await post.locator('.badge.gone').textContent(), 'deleted on Bluesky');
  assert.match((await post.textContent()) ?? '', /Posted, saved, then deleted/, 'the copy is kept');
  await page.close();
});

test('no console errors', async () => {
  assert.deepEqual(browser.errors, []);
  const info = /** @type {any} */ (await browser.extensionInfo());
  assert.deepEqual(info.runtimeErrors ?? [], []);
});
