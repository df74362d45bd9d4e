// @ts-check
/**
 * Shared setup for SkyPanel's end-to-end tests: real Chromium with the unpacked extension
 * loaded from the repository root, the bsky.app replica, and the local Bluesky network
 * described by $SKYPANEL_TEST_NETWORK (written by tests/network/serve.mjs).
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { installReplica } from '../replica/routes.mjs';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** The running network's description. */
export function network() {
  const path = process.env.SKYPANEL_TEST_NETWORK;
  if (!path) throw new Error('SKYPANEL_TEST_NETWORK is not set: run the suite with `make test` (it starts the local Bluesky network)');
  return JSON.parse(readFileSync(path, 'utf8'));
}

export const CHROMIUM = process.env.SKYPANEL_CHROMIUM || '/usr/bin/chromium';

/** Throwaway profiles still on disk; removed however the process ends. */
const profiles = new Set();
process.on('exit', () => profiles.forEach((dir) => rmSync(dir, { recursive: true, force: true })));
for (const signal of /** @type {const} */ (['SIGINT', 'SIGTERM'])) process.once(signal, () => process.exit(130));

/**
 * Launches Chromium with the extension and the replica. Every console error from pages,
 * extension pages and the service worker is collected in `errors`.
 * @param {{headless?: boolean, replica?: boolean, viewport?: {width: number, height: number}, profile?: string}} [options]
 *   `profile`: reuse this profile directory (a browser restart) and leave it on close.
 */
