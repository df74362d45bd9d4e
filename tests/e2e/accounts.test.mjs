// @ts-check
/**
 * Accounts in the extension, against the local Bluesky network: sign in by handle (the
 * PDS found through the PLC directory), clear errors, several accounts, switching, signing
 * out, sessions that survive worker and browser restarts, token refresh in the worker, and
 * signed-out public reads — and every API operation run from the service worker.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { launch, network, sendFromPage, signInThroughOptions } from './harness.mjs';

const profile = mkdtempSync(join(tmpdir(), 'skypanel-accounts-'));
/** @type {Awaited<ReturnType<typeof launch>>} */
let browser;
/** @type {import('playwright-core').Page} */
let options;
const net = network();

before(async () => {
  browser = await launch({ profile, replica: false });
  options = await signInThroughOptions(browser, 'alice');
});
after(async () => {
  await browser?.close();
  rmSync(profile, { recursive: true, force: true });
});

const send = (/** @type {string} */ type, /** @type {any} */ payload = {}) => sendFromPage(options, type, payload);
const timeline = (limit = 5) => send('api.call', { op: 'feedPage', source: { kind: 'timeline' }, limit });

test('signing in by handle finds the PDS through the PLC directory', async () => {
  const { value } = await send('accounts.list');
  assert.equal(value.accounts.length, 1);
  assert.deepEqual(value.accounts[0], { did: net.accounts.alice.did, handle: 'alice.test', service: net.pds });
  assert.equal(value.active, net.accounts.alice.did);
  const popup = await browser.openExtensionPage('extension/popup/popup.html');
  await popup.getByTestId('popup-account').filter({ hasText: '@alice.test' }).waitFor();
  await popup.close();
});

test('an unknown handle and an unreachable PDS each get their own message', async () => {
  await options.fill('#identifier', 'nobody-here.test');
  await options.fill('#password', 'whatever');
  await options.click('#sign-in button[type=submit]');
  const error = options.getByTestId('options-error');
  await error.filter({ hasText: "no Bluesky account found for 'nobody-here.test'" }).waitFor();

  await options.fill('#identifier', 'alice.test');
  await options.fill('#password', 'whatever');
  await options.click('summary');
  await options.fill('#service', 'http://127.0.0.1:1');
  await options.click('#sign-in button[type=submit]');
  await error.filter({ hasText: 'could not reach http://127.0.0.1:1' }).waitFor();
  await options.fill('#service', '');
  assert.equal((await send('accounts.list')).value.accounts.length, 1, 'failed sign-ins store nothing');
});

test('service settings are checked by the core\'s rule: a bad URL is refused and changes nothing', async () => {
  const before = (await send('settings.get')).value;
  for (const bad of ['bsky.social', 'ftp://pds.example', 'https://pds.example/xrpc', 'https://a\tb', 'https://u@pds.example']) {
    const answer = await send('settings.set', { appviewUrl: bad });
    assert.equal(answer.error?.name, 'InvalidInput', bad);
    assert.match(answer.error?.message ?? '', /is not a service URL; use something like https:\/\/bsky\.social/);
  }
  assert.deepEqual((await send('settings.get')).value, before, 'nothing saved');
  const saved = await send('settings.set', { appviewUrl: ` ${before.appviewUrl}/ ` });
  assert.equal(saved.value.appviewUrl, before.appviewUrl, 'spaces and the trailing slash are dropped');
});

test('a second account becomes active; switching and signing out work from the page', async () => {
  await options.fill('#identifier', 'bob.test');
  await options.fill('#password', net.password);
  await options.click('#sign-in button[type=submit]');
  await options.getByTestId('options-signed-in').filter({ hasText: '@bob.test' }).waitFor();
  const items = options.getByTestId('options-accounts').locator('li');
  assert.equal(await items.count(), 2);

  const bobTimeline = await timeline(100);
  const bobFollows = (await send('api.call', { op: 'resolveHandle', handle: 'bob.test' })).value;
  assert.equal(bobFollows, net.accounts.bob.did);
  assert.ok(bobTimeline.value, JSON.stringify(bobTimeline.error));

  await items.filter({ hasText: '@alice.test' }).getByRole('button', { name: 'Use' }).click();
  await options.getByTestId('options-signed-in').filter({ hasText: '@alice.test' }).waitFor();
  const aliceTimeline = await timeline(100);
  assert.notDeepEqual(aliceTimeline.value.items.map((/** @type {any} */ i) => i.uri), bobTimeline.value.items.map((/** @type {any} */ i) => i.uri), 'calls follow the active account');

  await items.filter({ hasText: '@bob.test' }).getByRole('button', { name: 'Sign out' }).click();
  await options.waitForFunction(() => document.querySelectorAll('[data-testid="options-accounts"] li').length === 1);
  const { value } = await send('accounts.list');
  assert.deepEqual(value.accounts.map((/** @type {any} */ a) => a.handle), ['alice.test']);
  assert.equal(value.active, net.accounts.alice.did);
});

