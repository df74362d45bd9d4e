// @ts-check
/**
 * The Feeds page (popup → Feeds, also in the side panel): the user's feeds, each opening a
 * reading view (reader.js); New feed and the starters, opening the editor (editor.js);
 * Export (a `<name>.skypanel-feed.json` file), Import (a file), Copy as text, Paste text and
 * Delete. The address says what is shown, so Back and a reload keep it: `#` the list,
 * `#new` a new feed, `#edit/<id>`, `#feed/<id>`.
 *
 * Definitions are files users share: an imported or pasted one is checked by the core
 * (`feeds.check`) before it is kept; one that is not a feed, or from a newer SkyPanel, is
 * refused with the core's message.
 *
 * Hooks: [data-testid=feeds-list] > li[data-feed-id] (feed-open, feed-edit, feed-export,
 * feed-copy, feed-delete), feeds-new, feeds-starter[data-starter], feeds-import (file input),
 * feeds-paste (textarea), feeds-paste-add, feeds-message.
 */
import { list as listFeeds } from '../background/feeds/definitions.js';
import { firstPage } from '../background/feeds/store.js';
import { el } from '../shared/post-view.js';
import { blank, fileName, starters, toText } from './definition.js';
import { openEditor } from './editor.js';
import { openReader } from './reader.js';

const SkyPanel = /** @type {any} */ (globalThis).SkyPanel;
const $ = (/** @type {string} */ id) => /** @type {HTMLElement} */ (document.getElementById(id));
const main = $('main');
const message = $('message');

/** @typedef {{id: string, definition: any, updatedAt: number, where: 'sync' | 'local'}} Saved */

/** The view open now (closed before the next one opens). @type {{close: () => void} | null} */
let current = null;
/** A definition handed to the editor by a starter or an import (not in the address). @type {any} */
let draft = null;

/** @param {string} text */
function say(text, isError = false) {
  message.textContent = text;
  message.className = isError ? 'error' : 'muted';
}

/**
 * The user's feeds, read straight from chrome.storage (what `feeds.list` answers): a feed
 * opens without waiting for the worker to wake.
 * @returns {Promise<Saved[]>}
 */
const feeds = () => listFeeds();

/** Shows what the address names. */
async function route() {
  current?.close();
  current = null;
  const hash = decodeURIComponent(location.hash.slice(1));
  const [view, id] = [hash.split('/')[0], hash.split('/').slice(1).join('/')];
  document.body.dataset.view = view || 'list';
  try {
    if (view === 'new') {
      const definition = draft ?? blank();
      draft = null;
      current = openEditor(main, { definition, id: null, onSaved: (saved) => go(`feed/${saved}`), onCancel: () => go('') });
      return;
    }
    if (view === 'edit' || view === 'feed') {
      // The cached first page is read while the feed's definition is looked up.
      const cached = view === 'feed' ? firstPage(id).catch(() => null) : null;
      const feed = (await feeds()).find((f) => f.id === id);
      if (!feed) {
        say('That feed is not here any more.', true);
        return go('');
      }
      current = view === 'edit'
        ? openEditor(main, { definition: feed.definition, id: feed.id, onSaved: (saved) => go(`feed/${saved}`), onCancel: () => go(`feed/${feed.id}`) })
        : openReader(main, { id: feed.id, definition: feed.definition, cached, onEdit: () => go(`edit/${feed.id}`) });
      return;
    }
    await drawList();
  } catch (err) {
    say(`The Feeds page could not open that: ${/** @type {Error} */ (err).message}`, true);
  }
}

/** @param {string} where the address after # */
function go(where) {
  if (location.hash.slice(1) === where) route();
  else location.hash = where;
}

