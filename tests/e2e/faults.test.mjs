// @ts-check
/**
 * The wasm build of the client in the service worker, against the fault-injecting proxy in
 * front of the real PDS: 500s and dropped connections are retried, a near rate-limit reset
 * is waited out, a far one fails at once with RateLimited, and a server slower than the
 * timeout gives a Timeout — through fetch, AbortSignal and setTimeout in the worker.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { launch, network, sendFromPage } from './harness.mjs';

const net = network();
/** @type {Awaited<ReturnType<typeof launch>>} */
let browser;
/** @type {import('playwright-core').Page} */
let page;

const faults = (/** @type {any[]} */ rules) =>
  fetch(`${net.faultProxy}/__faults`, { method: 'POST', body: JSON.stringify({ rules }) }).then((r) => r.json());
const seen = () => fetch(`${net.faultProxy}/__faults`).then((r) => r.json()).then((r) => r.seen);
const timeline = (/** @type {any} */ policy = undefined) =>
  sendFromPage(page, 'api.call', { op: 'feedPage', source: { kind: 'timeline' }, limit: 5, policy });

before(async () => {
  await faults([]);
  browser = await launch({ replica: false });
  page = await browser.openExtensionPage('extension/options/options.html');
  // Sign in through the proxy: it is this account's "PDS" for the whole file.
  const signedIn = await sendFromPage(page, 'session.signIn', { identifier: net.viewer.handle, password: net.password, service: net.faultProxy });
  assert.equal(signedIn.value?.service, net.faultProxy, JSON.stringify(signedIn.error));
});
after(async () => {
  await faults([]);
  await browser?.close();
});

test('server errors and dropped connections are retried', async () => {
  await faults([{ path: 'getTimeline', fault: '500', times: 2 }]);
  assert.equal((await timeline()).value?.items.length, 5);
  const gets = (await seen()).filter((/** @type {any} */ s) => s.method === 'GET' && s.path.includes('getTimeline'));
  assert.equal(gets.length, 3, 'two failures, then the answer (CORS preflights aside)');
  await faults([{ path: 'getTimeline', fault: 'drop', times: 1 }]);
  assert.equal((await timeline()).value?.items.length, 5);
});

test('a near rate-limit reset is waited out; a far one fails at once', async () => {
  await faults([{ path: 'getTimeline', fault: '429', times: 1, resetIn: 1 }]);
  assert.equal((await timeline()).value?.items.length, 5);
  await faults([{ path: 'getTimeline', fault: '429', resetIn: 3600 }]);
  const started = Date.now();
  const refused = await timeline();
  assert.equal(refused.error?.name, 'RateLimited');
  assert.match(refused.error?.message ?? '', /try again in/);
  assert.ok(Date.now() - started < 2000);
});

test('a server slower than the timeout gives a Timeout, in bounded time', async () => {
  await faults([{ path: 'getTimeline', fault: 'slow', delayMs: 3000 }]);
  const started = Date.now();
  const slow = await timeline({ timeoutMs: 500, maxRetries: 1, baseDelayMs: 50 });
  assert.equal(slow.error?.name, 'Timeout', JSON.stringify(slow));
  assert.ok(Date.now() - started < 3000, `took ${Date.now() - started} ms`);
  await faults([]);
});

test('server errors persisting to the end are reported as ServerError', async () => {
  await faults([{ path: 'getTimeline', fault: '500' }]);
  const failed = await timeline({ maxRetries: 1, baseDelayMs: 20 });
  assert.equal(failed.error?.name, 'ServerError');
  assert.match(failed.error?.message ?? '', /try again shortly/);
  await faults([]);
});
