// @ts-check
/**
 * The `index.html` of a .zip export: the library, readable offline in any browser, without
 * SkyPanel. One file: inline CSS, the export's JSON as a data block, and one inline script
 * (`viewer` below, embedded as its source text) that renders it.
 *
 * Safe the same way as the library page: every post, profile and link card is a stranger's
 * text. The JSON sits in <script type="application/json"> with `<`, `>`, `&`, U+2028 and
 * U+2029 escaped, so no text can close the tag; the viewer parses it with JSON.parse and
 * builds the page only with createElement, textContent and setAttribute; only http(s) URLs
 * become links (rel="noopener noreferrer"); media come only from `media/…` names that match
 * the core's rule. The Content-Security-Policy allows no network at all and no script but
 * this one (by its SHA-256), so even a mistake here could not load or run anything else.
 */

/**
 * The export's JSON, made safe to sit inside a <script> element. Those characters can only
 * occur inside JSON strings, where the \u escapes mean the same thing to JSON.parse.
 * @param {string} json
 */
export function embedJson(json) {
  return json.replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** The viewer script's text (an IIFE of `viewer`), exactly as it goes into the page. */
export const SCRIPT = `(${viewer.toString()})();`;

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
 * The viewer, run in the offline page. Self-contained: it is embedded as source text, so it
 * may use nothing from this module.
 */
function viewer() {
  'use strict';
  const MEDIA = /^media\/[A-Za-z0-9]{1,128}\.[A-Za-z0-9]{1,5}$/;

  /**
   * @param {string} tag
   * @param {Record<string, string>} [attrs]
   * @param {(Node | string | null | undefined | false)[]} [children]
   */
  function el(tag, attrs = {}, children = []) {
    const node = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
    for (const c of children) if (c !== null && c !== undefined && c !== false) node.append(c);
    return node;
  }
  /** @param {unknown} v */
  const str = (v) => (typeof v === 'string' ? v : '');
  /** @param {string} uri */
  const isSafeLink = (uri) => /^https?:\/\//i.test(uri.trimStart());
  /** A link for http(s) URLs only; anything else stays text. @param {string} href @param {(Node | string)[]} children */
  function link(href, children) {
    if (!isSafeLink(href)) return el('span', {}, children);
    return el('a', { href, target: '_blank', rel: 'noopener noreferrer' }, children);
  }
  /** A backed-up file's relative path, or null. @param {any} m */
  const fileOf = (m) => (m && m.state === 'done' && typeof m.file === 'string' && MEDIA.test(m.file) ? m.file : null);

  /**
   * Text with its facets, cut by UTF-8 byte offsets; facets out of range, empty, not on a
   * character boundary, overlapping an earlier one, or of unknown kinds stay plain.
   * @param {any} record
   */
  function richText(record) {
    const text = str(record && record.text);
    const out = el('div', { class: 'text' });
    const bytes = new TextEncoder().encode(text);
    const decode = (/** @type {number} */ a, /** @type {number} */ b) => new TextDecoder().decode(bytes.subarray(a, b));
    const boundary = (/** @type {number} */ i) => i === bytes.length || (bytes[i] & 0xc0) !== 0x80;
    /** @type {{start: number, end: number, node: (s: string) => Node}[]} */
    const marks = [];
    for (const f of Array.isArray(record && record.facets) ? record.facets : []) {
      const start = f && f.index && f.index.byteStart;
      const end = f && f.index && f.index.byteEnd;
      if (!Number.isInteger(start) || !Number.isInteger(end) || start < 0 || start >= end || end > bytes.length || !boundary(start) || !boundary(end)) continue;
      /** @type {((s: string) => Node) | null} */
      let node = null;
      for (const feature of Array.isArray(f.features) ? f.features : []) {
        const type = str(feature && feature.$type);
        if (type === 'app.bsky.richtext.facet#link' && isSafeLink(str(feature.uri))) node = (s) => link(feature.uri, [s]);
        else if (type === 'app.bsky.richtext.facet#mention' && str(feature.did)) node = (s) => link(`https://bsky.app/profile/${encodeURIComponent(feature.did)}`, [s]);
        else if (type === 'app.bsky.richtext.facet#tag' && str(feature.tag)) node = (s) => link(`https://bsky.app/hashtag/${encodeURIComponent(feature.tag)}`, [s]);
        if (node) break;
      }
      if (node) marks.push({ start, end, node });
    }
    marks.sort((a, b) => a.start - b.start);
    let at = 0;
    for (const m of marks) {
      if (m.start < at) continue; // overlaps the previous facet: the first one wins
      if (m.start > at) out.append(decode(at, m.start));
      out.append(m.node(decode(m.start, m.end)));
      at = m.end;
    }
    if (at < bytes.length) out.append(decode(at, bytes.length));
    return out;
  }

  /** @param {any} m @param {string} alt */
  function image(m, alt) {
    const file = fileOf(m);
    if (!file) return el('div', { class: 'missing' }, [alt ? `Image not in this export: ${alt}` : 'Image not in this export']);
    return el('img', { src: file, alt, loading: 'lazy' });
  }

  /** @param {string} uri */
  function bskyUrl(uri) {
    const m = /^at:\/\/([^/]+)\/app\.bsky\.feed\.post\/([^/]+)$/.exec(uri);
    return m ? `https://bsky.app/profile/${encodeURIComponent(m[1])}/post/${encodeURIComponent(m[2])}` : '';
  }

  /** @param {unknown} iso */
  function date(iso) {
    const d = new Date(str(iso));
    return Number.isNaN(d.getTime()) ? null : d.toLocaleString();
  }

  /** @param {any} entry */
  function render(entry) {
    const post = (entry && typeof entry.post === 'object' && entry.post) || {};
    const author = post.author || {};
    /** @type {any[]} */
    const media = Array.isArray(entry.media) ? entry.media : [];
    const own = (/** @type {string} */ kind) => media.filter((m) => m && m.kind === kind && m.owner === author.did);
    const others = (/** @type {string} */ kind) => media.filter((m) => m && m.kind === kind && m.owner !== author.did);

    const avatarFile = fileOf(own('avatar')[0]);
    const avatar = avatarFile ? el('img', { class: 'avatar', src: avatarFile, alt: '' }) : el('div', { class: 'avatar' });
    const state = str(entry.status && entry.status.state) || 'unknown';
    const created = date(post.record && post.record.createdAt);
    const body = el('div', {}, [
      el('div', { class: 'head' }, [
        el('span', { class: 'name' }, [str(author.displayName) || str(author.handle)]),
        el('span', { class: 'muted' }, [`@${str(author.handle)}`]),
        created && el('span', { class: 'muted' }, [created]),
        (state === 'deleted' || state === 'blocked') && el('span', { class: 'badge gone' }, [state === 'deleted' ? 'deleted on Bluesky' : 'blocked on Bluesky']),
      ]),
      richText(post.record),
    ]);
    const images = own('image');
    if (images.length) body.append(el('div', { class: 'images' }, images.map((m) => image(m, str(m.alt)))));
    const video = own('video')[0];
    if (video) {
      const file = fileOf(video);
      body.append(file ? el('video', { src: file, controls: '', preload: 'metadata' }) : el('div', { class: 'missing' }, ['Video not in this export']));
    }
    const embed = post.embed || {};
    const external = embed.external || (embed.media && embed.media.external);
    if (external && typeof external.uri === 'string') {
      const thumb = own('linkThumbnail')[0];
      const card = link(external.uri, [
        thumb ? image(thumb, '') : null,
        el('strong', {}, [str(external.title)]),
        el('div', { class: 'muted' }, [str(external.description) || external.uri]),
      ]);
      card.classList.add('card');
      body.append(card);
    }
    const quoted = (embed.record && embed.record.record) || embed.record;
    if (quoted && (quoted.$type === 'app.bsky.embed.record#viewRecord' || quoted.value)) {
      const quoteImages = others('image');
      body.append(el('div', { class: 'quote' }, [
        el('div', { class: 'head' }, [
          el('span', { class: 'name' }, [str(quoted.author && quoted.author.displayName) || str(quoted.author && quoted.author.handle)]),
          el('span', { class: 'muted' }, [`@${str(quoted.author && quoted.author.handle)}`]),
        ]),
        richText(quoted.value),
        quoteImages.length ? el('div', { class: 'images' }, quoteImages.map((m) => image(m, str(m.alt)))) : null,
      ]));
    }
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
  const items = entries.map((/** @type {any} */ entry) => {
    try {
      return render(entry);
    } catch (err) {
      return el('li', { class: 'post missing' }, [`A saved post could not be shown: ${/** @type {Error} */ (err).message}`]);
    }
  });
  list.append(...items);
  const exported = date(data && data.exportedAt);
  summary.textContent = `${entries.length} saved posts${exported ? `, exported ${exported}` : ''}. Images and videos are in the media folder next to this page.`;
  filter.addEventListener('input', () => {
    const words = filter.value.toLowerCase().split(/\s+/).filter(Boolean);
    for (const li of items) li.hidden = !words.every((w) => (li.textContent || '').toLowerCase().includes(w));
  });
}
