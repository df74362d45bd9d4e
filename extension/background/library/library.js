// @ts-check
/**
 * The library, as the background runs it: saving a post (fetched fresh from Bluesky, turned
 * into a library entry by the core, stored, and only then acknowledged), removing, the saved
 * state of posts on a page, search (the core's index, kept in the wasm while the worker
 * lives and rebuilt from IndexedDB when it restarts), export and import.
 */
import * as accounts from '../accounts.js';
import * as backup from './backup.js';
import * as lib from './wasm.js';
import * as store from './store.js';

const POST_URI = /^at:\/\/(did:[a-z]+:[A-Za-z0-9._:%-]+)\/app\.bsky\.feed\.post\/([A-Za-z0-9._~:-]{1,512})$/;

/** The alarm that wakes the worker to try queued saves again. */
export const SAVE_ALARM = 'skypanel-saves';
/** The alarm that deletes removed posts' media once the Undo window has passed. */
export const ORPHAN_ALARM = 'skypanel-orphans';

/**
 * Errors that mean Bluesky did not answer this time (offline, a server down or failing, a
 * rate limit): a save failing so is queued and tried again. Anything else (deleted, blocked,
 * a malformed answer, a full disk) is refused at once.
 */
const TRANSIENT = new Set(['NetworkError', 'Timeout', 'ServerError', 'RateLimited']);

/** 30 s, 1 min, 2 min, … up to an hour between tries. @param {number} attempts tries so far */
const retryDelay = (attempts) => Math.min(30_000 * 2 ** Math.max(0, attempts - 1), 3_600_000);

/** Resolves when the core's search index holds every saved post. @type {Promise<void> | null} */
let indexing = null;

/** Whether the index holds every saved post (then listings come from it too: faster). */
let indexReady = false;

function ensureIndex() {
  indexing ??= Promise.all([store.allIndexRecords(), lib.load()]).then(([records]) => lib.indexLoad(records)).then(
    () => {
      indexReady = true;
    },
    (err) => {
      indexing = null;
      throw err;
    },
  );
  return indexing;
}

/**
 * Applies a change to the search index — once it is loaded, if it is loaded or loading.
 * Writes never start a load themselves: rebuilding the index reads every saved post
 * (seconds at 50,000), and a load started later reads IndexedDB, which has the change.
 * Changes are idempotent (upsert, remove), so one that lands in a load already under way is
 * simply applied twice.
 * @param {() => void} change
 */
function updateIndex(change) {
  if (indexing) indexing.then(change, () => {});
}

/** @param {string} name @param {string} message */
function fail(name, message) {
  const error = new Error(message);
  error.name = name;
  return error;
}

/**
 * The at-uri of a post named by its author (handle or DID) and record key.
 * @param {{actor?: unknown, rkey?: unknown, uri?: unknown}} id
 */
async function uriOf({ actor, rkey, uri }) {
  if (typeof uri === 'string') {
    if (!POST_URI.test(uri)) throw fail('InvalidInput', `'${uri}' is not the at-uri of a post`);
    return uri;
  }
  const a = String(actor ?? '').trim();
  const k = String(rkey ?? '').trim();
  if (!a || !/^[A-Za-z0-9._~:-]{1,512}$/.test(k)) throw fail('InvalidInput', 'a post is named by {actor, rkey} or {uri}');
  const did = a.startsWith('did:') ? a : await accounts.call({ op: 'resolveHandle', handle: a });
  return `at://${did}/app.bsky.feed.post/${k}`;
}

/**
 * A posts-store record for a core library item.
 * @param {{uri: string, entry: string, index: any, media?: any[]}} item
 */
function toRecord(item) {
  const [, did, rkey] = /** @type {RegExpExecArray} */ (POST_URI.exec(item.uri));
  return {
    uri: item.uri,
    savedAt: item.index.savedAt,
    rkey,
    authorDid: did,
    authorHandle: String(item.index.authorHandle ?? ''),
    files: [...new Set((item.media ?? []).map((m) => String(m.file)))],
    entry: item.entry,
    index: item.index,
  };
}

/**
 * Download jobs for an item's media that are not backed up yet.
 * @param {{uri: string, media: any[]}} item
 */
