// One deadline rule, every surface: random plans (phases or none), tasks (完成时限 or none), moves
// and clocks — any hour of a Beijing day — then the task list's mark and `overdue` filter, the plan
// list's overdue count, the dashboard's buckets and rows, the statistics, a task's deadlines, the
// 督办单 colours and the ledger's 标记 must all say the same thing, through the real API on a real
// database. An oracle written here (calendar days only: "red" needs no working days) checks the
// shared answer for overdue.
import ExcelJS from "exceljs";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DIALECTS, move, startTestApp, unique, type ApiClient, type TestApp, type TransitionEvent } from "../support/server";

const WORK = ["deploy", "handle", "inspect", "summarize", "evaluate"] as const;
type Work = (typeof WORK)[number];

const beijingDay = (at: Date) => new Intl.DateTimeFormat("sv-SE", { timeZone: "Asia/Shanghai" }).format(at);
const lastDay = (month: string) => {
  const [y, m] = month.split("-").map(Number) as [number, number];
  return new Date(Date.UTC(y, m, 0)).toISOString().slice(0, 10);
};

/** The oracle: the due date of a task's current stage (the task's own, else its plan's phase). */
function oracleDue(stage: Work, dueDate: string | null, phaseEnds: Partial<Record<Work, string>>): string | null {
  const handle = dueDate ?? (phaseEnds.handle ? lastDay(phaseEnds.handle) : null);
  if (stage === "handle") return handle;
  const end = phaseEnds[stage] ? lastDay(phaseEnds[stage]) : null;
  if (end === null) return handle;
  if (stage === "deploy") return handle !== null && handle < end ? handle : end;
  return handle !== null && handle > end ? handle : end;
}

const month = fc.integer({ min: 0, max: 17 }).map((i) => `${2026 + Math.floor(i / 12)}-${String((i % 12) + 1).padStart(2, "0")}`);
const day = fc.integer({ min: 0, max: 540 }).map((d) => new Date(Date.UTC(2026, 0, 1) + d * 86_400_000).toISOString().slice(0, 10));
/** How far each task gets: 0 unsigned, 1 signed, 2 in 办理, 3 in 检查. */
const progress = fc.integer({ min: 0, max: 3 });
const scenario = fc.record({
  phaseEnds: fc.record({ deploy: fc.option(month, { nil: undefined }), handle: fc.option(month, { nil: undefined }), inspect: fc.option(month, { nil: undefined }) }, { requiredKeys: [] }),
  tasks: fc.array(fc.record({ dueDate: fc.option(day, { nil: null }), progress }), { minLength: 1, maxLength: 4 }),
  // minutes after 2026-01-01 00:00 UTC of the moves, then of the reading: any hour of the day
  movedAt: fc.integer({ min: 0, max: 200 * 1440 }),
  readAfter: fc.integer({ min: 0, max: 400 * 1440 }),
});

