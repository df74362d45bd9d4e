// @ts-check
/**
 * How a saved post looks on the library page, built from its saved copy alone: the author,
 * the text with its links, mentions and tags, images, the video, a link card, a quoted post,
 * tags and the note. Media come from the backup (object URLs of the stored files), else from
 * their https address.
 *
 * Everything here comes from strangers: nodes are built with createElement and textContent
 * only, links are made only for http(s) URLs (rel="noopener noreferrer"), nothing is ever
 * inserted as HTML.
 */
import * as core from '../background/core.js';
import * as store from '../background/library/store.js';

/** Object URLs made for the posts shown, revoked when the list is redrawn. @type {string[]} */
let objectUrls = [];

/** Frees the files the posts shown so far held. */
export function revokeMedia() {
  for (const u of objectUrls) URL.revokeObjectURL(u);
  objectUrls = [];
}

/**
 * @param {string} tag
 * @param {Record<string, string>} [attrs]
 * @param {(Node | string | null | undefined)[]} [children]
 */
export function el(tag, attrs = {}, children = []) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
  for (const c of children) if (c !== null && c !== undefined) node.append(c);
  return node;
}

/** A link, only for http(s) URLs; anything else stays text. @param {string} href @param {(Node | string)[]} children */
export function link(href, children) {
  if (!core.isSafeLink(href)) return el('span', {}, children);
  return el('a', { href, target: '_blank', rel: 'noopener noreferrer' }, children);
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
export function bskyUrl(uri) {
  const m = /^at:\/\/([^/]+)\/app\.bsky\.feed\.post\/([^/]+)$/.exec(uri);
  return m ? `https://bsky.app/profile/${m[1]}/post/${m[2]}` : '';
}

/**
 * The content of one saved post.
 * @param {any} entry the saved entry (parsed; only read)
 * @param {{onAuthor: (actor: string) => void, onTag: (tag: string) => void}} on what clicking
 *   the @handle and a #tag do
 * @returns {Promise<{avatar: HTMLElement, body: HTMLElement, state: string, handle: string, tags: string[], note: string}>}
 */
export async function postContent(entry, on) {
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
  const handle = String(author.handle ?? '');
  const byAuthor = el('button', { type: 'button', class: 'linkish', title: `Show only posts by @${handle}` }, [`@${handle}`]);
  byAuthor.addEventListener('click', () => on.onAuthor(handle || String(author.did ?? '')));
  const head = el('div', { class: 'head' }, [
    el('span', { class: 'name' }, [String(author.displayName || author.handle || '')]),
    byAuthor,
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
  /** @type {string[]} */
  const tags = Array.isArray(entry.tags) ? entry.tags.map(String) : [];
  if (tags.length) {
    body.append(el('div', { class: 'tags', 'data-testid': 'library-tags' }, tags.map((t) => {
      const b = el('button', { type: 'button', class: 'badge', title: `Show only posts tagged #${t}` }, [`#${t}`]);
      b.addEventListener('click', () => on.onTag(t));
      return b;
    })));
  }
  const note = typeof entry.note === 'string' ? entry.note : '';
  if (note) body.append(el('p', { class: 'note', 'data-testid': 'library-note' }, [note]));
  return { avatar, body, state, handle, tags, note };
}