function jobsOf(item) {
  return (item.media ?? [])
    .filter((m) => m.state !== 'done')
    .map((m) => ({ file: m.file, uri: item.uri, kind: m.kind, owner: m.owner, cid: m.cid ?? null, url: m.url ?? null, mime: m.mime ?? null, attempts: 0, nextAt: 0 }));
}

/**
 * The post a save request names, without any network call: {actor, rkey} (actor a handle,
 * lowercased, or a DID) and its at-uri when the request gave one.
 * @param {{actor?: unknown, rkey?: unknown, uri?: unknown}} request
 */
function postOf({ actor, rkey, uri }) {
  if (typeof uri === 'string') {
    const m = POST_URI.exec(uri);
    if (!m) throw fail('InvalidInput', `'${uri}' is not the at-uri of a post`);
    return { actor: m[1], rkey: m[2], uri };
  }
  const a = String(actor ?? '').trim().toLowerCase();
  const k = String(rkey ?? '').trim();
  if (!a || !/^[A-Za-z0-9._~:-]{1,512}$/.test(k)) throw fail('InvalidInput', 'a post is named by {actor, rkey} or {uri}');
  return { actor: a, rkey: k, uri: null };
}

/** @param {{tags?: unknown, note?: unknown}} request @returns {{tags: string[], note: string}} */
function wishesOf({ tags, note }) {
  return { tags: Array.isArray(tags) ? tags.map(String) : [], note: typeof note === 'string' ? note : '' };
}

/**
 * Saves a post: fetches it (signed in through the PDS, else from the public AppView), stores
 * it with its backup jobs, and answers only once that is on disk. When Bluesky does not
 * answer (offline, 5xx after the client's retries, 429, a PDS that is down) the save is
 * queued in IndexedDB, with its tags, note and bookmark choice, and tried again later:
 * the answer then says `queued`, and `saved` stays false until it lands.
 * @param {{actor?: string, rkey?: string, uri?: string, tags?: string[], note?: string}} request
 * @returns {Promise<{uri: string | null, saved: boolean, queued?: boolean, error?: string, bookmarked?: boolean}>}
 */
export async function save(request) {
  const post = postOf(request);
  const wishes = wishesOf(request);
  // Already saved (asked by handle too): no network call needed.
  const [have] = await store.postsWithRkeys([post.rkey]);
  const saved = have.find((r) => (post.uri ? r.uri === post.uri : r.authorDid === post.actor || r.authorHandle === post.actor));
  if (saved) {
    await store.cancelQueuedSaves(post);
    return { uri: saved.uri, saved: true };
  }
  const { library: options } = await chrome.storage.local.get('library');
  const bookmark = Boolean(options?.bookmarkToo);
  let uri = post.uri;
  try {
    uri = await uriOf(request);
    // Saved under an older handle of its author: found by its at-uri, never overwritten.
    if (await store.getPost(uri)) {
      await store.cancelQueuedSaves(post);
      return { uri, saved: true };
    }
    const item = /** @type {import('./wasm.js').Item} */ (await fetchAndStore(uri, wishes, null));
    // A queued copy of this save (an earlier click) is done too.
    await store.cancelQueuedSaves(post);
    return { uri, saved: true, bookmarked: bookmark && (await bookmarkToo(item)) };
  } catch (err) {
    if (!TRANSIENT.has(/** @type {Error} */ (err)?.name)) throw err;
    const error = /** @type {Error} */ (err).message;
    const now = Date.now();
    await store.queueSave({
      id: uri ?? `${post.actor}/${post.rkey}`, actor: post.actor, rkey: post.rkey, uri,
      tags: wishes.tags, note: wishes.note, bookmarkToo: bookmark,
      queuedAt: now, attempts: 1, nextAt: now + retryDelay(1), error, failed: false,
    });
    await scheduleQueuedSaves();
    return { uri, saved: false, queued: true, error };
  }
}

/**
 * Fetches one post and stores it (see {@link store.putPost} for `queued`). Answers the
 * library item, or null when the queued save was cancelled meanwhile (nothing stored).
 * @param {string} uri @param {{tags: string[], note: string}} wishes @param {string | null} queued
 */
