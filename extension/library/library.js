// @ts-check
/**
 * The library page: saved posts, searched by the core in the background, rendered from the
 * saved copies (post-view.js) — offline, and after the post is gone from Bluesky — with their
 * selection, editing, filters, export and import. Backed-up media and the first screen are
 * read straight from the library's IndexedDB (this page shares the extension's origin).
 *
 * Everything shown comes from strangers: text goes in with textContent, links are made only
 * for http(s) URLs (rel=noopener noreferrer), and nothing is ever inserted as HTML.
 *
 * Tags and notes are the user's own text, and still go in only as text.
 *
 * Hooks for tests: [data-testid=library-posts] > li[data-uri] (one per post shown, with
 * data-status), [data-testid=library-summary], [data-testid=library-message]; in each post
 * [data-testid=library-select] (its checkbox), library-edit (opens the tag and note form:
 * library-edit-tags, library-edit-note, library-edit-save), library-tags, library-note.
 */
import * as store from '../background/library/store.js';
import * as archive from './archive.js';
import { bskyUrl, el, link, postContent, revokeMedia } from './post-view.js';

const SkyPanel = /** @type {any} */ (globalThis).SkyPanel;
const PAGE = 30;

const $ = (/** @type {string} */ id) => /** @type {HTMLElement} */ (document.getElementById(id));
const list = $('posts');
const summary = $('summary');
const message = $('message');
const more = /** @type {HTMLButtonElement} */ ($('more'));

let offset = 0;
let generation = 0;
/** The posts shown, by at-uri, as last read or edited (the entry text is what Undo puts back). @type {Map<string, Item>} */
const shown = new Map();
/** At-uris of the selected posts (always among those shown). @type {Set<string>} */
const selected = new Set();

/** @typedef {{uri: string, savedAt: number, entry: string}} Item */

/** Changes this page is making itself (their announcements are not redrawn again). */
let ownWrites = 0;
/** Whether the library changed elsewhere since the list was drawn. */
let stale = false;
let changedTimer = 0;

const field = (/** @type {string} */ id) => /** @type {HTMLInputElement} */ ($(id));

/**
 * A date input's day as ms since the epoch at local midnight (`nextDay`: of the day after,
 * so "to" includes its whole day), or undefined when empty.
 * @param {string} value YYYY-MM-DD @param {boolean} [nextDay]
 */
function dayStart(value, nextDay = false) {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (!m) return undefined;
  // new Date(y, m, d) is local time and rolls over month ends (and DST) correctly.
  return new Date(Number(m[1]), Number(m[2]) - 1, Number(m[3]) + (nextDay ? 1 : 0)).getTime();
}

function query() {
  const kinds = Array.from(document.querySelectorAll('input[name=kind]:checked')).map((i) => /** @type {HTMLInputElement} */ (i).value);
  /** @type {Record<string, unknown>} */
  const q = { text: field('text').value, kinds, order: /** @type {HTMLSelectElement} */ ($('order')).value, offset, limit: PAGE };
  const author = field('author').value.trim();
  const tag = field('tag').value.trim();
  const since = dayStart(field('since').value);
  const until = dayStart(field('until').value, true);
  if (author) q.author = author;
  if (tag) q.tag = tag;
  if (since !== undefined) q.since = since;
  if (until !== undefined) q.until = until;
  if (since !== undefined || until !== undefined) q.dates = /** @type {HTMLSelectElement} */ ($('dates')).value;
  const on = [author, tag, since ?? until].filter((f) => f !== '' && f !== undefined).length;
  $('filters-on').textContent = on ? `(${on} on)` : '';
  return q;
}

/** Whether `q` is the first page of everything, in saved order (no words, no filters). @param {Record<string, unknown>} q */
function isFirstListing(q) {
  return q.offset === 0 && !String(q.text ?? '').trim() && !(/** @type {unknown[]} */ (q.kinds)).length &&
    ['author', 'tag', 'since', 'until'].every((k) => q[k] === undefined);
}

/**
 * The first page of the library read straight from its IndexedDB (this page shares the
 * extension's origin): the first screen does not wait for the background worker to start
 * (Chrome stops it when idle). Everything else goes through the worker and the core.
 * @param {Record<string, unknown>} q
 * @returns {Promise<{total: null, posts: Item[]}>}
 */
