import { describe, expect, it } from "vitest";
import { RefusalBursts } from "./refusal-bursts";

describe("refusal bursts", () => {
  it("the first refusal of a key is written, repeats within the burst are counted into one summary", () => {
    const bursts = new RefusalBursts<string>(60_000, 100);
    expect(bursts.note("a", "t1", "first", 0)).toBe(true);
    for (let t = 1; t <= 500; t += 1) expect(bursts.note("a", "t1", "again", t)).toBe(false);
    expect(bursts.note("b", "t1", "other key", 10)).toBe(true);
    expect(bursts.takeSummaries(59_999)).toEqual([]);
    const [summary, ...rest] = bursts.takeSummaries(60_010);
    expect(rest).toEqual([]);
    expect(summary).toMatchObject({ source: "a", record: "first", repeats: 500, startedAt: 0, lastAt: 500 });
    // "b" never repeated: no summary, and its burst is over.
    expect(bursts.size).toBe(0);
    expect(bursts.note("a", "t1", "next burst", 70_000)).toBe(true);
  });

  it("memory stays bounded: past maxKeys open bursts all are closed, their summaries wait to be written", () => {
    const bursts = new RefusalBursts<number>(60_000, 1_000);
    let most = 0;
    for (let i = 0; i < 20_000; i += 1) {
      bursts.note(`k${i}`, "", i, i);
      bursts.note(`k${i}`, "", i, i);
      most = Math.max(most, bursts.size);
      if (bursts.hasSummaries) expect(bursts.takeSummaries(i).every((b) => b.repeats === 1)).toBe(true);
    }
    expect(most).toBeLessThanOrEqual(2_000);
  });

  it("an ended burst with repeats leaves a summary when its key comes back", () => {
    const bursts = new RefusalBursts<string>(1_000, 10);
    bursts.note("a", "", "x", 0);
    bursts.note("a", "", "x", 10);
    expect(bursts.note("a", "", "y", 5_000)).toBe(true);
    expect(bursts.hasSummaries).toBe(true);
    expect(bursts.takeSummaries(5_001).map((b) => [b.record, b.repeats])).toEqual([["x", 1]]);
  });

  it("one source opens at most objectsPerSource bursts; refusals of further objects fold into one", () => {
    const bursts = new RefusalBursts<number>(60_000, 10_000, 3);
    const written = Array.from({ length: 1_000 }, (_, i) => bursts.note("probe", `task-${i}`, i, i)).filter(Boolean).length;
    expect(written).toBe(4); // three objects of their own, then one burst for the rest
    const [folded] = bursts.takeSummaries(60_000, true);
    expect(folded).toMatchObject({ record: 3, repeats: 996 });
  });
});
