// The 台账 written page by page (services/supervision/exports.ts): with a page of 3 tasks, a plan of
// 7 tasks (two chapters, a flat item, a part split from the first task) takes three pages, and the
// file lists every task once — each plan task in document order, its part right under it — with its
// latest progress report, exactly as one page of 500 writes it. A closed output stops the writing.
import { createProgressReport, createTestDatabase, createUnit, createUser, insertTasks, listAudit, testDialects, type TestDatabase, type UserRow } from "@duban/db";
import { persistTask, startTask } from "@duban/workflow";
import ExcelJS from "exceljs";
import { Writable } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { testConfig } from "../../config";
import { detachedRequest, type Context, type InnerContext } from "../../context";
import { createLogger } from "../../logger";
import { createPlanFromDraft } from "../plans";
import { exportLedger, openLedger } from "./exports";

async function ledgerRows(base64: string): Promise<unknown[][]> {
  const book = new ExcelJS.Workbook();
  await book.xlsx.load(Buffer.from(base64, "base64") as unknown as ArrayBuffer);
  const rows: unknown[][] = [];
  book.worksheets[0]!.eachRow((row) => rows.push((row.values as unknown[]).slice(1)));
  return rows;
}

describe.each(testDialects())("the ledger, page by page (%s)", (dialect) => {
  let t: TestDatabase;
  let ctx: Context & { session: { sessionId: string; user: UserRow } };
  let planId: string;
  /** task text → its latest report's text ("" without one), in the order the ledger must list them */
  const expected: [string, string][] = [];

  beforeAll(async () => {
    t = await createTestDatabase(dialect);
    const inner: InnerContext = { db: t.db, dialect, config: testConfig(), clock: () => new Date("2025-09-26T02:00:00.000Z"), logger: createLogger("silent") };
    const office = await createUnit(t.db, { name: "分页测试办公室", kind: "office" });
    const a = await createUnit(t.db, { name: "分页测试民政局", kind: "department" });
    const b = await createUnit(t.db, { name: "分页测试财政局", kind: "department" });
    const user = await createUser(t.db, { username: "ledger-office", display_name: "办公室", password_hash: "x", role: "office", unit_id: office.id, must_change_password: false });
    ctx = { ...inner, request: detachedRequest(), session: { sessionId: "s-office", user } };
    const task = (path: string[], heading: string | null, text: string) => ({ path, heading, text, leadUnitId: a.id, coUnitIds: [b.id], dueDate: "2025-12-31", deadlineText: null });
    const plan = await createPlanFromDraft(ctx, {
      title: "分页台账测试方案",
      phases: [],
      tasks: [
        task(["一", "1"], "第一章", "任务甲"),
        task(["一", "2"], "第一章", "任务乙"),
        task(["二", "1"], "第二章", "任务丙"),
        task(["二", "2"], "第二章", "任务丁"),
        task(["二", "3"], "第二章", "任务戊"),
        task(["三"], null, "任务己"),
      ],
    }, "manual");
    planId = plan.id;
    const tasks = await t.db.selectFrom("tasks").select(["id", "text", "ordinal", "path", "heading"]).where("plan_id", "=", planId).orderBy("ordinal").execute();
    const first = tasks[0]!;
    // a part of the first task, numbered after the plan's own tasks (as a SPLIT numbers it)
    const [part] = await insertTasks(t.db, [{
      plan_id: planId, ordinal: tasks.length + 1, path: ["一", "1", "1"], heading: first.heading, text: "任务甲的子任务", lead_unit_id: b.id,
      stage: "deploy", status: "signing", snapshot: persistTask(startTask({ leadUnitId: b.id })).snapshot, machine_version: 2, parent_id: first.id, depth: 2,
    }]);
    const byText = new Map([...tasks, part!].map((x) => [x.text, x.id]));
    // reports: the latest is the last by time, then by id; the period does not decide it
    const report = (text: string, id: string, at: string, period: string, body: string) =>
      createProgressReport(t.db, { id, task_id: byText.get(text)!, period, text: body, created_at: at });
    await report("任务甲", "r-a1", "2025-09-01T01:00:00.000Z", "2025-09", "甲 九月初");
    await report("任务甲", "r-a2", "2025-09-20T01:00:00.000Z", "2025-08", "甲 补报八月");
    await report("任务丙", "r-c1", "2025-09-10T01:00:00.000Z", "2025-09", "丙 第一次");
    await report("任务丙", "r-c3", "2025-09-15T01:00:00.000Z", "2025-09", "丙 同一时刻（后）");
    await report("任务丙", "r-c2", "2025-09-15T01:00:00.000Z", "2025-09", "丙 同一时刻（前）");
    await report("任务甲的子任务", "r-p1", "2025-09-21T01:00:00.000Z", "2025-09", "子任务 已启动");
    await report("任务己", "r-f1", "2025-09-05T01:00:00.000Z", "2025-09", "己 唯一一次");
    expected.push(
      ["任务甲", "甲 补报八月"],
      ["任务甲的子任务", "子任务 已启动"],
      ["任务乙", ""],
      ["任务丙", "丙 同一时刻（后）"],
      ["任务丁", ""],
      ["任务戊", ""],
      ["任务己", "己 唯一一次"],
    );
  });
  afterAll(async () => {
    await t.cleanup();
  });

  it("lists every task once, in document order with its parts under it, with its latest progress, as one page does", async () => {
    const paged = await exportLedger(ctx, { planId }, { pageSize: 3 });
    const whole = await exportLedger(ctx, { planId });
    const rows = await ledgerRows(paged.base64);
    expect(rows).toEqual(await ledgerRows(whole.base64));
    expect(paged.filename).toBe(whole.filename);

    const taskRows = rows.slice(2).filter((r) => typeof r[0] === "number" || /^\d+-/.test(String(r[0])));
    // "子任务 一 › 1 › 1 任务甲的子任务" → the task's text (the texts here hold no space)
    const textOf = (r: unknown[]) => String(r[1]).replace(/\n.*$/s, "").split(" ").pop();
    expect(taskRows.map((r) => [textOf(r), r[7] ?? ""])).toEqual(expected);
    expect(taskRows.map((r) => r[0])).toEqual([1, "1-1", 2, 3, 4, 5, 6]);
    expect(taskRows.every((r) => r[3] === "分页测试财政局" || textOf(r) === "任务甲的子任务")).toBe(true);
    // chapter headings stand before their tasks; the flat item has none
    expect(rows.slice(2).map((r) => (typeof r[0] === "string" && !/^\d/.test(r[0]) ? r[0] : "·"))).toEqual(["一、第一章", "·", "·", "·", "二、第二章", "·", "·", "·", "·"]);

    // each export audited once, with the plan's task count
    const records = (await listAudit(t.db, { action: "supervision.exportLedger", outcome: "ok", limit: 10 })).items;
    expect(records.map((r) => JSON.parse(r.detail))).toEqual([{ tasks: 7 }, { tasks: 7 }]);
  });

  it("stops when its output closes, and audits nothing", async () => {
    const before = (await listAudit(t.db, { action: "supervision.exportLedger", outcome: "ok", limit: 10 })).items.length;
    const ledger = await openLedger(ctx, { planId }, { pageSize: 1 });
    let received = 0;
    const out = new Writable({
      write(chunk: Buffer, _encoding, done) {
        received += chunk.length;
        done();
        out.destroy(); // the reader goes away after the first bytes
      },
    });
    await expect(ledger.write(out)).rejects.toThrow(/output closed before the file was complete/);
    expect(received).toBeGreaterThan(0);
    expect((await listAudit(t.db, { action: "supervision.exportLedger", outcome: "ok", limit: 10 })).items).toHaveLength(before);
  });
});