async function firstListing(q) {
  const { records } = await store.page(q.order !== 'oldestFirst', 0, PAGE);
  return { total: null, posts: records.map((r) => ({ uri: r.uri, savedAt: r.savedAt, entry: r.entry })) };
}

/** @param {string} text */
function say(text, isError = false) {
  message.textContent = text;
  message.className = isError ? 'error' : 'muted';
}

/**
 * Redraws the list from the first page (the selection is cleared: it is of posts shown).
 * `keepPlace`: load as many posts as were shown and keep the scroll position (a change made
 * elsewhere should not throw the reader back to the top).
 */
async function refresh({ keepPlace = false } = {}) {
  const had = offset;
  const scrolled = window.scrollY;
  offset = 0;
  revokeMedia();
  list.replaceChildren();
  shown.clear();
  selected.clear();
  updateSelection();
  await load();
  if (keepPlace) {
    while (offset < had && !more.hidden) await load();
    window.scrollTo(0, scrolled);
  }
  // After the first screen: the tags come from the search index, which may still be loading.
  loadTags();
}

/** Offers the tags in use as suggestions for the tag filter. */
async function loadTags() {
  try {
    /** @type {{tag: string, count: number}[]} */
    const tags = await SkyPanel.send('library.tags');
    $('tag-list').replaceChildren(...tags.map((t) => el('option', { value: t.tag, label: `#${t.tag} (${t.count})` })));
  } catch {
    // Only suggestions: the filter works without them.
  }
}

async function load() {
  const mine = ++generation;
  try {
    // The posts first: IndexedDB runs the two readers one after the other, and counting
    // every saved post (for the summary) takes longer than reading a page of them.
    const q = query();
    const searched = isFirstListing(q) ? firstListing(q) : SkyPanel.send('library.search', { query: q });
    const usageAnswer = searched.then(() => SkyPanel.send('library.usage'));
    const { total, posts } = await searched;
    if (mine !== generation) return;
    const items = await Promise.all(posts.map((/** @type {Item} */ p) => render(p)));
    if (mine !== generation) return;
    for (const p of posts) shown.set(p.uri, p);
    list.append(...items);
    updateSelection();
    // For `make bench`: navigation start → the first screen of posts on the page.
    if (offset === 0 && !performance.getEntriesByName('library-first-screen').length) performance.mark('library-first-screen');
    offset += posts.length;
    // `total` is null for a plain listing served before the search index was loaded.
    more.hidden = total === null ? posts.length < PAGE : offset >= total;
    // The counts come second: the posts should not wait for them.
    const usage = await usageAnswer;
    if (mine !== generation) return;
    const mb = usage.usedBytes === null ? '' : ` · ${(usage.usedBytes / 1e6).toFixed(1)} MB used`;
    const waiting = usage.pendingMedia + usage.retryingMedia;
    const pending = waiting ? ` · ${waiting} media files still to back up` : '';
    const failed = usage.failedMedia ? ` · ${usage.failedMedia} could not be backed up` : '';
    const count = total === null ? usage.posts : total;
    summary.textContent = `${count} of ${usage.posts} saved posts${mb}${pending}${failed}`;
  } catch (err) {
    say(`The library could not be read: ${/** @type {Error} */ (err).message}`, true);
  }
}

/**
 * One saved post, with its selection box and actions.
 * @param {Item} item
 */