describe.each(DIALECTS)("one deadline rule on every surface (%s)", (dialect) => {
  let app: TestApp;
  let office: ApiClient;
  let mzj: ApiClient;
  let now = new Date("2026-01-01T00:00:00Z");

  beforeAll(async () => {
    // the clock jumps months between runs: sessions must outlive it
    app = await startTestApp(dialect, { clock: () => now, config: { sessionIdleMs: 1e13, sessionAbsoluteMs: 1e13 } });
    office = await app.login("office");
    mzj = await app.login("mzj");
  }, 120_000);
  afterAll(() => app?.close());

  it("agrees for random tasks, phases and clocks", async () => {
    await fc.assert(
      fc.asyncProperty(scenario, async (s) => {
        now = new Date(Date.UTC(2026, 0, 1) + s.movedAt * 60_000);
        const title = unique("规则方案");
        const phases = (Object.entries(s.phaseEnds) as [Work, string][]).map(([stage, end], i) => ({ name: `阶段${i + 1}`, start: "2026-01", end: end < "2026-01" ? "2026-01" : end, stage }));
        const created = await office.trpc.plan.create.mutate({
          title,
          phases,
          tasks: s.tasks.map((t, i) => ({ path: [String(i + 1)], text: `${title} 任务${i + 1}`, leadUnitId: mzj.me!.unitId!, coUnitIds: [], dueDate: t.dueDate })),
        });
        const planId = created.id;
        const list = async () => (await office.trpc.task.list.query({ planId, limit: 50 })).items.sort((a, b) => a.ordinal - b.ordinal);
        const ids = (await list()).map((t) => t.id);
        const steps: [ApiClient, TransitionEvent][] = [
          [mzj, { type: "SIGN" }],
          [mzj, { type: "SUBMIT", text: "办理方案" }],
          [office, { type: "APPROVE" }],
          [mzj, { type: "SUBMIT", text: "办结报告" }],
          [office, { type: "APPROVE" }],
        ];
        for (const [i, t] of s.tasks.entries()) {
          const upTo = [0, 1, 3, 5][t.progress] ?? 0;
          for (const [who, event] of steps.slice(0, upTo)) await move(who, ids[i]!, event, office);
        }

        now = new Date(now.getTime() + s.readAfter * 60_000);
        const today = beijingDay(now);
        const tasks = await list();
        const ends = Object.fromEntries(phases.map((p) => [p.stage, p.end])) as Partial<Record<Work, string>>;

        // the oracle and the task list
        const red = new Set<string>();
        for (const [i, t] of tasks.entries()) {
          const due = oracleDue(t.stage as Work, s.tasks[i]!.dueDate, ends);
          expect(t.effectiveDueDate, `task ${i + 1} in ${t.stage}`).toBe(due);
          expect(t.mark === "red", `task ${i + 1}: due ${due}, today ${today}`).toBe(due !== null && due < today);
          if (t.mark === "red") red.add(t.id);
        }
        const marks = new Map(tasks.map((t) => [t.id, t]));
        // the overdue filter, the plan list
        expect(new Set((await office.trpc.task.list.query({ planId, overdue: true, limit: 50 })).items.map((t) => t.id))).toEqual(red);
        expect((await office.trpc.plan.list.query()).find((p) => p.id === planId)?.overdueCount).toBe(red.size);
        // the dashboard's buckets and rows
        const board = await office.trpc.supervision.dashboard.query({ planId });
        const bucket = (key: string) => new Set(board.buckets.find((b) => b.key === key)?.taskIds);
        expect(bucket("red")).toEqual(red);
        expect(bucket("yellow")).toEqual(new Set(tasks.filter((t) => t.mark === "yellow").map((t) => t.id)));
        for (const r of board.rows) {
          expect(r.marks.deadline).toBe(marks.get(r.taskId)?.mark);
          expect(r.marks.flag).toBe(marks.get(r.taskId)?.flag);
        }
        // the statistics
        const stats = await office.trpc.supervision.stats.query({ planId });
        expect(new Set(stats.overdue.taskIds)).toEqual(red);
        // one task's deadlines
        for (const t of tasks) {
          const d = await office.trpc.supervision.taskDeadlines.query({ taskId: t.id });
          expect([d.marks.deadline, d.marks.flag, d.marks.due]).toEqual([t.mark, t.flag, t.effectiveDueDate]);
        }
        // 督办单: red exactly for overdue or signing overdue
        await office.trpc.supervision.draftNotices.mutate({ planId });
        const notices = (await Promise.all(ids.map((taskId) => office.trpc.supervision.notices.query({ status: "draft", taskId })))).flatMap((p) => p.items);
        const redNotices = new Set(notices.filter((n) => n.colour === "red").map((n) => n.taskId));
        expect(redNotices).toEqual(new Set(tasks.filter((t) => t.flag === "overdue" || t.flag === "sign_overdue").map((t) => t.id)));
        // the ledger's 标记: the same flag, in the same order of seriousness
        const file = await office.trpc.supervision.exportLedger.mutate({ planId });
        const book = new ExcelJS.Workbook();
        await book.xlsx.load(Buffer.from(file.base64, "base64") as unknown as ArrayBuffer);
        const sheet = book.worksheets[0]!;
        for (const [i, t] of tasks.entries()) {
          let mark: string | null = null;
          sheet.eachRow((row) => {
            const text = String(row.getCell(2).value ?? "");
            if (text.includes(`${title} 任务${i + 1}`)) mark = String(row.getCell(row.cellCount).value ?? "");
          });
          const expected = { overdue: "红色", sign_overdue: "红色", due_soon: "黄色", sign_soon: "黄色", on_track: "", none: "" }[t.flag];
          if (t.flag === "overdue" || t.flag === "sign_overdue") expect(mark, `ledger row of task ${i + 1}`).toMatch(/^红色/);
          else if (expected === "黄色") expect(mark).toMatch(/^黄色/);
          else expect(mark ?? "").not.toMatch(/^红色/);
        }
      }),
      { numRuns: 6, seed: 20261204, endOnFailure: true },
    );
  }, 600_000);
});
