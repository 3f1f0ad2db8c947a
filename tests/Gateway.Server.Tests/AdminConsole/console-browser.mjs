// Drives the admin console in Debian's Chromium with Playwright (npm playwright-core; no browser download):
//   node console-browser.mjs PLAN.json  ->  one JSON object in the plan's output file (what each step saw).
// The plan names the gateway, the local admin's password, a viewer's API key, the pages to visit (with the screenshot
// file of each) and the job to retry and cancel. Each page records its console errors, page errors, failed requests
// and answers of 400 or more, its Content-Security-Policy header, its figures (data-figure/data-value), its chart bars
// (data-label/data-value) and its health cells (data-health).
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const plan = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const require = createRequire(plan.modules + '/');
const { chromium } = require('playwright-core');
const base = plan.base.replace(/\/$/, '');
const result = { pages: {} };

const browser = await chromium.launch({ executablePath: plan.chromium, args: ['--no-sandbox', '--disable-gpu'] });
try {
  // A browser without a session asking for the console, and for the landing page.
  if (plan.access) {
    const context = await browser.newContext();
    const page = await context.newPage();
    const answer = await page.goto(base + "/console/jobs");
    result.anonymous = { consoleUrl: page.url(), consoleStatus: answer.status() };
    await page.goto(base + '/');
    result.anonymous.rootUrl = page.url();
    await context.close();
  }

  // A signed-in caller without the admin role (a viewer's API key).
  if (plan.access) {
    const context = await browser.newContext({ extraHTTPHeaders: { 'X-Api-Key': plan.viewerKey } });
    const page = await context.newPage();
    const answer = await page.goto(base + '/console');
    result.viewer = { status: answer.status(), text: (await page.textContent('body')) ?? '' };
    await context.close();
  }

  if (plan.pages || plan.job || plan.compare) {
    await signedIn(browser);
  }
} finally {
  await browser.close();
}

writeFileSync(plan.output, JSON.stringify(result));

/** Signs in as the local admin from the console's redirect, visits the plan's pages, then retries and cancels its job. */
async function signedIn(browser) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  let problems = [];
  page.on('console', message => { if (message.type() === 'error' || message.type() === 'warning') problems.push(`console ${message.type()}: ${message.text()}`); });
  page.on('pageerror', error => problems.push(`page error: ${error.message}`));
  page.on('requestfailed', request => problems.push(`request failed: ${request.url()} ${request.failure()?.errorText}`));
  page.on('response', response => { if (response.status() >= 400) problems.push(`HTTP ${response.status()}: ${response.url()}`); });

  // Signing in from the redirect: the login page, then back to the page asked for.
  await page.goto(base + '/console/jobs');
  result.signIn = { loginUrl: page.url() };
  await page.fill('#password', plan.password);
  await Promise.all([page.waitForURL(url => !url.pathname.startsWith('/login')), page.click('button[type=submit]')]);
  result.signIn.landedUrl = page.url();
  result.signIn.problems = problems;

  for (const visit of plan.pages ?? []) {
    problems = [];
    const started = Date.now();
    const answer = await page.goto(base + visit.path, { waitUntil: 'load' });
    const loadMs = Date.now() - started;
    const seen = await page.evaluate(() => ({
      title: document.title,
      figures: Object.fromEntries([...document.querySelectorAll('[data-figure]')].map(e => [e.dataset.figure, e.dataset.value])),
      bars: Object.fromEntries([...document.querySelectorAll('svg').values()].map(svg => [svg.id, [...svg.querySelectorAll('rect[data-label]')].map(r => ({ label: r.dataset.label, value: r.dataset.value }))])),
      health: Object.fromEntries([...document.querySelectorAll('[data-health]')].map(e => [e.dataset.health, e.dataset.value])),
      jobs: [...document.querySelectorAll('[data-job]')].map(e => e.dataset.job),
      links: [...document.querySelectorAll('a[data-instance]')].map(a => a.getAttribute('href')),
      stylesheets: document.styleSheets.length,
      text: document.body.innerText,
    }));
    await page.screenshot({ path: visit.screenshot, fullPage: true });
    result.pages[visit.name] = { status: answer.status(), csp: answer.headers()['content-security-policy'] ?? null, loadMs, ...seen, problems };
  }

  // Compare pages: every image loaded, then a screenshot of each image element and of the page.
  result.compare = {};
  for (const visit of plan.compare ?? []) {
    problems = [];
    const answer = await page.goto(base + visit.path, { waitUntil: 'load' });
    const images = await page.evaluate(() => [...document.images].map(img => ({ id: img.id, complete: img.complete, width: img.naturalWidth, height: img.naturalHeight })));
    for (const image of images) {
      await page.locator('#' + image.id).screenshot({ path: `${visit.folder}/${image.id}.png` });
    }
    if (visit.screenshot) await page.screenshot({ path: visit.screenshot, fullPage: true });
    const figures = await page.evaluate(() => Object.fromEntries([...document.querySelectorAll('[data-figure]')].map(e => [e.dataset.figure, e.dataset.value])));
    const instances = await page.evaluate(() => [...document.querySelectorAll('section.sampled-instance')].map(e => e.dataset.instance));
    result.compare[visit.name] = { status: answer.status(), images, figures, instances, problems };
  }

  result.stats = await (await context.request.get(base + '/api/stats')).json();
  result.quality = await (await context.request.get(base + '/api/quality')).json();

  // Retry the failed job from its button, then cancel it (queued again by then).
  if (plan.job) {
    problems = [];
    await page.goto(base + '/console/jobs');
    await Promise.all([page.waitForURL(url => url.searchParams.get('notice') !== null), page.click(`button[data-action=retry][value="${plan.job}"]`)]);
    result.retry = { url: page.url(), notice: await page.textContent('.notice'), state: await page.textContent(`[data-job-state="${plan.job}"]`) };
    await Promise.all([page.waitForURL(url => url.searchParams.get('notice') === 'cancelled'), page.click(`button[data-action=cancel][value="${plan.job}"]`)]);
    result.cancel = { url: page.url(), notice: await page.textContent('.notice'), listed: await page.locator(`[data-job="${plan.job}"]`).count() };
    result.actionProblems = problems;
  }
}
