// Store work II in the associates' app at a counter screen: bag and stage a
// picked bopis order (two bags, scanned to a staging location), then hand
// it over: a wrong pickup code shows the attempts left, a bag of another
// order is refused loudly, then the right code and both bags; finally a
// return of one unit of it, damaged. tests/system/browser_test.cc checks
// the events the OMS received.
//
//   STOREEDGE_URL STOREEDGE_USER STOREEDGE_PIN STOREEDGE_ORDER STOREEDGE_ORDER_REF
//   STOREEDGE_PICKUP_CODE STOREEDGE_OTHER_BAG STOREEDGE_STATION SCREENSHOT_DIR
import { env, run, scan, screenshot, signIn } from './lib.mjs';

await run(async ({ page }) => {
  const order = env('STOREEDGE_ORDER');
  const ref = env('STOREEDGE_ORDER_REF');
  await page.setViewportSize({ width: 1920, height: 1080 });
  await page.goto(`${env('STOREEDGE_URL')}/app/`);
  await signIn(page, env('STOREEDGE_USER'), env('STOREEDGE_PIN'));

  // The queue lists the picked order to bag and stage.
  const stageRow = page.locator(`#staging li[data-order="${order}"]`);
  await stageRow.waitFor();
  await screenshot(page, '10-queue-pickup');
  await stageRow.getByRole('button', { name: /^Bag and stage order/ }).click();
  await page.locator('.stage[data-state="bagging"]').waitFor();
  await page.getByLabel('Number of bags').fill('2');
  await page.locator(`#bag-station option[value="${env('STOREEDGE_STATION')}"]`).waitFor({ state: 'attached' });
  await page.getByLabel(/Print the labels at station/).selectOption(env('STOREEDGE_STATION'));
  await page.getByRole('button', { name: 'Print bag labels' }).click();
  await page.locator('.stage[data-state="staging"]').waitFor();
  const labels = await page.locator('#stage-bags li[data-label]').evaluateAll((els) => els.map((e) => e.dataset.label));
  if (labels.length !== 2) throw new Error(`expected 2 bags, got ${labels}`);

  // A bag before the location is refused; then the location, then each bag.
  await page.locator('#scan').focus();
  await scan(page, labels[0]);
  await page.locator('#feedback[data-kind="bad"]').filter({ hasText: 'staging location first' }).waitFor();
  await page.getByLabel(/Staging location/).fill('P-01-01');
  await page.getByLabel(/Staging location/).press('Enter');
  await page.locator('#scan').focus();
  await scan(page, labels[0]);
  await page.locator('#staged-count').filter({ hasText: '1 of 2' }).waitFor();
  await screenshot(page, '11-stage');
  await page.locator('#scan').focus();
  await scan(page, labels[1]);
  await page.locator('.stage[data-state="done"]').waitFor();

  // The handover.
  await page.getByRole('link', { name: 'Handover' }).click();
  await page.getByLabel(/Order ref, customer name/).fill(ref);
  await page.getByRole('button', { name: 'Find' }).click();
  await page.locator(`#handover-order[data-order="${order}"]`).waitFor();

  await page.getByLabel(/Pickup code/).fill('000000');
  await page.getByRole('button', { name: 'Check code' }).click();
  await page.locator('#code-result[data-ok="false"]').filter({ hasText: /Wrong pickup code: \d+ attempts? left/ }).waitFor();
  await screenshot(page, '12-handover-wrong-code');

  // A bag of another order: refused, loudly, and nothing counts.
  await page.locator('#scan').focus();
  await scan(page, env('STOREEDGE_OTHER_BAG'));
  await page.locator('#feedback[data-kind="bad"]').filter({ hasText: 'Do not hand this bag over' }).waitFor();
  await page.locator('#bags-left').filter({ hasText: '0 of 2' }).waitFor();

  await page.getByLabel(/Pickup code/).fill(env('STOREEDGE_PICKUP_CODE'));
  await page.getByRole('button', { name: 'Check code' }).click();
  await page.locator('#code-result[data-ok="true"]').waitFor();
  if (!(await page.locator('#confirm-handover').isDisabled())) throw new Error('handover possible before the bags are scanned');
  for (const [i, label] of labels.entries()) {
    await page.locator('#scan').focus();
    await scan(page, label);
    await page.locator('#bags-left').filter({ hasText: `${i + 1} of 2` }).waitFor();
  }
  await page.locator('#feedback[data-kind="ok"]').waitFor();
  await screenshot(page, '13-handover');
  await page.locator('#confirm-handover:not([disabled])').click();
  await page.locator('.handover[data-state="done"]').waitFor();
  await page.locator('#handover-done').waitFor();

  // A return of one bottle, damaged.
  await page.getByRole('link', { name: 'Returns' }).click();
  await page.getByLabel(/Order ref, or scan/).fill(ref);
  await page.getByRole('button', { name: 'Look up' }).click();
  await page.locator('.returns[data-state="lines"]').waitFor();
  await page.locator('#ret-qty-2').fill('1');
  await page.locator('#ret-cond-2').selectOption('damaged');
  await screenshot(page, '14-returns');
  await page.getByRole('button', { name: 'Receive the return' }).click();
  await page.locator('#return-done').waitFor();
});
