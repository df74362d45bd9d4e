// @ts-check
/**
 * SkyPanel's background: owns the Rust/wasm core and the accounts, and answers the
 * messages listed in ../shared/messages.js.
 *
 * MV3 rules this file follows: the wasm glue is imported statically (no import() in a
 * worker), there is no top-level await (it would stop registration), listeners are
 * registered synchronously, and nothing lives only in memory — the worker is stopped after
 * ~30 s idle, so accounts live in the vault (IndexedDB) and per-tab state in
 * chrome.storage.session.
 */
import '../shared/messages.js';
import * as accounts from './accounts.js';
import * as core from './core.js';
import * as feeds from './feeds/feeds.js';
import * as backup from './library/backup.js';
import * as library from './library/library.js';

const { MESSAGES, PORT_NAME, toWireError } = /** @type {any} */ (globalThis).SkyPanel;

/**
 * Public profile basics (name, avatar) for collapsed-view blocks whose account has only
 * reposts on the page. Kept while the worker lives; a restarted worker asks again.
 * @type {Map<string, {handle: string, displayName: string, avatar: string}>}
 */
const profileCache = new Map();

/**
 * One handler per MESSAGES entry, named by its type (the entry holds the policy: audience,
 * whether it waits for the core).
 * @type {Record<string, (payload: any, sender: chrome.runtime.MessageSender) => Promise<any>>}
 */
const handlers = {
  async 'core.status'() {
    return { coreVersion: core.version(), signedIn: await accounts.activePublic() };
  },

  async 'core.hello'() {
    return { coreVersion: core.version() };
  },

  async 'collapse.report'({ tab }) {
    // Asked of the tab now: its content script does not scan its rows in the background.
    const reply = await chrome.tabs.sendMessage(Number(tab), { type: 'collapse.rows', payload: {} }).catch(() => null);
    if (!Array.isArray(reply?.rows)) return null;
    const owners = reply.rows.map((/** @type {any} */ r) => String(r?.owner ?? ''));
    return { coreVersion: core.version(), rows: owners.length, runs: core.accountRuns(owners) };
  },

  async 'collapse.plan'({ units, options }) {
    if (!Array.isArray(units)) throw new TypeError('units must be an array');
    return core.collapsePlan(units.map((u) => ({ owner: String(u?.owner ?? ''), repost: Boolean(u?.repost) })), options ?? {});
  },

  async 'collapse.status'({ state, blocks, folded }, sender) {
    if (sender.tab?.id === undefined) return null;
    await chrome.storage.session.set({
      [`collapse:${sender.tab.id}`]: { state: String(state), blocks: Number(blocks) || 0, folded: Number(folded) || 0, at: Date.now() },
    });
    return null;
  },

  async 'profiles.basic'({ actors }) {
    if (!Array.isArray(actors)) throw new TypeError('actors must be an array');
    const wanted = [...new Set(actors.map(String))].filter((a) => !profileCache.has(a)).slice(0, 25);
    if (wanted.length) {
      const profiles = await accounts.call({ op: 'profiles', actors: wanted });
      for (const p of profiles) {
        const basic = { handle: p.handle, displayName: p.displayName ?? '', avatar: typeof p.avatar === 'string' && p.avatar.startsWith('https://') ? p.avatar : '' };
        profileCache.set(p.handle, basic);
      }
    }
    return actors.map((a) => profileCache.get(String(a))).filter(Boolean);
  },

  'accounts.list': () => accounts.list(),
  'accounts.switch': ({ did }) => accounts.switchTo(String(did ?? '')),
  'session.signIn': (input) => accounts.signIn(input),
  'session.signOut': ({ did } = {}) => accounts.signOut(did),
  'settings.get': () => accounts.settings(),
  'settings.set': (changes) => accounts.saveSettings(changes ?? {}),
  'settings.reset': () => accounts.resetSettings(),
  'api.call': (op) => accounts.call(op),
  'library.save': (id) => library.save(id).then(announced),
  'library.remove': (id) => library.remove(id).then(announced),
  'library.cancel': (request) => library.cancelQueued(request).then(announced),
  'library.queue': () => library.queued(),
  async 'library.retryQueued'({ id }) {
    await resumeSaves({ now: true, failedToo: true, id: typeof id === 'string' ? id : undefined });
    return library.queued();
  },
  async 'library.status'(request, sender) {
    if (sender.tab?.id !== undefined) await chrome.storage.session.set({ [`save:${sender.tab.id}`]: true });
    return library.status(request);
  },
  'library.search': (request) => library.search(request),
  'library.usage': () => library.usage(),
  'library.edit': (request) => library.edit(request).then(announced),
  'library.tags': () => library.tags(),
  'library.recheck': (request) => library.recheck(request).then(announced),
  'library.importBookmarks': () => library.importBookmarks().then(announced),
  'library.export': (request) => library.exportFile(request),
  'library.import': (request) => library.importJson(request).then(announced),
  'library.checkExport': (request) => library.checkExport(request),
  'feeds.run': (request) => feeds.run(request),
  'feeds.check': async (request) => feeds.check(request),
  'feeds.list': () => feeds.list(),
  'feeds.save': (request) => feeds.save(request),
  'feeds.remove': (request) => feeds.remove(request),
};

