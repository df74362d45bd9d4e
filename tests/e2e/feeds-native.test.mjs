// @ts-check
/**
 * The same feed definition gives the same page natively and from the worker: fixed
 * definitions over the seeded network (every kind of source the terminal can run the same
 * way, filters, a sort, the per-author cap, the collapse) run through the extension's
 * `feeds.run` (the feeds wasm module in the service worker) and through the terminal reader
 * (`skypanel feeds run - --json`, the native build of the same engine), side by side, signed
 * in as alice.test; then the second page of each through its own cursor. (The library's
 * saved posts are left out: the terminal has no library.)
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { launch, network, ROOT, sendFromPage, signInThroughOptions } from './harness.mjs';

const net = network();
const CLI = join(ROOT, 'target', 'release', 'skypanel');
/** The terminal's cache (mutuals, preferences) starts empty, like the extension's. */
const cacheHome = mkdtempSync(join(tmpdir(), 'skypanel-feeds-native-'));
/** @type {Awaited<ReturnType<typeof launch>>} */
let browser;
/** @type {import('playwright-core').Page} */
let page;

before(async () => {
  browser = await launch({ replica: false });
  page = await signInThroughOptions(browser, 'alice');
});
after(async () => {
  await browser?.close();
  rmSync(cacheHome, { recursive: true, force: true });
});

/** @param {string} name @param {any[]} sources @param {object} [rest] */
const feedOf = (name, sources, rest = {}) => ({ format: 'skypanel.feed', version: 1, name, sources, ...rest });

const DEFINITIONS = [
  feedOf('Following without reposts', [{ kind: 'timeline' }], { filters: [{ kind: 'reposts', keep: false }] }),
  feedOf('Rockets and Nora, best first', [{ kind: 'feed', uri: net.feed.uri }, { kind: 'author', actor: 'nora.test' }], {
    sort: 'top',
    filters: [{ kind: 'mutedWords' }],
  }),
  feedOf('Friends, two each, collapsed', [{ kind: 'listMembers', uri: net.list.uri }], { perAuthor: 2, collapse: { mode: 'runs', threshold: 2 } }),
  feedOf('Mutuals', [{ kind: 'mutuals' }]),
  feedOf('Watch list in German or Japanese', [{ kind: 'list', uri: net.feeds.watchList.uri }, { kind: 'author', actor: 'mutey.test' }], {
    filters: [{ kind: 'lang', in: ['de', 'ja'] }],
  }),
  feedOf('Problems at their place', [
    { kind: 'list', uri: net.feeds.deletedList },
    { kind: 'author', actor: 'nobody-here.test' },
    { kind: 'author', actor: 'carla.test', replies: false },
  ]),
];

/**
 * One page natively. @param {object} definition @param {number} limit @param {string | null} [cursor]
 * @returns {any}
 */
function native(definition, limit, cursor) {
  const args = ['feeds', 'run', '-', '--plc', net.plc, '--appview', net.appview, '--handle', net.viewer.handle, '--limit', String(limit), '--json'];
  if (cursor) args.push('--cursor', cursor);
  return JSON.parse(
    execFileSync(CLI, args, {
      input: JSON.stringify(definition),
      env: { ...process.env, SKYPANEL_APP_PASSWORD: net.password, XDG_CACHE_HOME: cacheHome },
      encoding: 'utf8',
    }),
  );
}

/** One page from the worker. @param {object} definition @param {number} limit @param {string | null} [cursor] */
async function worker(definition, limit, cursor) {
  const answer = await sendFromPage(page, 'feeds.run', { definition, limit, cursor: cursor ?? undefined });
  assert.equal(answer.error, undefined, JSON.stringify(answer.error));
  return answer.value;
}

/** What must agree: the posts (with the server's items), the steps, the problems, the blocks. @param {any} p */
const comparable = (p) => ({ posts: p.posts, steps: p.steps, errors: p.errors, blocks: p.blocks, more: Boolean(p.cursor) });

test('the terminal reader is built', () => {
  assert.ok(existsSync(CLI), 'make build produces target/release/skypanel');
});

for (const definition of DEFINITIONS) {
  test(`same page natively and from the worker: ${definition.name}`, async () => {
    const limit = 5;
    const inWorker = await worker(definition, limit);
    const natively = native(definition, limit);
    assert.ok(inWorker.posts.length > 0 || inWorker.errors.length > 0, 'the definition shows something');
    assert.deepEqual(comparable(inWorker), comparable(natively));
    if (inWorker.cursor) {
      const next = await worker(definition, limit, inWorker.cursor);
      const nextNative = native(definition, limit, natively.cursor);
      assert.deepEqual(comparable(next), comparable(nextNative), 'the second page too, each through its own cursor');
      const first = new Set(inWorker.posts.map((/** @type {any} */ p) => p.uri));
      assert.ok(next.posts.every((/** @type {any} */ p) => !first.has(p.uri)), 'page 2 repeats nothing of page 1');
    }
  });
}