async function fetchAndStore(uri, wishes, queued) {
  /** @type {{posts: string[]}} */
  const { posts } = await accounts.call({ op: 'postsRaw', uris: [uri] });
  if (!posts.length) throw fail('NotFound', 'this post could not be fetched from Bluesky (deleted, blocked, or visible only when signed in)');
  await lib.load();
  let item = lib.entry(posts[0], Date.now());
  if (item.uri !== uri) throw fail('MalformedResponse', `asked Bluesky for ${uri} and got ${item.uri}`);
  if (wishes.tags.length || wishes.note) item = lib.edit(item.entry, wishes);
  const alreadyHave = await store.putPost(toRecord(item), jobsOf(item), queued);
  if (alreadyHave === null) return null;
  if (alreadyHave.length) await markHave(item.uri, alreadyHave);
  updateIndex(() => lib.indexUpsert(item.index));
  backup.kick().catch((err) => console.warn('SkyPanel: media backup stopped', err));
  return item;
}

/** Sets the retry alarm for the queued save due first (none when nothing is waiting). */
async function scheduleQueuedSaves() {
  const { save: due, next } = await store.nextQueuedSave(Date.now());
  const when = due ? Date.now() : next;
  if (when === null || when >= store.NEVER) await chrome.alarms.clear(SAVE_ALARM);
  // The same time again when the worker restarts: a restart never puts a try off.
  else await chrome.alarms.create(SAVE_ALARM, { when: Math.max(when, Date.now() + 1000) });
}

/** @type {Promise<number> | null} */
let retrying = null;

/**
 * Tries the queued saves that are due, one after the other, and sets the alarm for the rest.
 * `now`: every queued save (or just `id`) is due now, and with `failedToo` those refused
 * before too. Answers how many changed state (landed, or refused for good): the caller
 * tells the open tabs.
 * @param {{now?: boolean, id?: string, failedToo?: boolean}} [options]
 */
export function retryQueued(options = {}) {
  const run = async () => {
    if (options.now) await store.retryQueuedSavesNow(options.id, options.failedToo ?? false);
    let changed = 0;
    for (;;) {
      const { save: due } = await store.nextQueuedSave(Date.now());
      if (!due) break;
      if (await tryQueued(due)) changed++;
    }
    await scheduleQueuedSaves();
    return changed;
  };
  // One run at a time; a call during a run (e.g. "retry now") runs again right after it.
  const next = (retrying ?? Promise.resolve(0)).catch(() => 0).then(run);
  retrying = next.finally(() => {
    if (retrying === next) retrying = null;
  });
  return next;
}

/**
 * One more try of a queued save. Answers whether it changed state for good: landed (or
 * found saved already) or refused; a passing failure queues it again, later.
 * @param {any} queued a saves record
 */
async function tryQueued(queued) {
  let current = queued;
  try {
    if (!current.uri) {
      const uri = await uriOf({ actor: current.actor, rkey: current.rkey });
      const resolved = { ...current, id: uri, uri };
      if (!(await store.renameQueuedSave(current.id, resolved))) return false;
      current = resolved;
    }
    if (await store.getPost(current.uri)) {
      await store.cancelQueuedSaves({ id: current.id });
      return true;
    }
    const item = await fetchAndStore(current.uri, { tags: current.tags ?? [], note: current.note ?? '' }, current.id);
    if (item && current.bookmarkToo) await bookmarkToo(item);
    return item !== null;
  } catch (err) {
    const transient = TRANSIENT.has(/** @type {Error} */ (err)?.name);
    const attempts = (current.attempts ?? 0) + 1;
    await store.updateQueuedSave({
      ...current,
      attempts,
      error: /** @type {Error} */ (err)?.message ?? String(err),
      failed: !transient,
      nextAt: transient ? Date.now() + retryDelay(attempts) : store.NEVER,
    });
    return !transient;
  }
}

/**
 * Cancels the queued save of a post ({actor, rkey} or {uri}, as the save button knows it)
 * or of one queue entry ({id}, as the library page lists it).
 * @param {{id?: unknown, actor?: unknown, rkey?: unknown, uri?: unknown}} request
 */