/** Puts a real-but-expired access token into the vault, as if the worker had slept for hours. */
async function expireStoredToken() {
  await browser.sw.evaluate(async (expired) => {
    const db = await new Promise((resolve, reject) => {
      const r = indexedDB.open('skypanel');
      r.onsuccess = () => resolve(r.result);
      r.onerror = () => reject(r.error);
    });
    const tx = /** @type {IDBDatabase} */ (db).transaction('kv', 'readwrite');
    const store = tx.objectStore('kv');
    const accounts = await new Promise((resolve) => {
      const r = store.get('accounts');
      r.onsuccess = () => resolve(r.result);
    });
    /** @type {any[]} */ (accounts)[0].session.accessJwt = expired;
    store.put(accounts, 'accounts');
    await new Promise((resolve) => (tx.oncomplete = resolve));
  }, net.expiredAccessJwt);
}

test('an expired access token is refreshed by the worker and the new one is kept', async () => {
  await expireStoredToken();
  const page = await timeline(5);
  assert.equal(page.value?.items.length, 5, JSON.stringify(page.error));
  const stored = await browser.sw.evaluate(async () => {
    const db = await new Promise((resolve) => {
      const r = indexedDB.open('skypanel');
      r.onsuccess = () => resolve(r.result);
    });
    return new Promise((resolve) => {
      const r = /** @type {IDBDatabase} */ (db).transaction('kv').objectStore('kv').get('accounts');
      r.onsuccess = () => resolve(r.result[0].session.accessJwt);
    });
  });
  assert.notEqual(stored, net.expiredAccessJwt, 'the refreshed token replaced the expired one');
  assert.equal((await timeline(1)).value?.items.length, 1);
});

test('calls in flight together share one refresh of an expired token', async () => {
  await expireStoredToken();
  // Count refreshSession requests at the worker's fetch (the core's transport calls it).
  await browser.sw.evaluate(() => {
    const g = /** @type {any} */ (globalThis);
    g.__refreshes = 0;
    g.__fetch ??= g.fetch;
    g.fetch = (/** @type {any} */ input, /** @type {any} */ init) => {
      if (String(input.url ?? input).includes('com.atproto.server.refreshSession')) g.__refreshes++;
      return g.__fetch.call(globalThis, input, init);
    };
  });
  try {
    const answers = await Promise.all(Array.from({ length: 6 }, (_, i) => timeline(i + 1)));
    answers.forEach((a, i) => assert.equal(a.value?.items.length, i + 1, JSON.stringify(a.error)));
    assert.equal(await browser.sw.evaluate(() => /** @type {any} */ (globalThis).__refreshes), 1, 'one refresh for six calls');
    assert.equal((await timeline(2)).value?.items.length, 2, 'the stored session works afterwards');
  } finally {
    await browser.sw.evaluate(() => {
      const g = /** @type {any} */ (globalThis);
      g.fetch = g.__fetch;
    });
  }
});

