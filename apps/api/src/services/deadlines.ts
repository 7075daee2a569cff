// Deadlines in statutory working days: weekends, public holidays and make-up working days (调休)
// of the Chinese calendar come from the maintained `chinese-days` package, not a typed list.
// Default import: the package's CommonJS build (what Node loads under tsx, i.e. `pnpm start`) has no
// named exports Node can detect; its default export carries every function in both builds.
import chineseDays from "chinese-days";

const { isWorkday } = chineseDays;

export type DeadlineMark = "red" | "yellow" | "green" | "none";

/** Default: a task turns yellow when at most this many working days are left. */
export const DEFAULT_YELLOW_WITHIN_WORKDAYS = 5;

const DAY_MS = 86_400_000;
/** Day numbers count from 2000-01-01; the table grows on demand and stops at 2200. */
const ORIGIN = Date.UTC(2000, 0, 1) / DAY_MS;
const LAST = Date.UTC(2200, 11, 31) / DAY_MS - ORIGIN;
/** workdaysUpTo[i] = working days in [2000-01-01, day i]. Asking the calendar once per day keeps
 *  counting O(1) afterwards; a list of a thousand tasks due decades ahead costs nothing extra. */
const workdaysUpTo: number[] = [];

function dayNumber(iso: string): number {
  return Date.parse(`${iso.slice(0, 10)}T00:00:00Z`) / DAY_MS - ORIGIN;
}

function cumulativeWorkdays(day: number): number {
  const d = Math.min(Math.max(day, -1), LAST);
  if (d < 0) return 0;
  for (let i = workdaysUpTo.length; i <= d; i++) {
    const iso = new Date((ORIGIN + i) * DAY_MS).toISOString().slice(0, 10);
    workdaysUpTo.push((workdaysUpTo[i - 1] ?? 0) + (isWorkday(iso) ? 1 : 0));
  }
  return workdaysUpTo[d] ?? 0;
}

/**
 * Working days from `today` to `due`: after today up to and including the due date when it lies
 * ahead (0 when due today); negative — the working days past it — when overdue.
 */
export function workdaysLeft(today: string, due: string): number {
  return cumulativeWorkdays(dayNumber(due)) - cumulativeWorkdays(dayNumber(today));
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
