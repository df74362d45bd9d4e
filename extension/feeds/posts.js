// @ts-check
/**
 * How a feed's posts are drawn on the Feeds page (reading view and the editor's preview):
 * each post through the shared post renderer, with who reposted it, the sources that brought
 * it, SkyPanel's save button (the library's behaviour and its `[data-skypanel-save]`
 * contract) and a link to it on bsky.app; and the collapsed view's blocks, built from the
 * engine's plan like the blocks on bsky.app (content/collapse.js, styled by content/bsky.css).
 *
 * Test contract: every post element carries `data-skypanel-feed-post` = its at-uri, in the
 * order shown.
 *
 * Everything drawn comes from strangers: nodes are built with createElement and textContent
 * only, links only for http(s) URLs (the renderer's `link`), images only from https URLs.
 */
import { el, link, renderPost } from '../shared/post-view.js';
import { sourceLabel } from './definition.js';

const SkyPanel = /** @type {any} */ (globalThis).SkyPanel;
const POST_URI = /^at:\/\/(did:[a-z]+:[A-Za-z0-9._:%-]+)\/app\.bsky\.feed\.post\/([A-Za-z0-9._~:-]{1,512})$/;

/**
 * One post of a `feeds.run` answer.
 * @typedef {{uri: string, id: string, time: number, sources: number[], repostedBy: string[], item: any}} FeedPost
 */

/** The address of a post on bsky.app, by its author's handle when known. @param {string} uri @param {string} [handle] */
export function bskyPostUrl(uri, handle) {
  const m = POST_URI.exec(uri);
  if (!m) return '';
  const who = handle && /^[a-zA-Z0-9.-]+$/.test(handle) && handle !== 'handle.invalid' ? handle : m[1];
  return `https://bsky.app/profile/${who}/post/${m[2]}`;
}

/** @param {unknown} url */
const https = (url) => (typeof url === 'string' && url.startsWith('https://') ? url : '');

// ---------------------------------------------------------------------------------------
// Save buttons: one per post shown; their state is asked of the library in one batch per
// page drawn, and asked again when the library changes anywhere ('library.changed').

/** Buttons by post at-uri (a post can be shown twice: the preview and an open block). @type {Map<string, Set<HTMLButtonElement>>} */
const buttons = new Map();

// The button's look in each state, shared with the content script (../shared/save-button.js).
const { show: showSave, icon: saveIcon } = /** @type {any} */ (globalThis).SkyPanelSaveButton;

/** @param {string} uri */
function saveButton(uri) {
  const button = /** @type {HTMLButtonElement} */ (el('button', { type: 'button', class: 'skypanel-save', 'data-skypanel-save': '' }, [saveIcon()]));
  showSave(button, false);
  button.addEventListener('click', () => toggleSave(button, uri));
  if (!buttons.has(uri)) buttons.set(uri, new Set());
  /** @type {Set<HTMLButtonElement>} */ (buttons.get(uri)).add(button);
  return button;
}

/** Saves the post, or removes its copy when saved (a queued save is cancelled). @param {HTMLButtonElement} button @param {string} uri */
async function toggleSave(button, uri) {
  if (button.getAttribute('aria-busy') === 'true') return;
  const state = button.getAttribute('data-skypanel-save-state');
  const action = state === 'saved' ? 'remove' : state === 'pending' ? 'cancel' : 'save';
  button.setAttribute('aria-busy', 'true');
  try {
    const answer = await SkyPanel.send(`library.${action}`, { uri });
    const now = action !== 'save' ? false : answer?.saved === true ? true : answer?.queued ? 'pending' : false;
    for (const b of buttons.get(uri) ?? []) showSave(b, now);
  } catch (err) {
    button.setAttribute('data-skypanel-error', '');
    button.title = `SkyPanel could not ${action} this post: ${/** @type {Error} */ (err)?.message ?? err}`;
    button.setAttribute('aria-label', button.title);
  } finally {
    button.removeAttribute('aria-busy');
  }
}

/**
 * Asks the library which of these posts are saved and shows it on their buttons.
 * @param {string[]} uris
 */
export async function refreshSaved(uris) {
  for (const [uri, set] of buttons) {
    for (const b of set) if (!b.isConnected) set.delete(b);
    if (!set.size) buttons.delete(uri);
  }
  const wanted = [...new Set(uris)].filter((u) => POST_URI.test(u) && buttons.has(u));
  for (let i = 0; i < wanted.length; i += 500) {
    const chunk = wanted.slice(i, i + 500);
    const posts = chunk.map((u) => {
      const m = /** @type {RegExpExecArray} */ (POST_URI.exec(u));
      return { actor: m[1], rkey: m[2] };
    });
    try {
      const states = await SkyPanel.send('library.status', { posts });
      chunk.forEach((u, j) => {
        const s = states[j];
        for (const b of buttons.get(u) ?? []) showSave(b, s === true || s === 'pending' || s === 'failed' ? s : false);
      });
    } catch {
      // The worker is restarting: the buttons stay "not saved" until the next change.
    }
  }
}

// ---------------------------------------------------------------------------------------
// Posts

/**
 * Draws one post of a feed.
 * @param {FeedPost} post
 * @param {any[]} sources the definition's sources (for the labels of those that brought it)
 * @returns {Promise<HTMLElement>}
 */
