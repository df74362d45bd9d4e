// @ts-check
/**
 * Where the library lives: the extension origin's IndexedDB database `skypanel-library`
 * (kept with `unlimitedStorage`; pages of this extension read it too, content scripts
 * cannot). The core decides what goes in; this file only stores.
 *
 * Stores:
 *   posts  {uri, savedAt, rkey, authorDid, authorHandle, files, entry, index}
 *          `entry` is the saved post as the core writes it (a `skypanel.saved` entry, JSON
 *          text: the post's JSON inside stays byte for byte); `index` its search record;
 *          `files` the media files it names (several posts may share one, e.g. an avatar).
 *   media  {file, blob, mime, size, at} — backed-up files, by the file name the entry names.
 *   jobs   {file, uri, kind, owner, cid, url, mime, attempts, nextAt, error} — media still
 *          to fetch; written in the same transaction as the post, so a save that was
 *          acknowledged always has its backup queued, whatever stops the worker.
 */

const DB_NAME = 'skypanel-library';
const VERSION = 1;

/** @type {Promise<IDBDatabase> | null} */
let opening = null;

export function open() {
  opening ??= new Promise((resolve, reject) => {
    const request = indexedDB.open(DB_NAME, VERSION);
    request.onupgradeneeded = () => {
      const db = request.result;
      const posts = db.createObjectStore('posts', { keyPath: 'uri' });
      posts.createIndex('savedAt', 'savedAt');
      posts.createIndex('rkey', 'rkey');
      posts.createIndex('files', 'files', { multiEntry: true });
      db.createObjectStore('media', { keyPath: 'file' });
      db.createObjectStore('jobs', { keyPath: 'file' }).createIndex('nextAt', 'nextAt');
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
      reject(storageError(request.error));
    };
  });
  return opening;
}

/**
 * A storage failure as an Error whose name and message tell the user what happened.
 * @param {DOMException | Error | null | undefined} cause
 */
export function storageError(cause) {
  const quota = cause?.name === 'QuotaExceededError';
  const error = new Error(
    quota
      ? 'the disk is full (or the browser refused more space): nothing was saved; free some space and try again'
      : `SkyPanel could not use its library storage: ${cause?.message ?? 'unknown error'}`,
  );
  error.name = quota ? 'StorageFull' : 'StorageError';
  return error;
}

/**
 * Runs `work` in one transaction and resolves with its result once the transaction has
 * committed (only then is a write durable).
 * @template T
 * @param {string[]} stores
 * @param {IDBTransactionMode} mode
 * @param {(tx: IDBTransaction) => T | Promise<T>} work
 * @returns {Promise<T>}
 */
export async function transact(stores, mode, work) {
  const db = await open();
  return new Promise((resolve, reject) => {
    const tx = db.transaction(stores, mode, { durability: 'strict' });
    /** @type {T} */
    let result;
    tx.oncomplete = () => resolve(result);
    tx.onerror = () => reject(storageError(tx.error));
    tx.onabort = () => reject(storageError(tx.error));
    Promise.resolve(work(tx)).then(
      (r) => (result = r),
      (err) => {
        try {
          tx.abort();
        } catch {
          // already finished
        }
        // A refused write (a full disk throws QuotaExceededError) reads like any other.
        reject(err instanceof DOMException ? storageError(err) : err);
      },
    );
  });
}

/**
 * @template T
 * @param {IDBRequest<T>} request
 * @returns {Promise<T>}
 */
export function done(request) {
  return new Promise((resolve, reject) => {
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(storageError(request.error));
  });
}

/** @param {string} uri */
export function getPost(uri) {
  return transact(['posts'], 'readonly', (tx) => done(tx.objectStore('posts').get(uri)));
}

/** @param {string[]} uris */
export function getPosts(uris) {
  return transact(['posts'], 'readonly', (tx) => {
    const store = tx.objectStore('posts');
    return Promise.all(uris.map((u) => done(store.get(u))));
  });
}

/** How many posts are saved. @returns {Promise<number>} */
export function postCount() {
  return transact(['posts'], 'readonly', (tx) => done(tx.objectStore('posts').count()));
}

/**
 * One page of saved posts in saved order. `total` is null: counting 50,000 records takes
 * longer than reading a page (ask {@link postCount} separately).
 * @param {boolean} newestFirst
 * @param {number} offset
 * @param {number} limit
 * @returns {Promise<{total: null, records: any[]}>}
 */
export function page(newestFirst, offset, limit) {
  return transact(['posts'], 'readonly', async (tx) => {
    const posts = tx.objectStore('posts');
    const total = null;
    /** @type {any[]} */
    const records = [];
    if (limit <= 0) return { total, records };
    const index = /** @type {any} */ (posts.index('savedAt'));
    if (typeof index.getAllRecords === 'function') {
      // One request for the whole page, in either direction (Chrome 141+).
      const all = await done(index.getAllRecords({ direction: newestFirst ? 'prev' : 'next', count: offset + limit }));
      return { total, records: all.slice(offset).map((/** @type {any} */ r) => r.value) };
    }
    await new Promise((resolve, reject) => {
      const request = posts.index('savedAt').openCursor(null, newestFirst ? 'prev' : 'next');
      let skipped = offset <= 0;
      request.onsuccess = () => {
        const cursor = request.result;
        if (!cursor) return resolve(null);
        if (!skipped) {
          skipped = true;
          return cursor.advance(offset);
        }
        records.push(cursor.value);
        if (records.length >= limit) return resolve(null);
        cursor.continue();
      };
      request.onerror = () => reject(storageError(request.error));
    });
    return { total, records };
  });
}

/**
 * The saved posts with each of these record keys (a handful at most each), in one
 * transaction: a page of save buttons asks about 30 posts at a time.
 * @param {string[]} rkeys
 * @returns {Promise<any[][]>}
 */
