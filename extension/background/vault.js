// @ts-check
/**
 * The background's private store: a key-value object store in the extension origin's
 * IndexedDB. Content scripts run in bsky.app's origin and cannot open it, unlike
 * chrome.storage.local — which is why account tokens live here.
 */

const DB_NAME = 'skypanel';
const STORE = 'kv';

/** @type {Promise<IDBDatabase> | null} */
let opening = null;

function db() {
  opening ??= new Promise((resolve, reject) => {
    const request = indexedDB.open(DB_NAME, 1);
    request.onupgradeneeded = () => request.result.createObjectStore(STORE);
    request.onsuccess = () => {
      const database = request.result;
      // Another version elsewhere wants to upgrade: let it, and reopen next time.
      database.onversionchange = () => {
        database.close();
        opening = null;
      };
      resolve(database);
    };
    request.onerror = () => {
      opening = null;
      reject(new Error(`SkyPanel could not open its storage: ${request.error?.message ?? 'unknown error'}`));
    };
  });
  return opening;
}

/**
 * @param {IDBTransactionMode} mode
 * @param {(store: IDBObjectStore) => IDBRequest} action
 */
async function run(mode, action) {
  const database = await db();
  return new Promise((resolve, reject) => {
    const tx = database.transaction(STORE, mode);
    const request = action(tx.objectStore(STORE));
    // Resolve on commit, not on request success: only then is a write durable.
    tx.oncomplete = () => resolve(request.result);
    tx.onerror = () => reject(tx.error ?? new Error('storage transaction failed'));
    tx.onabort = () => reject(tx.error ?? new Error('storage transaction aborted (is the disk full?)'));
  });
}

/** @param {string} key */
export function get(key) {
  return run('readonly', (s) => s.get(key));
}

/** @param {string} key @param {unknown} value */
export function put(key, value) {
  return run('readwrite', (s) => s.put(value, key));
}

/** @param {string} key */
export function remove(key) {
  return run('readwrite', (s) => s.delete(key));
}
