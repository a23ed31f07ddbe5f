/**
 * The browser tests' harness: a real Ferry in this process (memory storage, port 0, the built console
 * from dist/console), Debian's Chromium driven by playwright-core, an SDK client to check through the
 * SQS API what the console did, and screenshots at a laptop and a narrow size into test-output/.
 *
 * Chromium: /usr/bin/chromium (tools that download their own browser do not work here). When it is
 * missing the suites skip with a message — except under CI=true, where a missing browser fails.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type BrowserContext, type Locator, type Page } from 'playwright-core';
import { overviewOf } from '../../src/console/overview.js';
import { createLogger } from '../../src/core/log.js';
import { createServer, loadConfig, startFerry, type FerryConfig, type FerryServer } from '../../src/index.js';
import type { HistoryPoint, QueueMonitor } from '../../src/monitoring/types.js';
import type { StorageEngine } from '../../src/storage/engine.js';
import { makeClient, type SqsCaller } from '../helpers/clients.js';

export const CHROMIUM = process.env.FERRY_TEST_CHROMIUM ?? '/usr/bin/chromium';
const inCI = process.env.CI === 'true';
/** dist/test/browser → the repository root. */
const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
/** dist/test/browser → dist/console (what the server serves). */
const BUILT = resolve(dirname(fileURLToPath(import.meta.url)), '../../console/index.html');
export const SHOTS = join(ROOT, 'test-output', 'screenshots');

export const LAPTOP = { width: 1366, height: 768 };
export const NARROW = { width: 414, height: 896 };

/**
 * `describe(…, { skip: browserSkip() })`: a reason to skip, or false. Under CI=true a missing
 * Chromium is not a reason: the suite runs and fails in `launch` with a message saying what to install.
 */
export function browserSkip(): string | false {
  if (existsSync(CHROMIUM) || inCI) return false;
  return `Chromium not found at ${CHROMIUM}: the console's browser tests are skipped (apt-get install chromium; with CI=true this is a failure)`;
}

export async function launch(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) throw new Error(`CI=true and there is no Chromium at ${CHROMIUM}: apt-get install chromium (see .ci/run)`);
  if (!existsSync(BUILT)) throw new Error(`the console is not built (${BUILT} is missing): run npm run build`);
  return chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox'] });
}

export interface ConsoleFerry {
  server: FerryServer & { url: string; port: number };
  url: string;
  /** An SDK client (JSON protocol) signed with `credentials`. */
  sqs: SqsCaller;
  close(): Promise<void>;
}

export async function startConsoleFerry(
  overrides: Partial<FerryConfig> = {},
  credentials = { accessKeyId: 'AKIDFERRYTEST', secretAccessKey: 'ferry-test-secret' },
  monitor?: QueueMonitor,
): Promise<ConsoleFerry> {
  const o: Partial<FerryConfig> = { storage: 'memory', port: 0, host: '127.0.0.1', logLevel: 'silent', skipCooldowns: true, ...overrides };
  let server: FerryServer & { url: string; port: number };
  if (monitor) {
    const config = loadConfig({ overrides: o });
    const s = await createServer(config, { logger: createLogger(config.logLevel), monitor });
    server = Object.assign(s, await s.listen());
  } else {
    server = await startFerry(o);
  }
  const sqs = makeClient('json', server.url, 'us-east-1', credentials);
  return {
    server,
    url: server.url,
    sqs,
    async close() {
      sqs.destroy();
      await server.close();
    },
  };
}

/** A page at laptop size that fails the test on any uncaught page error. */
export async function newPage(browser: Browser): Promise<{ context: BrowserContext; page: Page; errors: string[] }> {
  const context = await browser.newContext({ viewport: LAPTOP, locale: 'en-US', timezoneId: 'UTC' });
  const page = await context.newPage();
  page.setDefaultTimeout(10_000);
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  return { context, page, errors };
}

/**
 * Screenshots of the page as it is now, full length, at the laptop and the narrow size
 * (test-output/screenshots/<name>-laptop.png and -narrow.png), then back to laptop size.
 */
export async function snap(page: Page, name: string): Promise<void> {
  mkdirSync(SHOTS, { recursive: true });
  await page.setViewportSize(LAPTOP);
  await page.waitForTimeout(150);
  await page.screenshot({ path: join(SHOTS, `${name}-laptop.png`), fullPage: true });
  await page.setViewportSize(NARROW);
  await page.waitForTimeout(250);
  await page.screenshot({ path: join(SHOTS, `${name}-narrow.png`), fullPage: true });
  await page.setViewportSize(LAPTOP);
  await page.waitForTimeout(150);
}

/** One laptop-size view of the page as it is (no scrolling): the README's picture (docs/console.png). */
export async function snapView(page: Page, name: string): Promise<void> {
  mkdirSync(SHOTS, { recursive: true });
  await page.setViewportSize(LAPTOP);
  await page.waitForTimeout(300);
  await page.screenshot({ path: join(SHOTS, `${name}.png`) });
}

