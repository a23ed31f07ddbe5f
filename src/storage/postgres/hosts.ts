/**
 * Which PostgreSQL server to talk to when the connection string names several (libpq multi-host,
 * see connectionString.ts), and checking its role (target_session_attrs).
 *
 * - Standalone connections (init's, the LISTEN connection, probes) try the hosts in order, as libpq
 *   does, each bounded by the connect timeout, and keep the first that accepts and has the wanted
 *   role.
 * - The pool cannot try several hosts per connection (node-postgres' pool makes one client per
 *   connection, bound to one host at construction), so its clients are made for the host that last
 *   passed: {@link Hosts.current}. Every new pooled connection has its role checked before first
 *   use (the pool's `onConnect`); one that fails is not used.
 * - After a failure of the database service ({@link Hosts.suspect}: a refused or lost connection, a
 *   read-only server — SQLSTATE 25006 — or a wrong role on connect) the hosts are probed again in
 *   order, once at a time and at most every {@link RECHECK_MS}, and the pool's next clients go to the
 *   host found. So after a failover the processes move to the new primary by themselves; the
 *   requests that failed meanwhile got 503 ServiceUnavailable (errors.ts), which clients retry.
 */
import type pg from 'pg';
import { pgLib } from './pgLib.js';

import type { PgConnectionPlan, PgTarget, TargetSessionAttrs } from './connectionString.js';
import { Q_SESSION_ROLE } from './sql/housekeeping.js';

/** Hosts are probed again at most this often while failures go on. */
export const RECHECK_MS = 500;

/** A server that accepted the connection but has the wrong role for target_session_attrs (a service error: 503). */
export class ServerRoleError extends Error {
  override readonly name = 'ServerRoleError';
}

/** Throws {@link ServerRoleError} unless the session's server has the role `attrs` asks for. */
export async function checkRole(client: pg.ClientBase, attrs: TargetSessionAttrs, label: string): Promise<void> {
  if (attrs === 'any') return;
  const r = await client.query<{ standby: boolean; ro: string }>(Q_SESSION_ROLE);
  const row = r.rows[0]!;
  const bad = attrs === 'primary' ? row.standby : row.ro === 'on';
  if (bad) {
    throw new ServerRoleError(
      `PostgreSQL server ${label} is ${row.standby ? 'a standby (in recovery)' : 'read-only'}; target_session_attrs=${attrs} needs ${attrs === 'primary' ? 'the primary' : 'a writable server'}`,
    );
  }
}

export interface HostsDeps {
  /** Per-host bound on connecting (connect_timeout of the string, else the engine's). */
  connectTimeoutMs: number;
  warn: (message: string, detail?: Record<string, unknown>) => void;
  /** True for failures of the database service (errors.ts), as opposed to e.g. a wrong password. */
  isServiceError: (e: unknown) => boolean;
  /** Probe connection settings (no session options). */
  probeConfig: () => pg.ClientConfig;
}

export class Hosts {
  private index = 0;
  private checking = false;
  private lastCheck = -Infinity;

  constructor(
    readonly plan: PgConnectionPlan,
    private readonly deps: HostsDeps,
  ) {}

  /** The host the pool's new connections go to. */
  get current(): PgTarget {
    return this.plan.targets[this.index]!;
  }

  get attrs(): TargetSessionAttrs {
    return this.plan.targetSessionAttrs;
  }

  /**
   * A connected standalone client with `config` (its connectionString replaced), on the first host in
   * order that accepts and has the wanted role. All failing: the first non-service error (a wrong
   * password is a configuration error, not an outage), else an error naming each host's failure.
   */
  async connect(config: pg.ClientConfig): Promise<pg.Client> {
    const failures: Array<{ target: PgTarget; error: unknown }> = [];
    for (let i = 0; i < this.plan.targets.length; i++) {
      const target = this.plan.targets[i]!;
      const c = new (pgLib().Client)({ ...config, connectionString: target.connectionString, connectionTimeoutMillis: this.deps.connectTimeoutMs });
      c.on('error', () => undefined);
      try {
        await c.connect();
        await checkRole(c, this.attrs, target.label);
        this.use(i);
        return c;
      } catch (e) {
        failures.push({ target, error: e });
        await c.end().catch(() => undefined);
      }
    }
    if (failures.length === 1) throw failures[0]!.error;
    const config_ = failures.find((f) => !this.deps.isServiceError(f.error));
    if (config_) throw config_.error;
    throw new Error(
      `no usable PostgreSQL server (target_session_attrs=${this.attrs}): ${failures.map((f) => `${f.target.label}: ${(f.error as Error).message}`).join('; ')}`,
    );
  }

  /**
   * A failure of the database service was seen: probe the hosts again (in the background, one probe
   * at a time, at most every RECHECK_MS) so that new pooled connections go to the server that now has
   * the wanted role. Nothing to do with one host.
   */
  suspect(): void {
    if (this.plan.targets.length === 1 || this.checking || performance.now() - this.lastCheck < RECHECK_MS) return;
    this.checking = true;
    this.connect(this.deps.probeConfig())
      .then((c) => c.end())
      .catch(() => undefined)
      .finally(() => {
        this.checking = false;
        this.lastCheck = performance.now();
      });
  }

  private use(i: number): void {
    if (i === this.index) return;
    const from = this.current.label;
    this.index = i;
    this.deps.warn('PostgreSQL: switching to another host of the connection string', {
      from,
      to: this.current.label,
      targetSessionAttrs: this.attrs,
    });
  }
}
