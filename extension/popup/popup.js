// @ts-check
/** The toolbar popup: what SkyPanel is doing and who is signed in. */
const SkyPanel = /** @type {any} */ (globalThis).SkyPanel;

const $ = (/** @type {string} */ id) => /** @type {HTMLElement} */ (document.getElementById(id));

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
}

$('options').addEventListener('click', () => chrome.runtime.openOptionsPage());
render();
