// Drives the backfill of the console's models page in Debian's Chromium with Playwright (npm playwright-core):
//   node backfill-browser.mjs PLAN.json  ->  one JSON object in the plan's output file.
// Signs in as the local admin and records the page (status, figures from data-figure/data-value, the backfill state);
// when the plan says start, promotes the plan's model for the plan's rule from its form, then clicks the rule's
// "Backfill" button and records the notice and the page it lands on. Every step records console errors, page errors,
// failed requests and answers of 400 or more.
import { readFileSync, writeFileSync } from 'node:fs';
import { launch, readLoaded, signedInPage } from './console-session.mjs';

const plan = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const base = plan.base.replace(/\/$/, '');
const result = {};

const browser = await launch(plan);
try {
  const { context, page, problems } = await signedInPage(browser, plan, '/console/models');
  const answer = await page.goto(base + '/console/models', { waitUntil: 'load' });
  result.page = { status: answer.status(), ...(await seen(page)) };

  if (plan.start) {
    await page.selectOption(`select[data-promote-model="${plan.rule}"]`, plan.model);
    await Promise.all([page.waitForURL(url => url.searchParams.get('notice') !== null), page.click(`button[data-action=promote][value="${plan.rule}"]`)]);
    result.promote = { notice: await page.textContent('.notice'), ruleModel: await page.textContent(`[data-rule-model="${plan.rule}"]`), ...(await seen(page)) };
    await Promise.all([page.waitForURL(url => url.searchParams.get('notice') === 'backfill-started' || url.searchParams.get('notice') === 'backfill-none'), page.click(`button[data-action=backfill][value="${plan.rule}"]`)]);
    result.backfill = { url: page.url(), notice: await page.textContent('.notice'), ...(await seen(page)) };
  }

  if (plan.screenshot) await page.screenshot({ path: plan.screenshot, fullPage: true });
  // What was seen up to here: a reload of the running page that closing the context cuts short is none of the page's problems.
  result.problems = [...problems];
  await context.close();
} finally {
  await browser.close();
}

writeFileSync(plan.output, JSON.stringify(result));

// A page showing a running backfill reloads itself every 2 s (meta refresh): it is read whole, in one evaluation, and
// read again on the page that replaced it when a reload cuts the read short.
async function seen(page) {
  const { seen } = await readLoaded(page, () => document.readyState !== 'complete' ? null : {
    figures: Object.fromEntries([...document.querySelectorAll('[data-figure]')].map(e => [e.dataset.figure, e.dataset.value])),
    state: document.querySelector('[data-backfill-state]')?.dataset.backfillState ?? 'none',
    progress: document.querySelector('#backfill-progress') ? { max: document.querySelector('#backfill-progress').max, value: document.querySelector('#backfill-progress').value } : null,
  });
  return seen;
}