export async function launch(options = {}) {
  const profile = options.profile ?? mkdtempSync(join(tmpdir(), 'skypanel-profile-'));
  if (!options.profile) profiles.add(profile);
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: options.headless ?? true,
    viewport: options.viewport ?? { width: 1000, height: 900 },
    args: [
      `--disable-extensions-except=${ROOT}`,
      `--load-extension=${ROOT}`,
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  /** @type {string[]} */
  const errors = [];
  const watch = (/** @type {string} */ where, /** @type {any} */ target) => {
    target.on('console', (/** @type {any} */ msg) => {
      if (msg.type() === 'error') errors.push(`${where}: ${msg.text()}`);
    });
  };
  const watchPage = (/** @type {import('playwright-core').Page} */ page) => {
    watch(`page ${page.url()}`, page);
    page.on('pageerror', (err) => errors.push(`page ${page.url()}: uncaught ${err.message}`));
  };
  context.pages().forEach(watchPage);
  context.on('page', watchPage);
  context.on('serviceworker', (w) => watch('service worker', w));

  let [sw] = context.serviceWorkers();
  sw ??= await context.waitForEvent('serviceworker', { timeout: 15_000 });
  watch('service worker', sw);
  const extensionId = new URL(sw.url()).host;

  // Developer mode turns on Chrome's error collection for the extension: errors thrown in
  // its content scripts, pages and worker then show up in extensionInfo().runtimeErrors.
  const extensionsPage = await context.newPage();
  await extensionsPage.goto('chrome://extensions/');
  await extensionsPage.evaluate(() => /** @type {any} */ (globalThis).chrome.developerPrivate.updateProfileConfiguration({ inDeveloperMode: true }));

  const replica = options.replica === false ? null : await installReplica(context, network());

  return {
    context,
    sw,
    extensionId,
    errors,
    replica,
    /**
     * Chrome's own view of the extension (chrome://extensions): install warnings, manifest
     * errors, runtime errors and warnings.
     */
    async extensionInfo() {
      return extensionsPage.evaluate(
        (id) => new Promise((resolve) => /** @type {any} */ (globalThis).chrome.developerPrivate.getExtensionInfo(id, resolve)),
        extensionId,
      );
    },
    /** Opens one of the extension's pages. @param {string} path e.g. 'extension/popup/popup.html' */
    async openExtensionPage(path) {
      const page = await context.newPage();
      await page.goto(`chrome-extension://${extensionId}/${path}`);
      return page;
    },
    /** Opens the replica's home timeline and waits for its first rows. */
    async openBsky(path = '/') {
      const page = await context.newPage();
      await page.goto(`https://bsky.app${path}`);
      await page.waitForFunction(() => document.documentElement.dataset.replicaReady === 'true' || document.documentElement.dataset.replicaError);
      const failed = await page.evaluate(() => document.documentElement.dataset.replicaError);
      if (failed) throw new Error(`the replica failed to start: ${failed}`);
      return page;
    },
    async close() {
      await context.close();
      if (!options.profile) {
        rmSync(profile, { recursive: true, force: true });
        profiles.delete(profile);
      }
    },
  };
}

/**
 * Points the extension at the local network's services and signs `who` in by handle, the
 * way a person does it on the options page. Leaves the options page open.
 * @param {Awaited<ReturnType<typeof launch>>} browser
 * @param {string} who account short name from the seed (e.g. 'alice')
 */
export async function signInThroughOptions(browser, who) {
  const net = network();
  const page = await browser.openExtensionPage('extension/options/options.html');
  await page.fill('#plc-url', net.plc);
  await page.fill('#appview-url', net.appview);
  await page.fill('#entryway-url', net.pds);
  await page.click('#services button[type=submit]');
  await page.getByTestId('options-services-status').filter({ hasText: 'Saved.' }).waitFor();
  const handle = net.accounts[who].handle;
  await page.fill('#identifier', handle);
  await page.fill('#password', net.password);
  await page.click('#sign-in button[type=submit]');
  await page.getByTestId('options-signed-in').filter({ hasText: `@${handle}` }).waitFor();
  return page;
}

/**
 * Sends a message to the service worker from an extension page, as the pages do, and
 * returns `{value}` or `{error: {name, message}}`.
 * @param {import('playwright-core').Page} page
 * @param {string} type
 * @param {any} [payload]
 */
export function sendFromPage(page, type, payload = {}) {
  return page.evaluate(
    async ([t, p]) => {
      try {
        return { value: await /** @type {any} */ (globalThis).SkyPanel.send(t, p) };
      } catch (err) {
        return { error: { name: /** @type {Error} */ (err).name, message: /** @type {Error} */ (err).message } };
      }
    },
    /** @type {[string, any]} */ ([type, payload]),
  );
}

/**
 * Evaluates an expression in the content script's isolated world on `page` (through the
 * DevTools protocol, as Playwright has no API for extension worlds). Resolves promises.
 * @param {import('playwright-core').BrowserContext} context
 * @param {import('playwright-core').Page} page
 * @param {string} expression
 */
export async function evalInContentScript(context, page, expression) {
  const cdp = await context.newCDPSession(page);
  /** @type {number[]} */
  const worlds = [];
  cdp.on('Runtime.executionContextCreated', ({ context: c }) => {
    if (c.auxData?.type === 'isolated' && c.origin.startsWith('chrome-extension://')) worlds.push(c.id);
  });
  await cdp.send('Runtime.enable');
  if (!worlds.length) throw new Error('no content-script world found on the page');
  const { result, exceptionDetails } = await cdp.send('Runtime.evaluate', {
    expression,
    contextId: worlds[0],
    awaitPromise: true,
    returnByValue: true,
  });
  await cdp.detach();
  if (exceptionDetails) throw new Error(`content-script evaluation failed: ${exceptionDetails.exception?.description ?? exceptionDetails.text}`);
  return result.value;
}

/**
 * The visible timeline rows as the tests see them: author handle (from the testid), post
 * path, and reposter handle if any.
 * @param {import('playwright-core').Page} page
 */
export function visibleRows(page) {
  return page.evaluate(() =>
    Array.from(document.querySelectorAll('[data-testid^="feedItem-by-"]'))
      .filter((el) => /** @type {HTMLElement} */ (el).offsetParent !== null)
      .map((el) => ({
        author: (el.getAttribute('data-testid') || '').slice('feedItem-by-'.length),
        href: el.querySelector('a[href*="/post/"]')?.getAttribute('href') ?? null,
        repostBy: el.querySelector('a[aria-label^="Reposted by"]')?.getAttribute('href')?.split('/')[2] ?? null,
      })),
  );
}

/**
 * The library's backed-up media files, as {file: sha256 hex}, read in the worker from the
 * `skypanel-library` IndexedDB (to compare with what the seed uploaded).
 * @param {Awaited<ReturnType<typeof launch>>} browser
 * @returns {Promise<Record<string, string>>}
 */
export function libraryMediaHashes(browser) {
  return browser.sw.evaluate(async () => {
    const db = await new Promise((resolve, reject) => {
      const r = indexedDB.open('skypanel-library');
      r.onsuccess = () => resolve(r.result);
      r.onerror = () => reject(r.error);
    });
    const all = await new Promise((resolve) => {
      const r = /** @type {IDBDatabase} */ (db).transaction('media').objectStore('media').getAll();
      r.onsuccess = () => resolve(r.result);
    });
    /** @type {Record<string, string>} */
    const out = {};
    for (const m of /** @type {any[]} */ (all)) {
      const digest = await crypto.subtle.digest('SHA-256', await m.blob.arrayBuffer());
      out[m.file] = Array.from(new Uint8Array(digest), (x) => x.toString(16).padStart(2, '0')).join('');
    }
    return out;
  });
}

/**
 * A post's JSON exactly as the local AppView serves it now (the bytes inside getPosts).
 * @param {string} uri
 */
export async function appviewPostText(uri) {
  const body = await (await fetch(`${network().appview}/xrpc/app.bsky.feed.getPosts?uris=${encodeURIComponent(uri)}`)).text();
  return body.slice(body.indexOf('[') + 1, body.lastIndexOf(']'));
}

/**
 * An @atproto/api agent signed in as `who` (a seeded handle) on the local PDS, for tests that
 * change the network. Only accounts alice does not follow (mallory, ivan) may post or act:
 * other test files read alice's timeline as seeded.
 * @param {string} who
 */
export async function agentFor(who) {
  const net = network();
  // Loaded only by the tests that post (a large module).
  const { AtpAgent } = await import('@atproto/api');
  const agent = new AtpAgent({ service: net.pds });
  await agent.login({ identifier: who, password: net.password });
  return agent;
}

/**
 * Posts `record` (text, facets, embed, reply…; createdAt defaults to now) with `agent` and
 * waits until the AppView shows it. Answers its uri and cid, and `visible()`, which asks the
 * AppView again (e.g. to wait for a deletion).
 * @param {import('@atproto/api').AtpAgent} agent @param {object} record
 */
export async function postAndWait(agent, record) {
  const net = network();
  const { uri, cid } = await agent.post({ createdAt: new Date().toISOString(), ...record });
  const visible = async () =>
    (await (await fetch(`${net.appview}/xrpc/app.bsky.feed.getPosts?uris=${encodeURIComponent(uri)}`)).json()).posts.length;
  for (let i = 0; i < 100 && !(await visible()); i++) await new Promise((r) => setTimeout(r, 100));
  return { uri, cid, visible };
}