test('every API operation runs from the service worker', async () => {
  const call = async (/** @type {any} */ op) => {
    const answer = await send('api.call', op);
    assert.equal(answer.error, undefined, `${op.op}: ${JSON.stringify(answer.error)}`);
    return answer.value;
  };
  const page = await call({ op: 'feedPage', source: { kind: 'timeline' }, limit: 100 });
  assert.ok(page.feed.length >= 30 && page.feed.length === page.items.length);
  assert.equal(page.feed[0].post.uri, page.items[0].uri, 'feed items are the server JSON');

  const rockets = await call({ op: 'feedPage', source: { kind: 'feed', uri: net.feed.uri } });
  assert.deepEqual(rockets.items.map((/** @type {any} */ i) => i.uri), net.feed.posts);
  const list = await call({ op: 'feedPage', source: { kind: 'list', uri: net.list.uri } });
  assert.ok(list.items.length > 0 && list.items.every((/** @type {any} */ i) => net.list.members.includes(i.author)));
  const media = await call({ op: 'feedPage', source: { kind: 'author', actor: 'carla.test', filter: 'posts_with_media' } });
  assert.ok(media.items.every((/** @type {any} */ i) => i.embed === 'app.bsky.embed.images#view'));

  const reply = page.items.find((/** @type {any} */ i) => i.text.startsWith('Agreed'));
  const thread = await call({ op: 'thread', uri: reply.uri });
  assert.equal(thread.$type, 'app.bsky.feed.defs#threadViewPost');
  assert.equal(thread.parent.post.uri, reply.replyParent);

  const uris = [...new Set(page.items.map((/** @type {any} */ i) => i.uri))];
  const posts = await call({ op: 'posts', uris });
  assert.equal(posts.length, uris.length, 'batched by 25');
  const found = await call({ op: 'search', query: { q: 'Launch' } });
  assert.ok(found.posts.some((/** @type {any} */ p) => p.author.handle === 'dan.test'));
  assert.equal((await call({ op: 'profile', actor: 'grace.test' })).displayName, 'Grace 優雅');
  assert.equal((await call({ op: 'profiles', actors: ['bob.test', 'dan.test'] })).length, 2);
  assert.equal((await call({ op: 'feedGenerator', uri: net.feed.uri })).displayName, 'Rockets');
  assert.equal((await call({ op: 'feedGenerators', uris: [net.feed.uri] })).length, 1);
  assert.ok(Array.isArray(await call({ op: 'preferences' })));

  const target = page.items.find((/** @type {any} */ i) => i.author === 'grace.test');
  await call({ op: 'createBookmark', uri: target.uri, cid: target.cid });
  let marks = [];
  for (let i = 0; i < 50 && !marks.some((/** @type {any} */ b) => b.subject.uri === target.uri); i++) {
    marks = (await call({ op: 'bookmarks' })).bookmarks;
    if (!marks.length) await options.waitForTimeout(50);
  }
  assert.ok(marks.some((/** @type {any} */ b) => b.subject.uri === target.uri), 'the bookmark appears');
  await call({ op: 'deleteBookmark', uri: target.uri });

  const missing = await send('api.call', { op: 'thread', uri: `at://${net.accounts.alice.did}/app.bsky.feed.post/3zzzzzzzzzzzz` });
  assert.equal(missing.error?.name, 'NotFound');
});

test('accounts survive a worker restart and a browser restart', async () => {
  const cdp = await browser.context.newCDPSession(options);
  await cdp.send('ServiceWorker.enable');
  await cdp.send('ServiceWorker.stopAllWorkers');
  assert.equal((await timeline(2)).value?.items.length, 2);

  assert.deepEqual(browser.errors, [], 'no console errors before the restart');
  await browser.close();
  browser = await launch({ profile, replica: false });
  options = await browser.openExtensionPage('extension/options/options.html');
  await options.getByTestId('options-signed-in').filter({ hasText: '@alice.test' }).waitFor();
  assert.equal((await timeline(3)).value?.items.length, 3);
});

test('signed out: public reads go to the AppView, and the timeline asks to sign in', async () => {
  await options.getByTestId('options-accounts').locator('li').getByRole('button', { name: 'Sign out' }).click();
  await options.getByTestId('options-signed-in').filter({ hasText: 'Not signed in.' }).waitFor();
  const grace = await send('api.call', { op: 'feedPage', source: { kind: 'author', actor: 'grace.test', filter: 'posts_no_replies' }, limit: 50 });
  assert.equal(grace.value?.items.length, 12, JSON.stringify(grace.error));
  const refused = await timeline(5);
  assert.equal(refused.error?.name, 'NotSignedIn');
  assert.match(refused.error?.message ?? '', /sign in/);
});

test('no console errors in the extension', async () => {
  assert.deepEqual(browser.errors, []);
});
