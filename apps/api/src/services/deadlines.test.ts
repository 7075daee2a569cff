import { describe, expect, it } from "vitest";
import { deadlineMark, deadlineMarks, firstDueWithMoreWorkdaysLeft, markBounds, workdaysLeft } from "./deadlines";

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

describe("the marks as ranges of dates (what SQL counts) equal the marks of every task", () => {
  const days = (from: string, n: number) => Array.from({ length: n }, (_, i) => new Date(Date.parse(`${from}T00:00:00Z`) + i * 86_400_000).toISOString().slice(0, 10));
  const shift = (day: string, n: number) => new Date(Date.parse(`${day}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);
  // across the 2025 National Day week and the 2026 Spring Festival, with their make-up working days
  const todays = [...days("2025-09-20", 35), ...days("2026-02-05", 35)];
  const thresholds = [
    { yellowWithinWorkdays: 5, signWithinWorkdays: 3, signYellowWithinWorkdays: 1 },
    { yellowWithinWorkdays: 0, signWithinWorkdays: 0, signYellowWithinWorkdays: 0 },
    { yellowWithinWorkdays: 2, signWithinWorkdays: 1, signYellowWithinWorkdays: 3 },
    { yellowWithinWorkdays: 10, signWithinWorkdays: 7, signYellowWithinWorkdays: 2 },
  ];

  it("deadline red / yellow / green", () => {
    let checked = 0;
    for (const t of thresholds) {
      for (const today of todays) {
        const b = markBounds(today, t);
        for (let k = -15; k <= 30; k++) {
          const due = shift(today, k);
          const mark = deadlineMark(due, "handle", today, t.yellowWithinWorkdays);
          const ranged = due < today ? "red" : due < b.dueSoonBefore ? "yellow" : "green";
          expect({ today, due, t, mark }).toEqual({ today, due, t, mark: ranged });
          checked++;
        }
      }
    }
    expect(checked).toBe(thresholds.length * todays.length * 46);
  });

  it("signing red / yellow / green", () => {
    for (const t of thresholds) {
      for (const today of todays) {
        const b = markBounds(today, t);
        for (let k = -25; k <= 1; k++) {
          const reachedUnitOn = shift(today, k);
          const m = deadlineMarks({ stage: "deploy", status: "signing", effective_due_date: null, reachedUnitOn }, today, t);
          const ranged = reachedUnitOn < b.signOverdueReachedBefore ? "red" : reachedUnitOn < b.signNearReachedBefore ? "yellow" : "green";
          expect({ today, reachedUnitOn, t, mark: m.sign?.mark }).toEqual({ today, reachedUnitOn, t, mark: ranged });
        }
      }
    }
  });

  it("a working-day count of n left is a range: every due before the bound has at most n", () => {
    for (const today of todays.slice(0, 20)) {
      for (const n of [-1, 0, 1, 4]) {
        const bound = firstDueWithMoreWorkdaysLeft(today, n);
        expect(workdaysLeft(today, bound)).toBeGreaterThan(n);
        expect(workdaysLeft(today, shift(bound, -1))).toBeLessThanOrEqual(n);
      }
    }
  });
});
