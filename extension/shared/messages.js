// @ts-check
/**
 * The one messaging interface between SkyPanel's contexts.
 *
 * The service worker owns the Rust/wasm core and the account; the content script and the
 * extension pages ask it things with `SkyPanel.send(type, payload)`. Every message type,
 * its payload, its answer and who may send it are listed in `MESSAGES` below — this is the
 * only place they are defined.
 *
 * Loaded as a classic script (content scripts cannot be modules) and by `import` in the
 * service worker and pages; either way it defines `globalThis.SkyPanel`.
 *
 * Answers cross `chrome.runtime` as `{ok: true, value}` or `{ok: false, error: {name, message}}`;
 * `send` turns the latter back into a rejected `Error` with the same name and message.
 */
(() => {
  'use strict';
  if (globalThis.SkyPanel) return;

  /**
   * @typedef {'any' | 'extension'} Audience  who may send: any context of this extension
   *   (content scripts included) or only the extension's own pages.
   * @typedef {{audience: Audience, doc: string}} MessageSpec
   */

  /** @type {Record<string, MessageSpec>} */
  const MESSAGES = {
    'core.status': {
      audience: 'any',
      doc: '{} → {coreVersion, signedIn: {did, handle, service} | null}',
    },
    'core.hello': {
      audience: 'any',
      doc: '{rows: [{owner}]} → {coreVersion, runs: [{account, start, len}]} — runs computed by the core',
    },
    'collapse.plan': {
      audience: 'any',
      doc: '{units: [{owner, repost}], options: {mode: "runs"|"bundle", threshold}} → [{account, units, posts, reposts}] — the core plans the collapsed view',
    },
    'collapse.status': {
      audience: 'any',
      doc: "{state: 'on'|'off'|'unrecognised', blocks, folded} → null; the content script reports its tab's state for the popup",
    },
    'profiles.basic': {
      audience: 'any',
      doc: '{actors: [handle]} → [{handle, displayName, avatar}] — public profile basics (at most 25 looked up per call), for blocks of reposts',
    },
    'library.save': {
      audience: 'any',
      doc: "{actor, rkey} | {uri}, tags?, note? → {uri, saved: true}, answered once the copy is on disk (its media are backed up after); fetched signed in through the PDS, else from the public AppView. When Bluesky does not answer (offline, 5xx, 429, PDS down) → {uri | null, saved: false, queued: true, error}: queued in IndexedDB and tried again (30 s, 1 min, … up to 1 h); 'library.changed' when it lands. Deleted, blocked or malformed: an error, not queued",
    },
    'library.remove': { audience: 'any', doc: '{actor, rkey} | {uri} → {uri, saved: false}; media no other post names are deleted after the Undo window (5 min)' },
    'library.cancel': { audience: 'any', doc: '{actor, rkey} | {uri} | {id} → {cancelled: n} — drops the queued save of a post (or queue entry `id`), no network' },
    'library.queue': {
      audience: 'extension',
      doc: '{} → [{id, actor, rkey, uri, tags, note, queuedAt, attempts, nextAt, error, failed}] — queued saves, oldest first (failed: refused when tried again; nextAt null)',
    },
    'library.retryQueued': { audience: 'extension', doc: '{id?} → library.queue answer — tries the queued saves (or one) now, refused ones too' },
    'library.status': {
      audience: 'any',
      doc: "{posts: [{actor, rkey}]} → [true | false | 'pending' | 'failed'] — in the library, not, a queued save waiting, or a queued save refused when tried again (no network)",
    },
    'library.search': {
      audience: 'extension',
      doc: '{query: {text?, kinds?, author?, tag?, since?, until?, dates?, order?, offset?, limit?}} → {total, posts: [{uri, savedAt, entry}]} (entry: a skypanel.saved entry as JSON text; total is null for an unfiltered listing answered before the search index has loaded)',
    },
    'library.edit': {
      audience: 'extension',
      doc: '{uri, tags?: [string], addTags?: [string], note?: string} → {uri, savedAt, entry}; tags replaces the tags, addTags adds to them (normalised by the core: no leading #, each once whatever its case), note replaces the note (trimmed); the saved copy of the post is untouched',
    },
    'library.tags': { audience: 'extension', doc: '{} → [{tag, count}] — the tags in use (lowercase, as search compares them), most used first' },
    'library.recheck': {
      audience: 'extension',
      doc: '{uris?} → {live, deleted, blocked, unknown}; marks saved posts deleted or blocked on Bluesky since (the copies are kept)',
    },
    'library.importBookmarks': {
      audience: 'extension',
      doc: "{} → {added, already, unavailable}; copies the signed-in account's Bluesky bookmarks into the library (fetched fresh, media backed up)",
    },
    'library.usage': { audience: 'extension', doc: '{} → {posts, queuedSaves, failedSaves, pendingMedia (not tried yet), retryingMedia (failed, queued again), failedMedia (given up), usedBytes, quotaBytes}' },
    'library.export': {
      audience: 'extension',
      doc: "{uris?, as?: 'json'|'markdown'|'csv'} → the file's text (skypanel.saved JSON by default), of everything or of the posts named",
    },
    'library.import': {
      audience: 'extension',
      doc: '{text} → {added, merged, skipped}; a file that is not a valid export is an error and changes nothing',
    },
    'library.checkExport': {
      audience: 'extension',
      doc: '{text} → {posts, media: [{file, mime, size}]} — checks a skypanel.saved file as library.import would (same errors), writing nothing; media: the backed-up files its entries name',
    },
    'accounts.list': {
      audience: 'extension',
      doc: '{} → {active: did | null, accounts: [{did, handle, service}]}',
    },
    'accounts.switch': { audience: 'extension', doc: '{did} → {did, handle, service}' },
    'session.signIn': {
      audience: 'extension',
      doc: '{identifier, password, service?} → {did, handle, service}; finds the PDS from the handle unless service is given; tokens stay in the worker',
    },
    'session.signOut': {
      audience: 'extension',
      doc: '{did?} → accounts.list answer; ends the session on the server (best effort) and forgets it',
    },
    'settings.get': { audience: 'extension', doc: '{} → {plcUrl, appviewUrl, entrywayUrl}' },
    'settings.set': { audience: 'extension', doc: '{plcUrl?, appviewUrl?, entrywayUrl?} → the saved settings' },
    'settings.reset': { audience: 'extension', doc: "{} → Bluesky's default services" },
    'api.call': {
      audience: 'extension',
      doc: '{op, ...} → value. Ops (crates/skypanel-wasm/src/ops.rs): feedPage {source, limit?, cursor?} → {cursor, items, feed}; thread {uri}; posts {uris}; search {query, limit?, cursor?}; profile {actor}; profiles {actors}; feedGenerator {uri}; feedGenerators {uris}; preferences; createBookmark {uri, cid}; deleteBookmark {uri}; bookmarks {limit?, cursor?}; resolveHandle {handle}. Runs as the active account, or signed out against the AppView. An optional policy {maxRetries, baseDelayMs, maxWaitMs, timeoutMs} overrides retries and timeouts for the call.',
    },
  };

  /**
   * Messages the service worker sends to a bsky.app tab's content script
   * (chrome.tabs.sendMessage, `{type, payload}`, no answer expected); 'library.changed' also
   * goes to the extension's own pages (chrome.runtime.sendMessage).
   * @type {Record<string, string>}
   */
  const TAB_MESSAGES = {
    'library.changed': '{} — the library changed (a save, removal, edit, import or re-check): refresh the save buttons, and the library pages',
    'save.focused': '{} — the save shortcut was pressed: save the post that has the focus',
  };

  /**
   * Sends a message to the service worker and resolves with its answer.
   * @param {string} type one of the keys of MESSAGES
   * @param {object} [payload]
   * @returns {Promise<any>}
   */
  async function send(type, payload = {}) {
    if (!(type in MESSAGES)) throw new Error(`SkyPanel: unknown message type ${type}`);
    const answer = await chrome.runtime.sendMessage({ type, payload });
    if (answer && answer.ok === true) return answer.value;
    const info = (answer && answer.error) || { name: 'NoAnswer', message: 'the background worker did not answer' };
    const error = new Error(info.message);
    error.name = info.name;
    throw error;
  }

  /**
   * Turns anything thrown into the `{name, message}` that crosses messaging.
   * @param {unknown} err
   */
  function toWireError(err) {
    if (err instanceof Error) return { name: err.name || 'Error', message: err.message };
    return { name: 'Error', message: String(err) };
  }

  /** The collapsed view's settings (chrome.storage.local key "collapsed") before any change. */
  const COLLAPSED_DEFAULTS = Object.freeze({ enabled: false, mode: 'runs', threshold: 3, everywhere: false });

  globalThis.SkyPanel = Object.freeze({ MESSAGES, TAB_MESSAGES, COLLAPSED_DEFAULTS, send, toWireError });
})();
