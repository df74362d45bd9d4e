// @ts-check
/**
 * Serves the bsky.app replica at https://bsky.app/ inside a Playwright browser context, by
 * request interception, with bsky.app's real Content-Security-Policy header. Its data API
 * (/__replica/api/*) is answered from the local Bluesky network as the signed-in viewer,
 * and https://cdn.bsky.app/img/* is served from the local AppView's image endpoint, so
 * every handle, rkey, link and image on the page is real.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const HERE = dirname(fileURLToPath(import.meta.url));

/** bsky.app's CSP (social-app bskyweb server.go), with its static CDN host. */
export const BSKY_CSP = "default-src * 'unsafe-inline' blob:; script-src 'self' https://web-cdn.bsky.app www.youtube.com;";

/**
 * @param {import('playwright-core').BrowserContext} context
 * @param {{pds: string, appview: string, password: string, viewer: {handle: string, did: string}}} net
 */
export async function installReplica(context, net) {
  const files = {
    html: readFileSync(join(HERE, 'index.html'), 'utf8'),
    js: readFileSync(join(HERE, 'replica.js'), 'utf8'),
    css: readFileSync(join(HERE, 'replica.css'), 'utf8'),
  };
  const xrpc = async (/** @type {string} */ method, /** @type {Record<string, string>} */ params = {}, /** @type {any} */ body = undefined) => {
    const url = new URL(`${net.pds}/xrpc/${method}`);
    for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== '') url.searchParams.set(k, v);
    const headers = /** @type {Record<string, string>} */ ({});
    if (session) headers.authorization = `Bearer ${session.accessJwt}`;
    if (body) headers['content-type'] = 'application/json';
    const res = await fetch(url, { method: body ? 'POST' : 'GET', headers, body: body ? JSON.stringify(body) : undefined });
    const text = await res.text();
    if (!res.ok) throw new Error(`${method}: ${res.status} ${text}`);
    return text;
  };
  /** @type {any} */
  let session = null;
  session = JSON.parse(await xrpc('com.atproto.server.createSession', {}, { identifier: net.viewer.handle, password: net.password }));

  // API answers carry the AppView's own image host (its local URL, or its configured public
  // URL when proxied through the PDS); the real client gets cdn.bsky.app ones.
  const cdn = (/** @type {string} */ json) =>
    json.replace(/"https?:\/\/[^"/]+\/img\/(avatar|banner|feed_thumbnail|feed_fullsize)\//g, '"https://cdn.bsky.app/img/$1/');

  /** @param {URL} url */
  async function api(url) {
    const q = Object.fromEntries(url.searchParams);
    switch (url.pathname) {
      case '/__replica/api/session':
        return JSON.stringify({ did: session.did, handle: session.handle });
      case '/__replica/api/timeline':
        return cdn(await xrpc('app.bsky.feed.getTimeline', { limit: q.limit, cursor: q.cursor }));
      case '/__replica/api/discover': {
        // "Discover": the same posts, without reposts and replies, oldest first.
        const page = JSON.parse(await xrpc('app.bsky.feed.getTimeline', { limit: '100' }));
        const feed = page.feed.filter((/** @type {any} */ i) => !i.reason && !i.reply).reverse();
        return cdn(JSON.stringify({ feed }));
      }
      case '/__replica/api/author':
        return cdn(await xrpc('app.bsky.feed.getAuthorFeed', { actor: q.actor, limit: q.limit, cursor: q.cursor }));
      case '/__replica/api/search':
        // The dev AppView's searchPosts is a case-sensitive substring match on the text.
        return cdn(await xrpc('app.bsky.feed.searchPosts', { q: q.q, sort: q.sort, limit: q.limit, cursor: q.cursor }));
      case '/__replica/api/bookmarks':
        return cdn(await xrpc('app.bsky.bookmark.getBookmarks', { limit: q.limit, cursor: q.cursor }));
      case '/__replica/api/thread': {
        const did = q.actor.startsWith('did:') ? q.actor : JSON.parse(await xrpc('com.atproto.identity.resolveHandle', { handle: q.actor })).did;
        return cdn(await xrpc('app.bsky.feed.getPostThread', { uri: `at://${did}/app.bsky.feed.post/${q.rkey}` }));
      }
      default:
        return null;
    }
  }

  await context.route('https://bsky.app/**', async (route) => {
    const url = new URL(route.request().url());
    try {
      if (url.pathname === '/static/js/replica.js') return route.fulfill({ contentType: 'text/javascript', body: files.js });
      if (url.pathname === '/static/css/replica.css') return route.fulfill({ contentType: 'text/css', body: files.css });
      if (url.pathname.startsWith('/__replica/api/')) {
        const body = await api(url);
        return body === null ? route.fulfill({ status: 404, body: 'not found' }) : route.fulfill({ contentType: 'application/json', body });
      }
      if (url.pathname === '/favicon.ico' || url.pathname.startsWith('/static/')) return route.fulfill({ status: 404, body: '' });
      return route.fulfill({
        contentType: 'text/html; charset=utf-8',
        headers: { 'content-security-policy': BSKY_CSP, 'x-frame-options': 'SAMEORIGIN', 'x-content-type-options': 'nosniff' },
        body: files.html,
      });
    } catch (err) {
      return route.fulfill({ status: 502, contentType: 'application/json', body: JSON.stringify({ error: 'ReplicaUpstream', message: String(err) }) });
    }
  });

  // The AppView's own configured image host (what it answers the extension with when
  // asked directly, as the worker does for profiles) is the same image service.
  /** @param {import('playwright-core').Route} route */
  const image = async (route) => {
    const url = new URL(route.request().url());
    try {
      const res = await fetch(`${net.appview}${url.pathname.replace(/@(jpeg|webp|png)$/, '')}`);
      return route.fulfill({ status: res.status, contentType: res.headers.get('content-type') ?? 'image/jpeg', body: Buffer.from(await res.arrayBuffer()) });
    } catch {
      return route.fulfill({ status: 502, body: '' });
    }
  };
  await context.route('https://cdn.bsky.app/**', image);
  await context.route('https://bsky.public.url/img/**', image);

  return {
    session,
    /** Calls the network as the viewer (for tests that change data). */
    xrpc,
  };
}
