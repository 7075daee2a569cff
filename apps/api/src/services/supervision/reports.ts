// 月调度: every open handle-stage task should have a progress report each month.
import { listProgressReportsForPeriod } from "@duban/db";
import { allTasks, pathLabel, scopeUnit, unitNameMap, type Authed } from "./common";

export interface MissingReportsUnit {
  unitId: string;
  unitName: string;
  count: number;
  tasks: { taskId: string; path: string; text: string }[];
  /** drill-down: task.list input for the unit's handle-stage tasks */
  filter: { unitId: string; stage: ["handle"]; planId?: string };
}

/** Per lead unit, the open handle-stage tasks with no progress report in `period` ('YYYY-MM'). */
export async function missingReportsOf(
  db: Authed["db"],
  input: { period: string; planId?: string | undefined; unitId?: string | undefined },
): Promise<MissingReportsUnit[]> {
  const tasks = await allTasks(db, {
    stage: ["handle"],
    ...(input.planId ? { planId: input.planId } : {}),
    ...(input.unitId ? { leadUnitId: input.unitId } : {}),
  });
  const reported = new Set((await listProgressReportsForPeriod(db, input.period)).map((r) => r.task_id));
  const missing = tasks.filter((t) => !reported.has(t.id) && t.lead_unit_id !== null);
  const names = await unitNameMap(db, missing.map((t) => t.lead_unit_id));
  const byUnit = new Map<string, MissingReportsUnit>();
  for (const t of missing) {
    const unitId = t.lead_unit_id as string;
    const row = byUnit.get(unitId) ?? {
      unitId,
      unitName: names.get(unitId) ?? unitId,
      count: 0,
      tasks: [],
      filter: { unitId, stage: ["handle"] as ["handle"], ...(input.planId ? { planId: input.planId } : {}) },
    };
    row.count += 1;
    row.tasks.push({ taskId: t.id, path: pathLabel(t.path), text: t.text });
    byUnit.set(unitId, row);
  }
  return [...byUnit.values()].sort((a, b) => b.count - a.count || a.unitName.localeCompare(b.unitName, "zh"));
}

export async function missingReports(ctx: Authed, input: { period: string; planId?: string | undefined; unitId?: string | undefined }) {
  const unitId = scopeUnit(ctx, input.unitId);
  const units = await missingReportsOf(ctx.db, { ...input, unitId });
  return { period: input.period, total: units.reduce((n, u) => n + u.count, 0), units };
}
