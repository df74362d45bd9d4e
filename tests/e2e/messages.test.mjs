// @ts-check
/**
 * The message policy table (extension/shared/messages.js), on its own: it needs no browser.
 * Every message declares its whole policy once, and the worker answers exactly the messages
 * the table lists. How the worker and the port act on the policy is tested end to end in
 * spine.test.mjs (audience), collapse.test.mjs (a dropped port) and library-queue.test.mjs.
 */
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { test } from 'node:test';

const ROOT = new URL('../../', import.meta.url);
await import(new URL('extension/shared/messages.js', ROOT).href);
const { MESSAGES, TAB_MESSAGES } = /** @type {any} */ (globalThis).SkyPanel;

/**
 * The message types the service worker has a handler for, read from its source: the keys of
 * its `handlers` object (`'type': …` or `async 'type'(…)`, at the object's indentation).
 */
async function workerHandlers() {
  const source = await readFile(new URL('extension/background/service-worker.js', ROOT), 'utf8');
  const start = source.indexOf('\nconst handlers = {\n');
  assert.notEqual(start, -1, 'service-worker.js declares `const handlers = {`');
  const end = source.indexOf('\n};\n', start);
  assert.notEqual(end, -1, 'the handlers object ends with `};` on its own line');
  const body = source.slice(start, end);
  return [...body.matchAll(/^ {2}(?:async )?'([^']+)'\s*[(:]/gm)].map((m) => m[1]);
}

test('every message declares audience, core, repeat and doc, and nothing else', () => {
  const types = Object.keys(MESSAGES);
  assert.ok(types.length >= 29, `the table lists every message (${types.length})`);
  for (const [type, spec] of Object.entries(MESSAGES)) {
    assert.match(type, /^[a-z]+\.[a-zA-Z]+$/, `${type}: named area.action`);
    assert.deepEqual(Object.keys(spec).sort(), ['audience', 'core', 'doc', 'repeat'], `${type}: exactly the policy fields`);
    assert.ok(spec.audience === 'any' || spec.audience === 'extension', `${type}: audience is 'any' or 'extension', not ${spec.audience}`);
    assert.equal(typeof spec.core, 'boolean', `${type}: core is true or false`);
    assert.equal(typeof spec.repeat, 'boolean', `${type}: repeat is true or false`);
    assert.equal(typeof spec.doc, 'string', `${type}: doc is text`);
    assert.match(spec.doc, /→/, `${type}: doc says payload → answer`);
  }
});

test('the policy keeps what the scattered sets said', () => {
  // Saves and removals are never posted twice by a dropped port; settings and accounts are
  // only for the extension's pages; library reads answer before the core starts.
  for (const type of ['library.save', 'library.remove', 'library.cancel', 'session.signIn']) assert.equal(MESSAGES[type].repeat, false, type);
  for (const type of ['core.hello', 'collapse.plan', 'library.status']) assert.equal(MESSAGES[type].repeat, true, type);
  for (const type of ['session.signIn', 'accounts.switch', 'settings.set', 'api.call', 'library.export']) assert.equal(MESSAGES[type].audience, 'extension', type);
  for (const type of ['library.status', 'library.search', 'library.queue']) assert.equal(MESSAGES[type].core, false, type);
  for (const type of ['library.save', 'api.call', 'core.status']) assert.equal(MESSAGES[type].core, true, type);
});

test('the worker has a handler for every message, and every handler is a listed message', async () => {
  const handlers = await workerHandlers();
  assert.ok(handlers.length > 0, 'handlers found in the worker source');
  assert.equal(new Set(handlers).size, handlers.length, 'each handler once');
  const listed = Object.keys(MESSAGES);
  assert.deepEqual(listed.filter((t) => !handlers.includes(t)), [], 'messages without a handler');
  assert.deepEqual(handlers.filter((t) => !(t in MESSAGES)), [], 'handlers without a MESSAGES entry');
});

test('messages the worker sends to tabs are not messages it answers', () => {
  for (const type of Object.keys(TAB_MESSAGES)) assert.ok(!(type in MESSAGES), `${type} is in one table only`);
});
