/**
 * A binary min-heap whose items remember their own position (`hi`), so an item can be removed or
 * re-keyed in O(log n) without a search and without leaving stale entries behind.
 *
 * Why position tracking instead of lazy deletion: the memory engine re-keys messages constantly
 * (every ChangeMessageVisibility moves a deadline, every delete removes an in-flight message from
 * the deadline heap). With lazy deletion each change would leave a tombstone entry that costs a
 * sift on the way out and memory until then; with positions the heap holds exactly the live items,
 * so its head is always a real deadline (which is what `nextVisibleAt` hints report).
 *
 * An item may be in at most one IndexedHeap at a time (they share the `hi` field); the engine
 * guarantees that by construction (a message is either in its queue's deadline heap or in its
 * ready heap, never both).
 */
export interface HeapItem {
  /** Position in the heap array, -1 when in no heap. Owned by the heap. */
  hi: number;
}

export class IndexedHeap<T extends HeapItem> {
  private readonly a: T[] = [];

  /** @param less strict ordering; ties must be broken by the caller's key for a stable order. */
  constructor(private readonly less: (x: T, y: T) => boolean) {}

  get size(): number {
    return this.a.length;
  }

  /** The minimum, without removing it. */
  peek(): T | undefined {
    return this.a[0];
  }

  push(x: T): void {
    const a = this.a;
    x.hi = a.length;
    a.push(x);
    this.up(x.hi);
  }

  /** Remove and return the minimum. */
  pop(): T | undefined {
    const a = this.a;
    const top = a[0];
    if (top === undefined) return undefined;
    const last = a.pop()!;
    if (last !== top) {
      a[0] = last;
      last.hi = 0;
      this.down(0);
    }
    top.hi = -1;
    return top;
  }

  /** Remove `x` (which must be in this heap). */
  remove(x: T): void {
    const a = this.a;
    const i = x.hi;
    const last = a.pop()!;
    x.hi = -1;
    if (last === x) return;
    a[i] = last;
    last.hi = i;
    this.fix(i);
  }

  /** Restore order after `x`'s key changed (x must be in this heap). */
  update(x: T): void {
    this.fix(x.hi);
  }

  /** The items, in heap (not sorted) order; read-only view, valid until the next change. */
  items(): readonly T[] {
    return this.a;
  }

  /** Forget every item (their `hi` is reset). */
  clear(): void {
    for (const x of this.a) x.hi = -1;
    this.a.length = 0;
  }

  private fix(i: number): void {
    if (i > 0 && this.less(this.a[i]!, this.a[(i - 1) >> 1]!)) this.up(i);
    else this.down(i);
  }

  private up(i: number): void {
    const a = this.a;
    const x = a[i]!;
    while (i > 0) {
      const p = (i - 1) >> 1;
      const y = a[p]!;
      if (!this.less(x, y)) break;
      a[i] = y;
      y.hi = i;
      i = p;
    }
    a[i] = x;
    x.hi = i;
  }

  private down(i: number): void {
    const a = this.a;
    const n = a.length;
    const x = a[i]!;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= n) break;
      const r = l + 1;
      const c = r < n && this.less(a[r]!, a[l]!) ? r : l;
      const y = a[c]!;
      if (!this.less(y, x)) break;
      a[i] = y;
      y.hi = i;
      i = c;
    }
    a[i] = x;
    x.hi = i;
  }
}
