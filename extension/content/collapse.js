// @ts-check
/**
 * Applying the core's collapsed-view plan to the page. React owns the rows: they are never
 * moved or removed, only marked with attributes (hidden by extension/content/bsky.css), and
 * SkyPanel's blocks are its own nodes inserted as siblings before the first row they fold.
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

  /** The page's theme from its background: 'light', 'dim' or 'dark'. */
  function theme() {
    const bg = getComputedStyle(document.body).backgroundColor;
    const [r, g, b] = (bg.match(/\d+(\.\d+)?/g) ?? ['255', '255', '255']).map(Number);
    const luminance = 0.2126 * r + 0.7152 * g + 0.0722 * b;
    if (luminance > 128 || bg === 'rgba(0, 0, 0, 0)') return 'light';
    return luminance < 8 ? 'dark' : 'dim';
  }

  /**
   * Builds a block element. Everything from the page is set as text or as an https image
   * URL attribute: no HTML from posts, names or handles is ever parsed.
   * @param {{account: string, posts: number, reposts: number}} plan
   * @param {any[]} units the page units folded into it, newest first
   * @param {string} key
   */
  function buildBlock(plan, units, key) {
    const rows = units.flatMap((u) => u.rows);
    const own = units.find((u) => !u.repost) ?? null;
    const name = own ? page.text.name(own.item) : '';
    const avatar = own ? page.text.avatar(own.item) : '';
    const times = units.map((u) => page.text.time(u.item));
    const what = [plan.posts ? count(plan.posts, 'post', 'posts') : '', plan.reposts ? count(plan.reposts, 'repost', 'reposts') : '']
      .filter(Boolean)
      .join(', ');

    const block = document.createElement('div');
    block.setAttribute(GROUP, plan.account);
    block.setAttribute('data-skypanel-count', String(rows.length));
    block.setAttribute('data-skypanel-key', key);
    block.setAttribute('data-skypanel-theme', theme());
    block.className = 'skypanel-block';

    const button = document.createElement('button');
    button.type = 'button';
    button.className = 'skypanel-toggle';
    button.setAttribute('aria-expanded', 'false');
    button.setAttribute('aria-label', `${what} from ${name || '@' + plan.account}: show them`);

    const avi = document.createElement('span');
    avi.className = 'skypanel-avatar';
    if (avatar) {
      const img = document.createElement('img');
      img.alt = '';
      img.src = avatar;
      img.loading = 'lazy';
      avi.append(img);
    } else {
      avi.textContent = (name || plan.account).slice(0, 1).toUpperCase();
    }

    const body = document.createElement('span');
    body.className = 'skypanel-body';
    const head = document.createElement('span');
    head.className = 'skypanel-head';
    const nameEl = document.createElement('strong');
    nameEl.textContent = name || plan.account;
    const handleEl = document.createElement('span');
    handleEl.className = 'skypanel-muted';
    handleEl.textContent = ` @${plan.account}`;
    head.append(nameEl, handleEl);

    const meta = document.createElement('span');
    meta.className = 'skypanel-meta';
    const newest = times[0]?.short ?? '';
    const oldest = times[times.length - 1]?.short ?? '';
    meta.textContent = `${what}${newest ? ` · ${newest === oldest ? newest : `${newest} – ${oldest}`}` : ''}`;
    if (times[0]?.label) meta.title = `${times[times.length - 1].label} – ${times[0].label}`;

    const preview = document.createElement('span');
    preview.className = 'skypanel-preview';
    preview.textContent = units
      .slice(0, 3)
      .map((u) => page.text.post(u.item))
      .filter(Boolean)
      .join(' · ');

    const chevron = document.createElement('span');
    chevron.className = 'skypanel-chevron';
    chevron.setAttribute('aria-hidden', 'true');
    chevron.textContent = '▾';

    body.append(head, meta, preview);
    button.append(avi, body, chevron);
    block.append(button);
    button.addEventListener('click', (event) => {
      // Our own control: keep the click from reaching bsky.app's row handlers.
      event.stopPropagation();
      setOpen(block, button.getAttribute('aria-expanded') !== 'true', what, name || '@' + plan.account);
    });
    return block;
  }

  /** @param {Element} block @param {boolean} open @param {string} what @param {string} who */
  function setOpen(block, open, what, who) {
    const key = block.getAttribute('data-skypanel-key') ?? '';
    const button = block.querySelector('.skypanel-toggle');
    button?.setAttribute('aria-expanded', String(open));
    button?.setAttribute('aria-label', `${what} from ${who}: ${open ? 'hide them' : 'show them'}`);
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
   * Keeps the first row (or block) visible at the top of the viewport where it was while
   * `change` runs, so folding and unfolding above it does not make the page jump.
   * @param {() => void} change
   */
  function keepingScroll(change) {
    const candidates = document.querySelectorAll(`${page.ITEM}, [${GROUP}]`);
    /** @type {Element | null} */
    let anchor = null;
    let top = 0;
    for (const el of candidates) {
      if (!page.visible(el)) continue;
      const rect = el.getBoundingClientRect();
      if (rect.bottom > 0) {
        anchor = el;
        top = rect.top;
        break;
      }
    }
    change();
    if (anchor && anchor.isConnected && page.visible(anchor)) {
      const delta = anchor.getBoundingClientRect().top - top;
      if (Math.abs(delta) >= 1) window.scrollBy(0, delta);
    }
  }

  /**
   * Applies a plan to one rows container.
   * @param {Element} container
   * @param {any[]} units from page.units(container)
   * @param {{account: string, units: number[], posts: number, reposts: number}[]} blocks
   */
  function apply(container, units, blocks) {
    keepingScroll(() => {
      const wanted = new Map();
      for (const plan of blocks) {
        const members = plan.units.map((i) => units[i]).filter(Boolean);
        if (!members.length) continue;
        const firstHref = members[0].item.querySelector('a[href*="/post/"]')?.getAttribute('href') ?? '';
        wanted.set(`${plan.account} ${firstHref}`, { plan, members });
      }
      // Drop blocks that are gone or changed; keep nothing stale.
      for (const old of Array.from(container.querySelectorAll(`:scope > [${GROUP}]`))) {
        for (const row of rowsOf(old)) {
          row.removeAttribute(FOLDED);
          row.removeAttribute(EXPANDED);
        }
        old.remove();
      }
      for (const row of container.querySelectorAll(`:scope > [${FOLDED}], :scope > [${EXPANDED}]`)) {
        row.removeAttribute(FOLDED);
        row.removeAttribute(EXPANDED);
      }
      for (const [key, { plan, members }] of wanted) {
        const block = buildBlock(plan, members, key);
        const rows = members.flatMap((/** @type {any} */ u) => u.rows);
        blockRows.set(block, rows);
        for (const row of rows) row.setAttribute(FOLDED, '');
        container.insertBefore(block, members[0].rows[0]);
        if (opened.has(key)) {
          setOpen(block, true, block.querySelector('.skypanel-meta')?.textContent?.split(' · ')[0] ?? '', plan.account);
        }
      }
      for (const row of container.querySelectorAll(`:scope > [${PENDING}]`)) row.removeAttribute(PENDING);
    });
  }

  /** Removes everything SkyPanel added to the page's feeds. */
  function clear() {
    keepingScroll(() => {
      for (const block of Array.from(document.querySelectorAll(`[${GROUP}]`))) block.remove();
      for (const row of document.querySelectorAll(`[${FOLDED}], [${EXPANDED}], [${PENDING}]`)) {
        row.removeAttribute(FOLDED);
        row.removeAttribute(EXPANDED);
        row.removeAttribute(PENDING);
      }
    });
  }

  /** Counts for the popup. */
  function stats() {
    return {
      blocks: document.querySelectorAll(`[${GROUP}]`).length,
      folded: document.querySelectorAll(`[${FOLDED}]`).length,
    };
  }

  ns.collapse = { apply, clear, stats, PENDING, FOLDED };
})();
