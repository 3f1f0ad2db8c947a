// Drives the console's lifecycle page in Debian's Chromium with Playwright (npm playwright-core):
//   node lifecycle-browser.mjs PLAN.json  ->  JSON in the plan's output file.
// Signs in as the local admin from the page's redirect, records the page (HTTP status, Content-Security-Policy, console
// errors, failed requests and answers of 400 or more, figures from data-figure/data-value, the sample links), and, when
// the plan says run, clicks "Run a batch now" and records the notice and the page it lands on.
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const plan = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const require = createRequire(plan.modules + '/');
const { chromium } = require('playwright-core');
const base = plan.base.replace(/\/$/, '');
const result = {};

const browser = await chromium.launch({ executablePath: plan.chromium, args: ['--no-sandbox', '--disable-gpu'] });
try {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  let problems = [];
  page.on('console', message => { if (message.type() === 'error' || message.type() === 'warning') problems.push(`console ${message.type()}: ${message.text()}`); });
  page.on('pageerror', error => problems.push(`page error: ${error.message}`));
  page.on('requestfailed', request => problems.push(`request failed: ${request.url()} ${request.failure()?.errorText}`));
  page.on('response', response => { if (response.status() >= 400) problems.push(`HTTP ${response.status()}: ${response.url()}`); });

  await page.goto(base + '/console/lifecycle');
  await page.fill('#password', plan.password);
  await Promise.all([page.waitForURL(url => !url.pathname.startsWith('/login')), page.click('button[type=submit]')]);
  problems = [];
  const answer = await page.goto(base + '/console/lifecycle', { waitUntil: 'load' });
  result.page = { status: answer.status(), csp: answer.headers()['content-security-policy'] ?? null, ...(await seen(page)) };
  if (plan.screenshot) await page.screenshot({ path: plan.screenshot, fullPage: true });
  result.page.problems = problems;

  if (plan.run) {
    problems = [];
    await Promise.all([page.waitForURL(url => url.searchParams.get('notice') !== null), page.click('button[data-action=lifecycle-run]')]);
    result.run = { url: page.url(), notice: await page.textContent('.notice'), ...(await seen(page)) };
    if (plan.runScreenshot) await page.screenshot({ path: plan.runScreenshot, fullPage: true });
    result.run.problems = problems;
  }
} finally {
  await browser.close();
}

writeFileSync(plan.output, JSON.stringify(result));

async function seen(page) {
  return page.evaluate(() => ({
    figures: Object.fromEntries([...document.querySelectorAll('[data-figure]')].map(e => [e.dataset.figure, e.dataset.value])),
    links: [...document.querySelectorAll('a[data-instance]')].map(a => ({ rule: a.dataset.rule, instance: a.dataset.instance, href: a.getAttribute('href') })),
    progress: document.querySelector('#lifecycle-progress') ? { max: document.querySelector('#lifecycle-progress').max, value: document.querySelector('#lifecycle-progress').value } : null,
    stylesheets: document.styleSheets.length,
    text: document.body.innerText,
  }));
}