export async function cancelQueued(request) {
  const which = typeof request.id === 'string' ? { id: request.id } : postOf(request);
  const cancelled = await store.cancelQueuedSaves(which);
  await scheduleQueuedSaves();
  return { cancelled };
}

/** The queued saves, oldest first, for the library page. */
export function queued() {
  return store.queueView();
}

/**
 * Stores freshly fetched posts (JSON texts as the server sent them) with their backup jobs,
 * one transaction each, and starts the backup. Answers the library items.
 * @param {string[]} texts
 */
async function storeFetched(texts) {
  await lib.load();
  const items = [];
  for (const text of texts) {
    const item = lib.entry(text, Date.now());
    const alreadyHave = await store.putPost(toRecord(item), jobsOf(item));
    // Files another saved post already backed up: mark them done in this entry too.
    if (alreadyHave.length) await markHave(item.uri, alreadyHave);
    updateIndex(() => lib.indexUpsert(item.index));
    items.push(item);
  }
  backup.kick().catch((err) => console.warn('SkyPanel: media backup stopped', err));
  return items;
}

/**
 * When an account is signed in, also bookmarks the post on Bluesky (best effort: the saved
 * copy does not depend on it); the caller checked the option. Answers whether it did.
 * @param {{uri: string, entry: string}} item
 */
async function bookmarkToo(item) {
  if (!(await accounts.activePublic())) return false;
  try {
    const cid = JSON.parse(item.entry).cid;
    await accounts.call({ op: 'createBookmark', uri: item.uri, cid });
    return true;
  } catch (err) {
    console.warn('SkyPanel: saved, but bookmarking on Bluesky failed', err);
    return false;
  }
}

/**
 * Copies the signed-in account's Bluesky bookmarks into the library (each post fetched
 * fresh, byte for byte, with its media backed up). Answers {added, already, unavailable}.
 */
export async function importBookmarks() {
  if (!(await accounts.activePublic())) throw fail('NotSignedIn', 'sign in on the options page to import your Bluesky bookmarks');
  /** @type {string[]} */
  const uris = [];
  let cursor;
  do {
    const page = await accounts.call({ op: 'bookmarks', limit: 100, cursor });
    for (const b of page.bookmarks ?? []) if (typeof b?.subject?.uri === 'string') uris.push(b.subject.uri);
    cursor = page.cursor;
  } while (cursor && uris.length < 100_000);
  const report = { added: 0, already: 0, unavailable: 0 };
  const have = await store.getPosts(uris);
  const wanted = uris.filter((_, i) => {
    if (have[i]) report.already++;
    return !have[i];
  });
  for (let i = 0; i < wanted.length; i += 25) {
    const batch = wanted.slice(i, i + 25);
    /** @type {{posts: string[]}} */
    const { posts } = await accounts.call({ op: 'postsRaw', uris: batch });
    const items = await storeFetched(posts);
    report.added += items.length;
    report.unavailable += batch.length - items.length;
  }
  return report;
}

/** @param {string} uri @param {string[]} files */
async function markHave(uri, files) {
  const media = await Promise.all(files.map((f) => store.getMedia(f)));
  await store.transact(['posts'], 'readwrite', async (tx) => {
    const posts = tx.objectStore('posts');
    const record = await store.done(posts.get(uri));
    if (!record) return;
    let entry = record.entry;
    files.forEach((file, i) => {
      entry = lib.mediaState(entry, file, { state: 'done', size: media[i]?.size ?? 0 });
    });
    posts.put({ ...record, entry });
  });
}

/**
 * Removes a saved post. Media files no other post names are deleted once the Undo window
 * has passed (see {@link sweepOrphans}).
 * @param {{actor?: string, rkey?: string, uri?: string}} request
 */
export async function remove(request) {
  const uri = await uriOf(request);
  const orphans = await store.deletePost(uri, Date.now());
  updateIndex(() => lib.indexRemove(uri));
  if (orphans) await chrome.alarms.create(ORPHAN_ALARM, { when: Date.now() + store.UNDO_MS + 1000 });
  return { uri, saved: false };
}

