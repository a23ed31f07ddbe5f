import { createHash, randomBytes, randomFillSync } from 'node:crypto';

/** Randomness is injected so ids, receipt tokens and secrets are reproducible in tests. */
export interface Random {
  /** An RFC 4122 version-4 UUID (message ids, request ids, task handles). */
  uuid(): string;
  /** `n` random bytes. */
  bytes(n: number): Buffer;
}

export const systemRandom: Random = {
  uuid: () => fastUuid(),
  bytes: (n) => randomBytes(n),
};

/** UUIDs per refill of {@link fastUuid}'s random pool (node's `randomUUID` also caches 128). */
export const UUID_POOL = 128;
const uuidPool = Buffer.allocUnsafeSlow(16 * UUID_POOL);
let uuidAt = uuidPool.length;
/** The 36 characters being written (a scratch buffer: everything here is synchronous); the dashes stay. */
const uuidText = Buffer.alloc(36, 0x2d);
/** Each byte's two hex digits (character codes), and where byte i's digits go in the text. */
const HEX_HIGH = new Uint8Array(256);
const HEX_LOW = new Uint8Array(256);
for (let i = 0; i < 256; i++) {
  HEX_HIGH[i] = '0123456789abcdef'.charCodeAt(i >> 4);
  HEX_LOW[i] = '0123456789abcdef'.charCodeAt(i & 15);
}
const UUID_DIGITS_AT = Uint8Array.from([0, 2, 4, 6, 9, 11, 14, 16, 19, 21, 24, 26, 28, 30, 32, 34]);

/**
 * A random version-4 UUID, exactly as `crypto.randomUUID()` makes one (16 bytes from the CSPRNG, taken
 * from a pool refilled every {@link UUID_POOL} UUIDs, with the version and variant bits set; lower-case
 * hex), but returned as one flat string. Node 20's `randomUUID` joins 21 pieces into a string of 20
 * concatenation cells: each UUID left ~0.7 KB of short-lived garbage, and the first hash or comparison
 * of it (message ids are Map keys, and are serialized into responses) had to flatten it first — about
 * 1.3 µs more per UUID used as a Map key. One per request (its id) and one per message sent.
 */
export function fastUuid(): string {
  if (uuidAt === uuidPool.length) {
    randomFillSync(uuidPool);
    uuidAt = 0;
  }
  const from = uuidAt;
  uuidAt += 16;
  uuidPool[from + 6] = (uuidPool[from + 6]! & 0x0f) | 0x40;
  uuidPool[from + 8] = (uuidPool[from + 8]! & 0x3f) | 0x80;
  for (let i = 0; i < 16; i++) {
    const b = uuidPool[from + i]!;
    const o = UUID_DIGITS_AT[i]!;
    uuidText[o] = HEX_HIGH[b]!;
    uuidText[o + 1] = HEX_LOW[b]!;
  }
  return uuidText.toString('latin1', 0, 36);
}

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
