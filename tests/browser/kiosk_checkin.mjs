// A curbside check-in at the kiosk, seen live on an associate's Arrivals
// screen. The kiosk (768×1024 portrait, its device token in the address
// once) takes a wrong code first, then the right one, the customer picks
// bay 3 and sees a confirmation with the wait; the associate's screen, open
// all along, shows the arrival with the bay and the vehicle without a
// reload; starting the handover updates the kiosk's wait over the stream.
//
//   STOREEDGE_URL STOREEDGE_USER STOREEDGE_PIN STOREEDGE_ORDER
//   STOREEDGE_ORDER_REF STOREEDGE_PICKUP_CODE STOREEDGE_KIOSK_TOKEN SCREENSHOT_DIR
import { env, run, screenshot, signIn, timeoutMs } from './lib.mjs';

await run(async ({ browser, page, errors }) => {
  const url = env('STOREEDGE_URL');
  const order = env('STOREEDGE_ORDER');

  // The associate, on a counter screen.
  await page.setViewportSize({ width: 1920, height: 1080 });
  await page.goto(`${url}/app/`);
  await signIn(page, env('STOREEDGE_USER'), env('STOREEDGE_PIN'));
  // Signed in once the queue has loaded; only then is the nav ours to use.
  await page.locator('.queue[data-loaded="true"]').waitFor();
  await page.getByRole('link', { name: 'Arrivals' }).click();
  await page.locator('.arrivals[data-loaded="true"]').waitFor();
  await page.locator('#link-state.up').waitFor();
  await page.getByText('Nobody is waiting.').waitFor();
  await page.evaluate(() => { window.loadedOnce = true; });

  // The kiosk.
  const kctx = await browser.newContext({ viewport: { width: 768, height: 1024 } });
  const kiosk = await kctx.newPage();
  kiosk.setDefaultTimeout(timeoutMs);
  kiosk.on('pageerror', (e) => errors.push(e));
  await kiosk.goto(`${url}/kiosk/?token=${env('STOREEDGE_KIOSK_TOKEN')}`);
  await kiosk.locator('main[data-screen="start"]').waitFor();
  if (kiosk.url().includes('token')) throw new Error(`the token stayed in the address: ${kiosk.url()}`);
  await screenshot(kiosk, 'kiosk-01-start');
  await kiosk.getByRole('button', { name: /here to pick up/ }).click();
  await kiosk.locator('main[data-screen="identify"]').waitFor();

  // A wrong code is refused plainly.
  await kiosk.getByLabel(/Order number/).fill(env('STOREEDGE_ORDER_REF'));
  await kiosk.getByLabel(/Pickup code/).fill('000000');
  await kiosk.getByRole('button', { name: 'Continue' }).click();
  await kiosk.locator('#identify-error').filter({ hasText: 'could not find an order' }).waitFor();
  await screenshot(kiosk, 'kiosk-02-code');

  await kiosk.getByLabel(/Pickup code/).fill(env('STOREEDGE_PICKUP_CODE'));
  await kiosk.getByRole('button', { name: 'Continue' }).click();
  await kiosk.locator('main[data-screen="where"]').waitFor();
  await kiosk.getByRole('heading', { name: 'Hello, Maria!' }).waitFor();
  await kiosk.locator('#where-ref').filter({ hasText: env('STOREEDGE_ORDER_REF') }).waitFor();
  await kiosk.getByLabel(/Your car/).fill('Blue estate');
  await screenshot(kiosk, 'kiosk-03-bay');
  await kiosk.getByRole('button', { name: 'Parking bay 3' }).click();
  await kiosk.locator('main[data-screen="done"]').waitFor();
  await kiosk.locator('#done-where').filter({ hasText: 'Bay 3' }).waitFor();
  await kiosk.locator('#wait-time').filter({ hasText: /minute/ }).waitFor();
  // Nothing personal beyond the first name and the ref.
  const shown = await kiosk.locator('body').innerText();
  for (const secret of ['Okafor', '0173', env('STOREEDGE_PICKUP_CODE')]) {
    if (shown.includes(secret)) throw new Error(`the kiosk shows '${secret}'`);
  }
  await screenshot(kiosk, 'kiosk-04-confirmation');

  // The associate's screen shows the arrival, live, with the bay.
  const row = page.locator(`#arrivals li[data-order="${order}"]`);
  await row.waitFor();
  await row.locator('[data-bay="3"]').filter({ hasText: 'Bay 3' }).waitFor();
  await row.getByText('Blue estate').waitFor();
  await row.getByText('Ready', { exact: true }).waitFor();
  if (!(await page.evaluate(() => window.loadedOnce === true))) throw new Error('the page reloaded');
  // The waiting time counts.
  const waited = row.locator('.waited');
  const first = await waited.textContent();
  await page.waitForFunction(([sel, text]) => document.querySelector(sel)?.textContent !== text,
    [`#arrivals li[data-order="${order}"] .waited`, first]);
  await screenshot(page, '09-arrivals');

  // Starting the handover changes the queue: the kiosk hears it over the stream.
  const before = Number(await kiosk.locator('#wait').getAttribute('data-updates'));
  await row.getByRole('button', { name: /^Hand over order/ }).click();
  await page.locator(`#handover-order[data-order="${order}"]`).waitFor();
  await kiosk.waitForFunction((n) => Number(document.getElementById('wait').dataset.updates) > n, before);
  await kiosk.locator('main[data-screen="done"]').waitFor();

  await kiosk.setViewportSize({ width: 1920, height: 1080 });
  await screenshot(kiosk, 'kiosk-05-confirmation-wide');
  await kctx.close();
});
