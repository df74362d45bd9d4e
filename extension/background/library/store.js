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
 *   saves  {id, actor, rkey, uri, tags, note, bookmarkToo, queuedAt, attempts, nextAt, error,
 *          failed} — saves whose fetch failed for a passing reason (offline, 5xx, 429), to try
 *          again; `id` is the at-uri, or `actor/rkey` while the handle is not resolved yet.
 *          The post lands in the same transaction that deletes its record (see putPost).
 *   orphans {file, at} — media files no post named any more when a post was removed at `at`;
 *          deleted by sweepOrphans once the Undo window has passed, unless a post names
 *          them again by then.
 */

const DB_NAME = 'skypanel-library';
const VERSION = 2;

/**
 * How long a removed post's media files are kept, so that Undo (which re-imports the entry)
 * finds them still there; the library page offers Undo for this long.
 */
export const UNDO_MS = 5 * 60_000;

/** `nextAt` of a job or queued save given up on: never due. */
export const NEVER = Number.MAX_SAFE_INTEGER;

/** @type {Promise<IDBDatabase> | null} */
let opening = null;

export function open() {
  opening ??= new Promise((resolve, reject) => {
    const request = indexedDB.open(DB_NAME, VERSION);
    request.onupgradeneeded = (event) => {
      const db = request.result;
      if (event.oldVersion < 1) {
        const posts = db.createObjectStore('posts', { keyPath: 'uri' });
        posts.createIndex('savedAt', 'savedAt');
        posts.createIndex('rkey', 'rkey');
        posts.createIndex('files', 'files', { multiEntry: true });
        db.createObjectStore('media', { keyPath: 'file' });
        db.createObjectStore('jobs', { keyPath: 'file' }).createIndex('nextAt', 'nextAt');
      }
      if (event.oldVersion < 2) {
        const saves = db.createObjectStore('saves', { keyPath: 'id' });
        saves.createIndex('nextAt', 'nextAt');
        saves.createIndex('rkey', 'rkey');
        db.createObjectStore('orphans', { keyPath: 'file' }).createIndex('at', 'at');
      }
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

/**
 * The saved posts and the queued saves with each of these record keys, in one transaction
 * (the save buttons' question).
 * @param {string[]} rkeys
 * @returns {Promise<{posts: any[][], saves: any[][]}>}
 */
export function statusByRkeys(rkeys) {
  return transact(['posts', 'saves'], 'readonly', async (tx) => {
    const posts = tx.objectStore('posts').index('rkey');
    const saves = tx.objectStore('saves').index('rkey');
    const [p, q] = await Promise.all([
      Promise.all(rkeys.map((k) => done(posts.getAll(k)))),
      Promise.all(rkeys.map((k) => done(saves.getAll(k)))),
    ]);
    return { posts: p, saves: q };
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
 * (another post names the same file) are not queued again. With `queued`, the queued save
 * of that id is deleted in the same transaction — and if it is gone already (cancelled while
 * the post was being fetched) nothing is stored and the answer is null.
 * @param {object} record a posts record
 * @param {object[]} jobs
 * @param {string | null} [queued]
 * @returns {Promise<string[] | null>} the files already backed up
 */
export function putPost(record, jobs, queued = null) {
  return transact(queued === null ? ['posts', 'media', 'jobs'] : ['posts', 'media', 'jobs', 'saves'], 'readwrite', async (tx) => {
    if (queued !== null) {
      const saves = tx.objectStore('saves');
      if ((await done(saves.getKey(queued))) === undefined) return null;
      saves.delete(queued);
    }
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

/**
 * Deletes a saved post. Its media files that no other post names stop downloading and are
 * noted as orphans (deleted by {@link sweepOrphans} after the Undo window); files another
 * post names are left alone.
 * @param {string} uri
 * @param {number} now
 * @returns {Promise<number>} how many files became orphans
 */
export function deletePost(uri, now) {
  return transact(['posts', 'jobs', 'orphans'], 'readwrite', async (tx) => {
    const posts = tx.objectStore('posts');
    const record = await done(posts.get(uri));
    if (!record) return 0;
    await done(posts.delete(uri));
    const files = /** @type {string[]} */ (record.files ?? []);
    const naming = await Promise.all(files.map((f) => done(posts.index('files').count(f))));
    const orphans = files.filter((_, i) => naming[i] === 0);
    for (const file of orphans) {
      tx.objectStore('jobs').delete(file);
      tx.objectStore('orphans').put({ file, at: now });
    }
    return orphans.length;
  });
}

/**
 * Deletes the media files noted as orphans at or before `before` that no post names (a
 * post put back by Undo, or saved again, names its files again: those stay).
 * @param {number} before
 * @returns {Promise<{deleted: string[], kept: number, next: number | null}>} `next`: when the
 *   earliest orphan still waiting was noted
 */
export async function sweepOrphans(before) {
  // Nearly always nothing is waiting: then no write transaction over the posts (the worker
  // sweeps whenever it starts, maybe while the library page reads its first screen).
  const first = await transact(['orphans'], 'readonly', async (tx) => (await done(tx.objectStore('orphans').index('at').openCursor()))?.value.at ?? null);
  if (first === null || first > before) return { deleted: [], kept: 0, next: first };
  return transact(['posts', 'media', 'jobs', 'orphans'], 'readwrite', async (tx) => {
    const orphans = tx.objectStore('orphans');
    const due = await done(orphans.index('at').getAll(IDBKeyRange.upperBound(before)));
    const files = tx.objectStore('posts').index('files');
    const naming = await Promise.all(due.map((o) => done(files.count(o.file))));
    /** @type {string[]} */
    const deleted = [];
    due.forEach((o, i) => {
      orphans.delete(o.file);
      if (naming[i] > 0) return;
      tx.objectStore('media').delete(o.file);
      tx.objectStore('jobs').delete(o.file);
      deleted.push(o.file);
    });
    const later = await done(orphans.index('at').openCursor(IDBKeyRange.lowerBound(before, true)));
    return { deleted, kept: due.length - deleted.length, next: later ? later.value.at : null };
  });
}

/**
 * Queues a save to try again, replacing any queued save of the same post (the same record
 * key, and the same author by handle or DID).
 * @param {{id: string, actor: string, rkey: string, uri: string | null}} save
 */
export function queueSave(save) {
  return transact(['saves'], 'readwrite', async (tx) => {
    const saves = tx.objectStore('saves');
    const same = await done(saves.index('rkey').getAll(save.rkey));
    for (const other of same) if (other.id !== save.id && samePost(other, save)) saves.delete(other.id);
    saves.put(save);
  });
}

/**
 * Whether two queued saves (or a queued save and {actor, rkey}) name the same post: same
 * record key, and an author that matches by handle or DID.
 * @param {{actor: string, rkey: string, uri?: string | null}} a @param {{actor: string, rkey: string, uri?: string | null}} b
 */
export function samePost(a, b) {
  if (a.rkey !== b.rkey) return false;
  const names = (/** @type {typeof a} */ s) => [s.actor.toLowerCase(), s.uri ? s.uri.split('/')[2] : ''].filter(Boolean);
  const theirs = names(b);
  return names(a).some((n) => theirs.includes(n));
}

/** The queued save due first at or before `now`, or when the earliest one is due. @param {number} now */
export function nextQueuedSave(now) {
  return transact(['saves'], 'readonly', async (tx) => {
    const cursor = await done(tx.objectStore('saves').index('nextAt').openCursor());
    if (!cursor) return { save: null, next: null };
    const save = cursor.value;
    return save.nextAt <= now ? { save, next: null } : { save: null, next: save.nextAt };
  });
}

/**
 * Rewrites a queued save (a failed try) — unless it was cancelled meanwhile.
 * @param {{id: string}} save @returns {Promise<boolean>} whether it was still queued
 */
export function updateQueuedSave(save) {
  return transact(['saves'], 'readwrite', async (tx) => {
    const saves = tx.objectStore('saves');
    if ((await done(saves.getKey(save.id))) === undefined) return false;
    saves.put(save);
    return true;
  });
}

/**
 * Replaces a queued save's record under a new id (its handle resolved to an at-uri).
 * @param {string} oldId @param {{id: string}} save @returns {Promise<boolean>} whether it was still queued
 */
export function renameQueuedSave(oldId, save) {
  return transact(['saves'], 'readwrite', async (tx) => {
    const saves = tx.objectStore('saves');
    if ((await done(saves.getKey(oldId))) === undefined) return false;
    saves.delete(oldId);
    saves.put(save);
    return true;
  });
}

/**
 * Deletes the queued saves of a post ({actor, rkey}, or `id`). @param {{id?: string, actor?: string, rkey?: string}} which
 * @returns {Promise<number>} how many there were
 */
export function cancelQueuedSaves(which) {
  return transact(['saves'], 'readwrite', async (tx) => {
    const saves = tx.objectStore('saves');
    if (which.id !== undefined) {
      const had = (await done(saves.getKey(which.id))) !== undefined;
      saves.delete(which.id);
      return had ? 1 : 0;
    }
    const post = { actor: String(which.actor ?? ''), rkey: String(which.rkey ?? '') };
    const same = (await done(saves.index('rkey').getAll(post.rkey))).filter((s) => samePost(s, post));
    for (const s of same) saves.delete(s.id);
    return same.length;
  });
}

/** Every queued save, oldest queued first. @returns {Promise<any[]>} */
export async function queuedSaves() {
  const all = await transact(['saves'], 'readonly', (tx) => done(tx.objectStore('saves').getAll()));
  return all.sort((a, b) => a.queuedAt - b.queuedAt);
}

/**
 * The queued saves as pages show them, oldest first (read here, not through the worker:
 * the library page lists them without waking it).
 */
export async function queueView() {
  return (await queuedSaves()).map((s) => ({
    id: s.id, actor: s.actor, rkey: s.rkey, uri: s.uri, tags: s.tags, note: s.note, queuedAt: s.queuedAt,
    attempts: s.attempts, nextAt: s.failed ? null : s.nextAt, error: s.error, failed: Boolean(s.failed),
  }));
}

/**
 * Makes every queued save due now (or just `id`'s); with `failedToo`, those refused before too.
 * @param {string | undefined} id @param {boolean} failedToo
 */
export function retryQueuedSavesNow(id, failedToo) {
  return transact(['saves'], 'readwrite', async (tx) => {
    const saves = tx.objectStore('saves');
    const all = id === undefined ? await done(saves.getAll()) : [await done(saves.get(id))].filter(Boolean);
    const due = all.filter((s) => failedToo || !s.failed);
    for (const s of due) saves.put({ ...s, nextAt: 0, failed: false });
    return due.length;
  });
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
    tx.objectStore('jobs').delete(job.file);
    // The last post naming it was removed while it downloaded: keep no orphan.
    if (!(await done(tx.objectStore('posts').index('files').count(job.file)))) return;
    tx.objectStore('media').put({ file: job.file, blob, mime: blob.type, size: blob.size, at: Date.now() });
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
    // The last post naming it was removed while it downloaded: nothing to try again.
    if (!(await done(tx.objectStore('posts').index('files').count(job.file)))) return;
    tx.objectStore('jobs').put(job);
    await updateNaming(tx, job.file, update);
  });
}
