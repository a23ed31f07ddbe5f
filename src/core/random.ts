import { createHash, randomBytes, randomUUID } from 'node:crypto';

/** Randomness is injected so ids, receipt tokens and secrets are reproducible in tests. */
export interface Random {
  /** An RFC 4122 version-4 UUID (message ids, request ids, task handles). */
  uuid(): string;
  /** `n` random bytes. */
  bytes(n: number): Buffer;
}

export const systemRandom: Random = {
  uuid: () => randomUUID(),
  bytes: (n) => randomBytes(n),
};

/** Deterministic randomness for tests: a SHA-256 counter stream from a seed. */
export class SeededRandom implements Random {
  private counter = 0;
  constructor(private readonly seed: string = 'ferry') {}

  bytes(n: number): Buffer {
    const out = Buffer.alloc(n);
    let off = 0;
    while (off < n) {
      const block = createHash('sha256').update(`${this.seed}:${this.counter++}`).digest();
      off += block.copy(out, off, 0, Math.min(block.length, n - off));
    }
    return out;
  }

  uuid(): string {
    const b = this.bytes(16);
    b[6] = (b[6]! & 0x0f) | 0x40;
    b[8] = (b[8]! & 0x3f) | 0x80;
    const h = b.toString('hex');
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
  }
}
