// Refusals come in floods (a password sprayer, a script probing ids, a broken client retrying).
// Each one is audited, but a burst of the same refusal — same action, reason, actor, address and
// object — leaves one record when it starts and one summary ("repeated N times") when it ends.
// One source (action, reason, actor, address) opens at most `objectsPerSource` bursts at a time;
// past that its refusals of other objects fold into one burst of the source. So a flood costs O(1)
// per refusal and writes a bounded number of records per source and window. Memory is bounded
// too: past `maxKeys` open bursts, all of them are closed at once.

export interface Burst<R> {
  key: string;
  source: string;
  /** the first refusal's record, reused for the summary */
  record: R;
  startedAt: number;
  lastAt: number;
  /** refusals after the first, not yet written */
  repeats: number;
}

export class RefusalBursts<R> {
  private readonly open = new Map<string, Burst<R>>();
  private readonly openPerSource = new Map<string, number>();
  private ended: Burst<R>[] = [];

  constructor(
    readonly burstMs: number,
    private readonly maxKeys: number,
    private readonly objectsPerSource = 100,
  ) {}

  /** Counts one refusal; true when it opens a burst (the caller writes it now), false when folded into one. */
  note(source: string, object: string, record: R, now: number): boolean {
    let key = `${source}\u0000${object}`;
    if (!this.open.has(key) && (this.openPerSource.get(source) ?? 0) >= this.objectsPerSource) key = `${source}\u0000*`;
    const burst = this.open.get(key);
    if (burst !== undefined && now - burst.startedAt < this.burstMs) {
      burst.repeats += 1;
      burst.lastAt = now;
      return false;
    }
    if (burst !== undefined) this.close(burst);
    else if (this.open.size >= this.maxKeys) this.closeAll();
    this.open.set(key, { key, source, record, startedAt: now, lastAt: now, repeats: 0 });
    this.openPerSource.set(source, (this.openPerSource.get(source) ?? 0) + 1);
    return true;
  }

  /** Bursts that ended (or all, when `all`) and hold unwritten repeats; they are forgotten. */
  takeSummaries(now: number, all = false): Burst<R>[] {
    for (const burst of this.open.values()) if (all || now - burst.startedAt >= this.burstMs) this.close(burst);
    const out = this.ended;
    this.ended = [];
    return out;
  }

  /** Open bursts plus ended ones awaiting their summary (for tests and the bench). */
  get size(): number {
    return this.open.size + this.ended.length;
  }

  /** Whether closed bursts wait for their summary (the caller should write them soon). */
  get hasSummaries(): boolean {
    return this.ended.length > 0;
  }

  private close(burst: Burst<R>) {
    this.open.delete(burst.key);
    const left = (this.openPerSource.get(burst.source) ?? 1) - 1;
    if (left > 0) this.openPerSource.set(burst.source, left);
    else this.openPerSource.delete(burst.source);
    // Bounded too: at most maxKeys summaries wait to be written; past that one is dropped (the
    // burst's first record stands). The caller writes them as soon as `hasSummaries` says so.
    if (burst.repeats > 0 && this.ended.length < this.maxKeys) this.ended.push(burst);
  }

  private closeAll() {
    for (const burst of [...this.open.values()]) this.close(burst);
  }
}
