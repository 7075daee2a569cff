// Importing plans of every file kind over the wire and through the CLI: the fixtures built from
// corpus plans (packages/plan-import/test/fixtures/files) parse to their expected tasks; a file the
// reader cannot use is a 400 with a Chinese message and writes nothing; an unmatched unit name is
// offered its closest known units, mapped (and remembered) or created; a plan imported twice is flagged.
import { execFile } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DIALECTS, refusal, startTestApp, unique, type ApiClient, type TestApp } from "../support/server";

const FILES = join(import.meta.dirname, "../../packages/plan-import/test/fixtures/files");
const API = join(import.meta.dirname, "../../apps/api");
const fixtures = readdirSync(FILES).filter((f) => !f.endsWith(".expected.json")).sort();
const expectedOf = (file: string) => (JSON.parse(readFileSync(join(FILES, `${file}.expected.json`), "utf8")) as { tasks: unknown[] }).tasks;
const shape = (tasks: { path: string[]; leadUnits: string[]; responsibleUnits: string[] }[]) =>
  tasks.map((t) => ({ path: t.path, leadUnits: t.leadUnits, responsibleUnits: t.responsibleUnits }));
const upload = (file: string) => ({ fileBase64: readFileSync(join(FILES, file)).toString("base64"), fileName: file });

describe("pnpm cli import --dry-run --json reads every file kind", () => {
  for (const file of fixtures) {
    it(file, async () => {
      const { stdout } = await promisify(execFile)("pnpm", ["exec", "tsx", "src/cli/main.ts", "import", "--dry-run", "--json", join(FILES, file)], { cwd: API, env: { ...process.env, DATABASE_URL: ":memory:" } });
      const out = JSON.parse(stdout) as { tasks: { path: string[]; leadUnits: string[]; responsibleUnits: string[] }[]; unmatchedUnits: string[] };
      expect(shape(out.tasks)).toEqual(expectedOf(file));
      expect(out.unmatchedUnits.length).toBeGreaterThan(0);
    }, 120_000);
  }

  it("an empty file: a Chinese message and exit code 2", async () => {
    const failed = await promisify(execFile)("pnpm", ["exec", "tsx", "src/cli/main.ts", "import", "--dry-run", "--json", "/dev/null"], { cwd: API }).catch((e: { code: number; stderr: string }) => e);
    expect(failed).toMatchObject({ code: 2 });
    expect((failed as { stderr: string }).stderr).toContain("文件为空");
  }, 120_000);
});

describe.each(DIALECTS)("plan import over HTTP (%s)", (dialect) => {
  let app: TestApp;
  let office: ApiClient;
  const planCount = async () => (await office.trpc.plan.list.query()).length;

  beforeAll(async () => {
    app = await startTestApp(dialect);
    office = await app.login("office");
  }, 120_000);
  afterAll(() => app.close());

  for (const file of fixtures) {
    it(`uploads ${file}`, async () => {
      const preview = await office.trpc.plan.previewImport.mutate(upload(file));
      expect(shape(preview.parsed.tasks)).toEqual(expectedOf(file));
      expect(preview.parsed.tasks.every((t) => t.unitRule !== null)).toBe(true);
    }, 90_000);
  }

  it.each([
    ["an empty file", { fileBase64: "", fileName: "plan.docx" }, "文件为空"],
    ["a broken Word file", { fileBase64: Buffer.from("PK\u0003\u0004 broken").toString("base64"), fileName: "plan.docx" }, "无法读取"],
    ["an image", { fileBase64: Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 1]).toString("base64"), fileName: "a.png" }, "不支持的文件类型"],
  ])("refuses %s with a Chinese message and writes nothing", async (_what, input, message) => {
    const before = await planCount();
    const refused = await refusal(office.trpc.plan.previewImport.mutate(input));
    expect(refused.httpStatus).toBe(400);
    expect(refused.message).toContain(message);
    expect(await planCount()).toBe(before);
  });

  it("offers the closest units for an unmatched name; a mapped name is remembered, a created unit matches next time", async () => {
    const mark = unique("导入");
    const text = `关于${mark}的工作方案\n一、工作任务\n1. 建设养老服务中心。（牵头单位：东西湖民政局；配合单位：${mark}办）`;
    const first = await office.trpc.plan.previewImport.mutate({ text });
    expect(first.parsed.unmatchedUnits).toEqual(["东西湖民政局", `${mark}办`]);
    const offered = first.suggestions["东西湖民政局"] ?? [];
    expect(offered[0]?.name).toBe("东西湖区民政局");
    await office.trpc.plan.mapUnitName.mutate({ name: "东西湖民政局", unitId: offered[0]?.unitId ?? "" });
    const created = await office.trpc.plan.createUnitFromImport.mutate({ name: `${mark}办`, kind: "department" });

    const second = await office.trpc.plan.previewImport.mutate({ text });
    expect(second.parsed.unmatchedUnits).toEqual([]);
    expect(second.draft.tasks[0]).toMatchObject({ leadUnitId: offered[0]?.unitId, coUnitIds: [created.unitId] });
    // a name already used by another unit is refused
    expect((await refusal(office.trpc.plan.createUnitFromImport.mutate({ name: "东西湖民政局", kind: "department" }))).httpStatus).toBe(409);
  }, 30_000);

  it("flags a plan already imported (same 文号, or nearly the same text)", async () => {
    const mark = unique("重复");
    const tasks = ["建设街道养老服务综合体，完善社区嵌入式养老服务设施布局", "推进居家适老化改造，为特殊困难老年人家庭配备必要设施", "培育养老服务市场主体，引导社会力量参与运营管理", "加强养老护理员队伍建设，开展技能培训和等级评定"];
    const text = `东政办〔2031〕${Math.floor(Math.random() * 9000) + 1000}号\n关于${mark}的工作方案\n一、工作任务\n${tasks.map((t, i) => `${i + 1}. ${t}。（牵头单位：区民政局）`).join("\n")}`;
    const preview = await office.trpc.plan.previewImport.mutate({ text });
    expect(preview.duplicates).toEqual([]);
    expect(preview.parsed.docNumber).toMatch(/^东政办〔2031〕/);
    const plan = await office.trpc.plan.confirmImport.mutate(preview.draft);
    const again = await office.trpc.plan.previewImport.mutate({ text });
    expect(again.duplicates).toEqual([expect.objectContaining({ planId: plan.id, reason: "docNumber" })]);
    const retyped = await office.trpc.plan.previewImport.mutate({ text: text.replace(/东政办.*号\n/, "").replace("。", "。 ") });
    expect(retyped.duplicates).toEqual([expect.objectContaining({ planId: plan.id, reason: "text" })]);
  }, 30_000);
});
