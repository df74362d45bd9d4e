// @ts-check
/**
 * The save button SkyPanel adds to every post on bsky.app (timeline rows, threads, profile
 * feeds, search results, /saved): one click keeps a private copy of the post, its images and videos in SkyPanel's
 * library. The button only asks; the background does the saving and answers once the copy
 * is durably stored, and only then does the button show "saved".
 *
 * Page hooks (a public test contract, see README "Test contract"):
 *   [data-skypanel-save] — the button, inside the post it belongs to, with
 *   aria-pressed = "true" (in the library) or "false"; data-skypanel-save-state = "saved",
 *   "unsaved", "pending" (queued until Bluesky answers; still aria-pressed="false") or
 *   "failed" (a queued save refused when tried again).
 *
 * Like the rest of the content script: cheap (the shared observer, work batched per frame, each
 * post decorated once), defensive (a post it cannot identify gets no button), and it never
 * moves or removes bsky.app's nodes — the button is inserted next to bsky.app's own
 * bookmark button.
 */
(() => {
  'use strict';
  const SkyPanel = /** @type {any} */ (globalThis).SkyPanel;
  const ns = /** @type {any} */ ((globalThis).SkyPanelContent ??= {});
  if (!SkyPanel || ns.save) return;

  const POSTS = '[data-testid^="feedItem-by-"], [data-testid^="postThreadItem-by-"]';
  /** Every post's own action bar has a reply button; a quoted post has no action bar. */
  const OWN_ACTIONS = '[data-testid="replyBtn"]';
  const PERMALINK = /^\/profile\/([^/?#]+)\/post\/([^/?#]+)\/?$/;
  // Where links to other posts live: a post's text (`data-word-wrap`, with or without the
  // postText testid: thread posts have none), its content, a quoted post, a link card.
  const NOT_PERMALINK = '[data-testid="contentHider-post"], [data-testid="postText"], [data-word-wrap], [role="link"][aria-label^="Post by"], a[target="_blank"]';

  /** Buttons by post key (`handle/rkey`), to update every copy of a post at once. */
  /** @type {Map<string, Set<HTMLButtonElement>>} */
  const buttons = new Map();
  /** Posts already given a button (or found unidentifiable). */
  const seen = new WeakSet();
  /** Whether each post (by key) is in the library, as last answered: a post shown again
   * (a refreshed feed, a thread) needs no new question. */
  /** @type {Map<string, SaveState>} */
  const known = new Map();

  /**
   * The post an element sits in. Feed, notification and thread items carry a testid; the
   * rows of search results and of /saved (bsky.app's Post component) carry none: there the
   * post is the `role=link` box around its own action bar. Quoted posts are `role=link`
   * boxes too, but hold no action bar, so they are never taken for a post.
   * @param {Element} el
   * @returns {Element | null}
   */
  function postOf(el) {
    const marked = el.closest(POSTS);
    if (marked) return marked;
    const box = el.closest('[role="link"]');
    return box && box.querySelector(OWN_ACTIONS) ? box : null;
  }

  /**
   * The posts in (or at) `root`, each once.
   * @param {ParentNode} root
   * @returns {Element[]}
   */
  function postsIn(root) {
    if (root instanceof Element && root.matches(POSTS)) return [root];
    /** @type {Set<Element>} */
    const out = new Set(root.querySelectorAll(POSTS));
    // Posts without a testid, found from their action bars (one reply button each).
    for (const reply of root.querySelectorAll(OWN_ACTIONS)) {
      if (reply.closest(POSTS)) continue;
      const box = reply.closest('[role="link"]');
      if (box) out.add(box);
    }
    return Array.from(out);
  }

  /**
   * Which post an item shows: the author's handle (or DID) and the record key. Feed rows
   * carry a permalink (the first `/post/` link); the focused post of a thread has none, and
   * is the one the address bar names.
   * @param {Element} item
   * @returns {{actor: string, rkey: string} | null}
   */
  function identify(item) {
    const testid = item.getAttribute('data-testid') ?? '';
    // The focused post of a thread is not a link to anywhere (no role=link) and has no
    // permalink: its links go to who reposted, liked or quoted it, or wherever its text
    // points. It is the post the address bar names.
    if (testid.startsWith('postThreadItem-by-') && item.getAttribute('role') !== 'link') {
      const handle = testid.slice('postThreadItem-by-'.length);
      const here = PERMALINK.exec(location.pathname);
      if (!here || (decodeURIComponent(here[1]) !== handle && !here[1].startsWith('did:'))) return null;
      return { actor: decodeURIComponent(here[1]), rkey: decodeURIComponent(here[2]) };
    }
    // Any other post: its timestamp link, the first link to a post that is not in its text,
    // a quote or a card (those may point at other posts).
    for (const link of item.querySelectorAll('a[href*="/post/"]')) {
      if (link.closest(NOT_PERMALINK)) continue;
      const href = link.getAttribute('href') ?? '';
      const m = PERMALINK.exec(href.startsWith('http') ? safePath(href) : href);
      if (m) return { actor: decodeURIComponent(m[1]), rkey: decodeURIComponent(m[2]) };
    }
    return null;
  }

  /** @param {string} href */
  function safePath(href) {
    try {
      const url = new URL(href);
      return url.origin === location.origin ? url.pathname : '';
    } catch {
      return '';
    }
  }

  /**
   * A post's state as the background tells it: saved (true), not (false), a save queued until
   * Bluesky answers ('pending'), or a queued save refused when tried again ('failed').
   * @typedef {boolean | 'pending' | 'failed'} SaveState
   */

  // The button's look in each state, shared with the Feeds page (../shared/save-button.js).
  const { show, icon } = /** @type {any} */ (globalThis).SkyPanelSaveButton;

  /** @param {{actor: string, rkey: string}} id */
  function makeButton(id) {
    const button = document.createElement('button');
    button.type = 'button';
    button.className = 'skypanel-save';
    button.setAttribute('data-skypanel-save', '');
    button.append(icon());
    show(button, false);
    button.addEventListener('click', (event) => {
      // The row navigates on click: this click is ours alone.
      event.preventDefault();
      event.stopPropagation();
      toggle(button, id, true);
    });
    return button;
  }

  /**
   * Saves, removes the copy, or (a click on a queued save) cancels the queued save.
   * @param {HTMLButtonElement} button
   * @param {{actor: string, rkey: string}} id
   * @param {boolean} [clicked] only a click cancels; the shortcut leaves a queued save be
   */
  async function toggle(button, id, clicked = false) {
    if (button.getAttribute('aria-busy') === 'true') return;
    const state = button.getAttribute('data-skypanel-save-state');
    const action = state === 'saved' ? 'remove' : state === 'pending' ? 'cancel' : 'save';
    if (action === 'cancel' && !clicked) return;
    button.setAttribute('aria-busy', 'true');
    button.removeAttribute('data-skypanel-error');
    try {
      const answer = await SkyPanel.send(`library.${action}`, id);
      /** @type {SaveState} */
      const now = action !== 'save' ? false : answer?.saved === true ? true : answer?.queued ? 'pending' : false;
      known.set(key(id), now);
      for (const b of buttons.get(key(id)) ?? []) show(b, now);
    } catch (err) {
      const message = /** @type {Error} */ (err)?.message ?? String(err);
      button.setAttribute('data-skypanel-error', '');
      const what = action === 'cancel' ? 'cancel the queued save of' : action;
      button.title = `SkyPanel could not ${what} this post: ${message}`;
      button.setAttribute('aria-label', button.title);
    } finally {
      button.removeAttribute('aria-busy');
    }
  }

  /** @param {{actor: string, rkey: string}} id */
  const key = (id) => `${id.actor.toLowerCase()}/${id.rkey}`;

  /**
   * Where the button goes: right after bsky.app's own bookmark button, else before the
   * share / options buttons' wrapper. No action bar, no button.
   * @param {Element} item
   * @returns {((b: Element) => void) | null}
   */
  function placement(item) {
    const bookmark = item.querySelector('[data-testid="postBookmarkBtn"]');
    if (bookmark) return (b) => bookmark.after(b);
    const share = item.querySelector('[data-testid="postShareBtn"], [data-testid="postDropdownBtn"]');
    const wrapper = share?.parentElement;
    if (wrapper && item.contains(wrapper)) return (b) => wrapper.before(b);
    return null;
  }

  /**
   * Gives every post under `root` a button (once); answers the posts whose state must be
   * asked of the background (added to `fresh`, keyed by post).
   * @param {ParentNode} root
   * @param {Map<string, {actor: string, rkey: string}>} [fresh]
   */
  function decorate(root, fresh = new Map()) {
    for (const item of postsIn(root)) {
      if (seen.has(item)) continue;
      seen.add(item);
      const id = identify(item);
      const place = id && placement(item);
      if (!id || !place) continue;
      const button = makeButton(id);
      place(button);
      const k = key(id);
      if (!buttons.has(k)) buttons.set(k, new Set());
      /** @type {Set<HTMLButtonElement>} */ (buttons.get(k)).add(button);
      const state = known.get(k);
      if (state !== undefined) show(button, state);
      else fresh.set(k, id);
    }
    return fresh;
  }

  /**
   * @param {{actor: string, rkey: string}[]} posts
   * @param {boolean} [every] update every button of these posts, not only the saved ones
   */
  async function refresh(posts, every = false) {
    try {
      /** @type {SaveState[]} */
      const states = await SkyPanel.send('library.status', { posts });
      posts.forEach((id, i) => {
        const k = key(id);
        const answer = states[i];
        const state = answer === true || answer === 'pending' || answer === 'failed' ? answer : false;
        known.set(k, state);
        // Buttons made before the answer start as "not saved": only other states need a change.
        if (state !== false || every) for (const b of buttons.get(k) ?? []) show(b, state);
      });
    } catch {
      // The background is restarting or the library is unavailable: buttons stay "not saved".
    }
  }

  /** Drops buttons whose post left the page. */
  function prune() {
    for (const [k, set] of buttons) {
      for (const b of set) if (!b.isConnected) set.delete(b);
      if (!set.size) buttons.delete(k);
    }
  }

  let scheduled = false;
  let removals = false;
  /** @type {Set<Element>} */
  const added = new Set();
  function flush() {
    scheduled = false;
    try {
      // One question to the background for every new post of this batch (a page of rows),
      // not one per row.
      /** @type {Map<string, {actor: string, rkey: string}>} */
      const fresh = new Map();
      for (const el of added) if (el.isConnected) decorate(el, fresh);
      added.clear();
      if (fresh.size) refresh([...fresh.values()]);
      // Dropping buttons of rows that left is only worth a pass when something was removed.
      if (removals) prune();
      removals = false;
    } catch (err) {
      console.debug('SkyPanel: save buttons skipped an update', err);
    }
  }

  /** Notes posts added (decorated on the next frame) and whether any were removed. @param {MutationRecord[]} records */
  function onMutations(records) {
    for (const r of records) {
      if (r.removedNodes.length) removals = true;
      for (const n of r.addedNodes) {
        // SkyPanel's own nodes (these buttons, collapsed-view blocks) hold no posts.
        if (n.nodeType === 1 && !(/** @type {Element} */ (n).className?.toString().startsWith('skypanel-'))) added.add(/** @type {Element} */ (n));
      }
    }
    if (added.size && !scheduled) {
      scheduled = true;
      requestAnimationFrame(flush);
    }
  }

  /** Asks again whether every post with a button is saved (the library changed elsewhere). */
  function refreshAll() {
    prune();
    known.clear();
    const ids = Array.from(buttons.keys()).map((k) => {
      const at = k.lastIndexOf('/');
      return { actor: k.slice(0, at), rkey: k.slice(at + 1) };
    });
    for (let i = 0; i < ids.length; i += 500) refresh(ids.slice(i, i + 500), true);
  }

  /** The save shortcut: saves (never removes) the post that has the focus. */
  function saveFocused() {
    const active = document.activeElement;
    const item = active ? postOf(active) : null;
    const button = item?.querySelector('[data-skypanel-save]');
    if (!item || !(button instanceof HTMLButtonElement)) return;
    const id = identify(item);
    if (id && button.getAttribute('aria-pressed') !== 'true') toggle(button, id);
  }

  function start() {
    try {
      chrome.runtime.onMessage.addListener((message, sender) => {
        if (sender.id !== chrome.runtime.id) return;
        if (message?.type === 'library.changed') refreshAll();
        else if (message?.type === 'save.focused') saveFocused();
      });
      const fresh = decorate(document);
      if (fresh.size) refresh([...fresh.values()]);
      ns.page.watch(onMutations); // the content script's one observer (page.js)
    } catch (err) {
      console.debug('SkyPanel: save buttons not started', err);
    }
  }

  ns.save = { identify, decorate };
  start();
})();
