// @ts-check
/**
 * Accounts: who is signed in, which one is active, and the services SkyPanel talks to.
 * Everything is read from the vault on each use — the worker may have been restarted
 * since the last message — and every session the core refreshes is written back.
 */
import * as core from './core.js';
import * as vault from './vault.js';

/**
 * @typedef {{did: string, handle: string, accessJwt: string, refreshJwt: string}} Session
 * @typedef {{service: string, session: Session}} Account
 * @typedef {{plcUrl: string, appviewUrl: string, entrywayUrl: string}} Settings
 */

export const DEFAULT_SETTINGS = Object.freeze({
  plcUrl: 'https://plc.directory',
  appviewUrl: 'https://public.api.bsky.app',
  entrywayUrl: 'https://bsky.social',
});

/** @returns {Promise<Settings>} */
export async function settings() {
  return { ...DEFAULT_SETTINGS, ...((await vault.get('settings')) ?? {}) };
}

/** @param {Partial<Settings>} changes */
export async function saveSettings(changes) {
  const next = { ...(await settings()) };
  for (const key of /** @type {(keyof Settings)[]} */ (Object.keys(DEFAULT_SETTINGS))) {
    const value = changes[key];
    if (value === undefined) continue;
    // The core's own rule (the one every call it makes is checked by); throws InvalidInput.
    next[key] = core.normalizeService(String(value));
  }
  await vault.put('settings', next);
  return next;
}

export async function resetSettings() {
  await vault.remove('settings');
  return settings();
}

/** @returns {Promise<Account[]>} */
async function all() {
  return (await vault.get('accounts')) ?? [];
}

/** @returns {Promise<Account | null>} */
export async function active() {
  const [accounts, did] = await Promise.all([all(), vault.get('active')]);
  return accounts.find((a) => a.session.did === did) ?? null;
}

/** What pages may see of an account: never its tokens. @param {Account} a */
function describe(a) {
  return { did: a.session.did, handle: a.session.handle, service: a.service };
}

export async function list() {
  const [accounts, did] = await Promise.all([all(), vault.get('active')]);
  return { active: accounts.some((a) => a.session.did === did) ? did : null, accounts: accounts.map(describe) };
}

export async function activePublic() {
  const a = await active();
  return a ? describe(a) : null;
}

/**
 * Signs in and makes the account active (replacing an earlier session of the same account).
 * @param {{identifier: string, password: string, service?: string}} input
 */
export async function signIn({ identifier, password, service }) {
  const config = await settings();
  /** @type {Account} */
  const account = await core.signIn(config, String(identifier ?? ''), String(password ?? ''), service ? String(service) : undefined);
  const accounts = (await all()).filter((a) => a.session.did !== account.session.did);
  accounts.push(account);
  await vault.put('accounts', accounts);
  await vault.put('active', account.session.did);
  return describe(account);
}

/** @param {string} did */
export async function switchTo(did) {
  const accounts = await all();
  const account = accounts.find((a) => a.session.did === did);
  if (!account) {
    const error = new Error('that account is not signed in');
    error.name = 'InvalidInput';
    throw error;
  }
  await vault.put('active', did);
  return describe(account);
}

/**
 * Signs an account out: ends its session on its server (best effort: offline or an
 * already-dead session must not keep it stored) and forgets its tokens.
 * @param {string} [did] the active account when absent
 */
export async function signOut(did) {
  const accounts = await all();
  const target = did ?? (await vault.get('active'));
  const account = accounts.find((a) => a.session.did === target);
  if (!account) return list();
  try {
    await core.signOut({ service: account.service, session: account.session });
  } catch (err) {
    console.debug('SkyPanel: server-side sign-out failed; forgetting the session anyway', err);
  }
  const rest = accounts.filter((a) => a !== account);
  await vault.put('accounts', rest);
  if ((await vault.get('active')) === target) {
    if (rest.length) await vault.put('active', rest[rest.length - 1].session.did);
    else await vault.remove('active');
  }
  return list();
}

/** Refreshes in flight, by DID: concurrent calls that find their token expired share one. */
const refreshing = new Map();

/**
 * Gets a fresh session for an account whose access token expired, at most one refresh at a
 * time per account: refresh tokens rotate, so a second refresh with the same token races the
 * first. A call that finds the stored session already replaced uses that one.
 * @param {Account} stale the account as the failed call saw it
 * @returns {Promise<Session>}
 */
function refreshOnce(stale) {
  const did = stale.session.did;
  let pending = refreshing.get(did);
  if (!pending) {
    pending = (async () => {
      const current = (await all()).find((a) => a.session.did === did);
      if (!current) {
        const error = new Error('this account was signed out; sign in again on the options page');
        error.name = 'NotSignedIn';
        throw error;
      }
      if (current.session.accessJwt !== stale.session.accessJwt) return current.session;
      const session = await core.refreshSession({ service: current.service, session: current.session });
      const accounts = (await all()).map((a) => (a.session.did === did ? { ...a, session } : a));
      await vault.put('accounts', accounts);
      return session;
    })().finally(() => refreshing.delete(did));
    refreshing.set(did, pending);
  }
  return pending;
}

/**
 * Runs `work` with a context for the core: as the active account (its PDS and session), or
 * signed out against the AppView. An expired access token is refreshed once for every call
 * that needs it (see {@link refreshOnce}) and `work` run again once.
 * @template T
 * @param {(ctx: object) => Promise<T>} work
 * @param {object} [policy] retries and timeouts ({maxRetries, baseDelayMs, maxWaitMs, timeoutMs})
 * @returns {Promise<T>}
 */
export async function run(work, policy) {
  const account = await active();
  if (!account) return work({ service: (await settings()).appviewUrl, policy });
  const as = (/** @type {Session} */ session) => work({ service: account.service, session, policy, autoRefresh: false });
  try {
    return await as(account.session);
  } catch (err) {
    if (/** @type {Error} */ (err)?.name !== 'ExpiredToken') throw err;
    return as(await refreshOnce(account));
  }
}

/**
 * Runs a core API operation (see {@link run}).
 * @param {{op: string, policy?: object}} request e.g. {op: 'feedPage', source: {kind: 'timeline'}};
 *   `policy` overrides retries and timeouts for this call ({maxRetries, baseDelayMs, maxWaitMs, timeoutMs}).
 */
export async function call({ policy, ...op }) {
  return (await run((ctx) => core.call(ctx, op), policy)).value;
}
