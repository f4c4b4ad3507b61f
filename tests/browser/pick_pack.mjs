// A whole pick and pack in the associates' app, as an associate does it on
// a handheld: sign in (a wrong PIN first), the order is in the queue, pick it
// by scanning each unit (a wrong item first), then pack it at the station in
// a box, scanning the units in, close it with its weight and finish packing.
// Then an inventory lookup. Saves screenshots of each screen.
//
//   STOREEDGE_URL STOREEDGE_USER STOREEDGE_PIN STOREEDGE_ORDER
//   STOREEDGE_STATION SCREENSHOT_DIR   (tests/system/browser_test.cc sets them)
import { env, run, scan, screenshot, signIn, step } from './lib.mjs';

// The barcodes on the seeded items (UPC-A of their GTINs).
const barcodes = { 'SKU-1': '012345678905', 'SKU-2': '040000000013', 'SKU-3': '040000000020' };

await run(async ({ page }) => {
  const order = env('STOREEDGE_ORDER');
  await page.goto(env('STOREEDGE_URL') + '/');
  await page.getByRole('heading', { name: 'Sign in' }).waitFor();
  await screenshot(page, '01-sign-in');

  await signIn(page, env('STOREEDGE_USER'), '0000');
  const alert = page.locator('#signin-error');
  await alert.waitFor({ state: 'visible' });
  if (!(await alert.textContent()).trim()) throw new Error('a wrong PIN showed no message');
  await signIn(page, env('STOREEDGE_USER'), env('STOREEDGE_PIN'));
  step('signed-in');

  // The queue lists the order; pick it.
  const row = page.locator(`#to-pick li[data-order="${order}"]`);
  await row.waitFor();
  await page.locator('#link-state.up').waitFor();
  await screenshot(page, '02-queue');
  await row.getByRole('button', { name: /^Pick order/ }).click();
  await page.locator('.pick[data-state="picking"]').waitFor();
  step('picking');

  // A wrong item is refused, clearly.
  await scan(page, barcodes['SKU-3']);
  await page.locator('#feedback[data-kind="bad"]').waitFor();
  step('wrong-item-refused');

  // Each unit: read what the screen asks for, scan that item.
  let shot = false;
  while ((await page.locator('.pick').getAttribute('data-state')) === 'picking') {
    const before = await page.locator('#pick-progress').evaluate((p) => p.value);
    const sku = (await page.locator('#next-sku').getAttribute('data-sku'));
    if (!barcodes[sku]) throw new Error(`the pick screen asks for an unknown SKU '${sku}'`);
    await page.locator('#scan').focus();
    await scan(page, barcodes[sku]);
    await page.waitForFunction((n) => document.getElementById('pick-progress').value > n, before);
    if (!shot && (await page.locator('.pick').getAttribute('data-state')) === 'picking') {
      await page.locator('#feedback[data-kind="ok"]').waitFor();
      await screenshot(page, '03-pick');
      shot = true;
    }
  }
  await page.locator('.pick[data-state="done"]').waitFor();
  step('picked');

  // Packing, on the station's big screen.
  await page.setViewportSize({ width: 1920, height: 1080 });
  await page.getByRole('button', { name: 'Back to tasks' }).first().click();
  const packRow = page.locator(`#packing li[data-order="${order}"]`);
  await packRow.waitFor();
  await packRow.getByRole('button', { name: /^Pack order/ }).click();
  await page.locator('.pack[data-state="picked"]').waitFor();
  const station = page.getByLabel('Station', { exact: true });
  if (await station.isVisible()) {
    await page.locator(`#station option[value="${env('STOREEDGE_STATION')}"]`).waitFor({ state: 'attached' });
    await station.selectOption(env('STOREEDGE_STATION'));
  }
  await page.locator('#box-M').check();
  await page.getByRole('button', { name: 'Open package' }).click();
  await page.locator('#open-package').waitFor();
  step('package-open');

  const lines = await page.locator('.pack tbody tr').evaluateAll((rows) =>
    rows.map((r) => ({ sku: r.children[1].textContent, picked: Number(r.children[2].textContent) })));
  let inBox = 0;
  for (const { sku, picked } of lines) {
    for (let i = 0; i < picked; i++) {
      await page.locator('#scan').focus();
      await scan(page, barcodes[sku]);
      inBox += 1;
      await page.locator('#in-box').filter({ hasText: `${inBox} unit(s) in the box` }).waitFor();
    }
  }
  await screenshot(page, '04-pack');
  await page.getByLabel('Weight (grams)').fill('1250');
  await page.getByRole('button', { name: 'Close package' }).click();
  await page.getByRole('button', { name: 'Finish packing' }).click();
  await page.locator('.pack[data-state="packed"]').waitFor();
  await page.locator('#pack-done').waitFor();
  await screenshot(page, '05-packed');
  step('packed');

  // Inventory lookup, by words and then by scanning a barcode.
  await page.getByRole('link', { name: 'Inventory' }).click();
  await page.getByLabel(/SKU, barcode or words/).fill('trail');
  await page.getByRole('button', { name: 'Look up' }).click();
  await page.locator('#inventory-results li[data-sku="SKU-1"]').waitFor();
  await page.getByLabel(/SKU, barcode or words/).fill('');
  await scan(page, barcodes['SKU-1']);
  const item = page.locator('#inventory-results section[data-sku="SKU-1"]');
  await item.waitFor();
  // 5 on the shelf, 2 picked and packed: still on hand until they ship.
  await item.locator('[data-figure="on_hand"]').filter({ hasText: /^5$/ }).waitFor();
  await screenshot(page, '06-inventory');

  await page.getByRole('link', { name: 'Stations' }).click();
  await page.locator(`tr[data-station="${env('STOREEDGE_STATION')}"]`).waitFor();
  await screenshot(page, '07-stations');
});
