// Shared by the browser tests: Debian's Chromium under playwright-core (no
// browser download), the test's parameters from the environment, and the
// "STEP name" lines that tell tests/system/browser_test.cc where a script is.
//
// Every wait is for a condition (a locator's state, a text), with the
// default timeout below; nothing sleeps.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium } from 'playwright-core';

export const timeoutMs = 30000;

// A required environment variable; a missing one fails with its name.
export function env(name) {
  const v = process.env[name];
  if (!v) throw new Error(`environment variable ${name} is not set (see tests/system/browser_test.cc)`);
  return v;
}

export function step(name) {
  process.stdout.write(`STEP ${name}\n`);
}

// A page of the app in a fresh browser: 768×1024 (a handheld, portrait)
// unless asked otherwise. Uncaught errors in the page fail the test.
export async function open(viewport = { width: 768, height: 1024 }) {
  const browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    // As root Chromium refuses to start without --no-sandbox.
    args: process.getuid && process.getuid() === 0 ? ['--no-sandbox'] : [],
    headless: true,
  });
  const context = await browser.newContext({ viewport });
  const page = await context.newPage();
  page.setDefaultTimeout(timeoutMs);
  const errors = [];
  page.on('pageerror', (e) => errors.push(e));
  page.on('console', (m) => {
    if (m.type() === 'error') process.stderr.write(`page console: ${m.text()}\n`);
  });
  return { browser, page, errors };
}

export async function screenshot(page, name) {
  const dir = env('SCREENSHOT_DIR');
  mkdirSync(dir, { recursive: true });
  await page.screenshot({ path: join(dir, `${name}.png`) });
}

// What a wedge scanner does: the code typed fast, then Enter.
export async function scan(page, code) {
  await page.keyboard.type(code);
  await page.keyboard.press('Enter');
}

export async function signIn(page, user, pin) {
  await page.getByLabel('Associate ID').fill(user);
  await page.getByLabel('PIN').fill(pin);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

// Runs a test body: exit 0 when it passed, 1 with the error otherwise.
export async function run(body) {
  let opened = null;
  try {
    opened = await open();
    await body(opened);
    if (opened.errors.length) throw new Error(`errors in the page: ${opened.errors.join('; ')}`);
    step('passed');
    await opened.browser.close();
    process.exit(0);
  } catch (e) {
    process.stderr.write(`FAILED: ${e.stack || e}\n`);
    if (opened) {
      try {
        await screenshot(opened.page, 'failure');
        process.stderr.write(`page at failure: ${opened.page.url()}\n`);
      } catch {
        // The screenshot is a help, not the verdict.
      }
      await opened.browser.close().catch(() => {});
    }
    process.exit(1);
  }
}
