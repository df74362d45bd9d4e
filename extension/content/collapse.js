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
   * @param {string} pageTheme from theme(), read once per apply
   */
  function buildBlock(plan, units, key, pageTheme) {
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
    block.setAttribute('data-skypanel-theme', pageTheme);
    block.className = own ? 'skypanel-block' : 'skypanel-block skypanel-noname';

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
   * Applies a plan to one rows container.
   * @param {Element} container
   * @param {any[]} units from page.units(container)
   * @param {{account: string, units: number[], posts: number, reposts: number}[]} blocks
   */
  function apply(container, units, blocks) {
    /** @type {Map<string, {plan: any, members: any[]}>} */
    const wanted = new Map();
    for (const plan of blocks) {
      const members = plan.units.map((/** @type {number} */ i) => units[i]).filter(Boolean);
      if (!members.length) continue;
      const firstHref = members[0].item.querySelector('a[href*="/post/"]')?.getAttribute('href') ?? '';
      // The same post can be on the page twice (a post and a repost of it): keep keys unique.
      let key = `${plan.account} ${firstHref}`;
      for (let n = 2; wanted.has(key); n++) key = `${plan.account} ${firstHref} #${n}`;
      wanted.set(key, { plan, members });
    }
    // Keep blocks that fold exactly the same rows; drop the others with their marks.
    /** @type {Map<string, Element>} */
    const kept = new Map();
    for (const old of Array.from(container.querySelectorAll(`:scope > [${GROUP}]`))) {
      const key = old.getAttribute('data-skypanel-key') ?? '';
      const next = wanted.get(key);
      const rows = rowsOf(old);
      const same = next && next.members.flatMap((/** @type {any} */ u) => u.rows).every((/** @type {Element} */ r, /** @type {number} */ i) => rows[i] === r) && rows.length === next.members.reduce((n, /** @type {any} */ u) => n + u.rows.length, 0);
      if (same && old.nextElementSibling === next.members[0].rows[0]) {
        kept.set(key, old);
        continue;
      }
      for (const row of rows) {
        row.removeAttribute(FOLDED);
        row.removeAttribute(EXPANDED);
      }
      old.remove();
    }
    const pageTheme = theme();
    for (const [key, { plan, members }] of wanted) {
      if (kept.has(key)) continue;
      const block = buildBlock(plan, members, key, pageTheme);
      const rows = members.flatMap((/** @type {any} */ u) => u.rows);
      blockRows.set(block, rows);
      for (const row of rows) row.setAttribute(FOLDED, '');
      container.insertBefore(block, members[0].rows[0]);
      if (opened.has(key)) setOpen(block, true);
    }
    for (const row of container.querySelectorAll(`:scope > [${PENDING}]`)) row.removeAttribute(PENDING);
  }

  /**
   * Fills in the name and avatar of blocks whose account only reposted (the page shows no
   * post of theirs to read them from).
   * @param {{handle: string, displayName: string, avatar: string}[]} profiles
   */
  function nameBlocks(profiles) {
    for (const p of profiles) {
      for (const block of document.querySelectorAll('.skypanel-noname')) {
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

  /** Handles of blocks still waiting for a name. */
  const unnamed = () => [...new Set(Array.from(document.querySelectorAll('.skypanel-noname')).map((b) => b.getAttribute(GROUP) ?? ''))].filter(Boolean);

  /** Removes everything SkyPanel added to the page's feeds. */
  function clear() {
    for (const block of Array.from(document.querySelectorAll(`[${GROUP}]`))) block.remove();
    for (const row of document.querySelectorAll(`[${FOLDED}], [${EXPANDED}], [${PENDING}]`)) {
      row.removeAttribute(FOLDED);
      row.removeAttribute(EXPANDED);
      row.removeAttribute(PENDING);
    }
  }

  /** Counts for the popup. */
  function stats() {
    return {
      blocks: document.querySelectorAll(`[${GROUP}]`).length,
      folded: document.querySelectorAll(`[${FOLDED}]`).length,
    };
  }

  ns.collapse = { apply, clear, stats, nameBlocks, unnamed, PENDING, FOLDED };
})();
