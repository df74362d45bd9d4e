// @ts-check
/**
 * On-the-fly feeds, as the worker runs them: the `feeds.*` messages (see
 * ../../shared/messages.js). A feed is a `skypanel.feed` definition (docs/feeds.md) run by the
 * core's engine (engine.js) as the active account — or signed out, where only public sources
 * answer and the others come back as errors at their path — with the host the engine needs:
 * the library's saved posts, a cache in IndexedDB (store.js) and progress for the page.
 *
 * Definitions are the user's files: kept in chrome.storage.sync (they follow the Chrome
 * profile) when they fit its quotas, else in chrome.storage.local; `where` says which.
 */
import * as accounts from '../accounts.js';
import * as libraryStore from '../library/store.js';
import * as engine from './engine.js';
import { KEY } from './definitions.js';
import * as store from './store.js';

/** `feeds.list`: the user's feeds (see definitions.js). */
export { list } from './definitions.js';

/** chrome.storage.sync's per-item quota (key + JSON value, in bytes). */
const SYNC_ITEM_BYTES = 8192;
/** chrome.storage.sync's total quota and item count (leaving room for other settings). */
const SYNC_TOTAL_BYTES = 100_000;
const SYNC_MAX_ITEMS = 500;
/** Posts per page unless asked otherwise, and the most a page may ask for. */
const PAGE = 30;
const MAX_PAGE = 100;

/** @param {string} name @param {string} message */
function fail(name, message) {
  const error = new Error(message);
  error.name = name;
  return error;
}

/**
 * A definition as the engine takes it (an object), from an object or its JSON text.
 * @param {unknown} definition
 */
function definitionOf(definition) {
  if (typeof definition === 'string') return definition;
  if (definition && typeof definition === 'object' && !Array.isArray(definition)) return definition;
  throw fail('InvalidInput', 'a feed needs its definition (a skypanel.feed object)');
}

/** The JSON text a definition was run with (what a cached page is matched against). @param {unknown} definition */
const textOf = (definition) => (typeof definition === 'string' ? definition : JSON.stringify(definition));

/** Progress messages sent at most this often (a computation over 1,000 follows reports often). */
const PROGRESS_EVERY_MS = 150;
let lastProgress = 0;

/**
 * What the engine needs from the platform (engine.js's host): the library's saved posts,
 * newest saved first, the cache, and progress, which goes to the extension's pages as a
 * `feeds.progress` runtime message (a page with no listener ignores it).
 */
const host = {
  /**
   * One page of saved posts as post views' JSON text; the cursor is the offset.
   * @param {string | null | undefined} cursor @param {number} limit
   */
  async savedPage(cursor, limit) {
    const offset = Math.max(0, Number.parseInt(String(cursor ?? '0'), 10) || 0);
    const count = Math.min(Math.max(1, Number(limit) || PAGE), MAX_PAGE);
    const { records } = await libraryStore.page(true, offset, count);
    const posts = [];
    for (const r of records) {
      try {
        const post = JSON.parse(r.entry).post;
        if (post && typeof post === 'object') posts.push(JSON.stringify(post));
      } catch {
        // An entry the library cannot read is the library's to report, not the feed's.
      }
    }
    return { posts, cursor: records.length === count ? String(offset + count) : null };
  },
  /** @param {string} key */
  cacheGet: (key) => store.kvGet(String(key)).catch(() => null),
  /** @param {string} key @param {string} value */
  cachePut: (key, value) => store.kvPut(String(key), String(value)).catch(() => {}),
  /** @param {string} label @param {number} done @param {number} total */
  progress(label, done, total) {
    const now = Date.now();
    if (done < total && now - lastProgress < PROGRESS_EVERY_MS) return;
    lastProgress = now;
    const payload = { label: String(label), done: Number(done) || 0, total: Number(total) || 0 };
    chrome.runtime.sendMessage({ type: 'feeds.progress', payload }).catch(() => {});
  },
};

/**
 * Runs a feed (one page): `feeds.run`. Through accounts.run, so an expired access token is
 * refreshed once and the page run again — also when the engine reported the expiry at a
 * source rather than failing the run. `id`: a saved feed's id, whose first page is cached
 * for the next time it is opened.
 * @param {{definition?: unknown, cursor?: unknown, limit?: unknown, id?: unknown}} request
 */