export function postsWithRkeys(rkeys) {
  return transact(['posts'], 'readonly', (tx) => {
    const index = tx.objectStore('posts').index('rkey');
    return Promise.all(rkeys.map((k) => done(index.getAll(k))));
  });
}

/** Every post's search record, for building the index. @returns {Promise<object[]>} */
export function allIndexRecords() {
  return transact(['posts'], 'readonly', async (tx) => {
    /** @type {object[]} */
    const out = [];
    await new Promise((resolve, reject) => {
      const request = tx.objectStore('posts').openCursor();
      request.onsuccess = () => {
        const cursor = request.result;
        if (!cursor) return resolve(null);
        out.push(cursor.value.index);
        cursor.continue();
      };
      request.onerror = () => reject(storageError(request.error));
    });
    return out;
  });
}

/** Every saved post record, oldest saved first. */
export function allPosts() {
  return transact(['posts'], 'readonly', (tx) => done(tx.objectStore('posts').index('savedAt').getAll()));
}

/**
 * Stores a saved post and queues its media, in one transaction. Media already backed up
 * (another post names the same file) are not queued again.
 * @param {object} record a posts record
 * @param {object[]} jobs
 */
export function putPost(record, jobs) {
  return transact(['posts', 'media', 'jobs'], 'readwrite', async (tx) => {
    tx.objectStore('posts').put(record);
    const media = tx.objectStore('media');
    const queue = tx.objectStore('jobs');
    const have = await Promise.all(jobs.map((j) => done(media.getKey(/** @type {any} */ (j).file))));
    jobs.forEach((j, i) => {
      if (have[i] === undefined) queue.put(j);
    });
    return jobs.filter((_, i) => have[i] !== undefined).map((j) => /** @type {any} */ (j).file);
  });
}

/** @param {string} uri */
export function deletePost(uri) {
  return transact(['posts'], 'readwrite', (tx) => done(tx.objectStore('posts').delete(uri)));
}

/** The next job due at or before `now`, or the time the earliest one is due. @param {number} now */
export function nextJob(now) {
  return transact(['jobs'], 'readonly', async (tx) => {
    const request = tx.objectStore('jobs').index('nextAt').openCursor();
    const cursor = await done(request);
    if (!cursor) return { job: null, next: null };
    const job = cursor.value;
    return job.nextAt <= now ? { job, next: null } : { job: null, next: job.nextAt };
  });
}

/**
 * Media still to back up: `waiting` never tried yet (or being fetched now), `retrying`
 * failed at least once and queued again, `failed` given up on.
 * @returns {Promise<{waiting: number, retrying: number, failed: number}>}
 */
export function jobCounts() {
  return transact(['jobs'], 'readonly', async (tx) => {
    const jobs = await done(tx.objectStore('jobs').getAll());
    const counts = { waiting: 0, retrying: 0, failed: 0 };
    for (const j of jobs) {
      if (!j.attempts) counts.waiting++;
      else if (j.nextAt >= Number.MAX_SAFE_INTEGER) counts.failed++;
      else counts.retrying++;
    }
    return counts;
  });
}

/** @param {object} job */
export function putJob(job) {
  return transact(['jobs'], 'readwrite', (tx) => done(tx.objectStore('jobs').put(job)));
}

/** @param {string} file @returns {Promise<{file: string, blob: Blob, mime: string, size: number} | undefined>} */
export function getMedia(file) {
  return transact(['media'], 'readonly', (tx) => done(tx.objectStore('media').get(file)));
}

/**
 * Stores media files restored from an export archive, in one transaction (all or none).
 * Files the library already has are left as they are (same name, same file). Called by the
 * library page before it imports the archive's JSON, so the import finds them present and
 * queues no download.
 * @param {{file: string, blob: Blob}[]} files
 * @returns {Promise<number>} how many were added
 */
export function putMediaFiles(files) {
  return transact(['media'], 'readwrite', async (tx) => {
    const media = tx.objectStore('media');
    const have = await Promise.all(files.map((f) => done(media.getKey(f.file))));
    let added = 0;
    files.forEach((f, i) => {
      if (have[i] !== undefined) return;
      media.put({ file: f.file, blob: f.blob, mime: f.blob.type, size: f.blob.size, at: Date.now() });
      added++;
    });
    return added;
  });
}

/**
 * Every post naming `file` rewritten by `update`, in `tx`.
 * @param {IDBTransaction} tx @param {string} file @param {(record: any) => any} update
 */
async function updateNaming(tx, file, update) {
  const posts = tx.objectStore('posts');
  const records = await done(posts.index('files').getAll(file));
  for (const record of records) posts.put(update(record));
}

/**
 * Stores a downloaded file, removes its job and lets `update` rewrite the entries that
 * name it, in one transaction.
 * @param {{file: string}} job
 * @param {Blob} blob
 * @param {(record: any) => any} update given a posts record, returns it updated
 */
export function finishJob(job, blob, update) {
  return transact(['posts', 'media', 'jobs'], 'readwrite', async (tx) => {
    tx.objectStore('media').put({ file: job.file, blob, mime: blob.type, size: blob.size, at: Date.now() });
    tx.objectStore('jobs').delete(job.file);
    await updateNaming(tx, job.file, update);
  });
}

/**
 * Records a failed attempt: the job stays queued for `nextAt`, and `update` marks the
 * entries naming the file.
 * @param {{file: string}} job the job as it should now be stored
 * @param {(record: any) => any} update
 */
export function failJob(job, update) {
  return transact(['posts', 'jobs'], 'readwrite', async (tx) => {
    tx.objectStore('jobs').put(job);
    await updateNaming(tx, job.file, update);
  });
}
