// Signs in to the admin console through the OpenID Connect provider's development login and consent pages in Debian's
// Chromium (Playwright, npm playwright-core): node oidc-sign-in.mjs PLAN.json -> JSON in the plan's output file: where
// the browser ended, the session cookie's attributes, and whether each request to the gateway after the provider's
// callback carried the session cookie.
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const plan = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const require = createRequire(plan.modules + '/');
const { chromium } = require('playwright-core');
const base = plan.base.replace(/\/$/, '');
const result = { requests: [], problems: [] };

const browser = await chromium.launch({ executablePath: plan.chromium, args: ['--no-sandbox', '--disable-gpu'] });
try {
  const context = await browser.newContext();
  const page = await context.newPage();
  page.on('request', async request => {
    if (!request.url().startsWith(base)) return;
    const headers = await request.allHeaders();
    result.requests.push({ path: new URL(request.url()).pathname, session: (headers.cookie ?? '').includes(plan.cookie + '=') });
  });
  page.on('response', response => { if (response.url().startsWith(base) && response.status() >= 400) result.problems.push(`HTTP ${response.status()}: ${response.url()}`); });
  page.on('console', message => { if (message.type() === 'error' && page.url().startsWith(base)) result.problems.push(`console error at ${page.url()}: ${message.text()}`); });

  await page.goto(base + '/console/quality');
  await page.fill('input[name=login]', plan.account);
  await page.fill('input[name=password]', 'any password');
  await page.click('button[type=submit]');
  await page.waitForLoadState('load');
  if (!page.url().startsWith(base)) {
    await page.click('button[type=submit]'); // the consent page
  }

  await page.waitForURL(url => url.pathname === '/console/quality', { timeout: 20000 });
  await page.waitForLoadState('load');
  result.finalUrl = page.url();
  result.title = await page.title();
  const cookie = (await context.cookies(base)).find(c => c.name === plan.cookie);
  result.cookie = cookie ? { sameSite: cookie.sameSite, httpOnly: cookie.httpOnly } : null;
} finally {
  await browser.close();
}

writeFileSync(plan.output, JSON.stringify(result));
