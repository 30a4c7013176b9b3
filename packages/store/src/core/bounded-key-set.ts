// The keys a writer remembers as written, capped so memory stays bounded under any load (DESIGN.md §4).
// The oldest keys are forgotten first: redeliveries and replays come soon after the original.

export class BoundedKeySet {
  private readonly keys = new Set<string>();

  constructor(private readonly capacity: number) {}

  get size(): number {
    return this.keys.size;
  }

  has(key: string): boolean {
    return this.keys.has(key);
  }

  add(key: string): void {
    if (this.keys.has(key)) return;
    this.keys.add(key);
    if (this.keys.size > this.capacity) {
      // A Set iterates in insertion order, so its first key is the oldest.
      const oldest = this.keys.values().next().value as string;
      this.keys.delete(oldest);
    }
  }
}
