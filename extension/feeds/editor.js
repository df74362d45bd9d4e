// @ts-check
/**
 * The feed editor: name, sources, filters, sort, dedupe, per-author cap and collapse, with a
 * live preview — after each change (debounced) the feed runs (`feeds.run`, 30 posts) and the
 * page shows every step's count as a chain ("timeline 150 → no reposts 112 → at least 5 likes
 * 38"), the posts, and each problem at its field (its `path`, e.g. `sources[2].actor` or
 * `filters[0].regex`) while the rest of the feed still runs. A JSON view shows the definition
 * as it will be saved, and takes edits.
 *
 * Hooks: [data-testid=feeds-editor]; every input carries `data-path` (its place in the
 * definition); a problem's message is [data-testid=feeds-field-error][data-error-path];
 * [data-testid=feeds-steps] > [data-testid=feeds-step][data-in][data-out];
 * [data-testid=feeds-preview] holds the preview's posts.
 */
import { el } from '../shared/post-view.js';
import { FILTERS, SORTS, SOURCES } from './definition.js';
import { drawPosts, refreshSaved } from './posts.js';

const SkyPanel = /** @type {any} */ (globalThis).SkyPanel;
const PREVIEW_DELAY_MS = 400;
const PREVIEW_LIMIT = 30;

/** The path of what encloses `path`: `sources[2].uri` → `sources[2]` → `sources` → ''. @param {string} path */
const parentPath = (path) => {
  const m = /(\.[^.[\]]+|\[\d+\])$/.exec(path);
  return m ? path.slice(0, m.index) : '';
};

/**
 * @typedef {{definition: any, id: string | null, onSaved: (id: string) => void, onCancel: () => void}} EditorOptions
 */

/**
 * Builds the editor for `definition` (a copy is edited) in `root`.
 * @param {HTMLElement} root
 * @param {EditorOptions} options
 */
