// The statistics counted in SQL (@duban/db plan-stats.ts) against the rule applied to each task in
// JavaScript, on both dialects: tasks of every stage, completed either side of Beijing midnight and
// of their due date (their own or their plan's handle phase), classified, linked to lead and
// co-units, with stage stays, returns and several rating rounds — for the whole time and for one
// quarter, every figure equals the direct count and every list is the right tasks in order.
import { createPlan, createTestDatabase, createUnit, createUser, insertTasks, listPlanMarkTasks, testDialects, type Task } from "@duban/db";
import { isOpenStage, RATINGS, RESOLUTION_CLASSES, RETURN_REASONS, TASK_STAGES, WORK_STAGES } from "@duban/workflow";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { dayOfInstant } from "../../clock";
import { testConfig } from "../../config";
import type { InnerContext } from "../../context";
import { createLogger } from "../../logger";
import { effectiveDueDate, missesMonthlyReport, stageDues } from "../deadlines";
import { calendarDaysBetween } from "./calendar";
import { computeMarks, planDuesByPlan } from "./marks";
import { computeStats } from "./stats";

function random(seed: number) {
  let s = seed;
  const next = () => ((s = (s * 1_103_515_245 + 12_345) % 2_147_483_648) / 2_147_483_648);
  return { next, pick: <T>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)] as T, chance: (p: number) => next() < p };
}
const shiftDay = (day: string, n: number) => new Date(Date.parse(`${day}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);
const docOrder = (a: Task, b: Task) => (a.plan_id < b.plan_id ? -1 : a.plan_id > b.plan_id ? 1 : a.ordinal - b.ordinal || (a.id < b.id ? -1 : 1));

interface Stay {
  task_id: string;
  plan_id: string;
  stage: string;
  entered_at: string;
  left_at: string;
}
interface Return {
  task_id: string;
  plan_id: string;
  unit_id: string | null;
  reason: string;
  at: string;
}
interface Vote {
  task_id: string;
  round: number;
  rating: string;
}

describe.each(testDialects())("statistics in SQL = the rule applied to each task (%s)", (dialect) => {
  let inner: InnerContext;
  let cleanup: () => Promise<void>;
  const planIds: string[] = [];
  let unitIds: string[] = [];
  const stays: Stay[] = [];
  const returns: Return[] = [];
  const votes: Vote[] = [];
  const coLinks: { task_id: string; unit_id: string }[] = [];

  beforeAll(async () => {
    const t = await createTestDatabase(dialect);
    cleanup = t.cleanup;
    inner = { db: t.db, dialect, config: testConfig(), clock: () => new Date("2025-10-09T02:00:00Z"), logger: createLogger("silent") };
    unitIds = [];
    for (const name of ["甲局", "乙局", "丙局"]) unitIds.push((await createUnit(t.db, { name, kind: "department" })).id);
    const evaluators: string[] = [];
    for (const n of [1, 2, 3]) evaluators.push((await createUser(t.db, { username: `eval${n}`, display_name: `评议${n}`, password_hash: "x", role: "leader" })).id);
    const phased = await createPlan(t.db, {
      title: "有阶段的方案",
      phases: [
        { name: "部署", stage: "deploy", start_month: "2025-08", end_month: "2025-08", ordinal: 1 },
        { name: "办理", stage: "handle", start_month: "2025-08", end_month: "2025-09", ordinal: 2 },
      ],
    });
    const bare = await createPlan(t.db, { title: "无阶段的方案" });
    planIds.push(phased.id, bare.id);
    const dues = await planDuesByPlan(inner, planIds);
    const r = random(dialect === "sqlite" ? 3 : 5);
    for (const plan of planIds) {
      const planDues = dues.get(plan) ?? { end: {}, handleStart: null };
      const rows = Array.from({ length: 150 }, (_, i) => {
        const stage = r.pick(TASK_STAGES);
        const due = r.chance(0.7) ? shiftDay("2025-08-20", Math.floor(r.next() * 70)) : null;
        const lead = r.chance(0.9) ? r.pick(unitIds) : null;
        const co = unitIds.filter((u) => u !== lead && r.chance(0.3));
        return {
          plan_id: plan,
          ordinal: 1 + Math.floor(i / 2),
          text: `任务${i}`,
          lead_unit_id: lead,
          co_unit_ids: co,
          due_date: due,
          stage,
          status: "working",
          snapshot: {},
          machine_version: 1,
          created_at: `${shiftDay("2025-07-20", Math.floor(r.next() * 30))}T03:00:00.000Z`,
          effective_due_date: effectiveDueDate({ stage, due_date: due }, planDues)?.due ?? null,
        };
      });
      const tasks = await insertTasks(t.db, rows);
      rows.forEach((row, k) => {
        for (const u of row.co_unit_ids) coLinks.push({ task_id: (tasks[k] as Task).id, unit_id: u });
      });
      for (const task of tasks) {
        const pastHandle = !["deploy", "handle"].includes(task.stage) && !(task.stage === "terminated" && r.chance(0.5));
        // completed either side of Beijing midnight (16:00 UTC), around the due dates and the quarter's ends
        const completedAt = pastHandle ? `${shiftDay("2025-08-25", Math.floor(r.next() * 50))}T${r.pick(["15:59:59.999", "16:00:00.000", "02:00:00.000"])}Z` : null;
        await t.db
          .updateTable("tasks")
          .set({
            completed_at: completedAt,
            completed_on: completedAt === null ? null : dayOfInstant(inner, completedAt),
            resolution_class: ["evaluate", "done"].includes(task.stage) && r.chance(0.8) ? r.pick(RESOLUTION_CLASSES) : null,
            last_report_period: r.pick([null, "2025-09", "2025-10"]),
          })
          .where("id", "=", task.id)
          .execute();
        for (let n = Math.floor(r.next() * 4); n > 0; n--) {
          const entered = `${shiftDay("2025-08-01", Math.floor(r.next() * 40))}T${r.pick(["01", "09", "17"])}:15:00.000Z`;
          stays.push({ task_id: task.id, plan_id: task.plan_id, stage: r.pick(WORK_STAGES), entered_at: entered, left_at: new Date(Date.parse(entered) + Math.floor(r.next() * 30 * 86_400_000)).toISOString() });
        }
        for (let n = r.chance(0.3) ? 1 + Math.floor(r.next() * 2) : 0; n > 0; n--) {
          returns.push({ task_id: task.id, plan_id: task.plan_id, unit_id: r.chance(0.9) ? r.pick(unitIds) : null, reason: r.pick(RETURN_REASONS), at: `${shiftDay("2025-09-25", Math.floor(r.next() * 12))}T${r.pick(["15:59:59.999", "16:00:00.000"])}Z` });
        }
        if (r.chance(0.3)) {
          const rounds = 1 + Math.floor(r.next() * 2);
          for (let round = 1; round <= rounds; round++) for (let voter = 0; voter < evaluators.length; voter++) if (r.chance(0.8)) votes.push({ task_id: task.id, round, rating: r.pick(RATINGS) });
        }
      }
    }
    await t.db.insertInto("task_stage_stays").values(stays as never).execute();
    let n = 0;
    await t.db.insertInto("task_returns").values(returns.map((x) => ({ id: `ret-${n++}`, kind: "stage", ...x })) as never).execute();
    const at = "2025-10-01T00:00:00.000Z";
    const voters = new Map<string, number>();
    await t.db
      .insertInto("ratings")
      .values(
        votes.map((v) => {
          const k = `${v.task_id}|${v.round}`;
          const i = voters.get(k) ?? 0;
          voters.set(k, i + 1);
          return { ...v, evaluator_id: evaluators[i] as string, comment: null, created_at: at, updated_at: at };
        }) as never,
      )
      .execute();
  });
  afterAll(async () => cleanup?.());

  it.each([
    { today: "2025-10-09", from: undefined, to: undefined },
    { today: "2025-10-09", from: "2025-07-01", to: "2025-09-30" },
    { today: "2025-09-22", from: "2025-09-10", to: "2025-09-30" },
  ])("figures and lists ($today, $from – $to)", async ({ today, from, to }) => {
    const stats = await computeStats(inner, { today, from, to, limit: 5 });
    const full = await computeStats(inner, { today, from, to, limit: Infinity });
    const tasks = [...(await listPlanMarkTasks(inner.db, planIds[0] as string)), ...(await listPlanMarkTasks(inner.db, planIds[1] as string))] as unknown as Task[];
    const rows = await inner.db.selectFrom("tasks").selectAll().execute();
    const row = new Map(rows.map((x) => [x.id, x]));
    const marks = await computeMarks(inner, tasks as never, today);
    const dues = await planDuesByPlan(inner, planIds);
    const inWindow = (instant: string) => {
      const day = dayOfInstant(inner, instant);
      return (from === undefined || day >= from) && (to === undefined || day <= to);
    };
    const completed = tasks.filter((t) => row.get(t.id)?.completed_at != null && inWindow(row.get(t.id)?.completed_at as string));
    const onTime = (t: Task) => {
      const due = stageDues(t.due_date, dues.get(t.plan_id) ?? { end: {}, handleStart: null }).find((d) => d.stage === "handle")?.due ?? null;
      return due === null || dayOfInstant(inner, row.get(t.id)?.completed_at as string) <= due;
    };
    const overdue = tasks.filter((t) => marks.get(t.id)?.overdue);

    expect(stats.total).toBe(tasks.length);
    expect(stats.open).toBe(tasks.filter((t) => isOpenStage(t.stage)).length);
    for (const b of stats.byStage) expect({ stage: b.stage, count: b.count }).toEqual({ stage: b.stage, count: tasks.filter((t) => t.stage === b.stage).length });
    expect(stats.onTime).toMatchObject({ completed: completed.length, completedOnTime: completed.filter(onTime).length });
    expect(completed.length).toBeGreaterThan(5);
    expect(completed.filter(onTime).length).toBeGreaterThan(0);
    expect(completed.filter(onTime).length).toBeLessThan(completed.length);
    expect(stats.onTime.taskIds).toEqual([...completed].sort(docOrder).slice(0, 5).map((t) => t.id));
    expect(stats.onTime.truncated).toBe(completed.length > 5);
    expect(new Set(full.onTime.taskIds)).toEqual(new Set(completed.map((t) => t.id)));
    expect(stats.overdue.count).toBe(overdue.length);
    const byDue = (a: Task, b: Task) => ((a.effective_due_date ?? "") < (b.effective_due_date ?? "") ? -1 : (a.effective_due_date ?? "") > (b.effective_due_date ?? "") ? 1 : docOrder(a, b));
    expect(stats.overdue.taskIds).toEqual([...overdue].sort(byDue).slice(0, 5).map((t) => t.id));
    expect(full.overdue.taskIds).toHaveLength(overdue.length);
    for (const c of stats.resolutionClasses) {
      const of = tasks.filter((t) => row.get(t.id)?.resolution_class === c.class).sort(docOrder);
      expect({ c: c.class, count: c.count, ids: c.taskIds }).toEqual({ c: c.class, count: of.length, ids: of.slice(0, 5).map((t) => t.id) });
    }

    // durations: every stay, in days
    for (const d of stats.avgDaysPerStage) {
      const of = stays.filter((s) => s.stage === d.stage);
      const days = of.reduce((n, s) => n + calendarDaysBetween(s.entered_at, s.left_at), 0);
      expect({ stage: d.stage, samples: d.samples, days: d.days }).toEqual({ stage: d.stage, samples: of.length, days: of.length === 0 ? null : Math.round((days / of.length) * 10) / 10 });
    }
    // returns in the window, by reason and by unit
    const inReturns = returns.filter((x) => inWindow(x.at));
    expect(stats.returns.total).toBe(inReturns.length);
    expect(inReturns.length).toBeLessThan(returns.length + (from === undefined ? 1 : 0));
    for (const b of stats.returns.byReason) expect(b.count).toBe(inReturns.filter((x) => x.reason === b.reason).length);
    // ratings: each task's last round
    const last = new Map<string, number>();
    for (const v of votes) last.set(v.task_id, Math.max(last.get(v.task_id) ?? 0, v.round));
    for (const e of stats.evaluation) expect(e.votes).toBe(votes.filter((v) => v.round === last.get(v.task_id) && v.rating === e.rating).length);

    // per unit
    for (const unitId of unitIds) {
      const leads = tasks.filter((t) => t.lead_unit_id === unitId);
      const leadDone = completed.filter((t) => t.lead_unit_id === unitId);
      const u = stats.units.find((x) => x.unitId === unitId);
      expect(u).toMatchObject({
        lead: leads.length,
        co: coLinks.filter((l) => l.unit_id === unitId).length,
        open: leads.filter((t) => isOpenStage(t.stage)).length,
        completed: leadDone.length,
        completedOnTime: leadDone.filter(onTime).length,
        overdue: overdue.filter((t) => t.lead_unit_id === unitId).length,
        returns: inReturns.filter((x) => x.unit_id === unitId).length,
        missingReports: tasks.filter((t) => t.lead_unit_id === unitId && missesMonthlyReport(t, today.slice(0, 7))).length,
      });
    }
    // one plan alone: its own tasks
    const one = await computeStats(inner, { planId: planIds[1], today, from, to, limit: 5 });
    expect(one.total).toBe(tasks.filter((t) => t.plan_id === planIds[1]).length);
    expect(one.overdue.count).toBe(overdue.filter((t) => t.plan_id === planIds[1]).length);
    expect(one.onTime.completed).toBe(completed.filter((t) => t.plan_id === planIds[1]).length);
  });
});
