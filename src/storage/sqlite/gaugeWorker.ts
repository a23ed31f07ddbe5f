/**
 * The gauge worker thread (see gauges.ts): its own read-only use of the database, so the counts of a
 * deep store never run on the event loop. One request at a time, answered in order.
 */
import { parentPort, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';

import { readGauges, type GaugeReply, type GaugeRequest, type GaugeWorkerData } from './gauges.js';

const data = workerData as GaugeWorkerData;
let db: Database.Database | undefined;
const statements = new Map<string, Database.Statement>();

function open(): Database.Database {
  const d = new Database(data.path, { fileMustExist: true, timeout: data.busyTimeoutMs });
  // A reader only: never writes, whatever a statement says; a modest page cache of its own.
  d.pragma('query_only = ON');
  d.pragma('cache_size = -16384');
  return d;
}

function prepare(sql: string): Database.Statement {
  let s = statements.get(sql);
  if (s === undefined) {
    s = db!.prepare(sql);
    statements.set(sql, s);
  }
  return s;
}

parentPort!.on('message', (m: GaugeRequest) => {
  let reply: GaugeReply;
  try {
    db ??= open();
    reply = { id: m.id, snapshot: readGauges(db, prepare, m.now) };
  } catch (e) {
    const err = e as { message?: unknown; code?: unknown };
    reply = { id: m.id, error: { message: String(err.message ?? e), ...(typeof err.code === 'string' ? { code: err.code } : {}) } };
  }
  parentPort!.postMessage(reply);
});
