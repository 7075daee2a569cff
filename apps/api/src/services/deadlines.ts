// Deadlines in statutory working days: weekends, public holidays and make-up working days (调休)
// of the Chinese calendar come from the maintained `chinese-days` package, not a typed list.
// Default import: the package's CommonJS build (what Node loads under tsx, i.e. `pnpm start`) has no
// named exports Node can detect; its default export carries every function in both builds.
import chineseDays from "chinese-days";

const { getWorkdaysInRange } = chineseDays;

export type DeadlineMark = "red" | "yellow" | "green" | "none";

/** Default: a task turns yellow when at most this many working days are left. */
export const DEFAULT_YELLOW_WITHIN_WORKDAYS = 5;

function addDays(iso: string, days: number): string {
  const d = new Date(`${iso}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

/**
 * Working days from `today` to `due`: after today up to and including the due date when it lies
 * ahead (0 when due today); negative — the working days past it — when overdue.
 */
export function workdaysLeft(today: string, due: string): number {
  if (due >= today) return due === today ? 0 : getWorkdaysInRange(addDays(today, 1), due).length;
  return -getWorkdaysInRange(addDays(due, 1), today).length;
}

export function deadlineMark(
  dueDate: string | null,
  stage: string,
  today: string,
  yellowWithinWorkdays: number = DEFAULT_YELLOW_WITHIN_WORKDAYS,
): DeadlineMark {
  if (dueDate === null || stage === "done" || stage === "terminated") return "none";
  if (dueDate < today) return "red";
  return workdaysLeft(today, dueDate) <= yellowWithinWorkdays ? "yellow" : "green";
}
