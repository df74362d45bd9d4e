// @ts-check
/**
 * SkyPanel's content script on bsky.app: watches the timeline, asks the background (where
 * the Rust core runs) how to fold it, and applies the answer (content/collapse.js). Small,
 * defensive and cheap: work is batched, nothing is done for hidden pages, it never throws
 * into the page, and it never moves or removes nodes that bsky.app's React owns.
 *
 * Page hooks (a public test contract, see README "Test contract"):
 *   html[data-skypanel] = "on" | "off" | "unrecognised"
 *   html[data-skypanel-core] = the core's version, once a round trip to the core succeeded
 *   button[data-skypanel-control] — the on/off control next to the feed tabs
 */
(() => {
  'use strict';
  const SkyPanel = /** @type {any} */ (globalThis).SkyPanel;
  const ns = /** @type {any} */ (globalThis).SkyPanelContent;
  if (!SkyPanel || !ns?.page || !ns?.collapse || ns.started) return;
  ns.started = true;
  const { page, collapse } = ns;

  /** @typedef {{enabled: boolean, mode: 'runs' | 'bundle', threshold: number, everywhere: boolean}} Settings */
  /** @type {Settings} */
  const DEFAULTS = SkyPanel.COLLAPSED_DEFAULTS;
  /** @type {Settings} */
  let settings = { ...DEFAULTS };
  let state = '';
  let lastStatus = '';
  /**
   * Main-thread time spent per update (reading rows + applying a plan; not the wait for the
   * worker), and how long the last switch-on took to finish. Read by `make bench` through
   * the content script's world; never exposed to the page.
   */
  const metrics = (ns.metrics = { updates: /** @type {number[]} */ ([]), enableMs: 0, enabledAt: 0, totalMs: 0 });
  const record = (/** @type {number} */ ms) => {
    metrics.totalMs += ms;
    metrics.updates.push(ms);
    if (metrics.updates.length > 500) metrics.updates.splice(0, 250);
  };

  /** What each rows container was last planned from: unit owners and their first rows. */
  let planned = new WeakMap();

  const root = document.documentElement;

  function setState(/** @type {string} */ next) {
    if (state === next) return;
    state = next;
    root.setAttribute('data-skypanel', next);
  }

  function report() {
    const status = JSON.stringify({ state, ...collapse.stats() });
    if (status === lastStatus) return;
    lastStatus = status;
    SkyPanel.send('collapse.status', JSON.parse(status)).catch(() => {});
  }

  /** The on/off control beside the feed tabs (ours; bsky.app's tab bar is left as is). */
  function control() {
    const tabs = document.querySelector('[data-testid="homeScreenFeedTabs"]');
    let button = document.querySelector('[data-skypanel-control]');
    if (!tabs || state === 'unrecognised') {
      button?.remove();
      return;
    }
    if (!button || button.previousElementSibling !== tabs) {
      button?.remove();
      button = document.createElement('button');
      button.type = 'button';
      button.className = 'skypanel-control';
      button.setAttribute('data-skypanel-control', '');
      button.title = 'SkyPanel: fold floods of posts from one account (Alt+Shift+C)';
      button.addEventListener('click', (event) => {
        event.stopPropagation();
        chrome.storage.local.set({ collapsed: { ...settings, enabled: !settings.enabled } });
      });
      tabs.after(button);
    }
    button.setAttribute('aria-pressed', String(settings.enabled));
    button.textContent = settings.enabled ? 'Collapsed view: on' : 'Collapsed view: off';
  }

  /** Whether a container's units are the same ones it was last planned from. */
  function unchanged(/** @type {Element} */ container, /** @type {any[]} */ units, /** @type {string} */ options) {
    const before = planned.get(container);
    if (!before || before.options !== options || before.units.length !== units.length) return false;
    return units.every((u, i) => before.units[i].owner === u.owner && before.units[i].first === u.rows[0] && before.units[i].size === u.rows.length);
  }

  async function update() {
    scheduled = 0;
    try {
      // The page's rows as they are, for the core's answer: while folding is off, and once
      // at start (the folded page would report only what is left visible).
      if (!settings.enabled || !root.hasAttribute('data-skypanel-core')) await hello();
      if (!settings.enabled) {
        collapse.clear();
        planned = new WeakMap();
        setState('off');
        control();
        report();
        return;
      }
      const layout = page.layout();
      if (layout === 'unrecognised') {
        collapse.clear();
        planned = new WeakMap();
        setState('unrecognised');
        control();
        report();
        return;
      }
      setState('on');
      control();
      const options = { mode: settings.mode, threshold: settings.threshold };
      const key = JSON.stringify(options);
      for (const feed of page.feeds(settings.everywhere)) {
        const readStart = performance.now();
        const container = page.rowsContainer(feed);
        if (!container) continue;
        const units = page.units(container);
        if (unchanged(container, units, key)) continue;
        const readMs = performance.now() - readStart;
        const blocks = await SkyPanel.send('collapse.plan', { units: units.map((/** @type {any} */ u) => ({ owner: u.owner, repost: u.repost })), options });
        if (!settings.enabled) return;
        if (units.some((/** @type {any} */ u) => !u.rows[0].isConnected)) {
          schedule(); // the page changed while the core was thinking: plan again
          continue;
        }
        const applyStart = performance.now();
        collapse.apply(container, units, blocks);
        planned.set(container, { options: key, units: units.map((/** @type {any} */ u) => ({ owner: u.owner, first: u.rows[0], size: u.rows.length })) });
        record(readMs + performance.now() - applyStart);
      }
      const unnamed = collapse.unnamed();
      if (unnamed.length) {
        // Names for blocks of reposts, in the background: the blocks are already in place.
        SkyPanel.send('profiles.basic', { actors: unnamed }).then(collapse.nameBlocks, () => {});
      }
      if (metrics.enabledAt) {
        metrics.enableMs = performance.now() - metrics.enabledAt;
        metrics.enabledAt = 0;
      }
      report();
    } catch (err) {
      // The worker may be restarting or the extension reloading: never leave rows hidden.
      for (const row of document.querySelectorAll(`[${collapse.PENDING}]`)) row.removeAttribute(collapse.PENDING);
      console.debug('SkyPanel: collapsed view update failed; will retry on the next change', err);
    }
  }

  let helloSignature = '';
  /** Tells the core which rows the page shows (its answer marks the page with the version). */
  async function hello() {
    const rows = Array.from(document.querySelectorAll(page.ITEM)).filter(page.visible);
    const list = rows.map((item) => ({ owner: page.ownerOf(item) }));
    const signature = list.map((r) => r.owner).join('\n');
    if (signature === helloSignature) return;
    helloSignature = signature;
    const answer = await SkyPanel.send('core.hello', { rows: list });
    if (answer && typeof answer.coreVersion === 'string') root.setAttribute('data-skypanel-core', answer.coreVersion);
  }

  let scheduled = 0;
  function schedule() {
    if (!scheduled) scheduled = window.setTimeout(update, 0);
  }

  /**
   * New rows that land inside the viewport of a feed being folded are hidden until the plan
   * for them is applied, so a row that will be folded is never painted first. (Rows added
   * below the viewport, the usual case with infinite scroll, are not touched.)
   * @param {MutationRecord[]} records
   */
  function onMutations(records) {
    const started = performance.now();
    if (settings.enabled && state === 'on') {
      const feedSelector = page.feedSelector(settings.everywhere);
      for (const record of records) {
        for (const node of record.addedNodes) {
          if (!(node instanceof HTMLElement) || node.hasAttribute('data-skypanel-group') || !node.querySelector(page.ITEM)) continue;
          if (!node.closest(feedSelector)) continue;
          const rect = node.getBoundingClientRect();
          if (rect.bottom > 0 && rect.top < innerHeight) node.setAttribute(collapse.PENDING, '');
        }
      }
    }
    schedule();
    metrics.totalMs += performance.now() - started;
  }

  try {
    new MutationObserver(onMutations).observe(root, { childList: true, subtree: true, attributes: true, attributeFilter: ['style'] });
    chrome.storage.onChanged.addListener((changes, area) => {
      if (area !== 'local' || !changes.collapsed) return;
      const wasEnabled = settings.enabled;
      settings = { ...DEFAULTS, ...(changes.collapsed.newValue ?? {}) };
      if (settings.enabled && !wasEnabled) metrics.enabledAt = performance.now();
      schedule();
    });
    chrome.storage.local.get('collapsed').then((stored) => {
      settings = { ...DEFAULTS, ...(stored.collapsed ?? {}) };
      schedule();
    }, schedule);
  } catch (err) {
    console.debug('SkyPanel: content script could not start', err);
  }
})();
