// @ts-check
/**
 * The Feeds cache: the extension origin's IndexedDB database `skypanel-feeds`, read and
 * written by the worker (feeds.js) and read by the Feeds page directly (it shares the
 * extension's origin), so a reopened feed is drawn from here without waking the worker.
 * Nothing here is the only copy of anything: losing it only costs a refetch.
 *
 * Stores:
 *   pages     {id, definition, at, answer} — the last first page of each saved feed:
 *             `definition` the feed's JSON text it was run with (a changed feed does not show
 *             an old page), `answer` the `feeds.run` answer, `at` when it was fetched.
 *   kv        {key, value, at} — the engine's own cache (mutuals, quiet posters,
 *             preferences), through the host's cacheGet/cachePut.
 *   positions {id, topUri, newestTime, newestUri, at} — where the reader stopped in each feed
 *             (the post at the top of the view) and the newest post seen at the last visit
 *             (the "new since your last visit" divider).
 */

const DB_NAME = 'skypanel-feeds';
const VERSION = 1;

/** @type {Promise<IDBDatabase> | null} */
let opening = null;

/** Opens the database (created on first use). */
export function open() {
  opening ??= new Promise((resolve, reject) => {
    const request = indexedDB.open(DB_NAME, VERSION);
    request.onupgradeneeded = () => {
      const db = request.result;
      db.createObjectStore('pages', { keyPath: 'id' });
      db.createObjectStore('kv', { keyPath: 'key' });
      db.createObjectStore('positions', { keyPath: 'id' });
    };
    request.onsuccess = () => {
      const db = request.result;
      db.onversionchange = () => {
        db.close();
        opening = null;
      };
      resolve(db);
    };
    request.onerror = () => {
      opening = null;
      reject(new Error(`SkyPanel could not open its feeds cache: ${request.error?.message ?? 'unknown error'}`));
    };
  });
  return opening;
}

/**
 * One request in its own transaction, resolved once the transaction completed.
 * @template T
 * @param {string} name store
 * @param {IDBTransactionMode} mode
 * @param {(store: IDBObjectStore) => IDBRequest<T>} make
 * @returns {Promise<T>}
 */
async function one(name, mode, make) {
  const db = await open();
  return new Promise((resolve, reject) => {
    const tx = db.transaction([name], mode);
    const request = make(tx.objectStore(name));
    tx.oncomplete = () => resolve(request.result);
    tx.onerror = () => reject(tx.error);
    tx.onabort = () => reject(tx.error);
  });
}

/**
 * The cached first page of a feed, or null.
 * @param {string} id
 * @returns {Promise<{id: string, definition: string, at: number, answer: any} | null>}
 */
export async function firstPage(id) {
  return (await one('pages', 'readonly', (s) => s.get(id))) ?? null;
}

/** @param {string} id @param {string} definition the JSON text it ran @param {any} answer */
export function putFirstPage(id, definition, answer) {
  return one('pages', 'readwrite', (s) => s.put({ id, definition, at: Date.now(), answer }));
}

/** @param {string} key @returns {Promise<string | null>} */
export async function kvGet(key) {
  const row = await one('kv', 'readonly', (s) => s.get(key));
  return typeof row?.value === 'string' ? row.value : null;
}

/** @param {string} key @param {string} value */
export function kvPut(key, value) {
  return one('kv', 'readwrite', (s) => s.put({ key, value: String(value), at: Date.now() }));
}

/**
 * Where the reader stopped in a feed, or null.
 * @param {string} id
 * @returns {Promise<{id: string, topUri?: string, newestUri?: string, newestTime?: number, at: number} | null>}
 */
export async function position(id) {
  return (await one('positions', 'readonly', (s) => s.get(id))) ?? null;
}

/**
 * Merges `changes` into a feed's reading position.
 * @param {string} id @param {{topUri?: string, newestUri?: string, newestTime?: number}} changes
 */
export async function putPosition(id, changes) {
  const db = await open();
  return new Promise((resolve, reject) => {
    const tx = db.transaction(['positions'], 'readwrite');
    const s = tx.objectStore('positions');
    const get = s.get(id);
    get.onsuccess = () => s.put({ ...(get.result ?? {}), ...changes, id, at: Date.now() });
    tx.oncomplete = () => resolve(undefined);
    tx.onerror = () => reject(tx.error);
    tx.onabort = () => reject(tx.error);
  });
}

/** Forgets a removed feed's page and position. @param {string} id */
export async function forget(id) {
  const db = await open();
  return new Promise((resolve, reject) => {
    const tx = db.transaction(['pages', 'positions'], 'readwrite');
    tx.objectStore('pages').delete(id);
    tx.objectStore('positions').delete(id);
    tx.oncomplete = () => resolve(undefined);
    tx.onerror = () => reject(tx.error);
  });
}