export async function run({ definition, cursor, limit, id }) {
  const def = definitionOf(definition);
  const request = {
    definition: def,
    cursor: typeof cursor === 'string' && cursor ? cursor : undefined,
    limit: Math.min(Math.max(1, Number(limit) || PAGE), MAX_PAGE),
  };
  const answer = await accounts.run(async (ctx) => {
    const page = await engine.runFeed(ctx, request, host);
    const expired = page.errors?.find((/** @type {any} */ e) => e?.name === 'ExpiredToken');
    if (expired) throw fail('ExpiredToken', expired.message);
    return page;
  });
  const value = {
    posts: answer.posts ?? [],
    cursor: answer.cursor ?? null,
    steps: answer.steps ?? [],
    errors: answer.errors ?? [],
    blocks: answer.blocks ?? [],
  };
  if (typeof id === 'string' && id && !request.cursor) await store.putFirstPage(id, textOf(definition), value).catch(() => {});
  return value;
}

/**
 * Checks a definition's text without running it: `feeds.check` → {definition, problems}, or
 * an InvalidInput error (not a feed, a newer version) saying what is wrong.
 * @param {{text?: unknown}} request
 */
export async function check({ text }) {
  if (typeof text !== 'string') throw fail('InvalidInput', 'nothing to check: give the definition as text');
  await engine.load();
  return engine.checkFeed(text);
}

/** Bytes of a string in UTF-8. @param {string} s */
const bytes = (s) => new TextEncoder().encode(s).length;

/** Whether one more item of `size` bytes fits sync's total quotas. @param {string} key @param {number} size */
async function syncHasRoom(key, size) {
  const all = await chrome.storage.sync.get(null);
  const others = Object.entries(all).filter(([k]) => k !== key);
  const used = others.reduce((n, [k, v]) => n + bytes(k) + bytes(JSON.stringify(v)), 0);
  return others.length + 1 <= SYNC_MAX_ITEMS && used + size <= SYNC_TOTAL_BYTES;
}

/**
 * Saves a definition (`feeds.save`): checked by the core first — a file that is not a feed,
 * or from a newer version, is refused with the core's message; problems that still let it
 * run are answered for the editor to show. Kept in sync storage when it fits its quotas,
 * else locally.
 * @param {{id?: unknown, definition?: unknown}} request
 * @returns {Promise<{id: string, where: 'sync' | 'local', problems: any[]}>}
 */
export async function save({ id, definition }) {
  await engine.load();
  const def = typeof definition === 'string' ? parseText(definition) : definitionOf(definition);
  const { problems } = engine.checkFeed(JSON.stringify(def));
  const feedId = typeof id === 'string' && /^[A-Za-z0-9_-]{1,64}$/.test(id) ? id : crypto.randomUUID();
  const key = KEY + feedId;
  const value = { definition: def, updatedAt: Date.now() };
  const size = bytes(key) + bytes(JSON.stringify(value));
  /** @type {'sync' | 'local'} */
  let where = 'local';
  if (size <= SYNC_ITEM_BYTES && (await syncHasRoom(key, size).catch(() => false))) {
    try {
      await chrome.storage.sync.set({ [key]: value });
      where = 'sync';
    } catch {
      // Over a quota after all (or sync is off): kept locally instead.
    }
  }
  if (where === 'sync') await chrome.storage.local.remove(key);
  else {
    await chrome.storage.local.set({ [key]: value });
    await chrome.storage.sync.remove(key).catch(() => {});
  }
  return { id: feedId, where, problems: problems ?? [] };
}

/** @param {string} text */
function parseText(text) {
  try {
    return JSON.parse(text);
  } catch {
    // The core says precisely what is wrong with it.
    return engine.checkFeed(text).definition;
  }
}

/**
 * Deletes a feed (`feeds.remove`) from both areas, with its cached page and position.
 * @param {{id?: unknown}} request
 */
export async function remove({ id }) {
  if (typeof id !== 'string' || !id) throw fail('InvalidInput', 'feeds.remove needs the id of a feed');
  const key = KEY + id;
  await Promise.all([chrome.storage.sync.remove(key).catch(() => {}), chrome.storage.local.remove(key)]);
  await store.forget(id).catch(() => {});
  return null;
}
