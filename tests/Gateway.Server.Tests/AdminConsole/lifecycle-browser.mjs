// Drives the console's lifecycle page in Debian's Chromium with Playwright (npm playwright-core):
//   node lifecycle-browser.mjs PLAN.json  ->  JSON in the plan's output file.
// Signs in as the local admin from the page's redirect, records the page (HTTP status, Content-Security-Policy, console
// errors, failed requests and answers of 400 or more, figures from data-figure/data-value, the sample links), and, when
// the plan says run, clicks "Run a batch now" and records the notice and the page it lands on.
import { readFileSync, writeFileSync } from 'node:fs';
import { launch, signedInPage } from './console-session.mjs';

const plan = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const base = plan.base.replace(/\/$/, '');
const result = {};

const browser = await launch(plan);
try {
  const { page, problems } = await signedInPage(browser, plan, '/console/lifecycle');
  problems.length = 0;
  const answer = await page.goto(base + '/console/lifecycle', { waitUntil: 'load' });
  result.page = { status: answer.status(), csp: answer.headers()['content-security-policy'] ?? null, ...(await seen(page)) };
  if (plan.screenshot) await page.screenshot({ path: plan.screenshot, fullPage: true });
  result.page.problems = [...problems];

  if (plan.run) {
    problems.length = 0;
    await Promise.all([page.waitForURL(url => url.searchParams.get('notice') !== null), page.click('button[data-action=lifecycle-run]')]);
    result.run = { url: page.url(), notice: await page.textContent('.notice'), ...(await seen(page)) };
    if (plan.runScreenshot) await page.screenshot({ path: plan.runScreenshot, fullPage: true });
    result.run.problems = [...problems];
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
