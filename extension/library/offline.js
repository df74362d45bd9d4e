// @ts-check
/**
 * The `index.html` of a .zip export: the library, readable offline in any browser, without
 * SkyPanel. One file: inline CSS, the export's JSON as a data block, and one inline script
 * (`viewer` below, embedded as its source text) that renders it.
 *
 * The posts are drawn by the shared post renderer (../shared/post-view.js), whose source is
 * embedded in the script: one renderer for the library, the Feeds page and this page.
 *
 * Safe the same way as the library page: every post, profile and link card is a stranger's
 * text. The JSON sits in <script type="application/json"> with `<`, `>`, `&`, U+2028 and
 * U+2029 escaped, so no text can close the tag; the viewer parses it with JSON.parse and
 * builds the page only with createElement, textContent and setAttribute; only http(s) URLs
 * become links (rel="noopener noreferrer"); media come only from `media/…` names that match
 * the core's rule. The Content-Security-Policy allows no network at all and no script but
 * this one (by its SHA-256), so even a mistake here could not load or run anything else.
 */
import { postViewKit } from '../shared/post-view.js';

/**
 * The export's JSON, made safe to sit inside a <script> element. Those characters can only
 * occur inside JSON strings, where the \u escapes mean the same thing to JSON.parse.
 * @param {string} json
 */
export function embedJson(json) {
  return json.replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/**
 * The viewer script's text, exactly as it goes into the page: `viewer` called with the shared
 * post renderer, both embedded as their source text (the library and the Feeds page run the
 * same renderer code).
 */
export const SCRIPT = `(${viewer.toString()})((${postViewKit.toString()})());`;

/** `sha256-…` of the viewer script, for the CSP. */
export async function scriptHash() {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(SCRIPT));
  let binary = '';
  for (const b of new Uint8Array(digest)) binary += String.fromCharCode(b);
  return `sha256-${btoa(binary)}`;
}

const STYLE = `
:root { color-scheme: light dark; --bg: #fff; --fg: #0b0f14; --muted: #5b7083; --line: #dfe5ea; --accent: #1083fe; --error: #c62828; }
@media (prefers-color-scheme: dark) { :root { --bg: #161e27; --fg: #f1f3f5; --muted: #8b98a5; --line: #2e4052; --accent: #4ea1ff; --error: #ff6b6b; } }
body { font: 15px/1.45 system-ui, sans-serif; background: var(--bg); color: var(--fg); max-width: 680px; margin: 0 auto; padding: 16px; }
a { color: var(--accent); }
header { border-bottom: 1px solid var(--line); padding-bottom: 8px; }
h1 { font-size: 20px; margin: 0 0 4px; }
input[type=search] { width: 100%; box-sizing: border-box; padding: 8px 10px; border-radius: 8px; border: 1px solid var(--line); background: transparent; color: inherit; font: inherit; }
.muted { color: var(--muted); }
ol { list-style: none; padding: 0; margin: 0; }
.post { display: grid; grid-template-columns: 42px 1fr; gap: 10px; padding: 12px 0; border-bottom: 1px solid var(--line); }
.avatar { width: 42px; height: 42px; border-radius: 50%; background: var(--line); object-fit: cover; }
.head { display: flex; flex-wrap: wrap; gap: 0 6px; align-items: baseline; }
.name { font-weight: 700; }
.text { white-space: pre-wrap; overflow-wrap: anywhere; margin: 4px 0; }
.images { display: grid; grid-template-columns: repeat(auto-fit, minmax(140px, 1fr)); gap: 4px; margin: 6px 0; }
.images img, video { width: 100%; border-radius: 8px; background: var(--line); }
.card { display: block; border: 1px solid var(--line); border-radius: 8px; padding: 8px; margin: 6px 0; color: inherit; text-decoration: none; }
.card img { width: 100%; border-radius: 6px; }
.quote { border: 1px solid var(--line); border-radius: 8px; padding: 8px; margin: 6px 0; }
.badge { font-size: 12px; border-radius: 999px; padding: 0 8px; border: 1px solid var(--line); }
.badge.gone { color: var(--error); border-color: var(--error); }
.tags { display: flex; gap: 6px; flex-wrap: wrap; }
.missing { display: flex; align-items: center; justify-content: center; min-height: 60px; border: 1px dashed var(--line); border-radius: 8px; font-size: 12px; }
.note { border-left: 3px solid var(--line); padding-left: 8px; white-space: pre-wrap; }
[hidden] { display: none !important; }
`;

/**
 * The whole index.html for an export.
 * @param {string} json the `skypanel.saved` file's text
 * @param {{title?: string}} [options]
 */
