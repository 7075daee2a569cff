// Calendar helpers for supervision: month ends, quarters, working-day offsets (调休 aware through
// `chinese-days`, like ../deadlines.ts).
import { lastDayOfMonth, workdaysLeft } from "../deadlines";

export { addWorkdays, lastDayOfMonth } from "../deadlines";

/** Working days from `from` (exclusive) up to `to` (inclusive); 0 when `to` is not after `from`. */
export function workdaysElapsed(from: string, to: string): number {
  return to <= from ? 0 : workdaysLeft(from, to);
}

export function calendarDaysBetween(fromIso: string, toIso: string): number {
  return (Date.parse(toIso) - Date.parse(fromIso)) / 86_400_000;
}

export interface Quarter {
  /** '2026Q3' */
  id: string;
  year: number;
  q: 1 | 2 | 3 | 4;
  /** first and last day 'YYYY-MM-DD' */
  from: string;
  to: string;
  months: string[];
}

export function parseQuarter(id: string): Quarter {
  const m = /^(\d{4})Q([1-4])$/.exec(id);
  if (!m) throw new Error(`invalid quarter ${id}`);
  const year = Number(m[1]);
  const q = Number(m[2]) as 1 | 2 | 3 | 4;
  const months = [0, 1, 2].map((i) => `${year}-${String((q - 1) * 3 + 1 + i).padStart(2, "0")}`);
  return { id, year, q, from: `${months[0]}-01`, to: lastDayOfMonth(months[2] as string), months };
}

/** 2026-10-09 → 2026年10月9日 */
export function chineseDate(iso: string): string {
  const [y, m, d] = iso.slice(0, 10).split("-").map(Number);
  return `${y}年${m}月${d}日`;
}

export const QUARTER_NAMES = ["", "第一季度", "第二季度", "第三季度", "第四季度"] as const;
