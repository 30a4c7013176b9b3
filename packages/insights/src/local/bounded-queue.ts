// A fixed-capacity FIFO over a ring of slots: pushing onto a full queue evicts the oldest item, so
// whoever holds one can never grow memory by falling behind.

export class BoundedQueue<T> {
  private readonly slots: (T | undefined)[];
  private head = 0;
  private count = 0;

  constructor(readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) {
      throw new RangeError(`A bounded queue needs a capacity of at least 1, not ${capacity}.`);
    }
    this.slots = new Array<T | undefined>(capacity);
  }

  get size(): number {
    return this.count;
  }

  /** Adds an item at the end; returns true when the queue was full and its oldest item was evicted. */
  push(item: T): boolean {
    const tail = (this.head + this.count) % this.capacity;
    this.slots[tail] = item;
    if (this.count < this.capacity) {
      this.count += 1;
      return false;
    }
    this.head = (this.head + 1) % this.capacity;
    return true;
  }

  /** The items, oldest first, leaving the queue as it is. */
  toArray(): T[] {
    return Array.from({ length: this.count }, (_, i) => this.slots[(this.head + i) % this.capacity] as T);
  }

  /** The items, oldest first, leaving the queue empty. */
  drain(): T[] {
    const items = this.toArray();
    this.slots.fill(undefined);
    this.head = 0;
    this.count = 0;
    return items;
  }
}
