// @ts-check
/**
 * One definition, two runners: the extension's worker (wasm) and the terminal reader
 * (`skypanel feeds run --json`, native) must give the same posts, in the same order, with
 * the same steps and problems, for the same definition file — signed in and signed out.
 */
import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { ROOT, launch, network, sendFromPage, signInThroughOptions } from './harness.mjs';

const net = network();
const CLI = join(ROOT, 'target', 'release', 'skypanel');
const scratch = mkdtempSync(join(tmpdir(), 'skypanel-feeds-cli-'));
after(() => rmSync(scratch, { recursive: true, force: true }));

/** @param {object} definition */
const feed = (definition) => ({ format: 'skypanel.feed', version: 1, sort: 'newest', dedupe: true, ...definition });

/**
 * Runs `definition` with the CLI and answers its parsed --json output.
 * @param {object} definition @param {{signedIn: boolean, cursor?: string, limit?: number}} options
 */
function cli(definition, { signedIn, cursor, limit = 30 }) {
  const file = join(scratch, `feed-${Math.random().toString(36).slice(2)}.json`);
  writeFileSync(file, JSON.stringify(definition));
  const args = ['feeds', 'run', file, '--plc', net.plc, '--appview', net.appview, '--limit', String(limit), '--json'];
  if (signedIn) args.push('--handle', net.viewer.handle);
  if (cursor) args.push('--cursor', cursor);
  const out = execFileSync(CLI, args, {
    encoding: 'utf8',
    // The cache is the user's; a test keeps its own.
    env: { ...process.env, SKYPANEL_APP_PASSWORD: net.password, XDG_CACHE_HOME: join(scratch, 'cache') },
  });
  return JSON.parse(out);
}

/** What must agree: the posts (identity, order, sources, reposters, the item itself), steps and problems. */
const essence = (/** @type {any} */ answer) => ({
  posts: answer.posts.map((/** @type {any} */ p) => ({ uri: p.uri, id: p.id, sources: p.sources, repostedBy: p.repostedBy, item: p.item })),
  steps: answer.steps,
  errors: answer.errors,
  cursor: answer.cursor !== null && answer.cursor !== undefined,
});

const DEFINITIONS = {
  'timeline without reposts, at most 3 per author': feed({
    name: 'Following without reposts',
    sources: [{ kind: 'timeline' }],
    filters: [{ kind: 'reposts', keep: false }],
    perAuthor: 3,
  }),
  'people and a list, merged and deduped': feed({
    name: 'People and friends',
    sources: [
      { kind: 'author', actor: net.accounts.dan.handle, replies: false },
      { kind: 'author', actor: net.accounts.heidi.handle },
      { kind: 'list', uri: net.list.uri },
      { kind: 'feed', uri: net.feed.uri },
    ],
    filters: [{ kind: 'text', any: ['rocket', 'launch'], exclude: true }],
  }),
  'top of the last day, with problems': feed({
    name: 'Top, with a bad field',
    sources: [{ kind: 'timeline' }, { kind: 'author', actor: 'nobody-here.test' }],
    filters: [{ kind: 'since', hours: 24 }, { kind: 'text', regex: '(unclosed' }],
    sort: 'top',
  }),
};

/** Where each definition's problems must be reported (the rest of the feed still runs). @type {Record<string, string[]>} */
const EXPECTED_PROBLEMS = { 'top of the last day, with problems': ['sources[1]', 'filters[1].regex'] };

/** @type {Awaited<ReturnType<typeof launch>>} */
let browser;
/** @type {import('playwright-core').Page} */
let page;
before(async () => {
  assert.ok(existsSync(CLI), 'make build produced target/release/skypanel');
  browser = await launch({ replica: false });
  page = await signInThroughOptions(browser, 'alice');
});
after(async () => {
  await browser?.close();
});

