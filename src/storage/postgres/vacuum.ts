/**
 * The engine's own VACUUM of `messages` and `fifo_groups`, after busy stretches.
 *
 * Why an application vacuums: a receive walks the queue's `messages_ready` index from its oldest
 * entry, and every claim (a non-HOT update: `visible_at` is indexed) and every delete leaves a dead
 * entry exactly there, at the front of that walk (FIFO: the same in `fifo_groups_ready`, whose rows
 * every receive and delete rewrites, and in the group indexes of `messages`). A plain index scan marks
 * them dead but still steps over them, page by page, until VACUUM removes them, and autovacuum looks
 * at a table only once a minute (`autovacuum_naptime`): a busy queue's receives then read hundreds of
 * dead index pages each. Vacuuming after a few thousand retired rows keeps that walk short for a
 * fraction of its cost.
 *
 * `SKIP_LOCKED`: when a VACUUM (autovacuum's, another node's) is already running, this one does
 * nothing; `TRUNCATE false`: never takes the lock that would block queries; `INDEX_CLEANUP ON`: the
 * index entries are the point. It has no effect on semantics, and it also refreshes the planner's
 * view of the table (cached plans are re-planned after it). It needs the table's owner (normally the
 * role that ran the migrations): otherwise, or when it runs into the statement timeout (a table that
 * big is autovacuum's job) or fails in any other way than a lost connection, this process stops
 * trying and says so once.
 */
import type pg from 'pg';

import { isServiceError } from './errors.js';
import { Q_MESSAGES_LIVE, Q_OWNS_MESSAGES, Q_VACUUM } from './sql/housekeeping.js';

/**
 * A VACUUM after this many rows retired by this process (claimed — a claim writes a new row version —
 * or deleted) at least, and ×√(live rows) beyond that, so that a big table is vacuumed less often
 * (its VACUUM costs more).
 */
const VACUUM_MIN_CHURN = 4_000;
const VACUUM_CHURN_PER_SQRT_ROW = 50;

export interface VacuumDeps {
  /** The open pool, or undefined when the engine is closed or not initialised. */
  pool: () => pg.Pool | undefined;
  closed: () => boolean;
  warn: (message: string, detail?: Record<string, unknown>) => void;
}

export class Vacuum {
  /** Rows of `messages` this process retired since its last VACUUM of it, and the bound. */
  private churn = 0;
  private churnLimit = VACUUM_MIN_CHURN;
  /** A VACUUM is running (from this process); off forever once one failed. */
  private running = false;
  private off = false;

  constructor(private readonly deps: VacuumDeps) {}

  /** Count retired rows; start a background VACUUM when enough have piled up. */
  note(rows: number): void {
    this.churn += rows;
    if (this.churn < this.churnLimit || this.running || this.off || this.deps.closed() || !this.deps.pool()) return;
    this.churn = 0;
    this.running = true;
    void this.run().finally(() => (this.running = false));
  }

  private async run(): Promise<void> {
    try {
      const pool = this.deps.pool();
      if (!pool) return;
      const own = await pool.query<{ ok: boolean }>(Q_OWNS_MESSAGES);
      if (!own.rows[0]?.ok) {
        this.off = true;
        this.deps.warn(
          'PostgreSQL: Ferry does not own its messages table, so it cannot VACUUM it after busy stretches; make sure autovacuum keeps up',
        );
        return;
      }
      await pool.query(Q_VACUUM);
      const live = await pool.query<{ n: number }>(Q_MESSAGES_LIVE);
      this.churnLimit = Math.max(VACUUM_MIN_CHURN, Math.round(VACUUM_CHURN_PER_SQRT_ROW * Math.sqrt(Number(live.rows[0]?.n ?? 0))));
    } catch (e) {
      // A lost connection, a restarting server, a closing engine: try again after the next stretch.
      // A statement timeout (57014) or anything else: stop.
      if (this.deps.closed() || (isServiceError(e) && (e as { code?: unknown }).code !== '57014')) return;
      this.off = true;
      this.deps.warn('PostgreSQL: VACUUM of the messages table failed; leaving it to autovacuum', { err: (e as Error).message });
    }
  }
}
