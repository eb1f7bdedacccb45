/** A fixed-capacity ring of the most recent items, addressed by their view-wide index. */
export class Ring<T> {
  private readonly items: (T | undefined)[];
  private count = 0;

  constructor(readonly capacity: number) {
    this.items = new Array<T | undefined>(capacity);
  }

  push(item: T): number {
    const index = this.count++;
    this.items[index % this.capacity] = item;
    return index;
  }

  /** Total items ever pushed (the next index). */
  get total(): number {
    return this.count;
  }

  /** Index of the oldest item still held. */
  get first(): number {
    return Math.max(0, this.count - this.capacity);
  }

  get size(): number {
    return this.count - this.first;
  }

  get(index: number): T | undefined {
    return index >= this.first && index < this.count ? this.items[index % this.capacity] : undefined;
  }

  /** Items [from, to) that are still held. */
  slice(from: number, to: number): T[] {
    const out: T[] = [];
    for (let i = Math.max(from, this.first); i < Math.min(to, this.count); i++) out.push(this.items[i % this.capacity]!);
    return out;
  }
}
