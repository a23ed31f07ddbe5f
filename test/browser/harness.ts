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
import { createLogger } from '../../src/core/log.js';
import { createServer, loadConfig, startFerry, type FerryConfig, type FerryServer } from '../../src/index.js';
import { ManualClock } from '../../src/core/clock.js';
import type { QueueMonitor } from '../../src/monitoring/types.js';
import { makeClient, type SqsCaller } from '../helpers/clients.js';

export const CHROMIUM = process.env.FERRY_TEST_CHROMIUM ?? '/usr/bin/chromium';
const inCI = process.env.CI === 'true';
/** dist/test/browser → the repository root. */
const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
/** dist/test/browser → dist/console (what the server serves). */
const BUILT = resolve(dirname(fileURLToPath(import.meta.url)), '../../console/index.html');
export const SHOTS = join(ROOT, 'test-output', 'screenshots');

export const LAPTOP = { width: 1366, height: 768 };
export const NARROW = { width: 390, height: 844 };

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
 * A Ferry whose monitor (src/monitoring, the real one) holds an hour of history: the server runs on a
 * manual clock that starts an hour ago, and a producer and a consumer drive real traffic through the SQS
 * API ten seconds of clock at a time — a morning's sends with a slow consumer stretch that builds a
 * backlog, a few poison messages that go round three times and land in the dead-letter queue, delayed
 * messages, empty receives once the consumer has caught up — with one history sample per tick. The
 * charts show what the server recorded; nothing is made up.
 */
export async function startBusyFerry(): Promise<ConsoleFerry & { clock: ManualClock }> {
  const TICK = 10_000;
  const TICKS = 360; // one hour
  const clock = new ManualClock(Math.floor(Date.now() / TICK) * TICK - TICKS * TICK);
  const config = loadConfig({ overrides: { storage: 'memory', port: 0, host: '127.0.0.1', logLevel: 'silent', skipCooldowns: true } });
  const s = await createServer(config, { clock, logger: createLogger('silent') });
  const server = Object.assign(s, await s.listen());
  const sqs = makeClient('json', server.url);
  const call = <T = Record<string, unknown>>(action: string, input: Record<string, unknown>) => sqs.call<T>(action, input);
  const url = async (name: string, attributes: Record<string, string> = {}) =>
    (await call<{ QueueUrl: string }>('CreateQueue', { QueueName: name, Attributes: attributes })).QueueUrl;
  const dlq = await url('checkout-dlq');
  const dlqArn = (await call<{ Attributes: { QueueArn: string } }>('GetQueueAttributes', { QueueUrl: dlq, AttributeNames: ['QueueArn'] })).Attributes
    .QueueArn;
  const checkout = await url('checkout', {
    VisibilityTimeout: '30',
    RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlqArn, maxReceiveCount: 3 }),
  });
  await url('emails');
  await url('invoices.fifo', { FifoQueue: 'true', ContentBasedDeduplication: 'true' });
  const monitor = server.monitoring!.monitor;
  let n = 0;
  for (let i = 0; i < TICKS; i++) {
    const t = i / (TICKS - 1);
    // Producer: 3–10 messages a second in two waves; every 40th is poison, every 8th is delayed 30 s.
    const rate = 6.5 + 3.5 * Math.sin(t * Math.PI * 2) + Math.sin(i * 0.37);
    const sends = Math.max(0, Math.round(rate * 10));
    for (let k = 0; k < sends; k += 10) {
      const entries = [];
      for (let j = k; j < Math.min(sends, k + 10); j++, n++) {
        entries.push({ Id: `e${j}`, MessageBody: JSON.stringify({ order: n, poison: n % 40 === 7 }), DelaySeconds: n % 8 === 0 ? 30 : 0 });
      }
      await call('SendMessageBatch', { QueueUrl: checkout, Entries: entries });
    }
    // Consumer: up to 80 messages a tick, 12 during its slow stretch (a quarter of the hour in); poison
    // messages are never deleted, so they come back after the visibility timeout until the DLQ takes them.
    const capacity = t > 0.2 && t < 0.42 ? 12 : 80;
    for (let got = 0; got < capacity;) {
      const r = await call<{ Messages?: { Body: string; ReceiptHandle: string }[] }>('ReceiveMessage', {
        QueueUrl: checkout,
        MaxNumberOfMessages: Math.min(10, capacity - got),
      });
      const msgs = r.Messages ?? [];
      if (msgs.length === 0) break; // an empty receive: the consumer has caught up
      got += msgs.length;
      const done = msgs.filter((m) => !(JSON.parse(m.Body) as { poison: boolean }).poison);
      if (done.length > 0) {
        await call('DeleteMessageBatch', { QueueUrl: checkout, Entries: done.map((m, j) => ({ Id: `d${j}`, ReceiptHandle: m.ReceiptHandle })) });
      }
    }
    clock.advance(TICK);
    await monitor.sample();
  }
  return {
    server,
    url: server.url,
    sqs,
    clock,
    async close() {
      sqs.destroy();
      await server.close();
    },
  };
}
