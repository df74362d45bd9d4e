// @ts-check
/** The options page: sign in to Bluesky with an app password, sign out. */
const SkyPanel = /** @type {any} */ (globalThis).SkyPanel;

const $ = (/** @type {string} */ id) => /** @type {any} */ (document.getElementById(id));

/** @param {{handle: string, service: string} | null} account */
function show(account) {
  $('signed-in').textContent = account ? `Signed in as @${account.handle} on ${account.service}.` : 'Not signed in.';
  $('sign-in').hidden = Boolean(account);
  $('sign-out').hidden = !account;
}

/** @param {unknown} err */
function showError(err) {
  $('error').textContent = err ? (err instanceof Error ? err.message : String(err)) : '';
  $('error').hidden = !err;
}

$('sign-in').addEventListener('submit', async (/** @type {SubmitEvent} */ event) => {
  event.preventDefault();
  showError(null);
  const button = $('sign-in').querySelector('button');
  button.disabled = true;
  try {
    const account = await SkyPanel.send('session.signIn', {
      service: $('service').value,
      identifier: $('identifier').value,
      password: $('password').value,
    });
    $('password').value = '';
    show(account);
  } catch (err) {
    showError(err);
  } finally {
    button.disabled = false;
  }
});

$('sign-out').addEventListener('click', async () => {
  showError(null);
  try {
    await SkyPanel.send('session.signOut');
    show(null);
  } catch (err) {
    showError(err);
  }
});

SkyPanel.send('core.status').then((/** @type {any} */ s) => show(s.signedIn), showError);