/**
 * Whether the sender is one of this extension's own pages (not a content script).
 * @param {chrome.runtime.MessageSender} sender
 */
function fromExtensionPage(sender) {
  return sender.id === chrome.runtime.id && !sender.tab?.url?.startsWith('https://') &&
    typeof sender.url === 'string' && sender.url.startsWith(chrome.runtime.getURL(''));
}

/** Passes a value through after telling bsky.app tabs the library changed. @template T @param {T} value */
async function announced(value) {
  await announceLibraryChange();
  return value;
}

/** Turns the collapsed view on or off in every tab (content scripts watch the setting). */
async function toggleCollapsed() {
  const { collapsed } = await chrome.storage.local.get('collapsed');
  await chrome.storage.local.set({ collapsed: { ...(collapsed ?? {}), enabled: !collapsed?.enabled } });
}
/**
 * Asks the tab's content script to save the post that has the focus (a tab without SkyPanel's
 * content script, i.e. not bsky.app, simply does not answer).
 * @param {{id?: number} | undefined} tab
 */
async function saveFocused(tab) {
  if (tab?.id === undefined) return;
  await chrome.tabs.sendMessage(tab.id, { type: 'save.focused', payload: {} }).catch(() => {});
}

/**
 * Tells every bsky.app tab showing save buttons, and the extension's own pages (library tabs,
 * the side panel), that the library changed. The tabs are known from their 'library.status'
 * questions (kept in session storage: no "tabs" permission needed, and it survives worker
 * restarts); the pages all hear one runtime broadcast.
 */
async function announceLibraryChange() {
  showQueue().catch(() => {});
  const all = await chrome.storage.session.get(null);
  const ids = Object.keys(all).filter((k) => k.startsWith('save:')).map((k) => Number(k.slice(5)));
  const changed = { type: 'library.changed', payload: {} };
  await Promise.all([
    ...ids.map((id) => chrome.tabs.sendMessage(id, changed).catch(() => {})),
    // No page open is not an error ("Receiving end does not exist").
    chrome.runtime.sendMessage(changed).catch(() => {}),
  ]);
}

/**
 * The toolbar badge counts the saves waiting for Bluesky to answer (none: no badge), so a save
 * queued from the link menu or the shortcut, with no button in sight, is still seen.
 */
async function showQueue() {
  const waiting = (await library.queued()).filter((s) => !s.failed).length;
  await chrome.action.setBadgeBackgroundColor({ color: '#b26a00' });
  await chrome.action.setBadgeText({ text: waiting ? String(waiting) : '' });
  await chrome.action.setTitle({
    title: waiting ? `SkyPanel — ${waiting} ${waiting === 1 ? 'save waits' : 'saves wait'} for Bluesky to answer` : 'SkyPanel',
  });
}

// Named on the worker's global so tests can run the shortcuts' actions (Chrome offers no way
// to press a command's keys from outside the browser).
/** @type {any} */ (globalThis).skypanelCommands = { 'toggle-collapsed': toggleCollapsed, 'save-post': saveFocused };

chrome.commands.onCommand.addListener((command, tab) => {
  if (command === 'toggle-collapsed') toggleCollapsed();
  if (command === 'save-post') saveFocused(tab);
});

// "Save post to SkyPanel" on links to posts, on any page.
const SAVE_LINK_MENU = 'skypanel-save-link';
chrome.runtime.onInstalled.addListener(() => {
  chrome.contextMenus.create({
    id: SAVE_LINK_MENU,
    title: 'Save post to SkyPanel',
    contexts: ['link'],
    targetUrlPatterns: ['https://bsky.app/profile/*/post/*'],
  });
});

/**
 * Saves the post a link points at (the context menu's action; named for tests).
 * @param {{menuItemId?: string | number, linkUrl?: string}} info
 */
