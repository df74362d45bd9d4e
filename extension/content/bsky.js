// @ts-check
/**
 * SkyPanel's content script on bsky.app. Small, defensive and cheap: it reads the visible
 * timeline rows, asks the background (where the Rust core runs) about them, and marks the
 * page when the core has answered. It never throws into the page and never moves or
 * removes nodes that bsky.app's React owns.
 *
 * Page hooks (a public test contract, see README "Test contract"):
 *   document.documentElement[data-skypanel-core] = the core's version, once the first
 *   round trip to the wasm core has succeeded on this page.
 */
(() => {
  'use strict';
  const SkyPanel = /** @type {any} */ (globalThis).SkyPanel;
  if (!SkyPanel || /** @type {any} */ (globalThis).__skypanelContent) return;
  /** @type {any} */ (globalThis).__skypanelContent = true;

  const ROW_SELECTOR = '[data-testid^="feedItem-by-"]';
  const ROW_PREFIX = 'feedItem-by-';

  /**
   * The account that put a row in the timeline: the reposter for a repost, else the author.
   * The repost reason is the only profile link placed before the avatar link in a row
   * (labels are translated, so this matches on structure, not text).
   * @param {Element} row
   * @returns {string}
   */
  function ownerOf(row) {
    const author = (row.getAttribute('data-testid') || '').slice(ROW_PREFIX.length);
    const first = row.querySelector('a[href^="/profile/"]');
    if (!first || first.querySelector('[data-testid^="userAvatar"]')) return author;
    const parts = (first.getAttribute('href') || '').split('/').filter(Boolean);
    return parts.length === 2 ? decodeURIComponent(parts[1]) : author;
  }

  /** Visible feed rows, in document order (hidden tabs and screens are display:none). */
  function visibleRows() {
    return Array.from(document.querySelectorAll(ROW_SELECTOR)).filter(
      (el) => /** @type {HTMLElement} */ (el).offsetParent !== null,
    );
  }

  let lastSignature = '';
  let pending = 0;

  async function report() {
    pending = 0;
    try {
      const rows = visibleRows().map((row) => ({ owner: ownerOf(row) }));
      const signature = rows.map((r) => r.owner).join('\n');
      if (signature === lastSignature) return;
      lastSignature = signature;
      const answer = await SkyPanel.send('core.hello', { rows });
      if (answer && typeof answer.coreVersion === 'string') {
        document.documentElement.setAttribute('data-skypanel-core', answer.coreVersion);
      }
    } catch (err) {
      // The worker may be restarting or the extension reloaded: try again on the next change.
      lastSignature = '';
      console.debug('SkyPanel: background not reachable yet', err);
    }
  }

  function schedule() {
    if (!pending) pending = window.setTimeout(report, 100);
  }

  try {
    new MutationObserver(schedule).observe(document.documentElement, {
      childList: true,
      subtree: true,
      attributes: true,
      attributeFilter: ['style'],
    });
    schedule();
  } catch (err) {
    console.debug('SkyPanel: content script could not start', err);
  }
})();