/** Poll `fn` until it returns a truthy value (or throw with `what` after `timeoutMs`). */
export async function until<T>(what: string, fn: () => Promise<T> | T, timeoutMs = 10_000): Promise<NonNullable<T>> {
  const end = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await fn();
      if (v) return v as NonNullable<T>;
    } catch (e) {
      last = e;
    }
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}${last instanceof Error ? `: ${last.message}` : ''}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** The bits of the browser's DOM these helpers touch (the tests compile without the DOM library). */
interface MiniElement {
  getAttribute(name: string): string | null;
  textContent: string | null;
  classList: { contains(c: string): boolean };
}
interface MiniDocument {
  activeElement: unknown;
  getElementById(id: string): MiniElement | null;
}
/** The error shown beside a labelled field (its aria-describedby error), or '' when there is none. */
export async function fieldError(field: Locator): Promise<string> {
  return field.evaluate((el: unknown) => {
    const d = (globalThis as unknown as { document: MiniDocument }).document;
    const ids = ((el as MiniElement).getAttribute('aria-describedby') ?? '').split(/\s+/).filter(Boolean);
    return ids
      .map((id) => d.getElementById(id))
      .filter((n): n is MiniElement => !!n && n.classList.contains('field__error'))
      .map((n) => n.textContent ?? '')
      .join(' ');
  });
}

/** Whether the element has the keyboard focus. */
export async function isFocused(target: Locator): Promise<boolean> {
  return target.evaluate((el: unknown) => el === (globalThis as unknown as { document: MiniDocument }).document.activeElement);
}
/** A fetch from inside the page (same origin, the page's cookies), for API-level checks. */
export async function pageFetch(
  page: Page,
  path: string,
  init: { method?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<{ status: number; body: Record<string, unknown> }> {
  return page.evaluate(
    async ({ path, init }) => {
      const r = await fetch(path, { ...init, credentials: 'same-origin' });
      const text = await r.text();
      const parse = (): Record<string, unknown> => {
        try {
          return text ? (JSON.parse(text) as Record<string, unknown>) : {};
        } catch {
          return { text };
        }
      };
      return { status: r.status, body: parse() };
    },
    { path, init },
  );
}

export async function queueUrl(sqs: SqsCaller, name: string): Promise<string> {
  return (await sqs.call<{ QueueUrl: string }>('GetQueueUrl', { QueueName: name })).QueueUrl;
}

export async function attributes(sqs: SqsCaller, name: string): Promise<Record<string, string>> {
  return (
    await sqs.call<{ Attributes: Record<string, string> }>('GetQueueAttributes', { QueueUrl: await queueUrl(sqs, name), AttributeNames: ['All'] })
  ).Attributes;
}

/**
 * A stand-in for src/monitoring with a known, busy-looking history: the console's charts are tested
 * against the QueueMonitor contract with data in them, whatever the real monitor records. Counts come
 * from the engine (as the console's fallback reads them); rates and ages are fixed.
 */
export function syntheticMonitor(engine: () => StorageEngine): QueueMonitor {
  return {
    async overview(accountId, prefix) {
      return (await overviewOf(undefined, engine(), accountId ?? '000000000000', prefix, Date.now())).map((q) => ({
        ...q,
        oldestAgeSeconds: q.visible + q.inflight + q.delayed > 0 ? 95 : null,
        sentPerSecond: q.visible > 0 ? 12.4 : 0,
        receivedPerSecond: q.visible > 0 ? 11.7 : 0,
        deletedPerSecond: q.visible > 0 ? 11.5 : 0,
      }));
    },
    async history(_account, _name, windowMs) {
      const intervalMs = 10_000;
      const n = Math.min(360, Math.floor(windowMs / intervalMs));
      const end = Math.floor(Date.now() / intervalMs) * intervalMs;
      const points: HistoryPoint[] = [];
      for (let i = 0; i < n; i++) {
        const t = i / Math.max(1, n - 1);
        // A morning's traffic: two bursts the consumers catch up with, a little jitter, a few DLQ moves.
        const wave = Math.sin(t * Math.PI * 2);
        const jitter = Math.sin(i * 0.37) * 0.5 + Math.sin(i * 0.11) * 0.5;
        const sent = Math.max(0, Math.round(110 + 70 * wave + 12 * jitter));
        const backlog = Math.max(0, Math.round(160 * Math.max(0, Math.sin(t * Math.PI * 2 - 0.6)) + 20 + 8 * jitter));
        points.push({
          at: end - (n - 1 - i) * intervalMs,
          visible: backlog,
          inflight: Math.round(24 + 6 * jitter),
          delayed: Math.round(10 + 5 * Math.sin(i * 0.05)),
          oldestAgeSeconds: Math.round(4 + backlog / 3),
          sent,
          received: Math.max(0, Math.round(sent * 0.96 - 4 * jitter)),
          deleted: Math.max(0, Math.round(sent * 0.93 - 4 * jitter)),
          emptyReceives: backlog < 40 ? Math.round(30 + 10 * jitter) : 2,
          movedToDlq: i % 60 === 30 ? 5 : 0,
        });
      }
      return { intervalMs, points };
    },
  };
}
