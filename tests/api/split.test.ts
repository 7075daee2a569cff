// 层层分解 over HTTP at two levels: the office → 区民政局 (mzj) → two streets (wjs, jjl) → a
// community (qx). Each level reviews the parts it split; each move by the wrong level is refused;
// no unit sees a task outside its subtree; the parent waits for its unwaived parts.
import ExcelJS from "exceljs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { attempt, DIALECTS, loginAll, move, refusal, startTestApp, unique, versionOf, type ApiClient, type TestApp } from "../support/server";

const USERS = ["office", "mzj", "wjs", "jjl", "qx", "ybj", "leader", "auditor"] as const;

describe.each(DIALECTS)("splitting a task at two levels (%s)", (dialect) => {
  let app: TestApp;
  let c: Record<(typeof USERS)[number], ApiClient>;
  let planId: string;
  let top: string;
  let partA: string; // 吴家山街道 (wjs)
  let partB: string; // 将军路街道 (jjl)
  let community: string; // 七雄社区 (qx)
  let otherCommunity: string; // 田园社区 (no liaison)
  const unitOf = (client: ApiClient) => client.me?.unitId ?? "";
  /** 我的待办: a tab's task ids, or null when the user has no such tab. */
  const todo = async (client: ApiClient, key: string): Promise<string[] | null> => {
    const tab = (await client.trpc.task.todo.query()).find((t) => t.key === key);
    if (tab === undefined) return null;
    const items = (await client.trpc.task.todoItems.query({ tab: key, limit: 200 })).items.map((t) => t.id);
    expect(tab.count).toBe(items.length);
    return items;
  };

  beforeAll(async () => {
    app = await startTestApp(dialect);
    c = await loginAll(app, USERS);
    // 立项 by hand from a meeting decision: 区民政局 leads, the two streets co-handle.
    const created = await c.office.trpc.plan.create.mutate({
      title: unique("会议议定事项"),
      sourceKind: "meeting",
      sourceRef: "区政府常务会议（第 30 次）",
      phases: [],
      tasks: [{ path: ["1"], text: "推广社区老年食堂", leadUnitId: unitOf(c.mzj), coUnitIds: [unitOf(c.wjs), unitOf(c.jjl)], dueDate: "2099-06-30" }],
    });
    const plan = await c.office.trpc.plan.get.query({ planId: created.id });
    expect(plan).toMatchObject({ sourceKind: "meeting", sourceRef: "区政府常务会议（第 30 次）" });
    planId = created.id;
    top = (await c.office.trpc.task.list.query({ planId, limit: 10 })).items[0]?.id ?? "";
    await move(c.mzj, top, { type: "SIGN" });
    await move(c.mzj, top, { type: "SUBMIT", text: "办理方案" });
    await move(c.office, top, { type: "APPROVE" });
  });
  afterAll(async () => {
    await app?.close();
  });

  it("the lead unit splits for its co-units; a later deadline, a unit outside its reach and the wrong level are refused", async () => {
    const late = await refusal(move(c.mzj, top, { type: "SPLIT", parts: [{ text: "街道部分", leadUnitId: unitOf(c.wjs), dueDate: "2099-07-01" }] }));
    expect(late).toMatchObject({ appCode: "GUARD_FAILED", guard: "LATER_THAN_PARENT", message: "子任务的完成时限不能晚于上级任务的完成时限" });
    const outside = await refusal(move(c.mzj, top, { type: "SPLIT", parts: [{ text: "医保部分", leadUnitId: unitOf(c.ybj) }] }));
    expect(outside.appCode).toBe("BAD_INPUT");
    expect(outside.message).toContain("不能分解给它");
    const byCoUnit = await refusal(move(c.wjs, top, { type: "SPLIT", parts: [{ text: "x", leadUnitId: unitOf(c.jjl) }] }));
    expect(byCoUnit.appCode).toBe("NOT_YOUR_UNIT");
    const stale = await refusal(
      c.mzj.trpc.task.transition.mutate({ taskId: top, expectedVersion: (await versionOf(c.mzj, top)) - 1, event: { type: "SPLIT", parts: [{ text: "x", leadUnitId: unitOf(c.wjs) }] } }),
    );
    expect(stale.appCode).toBe("CONFLICT");

    // Before it splits anything, the 区局's 我的待办 has no reviewer's tabs.
    expect(await todo(c.mzj, "supervising")).toBeNull();
    expect(await todo(c.mzj, "submitted")).toBeNull();
    await move(c.mzj, top, {
      type: "SPLIT",
      comment: "按街道分解",
      parts: [
        { text: "吴家山街道：建成老年食堂 2 个", leadUnitId: unitOf(c.wjs), dueDate: "2099-05-31" },
        { text: "将军路街道：建成老年食堂 1 个", leadUnitId: unitOf(c.jjl) },
      ],
    });
    const detail = await c.mzj.trpc.task.get.query({ taskId: top });
    expect(detail.parts.map((p) => [p.leadUnit?.id, p.dueDate, p.depth, p.supervisorUnit?.id])).toEqual([
      [unitOf(c.wjs), "2099-05-31", 2, unitOf(c.mzj)],
      [unitOf(c.jjl), "2099-06-30", 2, unitOf(c.mzj)],
    ]);
    expect(detail.task.parts).toMatchObject({ total: 2, done: 0, returned: 0 });
    partA = detail.parts[0]?.id ?? "";
    partB = detail.parts[1]?.id ?? "";
    const audit = await c.auditor.trpc.audit.list.query({ taskId: top, outcome: "ok", limit: 50 });
    expect(audit.items.find((r) => r.action === "task.SPLIT")).toBeDefined();
  });

  it("the splitter reviews its parts; the office and the part itself may not", async () => {
    await move(c.wjs, partA, { type: "SIGN" }, c.mzj);
    await move(c.wjs, partA, { type: "SUBMIT", text: "街道办理方案" }, c.mzj);
    // 我的待办: the 区局 reviews the submitted part and supervises both; the office reviews neither.
    expect(await todo(c.mzj, "submitted")).toEqual([partA]);
    expect(await todo(c.mzj, "supervising")).toEqual(expect.arrayContaining([partA, partB]));
    expect(await todo(c.office, "submitted")).not.toContain(partA);
    expect(await todo(c.office, "supervising")).not.toContain(partA);
    expect(await todo(c.wjs, "drafting")).not.toContain(partA);
    expect((await refusal(move(c.office, partA, { type: "APPROVE" }))).appCode).toBe("NOT_SUPERVISOR");
    expect((await refusal(move(c.wjs, partA, { type: "APPROVE" }))).appCode).toBe("NOT_SUPERVISOR");
    expect((await refusal(move(c.jjl, partA, { type: "APPROVE" }, c.mzj))).appCode).toBe("NOT_FOUND");
    await move(c.mzj, partA, { type: "APPROVE", comment: "同意" });
    // The office still urges any level.
    await move(c.office, partA, { type: "URGE", text: "请加快进度" });
    // The office cannot approve the top task's 办理 of a part, nor the 区局 the top task itself.
    await move(c.jjl, partB, { type: "SIGN" }, c.mzj);
    await move(c.jjl, partB, { type: "SUBMIT", text: "街道办理方案" }, c.mzj);
    await move(c.mzj, partB, { type: "RETURN", toStage: "deploy", reason: "vague_measures", text: "请明确选址" });
    const rolled = (await c.office.trpc.task.get.query({ taskId: top })).task.parts;
    expect(rolled).toMatchObject({ total: 2, returned: 1 });
  });

  it("a street splits its part for its communities (second level), reviewed by the street, not by the 区局", async () => {
    const units = (await c.office.trpc.unit.list.query()).units;
    const communities = units.filter((u) => u.parentId === unitOf(c.wjs));
    expect(communities.map((u) => u.id)).toContain(unitOf(c.qx));
    await move(c.wjs, partA, {
      type: "SPLIT",
      parts: communities.map((u) => ({ text: `${u.name}：开办老年食堂`, leadUnitId: u.id, dueDate: "2099-05-15" })),
    }, c.mzj);
    const parts = (await c.wjs.trpc.task.get.query({ taskId: partA })).parts;
    community = parts.find((p) => p.leadUnit?.id === unitOf(c.qx))?.id ?? "";
    otherCommunity = parts.find((p) => p.leadUnit?.id !== unitOf(c.qx))?.id ?? "";
    expect(parts.every((p) => p.depth === 3 && p.supervisorUnit?.id === unitOf(c.wjs))).toBe(true);

    await move(c.qx, community, { type: "SIGN" });
    await move(c.qx, community, { type: "SUBMIT", text: "社区办理方案" });
    expect((await refusal(move(c.mzj, community, { type: "APPROVE" }))).appCode).toBe("NOT_SUPERVISOR");
    expect((await refusal(move(c.office, community, { type: "APPROVE" }))).appCode).toBe("NOT_SUPERVISOR");
    await move(c.wjs, community, { type: "APPROVE" }, c.qx);
    // The 区局 sees its grandchildren and the worst mark below; the office sees everything.
    expect((await c.mzj.trpc.task.get.query({ taskId: community })).task.depth).toBe(3);
    expect((await c.mzj.trpc.task.get.query({ taskId: top })).task.parts?.worstMark).toBeDefined();
  });

  it("no unit sees or acts on a task outside its subtree", async () => {
    for (const [who, taskId] of [
      ["qx", top],
      ["qx", partA],
      ["jjl", partA],
      ["jjl", community],
      ["wjs", partB],
      ["ybj", top],
      ["ybj", community],
    ] as const) {
      const read = await attempt(c[who].trpc.task.get.query({ taskId }));
      expect(read.ok ? "read" : read.appCode, `${who} reads ${taskId}`).toBe("NOT_FOUND");
      const act = await refusal(c[who].trpc.task.transition.mutate({ taskId, expectedVersion: 1, event: { type: "URGE" } }));
      expect(act.appCode).toBe("NOT_FOUND");
    }
    // 我的待办: the parts a unit supervises are its own list.
    const supervised = await c.mzj.trpc.task.list.query({ supervising: true, planId, limit: 50 });
    expect(supervised.items.map((t) => t.id).sort()).toEqual([partA, partB].sort());
    // a cursor the page made up is a 400 on this list too, as on every other (found by the fuzz test)
    expect((await refusal(c.mzj.trpc.task.list.query({ supervising: true, cursor: "%%>X6s<b", limit: 50 }))).appCode).toBe("BAD_INPUT");
    const qxOwn = await c.qx.trpc.task.list.query({ planId, limit: 50 });
    expect(qxOwn.items.map((t) => t.id)).toEqual([community]);
  });

  it("a parent's 办理 completion waits for its unwaived parts; only the splitter waives, with a reason", async () => {
    // Part A (吴家山) in handle: its own parts hold it.
    const blocked = await refusal(move(c.wjs, partA, { type: "SUBMIT", text: "街道办结报告" }, c.mzj));
    expect(blocked).toMatchObject({ appCode: "GUARD_FAILED", guard: "PARTS_PENDING" });
    expect((await refusal(move(c.mzj, otherCommunity, { type: "WAIVE_PART", reason: "无" }))).appCode).toBe("NOT_SUPERVISOR");
    expect((await refusal(move(c.wjs, otherCommunity, { type: "WAIVE_PART", reason: " " }, c.mzj))).appCode).toBe("BAD_INPUT");
    await move(c.wjs, otherCommunity, { type: "WAIVE_PART", reason: "该社区已有老年食堂" }, c.mzj);
    await move(c.qx, community, { type: "SUBMIT", text: "社区办结报告" });
    await move(c.wjs, community, { type: "APPROVE" }, c.qx);
    await move(c.wjs, partA, { type: "SUBMIT", text: "街道办结报告" }, c.mzj);
    await move(c.mzj, partA, { type: "APPROVE" });

    const rolled = (await c.office.trpc.task.get.query({ taskId: top })).task.parts;
    expect(rolled).toMatchObject({ total: 2, done: 1, returned: 1 });
    expect((await refusal(move(c.mzj, top, { type: "SUBMIT", text: "办结报告" }))).guard).toBe("PARTS_PENDING");
    expect((await refusal(move(c.office, partB, { type: "WAIVE_PART", reason: "x" }))).appCode).toBe("NOT_SUPERVISOR");
    await move(c.mzj, partB, { type: "WAIVE_PART", reason: "将军路街道并入片区统一建设" });
    for (const street of [c.wjs, c.jjl]) {
      await move(street, top, { type: "SUBMIT_CONTRIBUTION", text: "协办意见" });
      await move(c.mzj, top, { type: "ACCEPT_CONTRIBUTION", unitId: unitOf(street) });
    }
    await move(c.mzj, top, { type: "SUBMIT", text: "办结报告" });
    expect((await refusal(move(c.mzj, top, { type: "APPROVE" }))).appCode).toBe("NOT_SUPERVISOR");
    await move(c.office, top, { type: "APPROVE" });

    const waiver = (await c.auditor.trpc.audit.list.query({ taskId: partB, outcome: "ok", limit: 50 })).items.find((r) => r.action === "task.WAIVE_PART");
    expect(waiver).toMatchObject({ comment: "将军路街道并入片区统一建设" });
    expect(await c.auditor.trpc.audit.verify.mutate()).toMatchObject({ ok: true });
  });
  it("the 台账 lists each task with its parts under it, indented and numbered by level", async () => {
    const file = await c.office.trpc.supervision.exportLedger.mutate({ planId });
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(Buffer.from(file.base64, "base64") as unknown as ArrayBuffer);
    const sheet = book.worksheets[0]!;
    const rows: { number: string; text: string; indent: number }[] = [];
    sheet.eachRow((row, i) => {
      if (i <= 2) return;
      const number = String(row.getCell(1).value ?? "");
      if (!/^\d/.test(number)) return; // section headings
      rows.push({ number, text: String(row.getCell(2).value ?? ""), indent: row.getCell(2).alignment?.indent ?? 0 });
    });
    // the top task, its two street parts, and the street's community parts, depth-first
    expect(rows.map((r) => r.number)).toEqual(["1", "1-1", "1-1-1", "1-1-2", "1-2"]);
    expect(rows.map((r) => r.indent)).toEqual([0, 2, 4, 4, 2]);
    expect(rows[1]?.text).toContain("吴家山街道");
    expect(rows[4]?.text).toContain("将军路街道");
  });
});
