// What the console's browser scripts share: Debian's Chromium through Playwright (npm playwright-core from the plan's
// modules folder), a page signed in as the local admin that records, in `problems`, console errors and warnings,
// page errors, failed requests and answers of 400 or more, and reading a page that reloads itself.
import { createRequire } from 'node:module';

export function launch(plan) {
  const { chromium } = createRequire(plan.modules + '/')('playwright-core');
  return chromium.launch({ executablePath: plan.chromium, args: ['--no-sandbox', '--disable-gpu'] });
}

// Opens PATH (relative to plan.base), signs in on the login page it is sent to and waits to be sent back.
export async function signedInPage(browser, plan, path) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  const problems = [];
  page.on('console', message => { if (message.type() === 'error' || message.type() === 'warning') problems.push(`console ${message.type()}: ${message.text()}`); });
  page.on('pageerror', error => problems.push(`page error: ${error.message}`));
  page.on('requestfailed', request => problems.push(`request failed: ${request.url()} ${request.failure()?.errorText}`));
  page.on('response', response => { if (response.status() >= 400) problems.push(`HTTP ${response.status()}: ${response.url()}`); });
  await page.goto(plan.base.replace(/\/$/, '') + path);
  await page.fill('#password', plan.password);
  await Promise.all([page.waitForURL(url => !url.pathname.startsWith('/login')), page.click('button[type=submit]')]);
  return { context, page, problems };
}

// Reads the page with `read` (evaluated in it; it returns null while the document is still loading) and returns what it
// read with `reloaded`, the page's next load. A page that reloads itself (the models page's meta refresh while a run is
// on) may replace its document at any moment: the wait for the next load is set before the page is read, so a reload
// that lands while it is read is not missed, and a read cut short by a reload is made again once the new page loaded.
export async function readLoaded(page, read) {
  for (;;) {
    const reloaded = page.waitForEvent('load', { timeout: 60000 });
    reloaded.catch(() => {});
    const seen = await page.evaluate(read).catch(error => {
      if (/Execution context was destroyed|Cannot find context/.test(error.message)) return null;
      throw error;
    });
    if (seen !== null) return { seen, reloaded };
    await reloaded;
  }
}
