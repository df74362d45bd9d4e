// @ts-check
/**
 * The library page: saved posts, searched by the core in the background, rendered from the
 * saved copies — offline, and after the post is gone from Bluesky. Backed-up media are read
 * straight from the library's IndexedDB (this page shares the extension's origin).
 *
 * Everything shown comes from strangers: text goes in with textContent, links are made only
 * for http(s) URLs (rel=noopener noreferrer), and nothing is ever inserted as HTML.
 *
 * Hooks for tests: [data-testid=library-posts] > li[data-uri] (one per post shown, with
 * data-status), [data-testid=library-summary], [data-testid=library-message].
 */
import * as core from '../background/core.js';
import * as store from '../background/library/store.js';
import * as archive from './archive.js';

const SkyPanel = /** @type {any} */ (globalThis).SkyPanel;
const PAGE = 30;

const $ = (/** @type {string} */ id) => /** @type {HTMLElement} */ (document.getElementById(id));
const list = $('posts');
const summary = $('summary');
const message = $('message');
const more = /** @type {HTMLButtonElement} */ ($('more'));

/** Object URLs made for this page's images, revoked when the list is redrawn. @type {string[]} */
let objectUrls = [];
let offset = 0;
let generation = 0;

/**
 * @param {string} tag
 * @param {Record<string, string>} [attrs]
 * @param {(Node | string | null | undefined)[]} [children]
 */
function el(tag, attrs = {}, children = []) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
  for (const c of children) if (c !== null && c !== undefined) node.append(c);
  return node;
}

/** A link, only for http(s) URLs; anything else stays text. @param {string} href @param {(Node | string)[]} children */
function link(href, children) {
  if (!core.isSafeLink(href)) return el('span', {}, children);
  return el('a', { href, target: '_blank', rel: 'noopener noreferrer' }, children);
}

function query() {
  const kinds = Array.from(document.querySelectorAll('input[name=kind]:checked')).map((i) => /** @type {HTMLInputElement} */ (i).value);
  return {
    text: /** @type {HTMLInputElement} */ ($('text')).value,
    kinds,
    order: /** @type {HTMLSelectElement} */ ($('order')).value,
    offset,
    limit: PAGE,
  };
}

/** @param {string} text */
function say(text, isError = false) {
  message.textContent = text;
  message.className = isError ? 'error' : 'muted';
}

/** Redraws the list from the first page. */
async function refresh() {
  offset = 0;
  for (const u of objectUrls) URL.revokeObjectURL(u);
  objectUrls = [];
  list.replaceChildren();
  await load();
}

async function load() {
  const mine = ++generation;
  try {
    const [{ total, posts }, usage] = await Promise.all([SkyPanel.send('library.search', { query: query() }), SkyPanel.send('library.usage')]);
    if (mine !== generation) return;
    const items = await Promise.all(posts.map((/** @type {any} */ p) => render(p)));
    if (mine !== generation) return;
    list.append(...items);
    // For `make bench`: navigation start → the first screen of posts on the page.
    if (offset === 0 && !performance.getEntriesByName('library-first-screen').length) performance.mark('library-first-screen');
    offset += posts.length;
    more.hidden = offset >= total;
    const mb = usage.usedBytes === null ? '' : ` · ${(usage.usedBytes / 1e6).toFixed(1)} MB used`;
    const waiting = usage.pendingMedia + usage.retryingMedia;
    const pending = waiting ? ` · ${waiting} media files still to back up` : '';
    const failed = usage.failedMedia ? ` · ${usage.failedMedia} could not be backed up` : '';
    summary.textContent = `${total} of ${usage.posts} saved posts${mb}${pending}${failed}`;
  } catch (err) {
    say(`The library could not be read: ${/** @type {Error} */ (err).message}`, true);
  }
}

/**
 * A backed-up file as an object URL, else the original https URL, else null.
 * @param {any} media
 */
async function source(media) {
  if (!media) return null;
  if (media.state === 'done') {
    const file = await store.getMedia(media.file).catch(() => undefined);
    if (file?.blob) {
      const url = URL.createObjectURL(file.blob);
      objectUrls.push(url);
      return url;
    }
  }
  return typeof media.url === 'string' && media.url.startsWith('https://') && media.kind !== 'video' ? media.url : null;
}

/** @param {any} media @param {string} alt */
async function image(media, alt) {
  const src = await source(media);
  if (!src) return el('div', { class: 'missing' }, [alt ? `Image not backed up yet: ${alt}` : 'Image not backed up yet']);
  return el('img', { src, alt: alt ?? '', loading: 'lazy', 'data-file': media.file });
}

/**
 * Text with links, mentions and tags from its facets (the core cuts it by UTF-8 offsets).
 * @param {any} record
 */
