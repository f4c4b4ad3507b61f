// The task queue is live: with the page open, an order the OMS routes
// appears without a reload; when the store loses its link to the OMS a
// banner says so (and that the store keeps working), and it goes when the
// link is back. The C++ side routes the order and stops and starts the
// broker when this script prints the matching STEP line.
import { env, run, screenshot, signIn, step } from './lib.mjs';

await run(async ({ page }) => {
  const order = env('STOREEDGE_ORDER');
  await page.goto(env('STOREEDGE_URL') + '/app/');
  await signIn(page, env('STOREEDGE_USER'), env('STOREEDGE_PIN'));
  await page.locator('#to-pick li[data-order]').first().waitFor();
  await page.locator('#link-state.up').waitFor();
  // Gone if the page reloads: proves the new order came without one.
  await page.evaluate(() => { window.loadedOnce = true; });

  step('route-order');
  await page.locator(`#to-pick li[data-order="${order}"]`).waitFor();
  if (!(await page.evaluate(() => window.loadedOnce === true))) throw new Error('the page reloaded');
  step('order-appeared');

  step('stop-broker');
  const banner = page.locator('#oms-banner');
  await banner.filter({ hasText: 'No link to the order system' }).waitFor({ state: 'visible' });
  if (!(await banner.textContent()).includes('keeps working')) throw new Error('the banner does not say the store keeps working');
  await screenshot(page, '08-oms-link-down');

  step('start-broker');
  await banner.waitFor({ state: 'hidden' });
  if (!(await page.evaluate(() => window.loadedOnce === true))) throw new Error('the page reloaded');
});