export async function offlineHtml(json, options = {}) {
  const csp = `default-src 'none'; img-src 'self' data: blob: file:; media-src 'self' file:; style-src 'unsafe-inline'; script-src '${await scriptHash()}'; base-uri 'none'; form-action 'none'`;
  const title = (options.title ?? 'Saved posts').replace(/[<>&"]/g, '');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="referrer" content="no-referrer">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title}</title>
<style>${STYLE}</style>
</head>
<body>
<header>
<h1>${title}</h1>
<p id="summary" class="muted"></p>
<input id="filter" type="search" placeholder="Filter by text, author, tag or note" aria-label="Filter saved posts">
</header>
<main><ol id="posts"></ol></main>
<noscript><p>This page needs JavaScript to show the posts; they are also in skypanel-saved.json next to it.</p></noscript>
<script type="application/json" id="data">${embedJson(json)}</script>
<script>${SCRIPT}</script>
</body>
</html>
`;
}

/**
 * The viewer, run in the offline page with the shared post renderer (`kit`, from
 * ../shared/post-view.js). Self-contained: it is embedded as source text, so it may use
 * nothing from this module.
 * @param {ReturnType<typeof postViewKit>} kit
 */
function viewer(kit) {
  'use strict';
  const { el, link, bskyUrl, renderPost } = kit;
  const MEDIA = /^media\/[A-Za-z0-9]{1,128}\.[A-Za-z0-9]{1,5}$/;
  /** @param {unknown} v */
  const str = (v) => (typeof v === 'string' ? v : '');

  /** @param {unknown} iso */
  function date(iso) {
    const d = new Date(str(iso));
    return Number.isNaN(d.getTime()) ? null : d.toLocaleString();
  }

  /**
   * The renderer's media for an entry: the archive file of the entry's media item with the
   * same address, when it was backed up and its name is one of the archive's.
   * @param {any[]} media
   */
  const archived = (media) => (/** @type {{kind: string, url: string}} */ ref) => {
    const m = media.find((item) => item && item.kind === ref.kind && item.url === ref.url);
    return m && m.state === 'done' && typeof m.file === 'string' && MEDIA.test(m.file) ? m.file : null;
  };
  /** @param {{kind: string, alt: string}} ref */
  const notHere = (ref) => (ref.kind === 'video' ? 'Video not in this export' : ref.alt ? `Image not in this export: ${ref.alt}` : 'Image not in this export');

  /** @param {any} entry */
  async function render(entry) {
    const post = (entry && typeof entry.post === 'object' && entry.post) || {};
    const state = str(entry.status && entry.status.state) || 'unknown';
    const { avatar, body } = await renderPost(post, {
      media: archived(Array.isArray(entry.media) ? entry.media : []),
      missing: notHere,
      badges: [(state === 'deleted' || state === 'blocked') && el('span', { class: 'badge gone' }, [state === 'deleted' ? 'deleted on Bluesky' : 'blocked on Bluesky'])],
    });
    const tags = Array.isArray(entry.tags) ? entry.tags.filter((/** @type {unknown} */ t) => typeof t === 'string') : [];
    if (tags.length) body.append(el('div', { class: 'tags' }, tags.map((/** @type {string} */ t) => el('span', { class: 'badge' }, [`#${t}`]))));
    if (str(entry.note)) body.append(el('p', { class: 'note' }, [entry.note]));
    const open = bskyUrl(str(entry.uri));
    const saved = date(entry.savedAt);
    body.append(el('div', { class: 'muted' }, [saved ? `Saved ${saved} · ` : '', open ? link(open, ['open on Bluesky']) : null]));
    return el('li', { class: 'post', 'data-uri': str(entry.uri), 'data-status': state }, [avatar, body]);
  }

  const list = /** @type {HTMLElement} */ (document.getElementById('posts'));
  const summary = /** @type {HTMLElement} */ (document.getElementById('summary'));
  const filter = /** @type {HTMLInputElement} */ (document.getElementById('filter'));
  /** @type {any} */
  let data;
  try {
    data = JSON.parse(/** @type {HTMLElement} */ (document.getElementById('data')).textContent || '');
  } catch (err) {
    summary.textContent = `The saved posts could not be read: ${/** @type {Error} */ (err).message}`;
    return;
  }
  const entries = Array.isArray(data && data.posts) ? data.posts.filter((/** @type {unknown} */ p) => p && typeof p === 'object') : [];
  const exported = date(data && data.exportedAt);
  summary.textContent = `${entries.length} saved posts${exported ? `, exported ${exported}` : ''}. Images and videos are in the media folder next to this page.`;
  Promise.all(entries.map((/** @type {any} */ entry) =>
    render(entry).catch((err) => el('li', { class: 'post missing' }, [`A saved post could not be shown: ${/** @type {Error} */ (err).message}`])),
  )).then((items) => {
    list.append(...items);
    filter.addEventListener('input', () => {
      const words = filter.value.toLowerCase().split(/\s+/).filter(Boolean);
      for (const li of items) li.hidden = !words.every((w) => (li.textContent || '').toLowerCase().includes(w));
    });
  });
}
