// The deadline mark of a task: red (overdue), yellow (due soon), green, or none (no date / closed).
export type DeadlineMark = "red" | "yellow" | "green" | "none";

/** Calendar days before the due date from which a task shows yellow. */
export const YELLOW_WITHIN_DAYS = 7;

export function daysBetween(fromIso: string, toIso: string): number {
  return Math.round((Date.parse(`${toIso}T00:00:00Z`) - Date.parse(`${fromIso}T00:00:00Z`)) / 86_400_000);
}

export function deadlineMark(dueDate: string | null, stage: string, today: string): DeadlineMark {
  if (dueDate === null || stage === "done" || stage === "terminated") return "none";
  const left = daysBetween(today, dueDate);
  if (left < 0) return "red";
  return left <= YELLOW_WITHIN_DAYS ? "yellow" : "green";
}
