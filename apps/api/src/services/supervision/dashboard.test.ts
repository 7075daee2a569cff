// The dashboard counts and lists in SQL (repositories/dashboard.ts) against the marks of each task
// (marks.ts), on both dialects: for tasks of every kind — each stage, dated and undated, signed
// and waiting, reached its unit either side of Beijing midnight, reported or not, behind or not —
// and for days around the 2025 National Day week, before and after the monthly report day, every
// bucket holds exactly the tasks whose marks say so, and lists them most urgent first.
import { countDashboardBuckets, createPlan, createTestDatabase, createUnit, DASHBOARD_BUCKETS, insertTasks, listDashboardBucket, listPlanMarkTasks, testDialects, type DashboardBucket } from "@duban/db";
import { isOpenStage, TASK_STAGES } from "@duban/workflow";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { testConfig } from "../../config";
import type { InnerContext } from "../../context";
import { createLogger } from "../../logger";
import { effectiveDueDate } from "../deadlines";
import { dashboardRanges } from "./dashboard";
import { computeMarks, expectedPercent, handleWindow, planDuesByPlan, progressBehindFrom, PROGRESS_TOLERANCE, type TaskMarks } from "./marks";

/** What each bucket means in the marks of one task. */
const MEANING: Record<DashboardBucket, (m: TaskMarks, stage: string) => boolean> = {
  open: (_, stage) => isOpenStage(stage),
  red: (m) => m.deadline === "red",
  yellow: (m) => m.deadline === "yellow",
  behind: (m) => m.behind !== null,
  noReport: (m) => m.missingReport,
  signLate: (m) => m.sign !== null && m.sign.mark !== "green",
  noticeRed: (m) => m.colour === "red",
  noticeYellow: (m) => m.colour === "yellow",
  noticeBlue: (m) => m.colour === "blue",
};

const DAYS = ["2025-09-19", "2025-09-22", "2025-09-26", "2025-09-30", "2025-10-03", "2025-10-09", "2025-10-21", "2025-10-31", "2025-11-25"];