/**
 * Deletes the media files of removed posts whose Undo window has passed (as of `now`) and
 * that no saved post names; sets the alarm for those still waiting. Answers the files deleted.
 * @param {number} [now]
 */
export async function sweepOrphans(now = Date.now()) {
  const { deleted, next } = await store.sweepOrphans(now - store.UNDO_MS);
  if (next !== null) await chrome.alarms.create(ORPHAN_ALARM, { when: Math.max(next + store.UNDO_MS + 1000, Date.now() + 30_000) });
  return deleted;
}

/**
 * Which of these posts are in the library (by author handle or DID and record key), without
 * any network call: true (saved), false, 'pending' (a queued save waits for Bluesky) or
 * 'failed' (a queued save was refused when tried again; the library page says why).
 * @param {{posts?: {actor: string, rkey: string}[]}} request
 * @returns {Promise<(boolean | 'pending' | 'failed')[]>}
 */
export async function status({ posts }) {
  if (!Array.isArray(posts)) throw fail('InvalidInput', 'posts must be an array of {actor, rkey}');
  const asked = posts.slice(0, 500);
  const found = await store.statusByRkeys(asked.map((p) => String(p?.rkey ?? '')));
  return asked.map((p, i) => {
    const actor = String(p?.actor ?? '').toLowerCase();
    if (found.posts[i].some((r) => (actor.startsWith('did:') ? r.authorDid === actor : r.authorHandle === actor))) return true;
    const queuedSave = found.saves[i].find((s) => store.samePost(s, { actor, rkey: String(p?.rkey ?? '') }));
    return queuedSave ? (queuedSave.failed ? 'failed' : 'pending') : false;
  });
}

/**
 * Searches the library (see the core's Query: text, kinds, author, tag, since, until, dates,
 * order, offset, limit) and answers the matching entries.
 * @param {{query?: object}} request
 */
export async function search({ query }) {
  const q = /** @type {any} */ (query ?? {});
  /** @type {{total: number | null, records: any[]}} */
  let found;
  if (isListing(q) && !indexReady) {
    // Just the newest (or oldest) page while the index is not loaded yet: straight from
    // IndexedDB's savedAt order (rebuilding the index after the worker slept takes seconds
    // at 50,000 posts; it loads right after, not competing with this answer).
    found = await store.page(q.order !== 'oldestFirst', Number(q.offset) || 0, q.limit === undefined ? 50 : Number(q.limit));
    setTimeout(() => ensureIndex().catch(() => {}), 0);
  } else {
    await ensureIndex();
    const { total, uris } = lib.search(q);
    found = { total, records: (await store.getPosts(uris)).filter(Boolean) };
  }
  return { total: found.total, posts: found.records.map((r) => ({ uri: r.uri, savedAt: r.savedAt, entry: r.entry })) };
}

/** Whether a query filters nothing (only order and paging). @param {any} q */
function isListing(q) {
  const empty = (/** @type {unknown} */ v) => v === undefined || v === null || v === '' || (Array.isArray(v) && !v.length);
  return ['text', 'kinds', 'author', 'tag', 'since', 'until'].every((k) => empty(q[k]) || (k === 'text' && !String(q.text).trim()));
}

/**
 * Edits the tags and/or the note of a saved post: `tags` replaces them, `addTags` adds to
 * them (read and written in one transaction, so adding a tag to many posts at once cannot
 * lose a concurrent edit), `note` replaces the note. The stored entry and its search record
 * change together; the post's copy is untouched. Answers {uri, savedAt, entry}.
 * @param {{uri?: unknown, tags?: unknown, addTags?: unknown, note?: unknown}} request
 */
