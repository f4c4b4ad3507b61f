// The kiosk goes back to its start screen when nobody touches it: with the
// short timeouts its address allows (idle=2 s), the script waits for the
// start screen to come back — it never sleeps. Also: usable by keyboard
// alone (Tab to the button, Enter), and what was typed is gone afterwards.
//
//   STOREEDGE_URL STOREEDGE_KIOSK_TOKEN SCREENSHOT_DIR
import { env, run, screenshot } from './lib.mjs';

await run(async ({ page }) => {
  await page.goto(`${env('STOREEDGE_URL')}/kiosk/?token=${env('STOREEDGE_KIOSK_TOKEN')}&idle=2`);
  await page.locator('main[data-screen="start"]').waitFor();
  if (!page.url().endsWith('/kiosk/?idle=2')) throw new Error(`unexpected address ${page.url()}`);

  // By keyboard: the first Tab reaches the start button.
  await page.keyboard.press('Tab');
  await page.keyboard.press('Enter');
  await page.locator('main[data-screen="identify"]').waitFor();
  await page.getByLabel(/Order number/).fill('W-1234');
  await screenshot(page, 'kiosk-identify-portrait');
  // Left alone: back to the start.
  await page.locator('main[data-screen="start"]').waitFor();

  // The token stayed on the device; what was typed did not.
  await page.reload();
  await page.locator('main[data-screen="start"]').waitFor();
  await page.setViewportSize({ width: 1920, height: 1080 });
  await page.getByRole('button', { name: /here to pick up/ }).click();
  await page.locator('main[data-screen="identify"]').waitFor();
  if (await page.getByLabel(/Order number/).inputValue()) throw new Error('the last customer\'s order number is still there');
  await screenshot(page, 'kiosk-identify-wide');
  await page.locator('main[data-screen="start"]').waitFor();
});