async function render(item) {
  /** @type {any} */
  const entry = JSON.parse(item.entry);
  const { avatar, body, state, handle, tags, note } = await postContent(entry, {
    onAuthor: (actor) => setFilter('author', actor),
    onTag: (tag) => setFilter('tag', tag),
  });
  const open = bskyUrl(item.uri);
  const remove = el('button', { type: 'button', class: 'secondary' }, ['Remove']);
  remove.addEventListener('click', () => removeWithUndo(item, li));
  const edit = el('button', { type: 'button', class: 'secondary', 'aria-expanded': 'false', 'data-testid': 'library-edit' }, ['Edit tags and note']);
  edit.addEventListener('click', () => toggleEditor(item, tags, note, body, edit));
  body.append(el('div', { class: 'post-actions muted' }, [
    `Saved ${new Date(item.savedAt).toLocaleString()} · `,
    open ? link(open, ['open on Bluesky']) : null,
    ' ',
    edit,
    ' ',
    remove,
  ]));

  const check = /** @type {HTMLInputElement} */ (el('input', { type: 'checkbox', 'aria-label': `Select the post by @${handle}`, 'data-testid': 'library-select' }));
  check.checked = selected.has(item.uri);
  check.addEventListener('change', () => {
    if (check.checked) selected.add(item.uri);
    else selected.delete(item.uri);
    updateSelection();
  });
  const li = el('li', { class: 'post', 'data-uri': item.uri, 'data-status': state }, [el('div', { class: 'side' }, [avatar, check]), body]);
  return li;
}

/**
 * Tags as typed: separated by commas when there is one (so a tag may hold spaces), else by
 * spaces; the core normalises them (no leading #, each once whatever its case).
 * @param {string} text
 */
function parseTags(text) {
  return (text.includes(',') ? text.split(',') : text.split(/\s+/)).map((t) => t.trim()).filter(Boolean);
}

/** Tags as the edit field shows them (read back by parseTags to the same list). @param {string[]} tags */
function formatTags(tags) {
  return tags.join(', ') + (tags.length === 1 && /\s/.test(tags[0]) ? ',' : '');
}

/** Numbers the edit forms, for their fields' ids. */
let editors = 0;

/**
 * Opens (or closes) a post's tag and note form, below its text.
 * @param {Item} item @param {string[]} tags @param {string} note @param {HTMLElement} body @param {HTMLElement} opener
 */
function toggleEditor(item, tags, note, body, opener) {
  const open = body.querySelector('form.edit');
  if (open) {
    open.remove();
    opener.setAttribute('aria-expanded', 'false');
    catchUp();
    return;
  }
  const id = `edit-${++editors}`;
  const tagsInput = /** @type {HTMLInputElement} */ (el('input', { type: 'text', id: `${id}-tags`, name: 'tags', autocomplete: 'off', 'aria-describedby': `${id}-hint`, 'data-testid': 'library-edit-tags' }));
  tagsInput.value = formatTags(tags);
  const noteInput = /** @type {HTMLTextAreaElement} */ (el('textarea', { id: `${id}-note`, name: 'note', rows: '3', 'data-testid': 'library-edit-note' }));
  noteInput.value = note;
  const save = el('button', { type: 'submit', 'data-testid': 'library-edit-save' }, ['Save']);
  const cancel = el('button', { type: 'button', class: 'secondary' }, ['Cancel']);
  const form = /** @type {HTMLFormElement} */ (el('form', { class: 'edit', 'aria-label': 'Tags and note' }, [
    el('label', { for: tagsInput.id }, ['Tags']),
    tagsInput,
    el('div', { id: `${id}-hint`, class: 'muted hint' }, ['Separated by commas or spaces (commas for tags with spaces).']),
    el('label', { for: noteInput.id }, ['Note']),
    noteInput,
    save,
    ' ',
    cancel,
  ]));
  const close = () => {
    form.remove();
    opener.setAttribute('aria-expanded', 'false');
    opener.focus();
    catchUp();
  };
  cancel.addEventListener('click', close);
  form.addEventListener('keydown', (e) => {
    if (e.key === 'Escape') {
      e.preventDefault();
      close();
    }
  });
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    save.setAttribute('disabled', '');
    try {
      /** @type {Item} */
      const edited = await write('library.edit', { uri: item.uri, tags: parseTags(tagsInput.value), note: noteInput.value });
      await replacePost(edited);
      /** @type {HTMLElement | null} */ (list.querySelector(`li[data-uri="${CSS.escape(item.uri)}"] [data-testid=library-edit]`))?.focus();
      say('Saved the tags and note.');
      loadTags();
      catchUp();
    } catch (err) {
      save.removeAttribute('disabled');
      say(`Could not save the tags and note: ${/** @type {Error} */ (err).message}`, true);
    }
  });
  opener.closest('.post-actions')?.before(form);
  opener.setAttribute('aria-expanded', 'true');
  tagsInput.focus();
}

