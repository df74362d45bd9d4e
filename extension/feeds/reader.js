// @ts-check
/**
 * The reading view of one saved feed: its last first page from the cache at once (read
 * straight from the `skypanel-feeds` IndexedDB: no worker round trip), replaced by a fresh
 * one when it arrives; infinite scroll (a sentinel watched by an IntersectionObserver asks
 * `feeds.run` with the cursor); Refresh; "N new posts" (page 1 checked again every minute
 * while the page is visible, and when it becomes visible again); the divider "New since your
 * last visit" (in feeds sorted newest first) and the scroll position where the reader stopped;
 * the collapsed view when the feed asks for it (blocks within each page); the sources' errors
 * above the posts; a progress bar while mutuals or quiet posters are worked out.
 *
 * Hooks: [data-testid=feeds-reader], feeds-posts (the list; aria-busy while loading,
 * data-from-cache = when the page shown was fetched, while it is the cached one), posts as
 * [data-skypanel-feed-post] (in order), feeds-divider, feeds-new-posts, feeds-refresh,
 * feeds-reader-errors, feeds-progress, feeds-end.
 */
import { el } from '../shared/post-view.js';
import * as cache from '../background/feeds/store.js';
import { sourceLabel } from './definition.js';
import { collapse, drawPosts, refreshSaved } from './posts.js';

const SkyPanel = /** @type {any} */ (globalThis).SkyPanel;
const PAGE = 30;
const CHECK_EVERY_MS = 60_000;
/** How many more pages are read to find where the reader stopped. */
const FIND_PLACE_PAGES = 3;

/**
 * @typedef {import('./posts.js').FeedPost} FeedPost
 * @typedef {{posts: FeedPost[], cursor: string | null, steps: any[], errors: any[], blocks: any[]}} Answer
 */

/**
 * Opens feed `id` in `root`.
 * @param {HTMLElement} root
 * @param {{id: string, definition: any, onEdit: () => void, cached?: Promise<any> | null}} feed `cached`: its
 *   cached first page, when the caller started reading it already
 */