/** Downloads a feed as `<name>.skypanel-feed.json`. @param {any} definition */
function download(definition) {
  const url = URL.createObjectURL(new Blob([toText(definition)], { type: 'application/json' }));
  const a = el('a', { href: url, download: fileName(definition) });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/**
 * Keeps a shared definition (file or pasted text) after the core checked it; says why not
 * when it is refused.
 * @param {string} text @param {string} from where it came from, for the message
 */
async function importText(text, from) {
  try {
    const { problems } = await SkyPanel.send('feeds.check', { text });
    const saved = await SkyPanel.send('feeds.save', { definition: text });
    const name = (await feeds()).find((f) => f.id === saved.id)?.definition?.name ?? 'the feed';
    say(`Added “${name}” from ${from}${problems?.length ? ` — ${problems.length} ${problems.length === 1 ? 'problem' : 'problems'} to fix in the editor` : ''}.`);
    await drawList();
  } catch (err) {
    say(`Not imported: ${/** @type {Error} */ (err).message}`, true);
  }
}

/** The list of feeds, the starters and the import tools. */
async function drawList() {
  const all = await feeds();
  const newFeed = el('button', { type: 'button', 'data-testid': 'feeds-new' }, ['New feed']);
  newFeed.addEventListener('click', () => go('new'));
  const starterButtons = starters().map((s) => {
    const b = el('button', { type: 'button', class: 'secondary small', 'data-testid': 'feeds-starter', 'data-starter': s.title }, [s.title]);
    b.addEventListener('click', () => {
      draft = s.definition;
      go('new');
    });
    return b;
  });
  const file = /** @type {HTMLInputElement} */ (el('input', { type: 'file', accept: '.json,application/json', class: 'visually-hidden', 'data-testid': 'feeds-import' }));
  file.addEventListener('change', async () => {
    const f = file.files?.[0];
    if (!f) return;
    await importText(await f.text(), f.name);
    file.value = '';
  });
  const paste = /** @type {HTMLTextAreaElement} */ (el('textarea', { 'data-testid': 'feeds-paste', 'aria-label': 'A feed definition as text', spellcheck: 'false', placeholder: '{"format": "skypanel.feed", …}' }));
  const pasteAdd = el('button', { type: 'button', class: 'secondary small', 'data-testid': 'feeds-paste-add' }, ['Add this feed']);
  pasteAdd.addEventListener('click', async () => {
    await importText(paste.value, 'the pasted text');
  });

  const items = all.map((f) => {
    const name = String(f.definition?.name ?? 'Untitled feed');
    const open = el('button', { type: 'button', class: 'linkish name', 'data-testid': 'feed-open' }, [name]);
    open.addEventListener('click', () => go(`feed/${f.id}`));
    const edit = el('button', { type: 'button', class: 'secondary small', 'data-testid': 'feed-edit', 'aria-label': `Edit ${name}` }, ['Edit']);
    edit.addEventListener('click', () => go(`edit/${f.id}`));
    const exp = el('button', { type: 'button', class: 'secondary small', 'data-testid': 'feed-export', 'aria-label': `Export ${name} as a file` }, ['Export']);
    exp.addEventListener('click', () => download(f.definition));
    const copy = el('button', { type: 'button', class: 'secondary small', 'data-testid': 'feed-copy', 'aria-label': `Copy ${name} as text` }, ['Copy as text']);
    copy.addEventListener('click', async () => {
      try {
        await navigator.clipboard.writeText(toText(f.definition));
        say(`Copied “${name}” as text.`);
      } catch (err) {
        say(`Could not copy: ${/** @type {Error} */ (err).message}`, true);
      }
    });
    const del = el('button', { type: 'button', class: 'secondary small', 'data-testid': 'feed-delete', 'aria-label': `Delete ${name}` }, ['Delete']);
    del.addEventListener('click', async () => {
      if (!confirm(`Delete the feed “${name}”? Export it first to keep a copy.`)) return;
      try {
        await SkyPanel.send('feeds.remove', { id: f.id });
        say(`Deleted “${name}”.`);
        await drawList();
      } catch (err) {
        say(`Not deleted: ${/** @type {Error} */ (err).message}`, true);
      }
    });
    const sourceCount = Array.isArray(f.definition?.sources) ? f.definition.sources.length : 0;
    return el('li', { 'data-feed-id': f.id }, [
      open,
      el('span', { class: 'muted' }, [`${sourceCount} ${sourceCount === 1 ? 'source' : 'sources'} · kept ${f.where === 'sync' ? 'in your Chrome profile (synced)' : 'on this computer'}`]),
      el('span', { class: 'feed-actions' }, [edit, exp, copy, del]),
    ]);
  });

  main.replaceChildren(
    el('section', { 'aria-label': 'Your feeds' }, [
      el('h2', {}, ['Your feeds']),
      items.length ? el('ul', { class: 'feeds', 'data-testid': 'feeds-list' }, items) : el('p', { class: 'muted', 'data-testid': 'feeds-list-empty' }, ['No feeds yet: make one, or start from one of these.']),
      el('div', { class: 'row wrap' }, [newFeed]),
      el('h3', {}, ['Start from']),
      el('div', { class: 'row wrap' }, starterButtons),
      el('h3', {}, ['Share']),
      el('div', { class: 'row wrap' }, [el('label', { class: 'button secondary small' }, ['Import a file…', file])]),
      el('details', { class: 'paste' }, [el('summary', {}, ['Paste text']), paste, pasteAdd]),
    ]),
  );
}

addEventListener('hashchange', () => {
  say('');
  route();
});
route();
