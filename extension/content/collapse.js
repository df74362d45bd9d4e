// @ts-check
/**
 * Applying the core's collapsed-view plan to the page. React owns the rows: they are never
 * moved or removed, only marked with attributes (hidden by extension/content/bsky.css), and
 * SkyPanel's blocks are its own nodes inserted as siblings before the first row they fold.
 * Chrome's scroll anchoring keeps the post at the top of the viewport in place as rows above
 * it fold and unfold (measuring that here forced two full layouts per update).
 *
 * Test contract (public; see README):
 *   [data-skypanel-group=<handle>][data-skypanel-count=<rows folded>] — a block, whose
 *     toggle button carries aria-expanded;
 *   [data-skypanel-folded] — every row folded into a block (not rendered while collapsed).
 */
(() => {
  'use strict';
  const ns = /** @type {any} */ (globalThis).SkyPanelContent ??= {};
  if (ns.collapse) return;
  const page = ns.page;

  const FOLDED = 'data-skypanel-folded';
  const EXPANDED = 'data-skypanel-expanded';
  const PENDING = 'data-skypanel-pending';
  const GROUP = 'data-skypanel-group';

  /** Blocks the user opened, by key, so a re-plan keeps them open. */
  const opened = new Set();

  /** @param {number} n @param {string} one @param {string} many */
  const count = (n, one, many) => `${n} ${n === 1 ? one : many}`;

  let themeKey = '';
  let themeSeen = 'light';
  /** Blocks on the page take a new theme when bsky.app switches (see followTheme). */
  function retheme() {
    if (!live.size) return;
    themeKey = '';
    const now = theme();
    for (const block of live) if (block.getAttribute('data-skypanel-theme') !== now) block.setAttribute('data-skypanel-theme', now);
  }
  // A theme that follows the system's may change with no class or style of the page changing.
  window.matchMedia?.('(prefers-color-scheme: dark)').addEventListener?.('change', () => setTimeout(retheme, 0));
  /** @type {MutationObserver | null} */
  let themeWatcher = null;
  /**
   * bsky.app switches themes by the class of the html element (`theme--light|dim|dark`, with
   * the body's background): watched on those two elements alone, only while blocks exist —
   * a switch is rare and cheap to follow, and rows are never looked at for it.
   */
  function followTheme() {
    if (themeWatcher) return;
    themeWatcher = new MutationObserver(retheme);
    themeWatcher.observe(document.documentElement, { attributes: true, attributeFilter: ['class', 'style'] });
    if (document.body) themeWatcher.observe(document.body, { attributes: true, attributeFilter: ['class', 'style'] });
  }

  /**
   * The page's theme from its background: 'light', 'dim' or 'dark'. The computed background
   * is read again only when the classes or inline styles of html and body changed (bsky.app
   * switches themes there): reading it forces a style update of every row just added.
   */
  function theme() {
    const html = document.documentElement;
    const body = document.body;
    const key = `${html.className}|${html.getAttribute('style')}|${body.className}|${body.getAttribute('style')}`;
    if (key === themeKey) return themeSeen;
    const bg = getComputedStyle(body).backgroundColor;
    const [r, g, b] = (bg.match(/\d+(\.\d+)?/g) ?? ['255', '255', '255']).map(Number);
    const luminance = 0.2126 * r + 0.7152 * g + 0.0722 * b;
    themeKey = key;
    themeSeen = luminance > 128 || bg === 'rgba(0, 0, 0, 0)' ? 'light' : luminance < 8 ? 'dark' : 'dim';
    return themeSeen;
  }

  /** @type {HTMLElement | null} */
  let skeletonBlock = null;
  /** The empty block every block is copied from. */
  function skeleton() {
    if (skeletonBlock) return skeletonBlock;
    /** @param {string} tag @param {string} [className] */
    const el = (tag, className) => {
      const e = document.createElement(tag);
      if (className) e.className = className;
      return e;
    };
    const block = el('div', 'skypanel-block');
    const button = el('button', 'skypanel-toggle');
    button.setAttribute('type', 'button');
    button.setAttribute('aria-expanded', 'false');
    const body = el('span', 'skypanel-body');
    const head = el('span', 'skypanel-head');
    head.append(el('strong'), el('span', 'skypanel-muted'));
    body.append(head, el('span', 'skypanel-meta'), el('span', 'skypanel-preview'));
    const chevron = el('span', 'skypanel-chevron');
    chevron.setAttribute('aria-hidden', 'true');
    chevron.textContent = '▾';
    button.append(el('span', 'skypanel-avatar'), body, chevron);
    block.append(button);
    return (skeletonBlock = block);
  }

  /**
   * Builds a block element. Everything from the page is set as text or as an https image
   * URL attribute: no HTML from posts, names or handles is ever parsed.
   * @param {{account: string, posts: number, reposts: number}} plan
   * @param {any[]} units the page units folded into it, newest first
   * @param {string} key
   * @param {string} pageTheme from theme(), read once per apply
   */
  function buildBlock(plan, units, key, pageTheme) {
    const rows = units.flatMap((u) => u.rows);
    const own = units.find((u) => !u.repost) ?? null;
    const name = own ? page.text.name(own.item) : '';
    const avatar = own ? page.text.avatar(own.item) : '';
    // Only the newest and the oldest times are shown.
    const times = units.length > 1 ? [page.text.time(units[0].item), page.text.time(units[units.length - 1].item)] : units.map((u) => page.text.time(u.item));
    const what = [plan.posts ? count(plan.posts, 'post', 'posts') : '', plan.reposts ? count(plan.reposts, 'repost', 'reposts') : '']
      .filter(Boolean)
      .join(', ');

    // A copy of the block's skeleton, filled in: cheaper than creating its ten nodes one by one.
    const block = /** @type {HTMLElement} */ (skeleton().cloneNode(true));
    const button = /** @type {HTMLElement} */ (block.firstChild);
    const avi = /** @type {HTMLElement} */ (button.firstChild);
    const body = /** @type {HTMLElement} */ (avi.nextSibling);
    const head = /** @type {HTMLElement} */ (body.firstChild);
    const meta = /** @type {HTMLElement} */ (head.nextSibling);
    const preview = /** @type {HTMLElement} */ (body.lastChild);
    block.setAttribute(GROUP, plan.account);
    block.setAttribute('data-skypanel-count', String(rows.length));
    block.setAttribute('data-skypanel-key', key);
    block.setAttribute('data-skypanel-theme', pageTheme);
    if (!own) block.classList.add('skypanel-noname');
    button.setAttribute('aria-label', `${what} from ${name || '@' + plan.account}: show them`);

    if (avatar) {
      const img = document.createElement('img');
      img.alt = '';
      img.src = avatar;
      img.loading = 'lazy';
      avi.append(img);
    } else {
      avi.textContent = (name || plan.account).slice(0, 1).toUpperCase();
    }
    /** @type {HTMLElement} */ (head.firstChild).textContent = name || plan.account;
    /** @type {HTMLElement} */ (head.lastChild).textContent = ` @${plan.account}`;

    const newest = times[0]?.short ?? '';
    const oldest = times[times.length - 1]?.short ?? '';
    meta.textContent = `${what}${newest ? ` · ${newest === oldest ? newest : `${newest} – ${oldest}`}` : ''}`;
    if (times[0]?.label) meta.title = `${times[times.length - 1].label} – ${times[0].label}`;

    preview.textContent = units
      .slice(0, 3)
      .map((u) => page.text.post(u.item))
      .filter(Boolean)
      .join(' · ');

    labels.set(block, `${what} from ${name || '@' + plan.account}`);
    button.addEventListener('click', (event) => {
      // Our own control: keep the click from reaching bsky.app's row handlers.
      event.stopPropagation();
      setOpen(block, button.getAttribute('aria-expanded') !== 'true');
    });
    return block;
  }

  /** What a block's toggle says, for its label. @type {WeakMap<Element, string>} */
  const labels = new WeakMap();

  /** @param {Element} block @param {boolean} open */
  function setOpen(block, open) {
    const key = block.getAttribute('data-skypanel-key') ?? '';
    const button = block.querySelector('.skypanel-toggle');
    button?.setAttribute('aria-expanded', String(open));
    button?.setAttribute('aria-label', `${labels.get(block) ?? ''}: ${open ? 'hide them' : 'show them'}`);
    block.classList.toggle('skypanel-open', open);
    if (open) opened.add(key);
    else opened.delete(key);
    for (const row of rowsOf(block)) row.toggleAttribute(EXPANDED, open);
  }

  /** @type {WeakMap<Element, HTMLElement[]>} */
  const blockRows = new WeakMap();
  /** @param {Element} block */
  const rowsOf = (block) => blockRows.get(block) ?? [];

  /**
   * Every block SkyPanel has placed, and each rows container's blocks: kept here so that
   * updates, status and "off" never search the whole page (a 1,000-row page has ~60,000
   * elements).
   * @type {Set<Element>}
   */
  const live = new Set();
  /** @type {WeakMap<Element, Element[]>} */
  const containerBlocks = new WeakMap();

  /** Takes a block and its marks off the page. @param {Element} block */
  function drop(block) {
    for (const row of rowsOf(block)) {
      row.removeAttribute(FOLDED);
      row.removeAttribute(EXPANDED);
    }
    block.remove();
    live.delete(block);
  }

  /**
   * Applies a plan to one rows container.
   * @param {Element} container
   * @param {any[]} units from page.units(container)
   * @param {{account: string, units: number[], posts: number, reposts: number}[]} blocks
   * @param {number} [settled] the units before this index are unchanged since the last apply
   *   to this container, and so are the blocks that end before it: those are left as they are
   */
  function apply(container, units, blocks, settled = 0) {
    const previous = containerBlocks.get(container) ?? [];
    // The blocks already placed for the settled units, in page order.
    let skip = 0;
    while (
      settled > 0 && skip < blocks.length && skip < previous.length &&
      blocks[skip].units[blocks[skip].units.length - 1] < settled &&
      previous[skip].parentElement === container &&
      previous[skip].getAttribute(GROUP) === blocks[skip].account
    ) skip++;
    /** @type {Map<string, {plan: any, members: any[]} | null>} null: a settled block, kept as is */
    const wanted = new Map();
    for (const block of previous.slice(0, skip)) wanted.set(block.getAttribute('data-skypanel-key') ?? '', null);
    for (const plan of blocks.slice(skip)) {
      const members = plan.units.map((/** @type {number} */ i) => units[i]).filter(Boolean);
      if (!members.length) continue;
      const firstHref = page.text.href(members[0].item);
      // The same post can be on the page twice (a post and a repost of it): keep keys unique.
      let key = `${plan.account} ${firstHref}`;
      for (let n = 2; wanted.has(key); n++) key = `${plan.account} ${firstHref} #${n}`;
      wanted.set(key, { plan, members });
    }
    // Keep blocks that fold exactly the same rows; replace the others.
    /** @type {Map<string, Element>} */
    const kept = new Map();
    /** @type {Element[]} */
    const dropped = [];
    for (const old of previous.slice(skip)) {
      if (old.parentElement !== container) {
        if (!old.isConnected) drop(old);
        continue;
      }
      const key = old.getAttribute('data-skypanel-key') ?? '';
      const next = wanted.get(key);
      const rows = rowsOf(old);
      let same = Boolean(next) && old.nextElementSibling === next?.members[0].rows[0];
      if (same && next) {
        let i = 0;
        for (const unit of next.members) for (const row of unit.rows) same &&= rows[i++] === row;
        same &&= i === rows.length;
      }
      if (same) kept.set(key, old);
      else dropped.push(old);
    }
    // The theme is read before anything is written: when it must be computed, that forces a
    // style update, which is cheap only while nothing of ours has changed since the page's own.
    const pageTheme = wanted.size - skip > kept.size ? theme() : '';
    /** @type {Set<Element>} rows folded by the new blocks */
    const folding = new Set();
    for (const [key, next] of wanted) if (next && !kept.has(key)) for (const unit of next.members) for (const row of unit.rows) folding.add(row);
    // A row that stays folded keeps its mark: unfolding and folding it again would make the
    // browser style it twice for nothing.
    for (const old of dropped) {
      for (const row of rowsOf(old)) {
        if (folding.has(row)) continue;
        row.removeAttribute(FOLDED);
        row.removeAttribute(EXPANDED);
      }
      old.remove();
      live.delete(old);
    }
    /** @type {Element[]} */
    const placed = previous.slice(0, skip);
    for (const [key, next] of wanted) {
      if (!next) continue;
      const { plan, members } = next;
      const old = kept.get(key);
      if (old) {
        placed.push(old);
        continue;
      }
      const block = buildBlock(plan, members, key, pageTheme);
      const rows = members.flatMap((/** @type {any} */ u) => u.rows);
      blockRows.set(block, rows);
      const open = opened.has(key);
      for (const row of rows) {
        if (!row.hasAttribute(FOLDED)) row.setAttribute(FOLDED, '');
        if (row.hasAttribute(EXPANDED) !== open) row.toggleAttribute(EXPANDED, open);
      }
      container.insertBefore(block, members[0].rows[0]);
      live.add(block);
      followTheme();
      placed.push(block);
      if (open) setOpen(block, true);
    }
    containerBlocks.set(container, placed);
  }

  /**
   * Fills in the name and avatar of blocks whose account only reposted (the page shows no
   * post of theirs to read them from).
   * @param {{handle: string, displayName: string, avatar: string}[]} profiles
   */
  function nameBlocks(profiles) {
    for (const p of profiles) {
      for (const block of blocksOnPage()) {
        if (!block.classList.contains('skypanel-noname')) continue;
        if (block.getAttribute(GROUP) !== p.handle) continue;
        block.classList.remove('skypanel-noname');
        const name = block.querySelector('.skypanel-head strong');
        if (name && p.displayName) name.textContent = p.displayName;
        const avi = block.querySelector('.skypanel-avatar');
        if (avi && /^https:\/\//.test(p.avatar)) {
          const img = document.createElement('img');
          img.alt = '';
          img.src = p.avatar;
          img.loading = 'lazy';
          avi.replaceChildren(img);
        }
        const label = labels.get(block);
        if (label && p.displayName) labels.set(block, label.replace(/ from @\S+$/, ` from ${p.displayName}`));
      }
    }
  }

  /** The blocks on the page (the page may have removed some with their container). */
  function blocksOnPage() {
    for (const block of live) if (!block.isConnected) drop(block);
    return live;
  }

  /** Handles of blocks still waiting for a name. */
  const unnamed = () => [...new Set(Array.from(blocksOnPage()).filter((b) => b.classList.contains('skypanel-noname')).map((b) => b.getAttribute(GROUP) ?? ''))].filter(Boolean);

  /**
   * Removes everything SkyPanel added to the page's feeds: its own records first, then one
   * search of the page for anything they missed (this runs once per switch-off, not per update).
   */
  function clear() {
    for (const block of live) drop(block);
    for (const block of Array.from(document.querySelectorAll(`[${GROUP}]`))) block.remove();
    for (const row of document.querySelectorAll(`[${FOLDED}], [${EXPANDED}], [${PENDING}]`)) {
      row.removeAttribute(FOLDED);
      row.removeAttribute(EXPANDED);
      row.removeAttribute(PENDING);
    }
  }

  /** Counts for the popup: blocks on the page and the rows they fold. */
  function stats() {
    let blocks = 0;
    let folded = 0;
    for (const block of blocksOnPage()) {
      blocks++;
      const rows = rowsOf(block);
      // Rows leave with their neighbours (a refresh, a removed container): a block whose first
      // and last rows are still there is counted whole, without asking every row.
      if (rows[0]?.isConnected && rows[rows.length - 1]?.isConnected) folded += rows.length;
      else for (const row of rows) if (row.isConnected) folded++;
    }
    return { blocks, folded };
  }

  ns.collapse = { apply, clear, stats, nameBlocks, unnamed, PENDING, FOLDED, GROUP };
})();
