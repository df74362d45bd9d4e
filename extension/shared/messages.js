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
 * `send` turns the latter back into a rejected `Error` with the same name and message. Pages
 * use `chrome.runtime.sendMessage`; the content script uses one long-lived port (`viaPort`).
 */
(() => {
  'use strict';
  if (globalThis.SkyPanel) return;

  /**
   * Each message's whole policy is declared here, once; the worker and the port read it:
   * - `audience`: who may send it — 'any' context of this extension (content scripts
   *   included) or only the extension's own pages ('extension');
   * - `core`: whether its handler needs the protocol core, so the worker waits for the core
   *   to start before answering (false: library reads that need only IndexedDB and the
   *   library's own wasm answer at once, e.g. the library page's first screen after the
   *   worker slept);
   * - `repeat`: whether a content script may post it again when the worker stopped before
   *   answering (it only reads, or writes the same thing again); otherwise the request is
   *   answered "NoAnswer";
   * - `doc`: payload → answer, and what it does.
   * @typedef {'any' | 'extension'} Audience
   * @typedef {{audience: Audience, core: boolean, repeat: boolean, doc: string}} MessageSpec
   */

  /** @type {Record<string, MessageSpec>} */
  const MESSAGES = {
    'core.status': {
      audience: 'any', core: true, repeat: true,
      doc: '{} → {coreVersion, signedIn: {did, handle, service} | null}',
    },
    'core.hello': {
      audience: 'any', core: true, repeat: true,
      doc: "{} → {coreVersion} — the content script's first round trip to the core",
    },
    'collapse.plan': {
      audience: 'any', core: true, repeat: true,
      doc: '{units: [{owner, repost}], options: {mode: "runs"|"bundle", threshold}} → [{account, units, posts, reposts}] — the core plans the collapsed view',
    },
    'collapse.report': {
      audience: 'extension', core: true, repeat: false,
      doc: "{tab} → {coreVersion, rows, runs: [{account, start, len}]} | null — the timeline rows the tab shows now (asked of its content script when this is asked, never scanned in the background) and their runs, computed by the core; null when the tab has no SkyPanel",
    },
    'collapse.status': {
      audience: 'any', core: true, repeat: true,
      doc: "{state: 'on'|'off'|'unrecognised', blocks, folded} → null; the content script reports its tab's state for the popup",
    },
    'profiles.basic': {
      audience: 'any', core: true, repeat: true,
      doc: '{actors: [handle]} → [{handle, displayName, avatar}] — public profile basics (at most 25 looked up per call), for blocks of reposts',
    },
    'library.save': {
      audience: 'any', core: true, repeat: false,
      doc: "{actor, rkey} | {uri}, tags?, note? → {uri, saved: true}, answered once the copy is on disk (its media are backed up after); fetched signed in through the PDS, else from the public AppView. When Bluesky does not answer (offline, 5xx, 429, PDS down) → {uri | null, saved: false, queued: true, error}: queued in IndexedDB and tried again (30 s, 1 min, … up to 1 h); 'library.changed' when it lands. Deleted, blocked or malformed: an error, not queued",
    },
    'library.remove': { audience: 'any', core: true, repeat: false, doc: '{actor, rkey} | {uri} → {uri, saved: false}; media no other post names are deleted after the Undo window (5 min)' },
    'library.cancel': { audience: 'any', core: false, repeat: false, doc: '{actor, rkey} | {uri} | {id} → {cancelled: n} — drops the queued save of a post (or queue entry `id`), no network' },
    'library.queue': {
      audience: 'extension', core: false, repeat: false,
      doc: '{} → [{id, actor, rkey, uri, tags, note, queuedAt, attempts, nextAt, error, failed}] — queued saves, oldest first (failed: refused when tried again; nextAt null)',
    },
    'library.retryQueued': { audience: 'extension', core: true, repeat: false, doc: '{id?} → library.queue answer — tries the queued saves (or one) now, refused ones too' },
    'library.status': {
      audience: 'any', core: false, repeat: true,
      doc: "{posts: [{actor, rkey}]} → [true | false | 'pending' | 'failed'] — in the library, not, a queued save waiting, or a queued save refused when tried again (no network)",
    },
    'library.search': {
      audience: 'extension', core: false, repeat: false,
      doc: '{query: {text?, kinds?, author?, tag?, since?, until?, dates?, order?, offset?, limit?}} → {total, posts: [{uri, savedAt, entry}]} (entry: a skypanel.saved entry as JSON text; total is null for an unfiltered listing answered before the search index has loaded)',
    },
    'library.edit': {
      audience: 'extension', core: false, repeat: false,
      doc: '{uri, tags?: [string], addTags?: [string], note?: string} → {uri, savedAt, entry}; tags replaces the tags, addTags adds to them (normalised by the core: no leading #, each once whatever its case), note replaces the note (trimmed); the saved copy of the post is untouched',
    },
    'library.tags': { audience: 'extension', core: false, repeat: false, doc: '{} → [{tag, count}] — the tags in use (lowercase, as search compares them), most used first' },
    'library.recheck': {
      audience: 'extension', core: true, repeat: false,
      doc: '{uris?} → {live, deleted, blocked, unknown}; marks saved posts deleted or blocked on Bluesky since (the copies are kept)',
    },
    'library.importBookmarks': {
      audience: 'extension', core: true, repeat: false,
      doc: "{} → {added, already, unavailable}; copies the signed-in account's Bluesky bookmarks into the library (fetched fresh, media backed up)",
    },
    'library.usage': { audience: 'extension', core: false, repeat: false, doc: '{} → {posts, queuedSaves, failedSaves, pendingMedia (not tried yet), retryingMedia (failed, queued again), failedMedia (given up), usedBytes, quotaBytes}' },
    'library.export': {
      audience: 'extension', core: false, repeat: false,
      doc: "{uris?, as?: 'json'|'markdown'|'csv'} → the file's text (skypanel.saved JSON by default), of everything or of the posts named",
    },
    'library.import': {
      audience: 'extension', core: true, repeat: false,
      doc: '{text} → {added, merged, skipped}; a file that is not a valid export is an error and changes nothing',
    },
    'library.checkExport': {
      audience: 'extension', core: false, repeat: false,
      doc: '{text} → {posts, media: [{file, mime, size}]} — checks a skypanel.saved file as library.import would (same errors), writing nothing; media: the backed-up files its entries name',
    },
    'accounts.list': {
      audience: 'extension', core: true, repeat: false,
      doc: '{} → {active: did | null, accounts: [{did, handle, service}]}',
    },
    'accounts.switch': { audience: 'extension', core: true, repeat: false, doc: '{did} → {did, handle, service}' },
    'session.signIn': {
      audience: 'extension', core: true, repeat: false,
      doc: '{identifier, password, service?} → {did, handle, service}; finds the PDS from the handle unless service is given; tokens stay in the worker',
    },
    'session.signOut': {
      audience: 'extension', core: true, repeat: false,
      doc: '{did?} → accounts.list answer; ends the session on the server (best effort) and forgets it',
    },
    'settings.get': { audience: 'extension', core: true, repeat: false, doc: '{} → {plcUrl, appviewUrl, entrywayUrl}' },
    'settings.set': { audience: 'extension', core: true, repeat: false, doc: '{plcUrl?, appviewUrl?, entrywayUrl?} → the saved settings' },
    'settings.reset': { audience: 'extension', core: true, repeat: false, doc: "{} → Bluesky's default services" },
    'api.call': {
      audience: 'extension', core: true, repeat: false,
      doc: '{op, ...} → value. Ops (crates/skypanel-wasm/src/ops.rs): feedPage {source, limit?, cursor?} → {cursor, items, feed}; thread {uri}; posts {uris}; search {query, limit?, cursor?}; profile {actor}; profiles {actors}; feedGenerator {uri}; feedGenerators {uris}; preferences; createBookmark {uri, cid}; deleteBookmark {uri}; bookmarks {limit?, cursor?}; resolveHandle {handle}. Runs as the active account, or signed out against the AppView. An optional policy {maxRetries, baseDelayMs, maxWaitMs, timeoutMs} overrides retries and timeouts for the call.',
    },
    'feeds.run': {
      audience: 'extension', core: true, repeat: false,
      doc: "{definition (skypanel.feed object or its text), cursor?, limit? (30, at most 100), id?} → {posts: [{uri, id, time, sources: [source index], repostedBy: [handle], item: feedViewPost as the server sent it}] in the order shown, cursor | null, steps: [{label, in, out}], errors: [{path, name, message}] (a source that failed, at its path: the rest still runs), blocks: [{account, units: [post index], posts, reposts}] (when the feed collapses)}. One page of a feed, run by the core as the active account (an expired token is refreshed once), or signed out (public sources only; the others answer NotSignedIn at their path). With `id` (a saved feed) and no cursor the page is cached for the next opening. A definition that is not a feed, or from a newer version, is an InvalidInput error",
    },
    'feeds.check': {
      audience: 'extension', core: false, repeat: false,
      doc: '{text} → {definition (normalised), problems: [{path, name, message}]} — checks a definition (an import, pasted text) without running it; not a feed, or a newer version: an InvalidInput error saying what is wrong',
    },
    'feeds.list': {
      audience: 'extension', core: false, repeat: false,
      doc: "{} → [{id, definition, updatedAt, where: 'sync' | 'local'}] — the user's feeds, most recently changed first, from chrome.storage.sync and .local",
    },
    'feeds.save': {
      audience: 'extension', core: false, repeat: false,
      doc: "{id?, definition (object or text)} → {id, where: 'sync' | 'local', problems} — checked by the core first (refused with its message when it is not a feed or from a newer version); kept in chrome.storage.sync when it fits its quotas, else locally; a new id when none is given",
    },
    'feeds.remove': { audience: 'extension', core: false, repeat: false, doc: '{id} → null — deletes a feed, its cached page and reading position' },
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
    'collapse.rows': "{} → {rows: [{owner}]} — answered: the timeline rows the page shows, in order, as bsky.app shows them (rows SkyPanel folded included)",
    'feeds.progress': '{label, done, total} — to the extension\'s pages only: how far a feed\'s slow part (mutuals, quiet posters) has come, for the Feeds page\'s progress bar',
  };

  /** The name of the content script's port to the worker (see `viaPort`). */
  const PORT_NAME = 'skypanel';

  /**
   * A content script runs on a web page; the worker and the extension's pages run on the
   * extension's own origin.
   */
  const IN_CONTENT_SCRIPT = typeof location === 'object' && location.protocol !== 'chrome-extension:';

  /** How many times one request is posted at most (the worker can stop again as it starts). */
  const MAX_TRIES = 3;

  /**
   * @typedef {{type: string, payload: object, tries: number, port: chrome.runtime.Port | null,
   *   resolve: (answer: any) => void}} PortRequest
   */
  /** @type {chrome.runtime.Port | null} */
  let port = null;
  let lastId = 0;
  /** Requests posted and not answered yet, by id. @type {Map<number, PortRequest>} */
  const inFlight = new Map();

  /**
   * A content script's messages go over one long-lived port instead of a one-off channel per
   * message (chrome.runtime.sendMessage costs ~1 ms of the page's main thread each). Chrome
   * stops an idle worker, which closes the port: the next message opens a new one, and the
   * requests the closed port left unanswered are posted again when their MESSAGES entry says
   * `repeat: true`, else answered
   * "NoAnswer". Resolves with the wire answer (or null), never rejects.
   * @param {string} type @param {object} payload
   * @returns {Promise<any>}
   */
  function viaPort(type, payload) {
    return new Promise((resolve) => post(++lastId, { type, payload, tries: 0, port: null, resolve }));
  }

  /** @param {number} id @param {PortRequest} request */
  function post(id, request) {
    while (request.tries < MAX_TRIES) {
      request.tries++;
      /** @type {chrome.runtime.Port | null} */
      let target = null;
      try {
        target = port ?? openPort();
        request.port = target;
        inFlight.set(id, request);
        target.postMessage({ id, type: request.type, payload: request.payload });
        return;
      } catch (err) {
        // A port closed before its onDisconnect ran, or the extension reloaded (then
        // connect throws every time and the request ends unanswered).
        inFlight.delete(id);
        if (target && port === target) port = null;
      }
    }
    request.resolve(null);
  }

  function openPort() {
    const opened = chrome.runtime.connect({ name: PORT_NAME });
    opened.onMessage.addListener((message) => {
      const request = inFlight.get(message?.id);
      if (!request || request.port !== opened) return;
      inFlight.delete(message.id);
      request.resolve(message.answer);
    });
    opened.onDisconnect.addListener(() => {
      void chrome.runtime.lastError; // read, so Chrome does not report it as unchecked
      if (port === opened) port = null;
      const dropped = Array.from(inFlight).filter(([, request]) => request.port === opened);
      for (const [id, request] of dropped) {
        inFlight.delete(id);
        if (MESSAGES[request.type]?.repeat === true) post(id, request);
        else request.resolve(null);
      }
    });
    port = opened;
    return opened;
  }

  /**
   * Sends a message to the service worker and resolves with its answer.
   * @param {string} type one of the keys of MESSAGES
   * @param {object} [payload]
   * @returns {Promise<any>}
   */
  async function send(type, payload = {}) {
    if (!(type in MESSAGES)) throw new Error(`SkyPanel: unknown message type ${type}`);
    const answer = IN_CONTENT_SCRIPT ? await viaPort(type, payload) : await chrome.runtime.sendMessage({ type, payload });
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

  globalThis.SkyPanel = Object.freeze({ MESSAGES, TAB_MESSAGES, COLLAPSED_DEFAULTS, PORT_NAME, send, toWireError });
})();
