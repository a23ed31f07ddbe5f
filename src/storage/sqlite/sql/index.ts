/**
 * Every SQL statement of the SQLite engine (the schema is in ../migrations.ts), one exported constant
 * per statement, grouped by what it touches. Operation files import from here, so the statements can be
 * read and reviewed apart from the code that runs them. Statements are prepared once and cached by
 * their text (context.ts).
 *
 * A bound LIMIT is written `LIMIT ? + 0`, never `LIMIT ?`: SQLite (3.53, as better-sqlite3 builds it)
 * reads a bare bound LIMIT at prepare time to plan with its value, and marks the statement to be
 * re-prepared whenever that parameter is bound again (sqlite3ExprIsInteger → sqlite3VdbeSetVarmask;
 * better-sqlite3 binds on every call). So a `LIMIT ?` statement was parsed and planned anew on every
 * execution: ~25 µs for the receive candidate query against ~3 µs for its run (BENCHMARKS.md, issue 12,
 * SQLite engine CPU). An expression is not evaluated at prepare time, so `? + 0` keeps the plan cached;
 * the value and its checks are the same (an integer; a negative one is no limit).
 *
 *  - hot.ts        the receive walks and counts, named for diagnostics(); CANDIDATE_COLUMNS
 *  - messages.ts   messages, payloads, FIFO group rows, dedup entries, receive attempts
 *  - queues.ts     queue records, tombstones, metadata
 *  - moveTasks.ts  message move tasks
 *  - sweep.ts      housekeeping
 *  - batch.ts      transaction control of the group commit, diagnostics
 *  - gauges.ts     queueGauges (every queue's CloudWatch gauges at once)
 *  - browse.ts     peek and search (read-only)
 *  - transfer.ts   export and import
 */
export * from './batch.js';
export * from './browse.js';
export * from './gauges.js';
export * from './hot.js';
export * from './messages.js';
export * from './moveTasks.js';
export * from './queues.js';
export * from './sweep.js';
export * from './transfer.js';
