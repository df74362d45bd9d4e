// @ts-check
/** The toolbar popup: the collapsed-view switch, what it is doing in this tab, who is signed in. */
const SkyPanel = /** @type {any} */ (globalThis).SkyPanel;

const $ = (/** @type {string} */ id) => /** @type {any} */ (document.getElementById(id));

/** The tab the popup is about: the active tab (or ?tab=<id>, for tests). */
async function tabId() {
  const fromUrl = new URLSearchParams(location.search).get('tab');
  if (fromUrl) return Number(fromUrl);
  const [tab] = await chrome.tabs.query({ active: true, currentWindow: true });
  return tab?.id;
}

async function renderTab() {
  const id = await tabId();
  const key = `collapse:${id}`;
  const status = id === undefined ? null : (await chrome.storage.session.get(key))[key];
  const { collapsed } = await chrome.storage.local.get('collapsed');
  $('collapsed').checked = Boolean(collapsed?.enabled);
  let text = 'Open bsky.app to use it.';
  if (status?.state === 'unrecognised') text = 'Layout not recognised — collapsed view paused.';
  else if (status?.state === 'on') text = `Active here: ${status.blocks} ${status.blocks === 1 ? 'block' : 'blocks'}, ${status.folded} posts folded.`;
  else if (status?.state === 'off') text = 'Off in this tab.';
  $('tab-status').textContent = text;
}

async function render() {
  try {
    const status = await SkyPanel.send('core.status');
    $('core').textContent = `ready (v${status.coreVersion})`;
    $('account').textContent = status.signedIn ? `@${status.signedIn.handle}` : 'not signed in';
  } catch (err) {
    $('core').textContent = 'not running';
    $('error').textContent = `SkyPanel's background did not answer: ${err instanceof Error ? err.message : err}`;
    $('error').hidden = false;
  }
  const [command] = await chrome.commands.getAll();
  $('shortcut').textContent = command?.shortcut ?? '';
  await renderTab();
}

$('collapsed').addEventListener('change', async () => {
  const { collapsed } = await chrome.storage.local.get('collapsed');
  await chrome.storage.local.set({ collapsed: { ...(collapsed ?? {}), enabled: $('collapsed').checked } });
});
chrome.storage.onChanged.addListener(() => renderTab());
$('options').addEventListener('click', () => chrome.runtime.openOptionsPage());
$('library').addEventListener('click', () => chrome.tabs.create({ url: chrome.runtime.getURL('extension/library/library.html') }));
$('feeds').addEventListener('click', () => chrome.tabs.create({ url: chrome.runtime.getURL('extension/feeds/feeds.html') }));
// sidePanel.open must run inside the click's user gesture: the window id is looked up beforehand.
const currentWindow = chrome.windows.getCurrent();
/**
 * Opens one of SkyPanel's pages in the side panel (the library or the feeds): the panel's page
 * is set first, in the same gesture, since both share the one panel.
 * @param {string} path
 */
function openPanel(path) {
  chrome.sidePanel.setOptions({ path }).catch(() => {});
  currentWindow
    .then((w) => chrome.sidePanel.open({ windowId: /** @type {number} */ (w.id) }))
    .then(() => window.close())
    .catch((err) => {
      $('error').textContent = `The side panel did not open: ${err instanceof Error ? err.message : err}`;
      $('error').hidden = false;
    });
}
$('library-panel').addEventListener('click', () => openPanel('extension/library/library.html'));
$('feeds-panel').addEventListener('click', () => openPanel('extension/feeds/feeds.html'));
render();
