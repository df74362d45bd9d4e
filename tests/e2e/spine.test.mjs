// @ts-check
/**
 * The spine, end to end: the unpacked extension loads from the repository root, its
 * service worker instantiates the Rust core compiled to wasm, the content script on the
 * bsky.app replica gets answers computed by that core, the extension pages work, and the
 * core fetches the same timeline from the local network in the browser as the native CLI.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { ROOT, evalInContentScript, launch, network, sendFromPage, signInThroughOptions, visibleRows } from './harness.mjs';

const VERSION = /^version = "([^"]+)"/m.exec(readFileSync(join(ROOT, 'Cargo.toml'), 'utf8'))?.[1];
/** @type {Awaited<ReturnType<typeof launch>>} */
let browser;

before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

test('the extension loads from the repository root with its manifest', async () => {
  const manifest = await browser.sw.evaluate(() => chrome.runtime.getManifest());
  assert.equal(manifest.manifest_version, 3);
  assert.equal(manifest.version, VERSION, 'manifest version follows the workspace version');
  assert.ok(browser.sw.url().endsWith('/extension/background/service-worker.js'));
  assert.deepEqual(manifest.permissions, ['storage', 'unlimitedStorage', 'alarms', 'contextMenus', 'sidePanel'], 'only the permissions a feature uses (settings; the library, its backup retries, its link menu item and side panel)');
  assert.equal(manifest.host_permissions, undefined);
});

test('the service worker instantiates the wasm core and answers from it', async () => {
  const page = await browser.openExtensionPage('extension/popup/popup.html');
  const status = await sendFromPage(page, 'core.status');
  assert.equal(status.value?.coreVersion, VERSION);
  assert.equal(status.value?.signedIn, null);
  await page.close();
});

