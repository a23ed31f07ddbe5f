/**
 * Shared by the `ferry import` reliability tests: run the CLI, and write an export file (format 1) of
 * queues with generated messages, as `ferry export` would.
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';

import { MAIN } from '../helpers/process.js';

const A = '000000000000';
const BODY = 'x'.repeat(200);

const md5 = (s: string): string => createHash('md5').update(s, 'utf8').digest('hex');

/** `ferry <args>` to its end. */
export function ferry(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  return new Promise((res) => {
    execFile(process.execPath, [MAIN, ...args], { timeout: 120_000, maxBuffer: 64 << 20 }, (err, stdout, stderr) =>
      res({ code: err ? ((err as { code?: number }).code ?? 1) : 0, out: stdout, err: stderr }),
    );
  });
}

const ATTRS = { VisibilityTimeout: '30', MessageRetentionPeriod: '345600', SqsManagedSseEnabled: 'false' };

/** An export file (format 1) of `queues`, each with its messages (FIFO ones numbered from 1) and, for FIFO, a dedup entry per message. */
export function exportFile(path: string, queues: Array<{ name: string; messages: number; prefix: string }>): void {
  const now = Date.now();
  const lines: string[] = [
    JSON.stringify({ ferry: 'export', format: 1, version: 'test', at: now, exportedAt: new Date(now).toISOString(), storage: 'sqlite' }),
  ];
  let messages = 0;
  let dedup = 0;
  for (const q of queues) {
    const fifo = q.name.endsWith('.fifo');
    const attributes = fifo ? { ...ATTRS, FifoQueue: 'true', ContentBasedDeduplication: 'false' } : ATTRS;
    lines.push(
      JSON.stringify({
        type: 'queue',
        account: A,
        name: q.name,
        fifo,
        attributes,
        tags: { t: 'crash' },
        createdAt: now,
        lastModifiedAt: now,
        dedupScope: 'queue',
      }),
    );
    for (let i = 0; i < q.messages; i++) {
      const body = `${q.prefix}${i} ${BODY}`;
      const m: Record<string, unknown> = {
        type: 'message',
        account: A,
        queue: q.name,
        messageId: `${q.prefix}-${i}`,
        body,
        md5OfBody: md5(body),
        messageAttributes: {},
        systemAttributes: {},
        senderId: 'AIDCRASH',
        sentAt: now,
        state: 'visible',
        visibleAt: now,
        receiveCount: 0,
      };
      if (fifo) Object.assign(m, { groupId: `g${i % 10}`, dedupId: `d${i}`, sequenceNumber: (10n ** 19n + BigInt(i + 1)).toString() });
      lines.push(JSON.stringify(m));
      messages++;
    }
    if (fifo) {
      for (let i = q.messages - 5; i < q.messages; i++) {
        lines.push(
          JSON.stringify({
            type: 'dedup',
            account: A,
            queue: q.name,
            key: `d${i}`,
            messageId: `${q.prefix}-${i}`,
            sequenceNumber: (10n ** 19n + BigInt(i + 1)).toString(),
            expiresAt: now + 300_000,
          }),
        );
        dedup++;
      }
    }
  }
  lines.push(JSON.stringify({ type: 'end', queues: queues.length, messages, dedup }));
  writeFileSync(path, lines.join('\n') + '\n');
}
