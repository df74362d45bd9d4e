// @ts-check
/**
 * The bsky.app replica: a small client that renders the local network's timeline with the
 * DOM the real Bluesky web client (React Native Web) produces, and imitates the behaviour a
 * content script meets there:
 *   - rows appended by infinite scroll (an IntersectionObserver sentinel, 30 per page);
 *   - feed tabs that toggle display:none on mounted pages (the URL does not change);
 *   - pushState navigation to a post thread with Home kept mounted (hidden) and Back;
 *   - "Load new posts" (rows added above, existing nodes kept) and a refresh that replaces
 *     all rows (tapping the selected tab again).
 * Structure follows ../../README.md "bsky.app replica" and the notes it cites. Post data is
 * only ever set with textContent / attributes, never parsed as HTML.
 *
 * Data comes from /__replica/api/* which the test harness answers from the local network,
 * as the signed-in viewer. Test hooks live on window.__replica.
 */
(() => {
  'use strict';

  // Test knobs, read once at start from the query string (the real client has none):
  //   pageSize=N  rows per page (default 30, as bsky.app)
  //   theme=light|dim|dark  the app's colour theme
  //   broken=1    render without the markers SkyPanel recognises the layout by
  const knobs = new URLSearchParams(location.search);
  const PAGE_SIZE = Number(knobs.get('pageSize')) || 30;
  const BROKEN = knobs.get('broken') === '1';
  //   repeat=N    when the timeline ends, start it over N more times (long pages for benchmarks)
  const REPEAT = Number(knobs.get('repeat')) || 0;
  document.documentElement.classList.add(`theme--${knobs.get('theme') ?? 'light'}`);
  const POLL_MS = 60_000;

  /**
   * Creates an element. `attrs` values are set as attributes (style included); children are
   * nodes or strings (as text).
   * @param {string} tag
   * @param {Record<string, string | undefined>} [attrs]
   * @param {Array<Node | string | null | undefined | false>} [children]
   */
  function h(tag, attrs = {}, children = []) {
    const el = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs)) if (v !== undefined) el.setAttribute(k, v);
    for (const c of children) if (c) el.append(c);
    return el;
  }
  /** A React Native Web View. */
  const view = (/** @type {Record<string, string | undefined>} */ attrs = {}, /** @type {any[]} */ children = []) =>
    h('div', { class: `css-175oi2r${attrs.class ? ' ' + attrs.class : ''}`, ...omit(attrs, 'class') }, children);
  /** A React Native Web Text. */
  const text = (/** @type {Record<string, string | undefined>} */ attrs = {}, /** @type {any[]} */ children = []) =>
    h('div', { dir: 'auto', class: 'css-146c3p1', ...attrs }, children);
  /** @param {Record<string, any>} o @param {string} k */
  function omit(o, k) {
    const { [k]: _, ...rest } = o;
    return rest;
  }

  /** @param {string} url bsky.app or API image url */
  const img = (url, alt = '') => h('img', { src: url, alt, loading: 'lazy', draggable: 'false' });

  const svg = () => {
    const s = document.createElementNS('http://www.w3.org/2000/svg', 'svg');
    s.setAttribute('width', '18');
    s.setAttribute('height', '18');
    s.setAttribute('viewBox', '0 0 24 24');
    const p = document.createElementNS('http://www.w3.org/2000/svg', 'circle');
    p.setAttribute('cx', '12');
    p.setAttribute('cy', '12');
    p.setAttribute('r', '7');
    p.setAttribute('fill', 'none');
    p.setAttribute('stroke', 'currentColor');
    p.setAttribute('stroke-width', '2');
    s.append(p);
    return s;
  };

  /** @param {string} iso */
  function longDate(iso) {
    const d = new Date(iso);
    return `${d.toLocaleDateString('en-US', { month: 'long', day: 'numeric', year: 'numeric' })} at ${d.toLocaleTimeString('en-US', { hour: 'numeric', minute: '2-digit' })}`;
  }
  /** @param {string} iso */
  function ago(iso) {
    const s = Math.max(0, (Date.now() - new Date(iso).getTime()) / 1000);
    if (s < 60) return `${Math.floor(s)}s`;
    if (s < 3600) return `${Math.floor(s / 60)}m`;
    if (s < 86400) return `${Math.floor(s / 3600)}h`;
    return `${Math.floor(s / 86400)}d`;
  }
  /** @param {any} post */
  const rkeyOf = (post) => String(post.uri).split('/').pop();
  /** @param {any} author */
  const nameOf = (author) => author.displayName || author.handle;

  /** Post text with facets as links (UTF-8 byte offsets), built node by node. @param {any} record */
  function richText(record, testid = true) {
    // Feed rows mark their text `postText`; thread posts (the focused one and the replies)
    // render the same text with no testid.
    const out = text({ ...(testid ? { 'data-testid': 'postText' } : {}), 'data-word-wrap': '1' });
    const str = String(record.text ?? '');
    const bytes = new TextEncoder().encode(str);
    const dec = new TextDecoder();
    const facets = (Array.isArray(record.facets) ? record.facets : [])
      .filter((f) => f?.index && f.index.byteStart < f.index.byteEnd && f.index.byteEnd <= bytes.length)
      .sort((a, b) => a.index.byteStart - b.index.byteStart);
    let at = 0;
    for (const f of facets) {
      if (f.index.byteStart < at) continue;
      if (f.index.byteStart > at) out.append(dec.decode(bytes.slice(at, f.index.byteStart)));
      const label = dec.decode(bytes.slice(f.index.byteStart, f.index.byteEnd));
      const feat = f.features?.[0] ?? {};
      let href = '#';
      // bsky.app's own URLs become in-app links (a path, no new tab), as the client does.
      if (feat.$type === 'app.bsky.richtext.facet#link') href = /^https:\/\/bsky\.app\/profile\//.test(feat.uri) ? feat.uri.slice('https://bsky.app'.length) : feat.uri;
      else if (feat.$type === 'app.bsky.richtext.facet#mention') href = `/profile/${feat.did}`;
      else if (feat.$type === 'app.bsky.richtext.facet#tag') href = `/hashtag/${encodeURIComponent(feat.tag)}`;
      const external = /^https?:/.test(href);
      out.append(h('a', { href, role: 'link', class: 'css-146c3p1', 'data-no-underline': '1', 'data-word-wrap': '1', ...(external ? { target: '_blank', rel: 'noopener noreferrer' } : {}) }, [label]));
      at = f.index.byteEnd;
    }
    if (at < bytes.length) out.append(dec.decode(bytes.slice(at)));
    return out;
  }

  /** @param {any} author */
  function avatar(author) {
    const image = author.avatar
      ? h('div', { 'data-expoimage': '', 'data-testid': 'userAvatarImage', class: 'avatar' }, [h('div', {}, [img(author.avatar)])])
      : view({ 'data-testid': 'userAvatarFallback', class: 'avatar' });
    return view({}, [view({}, [
      h('a', { href: `/profile/${author.handle}`, role: 'link', 'aria-label': `${nameOf(author)}'s avatar`, 'data-no-underline': '1', class: 'css-175oi2r', tabindex: '-1', 'aria-pressed': 'false' }, [view({}, [image])]),
    ])]);
  }

  /** @param {any} post */
  function postMeta(post, permalink = true) {
    const a = post.author;
    const profile = (/** @type {string} */ label) =>
      h('a', { href: `/profile/${a.handle}`, role: 'link', 'aria-label': 'View profile', 'data-no-underline': '1', dir: 'auto', class: 'css-146c3p1', 'aria-pressed': 'false' }, [label]);
    return view({ class: 'row meta' }, [view({ class: 'row' }, [
      view({}, [view({}, [view({ class: 'row' }, [profile(nameOf(a)), profile(`\u00a0@${a.handle}`)])])]),
      view({}, [
        permalink
          ? h('a', { href: `/profile/${a.handle}/post/${rkeyOf(post)}`, role: 'link', 'aria-label': longDate(post.indexedAt), 'data-tooltip': longDate(post.indexedAt), 'data-no-underline': '1', dir: 'auto', class: 'css-146c3p1 muted', 'aria-pressed': 'false' }, [
              h('span', { class: 'css-146c3p1' }, ['· ']), ago(post.indexedAt),
            ])
          : text({ class: 'css-146c3p1 muted' }, [longDate(post.indexedAt)]),
      ]),
    ])]);
  }

  /** The focused thread post's author: one link, labelled with the display name. @param {any} post */
  function focusedMeta(post) {
    const a = post.author;
    return h('a', { href: `/profile/${a.handle}`, role: 'link', 'aria-label': nameOf(a), 'data-no-underline': '1', class: 'css-175oi2r', tabindex: '0', 'aria-pressed': 'false' }, [
      view({}, [text({ class: 'css-146c3p1 bold' }, [nameOf(a)]), text({ class: 'css-146c3p1 muted' }, [`@${a.handle}`])]),
    ]);
  }

  /** The focused post's counts: links to who reposted, quoted and liked it (when any did). @param {any} post */
  function counts(post) {
    const base = `/profile/${post.author.handle}/post/${rkeyOf(post)}`;
    /** @param {number} n @param {string} path @param {string} label @param {string} testid @param {string} word */
    const count = (n, path, label, testid, word) =>
      n > 0 ? h('a', { href: `${base}/${path}`, role: 'link', 'aria-label': label, 'data-no-underline': '1', class: 'css-175oi2r', tabindex: '0', 'aria-pressed': 'false' }, [
        text({ 'data-testid': testid, class: 'css-146c3p1' }, [h('span', {}, [String(n)]), ` ${word}${n === 1 ? '' : 's'}`]),
      ]) : null;
    return view({ class: 'row' }, [
      count(post.repostCount ?? 0, 'reposted-by', 'Reposts of this post', 'repostCount-expanded', 'repost'),
      count(post.quoteCount ?? 0, 'quotes', 'Quotes of this post', 'quoteCount-expanded', 'quote'),
      count(post.likeCount ?? 0, 'liked-by', 'Likes on this post', 'likeCount-expanded', 'like'),
    ]);
  }

  /** @param {any} embed */
  function embedView(embed) {
    if (!embed || typeof embed !== 'object') return null;
    switch (embed.$type) {
      case 'app.bsky.embed.images#view':
        return view({ class: 'embed images' }, (embed.images ?? []).map((/** @type {any} */ i) => view({}, [img(i.thumb, i.alt ?? '')])));
      case 'app.bsky.embed.external#view': {
        const e = embed.external ?? {};
        return h('a', { href: e.uri, role: 'link', class: 'css-175oi2r embed external', target: '_blank', rel: 'noopener noreferrer' }, [
          e.thumb ? img(e.thumb) : null,
          text({ class: 'css-146c3p1 bold' }, [e.title ?? '']),
          text({ class: 'css-146c3p1 muted' }, [e.description ?? '']),
        ]);
      }
      case 'app.bsky.embed.record#view': {
        const r = embed.record ?? {};
        if (r.$type !== 'app.bsky.embed.record#viewRecord') return view({ class: 'embed quote muted' }, [text({}, ['Post not found'])]);
        // Quoted posts: role=link with a "Post by" label, no postText testid, no timestamp anchor.
        return view({ role: 'link', tabindex: '0', 'aria-label': `Post by ${r.author?.handle}`, class: 'embed quote' }, [
          view({ class: 'row' }, [text({ class: 'css-146c3p1 bold' }, [nameOf(r.author ?? {})]), text({ class: 'css-146c3p1 muted' }, [`\u00a0@${r.author?.handle}`])]),
          text({}, [String(r.value?.text ?? '')]),
        ]);
      }
      case 'app.bsky.embed.video#view':
        // The local network serves no HLS; show the player frame without loading media.
        return view({ class: 'embed video', role: 'img', 'aria-label': `Video: ${embed.alt ?? ''}` }, [text({ class: 'css-146c3p1 muted' }, ['▶ ', embed.alt ?? 'Video'])]);
      case 'app.bsky.embed.recordWithMedia#view':
        return view({}, [embedView(embed.media), embedView({ ...embed.record, $type: 'app.bsky.embed.record#view' })]);
      default:
        return null;
    }
  }

  /** @param {any} post */
  function controls(post) {
    const count = (/** @type {number} */ n, /** @type {string} */ testid) => (n ? text({ 'data-testid': testid }, [String(n)]) : null);
    const button = (/** @type {Record<string, string>} */ attrs, /** @type {any[]} */ kids = []) =>
      h('button', { role: 'button', type: 'button', class: 'css-175oi2r', tabindex: '0', 'aria-pressed': 'false', ...attrs }, [svg(), ...kids]);
    return view({ class: 'row controls' }, [
      view({ class: 'row' }, [
        view({}, [button({ 'aria-label': `Reply (${post.replyCount ?? 0} replies)`, 'data-testid': 'replyBtn' }, [count(post.replyCount, 'replyCount')])]),
        view({}, [view({}, [button({ 'aria-label': 'Repost or quote post', 'aria-haspopup': 'menu', 'aria-expanded': 'false', 'data-testid': 'repostBtn' }, [count(post.repostCount, 'repostCount')])])]),
        view({}, [button({ 'aria-label': `Like (${post.likeCount ?? 0} likes)`, 'data-testid': 'likeBtn' }, [view({}, [count(post.likeCount, 'likeCount')])])]),
        view({}),
      ]),
      view({ class: 'row' }, [
        button({ 'aria-label': post.viewer?.bookmarked ? 'Remove from saved posts' : 'Add to saved posts', 'data-testid': 'postBookmarkBtn' }),
        view({}, [button({ 'aria-label': 'Open share menu', 'aria-haspopup': 'menu', 'aria-expanded': 'false', 'data-testid': 'postShareBtn' })]),
        view({}, [button({ 'aria-label': 'Open post options menu', 'aria-haspopup': 'menu', 'aria-expanded': 'false', 'data-testid': 'postDropdownBtn' })]),
      ]),
    ]);
  }

  /**
   * One feed row (a List.web Row), as PostFeedItem renders it.
   * @param {any} post
   * @param {{reason?: any, viewer: string, parentAbove?: boolean, childBelow?: boolean, repliedTo?: any}} opts
   */
  function feedRow(post, opts) {
    let reason = null;
    if (opts.reason?.$type === 'app.bsky.feed.defs#reasonRepost') {
      const by = opts.reason.by;
      const label = by.did === opts.viewer ? 'Reposted by you' : `Reposted by ${nameOf(by)}`;
      reason = h('a', { href: `/profile/${by.handle}`, role: 'link', 'aria-label': label, 'data-no-underline': '1', class: 'css-175oi2r row reason', 'aria-pressed': 'false' }, [svg(), text({ class: 'css-146c3p1 muted' }, [label])]);
    } else if (opts.reason?.$type === 'app.bsky.feed.defs#reasonPin') {
      reason = view({ class: 'row reason' }, [text({ class: 'css-146c3p1 muted' }, ['Pinned'])]);
    }
    const repliedTo = opts.repliedTo
      ? view({ class: 'row muted' }, [text({}, [
          'Replied to ',
          view({ style: 'display:inline-flex' }, [view({ style: 'display:inline-flex' }, [
            h('a', { href: `/profile/${opts.repliedTo.handle}`, role: 'link', 'aria-label': nameOf(opts.repliedTo), 'data-no-underline': '1', class: 'css-146c3p1' }, [h('span', { class: 'css-146c3p1' }, [nameOf(opts.repliedTo)])]),
          ])]),
        ])])
      : null;
    // Inline widths, as React Native Web writes PostFeedItem's dynamic borderTopWidth.
    const border = opts.parentAbove ? 'border-top-width:0' : 'border-top-width:1px; border-top-style:solid; border-top-color:var(--line)';
    const padBottom = opts.childBelow ? '' : ' padding-bottom:8px;';
    const item = h('div', { role: 'link', tabindex: '0', class: 'css-175oi2r feed-item', 'data-testid': `feedItem-by-${post.author.handle}` }, [
      view({ class: 'item-inner', style: `padding-left:10px; padding-right:15px;${padBottom} ${border}; overflow:hidden` }, [
        view(),
        view({ class: 'row' }, [
          view({}, opts.parentAbove ? [view({ class: 'reply-line above' })] : []),
          view({}, reason ? [reason] : []),
        ]),
        view({ class: 'row' }, [
          view({ class: 'avi-col' }, [avatar(post.author), opts.childBelow ? view({ class: 'reply-line below' }) : null]),
          view({ class: 'content' }, [
            postMeta(post),
            repliedTo,
            view({ 'data-testid': 'contentHider-post' }, [view({}, [richText(post.record ?? {})])]),
            embedView(post.embed),
            controls(post),
          ]),
        ]),
      ]),
    ]);
    opensOnClick(item, post);
    return view({ class: 'list-row' }, [h('div', {}, [item])]);
  }

  /**
   * A post box navigates in JS when clicked (it has no href); links inside it go where they
   * point, buttons do their own thing.
   * @param {HTMLElement} item @param {any} post
   */
  function opensOnClick(item, post) {
    item.addEventListener('click', (ev) => {
      const target = /** @type {Element} */ (ev.target);
      const anchor = target.closest('a');
      if (target.closest('button') || (anchor && /^https?:/.test(anchor.getAttribute('href') ?? ''))) return;
      ev.preventDefault();
      const href = anchor?.getAttribute('href') ?? `/profile/${post.author.handle}/post/${rkeyOf(post)}`;
      app.navigate(href);
    });
  }

  /**
   * One post as Post.tsx draws it — the rows of search results and of /saved: a
   * `role=link` box with no testid and no label (the feed's `feedItem-by-*` testid is
   * PostFeedItem's), its permalink in the meta line, its own action bar, and a content
   * wrapper without the `contentHider-post` testid. No repost reason, no thread lines.
   * @param {any} post postView
   */
  function postRow(post) {
    const replyTo = String(post.record?.reply?.parent?.uri ?? '').split('/')[2];
    const repliedTo = replyTo
      ? view({ class: 'row muted' }, [text({}, ['Replied to ', h('a', { href: `/profile/${replyTo}`, role: 'link', 'data-no-underline': '1', class: 'css-146c3p1' }, [replyTo])])])
      : null;
    const item = view({ role: 'link', tabindex: '0', class: 'feed-item post-item' }, [
      view({ class: 'hover' }),
      view({ class: 'row post-layout' }, [
        view({ class: 'post-avi' }, [avatar(post.author)]),
        view({ class: 'content' }, [
          postMeta(post),
          repliedTo,
          view({}, [view({}, [richText(post.record ?? {})]), embedView(post.embed)]),
          controls(post),
        ]),
      ]),
    ]);
    opensOnClick(item, post);
    // List.web's Row wraps each item in one View, nothing else.
    return view({ class: 'list-row' }, [item]);
  }

  /**
   * The rows for one feed item (a FeedPostSlice): the post, preceded by its thread context.
   * @param {any} item feedViewPost
   * @param {string} viewer
   * @param {Set<string>} shown uris already on the page (the client de-duplicates threads)
   */
  function sliceRows(item, viewer, shown) {
    const post = item.post;
    if (!post?.author) return [];
    const isRepost = item.reason?.$type === 'app.bsky.feed.defs#reasonRepost';
    if (!isRepost && shown.has(post.uri)) return [];
    const parent = item.reply?.parent;
    const root = item.reply?.root;
    const posts = [];
    if (!isRepost && parent?.$type === 'app.bsky.feed.defs#postView' && !shown.has(parent.uri)) {
      if (root?.$type === 'app.bsky.feed.defs#postView' && root.uri !== parent.uri && !shown.has(root.uri)) posts.push(root);
      posts.push(parent);
    }
    posts.push(post);
    const rows = posts.map((p, i) =>
      feedRow(p, {
        viewer,
        reason: i === 0 ? item.reason : undefined,
        parentAbove: i > 0,
        childBelow: i < posts.length - 1,
        repliedTo: i === 0 && p === post && parent?.author ? parent.author : undefined,
      }),
    );
    if (!isRepost) posts.forEach((p) => shown.add(p.uri));
    return rows;
  }

  /** A mounted feed page (FeedPage > PostFeed > List.web). */
  class FeedPage {
    /**
     * @param {string} testid 'followingFeedPage' | 'customFeedPage'
     * @param {string} endpoint replica API path
     */
    constructor(testid, endpoint, composePrompt = false) {
      this.endpoint = endpoint;
      this.cursor = /** @type {string | undefined} */ (undefined);
      this.done = false;
      this.loading = false;
      this.shown = new Set();
      this.newest = /** @type {string | undefined} */ (undefined);
      // containerRef: a zero-height aboveTheFoldDetector first, then (Following only) the
      // compose prompt row, then the feed rows.
      this.rows = view({}, [view()]);
      if (composePrompt) {
        this.rows.append(view({ class: 'list-row compose-prompt' }, [
          view({ class: 'row', role: 'button', tabindex: '0', 'aria-label': 'Compose new post' }, [text({ class: 'css-146c3p1 muted' }, ["What's up?"])]),
        ]));
      }
      this.head = /** @type {Element} */ (this.rows.lastElementChild);
      this.sentinel = view({ class: 'tail-sentinel' });
      this.rows.append(this.sentinel);
      this.el = view({ 'data-testid': BROKEN ? undefined : testid }, [
        view({ 'data-testid': `${testid}-feed` }, [
          view({ 'data-testid': `${testid}-feed-flatlist` }, [
            view({ style: 'position:fixed; inset:0; pointer-events:none; z-index:-1' }),
            view({ class: 'center' }, [this.rows]),
            view({ class: 'footer' }),
          ]),
        ]),
      ]);
      this.observer = new IntersectionObserver((entries) => {
        if (entries.some((e) => e.isIntersecting)) this.loadMore();
      }, { rootMargin: '0px 0px 200% 0px' });
    }

    start() {
      this.observer.observe(this.sentinel);
      return this.loadMore();
    }

    /** @param {string | undefined} cursor */
    async fetchPage(cursor) {
      const url = new URL(this.endpoint, location.origin);
      url.searchParams.set('limit', String(PAGE_SIZE));
      if (cursor) url.searchParams.set('cursor', cursor);
      const res = await fetch(url);
      if (!res.ok) throw new Error(`replica API ${res.status}`);
      return res.json();
    }

    async loadMore() {
      if (this.loading || this.done) return;
      this.loading = true;
      try {
        const page = await this.fetchPage(this.cursor);
        this.newest ??= page.feed[0]?.post?.uri;
        const frag = document.createDocumentFragment();
        for (const item of page.feed) for (const row of sliceRows(item, app.viewer, this.shown)) frag.append(row);
        this.rows.insertBefore(frag, this.sentinel);
        this.cursor = page.cursor;
        this.done = !page.cursor || page.feed.length === 0;
        if (this.done && (this.repeats ?? 0) < REPEAT) {
          this.repeats = (this.repeats ?? 0) + 1;
          this.shown = new Set();
          this.done = false;
        }
        app.pagesLoaded++;
      } finally {
        this.loading = false;
      }
      // Keep filling while the sentinel is still within reach (as the real list does).
      const rect = this.sentinel.getBoundingClientRect();
      if (!this.done && this.el.offsetParent !== null && rect.top < innerHeight * 3) await this.loadMore();
    }

    /** Replaces every row with a fresh first page (pull-to-refresh / tap the selected tab). */
    async refresh() {
      const page = await this.fetchPage(undefined);
      this.shown = new Set();
      for (const row of Array.from(this.rows.querySelectorAll(':scope > .list-row:not(.compose-prompt)'))) row.remove();
      const frag = document.createDocumentFragment();
      for (const item of page.feed) for (const row of sliceRows(item, app.viewer, this.shown)) frag.append(row);
      this.rows.insertBefore(frag, this.sentinel);
      this.cursor = page.cursor;
      this.done = !page.cursor;
      this.newest = page.feed[0]?.post?.uri;
      app.refreshes++;
    }

    /** Polls for newer posts; returns how many are new. */
    async checkForNew() {
      const page = await this.fetchPage(undefined);
      const fresh = [];
      for (const item of page.feed) {
        if (item.post?.uri === this.newest) break;
        fresh.push(item);
      }
      return fresh;
    }

    /** "Load new posts": adds the new rows above, keeping existing row nodes. */
    async loadLatest() {
      const fresh = await this.checkForNew();
      const frag = document.createDocumentFragment();
      for (const item of fresh) for (const row of sliceRows(item, app.viewer, this.shown)) frag.append(row);
      this.rows.insertBefore(frag, this.head.nextSibling);
      if (fresh.length) this.newest = fresh[0].post?.uri;
      scrollTo(0, 0);
      return fresh.length;
    }
  }

  /**
   * A list of posts as List.web renders one outside the home feeds (search results, /saved):
   * a zero-height detector, one Row per post, an infinite-scroll sentinel. Pages come from a
   * replica API path with `cursor`; `rowsOf` turns one answer into rows.
   */
  class PostList {
    /**
     * @param {string} endpoint replica API path (with its own query)
     * @param {(page: any, seen: Set<string>) => HTMLElement[]} rowsOf
     * @param {string} emptyText shown when the first page has nothing
     */
    constructor(endpoint, rowsOf, emptyText) {
      this.endpoint = endpoint;
      this.rowsOf = rowsOf;
      this.emptyText = emptyText;
      this.cursor = /** @type {string | undefined} */ (undefined);
      this.done = false;
      this.loading = false;
      this.started = false;
      this.seen = new Set();
      this.rows = view({}, [view({ class: 'above-fold' })]);
      this.sentinel = view({ class: 'tail-sentinel' });
      this.rows.append(this.sentinel);
      this.el = view({}, [view({ style: 'position:fixed; inset:0; pointer-events:none; z-index:-1' }), view({ class: 'center' }, [this.rows])]);
      this.observer = new IntersectionObserver((entries) => {
        if (entries.some((e) => e.isIntersecting)) this.loadMore();
      }, { rootMargin: '0px 0px 400% 0px' });
    }

    /** Loads the first page (once: a list is only queried when its tab is active). */
    start() {
      if (this.started) return Promise.resolve();
      this.started = true;
      this.observer.observe(this.sentinel);
      return this.loadMore();
    }

    async loadMore() {
      if (this.loading || this.done) return;
      this.loading = true;
      try {
        const url = new URL(this.endpoint, location.origin);
        url.searchParams.set('limit', String(PAGE_SIZE));
        if (this.cursor) url.searchParams.set('cursor', this.cursor);
        const res = await fetch(url);
        if (!res.ok) throw new Error(`replica API ${res.status}`);
        const page = await res.json();
        const rows = this.rowsOf(page, this.seen);
        if (!this.cursor && !rows.length) rows.push(view({ class: 'empty' }, [text({}, [this.emptyText])]));
        const frag = document.createDocumentFragment();
        frag.append(...rows);
        this.rows.insertBefore(frag, this.sentinel);
        this.cursor = page.cursor;
        this.done = !page.cursor || rows.length === 0;
      } finally {
        this.loading = false;
      }
    }
  }

  /**
   * The search screen (Search/Shell.tsx + SearchResults.tsx): `searchScreen`, a sticky
   * header with the search input, then a Pager whose TabBar is given no testID — so its
   * tabs really are `undefined-selector-<i>` — and one page per tab (Top, Latest, People,
   * Feeds), hidden with display:none when not selected, each loaded only once selected and
   * kept mounted after. Post results are Post.tsx rows (postRow).
   * @param {HTMLElement} screen
   * @param {string} q
   */
  function searchScreen(screen, q) {
    document.title = q ? `${q} — Bluesky Search` : 'Search — Bluesky';
    const input = /** @type {HTMLInputElement} */ (h('input', { type: 'text', dir: 'auto', 'data-testid': 'searchTextInput', 'aria-label': 'Search', placeholder: 'Search', enterkeyhint: 'search', autocomplete: 'off', class: 'search-input' }));
    input.value = q;
    input.addEventListener('keydown', (e) => {
      if (e.key === 'Enter' && input.value) app.navigate(`/search?q=${encodeURIComponent(input.value)}`);
    });
    const postRows = (/** @type {any} */ page, /** @type {Set<string>} */ seen) =>
      (page.posts ?? []).filter((/** @type {any} */ p) => p?.author && !seen.has(p.uri) && seen.add(p.uri)).map(postRow);
    const none = `No results found for ${q}`;
    const api = (/** @type {string} */ sort) => `/__replica/api/search?q=${encodeURIComponent(q)}&sort=${sort}`;
    // People and Feeds hold profile and feed cards, no posts: the replica shows them empty.
    const lists = [new PostList(api('top'), postRows, none), new PostList(api('latest'), postRows, none), new PostList(api('top'), () => [], none), new PostList(api('top'), () => [], none)];
    const pages = lists.map((l, i) => view({ style: i === 0 ? 'display:flex' : 'display:none' }, [l.el]));
    const tabs = ['Top', 'Latest', 'People', 'Feeds'].map((label, i) => {
      const tab = view({ role: 'tab', tabindex: '0', 'data-testid': `undefined-selector-${i}`, class: i === 0 ? 'selected' : '' }, [
        view({}, [text({}, [label, view({ class: 'indicator', style: 'display:inline-flex' })])]),
      ]);
      tab.addEventListener('click', () => {
        pages.forEach((p, j) => (p.style.display = j === i ? 'flex' : 'none'));
        tabs.forEach((t, j) => t.classList.toggle('selected', j === i));
        lists[i].start();
      });
      return tab;
    });
    screen.append(view({ 'data-testid': 'searchScreen' }, [
      view({ style: 'position:sticky; top:0; z-index:10' }, [view({ class: 'center search-head' }, [
        view({ class: 'row header' }, [text({ class: 'css-146c3p1 bold' }, ['Search'])]),
        view({ class: 'search-bar' }, [input]),
      ])]),
      view({ style: 'display:none' }),
      view({ style: 'display:flex' }, q ? [view({}, [
        view({ class: 'center tabbar', style: 'position:sticky; top:0; z-index:10' }, [view({ class: 'row', role: 'tablist' }, [
          view({ class: 'row', 'data-testid': 'undefined-selector' }, [view({ class: 'row' }, tabs)]),
        ])]),
        ...pages,
      ])] : [view({ class: 'center empty' }, [text({}, ['Find posts, users, and feeds on Bluesky'])])]),
    ]));
    if (q) lists[0].start();
  }

  /**
   * The /saved screen (Bookmarks/index.tsx): `bookmarksScreen`, a header "Saved Posts", and
   * a List of Post.tsx rows from app.bsky.bookmark.getBookmarks (a bookmark whose post is
   * gone shows "This post was deleted by its author" with a Remove button, no post box).
   * @param {HTMLElement} screen
   */
  function savedScreen(screen) {
    document.title = 'Saved Posts — Bluesky';
    const rowsOf = (/** @type {any} */ page) =>
      (page.bookmarks ?? []).map((/** @type {any} */ b) =>
        b.item?.$type === 'app.bsky.feed.defs#postView' && b.item.author
          ? postRow(b.item)
          : view({ class: 'list-row' }, [view({ class: 'row gone' }, [
              text({ class: 'css-146c3p1 muted' }, ['This post was deleted by its author']),
              h('button', { role: 'button', type: 'button', class: 'css-175oi2r', 'aria-label': 'Remove from saved posts' }, [text({}, ['Remove'])]),
            ])]),
      );
    const list = new PostList('/__replica/api/bookmarks', rowsOf, 'Nothing saved yet');
    const back = h('button', { role: 'button', type: 'button', class: 'css-175oi2r back', 'aria-label': 'Go back' }, [svg()]);
    back.addEventListener('click', () => history.back());
    screen.append(view({ 'data-testid': 'bookmarksScreen' }, [
      view({ class: 'center row header' }, [back, text({ class: 'css-146c3p1 bold' }, ['Saved Posts'])]),
      list.el,
    ]));
    list.start();
  }

  const app = {
    viewer: '',
    pagesLoaded: 0,
    refreshes: 0,
    /** @type {FeedPage[]} */
    pages: [],
    selected: 0,
    /** @type {HTMLElement | null} */
    home: null,
    /** @type {HTMLElement | null} */
    loadLatestBtn: null,

    /** @param {number} i */
    selectTab(i) {
      if (i === this.selected) {
        this.pages[i].refresh();
        return;
      }
      this.selected = i;
      this.pages.forEach((p, j) => {
        /** @type {HTMLElement} */ (p.el.parentElement).style.display = j === i ? 'flex' : 'none';
      });
      document.querySelectorAll('[role="tab"]').forEach((t, j) => t.classList.toggle('selected', j === i));
      this.pages[i].loadMore();
    },

    /** Client-side navigation, as react-navigation does it. @param {string} path */
    navigate(path) {
      history.pushState({}, '', path);
      this.route();
    },

    route() {
      const home = /** @type {HTMLElement} */ (this.home);
      const main = /** @type {HTMLElement} */ (home.parentElement);
      main.querySelectorAll('[data-replica-screen]:not([data-replica-screen="Home"])').forEach((s) => /** @type {HTMLElement} */ (s).remove());
      if (location.pathname === '/') {
        home.style.display = 'flex';
        document.title = 'Home — Bluesky';
        return;
      }
      home.style.display = 'none';
      const m = location.pathname.match(/^\/profile\/([^/]+)\/post\/([^/]+)$/);
      const profile = location.pathname.match(/^\/profile\/([^/]+)\/?$/);
      const search = location.pathname === '/search';
      const saved = location.pathname === '/saved';
      const screen = view({ 'data-replica-screen': m ? 'PostThread' : profile ? 'Profile' : search ? 'Search' : saved ? 'Bookmarks' : 'Other', style: 'display:flex' });
      main.append(screen);
      if (search) return searchScreen(screen, new URLSearchParams(location.search).get('q') ?? '');
      if (saved) return savedScreen(screen);
      if (profile) {
        // A profile's posts: the same rows as the timeline, in a postsFeed list.
        document.title = `@${decodeURIComponent(profile[1])} — Bluesky`;
        const feed = new FeedPage('postsFeed', `/__replica/api/author?actor=${profile[1]}`);
        screen.append(feed.el);
        feed.start();
        return;
      }
      if (!m) {
        screen.append(view({ class: 'center' }, [text({}, [`Screen ${location.pathname} (not part of the replica)`])]));
        document.title = 'Bluesky';
        return;
      }
      document.title = 'Post — Bluesky';
      fetch(`/__replica/api/thread?actor=${encodeURIComponent(m[1])}&rkey=${encodeURIComponent(m[2])}`)
        .then((r) => r.json())
        .then((thread) => {
          const list = view({ class: 'center' });
          const chain = [];
          for (let t = thread.thread; t?.post; t = t.parent) chain.unshift(t.post);
          const focusedPost = chain[chain.length - 1];
          const replies = (thread.thread?.replies ?? []).map((/** @type {any} */ r) => r?.post).filter(Boolean);
          for (const p of [...chain, ...replies]) {
            // As on bsky.app (ThreadItemAnchor / ThreadItemPost): parents and replies are
            // role=link boxes with a timestamp permalink; the focused post is not a link, has
            // no permalink, names its author by display name, shows a plain date and links
            // to who reposted, liked and quoted it. No thread post has a postText testid.
            const focused = p === focusedPost;
            const body = focused
              ? [focusedMeta(p), richText(p.record ?? {}, false), embedView(p.embed), view({}, [text({ class: 'css-146c3p1 muted' }, [longDate(p.indexedAt)])]), counts(p), controls(p)]
              : [postMeta(p), richText(p.record ?? {}, false), embedView(p.embed), controls(p)];
            list.append(view({}, [view({ 'data-testid': `postThreadItem-by-${p.author.handle}`, ...(focused ? {} : { role: 'link', tabindex: '0' }) }, [
              view({ class: 'row' }, [avatar(p.author), view({ class: 'content' }, body)]),
            ])]));
          }
          screen.append(list);
        });
    },

    async start() {
      const session = await (await fetch('/__replica/api/session')).json();
      this.viewer = session.did;
      const root = /** @type {HTMLElement} */ (document.getElementById('root'));
      const tabs = ['Following', 'Discover'].map((label, i) => {
        const tab = view({ role: 'tab', tabindex: '0', 'data-testid': `homeScreenFeedTabs-selector-${i}`, class: i === 0 ? 'selected' : '' }, [
          view({}, [text({ 'data-testid': `homeScreenFeedTabs-${label}` }, [label, view({ class: 'indicator', style: 'display:inline-flex' })])]),
        ]);
        tab.addEventListener('click', () => this.selectTab(i));
        tab.addEventListener('keydown', (e) => {
          if (e.key === 'Enter' || e.key === ' ') this.selectTab(i);
        });
        return tab;
      });
      this.pages = [new FeedPage('followingFeedPage', '/__replica/api/timeline', true), new FeedPage('customFeedPage', '/__replica/api/discover')];
      this.loadLatestBtn = h('button', { role: 'button', type: 'button', class: 'css-175oi2r load-latest', 'data-testid': 'loadLatestBtn', 'aria-label': 'Load new posts', hidden: '' }, [text({}, ['Load new posts'])]);
      this.loadLatestBtn.addEventListener('click', async () => {
        /** @type {HTMLElement} */ (this.loadLatestBtn).hidden = true;
        await this.pages[0].loadLatest();
      });
      this.home = view({ 'data-replica-screen': 'Home', style: 'display:flex' }, [
        view({ 'data-testid': 'HomeScreen' }, [
          view({ 'data-testid': 'homeScreen' }, [
            view(),
            view({ class: 'tabbar', style: 'position:sticky; top:0; z-index:10' }, [
              view({ class: 'row', role: 'tablist', 'data-testid': BROKEN ? undefined : 'homeScreenFeedTabs' }, [
                view({ class: 'row', 'data-testid': 'homeScreenFeedTabs-selector' }, [view({ class: 'row' }, tabs)]),
              ]),
            ]),
            this.loadLatestBtn,
            ...this.pages.map((p, i) => view({ style: i === 0 ? 'display:flex' : 'display:none' }, [p.el])),
          ]),
        ]),
      ]);
      root.append(view({}, [h('main', { role: 'main', class: 'css-175oi2r' }, [this.home])]));
      addEventListener('popstate', () => this.route());
      // Every pinned feed page is mounted from the start; hidden ones load their first page too.
      await Promise.all(this.pages.map((p) => p.start()));
      this.route();
      setInterval(() => this.poll(), POLL_MS);
      document.documentElement.dataset.replicaReady = 'true';
    },

    /** Shows "Load new posts" when the Following feed has newer posts. */
    async poll() {
      const fresh = await this.pages[0].checkForNew();
      if (fresh.length && this.loadLatestBtn) this.loadLatestBtn.hidden = false;
      return fresh.length;
    },
  };

  /** @type {any} */ (window).__replica = {
    poll: () => app.poll(),
    refresh: () => app.pages[app.selected].refresh(),
    selectTab: (/** @type {number} */ i) => app.selectTab(i),
    navigate: (/** @type {string} */ path) => app.navigate(path),
    loadMore: () => app.pages[app.selected].loadMore(),
    state: () => ({ pagesLoaded: app.pagesLoaded, refreshes: app.refreshes, selected: app.selected, done: app.pages.map((p) => p.done) }),
  };

  app.start().catch((err) => {
    document.documentElement.dataset.replicaError = String(err);
    throw err;
  });
})();