test('the content script on bsky.app gets runs computed by the wasm core', async () => {
  const page = await browser.openBsky();
  await page.waitForFunction(() => document.documentElement.hasAttribute('data-skypanel-core'));
  assert.equal(await page.evaluate(() => document.documentElement.getAttribute('data-skypanel-core')), VERSION);

  // The popup's report on the tab's rows is read when asked, so it is current at once.
  const tabId = await browser.sw.evaluate(async () => {
    for (let i = 0; i < 50; i++) {
      const key = Object.keys(await chrome.storage.session.get(null)).find((k) => k.startsWith('collapse:'));
      if (key) return Number(key.split(':')[1]);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    return NaN;
  });
  const popup = await browser.openExtensionPage(`extension/popup/popup.html?tab=${tabId}`);
  const first = await sendFromPage(popup, 'collapse.report', { tab: tabId });
  assert.equal(first.value?.coreVersion, VERSION);
  assert.equal(first.value?.rows, (await visibleRows(page)).length, 'the rows of the first page');

  // Other test files add posts to the shared network: load the whole timeline so the floods
  // are complete wherever the page boundaries fall.
  for (let i = 0; i < 20 && !(await page.evaluate(() => /** @type {any} */ (window).__replica.state().done[0])); i++) {
    await page.evaluate(() => /** @type {any} */ (window).__replica.loadMore());
  }

  // What the core answers for this tab must be the runs of the rows the page shows now.
  const rows = await visibleRows(page);
  assert.ok(rows.length > first.value.rows, 'more rows were loaded');
  const owners = rows.map((r) => r.repostBy ?? r.author);
  const expected = [];
  owners.forEach((owner, i) => {
    const last = expected.at(-1);
    if (last && last.account === owner) last.len++;
    else expected.push({ account: owner, start: i, len: 1 });
  });
  const net = network();
  const grace = expected.find((r) => r.account === net.floods.posts.account);
  assert.equal(grace?.len, net.floods.posts.count, 'the 12-post flood is one run');
  const heidi = expected.find((r) => r.account === net.floods.reposts.account);
  assert.equal(heidi?.len, net.floods.reposts.count, 'the 8-repost flood is one run, owned by the reposter');

  const report = await sendFromPage(popup, 'collapse.report', { tab: tabId });
  assert.equal(report.value?.rows, owners.length);
  assert.deepEqual(report.value?.runs, expected);
  // Nothing is recorded in the background any more: the report exists only when asked.
  const stored = await browser.sw.evaluate(async () => Object.keys(await chrome.storage.session.get(null)).filter((k) => k.startsWith('tab:')));
  assert.deepEqual(stored, []);
  await popup.close();
  await page.close();
});

test('the popup and the options page open and show the state', async () => {
  const popup = await browser.openExtensionPage('extension/popup/popup.html');
  await popup.getByTestId('popup-core').filter({ hasText: `v${VERSION}` }).waitFor();
  assert.equal(await popup.getByTestId('popup-account').textContent(), 'not signed in');
  await popup.close();

  const options = await browser.openExtensionPage('extension/options/options.html');
  await options.getByTestId('options-sign-in').waitFor();
  assert.equal(await options.getByTestId('options-signed-in').textContent(), 'Not signed in.');
  await options.close();
});

test('a wrong app password gets its own clear message in the options page', async () => {
  const net = network();
  const options = await browser.openExtensionPage('extension/options/options.html');
  await options.fill('#identifier', net.viewer.handle);
  await options.fill('#password', 'not-the-password');
  await options.click('summary');
  await options.fill('#service', net.pds);
  await options.click('#sign-in button[type=submit]');
  const error = options.getByTestId('options-error');
  await error.waitFor();
  assert.match(await error.textContent() ?? '', /Invalid identifier or password.*app password/);
  assert.equal(await options.getByTestId('options-signed-in').textContent(), 'Not signed in.');
  await options.close();
});

test('the core fetches the same timeline in the browser (wasm) as natively (CLI)', async () => {
  const net = network();
  const options = await signInThroughOptions(browser, 'alice');

  const popup = await browser.openExtensionPage('extension/popup/popup.html');
  await popup.getByTestId('popup-account').filter({ hasText: `@${net.viewer.handle}` }).waitFor();

  const inBrowser = await sendFromPage(options, 'api.call', { op: 'feedPage', source: { kind: 'timeline' }, limit: 50 });
  assert.equal(inBrowser.error, undefined, JSON.stringify(inBrowser.error));

  const cli = join(ROOT, 'target', 'release', 'skypanel');
  assert.ok(existsSync(cli), 'the build produced target/release/skypanel');
  const native = JSON.parse(
    execFileSync(cli, ['timeline', '--plc', net.plc, '--appview', net.appview, '--handle', net.viewer.handle, '--limit', '50', '--json'], {
      env: { ...process.env, SKYPANEL_APP_PASSWORD: net.password },
      encoding: 'utf8',
    }),
  );
  assert.ok(native.items.length >= 30, `the seeded timeline has at least 30 items, got ${native.items.length}`);
  assert.deepEqual(inBrowser.value.items, native.items, 'the same posts, in the same order, with the same fields');

  // Tokens never reach a content script's or page's reach: status answers carry no JWTs.
  const status = await sendFromPage(popup, 'core.status');
  assert.doesNotMatch(JSON.stringify(status), /Jwt|eyJ/);
  await popup.close();
  await options.close();
});

test('the worker answers after being stopped (nothing lives only in its memory)', async () => {
  const page = await browser.openExtensionPage('extension/popup/popup.html');
  const cdp = await browser.context.newCDPSession(page);
  await cdp.send('ServiceWorker.enable');
  await cdp.send('ServiceWorker.stopAllWorkers');
  const status = await sendFromPage(page, 'core.status');
  assert.equal(status.value?.coreVersion, VERSION, 'a restarted worker re-instantiates the wasm');
  assert.equal(status.value?.signedIn?.handle, network().viewer.handle, 'the session survived the restart');
  const timeline = await sendFromPage(page, 'api.call', { op: 'feedPage', source: { kind: 'timeline' }, limit: 5 });
  assert.equal(timeline.value?.items.length, 5);
  await page.close();
});

test('a content script cannot sign in, call the API, list accounts, or see tokens', async () => {
  const page = await browser.openBsky();
  await page.waitForFunction(() => document.documentElement.hasAttribute('data-skypanel-core'));
  const answers = await evalInContentScript(
    browser.context,
    page,
    `(async () => {
      const attempt = (type, payload) => SkyPanel.send(type, payload).then((v) => ({ value: v }), (e) => ({ error: e.name }));
      return {
        signIn: await attempt('session.signIn', { service: 'http://127.0.0.1:1', identifier: 'x', password: 'y' }),
        timeline: await attempt('api.call', { op: 'feedPage', source: { kind: 'timeline' } }),
        accounts: await attempt('accounts.list', {}),
        databases: (await indexedDB.databases()).map((d) => d.name),
        status: await attempt('core.status', {}),
        storage: await chrome.storage.session.get(null).then((v) => Object.keys(v), (e) => 'refused: ' + e.message),
      };
    })()`,
  );
  assert.deepEqual(answers.signIn, { error: 'Forbidden' });
  assert.deepEqual(answers.timeline, { error: 'Forbidden' });
  assert.deepEqual(answers.accounts, { error: 'Forbidden' });
  assert.ok(!answers.databases.includes('skypanel'), "the vault (the extension origin's IndexedDB) is out of the content script's reach");
  assert.equal(answers.status.value.signedIn.handle, network().viewer.handle);
  assert.doesNotMatch(JSON.stringify(answers.status), /Jwt|eyJ/);
  assert.match(String(answers.storage), /^refused/, 'session storage (per-tab state) is closed to content scripts');
  await page.close();
});

test('no console errors anywhere (pages, content script, service worker)', async () => {
  // The wrong-password test logs nothing: errors are shown in the page, not thrown.
  assert.deepEqual(browser.errors, []);
  // Chrome's extension error collection also sees the content script's isolated world.
  const info = await browser.extensionInfo();
  assert.equal(info.state, 'ENABLED');
  assert.deepEqual(
    { installWarnings: info.installWarnings, manifestErrors: info.manifestErrors, runtimeErrors: info.runtimeErrors, runtimeWarnings: info.runtimeWarnings },
    { installWarnings: [], manifestErrors: [], runtimeErrors: [], runtimeWarnings: [] },
    'chrome://extensions shows no error or warning for SkyPanel',
  );
});