export function openReader(root, feed) {
  const sources = Array.isArray(feed.definition?.sources) ? feed.definition.sources : [];
  const definitionText = JSON.stringify(feed.definition);
  let generation = 0;
  /** @type {string | null} */
  let cursor = null;
  let loading = false;
  let ended = false;
  /** The fresh page 1 a check found, shown when "N new posts" is clicked. @type {Answer | null} */
  let waiting = null;
  /** The reading position read when the feed was opened (before this visit changes it). */
  /** @type {Promise<any>} */
  const lastVisit = cache.position(feed.id).catch(() => null);

  const refresh = el('button', { type: 'button', class: 'secondary small', 'data-testid': 'feeds-refresh' }, ['Refresh']);
  const edit = el('button', { type: 'button', class: 'secondary small', 'data-testid': 'feeds-edit' }, ['Edit']);
  const fresh = el('button', { type: 'button', class: 'new-posts', 'data-testid': 'feeds-new-posts', hidden: '' });
  const errors = el('ul', { class: 'errors', 'data-testid': 'feeds-reader-errors', role: 'alert' });
  const progress = /** @type {HTMLProgressElement} */ (el('progress', { 'data-testid': 'feeds-progress', hidden: '', 'aria-label': 'Working out the feed' }));
  const progressLabel = el('span', { class: 'muted', 'aria-live': 'polite' });
  const status = el('p', { class: 'muted', role: 'status', 'data-testid': 'feeds-status' });
  const list = el('ol', { class: 'posts', 'data-testid': 'feeds-posts', 'aria-busy': 'true', 'aria-label': String(feed.definition?.name ?? 'Feed') });
  const end = el('div', { class: 'sentinel', 'data-testid': 'feeds-end' });
  root.replaceChildren(el('div', { class: 'reader', 'data-testid': 'feeds-reader' }, [
    el('div', { class: 'reader-head' }, [
      el('h2', { 'data-testid': 'feeds-title' }, [String(feed.definition?.name ?? 'Feed')]),
      refresh, edit,
    ]),
    el('div', { class: 'progress-row' }, [progress, progressLabel]),
    errors, fresh, list, status, end,
  ]));

  /** @param {any} message */
  const onMessage = (message) => {
    if (message?.type === 'library.changed') refreshSaved(uris());
    if (message?.type === 'feeds.progress' && loading) {
      const { label, done, total } = message.payload ?? {};
      progress.hidden = !(total > 0) || done >= total;
      progress.max = Number(total) || 1;
      progress.value = Number(done) || 0;
      progressLabel.textContent = progress.hidden ? '' : `${label}: ${done} of ${total}`;
    }
  };
  chrome.runtime.onMessage.addListener(onMessage);

  /** The at-uris shown, in order. */
  const uris = () => Array.from(list.querySelectorAll('[data-skypanel-feed-post]'), (e) => /** @type {string} */ (e.getAttribute('data-skypanel-feed-post')));
  /** The newest time among the posts shown. */
  const newestShown = () => Math.max(0, ...Array.from(list.querySelectorAll('[data-skypanel-feed-post]'), (e) => Number(/** @type {HTMLElement} */ (e).dataset.time) || 0));

  /** @param {any[]} problems */
  function showErrors(problems) {
    errors.replaceChildren(...problems.map((p) => {
      const path = String(p.path ?? '');
      const at = /^sources\[(\d+)\]/.exec(path);
      const source = at ? sources[Number(at[1])] : null;
      const filter = /^filters\[(\d+)\]/.exec(path);
      const where = source ? sourceLabel(source) : filter ? `filter ${Number(filter[1]) + 1} (${feed.definition.filters?.[Number(filter[1])]?.kind ?? '?'})` : path;
      return el('li', { 'data-error-path': String(p.path ?? '') }, [where ? `${where}: ${p.message}` : String(p.message)]);
    }));
  }

  /**
   * Appends a page's posts (folded by its blocks when the feed collapses).
   * @param {Answer} answer
   */
  async function append(answer) {
    const drawn = await drawPosts(answer.posts ?? [], sources);
    list.append(...drawn);
    if (feed.definition?.collapse) collapse(drawn, answer.posts ?? [], answer.blocks ?? []);
    refreshSaved((answer.posts ?? []).map((p) => p.uri));
  }

  /**
   * Draws page 1 in place of whatever is shown, with the divider after the posts newer than
   * the newest one of the last visit.
   * @param {Answer} answer
   * @param {number | null} [cachedAt] when the page is the cached one: when it was fetched
   */
  async function replace(answer, cachedAt = null) {
    const mine = generation;
    const visit = await lastVisit;
    const drawn = await drawPosts(answer.posts ?? [], sources);
    if (mine !== generation) return;
    list.replaceChildren(...drawn);
    if (cachedAt !== null) list.setAttribute('data-from-cache', String(cachedAt));
    else list.removeAttribute('data-from-cache');
    if (feed.definition?.collapse) collapse(drawn, answer.posts ?? [], answer.blocks ?? []);
    refreshSaved((answer.posts ?? []).map((p) => p.uri));
    showErrors(answer.errors ?? []);
    cursor = answer.cursor ?? null;
    ended = !cursor;
    const seen = Number(visit?.newestTime) || 0;
    // In time order only: "above this line" means nothing in a feed sorted by score.
    const byTime = (feed.definition?.sort ?? 'newest') === 'newest';
    if (seen && byTime) {
      const firstOld = drawn.findIndex((e) => (Number(e.dataset.time) || 0) <= seen);
      if (firstOld > 0) drawn[firstOld].before(el('li', { class: 'divider', 'data-testid': 'feeds-divider', role: 'separator' }, ['New since your last visit']));
    }
    status.textContent = !(answer.posts ?? []).length ? 'No posts.' : ended ? 'That is all.' : '';
  }

  /**
   * Runs the feed (page 1 when `after` is null).
   * @param {string | null} after
   * @returns {Promise<Answer>}
   */
  function fetchPage(after) {
    return SkyPanel.send('feeds.run', after ? { definition: feed.definition, cursor: after, limit: PAGE } : { definition: feed.definition, id: feed.id, limit: PAGE });
  }

  /** @param {() => Promise<void>} work */
  async function busy(work) {
    loading = true;
    list.setAttribute('aria-busy', 'true');
    try {
      await work();
    } catch (err) {
      status.textContent = `The feed did not load: ${/** @type {Error} */ (err).message}`;
    } finally {
      loading = false;
      list.setAttribute('aria-busy', 'false');
      progress.hidden = true;
      progressLabel.textContent = '';
    }
  }

  /** Page 1 again, from the network. */
  async function reload() {
    const mine = ++generation;
    fresh.hidden = true;
    waiting = null;
    await busy(async () => {
      const answer = await fetchPage(null);
      if (mine !== generation) return;
      await replace(answer);
      await remember();
    });
  }

  /** The next page, appended (infinite scroll). */
  async function more() {
    if (loading || ended || !cursor) return;
    const mine = generation;
    let loaded = false;
    await busy(async () => {
      const answer = await fetchPage(cursor);
      if (mine !== generation) return;
      await append(answer);
      showErrors(answer.errors ?? []);
      cursor = answer.cursor ?? null;
      ended = !cursor;
      if (ended) status.textContent = 'That is all.';
      loaded = true;
    });
    // The observer reports changes only: a page too short to push the sentinel away asks again
    // (not after a failure: the next scroll tries again).
    if (loaded && !ended && mine === generation && nearEnd()) setTimeout(more, 0);
  }

  /** Whether the end of the list is within the observer's margin of the viewport. */
  const nearEnd = () => end.getBoundingClientRect().top < innerHeight + 600;

  /** Notes the newest post seen (for the next visit's divider). */
  async function remember() {
    const newest = newestShown();
    if (newest) await cache.putPosition(feed.id, { newestTime: newest }).catch(() => {});
  }

  /** Where the sticky header ends: posts above it are out of sight. */
  const headerBottom = () => Math.max(0, document.querySelector('header')?.getBoundingClientRect().bottom ?? 0);
  /** Whether the view is where the reader left it (until then, scrolling is not theirs). */
  let placed = false;
  /** Notes the post at the top of the view, where reading resumes next time. */
  function rememberPlace() {
    if (!placed) return;
    const top = headerBottom();
    for (const e of list.querySelectorAll('[data-skypanel-feed-post]')) {
      const r = e.getBoundingClientRect();
      if (r.height && r.bottom > top + 1) {
        cache.putPosition(feed.id, { topUri: String(e.getAttribute('data-skypanel-feed-post')) }).catch(() => {});
        return;
      }
    }
  }
  let placeTimer = 0;
  const onScroll = () => {
    clearTimeout(placeTimer);
    placeTimer = setTimeout(rememberPlace, 400);
  };
  addEventListener('scroll', onScroll, { passive: true });

  /** Scrolls to the post the reader stopped at, reading a few more pages to find it. */
  async function resumePlace() {
    const topUri = (await lastVisit)?.topUri;
    if (!topUri) return;
    for (let i = 0; i <= FIND_PLACE_PAGES; i++) {
      const target = list.querySelector(`[data-skypanel-feed-post="${CSS.escape(topUri)}"]`);
      if (target) {
        // Just below the sticky header, where rememberPlace reads the top post.
        scrollTo(0, scrollY + target.getBoundingClientRect().top - headerBottom());
        return;
      }
      if (ended || i === FIND_PLACE_PAGES) return;
      await more();
    }
  }

  /** Asks for page 1 again and offers the posts newer than the newest one shown. */
  async function check() {
    if (loading || document.visibilityState !== 'visible') return;
    try {
      const answer = await fetchPage(null);
      const newest = newestShown();
      const count = (answer.posts ?? []).filter((p) => Number(p.time) > newest).length;
      if (!count) return;
      waiting = answer;
      fresh.textContent = `${count} new ${count === 1 ? 'post' : 'posts'}`;
      fresh.hidden = false;
    } catch {
      // Checked again in a minute.
    }
  }
  const checker = setInterval(check, CHECK_EVERY_MS);
  const onVisible = () => {
    if (document.visibilityState === 'visible') check();
  };
  document.addEventListener('visibilitychange', onVisible);

  fresh.addEventListener('click', async () => {
    const answer = waiting;
    if (!answer) return;
    fresh.hidden = true;
    waiting = null;
    generation++;
    await replace(answer);
    await remember();
    scrollTo(0, 0);
    /** @type {HTMLElement | null} */ (list.querySelector('[data-skypanel-feed-post]'))?.focus?.();
  });
  refresh.addEventListener('click', () => reload());
  edit.addEventListener('click', () => feed.onEdit());

  const observer = new IntersectionObserver((entries) => {
    if (entries.some((e) => e.isIntersecting)) more();
  }, { rootMargin: '600px 0px' });
  observer.observe(end);

  // The cached first page at once (if it was made by this very definition), then a fresh one.
  (async () => {
    const mine = ++generation;
    const cached = await (feed.cached ?? cache.firstPage(feed.id)).catch(() => null);
    if (cached && cached.definition === definitionText && mine === generation) await replace(cached.answer, cached.at);
    await reload();
    await resumePlace();
    placed = true;
  })();

  return {
    close() {
      generation++;
      clearInterval(checker);
      clearTimeout(placeTimer);
      observer.disconnect();
      removeEventListener('scroll', onScroll);
      document.removeEventListener('visibilitychange', onVisible);
      chrome.runtime.onMessage.removeListener(onMessage);
      rememberPlace();
    },
  };
}
