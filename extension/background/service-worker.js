// @ts-check
/**
 * SkyPanel's background: owns the Rust/wasm core and the signed-in account, and answers the
 * messages listed in ../shared/messages.js.
 *
 * MV3 rules this file follows: the wasm glue is imported statically (no import() in a
 * worker), there is no top-level await (it would stop registration), listeners are
 * registered synchronously, and nothing lives only in memory — the worker is stopped after
 * ~30 s idle, so the session is kept in chrome.storage.session.
 */
import '../shared/messages.js';
import init, * as core from '../wasm/skypanel_wasm.js';

const { MESSAGES, toWireError } = /** @type {any} */ (globalThis).SkyPanel;

/** Instantiating the wasm; every handler awaits it. */
const coreReady = init({ module_or_path: new URL('../wasm/skypanel_wasm_bg.wasm', import.meta.url) });

const SESSION_KEY = 'account';

/**
 * @typedef {{service: string, session: {did: string, handle: string, accessJwt: string, refreshJwt: string}}} StoredAccount
 * @returns {Promise<StoredAccount | null>}
 */
async function loadAccount() {
  const stored = await chrome.storage.session.get(SESSION_KEY);
  return stored[SESSION_KEY] ?? null;
}

/** @param {StoredAccount | null} account */
function publicAccount(account) {
  return account ? { did: account.session.did, handle: account.session.handle, service: account.service } : null;
}

/** @type {Record<string, (payload: any, sender: chrome.runtime.MessageSender) => Promise<any>>} */
const handlers = {
  async 'core.status'() {
    return { coreVersion: core.version(), signedIn: publicAccount(await loadAccount()) };
  },

  async 'core.hello'({ rows }, sender) {
    if (!Array.isArray(rows)) throw new TypeError('rows must be an array');
    const owners = rows.map((r) => String(r?.owner ?? ''));
    const answer = { coreVersion: core.version(), runs: core.accountRuns(owners) };
    // What each tab last reported, for the popup's per-tab status (kept across worker restarts).
    if (sender.tab?.id !== undefined) {
      await chrome.storage.session.set({ [`tab:${sender.tab.id}`]: { rows: owners.length, runs: answer.runs, at: Date.now() } });
    }
    return answer;
  },

  async 'session.signIn'({ service, identifier, password }) {
    const session = await core.createSession(String(service ?? ''), String(identifier ?? ''), String(password ?? ''));
    /** @type {StoredAccount} */
    const account = { service: String(service).trim().replace(/\/+$/, ''), session };
    await chrome.storage.session.set({ [SESSION_KEY]: account });
    return publicAccount(account);
  },

  async 'session.signOut'() {
    await chrome.storage.session.remove(SESSION_KEY);
    return null;
  },

  async 'timeline.get'({ limit = 50, cursor } = {}) {
    const account = await loadAccount();
    if (!account) {
      const error = new Error('app.bsky.feed.getTimeline needs a signed-in account; sign in on the options page');
      error.name = 'NotSignedIn';
      throw error;
    }
    return core.getTimeline(account.service, account.session, Number(limit) || 50, cursor ?? undefined);
  },
};

/**
 * Whether the sender is one of this extension's own pages (not a content script).
 * @param {chrome.runtime.MessageSender} sender
 */
function fromExtensionPage(sender) {
  return sender.id === chrome.runtime.id && !sender.tab?.url?.startsWith('https://') &&
    typeof sender.url === 'string' && sender.url.startsWith(chrome.runtime.getURL(''));
}

chrome.runtime.onMessage.addListener((message, sender, sendResponse) => {
  const type = message?.type;
  const spec = MESSAGES[type];
  const handler = handlers[type];
  if (!spec || !handler || sender.id !== chrome.runtime.id) return false;
  if (spec.audience === 'extension' && !fromExtensionPage(sender)) {
    sendResponse({ ok: false, error: { name: 'Forbidden', message: `${type} is only for SkyPanel's own pages` } });
    return false;
  }
  coreReady
    .then(() => handler(message.payload ?? {}, sender))
    .then(
      (value) => sendResponse({ ok: true, value: value ?? null }),
      (err) => sendResponse({ ok: false, error: toWireError(err) }),
    );
  return true; // answer asynchronously
});
