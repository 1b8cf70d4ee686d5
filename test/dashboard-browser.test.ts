// The dashboard in a real headless Chromium (Debian's, driven by playwright-core) against the real
// gateway with a seeded log of 100k requests: sign in, every page renders with data and without a
// console error, filter the log, open a request, reset a breaker and see it close, edit a chain and
// see the next request follow it. Screenshots go to docs/img/ with DASHBOARD_SCREENSHOTS=1.
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startFakeOpenAI, type FakeUpstream } from './support/fake-openai-upstream.ts';
import { seedRequestLog } from './support/seed-request-log.ts';
import { fakeKeys, fakeProviders, startGateway, type RunningGateway } from './support/start-gateway.ts';

const CHROMIUM = '/usr/bin/chromium';
const ADMIN_KEY = 'dashboard-test-admin-key';
const SEEDED = 100_000;
const CHAINS = {
  conversation: ['edge/mistral-small@error:503', 'openai/gpt-4o-mini@text'],
  code: ['openai/gpt-4.1@text', 'local/qwen2.5-coder@text'],
  reasoning: ['openai/o4-mini@text', 'local/qwen3@text'],
  tools: ['openai/gpt-4o-mini@tool', 'local/llama3.1@text'],
};
const KEEP_SHOTS = process.env.DASHBOARD_SCREENSHOTS === '1';
const hi = [{ role: 'user' as const, content: 'hello there' }];

