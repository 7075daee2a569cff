import { describe, expect, it } from "vitest";
import { daysBetween, deadlineMark } from "./deadlines";

describe("deadline marks", () => {
  it.each([
    [null, "handle", "2026-05-01", "none"],
    ["2026-05-01", "done", "2026-06-01", "none"],
    ["2026-05-01", "handle", "2026-05-02", "red"],
    ["2026-05-01", "handle", "2026-05-01", "yellow"],
    ["2026-05-08", "handle", "2026-05-01", "yellow"],
    ["2026-05-09", "handle", "2026-05-01", "green"],
  ] as const)("due %s in %s on %s → %s", (due, stage, today, mark) => {
    expect(deadlineMark(due, stage, today)).toBe(mark);
  });

  it("counts calendar days across months", () => {
    expect(daysBetween("2026-01-31", "2026-03-01")).toBe(29);
  });
});