/** Redraws one post in place after an edit. @param {Item} item */
async function replacePost(item) {
  const old = list.querySelector(`li[data-uri="${CSS.escape(item.uri)}"]`);
  shown.set(item.uri, item);
  if (!old) return;
  const fresh = await render(item);
  if (selected.has(item.uri)) fresh.classList.add('selected');
  old.replaceWith(fresh);
}

/**
 * Sets one filter (from a click on a post's author or tag), shows the filters and searches.
 * @param {'author' | 'tag'} which @param {string} value
 */
function setFilter(which, value) {
  field(which).value = value;
  /** @type {HTMLDetailsElement} */ ($('filters')).open = true;
  refresh();
}

/** Brings the selection bar up to date with `selected`. */
function updateSelection() {
  const n = selected.size;
  if (n === 0) catchUp();
  $('selected-count').textContent = n ? `${n} selected` : '';
  $('bulk').hidden = n === 0;
  const all = field('select-all');
  all.checked = n > 0 && n === shown.size;
  all.indeterminate = n > 0 && n < shown.size;
  for (const li of list.querySelectorAll('li[data-uri]')) {
    const on = selected.has(li.getAttribute('data-uri') ?? '');
    li.classList.toggle('selected', on);
    const box = /** @type {HTMLInputElement | null} */ (li.querySelector('[data-testid=library-select]'));
    if (box) box.checked = on;
  }
}

/**
 * Removes a post, offering to put it back (the removed entry is re-imported as it was).
 * @param {Item} item
 * @param {HTMLElement} li
 */
async function removeWithUndo(item, li) {
  try {
    const entry = shown.get(item.uri)?.entry ?? item.entry;
    await write('library.remove', { uri: item.uri });
    li.remove();
    forget(item.uri);
    offerUndo('Removed from the library.', [entry]);
  } catch (err) {
    say(`Could not remove it: ${/** @type {Error} */ (err).message}`, true);
  }
}

/** Drops a removed post from what the page holds. @param {string} uri */
function forget(uri) {
  shown.delete(uri);
  selected.delete(uri);
  updateSelection();
}

/**
 * Says what was removed with an Undo that puts every entry back as it was (re-imported as a
 * skypanel.saved file: the same entries, byte for byte, with their tags, notes and media).
 * @param {string} text @param {string[]} entries
 */
function offerUndo(text, entries) {
  const undo = el('button', { type: 'button', class: 'secondary', 'data-testid': 'library-undo' }, ['Undo']);
  message.replaceChildren(`${text} `, undo);
  message.className = 'muted';
  // The removed posts' media files are kept only this long (then deleted unless put back).
  setTimeout(() => undo.isConnected && !undo.hasAttribute('disabled') && undo.remove(), store.UNDO_MS);
  undo.addEventListener('click', async () => {
    undo.setAttribute('disabled', '');
    try {
      const file = `{"format":"skypanel.saved","version":1,"posts":[\n${entries.join(',\n')}\n]}`;
      await write('library.import', { text: file });
      say(entries.length === 1 ? 'Put back.' : `Put back ${entries.length} posts.`);
      await refresh();
    } catch (err) {
      say(`Could not put them back: ${/** @type {Error} */ (err).message}`, true);
    }
  });
}

/** The selected posts' at-uris, in the order shown. */
function selectedUris() {
  return Array.from(list.querySelectorAll('li[data-uri]'), (li) => li.getAttribute('data-uri') ?? '').filter((u) => selected.has(u));
}

field('select-all').addEventListener('change', () => {
  if (field('select-all').checked) for (const uri of shown.keys()) selected.add(uri);
  else selected.clear();
  updateSelection();
});

