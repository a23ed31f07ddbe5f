/**
 * A growable ring buffer: O(1) push at the tail and shift at the head with no per-operation
 * allocation. `Array.prototype.shift` is O(n) once V8 leaves its fast path for large arrays, and a
 * linked list allocates a node per message; the ring does neither. Used for the standard queue's
 * stream of freshly sent messages, whose sequence order equals arrival order.
 */
export class Deque<T> {
  private buf: Array<T | undefined>;
  private head = 0;
  private len = 0;
  private mask: number;

  constructor(capacity = 16) {
    let c = 16;
    while (c < capacity) c <<= 1;
    this.buf = new Array<T | undefined>(c);
    this.mask = c - 1;
  }

  get size(): number {
    return this.len;
  }

  push(x: T): void {
    if (this.len === this.buf.length) this.grow();
    this.buf[(this.head + this.len) & this.mask] = x;
    this.len++;
  }

  peek(): T | undefined {
    return this.len === 0 ? undefined : this.buf[this.head];
  }

  shift(): T | undefined {
    if (this.len === 0) return undefined;
    const x = this.buf[this.head];
    this.buf[this.head] = undefined; // let the GC have it
    this.head = (this.head + 1) & this.mask;
    this.len--;
    return x;
  }

  clear(): void {
    this.buf = new Array<T | undefined>(16);
    this.mask = 15;
    this.head = 0;
    this.len = 0;
  }

  private grow(): void {
    const old = this.buf;
    const n = old.length;
    const next = new Array<T | undefined>(n * 2);
    for (let i = 0; i < n; i++) next[i] = old[(this.head + i) & this.mask];
    this.buf = next;
    this.head = 0;
    this.mask = n * 2 - 1;
  }
}
