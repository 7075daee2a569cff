// 月调度: every open handle-stage task should have a progress report each month.
import { missingReportsByUnit } from "@duban/db";
import { pathLabel, scopeUnit, unitNameMap, type Authed } from "./common";

export interface MissingReportsUnit {
  unitId: string;
  unitName: string;
  count: number;
  /** the first TASKS_PER_UNIT of them in document order */
  tasks: { taskId: string; path: string; text: string }[];
  /** drill-down: task.list input for the unit's handle-stage tasks */
  filter: { unitId: string; stage: ["handle"]; planId?: string };
}

/** A unit's card lists this many of its missing tasks; its count and drill-down cover all. */
const TASKS_PER_UNIT = 50;

/** Per lead unit, the open handle-stage tasks with no progress report in `period` ('YYYY-MM'). */
export async function missingReportsOf(
  db: Authed["db"],
  input: { period: string; planId?: string | undefined; unitId?: string | undefined },
): Promise<MissingReportsUnit[]> {
  const { counts, tasks } = await missingReportsByUnit(db, { period: input.period, planId: input.planId, leadUnitId: input.unitId }, TASKS_PER_UNIT);
  const names = await unitNameMap(db, counts.map((c) => c.unitId));
  const byUnit = new Map<string, MissingReportsUnit>(
    counts.map(({ unitId, count }) => [
      unitId,
      {
        unitId,
        unitName: names.get(unitId) ?? unitId,
        count,
        tasks: [],
        filter: { unitId, stage: ["handle"] as ["handle"], ...(input.planId ? { planId: input.planId } : {}) },
      },
    ]),
  );
  for (const t of tasks) byUnit.get(t.unitId)?.tasks.push({ taskId: t.id, path: pathLabel(t.path), text: t.text });
  return [...byUnit.values()].sort((a, b) => b.count - a.count || a.unitName.localeCompare(b.unitName, "zh"));
}

export async function missingReports(ctx: Authed, input: { period: string; planId?: string | undefined; unitId?: string | undefined }) {
  const unitId = scopeUnit(ctx, input.unitId);
  const units = await missingReportsOf(ctx.db, { ...input, unitId });
  return { period: input.period, total: units.reduce((n, u) => n + u.count, 0), units };
}
