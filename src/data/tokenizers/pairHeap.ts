/**
 * Max-heap of symbol pairs for BPE training: highest count first, ties broken by the pair's key
 * (so training never depends on Map iteration order). Entries are never updated in place: a new
 * entry is pushed whenever a count changes, and stale ones are skipped when popped.
 */
export interface PairEntry {
  key: string;
  count: number;
}

function before(a: PairEntry, b: PairEntry): boolean {
  return a.count > b.count || (a.count === b.count && a.key < b.key);
}

export class PairHeap {
  private readonly items: PairEntry[] = [];

  push(entry: PairEntry): void {
    const items = this.items;
    items.push(entry);
    let i = items.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!before(items[i]!, items[parent]!)) break;
      [items[i], items[parent]] = [items[parent]!, items[i]!];
      i = parent;
    }
  }

  /** The best entry whose count still equals `currentCount(key)`, or undefined when none is left. */
  popCurrent(currentCount: (key: string) => number): PairEntry | undefined {
    for (let top = this.pop(); top !== undefined; top = this.pop()) {
      if (top.count === currentCount(top.key)) return top;
    }
    return undefined;
  }

  private pop(): PairEntry | undefined {
    const items = this.items;
    const top = items[0];
    const last = items.pop();
    if (items.length > 0 && last !== undefined) {
      items[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let best = i;
        if (l < items.length && before(items[l]!, items[best]!)) best = l;
        if (r < items.length && before(items[r]!, items[best]!)) best = r;
        if (best === i) break;
        [items[i], items[best]] = [items[best]!, items[i]!];
        i = best;
      }
    }
    return top;
  }
}
