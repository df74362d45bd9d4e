// @ts-check
/**
 * A synthetic social graph on the running local network, for the mutuals and quiet-posters
 * benchmark: one viewer who follows `count` accounts, a third of whom follow back, and whose
 * posting rates are known — some post several times a day, most rarely (records backdated
 * over the last 60 days, so rates come from real `createdAt` times).
 *
 * Writes go in batches (`com.atproto.repo.applyWrites`, at most 200 writes a call) with a few
 * accounts at a time; the AppView indexes asynchronously, so it ends by waiting until the
 * viewer's follows and the last account's posts are listed there (no fixed pauses).
 */
import { AtpAgent } from '@atproto/api';

const DAY = 24 * 60 * 60 * 1000;

/**
 * What account `i` of the graph does: busy accounts post `perDay` times a day over the last
 * 10 days; quiet ones a handful of times over 60 days; some none at all.
 * @param {number} i
 */
export function persona(i) {
  if (i % 5 === 0) return { kind: 'busy', posts: 40, spanDays: 10 };
  if (i % 7 === 0) return { kind: 'silent', posts: 0, spanDays: 60 };
  return { kind: 'quiet', posts: 1 + (i % 6), spanDays: 60 };
}

/**
 * Runs `work` over `items` with at most `limit` at once.
 * @template T @param {T[]} items @param {number} limit @param {(item: T, i: number) => Promise<void>} work
 */
async function pool(items, limit, work) {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) {
        const i = next++;
        await work(items[i], i);
      }
    }),
  );
}

/**
 * @param {{pds: string, appview: string, password: string}} net the network's description
 * @param {{count?: number, prefix?: string}} [options]
 * @returns {Promise<{viewer: {handle: string, did: string}, accounts: {handle: string, did: string, followsBack: boolean, kind: string}[]}>}
 */
export async function buildFollows(net, { count = 1000, prefix = 'fb' } = {}) {
  const password = net.password;
  const login = async (/** @type {string} */ handle) => {
    const agent = new AtpAgent({ service: net.pds });
    await agent.createAccount({ handle, email: `${handle}@skypanel.test`, password });
    return agent;
  };
  const viewerHandle = `${prefix}-viewer.test`;
  const viewer = await login(viewerHandle);
  const viewerDid = viewer.session?.did ?? '';
  const now = Date.now();

  /** @type {{handle: string, did: string, followsBack: boolean, kind: string}[]} */
  const accounts = new Array(count);
  await pool(Array.from({ length: count }, (_, i) => i), 6, async (i) => {
    const handle = `${prefix}${String(i).padStart(4, '0')}.test`;
    const agent = await login(handle);
    const did = agent.session?.did ?? '';
    const p = persona(i);
    const followsBack = i % 3 === 0;
    /** @type {any[]} */
    const writes = [];
    for (let k = 0; k < p.posts; k++) {
      const at = now - ((k + 0.5) * p.spanDays * DAY) / Math.max(p.posts, 1);
      writes.push({
        $type: 'com.atproto.repo.applyWrites#create',
        collection: 'app.bsky.feed.post',
        value: { $type: 'app.bsky.feed.post', text: `${handle} post ${k}`, createdAt: new Date(at).toISOString() },
      });
    }
    if (followsBack) {
      writes.push({
        $type: 'com.atproto.repo.applyWrites#create',
        collection: 'app.bsky.graph.follow',
        value: { $type: 'app.bsky.graph.follow', subject: viewerDid, createdAt: new Date(now).toISOString() },
      });
    }
    if (writes.length) await agent.com.atproto.repo.applyWrites({ repo: did, writes });
    accounts[i] = { handle, did, followsBack, kind: p.kind };
  });

  for (let start = 0; start < count; start += 200) {
    const writes = accounts.slice(start, start + 200).map((a) => ({
      $type: 'com.atproto.repo.applyWrites#create',
      collection: 'app.bsky.graph.follow',
      value: { $type: 'app.bsky.graph.follow', subject: a.did, createdAt: new Date(now).toISOString() },
    }));
    await viewer.com.atproto.repo.applyWrites({ repo: viewerDid, writes });
  }

  // Wait for the AppView: the viewer's follow count, then a busy account's posts.
  const profile = async () =>
    (await (await fetch(`${net.appview}/xrpc/app.bsky.actor.getProfile?actor=${viewerDid}`)).json());
  for (let waited = 0; (await profile()).followsCount !== count; waited++) {
    if (waited > 600) throw new Error('the AppView did not index the synthetic follows within 60 s');
    await new Promise((r) => setTimeout(r, 100));
  }
  const busy = accounts.find((a) => a.kind === 'busy');
  if (busy) {
    const posts = async () =>
      (await (await fetch(`${net.appview}/xrpc/app.bsky.actor.getProfile?actor=${busy.did}`)).json()).postsCount;
    for (let waited = 0; (await posts()) !== persona(accounts.indexOf(busy)).posts; waited++) {
      if (waited > 600) throw new Error('the AppView did not index the synthetic posts within 60 s');
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  return { viewer: { handle: viewerHandle, did: viewerDid }, accounts };
}