$('remove-selected').addEventListener('click', async () => {
  const uris = selectedUris();
  /** @type {string[]} */
  const removed = [];
  try {
    for (const uri of uris) {
      const entry = shown.get(uri)?.entry;
      await write('library.remove', { uri });
      if (entry) removed.push(entry);
      list.querySelector(`li[data-uri="${CSS.escape(uri)}"]`)?.remove();
      forget(uri);
    }
    offerUndo(`Removed ${removed.length} ${removed.length === 1 ? 'post' : 'posts'} from the library.`, removed);
  } catch (err) {
    // Those already removed can still be put back.
    if (removed.length) offerUndo(`Removed ${removed.length} of ${uris.length} posts; the rest failed: ${/** @type {Error} */ (err).message}.`, removed);
    else say(`Could not remove them: ${/** @type {Error} */ (err).message}`, true);
  }
});

$('export-selected').addEventListener('click', async () => {
  const uris = selectedUris();
  try {
    const text = await SkyPanel.send('library.export', { as: 'json', uris });
    download(text, `skypanel-saved-${new Date().toISOString().slice(0, 10)}.json`, 'application/json');
    say(`Exported ${uris.length} ${uris.length === 1 ? 'post' : 'posts'}.`);
  } catch (err) {
    say(`Export failed: ${/** @type {Error} */ (err).message}`, true);
  }
});

$('export-selected-zip').addEventListener('click', () => exportZip(selectedUris(), /** @type {HTMLButtonElement} */ ($('export-selected-zip'))));

