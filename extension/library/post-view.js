// @ts-check
/**
 * How a saved post looks on the library page: the shared renderer (../shared/post-view.js)
 * draws the post from its saved copy alone, with media from the backup (object URLs of the
 * stored files), else from their https address; this adds what only the library has — the
 * @handle that filters by author, the "deleted on Bluesky" badge, the tags and the note.
 */
import * as store from '../background/library/store.js';
import { bskyUrl, el, link, renderPost } from '../shared/post-view.js';

export { bskyUrl, el, link };

/** Object URLs made for the posts shown, revoked when the list is redrawn. @type {string[]} */
let objectUrls = [];

/** Frees the files the posts shown so far held. */
export function revokeMedia() {
  for (const u of objectUrls) URL.revokeObjectURL(u);
  objectUrls = [];
}

/**
 * The renderer's media for a saved entry: the backed-up file of the entry's media item with
 * the same address (as an object URL), else the https address of an image, avatar or link
 * thumbnail, else nothing.
 * @param {any[]} media the entry's `media`
 * @returns {(ref: import('../shared/post-view.js').MediaRef) => Promise<string | null>}
 */
export function savedMedia(media) {
  return async (ref) => {
    const item = media.find((m) => m && m.kind === ref.kind && m.url === ref.url);
    if (item?.state === 'done') {
      const file = await store.getMedia(item.file).catch(() => undefined);
      if (file?.blob) {
        const url = URL.createObjectURL(file.blob);
        objectUrls.push(url);
        return url;
      }
    }
    // Not a video's address (an HLS playlist), nor its thumbnail (the poster is decoration:
    // the library shows it from the backup only).
    return ref.kind !== 'video' && ref.kind !== 'videoThumbnail' && ref.url.startsWith('https://') ? ref.url : null;
  };
}

/** @param {import('../shared/post-view.js').MediaRef} ref */
const notBackedUp = (ref) =>
  ref.kind === 'video' ? 'Video not backed up yet' : ref.alt ? `Image not backed up yet: ${ref.alt}` : 'Image not backed up yet';

/**
 * The content of one saved post.
 * @param {any} entry the saved entry (parsed; only read)
 * @param {{onAuthor: (actor: string) => void, onTag: (tag: string) => void}} on what clicking
 *   the @handle and a #tag do
 * @returns {Promise<{avatar: HTMLElement, body: HTMLElement, state: string, handle: string, tags: string[], note: string}>}
 */
export async function postContent(entry, on) {
  const post = entry.post ?? {};
  const state = entry.status?.state ?? 'unknown';
  const handle = String(post.author?.handle ?? '');
  const { avatar, body } = await renderPost(post, {
    media: savedMedia(Array.isArray(entry.media) ? entry.media : []),
    missing: notBackedUp,
    author: (author) => {
      const byAuthor = el('button', { type: 'button', class: 'linkish', title: `Show only posts by @${handle}` }, [`@${handle}`]);
      byAuthor.addEventListener('click', () => on.onAuthor(handle || String(author.did ?? '')));
      return byAuthor;
    },
    badges: [state === 'deleted' || state === 'blocked' ? el('span', { class: 'badge gone' }, [state === 'deleted' ? 'deleted on Bluesky' : 'blocked on Bluesky']) : null],
  });
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