function random(seed: number) {
  let s = seed;
  const next = () => ((s = (s * 1_103_515_245 + 12_345) % 2_147_483_648) / 2_147_483_648);
  return { next, pick: <T>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)] as T, chance: (p: number) => next() < p };
}
const shiftDay = (day: string, n: number) => new Date(Date.parse(`${day}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);

describe.each(testDialects())("dashboard buckets in SQL = the marks of each task (%s)", (dialect) => {
  let inner: InnerContext;
  let cleanup: () => Promise<void>;
  const planIds: string[] = [];
  let unitIds: string[] = [];

  beforeAll(async () => {
    const t = await createTestDatabase(dialect);
    cleanup = t.cleanup;
    inner = { db: t.db, dialect, config: testConfig(), clock: () => new Date("2025-10-09T02:00:00Z"), logger: createLogger("silent") };
    unitIds = [(await createUnit(t.db, { name: "甲局", kind: "department" })).id, (await createUnit(t.db, { name: "乙局", kind: "department" })).id];
    const phased = await createPlan(t.db, {
      title: "有阶段的方案",
      phases: [
        { name: "部署", stage: "deploy", start_month: "2025-09", end_month: "2025-09", ordinal: 1 },
        { name: "办理", stage: "handle", start_month: "2025-09", end_month: "2025-12", ordinal: 2 },
        { name: "检查", stage: "inspect", start_month: "2026-01", end_month: "2026-01", ordinal: 3 },
      ],
    });
    const bare = await createPlan(t.db, { title: "无阶段的方案" });
    planIds.push(phased.id, bare.id);
    const dues = await planDuesByPlan(inner, planIds);
    const r = random(dialect === "sqlite" ? 7 : 11);
    for (const plan of planIds) {
      const planDues = dues.get(plan) ?? { end: {}, handleStart: null };
      const rows = Array.from({ length: 160 }, (_, i) => {
        const stage = r.pick(TASK_STAGES);
        const due = r.chance(0.8) ? shiftDay("2025-09-15", Math.floor(r.next() * 80)) : null;
        return {
          plan_id: plan,
          ordinal: 1 + Math.floor(i / 2), // pairs share an ordinal: the id breaks the tie
          text: `任务${i}`,
          lead_unit_id: r.chance(0.9) ? r.pick(unitIds) : null,
          due_date: due,
          stage,
          status: stage === "deploy" && r.chance(0.6) ? "signing" : "working",
          snapshot: {},
          machine_version: 1,
          created_at: `${shiftDay("2025-08-20", Math.floor(r.next() * 50))}T${r.pick(["01", "15", "16", "23"])}:30:00.000Z`,
          effective_due_date: effectiveDueDate({ stage, due_date: due }, planDues)?.due ?? null,
        };
      });
      const tasks = await insertTasks(t.db, rows);
      for (const task of tasks) {
        // reached its unit either side of Beijing midnight (16:00 UTC)
        const reached = r.chance(0.8) ? `${shiftDay("2025-09-12", Math.floor(r.next() * 35))}T${r.pick(["15:59:59.999", "16:00:00.000", "03:00:00.000"])}Z` : null;
        const entered = r.chance(0.7) ? `${shiftDay("2025-09-01", Math.floor(r.next() * 30))}T10:00:00.000Z` : null;
        const percent = r.chance(0.7) ? Math.floor(r.next() * 101) : null;
        const window = handleWindow(inner, { due_date: task.due_date, created_at: task.created_at, entered_stage_at: entered }, planDues);
        await t.db
          .updateTable("tasks")
          .set({
            reached_unit_at: reached,
            entered_stage_at: entered,
            latest_percent: percent,
            last_report_period: r.pick([null, "2025-08", "2025-09", "2025-10", "2025-11"]),
            behind_from: task.stage === "handle" ? progressBehindFrom(window, percent) : null,
          })
          .where("id", "=", task.id)
          .execute();
      }
    }
  });
  afterAll(async () => cleanup?.());

  it.each(DAYS)("on %s every bucket's count and list are the tasks its marks put there", async (today) => {
    const ranges = dashboardRanges(inner, today);
    const counts = await countDashboardBuckets(inner.db, { planIds }, ranges);
    const tasks = [...(await listPlanMarkTasks(inner.db, planIds[0] as string)), ...(await listPlanMarkTasks(inner.db, planIds[1] as string))];
    const marks = await computeMarks(inner, tasks, today);
    const nonEmpty = new Set<DashboardBucket>();
    for (const bucket of DASHBOARD_BUCKETS) {
      const expected = tasks.filter((t) => isOpenStage(t.stage) && MEANING[bucket](marks.get(t.id) as TaskMarks, t.stage));
      const counted = planIds.reduce((n, p) => n + (counts.get(p)?.[bucket] ?? 0), 0);
      expect({ bucket, count: counted }).toEqual({ bucket, count: expected.length });
      const all = await listDashboardBucket(inner.db, {}, ranges, bucket, 10_000);
      expect(new Set(all)).toEqual(new Set(expected.map((t) => t.id)));
      // most urgent first: due date (signing: the instant it reached its unit), then document order, undated last
      const key = (t: (typeof tasks)[number]) =>
        bucket === "signLate" ? (t.reached_unit_at ?? t.created_at) : (t.effective_due_date ?? "\uffff");
      const ordered = [...expected].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0) || (a.plan_id < b.plan_id ? -1 : a.plan_id > b.plan_id ? 1 : 0) || a.ordinal - b.ordinal || (a.id < b.id ? -1 : 1));
      expect(await listDashboardBucket(inner.db, {}, ranges, bucket, 7)).toEqual(ordered.slice(0, 7).map((t) => t.id));
      if (expected.length > 0) nonEmpty.add(bucket);
    }
    // the scope of one unit and one plan
    const unitId = unitIds[0] as string;
    const scoped = await countDashboardBuckets(inner.db, { planIds: [planIds[0] as string], unitId }, ranges);
    const inScope = tasks.filter((t) => t.plan_id === planIds[0] && t.lead_unit_id === unitId && isOpenStage(t.stage));
    expect(scoped.get(planIds[0] as string)?.open).toBe(inScope.length);
    expect(new Set(await listDashboardBucket(inner.db, { planId: planIds[0], unitId }, ranges, "open", 10_000))).toEqual(new Set(inScope.map((t) => t.id)));
    expect(nonEmpty.size).toBeGreaterThanOrEqual(6);
  });
});

describe("progress behind, as a date", () => {
  it("is the first day the reported percent trails the elapsed share by more than the tolerance", () => {
    const windows = [
      { start: "2025-09-01", due: "2025-12-31" },
      { start: "2025-09-15", due: "2025-09-20" },
      { start: "2025-10-01", due: "2026-03-31" },
      { start: "2025-10-01", due: "2025-10-02" },
      { start: "2025-10-01", due: null },
      { start: "2025-10-05", due: "2025-10-05" },
    ];
    let behindSomeday = 0;
    for (const w of windows) {
      for (const percent of [null, 0, 5, 33, 50, 79, 80, 100]) {
        const from = progressBehindFrom(w, percent);
        for (let k = -3; k <= 200; k++) {
          const day = shiftDay(w.start, k);
          const expected = expectedPercent(w, day);
          const behind = expected !== null && percent !== null && percent + PROGRESS_TOLERANCE < expected;
          expect({ w, percent, day, behind }).toEqual({ w, percent, day, behind: from !== null && day >= from });
        }
        if (from !== null) behindSomeday++;
      }
    }
    expect(behindSomeday).toBeGreaterThan(10);
  });
});
