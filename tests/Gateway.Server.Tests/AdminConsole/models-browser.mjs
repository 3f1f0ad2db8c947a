// Drives the console's models page in Debian's Chromium with Playwright (npm playwright-core):
//   node models-browser.mjs PLAN.json  ->  one JSON object in the plan's output file.
// Signs in as the local admin, reads the page's figures, starts a dry run from its form and follows the page's own
// reloads until it is no longer running (recording each progress seen), then promotes the plan's model for the plan's rule from its form.
// Every step records console errors, page errors, failed requests and answers of 400 or more.
import { readFileSync, writeFileSync } from 'node:fs';
import { launch, readLoaded, signedInPage } from './console-session.mjs';

const plan = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const base = plan.base.replace(/\/$/, '');
const result = {};
const figures = page => page.evaluate(() => Object.fromEntries([...document.querySelectorAll('[data-figure]')].map(e => [e.dataset.figure, e.dataset.value])));

const browser = await launch(plan);
try {
  const { context, page, problems } = await signedInPage(browser, plan, '/console/models');
  const answer = await page.goto(base + '/console/models', { waitUntil: 'load' });
  result.page = {
    status: answer.status(),
    csp: answer.headers()['content-security-policy'] ?? null,
    figures: await figures(page),
    models: await page.evaluate(() => [...document.querySelectorAll('[data-model]')].map(e => e.dataset.model)),
    state: await page.getAttribute('[data-dry-run-state]', 'data-dry-run-state'),
  };

  // The dry run of the policy in force, from its form; then reloads until it is done.
  await page.fill('#dry-run-sample', String(plan.sample));
  await Promise.all([page.waitForURL(url => url.searchParams.get('notice') !== null), page.click('button[data-action=dry-run]')]);
  result.dryRun = { notice: await page.textContent('.notice'), progress: [] };
  for (let attempt = 0; attempt < 600; attempt++) {
    // The page reloads itself every 2 s while a run is on (meta refresh): wait for that load rather than race it with a
    // goto, and read each page whole, in one evaluation, since a reload may replace it at any moment.
    const { seen, reloaded } = await readLoaded(page, () => document.readyState !== 'complete' ? null : {
      state: document.querySelector('[data-dry-run-state]')?.dataset.dryRunState ?? null,
      figures: Object.fromEntries([...document.querySelectorAll('[data-figure]')].map(e => [e.dataset.figure, e.dataset.value])),
    });
    const { state, figures: shown } = seen;
    result.dryRun.progress.push({ state, done: shown['dryRun.done'], total: shown['dryRun.total'], rate: shown['dryRun.rate'], eta: shown['dryRun.etaSeconds'] });
    if (state !== 'running') break;
    await reloaded;
  }
  result.dryRun.figures = await figures(page);
  result.dryRun.instances = await page.evaluate(() => [...document.querySelectorAll('[data-dry-run-instance]')].map(e => e.dataset.dryRunInstance));
  if (plan.screenshot) await page.screenshot({ path: plan.screenshot, fullPage: true });

  // Promote the plan's model for the plan's rule.
  await page.selectOption(`select[data-promote-model="${plan.rule}"]`, plan.model);
  await Promise.all([page.waitForURL(url => url.searchParams.get('notice') !== null), page.click(`button[data-action=promote][value="${plan.rule}"]`)]);
  result.promote = {
    url: page.url(),
    notice: await page.textContent('.notice'),
    ruleModel: await page.textContent(`[data-rule-model="${plan.rule}"]`),
    promoted: await page.textContent(`[data-promoted="${plan.rule}"]`),
  };
  result.problems = problems;
  await context.close();
} finally {
  await browser.close();
}

writeFileSync(plan.output, JSON.stringify(result));
