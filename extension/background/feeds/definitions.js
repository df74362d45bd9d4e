// @ts-check
/**
 * Where the user's feed definitions are kept: one key per feed, `feed:<id>` → {definition,
 * updatedAt}, in chrome.storage.sync when it fits its quotas (the feeds follow the Chrome
 * profile), else in chrome.storage.local. Read by the worker (feeds.js, which also writes) and
 * straight by the Feeds page, which then opens a feed without waking the worker.
 */

/** Key prefix of a definition in chrome.storage (one key per feed). */
export const KEY = 'feed:';

/**
 * @typedef {{id: string, definition: any, updatedAt: number, where: 'sync' | 'local'}} Saved
 */

/** Every definition in one storage area. @param {'sync' | 'local'} where @returns {Promise<Saved[]>} */
async function readArea(where) {
  const all = await chrome.storage[where].get(null);
  return Object.entries(all)
    .filter(([k, v]) => k.startsWith(KEY) && v && typeof v === 'object' && v.definition)
    .map(([k, v]) => ({ id: k.slice(KEY.length), definition: v.definition, updatedAt: Number(v.updatedAt) || 0, where }));
}

/**
 * The user's feeds (`feeds.list`), from both areas (a feed in both, left by an interrupted
 * move, counts once: the newer copy), most recently changed first.
 * @returns {Promise<Saved[]>}
 */
export async function list() {
  const [synced, local] = await Promise.all([readArea('sync').catch(() => []), readArea('local')]);
  /** @type {Map<string, Saved>} */
  const byId = new Map();
  for (const f of [...synced, ...local]) {
    const seen = byId.get(f.id);
    if (!seen || seen.updatedAt < f.updatedAt) byId.set(f.id, f);
  }
  return [...byId.values()].sort((a, b) => b.updatedAt - a.updatedAt || a.id.localeCompare(b.id));
}

