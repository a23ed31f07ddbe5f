/**
 * The shipped Grafana dashboard and Prometheus alerting rules (monitoring/ at the repository root):
 * they parse, use only metrics a live Ferry exposes, and the rules pass `promtool check rules` and their
 * unit tests (`promtool test rules`; Debian's `prometheus` package, installed by .ci/run).
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { parse as parseYaml } from 'yaml';

import { makeClient } from '../helpers/clients.js';
import { startFerryProcess, type FerryProcess } from '../helpers/process.js';
import { scrape } from '../helpers/prometheus.js';

const DIR = resolve(dirname(fileURLToPath(import.meta.url)), '../../../monitoring');
const DASHBOARD = resolve(DIR, 'grafana-dashboard.json');
const RULES = resolve(DIR, 'prometheus-alerts.yml');
const RULE_TESTS = resolve(DIR, 'prometheus-alerts.test.yml');
/** Metric names in a PromQL expression: Ferry's and the process / Node.js metrics it exposes. */
const METRIC = /\b(?:ferry|process|nodejs)_[a-z0-9_]+\b/g;

/**
 * Queue series are keyed by (account, queue) since one server holds several accounts (a queue name is
 * unique only within its account): every grouping (`by (…)`) and vector match (`on (…)`) that keeps or
 * matches `queue` must keep or match `account` too, or two accounts' same-named queues merge.
 */
function assertAccountKeyed(where: string, expr: string): void {
  for (const m of expr.matchAll(/\b(by|on)\s*\(([^)]*)\)/g)) {
    const labels = m[2]!.split(',').map((l) => l.trim());
    if (labels.includes('queue')) assert.ok(labels.includes('account'), `${where}: "${m[0]}" keeps queue but not account`);
  }
}

function promtool(): string | undefined {
  for (const p of ['/usr/bin/promtool', ...(process.env.PATH ?? '').split(':').map((d) => `${d}/promtool`)]) if (existsSync(p)) return p;
  return undefined;
}
const PROMTOOL = promtool();
const noPromtool = PROMTOOL === undefined && process.env.CI !== 'true' ? 'promtool not found (apt-get install prometheus)' : false;

interface Panel {
  type: string;
  title: string;
  datasource?: { type: string; uid: string };
  targets?: Array<{ expr: string; datasource?: { uid: string } }>;
  panels?: Panel[];
}

describe('Grafana dashboard and Prometheus rules', () => {
  let ferry: FerryProcess;
  let exposed: Set<string>;
  before(async () => {
    // SQLite: the disk metrics (ferry_storage_disk_state…) exist only for a local store.
    ferry = await startFerryProcess({ storage: 'sqlite' });
    const c = makeClient('json', ferry.url);
    const { QueueUrl } = await c.call<{ QueueUrl: string }>('CreateQueue', { QueueName: 'dash' });
    await c.call('SendMessage', { QueueUrl, MessageBody: 'x' });
    c.destroy();
    exposed = (await scrape(`${ferry.url}/metrics`)).declared();
  });
  after(async () => {
    await ferry?.stop();
    ferry?.cleanup();
  });

  it('the dashboard parses, picks its data source by variable, and names only exposed metrics', () => {
    const d = JSON.parse(readFileSync(DASHBOARD, 'utf8')) as {
      title: string;
      uid: string;
      templating: { list: Array<{ name: string; type: string }> };
      panels: Panel[];
    };
    assert.equal(d.title, 'Ferry');
    const vars = d.templating.list;
    assert.equal(vars.find((v) => v.name === 'datasource')?.type, 'datasource', 'a data source variable: import picks the Prometheus');
    const panels = d.panels.flatMap((p) => [p, ...(p.panels ?? [])]).filter((p) => p.type !== 'row');
    assert.ok(panels.length >= 15);
    const used = new Set<string>();
    for (const p of panels) {
      assert.equal(p.datasource?.uid, '${datasource}', `panel "${p.title}" uses the data source variable`);
      assert.ok((p.targets ?? []).length > 0, `panel "${p.title}" has a query`);
      for (const t of p.targets ?? []) {
        assert.equal(t.datasource?.uid, '${datasource}');
        for (const m of t.expr.match(METRIC) ?? []) used.add(m);
        assertAccountKeyed(`panel "${p.title}"`, t.expr);
      }
    }
    for (const m of used) assert.ok(exposed.has(m), `the dashboard uses ${m}, which /metrics does not expose`);
    // Every per-queue metric has a panel.
    for (const m of exposed)
      if (m.startsWith('ferry_queue_') && !/_(sum|count)$/.test(m))
        assert.ok(
          [...used].some((u) => u.startsWith(m.replace(/_bucket$/, ''))),
          `no panel shows ${m}`,
        );
  });

  it('the alerting rules parse and name only exposed metrics; the CloudWatch-style alarms are all there', () => {
    const doc = parseYaml(readFileSync(RULES, 'utf8')) as { groups: Array<{ rules: Array<{ alert: string; expr: string }> }> };
    const rules = doc.groups.flatMap((g) => g.rules);
    assert.deepEqual(
      rules.map((r) => r.alert),
      [
        'FerryQueueOldestMessageTooOld',
        'FerryQueueBacklogGrowing',
        'FerryDeadLetterQueueNotEmpty',
        'FerryMessagesMovedToDeadLetterQueue',
        'FerryQueueNoConsumers',
        'FerryStorageErrors',
        'FerryDiskSpaceLow',
        'FerryDiskFull',
        'FerryInternalFailures',
      ],
    );
    for (const r of rules) {
      for (const m of r.expr.match(METRIC) ?? []) assert.ok(exposed.has(m), `${r.alert} uses ${m}, which /metrics does not expose`);
      assertAccountKeyed(r.alert, r.expr);
    }
  });

  it('promtool check rules', { skip: noPromtool }, () => {
    assert.ok(PROMTOOL, 'promtool is required in CI (apt-get install prometheus)');
    const r = spawnSync(PROMTOOL, ['check', 'rules', RULES], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /SUCCESS: 9 rules found/);
  });

  it('promtool test rules (the alerts fire, and only, where they should)', { skip: noPromtool }, () => {
    assert.ok(PROMTOOL, 'promtool is required in CI (apt-get install prometheus)');
    const r = spawnSync(PROMTOOL, ['test', 'rules', RULE_TESTS], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /SUCCESS/);
  });
});