export async function edit({ uri, tags, addTags, note }) {
  if (typeof uri !== 'string' || !POST_URI.test(uri)) throw fail('InvalidInput', 'library.edit needs the at-uri of a saved post');
  const strings = (/** @type {unknown} */ v) => v === undefined || (Array.isArray(v) && v.every((t) => typeof t === 'string'));
  if (!strings(tags) || !strings(addTags)) throw fail('InvalidInput', 'tags must be an array of strings');
  if (note !== undefined && typeof note !== 'string') throw fail('InvalidInput', 'the note must be a string');
  if (tags === undefined && addTags === undefined && note === undefined) throw fail('InvalidInput', 'nothing to change: give tags, addTags or note');
  await lib.load();
  const item = await store.transact(['posts'], 'readwrite', async (tx) => {
    const posts = tx.objectStore('posts');
    const record = await store.done(posts.get(uri));
    if (!record) throw fail('NotFound', 'this post is not in the library any more');
    /** @type {{tags?: string[], note?: string}} */
    const changes = {};
    if (tags !== undefined || addTags !== undefined) {
      // Reading the entry is fine; it is never re-serialised here (the core writes it).
      const current = /** @type {string[]} */ (tags ?? JSON.parse(record.entry).tags ?? []);
      changes.tags = [...current, .../** @type {string[]} */ (addTags ?? [])];
    }
    if (note !== undefined) changes.note = /** @type {string} */ (note);
    const edited = lib.edit(record.entry, changes);
    posts.put(toRecord(edited));
    return edited;
  });
  updateIndex(() => lib.indexUpsert(item.index));
  return { uri, savedAt: item.index.savedAt, entry: item.entry };
}

/** The tags in use, for the library page's filter: [{tag, count}], most used first. */
export async function tags() {
  await ensureIndex();
  return lib.tags();
}

/** How much is saved and how much room the browser reports. */
export async function usage() {
  const estimate = await navigator.storage.estimate();
  const jobs = await store.jobCounts();
  const saves = await store.queuedSaves();
  return {
    queuedSaves: saves.filter((s) => !s.failed).length,
    failedSaves: saves.filter((s) => s.failed).length,
    // Counting 50,000 records in IndexedDB takes a while; the index knows once it is loaded.
    posts: indexReady ? lib.indexSize() : await store.postCount(),
    pendingMedia: jobs.waiting,
    retryingMedia: jobs.retrying,
    failedMedia: jobs.failed,
    usedBytes: estimate.usage ?? null,
    quotaBytes: estimate.quota ?? null,
  };
}

/**
 * The library (or the posts named) as a file: `skypanel.saved` JSON, Markdown or CSV.
 * @param {{uris?: string[], as?: string}} request
 */
export async function exportFile({ uris, as = 'json' }) {
  await lib.load();
  const records = Array.isArray(uris) ? (await store.getPosts(uris.map(String))).filter(Boolean) : await store.allPosts();
  const entries = records.map((r) => r.entry);
  if (as === 'json') return lib.exportJson(entries, Date.now());
  if (as === 'markdown' || as === 'csv') return lib.exportAs(entries, as);
  throw fail('InvalidInput', `unknown export format ${as}: use json, markdown or csv`);
}

/**
 * Checks a `skypanel.saved` JSON file with the same strict reader as the import, writing
 * nothing: the library page asks this before it stores an archive's media files, so a
 * damaged export changes nothing at all. Answers the number of posts and the backed-up
 * files the entries name ({file, mime, size}, each once).
 * @param {{text?: string}} request
 */
export async function checkExport({ text }) {
  await lib.load();
  const { posts } = lib.readExport(String(text ?? ''));
  /** @type {Map<string, {file: string, mime: string | null, size: number | null}>} */
  const files = new Map();
  for (const item of posts) {
    for (const m of item.media ?? []) {
      if (m.state === 'done' && !files.has(m.file)) files.set(m.file, { file: m.file, mime: m.mime ?? null, size: typeof m.size === 'number' ? m.size : null });
    }
  }
  return { posts: posts.length, media: [...files.values()] };
}

/**
 * Imports a `skypanel.saved` JSON file: merges by at-uri, never drops anything, and answers
 * {added, merged, skipped}. A file that is not a valid export changes nothing.
 * @param {{text?: string}} request
 */
