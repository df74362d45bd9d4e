// @ts-check
/**
 * How SkyPanel's save button looks in each state, for every place that shows one: the
 * content script on bsky.app (content/save.js) and the Feeds page (feeds/posts.js). The
 * states are a public test contract (README, "Test contract"): `aria-pressed` is "true" only
 * once the copy is stored; `data-skypanel-save-state` is saved, unsaved, pending or failed.
 *
 * A classic script defining one global, like messages.js, because content scripts cannot be
 * modules: loaded by the manifest before save.js, and by a script tag on the Feeds page.
 */
(() => {
  'use strict';
  if (globalThis.SkyPanelSaveButton) return;

  const SVG = 'http://www.w3.org/2000/svg';

  /** @type {Record<string, string>} */
  const LABELS = {
    saved: 'Saved in SkyPanel — click to remove the copy',
    pending: 'Queued — will save when Bluesky answers (click to cancel)',
    failed: 'SkyPanel could not save this post when it tried again (the library page says why) — click to try again',
    unsaved: 'Save a private copy with SkyPanel',
  };

  /**
   * Shows a state: saved (true), not (false), a save queued until Bluesky answers
   * ('pending'), or a queued save refused when tried again ('failed'). An error noted on an
   * unsaved button stays until the state changes.
   * @param {HTMLButtonElement} button
   * @param {boolean | 'pending' | 'failed'} state
   */
  function show(button, state) {
    const name = state === true ? 'saved' : state === 'pending' || state === 'failed' ? state : 'unsaved';
    button.setAttribute('aria-pressed', String(state === true));
    button.setAttribute('data-skypanel-save-state', name);
    if (name === 'failed') button.setAttribute('data-skypanel-error', '');
    else if (name !== 'unsaved') button.removeAttribute('data-skypanel-error');
    button.setAttribute('aria-label', LABELS[name]);
    button.title = LABELS[name];
  }

  /** @type {SVGSVGElement | null} */
  let template = null;
  /** The icon, a box with an arrow into it (bsky.app's bookmark is a ribbon), cloned from one built once. */
  function icon() {
    if (!template) {
      template = document.createElementNS(SVG, 'svg');
      template.setAttribute('viewBox', '0 0 24 24');
      template.setAttribute('width', '18');
      template.setAttribute('height', '18');
      template.setAttribute('aria-hidden', 'true');
      const path = document.createElementNS(SVG, 'path');
      path.setAttribute('d', 'M4 13v6a1 1 0 0 0 1 1h14a1 1 0 0 0 1-1v-6M12 3v11m0 0-4-4m4 4 4-4');
      path.setAttribute('fill', 'none');
      path.setAttribute('stroke', 'currentColor');
      path.setAttribute('stroke-width', '2');
      path.setAttribute('stroke-linecap', 'round');
      path.setAttribute('stroke-linejoin', 'round');
      template.append(path);
    }
    return /** @type {SVGSVGElement} */ (template.cloneNode(true));
  }

  globalThis.SkyPanelSaveButton = Object.freeze({ LABELS, show, icon });
})();