async function saveLink(info) {
  if (info.menuItemId !== SAVE_LINK_MENU || !info.linkUrl) return null;
  const m = /^https:\/\/bsky\.app\/profile\/([^/?#]+)\/post\/([^/?#]+)/.exec(info.linkUrl);
  if (!m) return null;
  await core.ready;
  try {
    const saved = await library.save({ actor: decodeURIComponent(m[1]), rkey: decodeURIComponent(m[2]) });
    await announceLibraryChange();
    return saved;
  } catch (err) {
    console.warn('SkyPanel: saving the linked post failed', err);
    await chrome.action.setBadgeBackgroundColor({ color: '#c62828' });
    await chrome.action.setBadgeText({ text: '!' });
    await chrome.action.setTitle({ title: `SkyPanel could not save that post: ${/** @type {Error} */ (err).message}` });
    return null;
  }
}
/** @type {any} */ (globalThis).skypanelContextMenu = saveLink;
chrome.contextMenus.onClicked.addListener((info) => {
  saveLink(info);
});

// Media backup carries on whenever the worker wakes: the retry alarm, the browser starting,
// or (below) any message. Jobs live in IndexedDB, so nothing depends on this worker living.
const resumeBackup = () =>
  core.ready.then(() => backup.kick()).catch((err) => console.warn('SkyPanel: media backup stopped', err));
// Queued saves likewise (all of them at once when the browser starts), and the media of
// removed posts are deleted once their Undo window has passed.
/** @param {{now?: boolean, id?: string, failedToo?: boolean}} [options] */
const resumeSaves = (options) =>
  core.ready
    .then(() => library.retryQueued(options))
    .then((changed) => (changed ? announceLibraryChange() : undefined))
    .catch((err) => console.warn('SkyPanel: queued saves stopped', err));
const sweepOrphans = () => library.sweepOrphans().catch((err) => console.warn('SkyPanel: deleting unused media stopped', err));
chrome.alarms.onAlarm.addListener((alarm) => {
  if (alarm.name === backup.ALARM) resumeBackup();
  if (alarm.name === library.SAVE_ALARM) resumeSaves();
  if (alarm.name === library.ORPHAN_ALARM) sweepOrphans();
});
chrome.runtime.onStartup.addListener(() => {
  showQueue().catch(() => {});
  resumeBackup();
  resumeSaves({ now: true });
});
resumeBackup();
resumeSaves();
sweepOrphans();
// For tests: the Undo window lasts minutes; a test sweeps as if it had passed.
/** @type {any} */ (globalThis).skypanelLibrary = { sweepOrphans: library.sweepOrphans };

chrome.tabs.onRemoved.addListener((tabId) => {
  chrome.storage.session.remove([`collapse:${tabId}`, `save:${tabId}`]);
});

/**
 * The answer to one message, as it crosses messaging, or null when the message is not one of
 * SkyPanel's (then it is not answered).
 * @param {any} message @param {chrome.runtime.MessageSender} sender
 * @returns {Promise<{ok: true, value: any} | {ok: false, error: {name: string, message: string}}> | null}
 */
function answer(message, sender) {
  const type = message?.type;
  const spec = MESSAGES[type];
  const handler = handlers[type];
  if (!spec || !handler || sender.id !== chrome.runtime.id) return null;
  if (spec.audience === 'extension' && !fromExtensionPage(sender)) {
    return Promise.resolve({ ok: false, error: { name: 'Forbidden', message: `${type} is only for SkyPanel's own pages` } });
  }
  // Messages declared `core: false` (library reads: IndexedDB and the library's own wasm) do
  // not wait for the protocol core to start (the library page's first screen after the
  // worker slept).
  return (spec.core === false ? Promise.resolve() : core.ready)
    .then(() => handler(message.payload ?? {}, sender))
    .then(
      (value) => ({ ok: /** @type {const} */ (true), value: value ?? null }),
      (err) => ({ ok: /** @type {const} */ (false), error: toWireError(err) }),
    );
}

chrome.runtime.onMessage.addListener((message, sender, sendResponse) => {
  const reply = answer(message, sender);
  if (!reply) return false;
  reply.then(sendResponse);
  return true; // answer asynchronously
});

// The content script's long-lived port (messages.js): requests `{id, type, payload}`, each
// answered `{id, answer}` on the same port. Chrome closes it when it stops this worker; the
// content script then opens a new one and posts again what was left unanswered.
chrome.runtime.onConnect.addListener((port) => {
  const sender = port.sender;
  if (port.name !== PORT_NAME || !sender) return;
  port.onMessage.addListener((message) => {
    const reply = answer(message, sender) ?? Promise.resolve({ ok: false, error: { name: 'UnknownMessage', message: 'not a SkyPanel message' } });
    reply.then((value) => {
      try {
        port.postMessage({ id: message?.id, answer: value });
      } catch {
        // The tab closed or navigated away meanwhile: nobody is waiting.
      }
    });
  });
});
