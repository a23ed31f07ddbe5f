/**
 * Faults at the engine's boundary: which failures are the database *service* failing (connection
 * lost, timeout, server restarting or failing over: DomainError('Unavailable') → 503), and which
 * transactions are simply run again (serialization failures, deadlocks). Everything else is a bug in
 * a statement and propagates as it is.
 */
import { DomainError } from '../../errors/domain.js';

/** SQLSTATEs after which the whole transaction is simply run again. */
export const RETRYABLE = new Set(['40001', '40P01']);

/** Transactions retried after a serialization failure or deadlock. */
export const TX_RETRIES = 4;

/**
 * True for failures of the database *service* (as opposed to a bug in a statement): network errors,
 * timeouts, a server shutting down or starting up, too many connections, a read-only standby after a
 * failover, serialization failures that exhausted their retries.
 */
export function isServiceError(e: unknown): boolean {
  if (!(e instanceof Error)) return false;
  const code = (e as { code?: unknown }).code;
  if (typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code) && (e as { severity?: unknown }).severity !== undefined) {
    // A server-reported error: classes 08 (connection), 53 (resources), 57 (operator intervention,
    // incl. statement_timeout 57014 and admin shutdown 57P01), 58 (system), 40 (tx rollback),
    // 25006 read-only transaction (connected to a standby after failover), 55P03 lock not available.
    return /^(08|53|57|58|40)/.test(code) || code === '25006' || code === '55P03' || code === '55000';
  }
  // Client-side: ECONNREFUSED/ECONNRESET/ETIMEDOUT…, "Connection terminated", "timeout exceeded when
  // trying to connect", "Query read timeout", a pool that was ended.
  return true;
}

/** The error a caller sees: DomainErrors as they are, service failures (or any failure after close) as Unavailable. */
export function toDomain(e: unknown, closed: boolean): unknown {
  if (e instanceof DomainError) return e;
  if (closed) return new DomainError('Unavailable', 'engine is closed');
  if (isServiceError(e)) return new DomainError('Unavailable', `postgres: ${(e as Error).message}`);
  return e;
}
