// @ts-check
/** The options page: accounts (sign in, switch, sign out) and service URLs. */
const SkyPanel = /** @type {any} */ (globalThis).SkyPanel;

const $ = (/** @type {string} */ id) => /** @type {any} */ (document.getElementById(id));

/** @param {unknown} err */
function showError(err) {
  $('error').textContent = err ? (err instanceof Error ? err.message : String(err)) : '';
  $('error').hidden = !err;
}

/** @param {{active: string | null, accounts: {did: string, handle: string, service: string}[]}} state */
function renderAccounts(state) {
  const active = state.accounts.find((a) => a.did === state.active);
  $('signed-in').textContent = active ? `Signed in as @${active.handle} on ${active.service}.` : 'Not signed in.';
  const list = $('accounts');
  list.replaceChildren(
    ...state.accounts.map((a) => {
      const item = document.createElement('li');
      item.dataset.did = a.did;
      const who = document.createElement('span');
      who.className = 'who';
      who.textContent = `@${a.handle} `;
      const where = document.createElement('span');
      where.className = 'muted';
      where.textContent = a.service;
      who.append(where);
      item.append(who);
      if (a.did === state.active) {
        const badge = document.createElement('span');
        badge.className = 'badge';
        badge.textContent = 'active';
        item.append(badge);
      } else {
        item.append(button('Use', 'secondary', () => act('accounts.switch', { did: a.did })));
      }
      item.append(button('Sign out', 'secondary', () => act('session.signOut', { did: a.did })));
      return item;
    }),
  );
}

/** @param {string} label @param {string} cls @param {() => void} onClick */
function button(label, cls, onClick) {
  const b = document.createElement('button');
  b.type = 'button';
  b.className = cls;
  b.textContent = label;
  b.addEventListener('click', onClick);
  return b;
}

/** Runs an account message, then re-renders the list. @param {string} type @param {object} payload */
async function act(type, payload) {
  showError(null);
  try {
    await SkyPanel.send(type, payload);
  } catch (err) {
    showError(err);
  }
  renderAccounts(await SkyPanel.send('accounts.list'));
}

$('sign-in').addEventListener('submit', async (/** @type {SubmitEvent} */ event) => {
  event.preventDefault();
  showError(null);
  const submit = $('sign-in').querySelector('button[type=submit]');
  submit.disabled = true;
  try {
    await SkyPanel.send('session.signIn', {
      identifier: $('identifier').value,
      password: $('password').value,
      service: $('service').value.trim() || undefined,
    });
    $('password').value = '';
    $('identifier').value = '';
  } catch (err) {
    showError(err);
  } finally {
    submit.disabled = false;
  }
  renderAccounts(await SkyPanel.send('accounts.list'));
});

/** @param {{plcUrl: string, appviewUrl: string, entrywayUrl: string}} s */
function renderSettings(s) {
  $('plc-url').value = s.plcUrl;
  $('appview-url').value = s.appviewUrl;
  $('entryway-url').value = s.entrywayUrl;
}

$('services').addEventListener('submit', async (/** @type {SubmitEvent} */ event) => {
  event.preventDefault();
  try {
    renderSettings(
      await SkyPanel.send('settings.set', {
        plcUrl: $('plc-url').value,
        appviewUrl: $('appview-url').value,
        entrywayUrl: $('entryway-url').value,
      }),
    );
    $('services-status').textContent = 'Saved.';
  } catch (err) {
    $('services-status').textContent = err instanceof Error ? err.message : String(err);
  }
});

$('services-reset').addEventListener('click', async () => {
  renderSettings(await SkyPanel.send('settings.reset'));
  $('services-status').textContent = 'Reset to Bluesky’s services.';
});

Promise.all([SkyPanel.send('accounts.list'), SkyPanel.send('settings.get')]).then(([state, settings]) => {
  renderAccounts(state);
  renderSettings(settings);
}, showError);

// Collapsed view: saved on every change; every bsky.app tab follows at once.
async function renderCollapsed() {
  const { collapsed } = await chrome.storage.local.get('collapsed');
  const c = { ...SkyPanel.COLLAPSED_DEFAULTS, ...(collapsed ?? {}) };
  $('collapsed-enabled').checked = c.enabled;
  for (const radio of document.querySelectorAll('input[name="mode"]')) {
    /** @type {HTMLInputElement} */ (radio).checked = /** @type {HTMLInputElement} */ (radio).value === c.mode;
  }
  $('collapsed-threshold').value = String(c.threshold);
  $('collapsed-everywhere').checked = c.everywhere;
}

$('collapsed').addEventListener('change', async () => {
  const threshold = Math.min(10, Math.max(2, Math.round(Number($('collapsed-threshold').value) || 3)));
  $('collapsed-threshold').value = String(threshold);
  const mode = /** @type {HTMLInputElement | null} */ (document.querySelector('input[name="mode"]:checked'))?.value ?? 'runs';
  await chrome.storage.local.set({
    collapsed: { enabled: $('collapsed-enabled').checked, mode, threshold, everywhere: $('collapsed-everywhere').checked },
  });
  $('collapsed-status').textContent = 'Saved.';
});
$('collapsed').addEventListener('submit', (/** @type {Event} */ e) => e.preventDefault());
chrome.storage.onChanged.addListener((changes, area) => {
  if (area === 'local' && changes.collapsed) renderCollapsed();
});
renderCollapsed();

// Saved posts: the Bluesky-bookmark option (chrome.storage.local "library") and the import.
async function renderLibrary() {
  const { library } = await chrome.storage.local.get('library');
  $('library-bookmark-too').checked = Boolean(library?.bookmarkToo);
}
$('library-bookmark-too').addEventListener('change', async () => {
  const { library } = await chrome.storage.local.get('library');
  await chrome.storage.local.set({ library: { ...(library ?? {}), bookmarkToo: $('library-bookmark-too').checked } });
});
$('library-import-bookmarks').addEventListener('click', async () => {
  const status = $('library-status');
  status.textContent = 'Importing your Bluesky bookmarks…';
  try {
    const r = await SkyPanel.send('library.importBookmarks');
    status.textContent = `Imported: ${r.added} added, ${r.already} already saved${r.unavailable ? `, ${r.unavailable} no longer available` : ''}.`;
  } catch (err) {
    status.textContent = `Not imported: ${err instanceof Error ? err.message : err}`;
  }
});
$('library').addEventListener('submit', (/** @type {Event} */ e) => e.preventDefault());
renderLibrary();
