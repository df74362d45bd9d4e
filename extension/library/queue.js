// @ts-check
/**
 * The library page's queued saves: a save made while Bluesky did not answer (offline, a
 * server error, a rate limit) waits in the background's queue and is tried again with
 * growing delays. This lists them, with "Retry now" and a Cancel for each; a save refused
 * when tried again (the post was deleted meanwhile) stays listed with the reason until
 * cancelled. The list follows the worker's 'library.changed' announcements.
 *
 * Hooks for tests: [data-testid=library-queue] (hidden when the queue is empty),
 * library-queue-count, library-queue-retry, and per entry li[data-queue-id] with its
 * library-queue-cancel button.
 */
import * as store from '../background/library/store.js';
import { el } from '../shared/post-view.js';

const SkyPanel = /** @type {any} */ (globalThis).SkyPanel;
const section = /** @type {HTMLElement} */ (document.getElementById('queue'));
const count = /** @type {HTMLElement} */ (document.getElementById('queue-count'));
const entries = /** @type {HTMLElement} */ (document.getElementById('queue-entries'));
const retry = /** @type {HTMLButtonElement} */ (document.getElementById('queue-retry'));

/** @typedef {{id: string, actor: string, rkey: string, uri: string | null, queuedAt: number, attempts: number, nextAt: number | null, error: string, failed: boolean}} Queued */

/** A post's address on bsky.app (actor and rkey were checked by the worker). @param {Queued} q */
function postUrl(q) {
  return `https://bsky.app/profile/${encodeURIComponent(q.actor)}/post/${encodeURIComponent(q.rkey)}`;
}

/** @param {number} ms */
const clock = (ms) => new Date(ms).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });

/** @param {Queued[]} queue */
function draw(queue) {
  section.hidden = queue.length === 0;
  const failed = queue.filter((q) => q.failed).length;
  const waiting = queue.length - failed;
  const parts = [];
  if (waiting) parts.push(`${waiting} ${waiting === 1 ? 'save waits' : 'saves wait'} for Bluesky to answer`);
  if (failed) parts.push(`${failed} could not be saved`);
  count.textContent = parts.join(' · ');
  entries.replaceChildren(
    ...queue.map((q) => {
      const cancel = el('button', { type: 'button', class: 'secondary', 'data-testid': 'library-queue-cancel' }, ['Cancel']);
      cancel.addEventListener('click', async () => {
        cancel.setAttribute('disabled', '');
        try {
          await SkyPanel.send('library.cancel', { id: q.id });
        } finally {
          await load();
        }
      });
      const state = q.failed
        ? `refused: ${q.error}`
        : `tried ${q.attempts} ${q.attempts === 1 ? 'time' : 'times'}${q.nextAt ? `, next at ${clock(q.nextAt)}` : ''} (${q.error})`;
      const li = el('li', { 'data-queue-id': q.id, class: q.failed ? 'failed' : '' }, [
        el('a', { href: postUrl(q), target: '_blank', rel: 'noopener noreferrer' }, [`@${q.actor}/${q.rkey}`]),
        ' ',
        el('span', { class: q.failed ? 'error' : 'muted' }, [state]),
        ' ',
        cancel,
      ]);
      return li;
    }),
  );
}

// Read straight from IndexedDB (this page shares the extension's origin): opening the library
// does not wake the worker, whose start would compete with the first screen.
async function load() {
  try {
    draw(await store.queueView());
  } catch {
    // The library's database cannot be read now: the next announcement redraws.
  }
}

retry.addEventListener('click', async () => {
  retry.setAttribute('disabled', '');
  try {
    draw(await SkyPanel.send('library.retryQueued', {}));
  } catch {
    await load();
  } finally {
    retry.removeAttribute('disabled');
  }
});

chrome.runtime.onMessage.addListener((message) => {
  if (message?.type === 'library.changed') load();
});
load();