function richText(record) {
  const text = typeof record?.text === 'string' ? record.text : '';
  const out = el('div', { class: 'text' });
  /** @type {{text: string, kind: string, uri?: string, did?: string, tag?: string}[]} */
  let segments;
  try {
    segments = core.richText(text, Array.isArray(record?.facets) ? record.facets : undefined);
  } catch {
    segments = [{ text, kind: 'plain' }];
  }
  for (const s of segments) {
    if (s.kind === 'link' && s.uri) out.append(link(s.uri, [s.text]));
    else if (s.kind === 'mention' && s.did) out.append(link(`https://bsky.app/profile/${encodeURIComponent(s.did)}`, [s.text]));
    else if (s.kind === 'tag' && s.tag) out.append(link(`https://bsky.app/hashtag/${encodeURIComponent(s.tag)}`, [s.text]));
    else out.append(s.text);
  }
  return out;
}

/** @param {string} uri */
function bskyUrl(uri) {
  const m = /^at:\/\/([^/]+)\/app\.bsky\.feed\.post\/([^/]+)$/.exec(uri);
  return m ? `https://bsky.app/profile/${m[1]}/post/${m[2]}` : '';
}

/**
 * One saved post.
 * @param {{uri: string, savedAt: number, entry: string}} item
 */
async function render(item) {
  /** @type {any} */
  const entry = JSON.parse(item.entry);
  const post = entry.post ?? {};
  const author = post.author ?? {};
  /** @type {any[]} */
  const media = Array.isArray(entry.media) ? entry.media : [];
  const own = (/** @type {string} */ kind) => media.filter((m) => m.kind === kind && m.owner === author.did);
  const others = (/** @type {string} */ kind) => media.filter((m) => m.kind === kind && m.owner !== author.did);

  const avatarSrc = await source(media.find((m) => m.kind === 'avatar' && m.owner === author.did));
  const avatar = avatarSrc ? el('img', { class: 'avatar', src: avatarSrc, alt: '' }) : el('div', { class: 'avatar' });
  const state = entry.status?.state ?? 'unknown';
  const created = typeof post.record?.createdAt === 'string' ? new Date(post.record.createdAt) : null;
  const head = el('div', { class: 'head' }, [
    el('span', { class: 'name' }, [String(author.displayName || author.handle || '')]),
    el('span', { class: 'muted' }, [`@${String(author.handle ?? '')}`]),
    created && !Number.isNaN(created.getTime()) ? el('span', { class: 'muted' }, [created.toLocaleString()]) : null,
    state === 'deleted' || state === 'blocked' ? el('span', { class: 'badge gone' }, [state === 'deleted' ? 'deleted on Bluesky' : 'blocked on Bluesky']) : null,
  ]);

  const body = el('div', {}, [head, richText(post.record)]);
  const images = own('image');
  if (images.length) body.append(el('div', { class: 'images' }, await Promise.all(images.map((m) => image(m, m.alt ?? '')))));
  const video = own('video')[0];
  if (video) {
    const src = await source(video);
    body.append(src ? el('video', { src, controls: '', preload: 'metadata', 'data-file': video.file }) : el('div', { class: 'missing' }, ['Video not backed up yet']));
  }
  const external = post.embed?.external ?? post.embed?.media?.external;
  if (external && typeof external.uri === 'string') {
    const thumb = own('linkThumbnail')[0];
    body.append(link(external.uri, [
      ...(thumb ? [await image(thumb, '')] : []),
      el('strong', {}, [String(external.title ?? '')]),
      el('div', { class: 'muted' }, [String(external.description ?? external.uri)]),
    ]));
    body.lastElementChild?.classList.add('card');
  }
  const quoted = post.embed?.record?.record ?? post.embed?.record;
  if (quoted?.$type === 'app.bsky.embed.record#viewRecord' || quoted?.value) {
    const quoteImages = others('image');
    body.append(el('div', { class: 'quote' }, [
      el('div', { class: 'head' }, [el('span', { class: 'name' }, [String(quoted.author?.displayName || quoted.author?.handle || '')]), el('span', { class: 'muted' }, [`@${String(quoted.author?.handle ?? '')}`])]),
      richText(quoted.value),
      quoteImages.length ? el('div', { class: 'images' }, await Promise.all(quoteImages.map((m) => image(m, m.alt ?? '')))) : null,
    ]));
  }
  if (Array.isArray(entry.tags) && entry.tags.length) body.append(el('div', { class: 'tags' }, entry.tags.map((/** @type {string} */ t) => el('span', { class: 'badge' }, [`#${t}`]))));
  if (entry.note) body.append(el('p', { class: 'muted' }, [String(entry.note)]));

  const open = bskyUrl(item.uri);
  const remove = el('button', { type: 'button', class: 'secondary' }, ['Remove']);
  remove.addEventListener('click', () => removeWithUndo(item, li));
  body.append(el('div', { class: 'post-actions muted' }, [
    `Saved ${new Date(item.savedAt).toLocaleString()} · `,
    open ? link(open, ['open on Bluesky']) : null,
    ' ',
    remove,
  ]));
  const li = el('li', { class: 'post', 'data-uri': item.uri, 'data-status': state }, [avatar, body]);
  return li;
}