// CI installs the browser (.ci/setup-chromium.sh); elsewhere the suite says why it did not run.
describe.skipIf(!existsSync(CHROMIUM) && !process.env.CI)('dashboard in a real browser', () => {
  let upstream: FakeUpstream;
  let gw: RunningGateway;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  const problems: string[] = [];
  let SHOTS = '';

  const watch = (p: Page) => {
    p.on('console', (m) => {
      if (m.type() === 'error') problems.push(`console: ${m.text()}`);
    });
    p.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
    // The sign-in form with a wrong key answers 401 on purpose; every other failed request is a problem.
    p.on('response', (r) => {
      if (r.status() >= 400 && !r.url().endsWith('/dashboard/sign-in')) problems.push(`${r.status()} ${r.url()}`);
    });
  };
  const open = async (hash: string) => {
    await page.goto(`${gw.url}/dashboard#/${hash}`);
  };
  const shoot = async (name: string) => {
    await page.evaluate(() => document.fonts.ready.then(() => scrollTo(0, 0)));
    await page.screenshot({ path: path.join(SHOTS, `${name}.png`) });
  };
  /** Light at 1280 px as the page stands (a change's notice still showing), then dark after a reload. */
  const shootBoth = async (name: string, ready: () => Promise<unknown>) => {
    await shoot(`dashboard-${name}-light`);
    await page.emulateMedia({ colorScheme: 'dark' });
    await page.reload();
    await ready();
    await shoot(`dashboard-${name}-dark`);
    await page.emulateMedia({ colorScheme: 'light' });
  };

  beforeAll(async () => {
    SHOTS = KEEP_SHOTS ? path.resolve(import.meta.dirname, '..', 'docs', 'img') : mkdtempSync(path.join(tmpdir(), 'dashboard-shots-'));
    mkdirSync(SHOTS, { recursive: true });
    upstream = await startFakeOpenAI();
    const dir = mkdtempSync(path.join(tmpdir(), 'dashboard-test-'));
    seedRequestLog(path.join(dir, 'router.db'), { count: SEEDED, chains: CHAINS });
    gw = await startGateway({
      dir,
      routerConfig: fakeProviders({ openai: upstream.baseURL, local: upstream.baseURL, edge: upstream.baseURL }),
      env: { ...fakeKeys(['openai', 'local', 'edge']), ROUTER_ADMIN_KEY: ADMIN_KEY, ROUTER_BREAKER_RESET_MS: '600000' },
      chains: CHAINS,
    });
    // playwright-core starts Chromium with a fresh temporary --user-data-dir of its own (and refuses one in args).
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
    context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    page = await context.newPage();
    page.setDefaultTimeout(10_000);
    watch(page);
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await gw?.close();
    await upstream?.close();
    if (!KEEP_SHOTS && SHOTS) rmSync(SHOTS, { recursive: true, force: true });
  });

  afterEach(() => {
    expect(problems).toEqual([]);
  });

  it('asks for the admin key, refuses a wrong one, and signs in with an HttpOnly SameSite=Strict cookie', async () => {
    await page.goto(`${gw.url}/`);
    await page.click('a[href="/dashboard"]');
    await page.fill('input[name=key]', 'not-the-key');
    await page.click('button[type=submit]');
    await expect(page.locator('[role=alert]').textContent()).resolves.toContain('not the admin key');
    await shoot('dashboard-sign-in');

    await page.fill('input[name=key]', ADMIN_KEY);
    await page.click('button[type=submit]');
    await page.waitForSelector('.kpi-value');
    const [cookie] = await context.cookies();
    expect(cookie).toMatchObject({ name: 'router_session', httpOnly: true, sameSite: 'Strict' });

    // The cookie alone does not make a change: a request without the page's CSRF token is refused.
    const status = await page.evaluate(async () => (await fetch('/circuit-breaker/reset-all', { method: 'POST' })).status);
    expect(status).toBe(403);
    problems.length = 0; // that 403 was the point
  }, 60_000);

  it('overview: requests, success rate, cost and latency over time from the seeded log, split and by classifier method', async () => {
    await open('overview?window=30d');
    // The 30-day answer itself, not the 24-hour one the page showed after signing in.
    await page.waitForSelector(`.kpis[data-window-ms="${30 * 86_400_000}"]`);
    await page.waitForSelector('.chart canvas');
    const requests = Number((await page.locator('.kpi', { hasText: 'Requests' }).locator('.kpi-value').textContent())!.replace(/,/g, ''));
    expect(requests).toBeGreaterThan(SEEDED * 0.9);
    expect(await page.locator('.chart canvas').count()).toBe(4);
    await expect(page.locator('.shares li', { hasText: 'keyword' }).count()).resolves.toBe(1);
    await page.selectOption('select', 'target');
    await page.waitForSelector('.kpis[data-split="target"]');
    await page.waitForSelector('td:text("local/qwen3@text")');
    await page.click('button:text("24h")');
    await page.waitForSelector(`.kpis[data-window-ms="${86_400_000}"]`);
    await page.waitForSelector('.chart canvas');
    await shootBoth('overview', () => page.waitForSelector('.chart canvas'));
  }, 60_000);

  it('requests: the log filtered by category and outcome, paged, and one request in detail', async () => {
    await open('requests');
    await page.waitForSelector('table.requests tbody tr');
    await page.selectOption('select[name=range]', '30d');
    await page.selectOption('select[name=category]', 'code');
    await page.selectOption('select[name=outcome]', 'ok');
    await page.click('button:text("Filter")');
    await page.waitForFunction(() => location.hash.includes('category=code'));
    // The filtered answer, not the unfiltered page still on screen while it loads.
    await page.waitForFunction(() => {
      const rows = [...document.querySelectorAll('table.requests tbody tr')];
      return rows.length === 50 && !document.querySelector('.stale') && rows.every((r) => r.children[1].textContent!.startsWith('code'));
    });
    const categories = await page.locator('table.requests tbody tr td:nth-child(2)').allTextContents();
    expect(categories.every((c) => c.startsWith('code'))).toBe(true);
    const outcomes = await page.locator('table.requests tbody tr td:nth-child(4)').allTextContents();
    expect(outcomes.every((o) => o === '200 ok')).toBe(true);

    const firstPage = await page.locator('table.requests tbody tr').first().getAttribute('data-id');
    await page.click('button:text("Older →")');
    await page.waitForFunction((id) => document.querySelector('table.requests tbody tr')?.getAttribute('data-id') !== id, firstPage);
    await page.click('button:text("← Newer")');
    await page.waitForFunction((id) => document.querySelector('table.requests tbody tr')?.getAttribute('data-id') === id, firstPage);
    await shootBoth('requests', () => page.waitForSelector('table.requests tbody tr'));

    // A request the keyword classifier decided (a forced `router/code` request has no reasons).
    await page.locator('table.requests tbody tr:has(td:nth-child(2):has-text("keyword"))').first().click();
    await page.waitForSelector('h2:text("Classification")');
    expect(await page.locator('dd').first().textContent()).toBe('code');
    expect(await page.locator('.reasons li').count()).toBeGreaterThan(0);
    expect(await page.locator('table.attempts tbody tr').count()).toBeGreaterThan(0);
    await shootBoth('request-detail', () => page.waitForSelector('table.attempts'));

    // The id filter opens that request, however far back it is.
    const id = await page.locator('code.request-id').textContent();
    await open('requests');
    await page.fill('input[name=id]', id!);
    await page.click('button:text("Filter")');
    await page.waitForFunction((want) => document.querySelector('code.request-id')?.textContent === want, id);
  }, 60_000);

  it('health: an open breaker is shown with its failures and transitions, and Reset closes it', async () => {
    const client = gw.client();
    for (let i = 0; i < 5; i++) await client.chat.completions.create({ model: 'router/conversation', messages: hi });
    await open('health');
    const row = page.locator('tr[data-target="edge/mistral-small@error:503"]');
    await expect(row.locator('.state').textContent()).resolves.toBe('open');
    expect(await row.textContent()).toContain('100 %');
    await shootBoth('health', () => page.waitForSelector('tr[data-target="edge/mistral-small@error:503"]'));

    await row.locator('button:text("Reset")').click();
    await page.waitForSelector('[role=status]:text("breaker reset")');
    await page.waitForFunction(() => document.querySelector('tr[data-target="edge/mistral-small@error:503"] .state')?.textContent === 'closed');
    // Closed for real: the next request tries the target again.
    const before = upstream.calls('mistral-small@error:503');
    await client.chat.completions.create({ model: 'router/conversation', messages: hi });
    expect(upstream.calls('mistral-small@error:503')).toBe(before + 1);
  }, 60_000);

  it('routing: a chain reordered on the page is saved, shown in the audit log, and the next request follows it', async () => {
    const client = gw.client();
    const before = await client.chat.completions.create({ model: 'router/reasoning', messages: hi }).withResponse();
    expect(before.response.headers.get('x-router-model')).toBe('openai/o4-mini@text');

    // A deployment group (defined over REST) is listed with its deployments.
    const group = await fetch(`${gw.url}/config/group`, {
      method: 'POST',
      headers: { authorization: `Bearer ${ADMIN_KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'fast', strategy: 'round-robin', deployments: [{ target: 'openai/gpt-4o-mini@text' }, { target: 'local/llama3.1@text' }] }),
    });
    expect(group.status).toBe(201);

    await open('routing');
    await expect(page.locator('tr[data-group=fast]').textContent()).resolves.toContain('round-robin');
    const card = page.locator('[data-category=reasoning]');
    await card.locator('button[aria-label="Move local/qwen3@text up"]').click();
    await card.locator('button:text("Save chain")').click();
    await page.waitForSelector('[role=status]:text("reasoning: chain openai/o4-mini@text → local/qwen3@text is now local/qwen3@text → openai/o4-mini@text")');
    await page.waitForSelector('.audit li:has-text("reasoning")');

    const after = await client.chat.completions.create({ model: 'router/reasoning', messages: hi }).withResponse();
    expect(after.response.headers.get('x-router-model')).toBe('local/qwen3@text');

    // A target added at the end of a chain, then removed again.
    const tools = page.locator('[data-category=tools]');
    await tools.locator('input[list=known-targets]').fill('edge/mistral-small@text');
    await tools.locator('button:text("Add")').click();
    await tools.locator('button:text("Save chain")').click();
    await page.waitForSelector('[role=status]:text("tools: chain openai/gpt-4o-mini@tool → local/llama3.1@text is now openai/gpt-4o-mini@tool → local/llama3.1@text → edge/mistral-small@text")');
    await tools.locator('button[aria-label="Remove edge/mistral-small@text"]').click();
    await tools.locator('button:text("Save chain")').click();
    await page.waitForSelector('[role=status]:text("is now openai/gpt-4o-mini@tool → local/llama3.1@text")');

    // The classifier's settings.
    await page.fill('form[aria-label="Classifier settings"] label:has-text("Hybrid threshold") input', '0.7');
    await page.click('button:text("Save classifier settings")');
    await page.waitForSelector('[role=status]:text("classifier: hybridThreshold 0.5 → 0.7")');
    expect((await (await fetch(`${gw.url}/config/classifier`, { headers: { authorization: `Bearer ${ADMIN_KEY}` } })).json()).hybridThreshold).toBe(0.7);

    // A custom category added and deleted from the page.
    await page.fill('form[aria-label="New category"] label:has-text("Name") input', 'translation');
    await page.fill('form[aria-label="New category"] label:has-text("Keywords") input', 'translate, in french');
    await page.fill('form[aria-label="New category"] label:has-text("Chain") input', 'openai/gpt-4o-mini@text');
    await page.click('button:text("Add category")');
    await page.waitForSelector('[data-category=translation]');
    await page.waitForSelector('[role=status]:text("created category translation: 2 keywords")');
    await shootBoth('routing', () => page.waitForSelector('[data-category=translation]'));
    await page.locator('[data-category=translation] button:text("Delete")').click();
    await page.locator('[data-category=translation] button:text("Delete translation?")').click();
    await page.waitForSelector('[role=status]:text("category translation deleted")');
    // Gone from the page once it has read the configuration again.
    await page.waitForSelector('[data-category=translation]', { state: 'detached' });
  }, 60_000);

  it('is readable at phone width', async () => {
    const phone = await browser.newContext({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 1 });
    await phone.addCookies(await context.cookies());
    const small = await phone.newPage();
    watch(small);
    await small.goto(`${gw.url}/dashboard#/overview`);
    await small.waitForSelector('.chart canvas');
    // Nothing wider than the screen: the page does not scroll sideways.
    expect(await small.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await small.evaluate(() => document.fonts.ready);
    await small.screenshot({ path: path.join(SHOTS, 'dashboard-overview-phone.png') });
    await phone.close();
  }, 60_000);
});