export async function drawPost(post, sources) {
  const item = post.item ?? {};
  const view = item.post ?? {};
  const author = view.author ?? {};
  const li = el('li', { class: 'post', 'data-skypanel-feed-post': String(post.uri) });
  li.dataset.time = String(Number(post.time) || 0);
  li.dataset.id = String(post.id ?? post.uri);

  // Who reposted it: every reposter dedupe merged (handles), else the item's own reason.
  const by = item.reason?.by && typeof item.reason.by === 'object' ? item.reason.by : null;
  const handles = Array.isArray(post.repostedBy) ? post.repostedBy.map(String) : [];
  const repostedBy = handles.length ? handles.map((h) => (by && by.handle === h ? by : { handle: h })) : by ? [by] : null;
  const replyTo = item.reply?.parent?.author && typeof item.reply.parent.author === 'object' ? item.reply.parent.author : null;
  const { avatar, body } = await renderPost(view, { context: { repostedBy, replyTo } });

  const labels = (Array.isArray(post.sources) ? post.sources : [])
    .filter((i) => Number.isInteger(i) && sources[i])
    .map((i) => el('span', { class: 'badge source', 'data-testid': 'feeds-post-source' }, [sourceLabel(sources[i])]));
  const url = bskyPostUrl(post.uri, String(author.handle ?? ''));
  const open = url ? link(url, ['Open on bsky.app']) : null;
  open?.setAttribute('data-testid', 'feeds-post-open');
  const actions = el('div', { class: 'post-actions' }, [
    labels.length ? el('span', { class: 'sources', 'aria-label': 'Brought by' }, labels) : null,
    saveButton(String(post.uri)),
    open,
  ]);
  body.classList.add('body');
  body.append(actions);
  li.append(avatar, body);
  return li;
}

/**
 * Draws a page of posts, in order.
 * @param {FeedPost[]} posts @param {any[]} sources
 */
export function drawPosts(posts, sources) {
  return Promise.all(posts.map((p) => drawPost(p, sources)));
}

// ---------------------------------------------------------------------------------------
// The collapsed view: one compact block per account the plan folds, before its first post;
// the posts stay in the list, marked folded (content/bsky.css hides them) until opened.

/** @param {number} n @param {string} one @param {string} many */
const count = (n, one, many) => `${n} ${n === 1 ? one : many}`;

/** The page's theme for the blocks' colours (content/bsky.css names them as bsky.app does). */
const blockTheme = () => (matchMedia('(prefers-color-scheme: dark)').matches ? 'dim' : 'light');

/**
 * Folds a drawn page by the engine's plan.
 * @param {HTMLElement[]} elements the page's post elements, in the answer's order
 * @param {FeedPost[]} posts the same posts
 * @param {{account: string, units: number[], posts: number, reposts: number}[]} blocks
 */
export function collapse(elements, posts, blocks) {
  for (const plan of blocks ?? []) {
    const members = (plan.units ?? []).filter((i) => elements[i]).map((i) => ({ element: elements[i], post: posts[i] }));
    if (members.length < 2) continue;
    const own = members.find((m) => !m.post.item?.reason)?.post.item?.post?.author;
    const reposter = members.find((m) => m.post.item?.reason?.by)?.post.item?.reason?.by;
    const who = own && own.handle === plan.account ? own : reposter && reposter.handle === plan.account ? reposter : own ?? reposter ?? {};
    const name = String(who.displayName || plan.account);
    const what = [plan.posts ? count(plan.posts, 'post', 'posts') : '', plan.reposts ? count(plan.reposts, 'repost', 'reposts') : ''].filter(Boolean).join(', ');
    const times = members.map((m) => Number(m.post.time)).filter((t) => t > 0);
    const span = times.length ? [Math.max(...times), Math.min(...times)].map((t) => new Date(t).toLocaleString()) : [];
    const avatarUrl = https(who.avatar);
    const chevron = el('span', { class: 'skypanel-chevron', 'aria-hidden': 'true' }, ['▾']);
    const toggle = el('button', { type: 'button', class: 'skypanel-toggle', 'aria-expanded': 'false', 'aria-label': `${what} from ${name}: show them` }, [
      el('span', { class: 'skypanel-avatar' }, [avatarUrl ? el('img', { src: avatarUrl, alt: '', loading: 'lazy' }) : name.slice(0, 1).toUpperCase()]),
      el('span', { class: 'skypanel-body' }, [
        el('span', { class: 'skypanel-head' }, [el('strong', {}, [name]), el('span', { class: 'skypanel-muted' }, [` @${plan.account}`])]),
        el('span', { class: 'skypanel-meta' }, [`${what}${span.length ? ` · ${span[0] === span[1] ? span[0] : `${span[0]} – ${span[1]}`}` : ''}`]),
        el('span', { class: 'skypanel-preview' }, [members.slice(0, 3).map((m) => String(m.post.item?.post?.record?.text ?? '')).filter(Boolean).join(' · ')]),
      ]),
      chevron,
    ]);
    const block = el('li', {
      class: 'skypanel-block',
      'data-skypanel-group': plan.account,
      'data-skypanel-count': String(members.length),
      'data-skypanel-theme': blockTheme(),
    }, [toggle]);
    for (const m of members) m.element.setAttribute('data-skypanel-folded', '');
    toggle.addEventListener('click', () => {
      const open = toggle.getAttribute('aria-expanded') !== 'true';
      toggle.setAttribute('aria-expanded', String(open));
      toggle.setAttribute('aria-label', `${what} from ${name}: ${open ? 'hide them' : 'show them'}`);
      block.classList.toggle('skypanel-open', open);
      for (const m of members) m.element.toggleAttribute('data-skypanel-expanded', open);
    });
    members[0].element.before(block);
  }
}