$('tag-selected').addEventListener('click', async () => {
  const tags = parseTags(field('bulk-tag').value);
  if (!tags.length) {
    say('Type the tag to add first.', true);
    field('bulk-tag').focus();
    return;
  }
  const uris = selectedUris();
  try {
    for (const uri of uris) await replacePost(await write('library.edit', { uri, addTags: tags }));
    field('bulk-tag').value = '';
    say(`Tagged ${uris.length} ${uris.length === 1 ? 'post' : 'posts'} ${tags.map((t) => `#${t.replace(/^#+/, '')}`).join(' ')}.`);
    loadTags();
  } catch (err) {
    say(`Could not tag them all: ${/** @type {Error} */ (err).message}`, true);
  }
});
field('bulk-tag').addEventListener('keydown', (e) => {
  if (e.key === 'Enter') $('tag-selected').click();
});

$('recheck').addEventListener('click', async () => {
  const button = /** @type {HTMLButtonElement} */ ($('recheck'));
  button.disabled = true;
  say('Asking Bluesky about every saved post…');
  try {
    /** @type {{live: number, deleted: number, blocked: number, unknown: number}} */
    const r = await write('library.recheck', {});
    const checked = r.live + r.deleted + r.blocked + r.unknown;
    const parts = [`${r.live} still there`, `${r.deleted} deleted`, `${r.blocked} hidden by a block`];
    if (r.unknown) parts.push(`${r.unknown} could not be checked`);
    say(`Re-checked ${checked} ${checked === 1 ? 'post' : 'posts'}: ${parts.join(', ')}. The saved copies are kept.`);
    await refresh();
  } catch (err) {
    say(`The re-check failed: ${/** @type {Error} */ (err).message}`, true);
  } finally {
    button.disabled = false;
  }
});

$('clear-filters').addEventListener('click', () => {
  for (const id of ['author', 'tag', 'since', 'until']) field(id).value = '';
  refresh();
});

/** @param {string} text @param {string} name @param {string} type */
function download(text, name, type) {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const a = el('a', { href: url, download: name });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/**
 * The at-uris the search currently matches when "only what the search shows" is ticked
 * (every page of it, not just the ones loaded), else undefined: everything.
 * @returns {Promise<string[] | undefined>}
 */
async function selection() {
  if (!(/** @type {HTMLInputElement} */ ($('export-selection')).checked)) return undefined;
  const { total } = await SkyPanel.send('library.search', { query: { ...query(), offset: 0, limit: 0 } });
  const { posts } = await SkyPanel.send('library.search', { query: { ...query(), offset: 0, limit: total } });
  return posts.map((/** @type {{uri: string}} */ p) => p.uri);
}

for (const button of document.querySelectorAll('[data-export]')) {
  button.addEventListener('click', async () => {
    const as = /** @type {HTMLElement} */ (button).dataset.export ?? 'json';
    try {
      const uris = await selection();
      const text = await SkyPanel.send('library.export', { as, ...(uris ? { uris } : {}) });
      const day = new Date().toISOString().slice(0, 10);
      const [ext, type] = { json: ['json', 'application/json'], markdown: ['md', 'text/markdown'], csv: ['csv', 'text/csv'] }[as] ?? ['txt', 'text/plain'];
      download(text, `skypanel-saved-${day}.${ext}`, type);
    } catch (err) {
      say(`Export failed: ${/** @type {Error} */ (err).message}`, true);
    }
  });
}

$('import').addEventListener('change', async (event) => {
  const input = /** @type {HTMLInputElement} */ (event.target);
  const file = input.files?.[0];
  input.value = '';
  if (!file) return;
  say(`Importing ${file.name}…`);
  try {
    const isZip = /\.zip$/i.test(file.name) || archive.looksLikeZip(new Uint8Array(await file.slice(0, 4).arrayBuffer()));
    if (isZip) {
      const { report, restored } = await own(() => archive.importZip(file));
      const media = restored ? ` ${restored} media files restored.` : '';
      say(`Imported ${file.name}: ${report.added} added, ${report.merged} merged, ${report.skipped} already there.${media}`);
    } else {
      const report = await write('library.import', { text: await file.text() });
      say(`Imported ${file.name}: ${report.added} added, ${report.merged} merged, ${report.skipped} already there.`);
    }
    await refresh();
  } catch (err) {
    say(`${file.name} was not imported, and nothing changed: ${/** @type {Error} */ (err).message}`, true);
  }
});

$('export-zip').addEventListener('click', async () => exportZip(await selection(), /** @type {HTMLButtonElement} */ ($('export-zip'))));

/**
 * Downloads the library (or the posts named) as a .zip.
 * @param {string[] | undefined} uris @param {HTMLButtonElement} button
 */
async function exportZip(uris, button) {
  button.disabled = true;
  say('Packing the export…');
  try {
    const { blob, files, missing, posts } = await archive.exportZip({ uris });
    const url = URL.createObjectURL(blob);
    const a = el('a', { href: url, download: `skypanel-saved-${new Date().toISOString().slice(0, 10)}.zip` });
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 60_000);
    const gaps = missing ? ` ${missing} media files are not backed up yet and are not in it.` : '';
    say(`Exported ${posts} ${posts === 1 ? 'post' : 'posts'} and ${files} media ${files === 1 ? 'file' : 'files'}.${gaps}`);
  } catch (err) {
    say(`Export failed: ${/** @type {Error} */ (err).message}`, true);
  } finally {
    button.disabled = false;
  }
}

let typing = 0;
$('search').addEventListener('input', () => {
  clearTimeout(typing);
  typing = setTimeout(refresh, 120);
});
$('search').addEventListener('submit', (e) => {
  e.preventDefault();
  refresh();
});
more.addEventListener('click', load);

// Saves made elsewhere — bsky.app, the link menu, the shortcut, another library page — show
// up here: the worker announces every change to the library. This page's own removals and
// imports are drawn already; a change that arrives while posts are selected or a note is being
// edited waits until that is done, so it never takes the reader's work away.
/**
 * Runs a change this page draws itself (its announcement is not redrawn again).
 * @template T @param {() => Promise<T>} change @returns {Promise<T>}
 */
async function own(change) {
  ownWrites++;
  try {
    return await change();
  } finally {
    ownWrites--;
  }
}
/** Sends a change this page draws itself. @param {string} type @param {object} payload */
const write = (type, payload) => own(() => SkyPanel.send(type, payload));
const busy = () => selected.size > 0 || list.querySelector('form.edit') !== null;
/** Redraws for a change made elsewhere, now or once the reader is done. */
function catchUp() {
  if (!stale || busy()) return;
  stale = false;
  clearTimeout(changedTimer);
  changedTimer = setTimeout(() => refresh({ keepPlace: true }), 150);
}
chrome.runtime.onMessage.addListener((message) => {
  if (message?.type !== 'library.changed' || ownWrites > 0) return;
  stale = true;
  catchUp();
});

// The page draws posts with the shared renderer, which needs no wasm: it starts at once.
refresh().catch((err) => say(`The library could not be shown: ${err.message}`, true));