test('signed out, both read the public sources and report the timeline at its field', async () => {
  const definition = feedOf('Public and private', [{ kind: 'timeline' }, { kind: 'author', actor: net.accounts.grace.handle }]);
  const natively = JSON.parse(
    execFileSync(CLI, ['feeds', 'run', '-', '--plc', net.plc, '--appview', net.appview, '--limit', '30', '--json'], {
      input: JSON.stringify(definition),
      env: { ...process.env, XDG_CACHE_HOME: cacheHome },
      encoding: 'utf8',
    }),
  );
  assert.ok(natively.posts.length > 0, 'the author source ran');
  assert.ok(natively.posts.every((/** @type {any} */ p) => p.item.post.author.handle === net.accounts.grace.handle));
  const problem = natively.errors.find((/** @type {any} */ e) => e.path.startsWith('sources[0]'));
  assert.equal(problem?.name, 'NotSignedIn', `the timeline is reported at sources[0]: ${JSON.stringify(natively.errors)}`);

  // The extension signed out: a fresh profile pointed at the local network, nobody signed in.
  const fresh = await launch({ replica: false });
  try {
    const options = await fresh.openExtensionPage('extension/options/options.html');
    await options.fill('#plc-url', net.plc);
    await options.fill('#appview-url', net.appview);
    await options.fill('#entryway-url', net.pds);
    await options.click('#services button[type=submit]');
    await options.getByTestId('options-services-status').filter({ hasText: 'Saved.' }).waitFor();
    const answer = await sendFromPage(options, 'feeds.run', { definition, limit: 30 });
    assert.equal(answer.error, undefined, JSON.stringify(answer.error));
    assert.deepEqual(comparable(answer.value), comparable(natively));
  } finally {
    await fresh.close();
  }
});

test('a definition from a newer SkyPanel is refused by both, with the same message', async () => {
  const definition = { ...feedOf('Future', [{ kind: 'timeline' }]), version: 2 };
  const answer = await sendFromPage(page, 'feeds.run', { definition });
  assert.equal(answer.error?.name, 'InvalidInput');
  assert.match(answer.error.message, /newer SkyPanel/);
  let failed;
  try {
    execFileSync(CLI, ['feeds', 'run', '-', '--appview', net.appview], { input: JSON.stringify(definition), encoding: 'utf8', stdio: 'pipe' });
  } catch (err) {
    failed = /** @type {any} */ (err);
  }
  assert.equal(failed?.status, 1, 'the CLI refuses it with exit status 1');
  assert.ok(String(failed.stderr).includes(answer.error.message.replace(/ \(at .*\)$/, '')), `the CLI says the same: ${failed.stderr}`);
});

test('quiet posters: the same page natively and from the worker, for the viewer who follows a quiet and a busy poster', async () => {
  const vera = net.feeds.viewer2.handle;
  const definition = feedOf('Quiet posters', [{ kind: 'quiet' }]);
  const natively = JSON.parse(
    execFileSync(CLI, ['feeds', 'run', '-', '--plc', net.plc, '--appview', net.appview, '--handle', vera, '--limit', '30', '--json'], {
      input: JSON.stringify(definition),
      env: { ...process.env, SKYPANEL_APP_PASSWORD: net.password, XDG_CACHE_HOME: cacheHome },
      encoding: 'utf8',
    }),
  );
  assert.deepEqual(natively.errors, []);
  const authors = new Set(natively.posts.map((/** @type {any} */ p) => p.item.post.author.handle));
  assert.deepEqual([...authors], [net.feeds.quiet.account], 'only the quiet poster, never the busy one');

  const other = await launch({ replica: false });
  try {
    const options = await other.openExtensionPage('extension/options/options.html');
    await options.fill('#plc-url', net.plc);
    await options.fill('#appview-url', net.appview);
    await options.fill('#entryway-url', net.pds);
    await options.click('#services button[type=submit]');
    await options.getByTestId('options-services-status').filter({ hasText: 'Saved.' }).waitFor();
    await options.fill('#identifier', vera);
    await options.fill('#password', net.password);
    await options.click('#sign-in button[type=submit]');
    await options.getByTestId('options-signed-in').filter({ hasText: `@${vera}` }).waitFor();
    const answer = await sendFromPage(options, 'feeds.run', { definition, limit: 30 });
    assert.equal(answer.error, undefined, JSON.stringify(answer.error));
    assert.deepEqual(comparable(answer.value), comparable(natively));
  } finally {
    await other.close();
  }
});