export async function importJson({ text }) {
  await lib.load();
  const { posts } = lib.readExport(String(text ?? ''));
  const report = { added: 0, merged: 0, skipped: 0 };
  /** @type {any[]} */
  const changed = [];
  await store.transact(['posts', 'media', 'jobs'], 'readwrite', async (tx) => {
    const postsStore = tx.objectStore('posts');
    const media = tx.objectStore('media');
    const jobs = tx.objectStore('jobs');
    // Everything the import reads, asked for at once: one round of IndexedDB requests instead
    // of one round trip per post and per file.
    const files = [...new Set(posts.flatMap((p) => (p.media ?? []).map((/** @type {any} */ m) => String(m.file))))];
    const [stored, held] = await Promise.all([
      Promise.all(posts.map((p) => store.done(postsStore.get(p.uri)))),
      Promise.all(files.map((f) => store.done(media.get(f)))),
    ]);
    /** The library's media records by file name. @type {Map<string, any>} */
    const heldFiles = new Map();
    files.forEach((f, i) => held[i] && heldFiles.set(f, held[i]));
    /** The library's copy of each post as the import goes (a file may hold a post twice). */
    const current = new Map(posts.map((p, i) => [p.uri, stored[i]]));
    for (const incoming of posts) {
      // Files the export had but this library lacks (a JSON file carries none) are fetched
      // again, and count as pending until they are; files it never got stay as they were.
      // Files the library holds count as backed up, whatever the file says (an Undo puts
      // back an entry read before its backup finished).
      let entryText = incoming.entry;
      for (const m of incoming.media ?? []) {
        const have = heldFiles.get(m.file);
        if (have) {
          if (m.state !== 'done') entryText = lib.mediaState(entryText, m.file, { state: 'done', size: have.size ?? 0 });
          continue;
        }
        if (m.state === 'failed') continue;
        const [job] = jobsOf({ uri: incoming.uri, media: [{ ...m, state: 'pending' }] });
        jobs.put(job);
        if (m.state !== 'pending') entryText = lib.mediaState(entryText, m.file, { state: 'pending' });
      }
      const existing = current.get(incoming.uri);
      const item = existing ? lib.merge(existing.entry, entryText) : { ...lib.item(entryText), outcome: 'added' };
      report[/** @type {'added' | 'merged' | 'skipped'} */ (item.outcome)]++;
      if (item.outcome === 'skipped') continue;
      const record = toRecord(item);
      postsStore.put(record);
      current.set(incoming.uri, record);
      changed.push(item.index);
    }
  });
  updateIndex(() => changed.forEach((index) => lib.indexUpsert(index)));
  backup.kick().catch((err) => console.warn('SkyPanel: media backup stopped', err));
  return report;
}

/**
 * Asks Bluesky whether saved posts are still there, and marks each live, deleted or blocked
 * (the saved copy is kept whatever the answer). Answers {live, deleted, blocked, unknown}.
 * @param {{uris?: string[]}} request all saved posts when `uris` is absent
 */
export async function recheck({ uris }) {
  await lib.load();
  const records = Array.isArray(uris) ? (await store.getPosts(uris.map(String))).filter(Boolean) : await store.allPosts();
  const report = { live: 0, deleted: 0, blocked: 0, unknown: 0 };
  /** @type {Map<string, 'live' | 'deleted' | 'blocked' | 'unknown'>} */
  const found = new Map();
  for (let i = 0; i < records.length; i += 25) {
    const batch = records.slice(i, i + 25).map((r) => r.uri);
    const posts = await accounts.call({ op: 'posts', uris: batch });
    for (const p of posts) found.set(p.uri, 'live');
  }
  // getPosts leaves out what it cannot show; the thread view says why.
  for (const r of records) {
    if (found.has(r.uri)) continue;
    try {
      const thread = await accounts.call({ op: 'thread', uri: r.uri, depth: 0, parentHeight: 0 });
      found.set(r.uri, thread?.blocked ? 'blocked' : thread?.notFound ? 'deleted' : 'unknown');
    } catch (err) {
      found.set(r.uri, /** @type {Error} */ (err)?.name === 'NotFound' ? 'deleted' : 'unknown');
    }
  }
  const at = Date.now();
  await store.transact(['posts'], 'readwrite', async (tx) => {
    const posts = tx.objectStore('posts');
    for (const r of records) {
      const state = found.get(r.uri) ?? 'unknown';
      report[state]++;
      const current = await store.done(posts.get(r.uri));
      if (current) posts.put({ ...current, entry: lib.markChecked(current.entry, state, at) });
    }
  });
  return report;
}