export function openEditor(root, options) {
  /** The definition being edited. */
  const def = structuredClone(options.definition);
  def.sources = Array.isArray(def.sources) ? def.sources : [];
  def.filters = Array.isArray(def.filters) ? def.filters : [];
  let generation = 0;
  let timer = 0;

  const form = el('form', { class: 'editor', 'data-testid': 'feeds-editor', novalidate: '' });
  form.addEventListener('submit', (e) => e.preventDefault());
  const general = el('ul', { class: 'errors', 'data-testid': 'feeds-errors', role: 'alert' });
  const steps = el('ol', { class: 'steps', 'data-testid': 'feeds-steps', 'aria-label': 'How many posts each step keeps' });
  const status = el('p', { class: 'muted', role: 'status', 'data-testid': 'feeds-preview-status' });
  const preview = el('ol', { class: 'posts', 'data-testid': 'feeds-preview', 'aria-label': 'Preview' });
  const json = /** @type {HTMLTextAreaElement} */ (el('textarea', { class: 'json', spellcheck: 'false', 'aria-label': 'The definition as JSON', 'data-testid': 'feeds-json' }));
  const fields = el('div', { class: 'fields' });
  const save = el('button', { type: 'button', 'data-testid': 'feeds-save' }, [options.id ? 'Save' : 'Save feed']);
  const cancel = el('button', { type: 'button', class: 'secondary', 'data-testid': 'feeds-cancel' }, ['Cancel']);
  const saveMessage = el('p', { class: 'error', role: 'alert', 'data-testid': 'feeds-save-message' });
  const applyJson = el('button', { type: 'button', class: 'secondary', 'data-testid': 'feeds-json-apply' }, ['Use this JSON']);

  form.append(
    fields,
    el('details', { class: 'json-view' }, [el('summary', {}, ['JSON']), json, applyJson]),
    el('div', { class: 'row' }, [save, cancel]),
    saveMessage,
  );
  const side = el('section', { class: 'preview', 'aria-label': 'Preview', 'aria-busy': 'false' }, [el('h2', {}, ['Preview']), general, steps, status, preview]);
  root.replaceChildren(el('div', { class: 'editor-layout' }, [form, side]));

  /** An input with its place in the definition. @param {string} path @param {HTMLElement} input @param {string} label @param {string} [hint] */
  function labelled(path, input, label, hint) {
    input.setAttribute('data-path', path);
    const id = `f-${path.replace(/[^A-Za-z0-9]+/g, '-')}`;
    input.id = id;
    const wrap = el('div', { class: input.getAttribute('type') === 'checkbox' ? 'field check' : 'field', 'data-field': path });
    const lab = el('label', { for: id }, [label]);
    if (input.getAttribute('type') === 'checkbox') wrap.append(input, lab);
    else wrap.append(lab, input);
    if (hint) wrap.append(el('div', { class: 'hint muted' }, [hint]));
    return wrap;
  }

  /**
   * One field of a source or filter.
   * @param {any} obj @param {import('./definition.js').Field} f @param {string} base e.g. sources[2]
   * @param {string} what e.g. "Source 3"
   */
  function field(obj, f, base, what) {
    const path = `${base}.${f.key}`;
    const aria = `${what}: ${f.label}`;
    if (f.type === 'bool') {
      const input = /** @type {HTMLInputElement} */ (el('input', { type: 'checkbox' }));
      input.checked = obj[f.key] === undefined ? Boolean(f.default) : Boolean(obj[f.key]);
      input.addEventListener('change', () => changed(() => (obj[f.key] = input.checked)));
      return labelled(path, input, f.label);
    }
    if (f.type === 'multi') {
      const chosen = new Set(Array.isArray(obj[f.key]) ? obj[f.key].map(String) : Array.isArray(f.default) ? f.default : []);
      const group = el('fieldset', { class: 'multi', 'data-path': path, 'data-field': path }, [el('legend', {}, [f.label])]);
      for (const option of f.options ?? []) {
        const box = /** @type {HTMLInputElement} */ (el('input', { type: 'checkbox', value: option, 'aria-label': `${aria}: ${option}` }));
        box.checked = chosen.has(option);
        box.addEventListener('change', () =>
          changed(() => {
            const values = Array.from(group.querySelectorAll('input:checked'), (i) => /** @type {HTMLInputElement} */ (i).value);
            // The default (every option, for "look in") is written as no field at all.
            const isDefault = Array.isArray(f.default) && values.length === f.default.length;
            if (values.length && !isDefault) obj[f.key] = values;
            else delete obj[f.key];
          }));
        group.append(el('label', { class: 'inline' }, [box, ` ${option}`]));
      }
      return group;
    }
    if (f.type === 'select') {
      const select = /** @type {HTMLSelectElement} */ (el('select', {}, (f.options ?? []).map((o) => el('option', { value: o }, [o || 'default']))));
      select.value = typeof obj[f.key] === 'string' ? obj[f.key] : '';
      select.addEventListener('change', () => changed(() => (select.value ? (obj[f.key] = select.value) : delete obj[f.key])));
      return labelled(path, select, f.label);
    }
    const input = /** @type {HTMLInputElement} */ (el('input', { type: f.type === 'number' ? 'number' : 'text', autocomplete: 'off', spellcheck: 'false' }));
    if (f.placeholder) input.placeholder = f.placeholder;
    if (f.step) input.step = f.step;
    if (f.min) input.min = f.min;
    const value = obj[f.key];
    input.value = f.type === 'list' ? (Array.isArray(value) ? value.join(', ') : '') : value === undefined || value === null ? '' : String(value);
    if (f.type === 'number' && value === undefined && f.default !== undefined) input.placeholder = String(f.default);
    input.addEventListener('input', () =>
      changed(() => {
        const text = input.value;
        if (f.type === 'list') {
          const items = text.split(',').map((s) => s.trim()).filter(Boolean);
          if (items.length) obj[f.key] = items;
          else delete obj[f.key];
        } else if (f.type === 'number') {
          const n = Number(text);
          if (text.trim() === '' || !Number.isFinite(n)) delete obj[f.key];
          else obj[f.key] = n;
        } else if (text === '' && !['actor', 'uri', 'q'].includes(f.key)) delete obj[f.key];
        else obj[f.key] = text;
      }));
    return labelled(path, input, f.label);
  }

  /**
   * A source or filter as a group of fields, with Remove.
   * @param {'sources' | 'filters'} list @param {number} i
   */
  function part(list, i) {
    const obj = def[list][i];
    const kinds = list === 'sources' ? SOURCES : FILTERS;
    const spec = kinds[obj?.kind];
    const base = `${list}[${i}]`;
    const what = `${list === 'sources' ? 'Source' : 'Filter'} ${i + 1}`;
    const remove = el('button', { type: 'button', class: 'secondary small', 'aria-label': `Remove ${what.toLowerCase()}`, 'data-testid': `feeds-remove-${list === 'sources' ? 'source' : 'filter'}` }, ['Remove']);
    remove.addEventListener('click', () => {
      def[list].splice(i, 1);
      drawFields();
      schedule();
    });
    const box = el('fieldset', { class: 'part', 'data-path': base, 'data-field': base, 'data-kind': String(obj?.kind ?? '') }, [
      el('legend', {}, [`${what}: ${spec ? spec.title : `“${String(obj?.kind ?? '?')}” (not known to this version; kept as it is)`}`]),
    ]);
    if (spec) for (const f of spec.fields) box.append(field(obj, f, base, what));
    box.append(remove);
    return box;
  }

  /** "Add a source/filter": a kind to pick and a button. @param {'sources' | 'filters'} list */
  function adder(list) {
    const kinds = list === 'sources' ? SOURCES : FILTERS;
    const noun = list === 'sources' ? 'source' : 'filter';
    const select = /** @type {HTMLSelectElement} */ (el('select', { 'aria-label': `Kind of ${noun} to add`, 'data-testid': `feeds-add-${noun}-kind` },
      Object.entries(kinds).map(([k, v]) => el('option', { value: k }, [v.title]))));
    const add = el('button', { type: 'button', class: 'secondary small', 'data-testid': `feeds-add-${noun}` }, [`Add ${noun}`]);
    add.addEventListener('click', () => {
      def[list].push(kinds[select.value].make());
      drawFields();
      schedule();
      const parts = fields.querySelectorAll(`fieldset.part[data-path^="${list}["]`);
      /** @type {HTMLElement | null} */ (parts[parts.length - 1]?.querySelector('input, select'))?.focus();
    });
    return el('div', { class: 'adder' }, [select, add]);
  }

  /** Draws every field from `def` (after a structural change: a part added or removed). */
  function drawFields() {
    const name = /** @type {HTMLInputElement} */ (el('input', { type: 'text', 'data-testid': 'feeds-name' }));
    name.value = String(def.name ?? '');
    name.addEventListener('input', () => changed(() => (def.name = name.value)));

    const sort = /** @type {HTMLSelectElement} */ (el('select', { 'data-testid': 'feeds-sort' }, SORTS.map((s) => el('option', { value: s }, [s]))));
    sort.value = SORTS.includes(def.sort) ? def.sort : 'newest';
    sort.addEventListener('change', () => changed(() => (def.sort = sort.value)));

    const dedupe = /** @type {HTMLInputElement} */ (el('input', { type: 'checkbox', 'data-testid': 'feeds-dedupe' }));
    dedupe.checked = def.dedupe !== false;
    dedupe.addEventListener('change', () => changed(() => (def.dedupe = dedupe.checked)));

    const cap = /** @type {HTMLInputElement} */ (el('input', { type: 'number', min: '1', placeholder: 'no cap', 'data-testid': 'feeds-per-author' }));
    cap.value = def.perAuthor === null || def.perAuthor === undefined ? '' : String(def.perAuthor);
    cap.addEventListener('input', () => changed(() => (def.perAuthor = cap.value.trim() === '' ? null : Number(cap.value))));

    const mode = /** @type {HTMLSelectElement} */ (el('select', { 'data-testid': 'feeds-collapse-mode' }, [
      el('option', { value: '' }, ['off']), el('option', { value: 'runs' }, ['runs']), el('option', { value: 'bundle' }, ['bundle']),
    ]));
    mode.value = def.collapse?.mode ?? '';
    const threshold = /** @type {HTMLInputElement} */ (el('input', { type: 'number', min: '2', max: '10', 'data-testid': 'feeds-collapse-threshold' }));
    threshold.value = String(def.collapse?.threshold ?? 3);
    threshold.disabled = !def.collapse;
    const setCollapse = () =>
      changed(() => {
        threshold.disabled = !mode.value;
        def.collapse = mode.value ? { ...(def.collapse ?? {}), mode: mode.value, threshold: Number(threshold.value) || 3 } : null;
      });
    mode.addEventListener('change', setCollapse);
    threshold.addEventListener('input', setCollapse);

    fields.replaceChildren(
      labelled('name', name, 'Name'),
      el('h2', {}, ['Sources']),
      ...def.sources.map((/** @type {any} */ _, /** @type {number} */ i) => part('sources', i)),
      adder('sources'),
      el('h2', {}, ['Filters']),
      ...def.filters.map((/** @type {any} */ _, /** @type {number} */ i) => part('filters', i)),
      adder('filters'),
      el('h2', {}, ['Order and shape']),
      labelled('sort', sort, 'Sort'),
      labelled('dedupe', dedupe, 'one row per post (dedupe)'),
      labelled('perAuthor', cap, 'At most … posts per author'),
      el('div', { class: 'row' }, [labelled('collapse.mode', mode, 'Collapsed view'), labelled('collapse.threshold', threshold, 'from … in a row')]),
    );
    json.value = JSON.stringify(def, null, 2);
  }

  /** Applies an edit to `def` and runs the preview soon. @param {() => void} edit */
  function changed(edit) {
    edit();
    json.value = JSON.stringify(def, null, 2);
    schedule();
  }

  function schedule() {
    clearTimeout(timer);
    timer = setTimeout(runPreview, PREVIEW_DELAY_MS);
  }

  /** Removes every problem shown. */
  function clearProblems() {
    general.replaceChildren();
    for (const e of root.querySelectorAll('[data-testid=feeds-field-error]')) e.remove();
    for (const i of root.querySelectorAll('[aria-invalid]')) {
      i.removeAttribute('aria-invalid');
      i.removeAttribute('aria-describedby');
    }
  }

  /**
   * Shows a problem at its field: the input its path names, else the nearest enclosing part
   * (`sources[2].uri` → `sources[2]`), else above the preview.
   * @param {{path?: string, name?: string, message?: string}} problem
   */
  function showProblem(problem) {
    const path = String(problem.path ?? '');
    const message = String(problem.message ?? problem.name ?? 'something is wrong');
    /** @type {Element | null} */
    let target = null;
    for (let p = path; p && !target; p = parentPath(p)) target = fields.querySelector(`[data-field="${CSS.escape(p)}"]`);
    if (!target) {
      general.append(el('li', { 'data-error-path': path }, [path ? `${path}: ${message}` : message]));
      return;
    }
    const id = `err-${Math.random().toString(36).slice(2)}`;
    const note = el('div', { class: 'field-error error', id, 'data-testid': 'feeds-field-error', 'data-error-path': path }, [message]);
    if (target.tagName === 'FIELDSET') target.querySelector('legend')?.after(note);
    else target.append(note);
    const input = target.matches('[data-path]') && target.tagName !== 'FIELDSET' ? target : target.querySelector('[data-path]');
    if (input) {
      input.setAttribute('aria-invalid', 'true');
      input.setAttribute('aria-describedby', id);
    }
  }

  /** Runs the feed as it is now and shows its steps, posts and problems. */
  async function runPreview() {
    const mine = ++generation;
    side.setAttribute('aria-busy', 'true');
    status.textContent = 'Running…';
    try {
      const answer = await SkyPanel.send('feeds.run', { definition: def, limit: PREVIEW_LIMIT });
      if (mine !== generation) return;
      clearProblems();
      for (const p of answer.errors ?? []) showProblem(p);
      steps.replaceChildren(...(answer.steps ?? []).map((/** @type {any} */ s, /** @type {number} */ i) =>
        el('li', { 'data-testid': 'feeds-step', 'data-in': String(s.in), 'data-out': String(s.out), title: `${s.in} in, ${s.out} out` }, [
          i ? el('span', { class: 'arrow', 'aria-hidden': 'true' }, ['→ ']) : null,
          `${s.label} ${s.out}`,
        ])));
      const drawn = await drawPosts(answer.posts ?? [], def.sources);
      if (mine !== generation) return;
      preview.replaceChildren(...drawn);
      status.textContent = answer.posts?.length ? `${answer.posts.length} posts on the first page` : 'No posts on the first page.';
      refreshSaved((answer.posts ?? []).map((/** @type {any} */ p) => p.uri));
    } catch (err) {
      if (mine !== generation) return;
      clearProblems();
      steps.replaceChildren();
      preview.replaceChildren();
      const e = /** @type {Error} */ (err);
      // A fatal definition error: its message names the field where it can.
      const at = /^([a-zA-Z]+(?:\[\d+\])?(?:\.[a-zA-Z]+)?):\s/.exec(e.message ?? '');
      showProblem({ path: at ? at[1] : '', name: e.name, message: e.message });
      status.textContent = 'The feed did not run.';
    } finally {
      if (mine === generation) side.setAttribute('aria-busy', 'false');
    }
  }

  applyJson.addEventListener('click', async () => {
    saveMessage.textContent = '';
    try {
      // The core's check first: a file that is not a feed, or from a newer version, is refused.
      await SkyPanel.send('feeds.check', { text: json.value });
      const next = JSON.parse(json.value);
      for (const k of Object.keys(def)) delete def[k];
      Object.assign(def, next);
      def.sources = Array.isArray(def.sources) ? def.sources : [];
      def.filters = Array.isArray(def.filters) ? def.filters : [];
      drawFields();
      runPreview();
    } catch (err) {
      saveMessage.textContent = `That JSON was not used: ${/** @type {Error} */ (err).message}`;
    }
  });

  save.addEventListener('click', async () => {
    saveMessage.textContent = '';
    save.setAttribute('aria-busy', 'true');
    try {
      const saved = await SkyPanel.send('feeds.save', { id: options.id ?? undefined, definition: def });
      options.onSaved(saved.id);
    } catch (err) {
      saveMessage.textContent = `Not saved: ${/** @type {Error} */ (err).message}`;
    } finally {
      save.removeAttribute('aria-busy');
    }
  });
  cancel.addEventListener('click', () => options.onCancel());

  // Mutuals and quiet posters take a while the first time: their progress, while it runs.
  /** @param {any} message */
  const onProgress = (message) => {
    if (message?.type !== 'feeds.progress' || side.getAttribute('aria-busy') !== 'true') return;
    const { label, done, total } = message.payload ?? {};
    status.textContent = `Running… ${label}: ${done} of ${total}`;
  };
  chrome.runtime.onMessage.addListener(onProgress);

  drawFields();
  runPreview();
  return {
    /** Stops pending previews (the editor is closing). */
    close() {
      clearTimeout(timer);
      generation++;
      chrome.runtime.onMessage.removeListener(onProgress);
    },
  };
}
