// @ts-check
/**
 * Reading bsky.app's timeline DOM: which feeds are on screen, their rows, and the units
 * (posts, reposts, thread slices) those rows form, and the content script's one observer of
 * the page's changes (`watch`). Read-only: nothing here changes the page.
 * Selectors follow the web client's stable hooks (testIDs, hrefs, roles), never its
 * generated class names, and every one of them is a guess the code must survive losing.
 */
(() => {
  'use strict';
  const ns = /** @type {any} */ (globalThis).SkyPanelContent ??= {};
  if (ns.page) return;

  const ITEM = '[data-testid^="feedItem-by-"]';
  const ITEM_PREFIX = 'feedItem-by-';
  /** Feed containers by kind; "following" is the default, the others are opt-in. */
  const FEEDS = {
    following: '[data-testid="followingFeedPage"]',
    custom: '[data-testid="customFeedPage"]',
    list: '[data-testid="listFeed"]',
  };
  const ALL_FEEDS = `${FEEDS.following}, ${FEEDS.custom}, ${FEEDS.list}`;

  /**
   * 'ok' when the page looks like the bsky.app this code knows, 'unrecognised' when the
   * home timeline shows rows in a structure we cannot place (the markers are gone), and
   * 'waiting' before any row has loaded. Only the home screen is checked: it is the only
   * place SkyPanel changes.
   * @returns {'ok' | 'unrecognised' | 'waiting'}
   */
  function layout() {
    const rows = Array.from(document.querySelectorAll(ITEM)).filter(visible);
    if (!rows.length) return 'waiting';
    if (location.pathname !== '/') return 'ok';
    const main = document.querySelector('main[role="main"]');
    const tabs = document.querySelector('[data-testid="homeScreenFeedTabs"]');
    if (!main || !tabs) return 'unrecognised';
    // Each feed's rows container is looked up once, not once per row; and rows that share a
    // parent list already found inside a feed and main are not searched up again.
    /** @type {Map<Element, Element | null>} */
    const containers = new Map();
    /** @type {Set<Element>} */
    const placedLists = new Set();
    const placed = rows.every((row) => {
      const list = row.parentElement?.parentElement?.parentElement;
      if (list && placedLists.has(list)) return true;
      const feed = row.closest(ALL_FEEDS);
      if (!feed || !main.contains(row)) return false;
      if (!containers.has(feed)) containers.set(feed, rowsContainer(feed));
      if (containers.get(feed) === null) return false;
      if (list && feed !== list && feed.contains(list) && main.contains(list)) placedLists.add(list);
      return true;
    });
    return placed ? 'ok' : 'unrecognised';
  }

  /** @param {Element} el */
  const visible = (el) => /** @type {HTMLElement} */ (el).offsetParent !== null;

  /**
   * The visible feed containers SkyPanel may act on.
   * @param {boolean} everywhere include custom feeds and lists, not only Following
   */
  function feeds(everywhere) {
    return Array.from(document.querySelectorAll(feedSelector(everywhere))).filter(visible);
  }

  /** The selector of the feed containers acted on. @param {boolean} everywhere */
  function feedSelector(everywhere) {
    return everywhere ? ALL_FEEDS : FEEDS.following;
  }

  /**
   * The element whose children are the rows of `feed`: the parent of a row, where a row is
   * the grandparent of a feed item (item → bare wrapper → row).
   * @param {Element} feed
   */
  function rowsContainer(feed) {
    const item = feed.querySelector(ITEM);
    return item?.parentElement?.parentElement?.parentElement ?? null;
  }

  /** The author's handle from a row's feed item. @param {Element} item */
  const authorOf = (item) => (item.getAttribute('data-testid') || '').slice(ITEM_PREFIX.length);

  /**
   * The reposter of a feed item, if it is a repost. The repost reason is the only profile
   * link placed before the avatar link (labels are translated, so this matches structure).
   * @param {Element} item
   */
  function reposterOf(item) {
    const first = item.querySelector('a[href^="/profile/"]');
    if (!first || first.querySelector('[data-testid^="userAvatar"]')) return null;
    const parts = (first.getAttribute('href') || '').split('/').filter(Boolean);
    return parts.length === 2 ? decodeURIComponent(parts[1]) : null;
  }

  /**
   * The account that put an item in the timeline: the reposter, else the author (read
   * through the row cache when the item sits in a row).
   * @param {Element} item
   */
  function ownerOf(item) {
    const row = item.parentElement?.parentElement;
    const info = row ? infoOf(row) : null;
    if (info && info.item === item) return info.reposter ?? info.author;
    return reposterOf(item) ?? authorOf(item);
  }

  const TOP_BORDER_WIDTH = /(?:^|;)\s*border-top-width\s*:\s*([^;]*)/;

  /**
   * A row continues the thread slice above it when its top border is hidden. bsky.app writes
   * that width into the style attribute (React Native Web puts PostFeedItem's dynamic
   * borderTopWidth inline), so it is read from the attribute's text: the computed style would
   * force a style update of the rows just added (on the replica, milliseconds per page of 30
   * instead of microseconds). The computed style is read only when the attribute does not say.
   * @param {Element} item
   */
  function continuesSlice(item) {
    const inner = item.firstElementChild;
    if (!inner) return false;
    const width = parseFloat(TOP_BORDER_WIDTH.exec(inner.getAttribute('style') ?? '')?.[1] ?? '');
    if (!Number.isNaN(width)) return width === 0;
    return getComputedStyle(inner).borderTopWidth === '0px';
  }

  /**
   * What a row says about itself, read once: rows are re-read on every change, and React
   * updates a row in place without changing who posted it, so this is cached per row (and
   * re-read if the row's feed item element is replaced).
   * @type {WeakMap<Element, {item: Element | null, author: string, reposter: string | null, continues: boolean, threadLink: boolean}>}
   */
  const rowInfo = new WeakMap();

  /** @param {Element} row */
  function infoOf(row) {
    const cached = rowInfo.get(row);
    // Still the same item in the same place: no need to search the row again.
    if (cached?.item && cached.item.parentElement?.parentElement === row) return cached;
    const item = row.querySelector(ITEM);
    if (cached && cached.item === item) return cached;
    const info = item
      ? { item, author: authorOf(item), reposter: reposterOf(item), continues: continuesSlice(item), threadLink: false }
      : { item: null, author: '', reposter: null, continues: false, threadLink: Boolean(row.querySelector('a[href*="/post/"]') && !row.querySelector('[role="button"]')) };
    rowInfo.set(row, info);
    return info;
  }

  /**
   * @typedef {{owner: string, repost: boolean, rows: HTMLElement[], author: string, item: Element}} Unit
   * Units of a rows container, in page order. Rows that are not feed items (the compose
   * prompt, spacers, our own blocks) are skipped, except "View full thread" rows, which
   * belong to the slice they sit in.
   * @param {Element} container
   * @param {Element | null} [from] read only from this row on (a row that starts a unit);
   *   rows are appended at the end, so the units before it are known already
   * @returns {Unit[]}
   */
  function units(container, from = null) {
    /** @type {Unit[]} */
    const out = [];
    /** @type {Unit | null} */
    let current = null;
    for (let child = from ?? container.firstElementChild; child; child = child.nextElementSibling) {
      const row = /** @type {HTMLElement} */ (child);
      if (row.hasAttribute('data-skypanel-group')) continue;
      const info = infoOf(row);
      if (!info.item) {
        if (current && info.threadLink) current.rows.push(row);
        else current = null;
        continue;
      }
      if (current && info.continues) {
        current.rows.push(row);
        // The slice's last post is the feed item; the rows above it are its context. The
        // account that put it in the timeline is that post's author (or the reposter).
        if (!current.repost) current.owner = info.author;
        continue;
      }
      current = { owner: info.reposter ?? info.author, repost: Boolean(info.reposter), rows: [row], author: info.author, item: info.item };
      out.push(current);
    }
    return out;
  }

  /** @type {WeakMap<Element, string>} */
  const hrefs = new WeakMap();

  /** Text helpers for block summaries, all read with textContent (never HTML). */
  const text = {
    /** The item's first post link (its own post), read once per item. @param {Element} item */
    href(item) {
      let href = hrefs.get(item);
      if (href === undefined) {
        href = item.querySelector('a[href*="/post/"]')?.getAttribute('href') ?? '';
        hrefs.set(item, href);
      }
      return href;
    },
    /** @param {Element} item */
    name(item) {
      const links = item.querySelectorAll('a[href^="/profile/"][aria-label="View profile"]');
      return (links[0]?.textContent ?? '').trim();
    },
    /** @param {Element} item */
    post(item) {
      return (item.querySelector('[data-testid="postText"]')?.textContent ?? '').trim();
    },
    /** @param {Element} item */
    time(item) {
      const a = item.querySelector('a[href*="/post/"]');
      return { label: a?.getAttribute('aria-label') ?? '', short: (a?.textContent ?? '').replace(/^[\s·]+/, '').trim() };
    },
    /** @param {Element} item */
    avatar(item) {
      const img = item.querySelector('[data-testid="userAvatarImage"] img');
      const src = img?.getAttribute('src') ?? '';
      return /^https:\/\//.test(src) ? src : '';
    },
  };

  /** @type {Set<(records: MutationRecord[]) => void>} */
  const watchers = new Set();
  /** @type {MutationObserver | null} */
  let observer = null;

  /**
   * Calls `callback` with every batch of the page's changes (nodes added or removed anywhere,
   * style attributes: a feed shown or hidden). The collapsed view and the save buttons share
   * one MutationObserver, so the browser records each change once, not once per feature.
   * @param {(records: MutationRecord[]) => void} callback
   */
  function watch(callback) {
    watchers.add(callback);
    if (observer) return;
    observer = new MutationObserver((records) => {
      for (const watcher of watchers) {
        try {
          watcher(records);
        } catch (err) {
          console.debug('SkyPanel: a page watcher failed', err);
        }
      }
    });
    observer.observe(document.documentElement, { childList: true, subtree: true, attributes: true, attributeFilter: ['style'] });
  }

  ns.page = { ITEM, ALL_FEEDS, layout, feeds, feedSelector, rowsContainer, units, ownerOf, text, visible, watch };
})();
