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
   * The content script's main-thread time: every observer callback and every synchronous
   * stretch of every update (reading rows, asking the worker, applying its plan, reporting
   * status; only the wait for the worker is left out), in total and per update, and how long
   * the last switch-on took to finish. Read by `make bench` through the content script's
   * world; never exposed to the page.
   */
  const metrics = (ns.metrics = { updates: /** @type {number[]} */ ([]), enableMs: 0, enabledAt: 0, totalMs: 0 });
  const record = (/** @type {number} */ ms) => {
    metrics.updates.push(ms);
    if (metrics.updates.length > 500) metrics.updates.splice(0, 250);
  };

  /**
   * What each rows container was last planned from: the options, its units and the plan.
   * @type {WeakMap<Element, {options: string, units: any[], blocks: any[]}>}
   */
  let planned = new WeakMap();

  /**
   * What the observer saw since the last update. `full`: something changed outside the rows
   * containers being folded (a feed shown or hidden, a screen changed, settings), so the page
   * is checked from scratch. Otherwise `dirty` says, per container, whether rows were only
   * added (`added`: read from the last known unit on) or anything else happened (`all`).
   */
  let full = true;
  /** @type {Map<Element, {all: boolean, added: Node[]}>} */
  let dirty = new Map();
  /** The rows containers folded, from the last full check. @type {Element[]} */
  let containers = [];
  /** Whether anything may be on the page to clear (blocks or marks). */
  let applied = false;

  /**
   * Rows hidden until the plan that covers them is applied (see onMutations), with the
   * observer callback that hid them.
   * @type {Map<Element, number>}
   */
  const pending = new Map();
  let batch = 0;

  const root = document.documentElement;

  function setState(/** @type {string} */ next) {
    if (state === next) return;
    state = next;
    root.setAttribute('data-skypanel', next);
  }

  let reportedState = '';
  let reportTimer = 0;
  /**
   * Tells the popup (through the worker) what this tab shows. A change of state goes at
   * once; new counts while scrolling go at most once a second, not once per page.
   */
  function report() {
    if (state !== reportedState) sendStatus();
    else if (!reportTimer) {
      reportTimer = window.setTimeout(() => {
        const started = performance.now();
        try {
          sendStatus();
        } catch (err) {
          console.debug('SkyPanel: status report failed', err);
        }
        metrics.totalMs += performance.now() - started;
      }, 1000);
    }
  }
  function sendStatus() {
    window.clearTimeout(reportTimer);
    reportTimer = 0;
    reportedState = state;
    const status = JSON.stringify({ state, ...collapse.stats() });
    if (status === lastStatus) return;
    lastStatus = status;
    SkyPanel.send('collapse.status', JSON.parse(status)).catch(() => {});
  }

  /** @type {HTMLButtonElement | null} */
  let button = null;
  /** The on/off control beside the feed tabs (ours; bsky.app's tab bar is left as is). */
  function control() {
    const tabs = document.querySelector('[data-testid="homeScreenFeedTabs"]');
    if (!tabs || state === 'unrecognised') {
      button?.remove();
      button = null;
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
    // Written only when it changes: every write is a mutation the observer would see.
    const pressed = String(settings.enabled);
    if (button.getAttribute('aria-pressed') !== pressed) button.setAttribute('aria-pressed', pressed);
    const label = settings.enabled ? 'Collapsed view: on' : 'Collapsed view: off';
    if (button.textContent !== label) button.textContent = label;
  }

  /**
   * Whether a container's units are the same ones it was last planned from (the first
   * `reused` are the very same objects).
   */
  function unchanged(/** @type {any} */ before, /** @type {any[]} */ units, /** @type {string} */ options, reused = 0) {
    if (!before || before.options !== options || before.units.length !== units.length) return false;
    for (let i = reused; i < units.length; i++) {
      const [a, b] = [before.units[i], units[i]];
      if (a !== b && (a.owner !== b.owner || a.rows[0] !== b.rows[0] || a.rows.length !== b.rows.length)) return false;
    }
    return true;
  }

  /**
   * The container's units: only the rows from its last known unit on are read when the
   * observer saw nothing but rows added after that unit (infinite scroll).
   * @param {Element} container
   * @param {{all: boolean, added: Node[]} | undefined} change
   * @param {any} before what it was last planned from
   * @returns {{units: any[], reused: number}} reused: how many units are the same objects as before
   */
  function readUnits(container, change, before) {
    const last = before?.units[before.units.length - 1];
    const from = last?.rows[0];
    if (!change || change.all || !from || from.parentElement !== container) return { units: page.units(container), reused: 0 };
    /** @type {Set<Node>} */
    const tail = new Set();
    for (let row = from.nextElementSibling; row; row = row.nextElementSibling) tail.add(row);
    if (!change.added.every((node) => tail.has(node) || !node.isConnected)) return { units: page.units(container), reused: 0 };
    return { units: before.units.slice(0, -1).concat(page.units(container, from)), reused: before.units.length - 1 };
  }

  /**
   * The units to send to the core and where they start. In runs mode a block is a run of
   * consecutive units of one account, so units appended to a planned container can only
   * change the last run: only that run and what follows are sent (the blocks before it stay
   * as planned). Bundle mode gathers across the whole page, so it always sends everything.
   * @param {any[]} units @param {number} same how many of them are unchanged (readUnits)
   * @param {any} before @param {string} key @param {string} mode
   */
  function planFrom(units, same, before, key, mode) {
    if (mode !== 'runs' || !before || before.options !== key || same === 0) return 0;
    let start = same - 1;
    while (start > 0 && units[start - 1].owner === units[same - 1].owner) start--;
    return start;
  }

  /** The whole page's state from scratch: layout, the feeds folded and their containers. */
  function check() {
    const layout = page.layout();
    containers = [];
    if (layout !== 'ok') return layout;
    for (const feed of page.feeds(settings.everywhere)) {
      const container = page.rowsContainer(feed);
      if (container) containers.push(container);
    }
    return layout;
  }

  /**
   * When each reposter's name was last asked for: a lookup that failed (offline, signed out
   * from a server that refuses) is not repeated on every update.
   * @type {Map<string, number>}
   */
  const asked = new Map();
  const ASK_AGAIN_MS = 60_000;

  let running = false;
  let again = false;
  async function update() {
    scheduled = 0;
    if (running) {
      again = true; // one update at a time: the next one starts when this one is done
      return;
    }
    running = true;
    let busy = 0;
    let since = performance.now();
    /** Waits for the worker without counting the wait as main-thread time. @param {Promise<any>} promise */
    const wait = async (promise) => {
      busy += performance.now() - since;
      try {
        return await promise;
      } finally {
        since = performance.now();
      }
    };
    const seenBatch = batch;
    /** @type {Set<Element>} containers whose pending rows must stay hidden (not planned yet) */
    const unplanned = new Set();
    try {
      if (!root.hasAttribute('data-skypanel-core')) await hello(wait);
      if (!settings.enabled) {
        if (applied || state !== 'off') collapse.clear();
        applied = false;
        planned = new WeakMap();
        containers = [];
        full = true;
        setState('off');
        control();
        report();
        return;
      }
      const whole = full;
      const changes = dirty;
      full = false;
      dirty = new Map();
      if (whole) {
        const layout = check();
        if (layout === 'unrecognised') {
          if (applied || state !== 'unrecognised') collapse.clear();
          applied = false;
          planned = new WeakMap();
          full = true;
          setState('unrecognised');
          control();
          report();
          return;
        }
        if (layout === 'waiting') full = true;
        setState('on');
        control();
      }
      const options = { mode: settings.mode, threshold: settings.threshold };
      const key = JSON.stringify(options);
      for (const container of containers) {
        if (!whole && !changes.has(container)) continue;
        if (!container.isConnected) {
          full = true;
          continue;
        }
        const before = planned.get(container);
        const { units, reused } = readUnits(container, changes.get(container), before);
        if (unchanged(before, units, key, reused)) continue;
        const start = planFrom(units, reused, before, key, settings.mode);
        const sent = units.slice(start).map((/** @type {any} */ u) => ({ owner: u.owner, repost: u.repost }));
        /** @type {any[]} */
        const answer = await wait(SkyPanel.send('collapse.plan', { units: sent, options }));
        if (!settings.enabled) return;
        // Rows can only have gone if the observer saw something removed meanwhile.
        if ((full || dirty.get(container)?.all) && units.some((/** @type {any} */ u) => !u.rows[0].isConnected)) {
          unplanned.add(container);
          schedule(); // the page changed while the core was thinking: plan again
          full = true;
          continue;
        }
        const blocks = start === 0 ? answer : before.blocks.filter((/** @type {any} */ b) => b.units[b.units.length - 1] < start).concat(
          answer.map((/** @type {any} */ b) => ({ ...b, units: b.units.map((/** @type {number} */ i) => i + start) })),
        );
        collapse.apply(container, units, blocks, start);
        applied = true;
        planned.set(container, { options: key, units, blocks });
      }
      const now = performance.now();
      const unnamed = collapse.unnamed().filter((/** @type {string} */ h) => !(now - (asked.get(h) ?? -Infinity) < ASK_AGAIN_MS));
      if (unnamed.length) {
        // Names for blocks of reposts, in the background: the blocks are already in place.
        for (const handle of unnamed) asked.set(handle, now);
        SkyPanel.send('profiles.basic', { actors: unnamed }).then(collapse.nameBlocks, () => {});
      }
      if (metrics.enabledAt) {
        metrics.enableMs = performance.now() - metrics.enabledAt;
        metrics.enabledAt = 0;
      }
      report();
    } catch (err) {
      // The worker may be restarting or the extension reloading: never leave rows hidden.
      unplanned.clear();
      full = true;
      console.debug('SkyPanel: collapsed view update failed; will retry on the next change', err);
    } finally {
      // Rows hidden before this update read the page are now planned (or will not be).
      for (const [row, seen] of pending) {
        if (seen > seenBatch) continue;
        if (unplanned.size && Array.from(unplanned).some((c) => c.contains(row))) continue;
        row.removeAttribute(collapse.PENDING);
        pending.delete(row);
      }
      busy += performance.now() - since;
      metrics.totalMs += busy;
      record(busy);
      running = false;
      if (again) {
        again = false;
        schedule();
      }
    }
  }

  /**
   * The first round trip to the core: its answer marks the page with the core's version.
   * @param {(p: Promise<any>) => Promise<any>} wait
   */
  async function hello(wait) {
    const answer = await wait(SkyPanel.send('core.hello'));
    if (answer && typeof answer.coreVersion === 'string') root.setAttribute('data-skypanel-core', answer.coreVersion);
  }

  /**
   * The timeline rows the page shows, in order, as bsky.app shows them (rows folded here
   * included): read only when the worker asks ('collapse.rows', for the popup's report), so
   * nothing scans the page while the view is off.
   */
  function shownRows() {
    const held = `[${collapse.FOLDED}], [${collapse.PENDING}]`;
    return Array.from(document.querySelectorAll(page.ITEM))
      .filter((item) => page.visible(item) || (item.closest(held) && page.visible(item.closest(page.ALL_FEEDS))))
      .map((item) => ({ owner: page.ownerOf(item) }));
  }

  let scheduled = 0;
  let scheduledFor = 0;
  /**
   * Runs an update soon: at once (after the current task) by default; `delay` ms later for
   * changes seen while folding is off (only the page control may need placing).
   */
  function schedule(delay = 0) {
    const at = performance.now() + delay;
    if (scheduled && scheduledFor <= at) return;
    window.clearTimeout(scheduled);
    scheduledFor = at;
    scheduled = window.setTimeout(update, delay);
  }

  const OURS = '.skypanel-block, [data-skypanel-control], [data-skypanel-save]';
  /** Whether a node is SkyPanel's own (a block, the page control, a save button, or inside one). @param {Node} node */
  const inOurs = (node) => Boolean((node instanceof Element ? node : node.parentElement)?.closest(OURS));
  /** The same for a node added to or removed from a target that is not ours. @param {Node} node */
  const isOurs = (node) => node instanceof Element && node.matches(OURS);

  /** The folded container `node` is in, if any. @param {Node} node */
  const containerOf = (node) => containers.find((c) => c === node || c.contains(node));

  /**
   * Hides a new row until the plan for it is applied, so a row that will be folded is never
   * painted first. Every new row is hidden, wherever it lands: deciding by its position would
   * force a layout on every batch, and a row below the viewport is not painted anyway.
   * @param {Node} node
   */
  function hold(node) {
    if (!(node instanceof HTMLElement) || node.hasAttribute(collapse.GROUP) || !node.querySelector(page.ITEM)) return;
    node.setAttribute(collapse.PENDING, '');
    pending.set(node, batch);
  }

  /**
   * Notes what changed for the next update (see `full` and `dirty`) and hides new rows in the
   * feeds being folded. Changes to SkyPanel's own nodes are ignored: the update that made
   * them does not need to run again.
   * @param {MutationRecord[]} records
   */
  function onMutations(records) {
    if (!settings.enabled) {
      // Off, nothing reads the rows (the popup's report is read when asked): a later look is
      // only for the page control, so the records are not even read.
      schedule(200);
      return;
    }
    const started = performance.now();
    batch++;
    const folding = state === 'on';
    let relevant = false;
    for (const record of records) {
      if (record.type === 'attributes') {
        if (inOurs(record.target)) continue;
        // Styles inside a folded container do not change what is read there; anywhere else
        // they may show or hide a feed.
        if (containerOf(record.target)) continue;
        full = true;
        relevant = true;
        continue;
      }
      // Checked on the nodes first (cheap), then up from the target (a walk to the root).
      const added = Array.from(record.addedNodes).filter((n) => !isOurs(n));
      const removed = Array.from(record.removedNodes).filter((n) => !isOurs(n));
      if ((!added.length && !removed.length) || inOurs(record.target)) continue;
      relevant = true;
      const container = containerOf(record.target);
      if (!container) {
        full = true;
        if (folding && record.target instanceof Element && record.target.closest(page.feedSelector(settings.everywhere))) added.forEach(hold);
        continue;
      }
      let change = dirty.get(container);
      if (!change) dirty.set(container, (change = { all: false, added: [] }));
      if (record.target !== container || removed.length) change.all = true;
      else change.added.push(...added);
      if (folding) added.forEach(hold);
    }
    if (relevant) schedule();
    metrics.totalMs += performance.now() - started;
  }

  try {
    page.watch(onMutations);
    chrome.storage.onChanged.addListener((changes, area) => {
      if (area !== 'local' || !changes.collapsed) return;
      const wasEnabled = settings.enabled;
      settings = { ...DEFAULTS, ...(changes.collapsed.newValue ?? {}) };
      if (settings.enabled && !wasEnabled) metrics.enabledAt = performance.now();
      full = true;
      schedule();
    });
    chrome.runtime.onMessage.addListener((message, sender, sendResponse) => {
      if (sender.id !== chrome.runtime.id || message?.type !== 'collapse.rows') return false;
      try {
        sendResponse({ rows: shownRows() });
      } catch (err) {
        console.debug('SkyPanel: could not read the rows', err);
        sendResponse(null);
      }
      return false;
    });
    chrome.storage.local.get('collapsed').then((stored) => {
      settings = { ...DEFAULTS, ...(stored.collapsed ?? {}) };
      schedule();
    }, schedule);
  } catch (err) {
    console.debug('SkyPanel: content script could not start', err);
  }
})();