for (const [name, definition] of Object.entries(DEFINITIONS)) {
  test(`the same posts from the worker and the CLI, signed in: ${name}`, async () => {
    const worker = await sendFromPage(page, 'feeds.run', { definition, limit: 30 });
    assert.ok(worker.value, `feeds.run answered: ${JSON.stringify(worker.error)}`);
    const native = cli(definition, { signedIn: true });
    assert.ok(worker.value.posts.length > 0, 'the feed has posts');
    assert.deepEqual(essence(native), essence(worker.value));
    for (const path of EXPECTED_PROBLEMS[name] ?? []) {
      assert.ok(worker.value.errors.some((/** @type {any} */ e) => e.path.startsWith(path)), `a problem at ${path}: ${JSON.stringify(worker.value.errors)}`);
    }
  });
}

test('the same second page from both, each continuing from its own cursor', async () => {
  const definition = DEFINITIONS['people and a list, merged and deduped'];
  const first = await sendFromPage(page, 'feeds.run', { definition, limit: 5 });
  assert.ok(first.value?.cursor, 'a first page of 5 leaves a cursor');
  const nativeFirst = cli(definition, { signedIn: true, limit: 5 });
  const second = await sendFromPage(page, 'feeds.run', { definition, limit: 5, cursor: first.value.cursor });
  const nativeSecond = cli(definition, { signedIn: true, limit: 5, cursor: nativeFirst.cursor });
  assert.deepEqual(essence(nativeSecond), essence(second.value));
  const firstUris = new Set(first.value.posts.map((/** @type {any} */ p) => p.uri));
  assert.ok(second.value.posts.every((/** @type {any} */ p) => !firstUris.has(p.uri)), 'page 2 repeats nothing of page 1');
});

test('signed out, both read public sources and report the timeline at its field', async () => {
  const definition = feed({
    name: 'Public and private',
    sources: [{ kind: 'timeline' }, { kind: 'author', actor: net.accounts.grace.handle }],
  });
  const native = cli(definition, { signedIn: false });
  assert.ok(native.posts.length > 0, 'the author source ran');
  assert.ok(native.posts.every((/** @type {any} */ p) => p.item.post.author.handle === net.accounts.grace.handle));
  const problem = native.errors.find((/** @type {any} */ e) => e.path.startsWith('sources[0]'));
  assert.ok(problem, `the timeline is reported at sources[0]: ${JSON.stringify(native.errors)}`);
  assert.equal(problem.name, 'NotSignedIn');

  const fresh = await launch({ replica: false });
  try {
    const other = await fresh.openExtensionPage('extension/options/options.html');
    await other.fill('#plc-url', net.plc);
    await other.fill('#appview-url', net.appview);
    await other.fill('#entryway-url', net.pds);
    await other.click('#services button[type=submit]');
    await other.getByTestId('options-services-status').filter({ hasText: 'Saved.' }).waitFor();
    const worker = await sendFromPage(other, 'feeds.run', { definition, limit: 30 });
    assert.ok(worker.value, `feeds.run answered signed out: ${JSON.stringify(worker.error)}`);
    assert.deepEqual(essence(native), essence(worker.value));
  } finally {
    await fresh.close();
  }
});

test('a definition from a newer SkyPanel is refused by both with the same message', async () => {
  const definition = { ...feed({ name: 'Future', sources: [{ kind: 'timeline' }] }), version: 2 };
  const worker = await sendFromPage(page, 'feeds.run', { definition });
  assert.equal(worker.error?.name, 'InvalidInput');
  const file = join(scratch, 'future.json');
  writeFileSync(file, JSON.stringify(definition));
  let stderr = '';
  try {
    execFileSync(CLI, ['feeds', 'run', file, '--appview', net.appview], { encoding: 'utf8', stdio: 'pipe' });
    assert.fail('the CLI accepted a version 2 definition');
  } catch (err) {
    stderr = String(/** @type {any} */ (err).stderr);
    assert.equal(/** @type {any} */ (err).status, 1);
  }
  assert.match(worker.error.message, /newer SkyPanel/);
  assert.ok(stderr.includes(worker.error.message.replace(/ \(at .*\)$/, '')), `the CLI says the same: ${stderr}`);
});
