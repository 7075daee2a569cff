import { describe, expect, it } from "vitest";
import { deadlineMark, workdaysLeft } from "./deadlines";

describe("working days across the 2025 National Day week (调休: Sun 28 Sep and Sat 11 Oct are workdays)", () => {
  it.each([
    ["2025-09-26", "2025-09-26", 0],
    ["2025-09-26", "2025-09-28", 1], // Saturday 27 off, Sunday 28 make-up workday
    ["2025-09-26", "2025-10-08", 3], // 28, 29, 30; 1–8 October are holidays
    ["2025-09-26", "2025-10-11", 6], // + 9, 10, Saturday 11 (make-up)
    ["2025-09-30", "2025-10-13", 4], // 9, 10, 11, 13
    ["2025-10-09", "2025-09-30", -1], // overdue by one working day (9 October)
    ["2025-10-13", "2025-09-30", -4],
  ])("from %s to %s → %i", (today, due, expected) => {
    expect(workdaysLeft(today, due)).toBe(expected);
  });
});

describe("deadline marks", () => {
  it.each([
    [null, "handle", "2026-05-01", 5, "none"],
    ["2026-05-01", "done", "2026-06-01", 5, "none"],
    ["2026-05-01", "terminated", "2026-06-01", 5, "none"],
    ["2026-05-01", "handle", "2026-05-02", 5, "red"],
    ["2026-05-01", "handle", "2026-05-01", 5, "yellow"],
    // 2026-09-25 (Fri) → 2026-10-09: the holiday week leaves few working days: yellow
    ["2026-10-09", "handle", "2026-09-25", 5, "yellow"],
    ["2026-10-09", "handle", "2026-09-25", 1, "green"],
    ["2026-12-31", "handle", "2026-05-01", 5, "green"],
  ] as const)("due %s in %s on %s (yellow within %i) → %s", (due, stage, today, within, mark) => {
    expect(deadlineMark(due, stage, today, within)).toBe(mark);
  });
});

describe("counting far ahead", () => {
  it("answers for due dates decades away, symmetrically", () => {
    expect(workdaysLeft("2026-01-05", "2099-12-31")).toBe(-workdaysLeft("2099-12-31", "2026-01-05"));
    expect(workdaysLeft("2026-01-05", "2099-12-31")).toBeGreaterThan(73 * 240);
    // Fri 25 Dec 2099 → Thu 31 Dec: Mon 28, Tue 29, Wed 30, Thu 31 (no calendar data that far: weekends only)
    expect(workdaysLeft("2099-12-25", "2099-12-31")).toBe(4);
  });
});