/**
 * Removes a post, offering to put it back (the removed entry is re-imported as it was).
 * @param {{uri: string, entry: string}} item
 * @param {HTMLElement} li
 */
async function removeWithUndo(item, li) {
  try {
    await SkyPanel.send('library.remove', { uri: item.uri });
    li.remove();
    const undo = el('button', { type: 'button', class: 'secondary' }, ['Undo']);
    message.replaceChildren('Removed from the library. ', undo);
    message.className = 'muted';
    undo.addEventListener('click', async () => {
      const file = `{"format":"skypanel.saved","version":1,"posts":[\n${item.entry}\n]}`;
      await SkyPanel.send('library.import', { text: file });
      say('Put back.');
      await refresh();
    });
  } catch (err) {
    say(`Could not remove it: ${/** @type {Error} */ (err).message}`, true);
  }
}

/** @param {string} text @param {string} name @param {string} type */
function download(text, name, type) {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const a = el('a', { href: url, download: name });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/**
 * The at-uris the search currently matches when "only what the search shows" is ticked
 * (every page of it, not just the ones loaded), else undefined: everything.
 * @returns {Promise<string[] | undefined>}
 */
async function selection() {
  if (!(/** @type {HTMLInputElement} */ ($('export-selection')).checked)) return undefined;
  const { total } = await SkyPanel.send('library.search', { query: { ...query(), offset: 0, limit: 0 } });
  const { posts } = await SkyPanel.send('library.search', { query: { ...query(), offset: 0, limit: total } });
  return posts.map((/** @type {{uri: string}} */ p) => p.uri);
}

for (const button of document.querySelectorAll('[data-export]')) {
  button.addEventListener('click', async () => {
    const as = /** @type {HTMLElement} */ (button).dataset.export ?? 'json';
    try {
      const uris = await selection();
      const text = await SkyPanel.send('library.export', { as, ...(uris ? { uris } : {}) });
      const day = new Date().toISOString().slice(0, 10);
      const [ext, type] = { json: ['json', 'application/json'], markdown: ['md', 'text/markdown'], csv: ['csv', 'text/csv'] }[as] ?? ['txt', 'text/plain'];
      download(text, `skypanel-saved-${day}.${ext}`, type);
    } catch (err) {
      say(`Export failed: ${/** @type {Error} */ (err).message}`, true);
    }
  });
}

$('import').addEventListener('change', async (event) => {
  const input = /** @type {HTMLInputElement} */ (event.target);
  const file = input.files?.[0];
  input.value = '';
  if (!file) return;
  say(`Importing ${file.name}…`);
  try {
    const isZip = /\.zip$/i.test(file.name) || archive.looksLikeZip(new Uint8Array(await file.slice(0, 4).arrayBuffer()));
    if (isZip) {
      const { report, restored } = await archive.importZip(file);
      const media = restored ? ` ${restored} media files restored.` : '';
      say(`Imported ${file.name}: ${report.added} added, ${report.merged} merged, ${report.skipped} already there.${media}`);
    } else {
      const report = await SkyPanel.send('library.import', { text: await file.text() });
      say(`Imported ${file.name}: ${report.added} added, ${report.merged} merged, ${report.skipped} already there.`);
    }
    await refresh();
  } catch (err) {
    say(`${file.name} was not imported, and nothing changed: ${/** @type {Error} */ (err).message}`, true);
  }
});

$('export-zip').addEventListener('click', async () => {
  const button = /** @type {HTMLButtonElement} */ ($('export-zip'));
  button.disabled = true;
  say('Packing the export…');
  try {
    const { blob, files, missing, posts } = await archive.exportZip({ uris: await selection() });
    const url = URL.createObjectURL(blob);
    const a = el('a', { href: url, download: `skypanel-saved-${new Date().toISOString().slice(0, 10)}.zip` });
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 60_000);
    const gaps = missing ? ` ${missing} media files are not backed up yet and are not in it.` : '';
    say(`Exported ${posts} ${posts === 1 ? 'post' : 'posts'} and ${files} media ${files === 1 ? 'file' : 'files'}.${gaps}`);
  } catch (err) {
    say(`Export failed: ${/** @type {Error} */ (err).message}`, true);
  } finally {
    button.disabled = false;
  }
});

let typing = 0;
$('search').addEventListener('input', () => {
  clearTimeout(typing);
  typing = setTimeout(refresh, 120);
});
$('search').addEventListener('submit', (e) => {
  e.preventDefault();
  refresh();
});
more.addEventListener('click', load);

core.ready.then(refresh, (err) => say(`SkyPanel's core did not start: ${err.message}`, true));
